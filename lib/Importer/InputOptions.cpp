//===- InputOptions.cpp - What the user says about graph inputs -----------===//
//
// aic compiles for static shapes. Two options fill in what a model leaves
// open: --input-shape fixes the symbolic dims of an input, and --input-value
// gives the value of an input that determines shapes (Slice starts, Resize
// sizes, TopK k, ...: whatever a rule must read as a constant). The importer
// uses a given value only where a rule needs a constant; every other use
// reads the argument at run time. An input whose value was used is
// *specialized*: the library records the value and the runtime rejects any
// other one (see aic_model_tensor_meta::value), so a specialized library
// never computes with shapes that do not fit its inputs.
//
// A sequence or optional input needs its length or presence and its
// elements' shapes before anything can be compiled: an ONNX SequenceProto or
// OptionalProto file gives them (--input-value NAME=FILE.pb, or aic-run's
// input file), and the library takes that many tensors for it.
//
//===----------------------------------------------------------------------===//
#include "ImporterImpl.h"
#include "aic/Compiler.h"

#include "aic/abi.h"
#include "llvm/ADT/StringExtras.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

// After ImporterImpl.h (onnx_pb.h), which defines ONNX_API.
#include "onnx/onnx-data.pb.h"

using namespace mlir;
using namespace aic::importer;

bool aic::parseInputShape(StringRef spec, aic::ImportOptions &options,
                          std::string &error) {
  size_t eq = spec.rfind('=');
  if (eq == StringRef::npos || eq == 0) {
    error = "input shape '" + spec.str() + "' is not NAME=D0xD1x...";
    return false;
  }
  std::vector<int64_t> shape;
  SmallVector<StringRef> dims;
  StringRef dimsText = spec.drop_front(eq + 1);
  if (!dimsText.empty())
    dimsText.split(dims, 'x');
  for (StringRef d : dims) {
    int64_t value;
    if (d.getAsInteger(10, value) || value < 0) {
      error = "input shape '" + spec.str() + "': '" + d.str() +
              "' is not a dimension";
      return false;
    }
    shape.push_back(value);
  }
  options.inputShapes[spec.take_front(eq).str()] = std::move(shape);
  return true;
}

bool aic::parseInputValue(StringRef spec, aic::ImportOptions &options,
                          std::string &error) {
  size_t eq = spec.find('=');
  if (eq == StringRef::npos || eq == 0 || eq + 1 == spec.size()) {
    error = "input value '" + spec.str() +
            "' is not NAME=FILE.pb or NAME=V0,V1,...";
    return false;
  }
  options.inputValues[spec.take_front(eq).str()] =
      spec.drop_front(eq + 1).str();
  return true;
}

/// The graph input (not an initializer) called `name`, or null.
static onnx::ValueInfoProto *findGraphInput(onnx::ModelProto &model,
                                            StringRef name) {
  for (const onnx::TensorProto &init : model.graph().initializer())
    if (init.name() == name)
      return nullptr;
  for (onnx::ValueInfoProto &input : *model.mutable_graph()->mutable_input())
    if (input.name() == name)
      return &input;
  return nullptr;
}

/// True if `shape` fits the (possibly symbolic) dims of `input`.
static bool fitsDims(const onnx::ValueInfoProto &input,
                     ArrayRef<int64_t> shape) {
  const onnx::TensorShapeProto &dims = input.type().tensor_type().shape();
  if (!input.type().tensor_type().has_shape())
    return true;
  if (dims.dim_size() != int(shape.size()))
    return false;
  for (auto [i, value] : llvm::enumerate(shape))
    if (dims.dim(i).has_dim_value() && dims.dim(i).dim_value() != value)
      return false;
  return true;
}

