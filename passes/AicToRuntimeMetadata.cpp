//===- AicToRuntimeMetadata.cpp - The aic_model_meta tables ---------------===//
//
// convert-aic-to-runtime's tables of aic/abi.h: the tensor tables (names,
// dtypes, dims with AIC_DIM_DYNAMIC for run-time ones, specialized values,
// the names of symbolic input dims), the value tables of sequences and
// optionals, and the aic_model_meta struct itself.
//
//===----------------------------------------------------------------------===//
#include "dialects/Aic/RuntimePrimitive.h"
#include "passes/AicToRuntime.h"

using namespace mlir;
using namespace aic;
using namespace aic::lowering;

FailureOr<std::pair<LLVM::GlobalOp, unsigned>>
Lowering::buildValueTable(StringRef kind, StringRef attrName,
                          unsigned numTensors) {
  auto values = graph->getAttrOfType<ArrayAttr>(attrName);
  if (!values)
    return std::make_pair(LLVM::GlobalOp(), 0u);
  Location loc = module.getLoc();
  auto valueType =
      LLVM::LLVMStructType::getLiteral(ctx, {ptrType, i32, i32, i32, i32, i32});
  auto arrayType = LLVM::LLVMArrayType::get(valueType, values.size());
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToEnd(module.getBody());
  auto global = b.create<LLVM::GlobalOp>(
      loc, arrayType, /*isConstant=*/true, LLVM::Linkage::Internal,
      ("__aic_" + kind + "_values").str(), Attribute());
  OpBuilder at =
      OpBuilder::atBlockEnd(b.createBlock(&global.getInitializerRegion()));
  Value array = at.create<LLVM::UndefOp>(loc, arrayType);
  int64_t first = 0;
  for (auto [k, attr] : llvm::enumerate(values)) {
    auto dict = dyn_cast<DictionaryAttr>(attr);
    auto name = dict ? dict.getAs<StringAttr>("name") : StringAttr();
    auto valueKind = dict ? dict.getAs<IntegerAttr>("kind") : IntegerAttr();
    auto elemDtype =
        dict ? dict.getAs<IntegerAttr>("elem_dtype") : IntegerAttr();
    auto present = dict ? dict.getAs<BoolAttr>("present") : BoolAttr();
    auto count = dict ? dict.getAs<IntegerAttr>("count") : IntegerAttr();
    if (!name || !valueKind || !elemDtype || !present || !count ||
        count.getInt() < 0)
      return graph.emitError()
             << "'" << attrName << "' entry #" << k
             << " is not {name, kind, elem_dtype, present, count}";
    Value fields[] = {
        stringGlobal(at, ("__aic_" + kind + "_value_" + Twine(k)).str(),
                     name.getValue()),
        at.create<LLVM::ConstantOp>(loc, i32, valueKind.getInt()),
        at.create<LLVM::ConstantOp>(loc, i32, elemDtype.getInt()),
        at.create<LLVM::ConstantOp>(loc, i32, present.getValue() ? 1 : 0),
        at.create<LLVM::ConstantOp>(loc, i32, first),
        at.create<LLVM::ConstantOp>(loc, i32, count.getInt())};
    for (auto [f, value] : llvm::enumerate(fields))
      array = at.create<LLVM::InsertValueOp>(
          loc, array, value,
          ArrayRef<int64_t>{static_cast<int64_t>(k), static_cast<int64_t>(f)});
    first += count.getInt();
  }
  if (first != numTensors)
    return graph.emitError()
           << "'" << attrName << "' covers " << first
           << " tensors, the graph has " << numTensors << " " << kind << "s";
  at.create<LLVM::ReturnOp>(loc, array);
  return std::make_pair(global, static_cast<unsigned>(values.size()));
}

