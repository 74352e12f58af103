//===- Tensors.cpp - ONNX tensors and types to MLIR -----------------------===//
//
// Decodes TensorProto payloads (raw_data, typed fields, external files) into
// packed little-endian buffers and turns them into elements attributes:
// small tensors inline, large ones as dense_resource blobs so the IR stays
// readable and the weights are not copied into the attribute uniquer.
//
//===----------------------------------------------------------------------===//
#include "ImporterImpl.h"
#include "dialects/Aic/ResourceBlob.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/APInt.h"
#include "llvm/ADT/StringExtras.h"

#include <cstring>
#include <limits>

using namespace mlir;
using namespace aic::importer;

static constexpr int64_t kMaxInlineElements = 64;

Type aic::importer::convertElementType(int32_t onnxType, MLIRContext *ctx) {
  using TP = onnx::TensorProto;
  Builder b(ctx);
  // Integers are signless, as arith and linalg need them: rules pick signed
  // or unsigned operations from the ONNX type (isUnsignedElementType).
  switch (onnxType) {
  case TP::FLOAT:
    return b.getF32Type();
  case TP::DOUBLE:
    return b.getF64Type();
  case TP::FLOAT16:
    return b.getF16Type();
  case TP::BFLOAT16:
    return b.getBF16Type();
  case TP::INT8:
  case TP::UINT8:
    return b.getIntegerType(8);
  case TP::INT16:
  case TP::UINT16:
    return b.getIntegerType(16);
  case TP::INT32:
  case TP::UINT32:
    return b.getIntegerType(32);
  case TP::INT64:
  case TP::UINT64:
    return b.getIntegerType(64);
  case TP::BOOL:
    return b.getI1Type();
  case TP::STRING:
    return StringType::get(ctx);
  default:
    return nullptr;
  }
}

bool aic::importer::isUnsignedElementType(int32_t onnxType) {
  using TP = onnx::TensorProto;
  return onnxType == TP::UINT8 || onnxType == TP::UINT16 ||
         onnxType == TP::UINT32 || onnxType == TP::UINT64;
}

int32_t aic::importer::getOnnxElementType(Type elementType, bool isUnsigned) {
  using TP = onnx::TensorProto;
  if (elementType.isF32())
    return TP::FLOAT;
  if (elementType.isF64())
    return TP::DOUBLE;
  if (elementType.isF16())
    return TP::FLOAT16;
  if (elementType.isBF16())
    return TP::BFLOAT16;
  if (isa<StringType>(elementType))
    return TP::STRING;
  auto intType = dyn_cast<IntegerType>(elementType);
  if (!intType)
    return TP::UNDEFINED;
  switch (intType.getWidth()) {
  case 1:
    return TP::BOOL;
  case 8:
    return isUnsigned ? TP::UINT8 : TP::INT8;
  case 16:
    return isUnsigned ? TP::UINT16 : TP::INT16;
  case 32:
    return isUnsigned ? TP::UINT32 : TP::INT32;
  case 64:
    return isUnsigned ? TP::UINT64 : TP::INT64;
  default:
    return TP::UNDEFINED;
  }
}

onnx::TypeProto aic::importer::makeOnnxType(RankedTensorType type,
                                            bool isUnsigned) {
  onnx::TypeProto result;
  onnx::TypeProto::Tensor *tensorType = result.mutable_tensor_type();
  tensorType->set_elem_type(
      getOnnxElementType(type.getElementType(), isUnsigned));
  onnx::TensorShapeProto *shape = tensorType->mutable_shape();
  // A dim known only at run time (after NonZero, Unique, ...) stays open.
  for (int64_t dim : type.getShape()) {
    onnx::TensorShapeProto::Dimension *d = shape->add_dim();
    if (!mlir::ShapedType::isDynamic(dim))
      d->set_dim_value(dim);
  }
  return result;
}

onnx::TensorProto aic::importer::makeOnnxTensor(const ConstTensor &tensor,
                                                StringRef name) {
  // ConstTensor::data is already the raw_data layout (little-endian, one
  // byte per boolean).
  onnx::TensorProto result;
  result.set_name(name.str());
  result.set_data_type(
      getOnnxElementType(tensor.type.getElementType(), tensor.isUnsigned));
  for (int64_t dim : tensor.type.getShape())
    result.add_dims(dim);
  if (tensor.isString()) {
    for (const std::string &s : tensor.strings)
      result.add_string_data(s);
    return result;
  }
  result.set_raw_data(std::string(tensor.data.begin(), tensor.data.end()));
  return result;
}