/// Fixes the dims of `input` to `shape`; `option` names the flag in errors.
static LogicalResult setInputDims(onnx::ValueInfoProto &input,
                                  ArrayRef<int64_t> shape, StringRef option,
                                  Location fileLoc) {
  onnx::TensorShapeProto *dims =
      input.mutable_type()->mutable_tensor_type()->mutable_shape();
  if (dims->dim_size() != 0 && dims->dim_size() != int(shape.size()))
    return emitError(fileLoc)
           << option << ": input '" << input.name() << "' has rank "
           << dims->dim_size() << ", the given one has rank " << shape.size();
  while (dims->dim_size() < int(shape.size()))
    dims->add_dim();
  for (auto [i, value] : llvm::enumerate(shape)) {
    onnx::TensorShapeProto::Dimension *dim = dims->mutable_dim(i);
    if (dim->has_dim_value() && dim->dim_value() != value)
      return emitError(fileLoc)
             << option << ": dim " << i << " of input '" << input.name()
             << "' is " << dim->dim_value() << " in the model, not " << value;
    dim->set_dim_value(value);
  }
  return success();
}

/// The TensorProto an inline value "V0,V1,..." stands for, typed and shaped
/// like `input` (a 1-D input with a symbolic dim takes the value's length).
static FailureOr<onnx::TensorProto>
parseInlineValue(const onnx::ValueInfoProto &input, StringRef text,
                 Location fileLoc) {
  using DT = onnx::TensorProto;
  SmallVector<StringRef> items;
  text.split(items, ',');
  int32_t type = input.type().tensor_type().elem_type();
  onnx::TensorProto tensor;
  tensor.set_data_type(type);
  const onnx::TensorShapeProto &dims = input.type().tensor_type().shape();
  int64_t count = 1;
  for (const auto &dim : dims.dim()) {
    if (!dim.has_dim_value() && dims.dim_size() != 1)
      return emitError(fileLoc) << "--input-value: input '" << input.name()
                                << "' has symbolic dims; give its value as a "
                                   "TensorProto file";
    int64_t extent = dim.has_dim_value() ? dim.dim_value() : items.size();
    tensor.add_dims(extent);
    count *= extent;
  }
  if (count != int64_t(items.size()))
    return emitError(fileLoc)
           << "--input-value: input '" << input.name() << "' has " << count
           << " elements, the value " << items.size();
  for (StringRef item : items) {
    item = item.trim();
    bool bad;
    if (type == DT::FLOAT || type == DT::DOUBLE) {
      double v;
      bad = !llvm::to_float(item, v);
      if (type == DT::FLOAT)
        tensor.add_float_data(static_cast<float>(v));
      else
        tensor.add_double_data(v);
    } else if (type == DT::UINT32 || type == DT::UINT64) {
      uint64_t v;
      bad = item.getAsInteger(10, v);
      tensor.add_uint64_data(v);
    } else if (type == DT::INT64) {
      int64_t v;
      bad = item.getAsInteger(10, v);
      tensor.add_int64_data(v);
    } else if (type == DT::INT32 || type == DT::INT16 || type == DT::INT8 ||
               type == DT::UINT16 || type == DT::UINT8 || type == DT::BOOL) {
      int32_t v;
      bad = item.getAsInteger(10, v);
      tensor.add_int32_data(v);
    } else {
      return emitError(fileLoc)
             << "--input-value: input '" << input.name() << "' has element "
             << "type " << elementTypeName(type)
             << "; give its value as a TensorProto file";
    }
    if (bad)
      return emitError(fileLoc)
             << "--input-value: '" << item << "' is not a value of input '"
             << input.name() << "'";
  }
  return tensor;
}

/// Reads file `path` into `proto`; `option` names the flag in errors.
static LogicalResult readProtoFile(StringRef path, StringRef option,
                                   google::protobuf::MessageLite &proto,
                                   Location fileLoc) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return emitError(fileLoc)
           << option << ": " << path << ": " << buffer.getError().message();
  if (!proto.ParseFromArray((*buffer)->getBufferStart(),
                            static_cast<int>((*buffer)->getBufferSize())))
    return emitError(fileLoc)
           << option << ": " << path << " is not an " << proto.GetTypeName();
  return success();
}