LogicalResult Lowering::buildMetadata(unsigned numInputs) {
  Location loc = module.getLoc();
  auto tensorType = LLVM::LLVMStructType::getLiteral(
      ctx, {ptrType, i32, i32, ptrType, ptrType, ptrType});
  auto metaType = LLVM::LLVMStructType::getLiteral(
      ctx,
      {i32, i32, i32, i32, i64, ptrType, ptrType, i32, i32, ptrType, ptrType});

  // The aic_model_tensor_meta array of `tensors`: buffer types and the
  // attributes of the arguments or results they are.
  using TensorEntry = std::pair<MemRefType, DictionaryAttr>;
  auto table = [&](StringRef kind,
                   ArrayRef<TensorEntry> tensors) -> LLVM::GlobalOp {
    unsigned count = tensors.size();
    if (count == 0)
      return {};
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToEnd(module.getBody());
    auto arrayType = LLVM::LLVMArrayType::get(tensorType, count);
    auto global = b.create<LLVM::GlobalOp>(
        loc, arrayType, /*isConstant=*/true, LLVM::Linkage::Internal,
        ("__aic_" + kind + "s").str(), Attribute());
    OpBuilder at =
        OpBuilder::atBlockEnd(b.createBlock(&global.getInitializerRegion()));
    Value array = at.create<LLVM::UndefOp>(loc, arrayType);
    for (unsigned k = 0; k < count; ++k) {
      auto [type, attrs] = tensors[k];
      std::string name = (kind + "_" + Twine(k)).str();
      if (auto attr = attrs ? attrs.getAs<StringAttr>(kNameAttr) : nullptr)
        name = attr.str();
      std::string prefix = ("__aic_" + kind + "_" + Twine(k)).str();
      Value namePtr = stringGlobal(at, prefix + "_name", name);
      int64_t dtype = getDtypeCode(type.getElementType(),
                                   attrs && attrs.get(kUnsignedAttr));
      Value shapePtr;
      if (type.getRank() == 0) {
        shapePtr = at.create<LLVM::ZeroOp>(loc, ptrType);
      } else {
        // A run-time dim is AIC_DIM_DYNAMIC in the contract.
        SmallVector<int64_t> dims;
        for (int64_t dim : type.getShape())
          dims.push_back(ShapedType::isDynamic(dim) ? AIC_DIM_DYNAMIC : dim);
        auto shapeType = RankedTensorType::get({type.getRank()}, i64);
        auto shape = constant(
            prefix + "_shape", LLVM::LLVMArrayType::get(i64, type.getRank()),
            DenseElementsAttr::get(shapeType, ArrayRef<int64_t>(dims)));
        shapePtr = at.create<LLVM::AddressOfOp>(loc, shape);
      }
      // The value an input was specialized for (aic.value), as the caller
      // passes it: booleans one byte each.
      Value valuePtr = at.create<LLVM::ZeroOp>(loc, ptrType);
      if (auto value =
              attrs ? attrs.getAs<DenseElementsAttr>(kValueAttr) : nullptr) {
        SmallVector<char> bytes;
        if (value.getElementType().isInteger(1)) {
          for (bool bit : value.getValues<bool>())
            bytes.push_back(bit);
        } else {
          ArrayRef<char> raw = value.getRawData();
          for (int64_t i = 0, e = value.isSplat() ? value.getNumElements() : 1;
               i < e; ++i)
            llvm::append_range(bytes, raw);
        }
        auto bytesType = RankedTensorType::get(
            {static_cast<int64_t>(bytes.size())}, b.getI8Type());
        auto global =
            constant(prefix + "_value",
                     LLVM::LLVMArrayType::get(b.getI8Type(), bytes.size()),
                     DenseElementsAttr::getFromRawBuffer(bytesType, bytes));
        valuePtr = at.create<LLVM::AddressOfOp>(loc, global);
      }
      // The symbolic names of an input's run-time dims (aic.dim_names; an
      // output's are for the generated header only).
      Value dimNamesPtr = at.create<LLVM::ZeroOp>(loc, ptrType);
      if (auto names = attrs && kind == "input"
                           ? attrs.getAs<ArrayAttr>(kDimNamesAttr)
                           : nullptr) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToEnd(module.getBody());
        auto namesType = LLVM::LLVMArrayType::get(ptrType, names.size());
        auto global = b.create<LLVM::GlobalOp>(
            loc, namesType, /*isConstant=*/true, LLVM::Linkage::Internal,
            prefix + "_dim_names", Attribute());
        OpBuilder init = OpBuilder::atBlockEnd(
            b.createBlock(&global.getInitializerRegion()));
        Value array = init.create<LLVM::UndefOp>(loc, namesType);
        for (auto [d, attr] : llvm::enumerate(names)) {
          StringRef name = cast<StringAttr>(attr).getValue();
          Value ptr =
              name.empty()
                  ? init.create<LLVM::ZeroOp>(loc, ptrType).getResult()
                  : stringGlobal(init, prefix + "_dim_" + std::to_string(d),
                                 name);
          array = init.create<LLVM::InsertValueOp>(
              loc, array, ptr, ArrayRef<int64_t>{static_cast<int64_t>(d)});
        }
        init.create<LLVM::ReturnOp>(loc, array);
        dimNamesPtr = at.create<LLVM::AddressOfOp>(loc, global);
      }
      Value fields[] = {namePtr,
                        at.create<LLVM::ConstantOp>(loc, i32, dtype),
                        at.create<LLVM::ConstantOp>(loc, i32, type.getRank()),
                        shapePtr,
                        valuePtr,
                        dimNamesPtr};
      for (auto [f, value] : llvm::enumerate(fields))
        array = at.create<LLVM::InsertValueOp>(
            loc, array, value, ArrayRef<int64_t>{k, static_cast<int64_t>(f)});
    }
    at.create<LLVM::ReturnOp>(loc, array);
    return global;
  };
  SmallVector<TensorEntry> inputEntries, outputEntries;
  for (unsigned i = 0; i < numInputs; ++i) {
    auto type = cast<MemRefType>(graph.getArgumentTypes()[i]);
    auto names = graph.getArgAttrOfType<ArrayAttr>(i, kDimNamesAttr);
    if (names && (static_cast<int64_t>(names.size()) != type.getRank() ||
                  !llvm::all_of(names, llvm::IsaPred<StringAttr>)))
      return graph.emitError() << "argument #" << i << ": '" << kDimNamesAttr
                               << "' must hold one string per dim";
    inputEntries.push_back({type, graph.getArgAttrDict(i)});
  }
  for (const OutputSlot &slot : outputs)
    outputEntries.push_back({slot.type, slot.attrs});
  unsigned numOutputs = outputs.size();
  LLVM::GlobalOp inputTable = table("input", inputEntries);
  LLVM::GlobalOp outputTable = table("output", outputEntries);
  auto inputValues = buildValueTable("input", kInputValuesAttr, numInputs);
  auto outputValues = buildValueTable("output", kOutputValuesAttr, numOutputs);
  if (failed(inputValues) || failed(outputValues))
    return failure();

  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToEnd(module.getBody());
  auto meta = b.create<LLVM::GlobalOp>(loc, metaType, /*isConstant=*/true,
                                       LLVM::Linkage::External,
                                       AIC_MODEL_META_SYMBOL, Attribute());
  OpBuilder at =
      OpBuilder::atBlockEnd(b.createBlock(&meta.getInitializerRegion()));
  auto arena = module->getAttrOfType<IntegerAttr>(kArenaSizeAttr);
  auto ptrTo = [&](LLVM::GlobalOp global) -> Value {
    if (!global)
      return at.create<LLVM::ZeroOp>(loc, ptrType);
    return at.create<LLVM::AddressOfOp>(loc, global);
  };
  Value fields[] = {at.create<LLVM::ConstantOp>(loc, i32, AIC_ABI_VERSION),
                    at.create<LLVM::ConstantOp>(loc, i32, numInputs),
                    at.create<LLVM::ConstantOp>(loc, i32, numOutputs),
                    at.create<LLVM::ConstantOp>(loc, i32, records.size()),
                    at.create<LLVM::ConstantOp>(loc, i64, arena.getInt()),
                    ptrTo(inputTable),
                    ptrTo(outputTable),
                    at.create<LLVM::ConstantOp>(loc, i32, inputValues->second),
                    at.create<LLVM::ConstantOp>(loc, i32, outputValues->second),
                    ptrTo(inputValues->first),
                    ptrTo(outputValues->first)};
  Value value = at.create<LLVM::UndefOp>(loc, metaType);
  for (auto [f, field] : llvm::enumerate(fields))
    value = at.create<LLVM::InsertValueOp>(
        loc, value, field, ArrayRef<int64_t>{static_cast<int64_t>(f)});
  at.create<LLVM::ReturnOp>(loc, value);
  return success();
}