std::string aic::importer::elementTypeName(int32_t onnxType) {
  if (onnx::TensorProto::DataType_IsValid(onnxType))
    return onnx::TensorProto::DataType_Name(
        static_cast<onnx::TensorProto::DataType>(onnxType));
  return "type " + std::to_string(onnxType);
}

int64_t aic::importer::elementByteSize(Type elementType) {
  // A string in memory: aic_string_t (aic/runtime.h).
  if (isa<StringType>(elementType))
    return 16;
  unsigned bits = elementType.getIntOrFloatBitWidth();
  return bits == 1 ? 1 : bits / 8;
}

FailureOr<RankedTensorType>
aic::importer::convertTensorType(const onnx::TypeProto &type, MLIRContext *ctx,
                                 std::string &why, bool allowDynamic) {
  if (!type.has_tensor_type()) {
    why = "is not a tensor";
    return failure();
  }
  const onnx::TypeProto::Tensor &tensorType = type.tensor_type();
  Type elementType = convertElementType(tensorType.elem_type(), ctx);
  if (!elementType) {
    why = "has unsupported element type " +
          elementTypeName(tensorType.elem_type());
    return failure();
  }
  if (!tensorType.has_shape()) {
    why = "has an unknown rank; aic needs static shapes";
    return failure();
  }
  SmallVector<int64_t> shape;
  for (const onnx::TensorShapeProto::Dimension &dim :
       tensorType.shape().dim()) {
    if (allowDynamic && !dim.has_dim_value()) {
      shape.push_back(ShapedType::kDynamic);
      continue;
    }
    if (!dim.has_dim_value() || dim.dim_value() < 0) {
      why = "has a dynamic dimension ('" +
            (dim.has_dim_param() && !dim.dim_param().empty() ? dim.dim_param()
                                                             : "?") +
            "'); aic needs static shapes";
      return failure();
    }
    shape.push_back(dim.dim_value());
  }
  return RankedTensorType::get(shape, elementType);
}

//===----------------------------------------------------------------------===//
// Decoding
//===----------------------------------------------------------------------===//

/// Copies `count` values of a repeated field into `out`, narrowing each to
/// `Dst` (ONNX stores int8/16, uint8/16, bool and the 16-bit float bit
/// patterns widened in int32_data).
template <typename Dst, typename Field>
static void packField(const Field &field, std::vector<char> &out) {
  out.resize(field.size() * sizeof(Dst));
  for (int i = 0; i < field.size(); ++i) {
    Dst v = static_cast<Dst>(field.Get(i));
    std::memcpy(out.data() + i * sizeof(Dst), &v, sizeof(Dst));
  }
}