/// The static type of tensor `tensor`, the `what` of input `input` whose
/// elements ONNX declares as `declared`.
static FailureOr<RankedTensorType>
getElementTensorType(const onnx::ValueInfoProto &input,
                     const onnx::TypeProto_Tensor &declared,
                     const onnx::TensorProto &tensor, const Twine &what,
                     MLIRContext *ctx, Location fileLoc) {
  if (declared.elem_type() != onnx::TensorProto::UNDEFINED &&
      tensor.data_type() != declared.elem_type())
    return emitError(fileLoc)
           << "input '" << input.name() << "': " << what << " is "
           << elementTypeName(tensor.data_type()) << ", the model declares "
           << elementTypeName(declared.elem_type());
  SmallVector<int64_t> shape(tensor.dims().begin(), tensor.dims().end());
  if (declared.has_shape()) {
    const onnx::TensorShapeProto &dims = declared.shape();
    bool fits = dims.dim_size() == int(shape.size());
    for (int i = 0; fits && i < dims.dim_size(); ++i)
      fits =
          !dims.dim(i).has_dim_value() || dims.dim(i).dim_value() == shape[i];
    if (!fits)
      return emitError(fileLoc)
             << "input '" << input.name() << "': " << what << " has shape "
             << formatShape(shape) << ", which does not fit the model's";
  }
  Type elementType = convertElementType(tensor.data_type(), ctx);
  if (!elementType || llvm::any_of(shape, [](int64_t d) { return d < 0; }))
    return emitError(fileLoc)
           << "input '" << input.name() << "': " << what << " of element type "
           << elementTypeName(tensor.data_type()) << " and shape "
           << formatShape(shape) << " is not supported";
  return RankedTensorType::get(shape, elementType);
}

/// The element types of a sequence: only sequences of tensors are supported.
static FailureOr<const onnx::TypeProto_Tensor *>
getSequenceElementType(const onnx::ValueInfoProto &input,
                       const onnx::TypeProto_Sequence &sequence,
                       Location fileLoc) {
  if (!sequence.elem_type().has_tensor_type())
    return emitError(fileLoc) << "input '" << input.name()
                              << "': only sequences of tensors are supported";
  return &sequence.elem_type().tensor_type();
}

/// The tensors of a SequenceProto given for `input`, whose elements ONNX
/// declares as `declared`.
static LogicalResult readSequence(const onnx::ValueInfoProto &input,
                                  const onnx::TypeProto_Tensor &declared,
                                  const onnx::SequenceProto &sequence,
                                  CompositeInput &result, MLIRContext *ctx,
                                  Location fileLoc) {
  if (sequence.elem_type() != onnx::SequenceProto::TENSOR &&
      !(sequence.elem_type() == onnx::SequenceProto::UNDEFINED &&
        sequence.tensor_values_size() == 0))
    return emitError(fileLoc) << "input '" << input.name()
                              << "': the given sequence does not hold tensors";
  for (const auto &[k, tensor] : llvm::enumerate(sequence.tensor_values())) {
    FailureOr<RankedTensorType> type = getElementTensorType(
        input, declared, tensor, "element " + Twine(k), ctx, fileLoc);
    if (failed(type))
      return failure();
    if (k > 0 && tensor.data_type() != sequence.tensor_values(0).data_type())
      return emitError(fileLoc) << "input '" << input.name()
                                << "': the sequence mixes element types";
    result.types.push_back(*type);
  }
  result.elementType = declared.elem_type();
  if (result.elementType == onnx::TensorProto::UNDEFINED &&
      sequence.tensor_values_size() > 0)
    result.elementType = sequence.tensor_values(0).data_type();
  return success();
}

