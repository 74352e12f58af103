//===- Signature.cpp - The arguments and results of @main_graph -----------===//
//
// A graph input or output is one argument or result of @main_graph, except
// a sequence or optional, which is as many as it holds tensors (aic knows
// how many, see SequenceRules.cpp): "NAME[0]" .. "NAME[N-1]" for a sequence
// (or an optional one), "NAME" for an optional tensor, none for an absent
// optional or an empty sequence. The function's aic.input_values /
// aic.output_values attributes then list the graph's inputs and outputs as
// ONNX values and how many arguments or results each is; the runtime
// contract carries them as aic_model_value_meta tables (aic/abi.h).
//
//===----------------------------------------------------------------------===//
#include "ImporterImpl.h"

#include "passes/PassDetail.h"

using namespace mlir;
using namespace aic;
using namespace aic::importer;

/// The name of tensor `k` of a sequence or optional at the graph boundary.
static std::string tensorName(StringRef name, const CompositeInput &shape,
                              size_t k) {
  return shape.kind == CompositeValue::Kind::Optional
             ? name.str()
             : (name + "[" + Twine(k) + "]").str();
}

DictionaryAttr GraphSignature::valueEntry(StringRef name, int64_t kind,
                                          int32_t elementType, bool present,
                                          int64_t count) {
  return builder.getDictionaryAttr({
      builder.getNamedAttr("name", builder.getStringAttr(name)),
      builder.getNamedAttr("kind", builder.getI32IntegerAttr(kind)),
      builder.getNamedAttr("elem_dtype",
                           builder.getI32IntegerAttr(elementType)),
      builder.getNamedAttr("present", builder.getBoolAttr(present)),
      builder.getNamedAttr("count", builder.getI64IntegerAttr(count)),
  });
}

void GraphSignature::addInput(StringRef name, RankedTensorType type,
                              int32_t elementType,
                              ArrayRef<std::string> dimNames) {
  argTypes.push_back(type);
  args.push_back({name.str(),
                  elementType,
                  name.str(),
                  {dimNames.begin(), dimNames.end()}});
  inputValues.push_back(valueEntry(name, /*kind=*/0, elementType, true, 1));
}

void GraphSignature::addInput(StringRef name, const CompositeInput &shape) {
  compositeArgs.push_back({name.str(), &shape, argTypes.size()});
  for (auto [k, type] : llvm::enumerate(shape.types)) {
    argTypes.push_back(type);
    args.push_back({tensorName(name, shape, k), shape.elementType, ""});
  }
  inputValues.push_back(valueEntry(name, static_cast<int64_t>(shape.kind),
                                   shape.elementType, shape.present,
                                   shape.types.size()));
  composite = true;
}

void GraphSignature::addOutput(StringRef name, Value value,
                               int32_t elementType) {
  results.push_back(value);
  resultNames.push_back(name.str());
  resultElementTypes.push_back(elementType);
  outputValues.push_back(valueEntry(name, /*kind=*/0, elementType, true, 1));
}

void GraphSignature::addOutput(StringRef name, const CompositeValue &value) {
  CompositeInput shape{value.kind, value.present, value.elementType, {}};
  for (auto [k, tensor] : llvm::enumerate(value.tensors)) {
    results.push_back(tensor);
    resultNames.push_back(tensorName(name, shape, k));
    resultElementTypes.push_back(value.elementType);
  }
  outputValues.push_back(valueEntry(name, static_cast<int64_t>(value.kind),
                                    value.elementType, value.present,
                                    value.tensors.size()));
  composite = true;
}

SmallVector<Location> GraphSignature::getInputLocs(Location fileLoc) const {
  SmallVector<Location> locs;
  for (const Arg &arg : args)
    locs.push_back(
        NameLoc::get(StringAttr::get(fileLoc.getContext(), arg.name), fileLoc));
  return locs;
}