FailureOr<ConstTensor>
aic::importer::decodeTensor(const onnx::TensorProto &tensor, StringRef modelDir,
                            MLIRContext *ctx, std::string &error) {
  using TP = onnx::TensorProto;
  Type elementType = convertElementType(tensor.data_type(), ctx);
  if (!elementType) {
    error = "unsupported element type " + elementTypeName(tensor.data_type());
    return failure();
  }
  SmallVector<int64_t> shape;
  int64_t numElements = 1;
  for (int64_t dim : tensor.dims()) {
    if (dim < 0 || (dim > 0 && numElements > (int64_t(1) << 62) / dim)) {
      error = "invalid dimension " + std::to_string(dim);
      return failure();
    }
    shape.push_back(dim);
    numElements *= dim;
  }
  ConstTensor result{RankedTensorType::get(shape, elementType),
                     {},
                     isUnsignedElementType(tensor.data_type())};
  // Strings: string_data only (ONNX stores no STRING tensor in raw_data or
  // external data).
  if (isa<StringType>(elementType)) {
    if (tensor.has_raw_data() || (tensor.has_data_location() &&
                                  tensor.data_location() == TP::EXTERNAL)) {
      error = "a STRING tensor must hold its values in string_data";
      return failure();
    }
    if (tensor.string_data_size() != numElements) {
      error = "has " + std::to_string(tensor.string_data_size()) +
              " values, expected " + std::to_string(numElements);
      return failure();
    }
    result.strings.assign(tensor.string_data().begin(),
                          tensor.string_data().end());
    return result;
  }
  int64_t byteSize = numElements * elementByteSize(elementType);

  if (tensor.has_data_location() && tensor.data_location() == TP::EXTERNAL) {
    if (failed(
            readExternalData(tensor, modelDir, byteSize, result.data, error)))
      return failure();
  } else if (tensor.has_raw_data()) {
    const std::string &raw = tensor.raw_data();
    if (static_cast<int64_t>(raw.size()) != byteSize) {
      error = "raw_data has " + std::to_string(raw.size()) +
              " bytes, expected " + std::to_string(byteSize);
      return failure();
    }
    result.data.assign(raw.begin(), raw.end());
  } else {
    int64_t count = 0;
    switch (tensor.data_type()) {
    case TP::FLOAT:
      packField<float>(tensor.float_data(), result.data);
      count = tensor.float_data_size();
      break;
    case TP::DOUBLE:
      packField<double>(tensor.double_data(), result.data);
      count = tensor.double_data_size();
      break;
    case TP::INT64:
      packField<int64_t>(tensor.int64_data(), result.data);
      count = tensor.int64_data_size();
      break;
    case TP::UINT32:
      packField<uint32_t>(tensor.uint64_data(), result.data);
      count = tensor.uint64_data_size();
      break;
    case TP::UINT64:
      packField<uint64_t>(tensor.uint64_data(), result.data);
      count = tensor.uint64_data_size();
      break;
    case TP::INT32:
      packField<int32_t>(tensor.int32_data(), result.data);
      count = tensor.int32_data_size();
      break;
    case TP::INT16:
      packField<int16_t>(tensor.int32_data(), result.data);
      count = tensor.int32_data_size();
      break;
    case TP::UINT16:
    case TP::FLOAT16:
    case TP::BFLOAT16:
      packField<uint16_t>(tensor.int32_data(), result.data);
      count = tensor.int32_data_size();
      break;
    case TP::INT8:
      packField<int8_t>(tensor.int32_data(), result.data);
      count = tensor.int32_data_size();
      break;
    case TP::UINT8:
      packField<uint8_t>(tensor.int32_data(), result.data);
      count = tensor.int32_data_size();
      break;
    case TP::BOOL: {
      result.data.resize(tensor.int32_data_size());
      for (int i = 0; i < tensor.int32_data_size(); ++i)
        result.data[i] = tensor.int32_data(i) != 0;
      count = tensor.int32_data_size();
      break;
    }
    default:
      break;
    }
    if (count != numElements) {
      error = "has " + std::to_string(count) + " values, expected " +
              std::to_string(numElements);
      return failure();
    }
  }
  return result;
}

//===----------------------------------------------------------------------===//
// Reading values back
//===----------------------------------------------------------------------===//

template <typename T> static T load(const ConstTensor &t, int64_t i) {
  T v;
  std::memcpy(&v, t.data.data() + i * sizeof(T), sizeof(T));
  return v;
}

/// Element `i` as a double; exact for every supported type but 64-bit
/// integers beyond 2^53, which no importer rule needs.
static double loadAsDouble(const ConstTensor &t, int64_t i) {
  Type et = t.type.getElementType();
  if (et.isF32())
    return load<float>(t, i);
  if (et.isF64())
    return load<double>(t, i);
  if (et.isF16() || et.isBF16()) {
    const llvm::fltSemantics &sem =
        et.isF16() ? llvm::APFloat::IEEEhalf() : llvm::APFloat::BFloat();
    llvm::APFloat f(sem, llvm::APInt(16, load<uint16_t>(t, i)));
    return f.convertToDouble() /* exact: widening */;
  }
  auto it = cast<IntegerType>(et);
  bool isUnsigned = t.isUnsigned || it.getWidth() == 1;
  switch (it.getWidth()) {
  case 1:
  case 8:
    return isUnsigned ? double(load<uint8_t>(t, i))
                      : double(load<int8_t>(t, i));
  case 16:
    return isUnsigned ? double(load<uint16_t>(t, i))
                      : double(load<int16_t>(t, i));
  case 32:
    return isUnsigned ? double(load<uint32_t>(t, i))
                      : double(load<int32_t>(t, i));
  default:
    return isUnsigned ? double(load<uint64_t>(t, i))
                      : double(load<int64_t>(t, i));
  }
}

std::vector<double> aic::importer::getValuesAsDouble(const ConstTensor &t) {
  std::vector<double> values(t.getNumElements());
  for (int64_t i = 0, e = values.size(); i < e; ++i)
    values[i] = loadAsDouble(t, i);
  return values;
}