/// The shape of sequence or optional input `input` from file `path` (a
/// SequenceProto or OptionalProto); `option` names the flag in errors.
static FailureOr<CompositeInput>
readCompositeInput(const onnx::ValueInfoProto &input, StringRef path,
                   StringRef option, MLIRContext *ctx, Location fileLoc) {
  using Kind = CompositeValue::Kind;
  CompositeInput result;
  const onnx::TypeProto &type = input.type();
  if (type.has_sequence_type()) {
    FailureOr<const onnx::TypeProto_Tensor *> declared =
        getSequenceElementType(input, type.sequence_type(), fileLoc);
    onnx::SequenceProto sequence;
    if (failed(declared) ||
        failed(readProtoFile(path, option, sequence, fileLoc)) ||
        failed(readSequence(input, **declared, sequence, result, ctx, fileLoc)))
      return failure();
    return result;
  }
  const onnx::TypeProto &elem = type.optional_type().elem_type();
  if (!elem.has_tensor_type() && !elem.has_sequence_type())
    return emitError(fileLoc)
           << "input '" << input.name()
           << "': only optionals of tensors or sequences are supported";
  result.kind =
      elem.has_tensor_type() ? Kind::Optional : Kind::OptionalSequence;
  onnx::OptionalProto optional;
  if (failed(readProtoFile(path, option, optional, fileLoc)))
    return failure();
  if (elem.has_tensor_type())
    result.elementType = elem.tensor_type().elem_type();
  if (optional.elem_type() == onnx::OptionalProto::UNDEFINED) {
    result.present = false;
    if (elem.has_sequence_type() &&
        elem.sequence_type().elem_type().has_tensor_type())
      result.elementType =
          elem.sequence_type().elem_type().tensor_type().elem_type();
    return result;
  }
  if (elem.has_tensor_type()) {
    if (optional.elem_type() != onnx::OptionalProto::TENSOR)
      return emitError(fileLoc) << "input '" << input.name()
                                << "': the given optional does not hold a "
                                   "tensor";
    FailureOr<RankedTensorType> tensorType =
        getElementTensorType(input, elem.tensor_type(), optional.tensor_value(),
                             "its tensor", ctx, fileLoc);
    if (failed(tensorType))
      return failure();
    if (result.elementType == onnx::TensorProto::UNDEFINED)
      result.elementType = optional.tensor_value().data_type();
    result.types.push_back(*tensorType);
    return result;
  }
  FailureOr<const onnx::TypeProto_Tensor *> declared =
      getSequenceElementType(input, elem.sequence_type(), fileLoc);
  if (failed(declared))
    return failure();
  if (optional.elem_type() != onnx::OptionalProto::SEQUENCE)
    return emitError(fileLoc) << "input '" << input.name()
                              << "': the given optional does not hold a "
                                 "sequence";
  if (failed(readSequence(input, **declared, optional.sequence_value(), result,
                          ctx, fileLoc)))
    return failure();
  return result;
}

static bool isCompositeInput(const onnx::ValueInfoProto &input) {
  return input.type().has_sequence_type() || input.type().has_optional_type();
}

static FailureOr<onnx::TensorProto>
readTensorFile(StringRef path, StringRef name, Location fileLoc) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return emitError(fileLoc)
           << "--input-value: " << path << ": " << buffer.getError().message();
  onnx::TensorProto tensor;
  if (!tensor.ParseFromArray((*buffer)->getBufferStart(),
                             static_cast<int>((*buffer)->getBufferSize())))
    return emitError(fileLoc)
           << "--input-value: " << path
           << " is not an ONNX TensorProto (for input '" << name << "')";
  return tensor;
}