void GraphSignature::bindInputs(func::FuncOp func, GraphState &state) {
  Block &entry = func.getBody().front();
  for (auto [i, arg] : llvm::enumerate(args)) {
    func.setArgAttr(i, kNameAttr, builder.getStringAttr(arg.name));
    // Integers are signless: the runtime learns the dtype from this.
    if (isUnsignedElementType(arg.elementType))
      func.setArgAttr(i, kUnsignedAttr, builder.getUnitAttr());
    // Run-time dims of the same name are one value: the runtime checks it.
    if (!arg.dimNames.empty()) {
      SmallVector<StringRef> names(arg.dimNames.begin(), arg.dimNames.end());
      func.setArgAttr(i, kDimNamesAttr, builder.getStrArrayAttr(names));
    }
    if (!arg.input.empty())
      state.setValue(arg.input, entry.getArgument(i));
  }
  for (const CompositeArg &input : compositeArgs) {
    CompositeValue value;
    value.kind = input.shape->kind;
    value.present = input.shape->present;
    value.elementType = input.shape->elementType;
    for (size_t k = 0; k < input.shape->types.size(); ++k)
      value.tensors.push_back(entry.getArgument(input.first + k));
    state.setComposite(input.name, std::move(value));
  }
}

void GraphSignature::finish(func::FuncOp func, GraphState &state) {
  // The value an input was specialized for (only a tensor input can be).
  // A STRING input is not: the primitives whose output shape depends on
  // its values check them at run time (see aic_model_tensor_meta::value).
  for (auto [i, arg] : llvm::enumerate(args))
    if (!arg.input.empty() &&
        state.getSpecializedInputs().contains(arg.input) &&
        arg.elementType != onnx::TensorProto::STRING)
      func.setArgAttr(i, kValueAttr,
                      makeDenseAttr(*state.getBoundInputValue(
                          arg.input, /*specialize=*/false)));
  func.setFunctionType(
      builder.getFunctionType(argTypes, ValueRange(results).getTypes()));
  // A result's run-time dim that is an input's named dim (traced to it, or
  // so named in the value's ONNX type) has its name: the generated header
  // shows it.
  llvm::StringSet<> inputSymbols;
  for (const Arg &arg : args)
    for (const std::string &name : arg.dimNames)
      if (!name.empty())
        inputSymbols.insert(name);
  for (auto [i, name] : llvm::enumerate(resultNames)) {
    func.setResultAttr(i, kNameAttr, builder.getStringAttr(name));
    if (isUnsignedElementType(resultElementTypes[i]))
      func.setResultAttr(i, kUnsignedAttr, builder.getUnitAttr());
    auto type = cast<ShapedType>(results[i].getType());
    const onnx::TypeProto *onnxType = state.getOnnxType(name);
    bool onnxShaped =
        onnxType && onnxType->has_tensor_type() &&
        onnxType->tensor_type().shape().dim_size() == type.getRank();
    SmallVector<std::string> dimNames(type.getRank());
    bool named = false;
    for (int64_t d = 0; d < type.getRank(); ++d)
      if (type.isDynamicDim(d)) {
        std::string symbol = traceDimSymbol(results[i], d);
        // Else the symbol the import gave the value's dim in ONNX's type.
        if (!inputSymbols.contains(symbol) && onnxShaped)
          symbol = onnxType->tensor_type().shape().dim(d).dim_param();
        if (inputSymbols.contains(symbol)) {
          dimNames[d] = symbol;
          named = true;
        }
      }
    if (named) {
      SmallVector<StringRef> refs(dimNames.begin(), dimNames.end());
      func.setResultAttr(i, kDimNamesAttr, builder.getStrArrayAttr(refs));
    }
  }
  if (composite) {
    func->setAttr(kInputValuesAttr, builder.getArrayAttr(inputValues));
    func->setAttr(kOutputValuesAttr, builder.getArrayAttr(outputValues));
  }
}