std::vector<int64_t> aic::importer::getValuesAsInt(const ConstTensor &t) {
  std::vector<int64_t> values(t.getNumElements());
  Type et = t.type.getElementType();
  for (int64_t i = 0, e = values.size(); i < e; ++i) {
    if (et.isInteger(64))
      values[i] = load<int64_t>(t, i);
    else
      values[i] = static_cast<int64_t>(loadAsDouble(t, i));
  }
  return values;
}

TypedAttr aic::importer::getElementAttr(const ConstTensor &t, int64_t i) {
  Type et = t.type.getElementType();
  if (et.isInteger(1))
    return BoolAttr::get(t.type.getContext(), t.data[i] != 0);
  int64_t size = elementByteSize(et);
  APInt bits(size * 8, 0);
  llvm::LoadIntFromMemory(
      bits, reinterpret_cast<const uint8_t *>(t.data.data() + i * size), size);
  if (auto floatType = dyn_cast<FloatType>(et))
    return FloatAttr::get(floatType,
                          APFloat(floatType.getFloatSemantics(), bits));
  return IntegerAttr::get(et, bits);
}

std::string aic::importer::formatShape(ArrayRef<int64_t> shape) {
  std::string result = "[";
  for (auto [i, dim] : llvm::enumerate(shape))
    result += (i ? ", " : "") +
              (ShapedType::isDynamic(dim) ? "?" : std::to_string(dim));
  return result + "]";
}

ConstTensor aic::importer::makeFloatTensor(RankedTensorType type,
                                           ArrayRef<double> values) {
  ConstTensor result{type, {}};
  Type et = type.getElementType();
  int64_t size = elementByteSize(et);
  result.data.resize(values.size() * size);
  for (auto [i, v] : llvm::enumerate(values)) {
    char *dst = result.data.data() + i * size;
    if (et.isF64()) {
      std::memcpy(dst, &v, sizeof(double));
    } else if (et.isF32()) {
      float f = static_cast<float>(v);
      std::memcpy(dst, &f, sizeof(float));
    } else {
      llvm::APFloat f(v);
      bool losesInfo;
      f.convert(cast<FloatType>(et).getFloatSemantics(),
                llvm::APFloat::rmNearestTiesToEven, &losesInfo);
      uint16_t bits = f.bitcastToAPInt().getZExtValue();
      std::memcpy(dst, &bits, sizeof(bits));
    }
  }
  return result;
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

std::string ResourceNamer::getUniqueName(StringRef hint) {
  // Resource keys are printed bare: keep identifier characters only.
  std::string base;
  for (char c : hint)
    base.push_back(llvm::isAlnum(c) || c == '_' || c == '.' ? c : '_');
  if (base.empty() || !(llvm::isAlpha(base[0]) || base[0] == '_'))
    base.insert(base.begin(), '_');
  std::string name = base;
  for (unsigned i = 1; !used.insert(name).second; ++i)
    name = base + "_" + std::to_string(i);
  return name;
}

ElementsAttr aic::importer::makeElementsAttr(const ConstTensor &tensor,
                                             StringRef nameHint,
                                             ResourceNamer &namer) {
  if (tensor.getNumElements() > kMaxInlineElements && !tensor.isString()) {
    int64_t align = std::max<int64_t>(
        elementByteSize(tensor.type.getElementType()), alignof(uint64_t));
    AsmResourceBlob blob =
        aic::copyToImmutableBlob(ArrayRef<char>(tensor.data), align);
    return DenseResourceElementsAttr::get(
        tensor.type, namer.getUniqueName(nameHint), std::move(blob));
  }
  return makeDenseAttr(tensor);
}

DenseElementsAttr aic::importer::makeDenseAttr(const ConstTensor &tensor) {
  if (tensor.isString()) {
    SmallVector<StringRef> strings(tensor.strings.begin(),
                                   tensor.strings.end());
    return DenseStringElementsAttr::get(tensor.type, strings);
  }
  if (tensor.type.getElementType().isInteger(1)) {
    SmallVector<bool> bits(tensor.data.begin(), tensor.data.end());
    return DenseElementsAttr::get(tensor.type, ArrayRef<bool>(bits));
  }
  return DenseElementsAttr::getFromRawBuffer(tensor.type, tensor.data);
}