FailureOr<InputBindings> aic::importer::applyInputOptions(
    onnx::ModelProto &model, const aic::ImportOptions &options,
    StringRef modelDir, MLIRContext *ctx, Location fileLoc) {
  for (const auto &[name, shape] : options.inputShapes) {
    onnx::ValueInfoProto *input = findGraphInput(model, name);
    if (!input || !input->type().has_tensor_type())
      return emitError(fileLoc) << "--input-shape: the model has no tensor "
                                   "input named '"
                                << name << "'";
    if (failed(setInputDims(*input, shape, "--input-shape", fileLoc)))
      return failure();
  }

  InputBindings bindings;
  llvm::StringMap<ConstTensor> &values = bindings.values;
  for (const auto &[name, spec] : options.inputValues) {
    onnx::ValueInfoProto *input = findGraphInput(model, name);
    if (input && isCompositeInput(*input)) {
      FailureOr<CompositeInput> composite =
          readCompositeInput(*input, spec, "--input-value", ctx, fileLoc);
      if (failed(composite))
        return failure();
      bindings.composites.insert({name, std::move(*composite)});
      continue;
    }
    if (!input || !input->type().has_tensor_type())
      return emitError(fileLoc) << "--input-value: the model has no tensor, "
                                   "sequence or optional input named '"
                                << name << "'";
    StringRef text(spec);
    bool isInline = !text.empty() && llvm::all_of(text, [](char c) {
      return llvm::isDigit(c) || StringRef("+-.,eE ").contains(c);
    });
    FailureOr<onnx::TensorProto> proto =
        isInline ? parseInlineValue(*input, text, fileLoc)
                 : readTensorFile(text, name, fileLoc);
    if (failed(proto))
      return failure();
    int32_t declared = input->type().tensor_type().elem_type();
    if (proto->data_type() != declared)
      return emitError(fileLoc) << "--input-value: input '" << name << "' is "
                                << elementTypeName(declared) << ", the value "
                                << elementTypeName(proto->data_type());
    if (failed(setInputDims(
            *input,
            SmallVector<int64_t>(proto->dims().begin(), proto->dims().end()),
            "--input-value", fileLoc)))
      return failure();
    proto->set_name(name);
    std::string why;
    // External data of a value file would resolve against the model's
    // folder: refuse it rather than read files the user did not name.
    if (proto->data_location() == onnx::TensorProto::EXTERNAL)
      return emitError(fileLoc) << "--input-value: the value of input '" << name
                                << "' has external data";
    FailureOr<ConstTensor> tensor = decodeTensor(*proto, modelDir, ctx, why);
    if (failed(tensor))
      return emitError(fileLoc)
             << "--input-value: input '" << name << "': " << why;
    values.insert({name, std::move(*tensor)});
  }

  // aic-run's input folder: values for the inputs in graph order. One that
  // does not fit its input is left for the runtime to reject.
  if (options.inputValuesDir.empty())
    return bindings;
  llvm::StringSet<> initializers;
  for (const onnx::TensorProto &init : model.graph().initializer())
    initializers.insert(init.name());
  int k = 0;
  for (onnx::ValueInfoProto &input : *model.mutable_graph()->mutable_input()) {
    if (initializers.contains(input.name()))
      continue;
    SmallString<256> path(options.inputValuesDir);
    llvm::sys::path::append(path, "input_" + Twine(k++) + ".pb");
    if (options.inputValues.count(input.name()))
      continue;
    // A sequence or optional input cannot be compiled without the shape
    // its file gives: an unfit file is an error here.
    if (isCompositeInput(input)) {
      FailureOr<CompositeInput> composite =
          readCompositeInput(input, path, "--inputs", ctx, fileLoc);
      if (failed(composite))
        return failure();
      bindings.composites.insert({input.name(), std::move(*composite)});
      continue;
    }
    if (!input.type().has_tensor_type())
      continue;
    auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
    auto proto = std::make_unique<onnx::TensorProto>();
    if (!buffer ||
        !proto->ParseFromArray((*buffer)->getBufferStart(),
                               static_cast<int>((*buffer)->getBufferSize())))
      continue;
    SmallVector<int64_t> shape(proto->dims().begin(), proto->dims().end());
    if (proto->data_type() != input.type().tensor_type().elem_type() ||
        !fitsDims(input, shape))
      continue;
    if (failed(setInputDims(input, shape, "--inputs", fileLoc)))
      return failure();
    if (proto->ByteSizeLong() > AIC_MAX_VALUE_BYTES ||
        proto->data_location() == onnx::TensorProto::EXTERNAL)
      continue;
    proto->set_name(input.name());
    std::string why;
    FailureOr<ConstTensor> tensor = decodeTensor(*proto, "", ctx, why);
    if (succeeded(tensor))
      values.insert({input.name(), std::move(*tensor)});
  }
  return bindings;
}
