//===- ReshapeRules.cpp - Reshape, Flatten, Squeeze, Unsqueeze ------------===//
//
// The operators that give a tensor's elements another shape. With static
// shapes they become aic.reshape. With run-time dims (symbolic batch and
// sequence lengths) they become collapses and expands that keep the run-time
// dims whole, which the reshape must be proven to allow: the dims are read
// as products of symbols (DimProduct, from the shape arithmetic's data
// propagation) and grouped so that each group of input dims has the product
// of a group of output dims.
//
//===----------------------------------------------------------------------===//
#include "Builders.h"
#include "passes/PassDetail.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace aic;
using namespace aic::importer;

/// A value and dim whose run-time size ONNX names `name`: a graph input's
/// dim of that name (aic.dim_names) or, for a name no input has, a value
/// imported before with a dim of that name (GraphState::getDimSource); or
/// a null value.
static std::pair<Value, int64_t> findNamedDim(NodeImporter &imp,
                                              StringRef name) {
  auto func = imp.getBuilder()
                  .getInsertionBlock()
                  ->getParentOp()
                  ->getParentOfType<func::FuncOp>();
  if (!func)
    func = dyn_cast<func::FuncOp>(
        imp.getBuilder().getInsertionBlock()->getParentOp());
  if (!func)
    return {Value(), 0};
  for (BlockArgument arg : func.getArguments()) {
    auto names =
        func.getArgAttrOfType<ArrayAttr>(arg.getArgNumber(), kDimNamesAttr);
    for (auto [d, attr] :
         llvm::enumerate(names ? names.getValue() : ArrayRef<Attribute>()))
      if (auto s = dyn_cast<StringAttr>(attr); s && s.getValue() == name)
        return {arg, static_cast<int64_t>(d)};
  }
  return imp.getState().getDimSource(name);
}

/// The value of symbolic dim `product` from the dims it names
/// (findNamedDim), or null.
static Value evaluateDimProduct(NodeImporter &imp, const DimProduct &product) {
  Value result = imp.create<arith::ConstantIndexOp>(product.factor);
  for (const std::string &name : product.names) {
    auto [source, d] = findNamedDim(imp, name);
    if (!source)
      return {};
    Value dim = imp.create<tensor::DimOp>(source, d);
    result = imp.create<arith::MulIOp>(result, dim);
  }
  return result;
}

/// The dims of a Reshape's result as products, from its target shape
/// (node input 1, a constant or values the shape arithmetic's propagation
/// knows) and the products `in` of its input's dims, as ONNX's Reshape
/// reads them: 0 copies the input's dim, -1 is what the others leave; or
/// nothing if an entry is unknown.
static std::optional<SmallVector<DimProduct>>
getTargetProducts(NodeImporter &imp, ArrayRef<DimProduct> in, int64_t rank) {
  const onnx::NodeProto &node = imp.getNode();
  if (node.op_type() != "Reshape" || node.input_size() < 2 ||
      imp.getIntAttr("allowzero", 0) != 0)
    return std::nullopt;
  SmallVector<std::optional<DimProduct>> entries;
  if (const ConstTensor *constant = imp.getConstantInput(1)) {
    for (int64_t v : getValuesAsInt(*constant)) {
      DimProduct p;
      p.factor = v;
      entries.push_back(p);
    }
  } else if (const ShapeData *data = imp.getState().getShapeData()) {
    auto it = data->find(node.input(1));
    if (it == data->end())
      return std::nullopt;
    for (const auto &dim : it->second.dim()) {
      std::optional<DimProduct> p;
      if (dim.has_dim_value()) {
        p.emplace();
        p->factor = dim.dim_value();
      } else if (dim.has_dim_param()) {
        p = parseDimProduct(dim.dim_param());
      }
      entries.push_back(p);
    }
  }
  if (static_cast<int64_t>(entries.size()) != rank)
    return std::nullopt;
  SmallVector<DimProduct> result;
  std::optional<size_t> inferred;
  for (auto [d, entry] : llvm::enumerate(entries)) {
    if (!entry || entry->factor < -1 ||
        (entry->factor <= 0 && !entry->names.empty()))
      return std::nullopt;
    if (entry->factor == 0 && entry->names.empty()) {
      if (d >= in.size())
        return std::nullopt;
      result.push_back(in[d]);
    } else if (entry->factor == -1) {
      if (inferred)
        return std::nullopt;
      inferred = d;
      result.emplace_back();
    } else {
      result.push_back(*entry);
    }
  }
  if (inferred) {
    std::optional<DimProduct> rest = DimProduct();
    for (const DimProduct &p : in)
      if (rest)
        rest = rest->times(p);
    for (auto [d, p] : llvm::enumerate(result))
      if (rest && d != *inferred)
        rest = rest->dividedBy(p);
    if (!rest)
      return std::nullopt;
    result[*inferred] = *rest;
  }
  return result;
}

/// A reshape that only drops or inserts static unit dims keeps the others,
/// run-time ones included, in order (Squeeze, Unsqueeze): a collapse of the
/// input's unit dims into their neighbours and an expand into the result's.
/// Null for other reshapes.
static Value reshapeUnitDims(NodeImporter &imp, Value input,
                             RankedTensorType type) {
  auto inType = cast<RankedTensorType>(input.getType());
  auto core = [](ArrayRef<int64_t> shape) {
    SmallVector<int64_t> dims;
    for (auto [d, size] : llvm::enumerate(shape))
      if (size != 1)
        dims.push_back(d);
    return dims;
  };
  SmallVector<int64_t> inCore = core(inType.getShape()),
                       outCore = core(type.getShape());
  if (inCore.empty() || inCore.size() != outCore.size())
    return {};
  // The dims are the input's: a static one where the type ONNX inferred
  // has a run-time one (from an exporter's name for a graph output dim)
  // stays static.
  SmallVector<int64_t> coreShape, refined(type.getShape());
  for (auto [a, b] : llvm::zip(inCore, outCore)) {
    if (inType.getDimSize(a) != type.getDimSize(b) && !type.isDynamicDim(b))
      return {};
    coreShape.push_back(inType.getDimSize(a));
    refined[b] = inType.getDimSize(a);
  }
  type = type.clone(refined);
  // Each unit dim joins the next other dim; trailing ones the last.
  auto groups = [](ArrayRef<int64_t> shape) {
    SmallVector<ReassociationIndices> result;
    ReassociationIndices pending;
    for (auto [d, size] : llvm::enumerate(shape)) {
      pending.push_back(d);
      if (size != 1) {
        result.push_back(pending);
        pending.clear();
      }
    }
    llvm::append_range(result.back(), pending);
    return result;
  };
  auto coreType = RankedTensorType::get(coreShape, inType.getElementType());
  Value result = input;
  if (coreType != inType)
    result = imp.create<tensor::CollapseShapeOp>(coreType, input,
                                                 groups(inType.getShape()));
  if (coreType == type)
    return result;
  SmallVector<OpFoldResult> sizes;
  size_t k = 0;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!type.isDynamicDim(d)) {
      sizes.push_back(imp.getBuilder().getIndexAttr(type.getDimSize(d)));
      if (type.getDimSize(d) != 1)
        ++k;
      continue;
    }
    sizes.push_back(imp.create<tensor::DimOp>(input, inCore[k++]).getResult());
  }
  return imp.create<tensor::ExpandShapeOp>(type, result,
                                           groups(type.getShape()), sizes);
}

/// Reshape with run-time dims that importRuntimeReshape cannot prove keeps
/// them whole (a run-time dim split by a constant, h -> [h / 2, 2]): the
/// target shape is read as ONNX says (0 copies the input's dim, -1 is what
/// the others leave) at run time, from the shape input, and checked to hold
/// the input's elements and to agree with the dims ONNX inferred; the result
/// is a tensor.reshape of the input (a view of its buffer).
static LogicalResult importReshapeAtRunTime(NodeImporter &imp, Value input,
                                            RankedTensorType type) {
  FailureOr<Value> shape = imp.getInput(1);
  if (failed(shape))
    return failure();
  auto inType = cast<RankedTensorType>(input.getType());
  auto shapeType = cast<RankedTensorType>(shape->getType());
  if (shapeType.getRank() != 1 || shapeType.getDimSize(0) != type.getRank() ||
      !shapeType.getElementType().isInteger(64))
    return imp.emitError() << "expects a 1-D int64 shape of " << type.getRank()
                           << " entries";
  OpBuilder &b = imp.getBuilder();
  auto index = [&](int64_t v) -> Value {
    return imp.create<arith::ConstantIndexOp>(v);
  };
  Value elements = index(1);
  for (int64_t d = 0; d < inType.getRank(); ++d)
    elements = imp.create<arith::MulIOp>(elements,
                                         imp.create<tensor::DimOp>(input, d));
  // Entries as read (index), 0 replaced by the input's dim; `known` is the
  // product of all but a -1.
  const ConstTensor *constant = imp.getConstantInput(1);
  std::vector<int64_t> constants =
      constant ? getValuesAsInt(*constant) : std::vector<int64_t>();
  SmallVector<Value> sizes, inferred;
  Value known = index(1);
  for (int64_t d = 0; d < type.getRank(); ++d) {
    Value entry;
    if (constant) {
      int64_t v = constants[d];
      if (v < -1)
        return imp.emitError() << "shape entry " << d << " is " << v;
      if (v == 0 && d >= inType.getRank())
        return imp.emitError()
               << "shape entry " << d << " is 0 but the input has no dim " << d;
      entry = v == 0 ? imp.create<tensor::DimOp>(input, d).getResult()
                     : imp.create<arith::ConstantIndexOp>(v).getResult();
    } else {
      Value v = imp.create<arith::IndexCastOp>(
          b.getIndexType(),
          imp.create<tensor::ExtractOp>(*shape, ValueRange{index(d)}));
      buildRuntimeCheck(
          imp,
          imp.create<arith::CmpIOp>(arith::CmpIPredicate::sge, v, index(-1)),
          "shape entry " + std::to_string(d) + " is below -1 at run time");
      if (d < inType.getRank()) {
        Value isZero =
            imp.create<arith::CmpIOp>(arith::CmpIPredicate::eq, v, index(0));
        Value inputDim = imp.create<tensor::DimOp>(input, d);
        v = imp.create<arith::SelectOp>(isZero, inputDim, v);
      }
      entry = v;
    }
    Value isInferred =
        imp.create<arith::CmpIOp>(arith::CmpIPredicate::eq, entry, index(-1));
    inferred.push_back(isInferred);
    known = imp.create<arith::MulIOp>(
        known, imp.create<arith::SelectOp>(isInferred, index(1), entry));
    sizes.push_back(entry);
  }
  // A -1 is the elements the others leave (at most one: the checks below
  // fail otherwise, as the product then differs).
  Value knownNonZero = imp.create<arith::MaxUIOp>(known, index(1));
  Value rest = imp.create<arith::DivUIOp>(elements, knownNonZero);
  Value product = index(1);
  for (int64_t d = 0; d < type.getRank(); ++d) {
    sizes[d] = imp.create<arith::SelectOp>(inferred[d], rest, sizes[d]);
    product = imp.create<arith::MulIOp>(product, sizes[d]);
  }
  buildRuntimeCheck(
      imp,
      imp.create<arith::CmpIOp>(arith::CmpIPredicate::eq, product, elements),
      "the target shape does not hold the input's " +
          std::string("elements at run time (of ") +
          formatShape(inType.getShape()) + ")");
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (!type.isDynamicDim(d))
      buildRuntimeCheck(imp,
                        imp.create<arith::CmpIOp>(arith::CmpIPredicate::eq,
                                                  sizes[d],
                                                  index(type.getDimSize(d))),
                        "dim " + std::to_string(d) + " of the result is not " +
                            std::to_string(type.getDimSize(d)) +
                            " (as shape inference gave) at run time");
  Value target = imp.create<tensor::FromElementsOp>(sizes);
  imp.setOutput(0,
                imp.create<tensor::ReshapeOp>(type, input, target).getResult());
  return success();
}

/// Reshape with run-time dims. Each dim of the input and the result is a
/// product of symbols and a value ("4*batch", from the shape arithmetic's
/// data propagation); the dims are grouped so that each group of input dims
/// has the product of a group of result dims, which makes the reshape a
/// collapse of the input's groups and an expand into the result's. A
/// result dim is then the quotient of its group's product by the others
/// or, where a group has several run-time result dims, computed from the
/// graph inputs' dims it names.
static LogicalResult importRuntimeReshape(NodeImporter &imp, Value input,
                                          RankedTensorType type) {
  auto inType = cast<RankedTensorType>(input.getType());
  // What cannot be proven a collapse and an expand, a Reshape (with its
  // shape input) computes at run time.
  auto unsupported = [&]() -> LogicalResult {
    const onnx::NodeProto &node = imp.getNode();
    if (node.op_type() == "Reshape" && node.input_size() >= 2 &&
        imp.getIntAttr("allowzero", 0) == 0)
      return importReshapeAtRunTime(imp, input, type);
    return imp.emitError()
           << "reshaping " << formatShape(inType.getShape()) << " to "
           << formatShape(type.getShape())
           << " moves or merges run-time dims in a way aic cannot prove "
              "(fix the model's symbolic dims with --input-shape)";
  };
  // A Reshape's run-time dims need not be the input's (its target shape is
  // data): it is proven below, or computed at run time.
  Value units;
  if (imp.getNode().op_type() != "Reshape" &&
      (units = reshapeUnitDims(imp, input, type))) {
    imp.setOutput(0, units);
    return success();
  }
  SmallVector<DimProduct> in, out;
  // A result dim whose name nothing defines (exporters name every graph
  // output dim: `Reshapeout_dim_1`) takes the product the target shape
  // gives it, where that is known.
  std::optional<SmallVector<DimProduct>> target;
  for (auto [shape, products, isInput] :
       {std::make_tuple(inType.getShape(), &in, true),
        std::make_tuple(type.getShape(), &out, false)}) {
    for (auto [d, dim] : llvm::enumerate(shape)) {
      if (dim == 0)
        return unsupported();
      std::optional<DimProduct> product;
      if (!ShapedType::isDynamic(dim)) {
        product.emplace();
        product->factor = dim;
      } else {
        product = parseDimProduct(isInput ? getDimSymbol(imp, input, d, 0)
                                          : getOutputDimSymbol(imp, 0, d));
      }
      if (!isInput && product &&
          !llvm::all_of(product->names, [&](const std::string &name) {
            return llvm::any_of(in,
                                [&](const DimProduct &p) {
                                  return llvm::is_contained(p.names, name);
                                }) ||
                   findNamedDim(imp, name).first;
          })) {
        if (!target)
          target = getTargetProducts(imp, in, type.getRank());
        product = target ? std::optional((*target)[d]) : std::nullopt;
      }
      if (!product)
        return unsupported();
      products->push_back(*product);
    }
  }
  // A result dim whose product has no names is static, whatever the type
  // ONNX inferred says (an exporter's name for a dim it could not infer).
  {
    SmallVector<int64_t> refined(type.getShape());
    for (auto [d, product] : llvm::enumerate(out))
      if (product.names.empty() && product.factor > 0)
        refined[d] = product.factor;
    type = type.clone(refined);
  }
  SmallVector<ReassociationIndices> inGroups, outGroups;
  size_t i = 0, j = 0;
  while (i < in.size() && j < out.size()) {
    ReassociationIndices inGroup{static_cast<int64_t>(i)},
        outGroup{static_cast<int64_t>(j)};
    DimProduct a = in[i++], b = out[j++];
    while (a != b) {
      std::optional<DimProduct> grown;
      if (b.dividedBy(a) && i < in.size() && (grown = a.times(in[i]))) {
        a = *grown;
        inGroup.push_back(i++);
      } else if (a.dividedBy(b) && j < out.size() &&
                 (grown = b.times(out[j]))) {
        b = *grown;
        outGroup.push_back(j++);
      } else {
        return unsupported();
      }
    }
    inGroups.push_back(inGroup);
    outGroups.push_back(outGroup);
  }
  // What remains are unit dims; they join the last groups.
  for (auto [products, groups, k] : {std::make_tuple(&in, &inGroups, i),
                                     std::make_tuple(&out, &outGroups, j)})
    for (; k < products->size(); ++k) {
      if (groups->empty() || (*products)[k] != DimProduct())
        return unsupported();
      groups->back().push_back(k);
    }

  Value result = input;
  SmallVector<int64_t> middle;
  for (const ReassociationIndices &group : inGroups) {
    int64_t size = 1;
    for (int64_t d : group)
      size = inType.isDynamicDim(d) || ShapedType::isDynamic(size)
                 ? ShapedType::kDynamic
                 : size * inType.getDimSize(d);
    middle.push_back(size);
  }
  auto middleType = RankedTensorType::get(middle, inType.getElementType());
  if (middleType != inType)
    result = imp.create<tensor::CollapseShapeOp>(middleType, input, inGroups);
  if (middleType != type) {
    SmallVector<OpFoldResult> sizes;
    // Bufferization (MLIR 19) rebuilds an expand_shape from its result
    // type, which cannot say how a group splits into several run-time dims;
    // such reshapes take the sizes as a shape tensor instead.
    bool severalPerGroup = false;
    for (auto [inGroup, outGroup] : llvm::zip(inGroups, outGroups)) {
      int64_t numRuntime = llvm::count_if(
          outGroup, [&](int64_t d) { return type.isDynamicDim(d); });
      for (int64_t d : outGroup) {
        if (!type.isDynamicDim(d)) {
          sizes.push_back(imp.getBuilder().getIndexAttr(type.getDimSize(d)));
          continue;
        }
        Value size;
        if (numRuntime == 1) {
          // The group's product over the result's static dims.
          int64_t divisor = 1;
          for (int64_t k : outGroup)
            if (k != d)
              divisor *= type.getDimSize(k);
          size = imp.create<arith::ConstantIndexOp>(1);
          for (int64_t k : inGroup)
            size = imp.create<arith::MulIOp>(
                size, imp.create<tensor::DimOp>(input, k));
          if (divisor != 1)
            size = imp.create<arith::DivUIOp>(
                size, imp.create<arith::ConstantIndexOp>(divisor));
        } else {
          size = evaluateDimProduct(imp, out[d]);
          severalPerGroup = true;
        }
        if (!size)
          return unsupported();
        sizes.push_back(size);
      }
    }
    if (severalPerGroup) {
      SmallVector<Value> values;
      for (OpFoldResult size : sizes)
        values.push_back(getValueOrCreateConstantIndexOp(imp.getBuilder(),
                                                         imp.getLoc(), size));
      Value shape = imp.create<tensor::FromElementsOp>(values);
      result = imp.create<tensor::ReshapeOp>(type, input, shape);
    } else {
      result =
          imp.create<tensor::ExpandShapeOp>(type, result, outGroups, sizes);
    }
  }
  imp.setOutput(0, result);
  return success();
}

/// `input` reshaped to `type`, the shape ONNX inferred (from a constant
/// shape input or by data propagation).
static LogicalResult importReshapeTo(NodeImporter &imp, Value input,
                                     RankedTensorType type) {
  auto inType = cast<RankedTensorType>(input.getType());
  if (!inType.hasStaticShape() || !type.hasStaticShape())
    return importRuntimeReshape(imp, input, type);
  if (inType.getNumElements() != type.getNumElements())
    return imp.emitError() << "cannot reshape "
                           << formatShape(inType.getShape()) << " ("
                           << inType.getNumElements() << " elements) to "
                           << formatShape(type.getShape()) << " ("
                           << type.getNumElements() << ")";
  imp.setOutput(0, imp.reshapeTo(input, type.getShape()));
  return success();
}

/// Reshape and Flatten: the target shape is the one ONNX inferred.
static LogicalResult importReshapeLike(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0);
  FailureOr<RankedTensorType> type = imp.getOutputType(0);
  if (failed(input) || failed(type))
    return failure();
  return importReshapeTo(imp, *input, *type);
}

/// The axes of Squeeze or Unsqueeze: an attribute before opset 13, else
/// the constant input 1 (none if absent).
static FailureOr<SmallVector<int64_t>> getSqueezeAxes(NodeImporter &imp) {
  if (imp.getOpset() < 13)
    return imp.getIntsAttr("axes");
  if (!imp.hasInput(1))
    return SmallVector<int64_t>();
  return imp.getConstantInts(1, "axes");
}

/// `shape`, computed from the input's, with the static dims of `inferred`
/// (ONNX's type of the output) where it has run-time ones: ONNX may know
/// less than the import (a loop's result) or more (a value it propagated).
static FailureOr<RankedTensorType> mergeInferred(NodeImporter &imp,
                                                 RankedTensorType inferred,
                                                 ArrayRef<int64_t> shape) {
  if (inferred.getRank() != static_cast<int64_t>(shape.size()))
    return imp.emitError() << "ONNX inferred " << inferred
                           << " but the operator gives rank " << shape.size();
  SmallVector<int64_t> merged(shape);
  for (auto [d, size] : llvm::enumerate(inferred.getShape())) {
    if (ShapedType::isDynamic(size))
      continue;
    if (!ShapedType::isDynamic(merged[d]) && merged[d] != size)
      return imp.emitError()
             << "ONNX inferred " << inferred << " but the operator gives "
             << formatShape(shape);
    merged[d] = size;
  }
  return inferred.clone(merged);
}

/// Unsqueeze: a run-time input's dims with 1s inserted at the axes.
static LogicalResult importUnsqueeze(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0);
  FailureOr<RankedTensorType> type = imp.getOutputType(0);
  if (failed(input) || failed(type))
    return failure();
  auto inType = cast<RankedTensorType>(input->getType());
  if (inType.hasStaticShape())
    return importReshapeTo(imp, *input, *type);
  FailureOr<SmallVector<int64_t>> axes = getSqueezeAxes(imp);
  if (failed(axes))
    return failure();
  int64_t rank = inType.getRank() + axes->size();
  SmallVector<bool> inserted(rank, false);
  for (int64_t axis : *axes) {
    FailureOr<int64_t> d = normalizeAxis(imp, axis, rank);
    if (failed(d))
      return failure();
    if (inserted[*d])
      return imp.emitError() << "axis " << axis << " repeats";
    inserted[*d] = true;
  }
  SmallVector<int64_t> shape;
  ArrayRef<int64_t> inShape = inType.getShape();
  for (int64_t d = 0; d < rank; ++d) {
    shape.push_back(inserted[d] ? 1 : inShape.front());
    if (!inserted[d])
      inShape = inShape.drop_front();
  }
  FailureOr<RankedTensorType> merged = mergeInferred(imp, *type, shape);
  if (failed(merged))
    return failure();
  return importReshapeTo(imp, *input, *merged);
}

/// Squeeze: its axes must be 1s. One that is a run-time dim (x[:, 0:1] over
/// a symbolic sequence) is checked at run time, and the input cast to a 1
/// there, so that the reshape drops a static unit dim.
static LogicalResult importSqueeze(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0);
  FailureOr<RankedTensorType> type = imp.getOutputType(0);
  if (failed(input) || failed(type))
    return failure();
  auto inType = cast<RankedTensorType>(input->getType());
  // Only a run-time dim needs its axes: a static input reshapes to the
  // type ONNX inferred.
  if (inType.hasStaticShape())
    return importReshapeTo(imp, *input, *type);
  FailureOr<SmallVector<int64_t>> axes = getSqueezeAxes(imp);
  if (failed(axes))
    return failure();
  SmallVector<int64_t> shape(inType.getShape());
  SmallVector<bool> dropped(shape.size(), false);
  for (int64_t axis : *axes) {
    FailureOr<int64_t> d = normalizeAxis(imp, axis, inType.getRank());
    if (failed(d))
      return failure();
    dropped[*d] = true;
    if (!inType.isDynamicDim(*d))
      continue;
    Value dim = imp.create<tensor::DimOp>(*input, *d);
    Value one = imp.create<arith::ConstantIndexOp>(1);
    buildRuntimeCheck(
        imp, imp.create<arith::CmpIOp>(arith::CmpIPredicate::eq, dim, one),
        "squeezes dim " + std::to_string(*d) +
            " (a size computed at run time), which is not 1 at run time");
    shape[*d] = 1;
  }
  Value squeezed = *input;
  if (ArrayRef<int64_t>(shape) != inType.getShape())
    squeezed = imp.create<tensor::CastOp>(inType.clone(shape), squeezed);
  // Without axes, the dims of 1 go: ONNX's type says which.
  if (axes->empty())
    return importReshapeTo(imp, squeezed, *type);
  SmallVector<int64_t> kept;
  for (auto [d, size] : llvm::enumerate(shape))
    if (!dropped[d])
      kept.push_back(size);
  FailureOr<RankedTensorType> merged = mergeInferred(imp, *type, kept);
  if (failed(merged))
    return failure();
  return importReshapeTo(imp, squeezed, *merged);
}

/// How `in` collapses into `out` keeping each run-time dim in a group of
/// its own (with trailing 1s), or nothing.
static std::optional<SmallVector<ReassociationIndices>>
getCollapseGroups(ArrayRef<int64_t> in, ArrayRef<int64_t> out) {
  SmallVector<ReassociationIndices> groups;
  size_t i = 0;
  for (int64_t target : out) {
    ReassociationIndices group;
    if (ShapedType::isDynamic(target)) {
      if (i >= in.size() || !ShapedType::isDynamic(in[i]))
        return std::nullopt;
      group.push_back(i++);
    } else {
      int64_t product = 1;
      do {
        if (i >= in.size() || ShapedType::isDynamic(in[i]))
          return std::nullopt;
        product *= in[i];
        group.push_back(i++);
      } while (product < target);
      if (product != target)
        return std::nullopt;
    }
    groups.push_back(group);
  }
  for (; i < in.size(); ++i) {
    if (groups.empty() || in[i] != 1)
      return std::nullopt;
    groups.back().push_back(i);
  }
  return groups;
}

/// Flatten: with a run-time dim (a batch), a collapse that keeps it.
static LogicalResult importFlatten(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0);
  FailureOr<RankedTensorType> type = imp.getOutputType(0);
  if (failed(input) || failed(type))
    return failure();
  auto inType = cast<RankedTensorType>(input->getType());
  if (inType.hasStaticShape() && type->hasStaticShape())
    return importReshapeLike(imp);
  std::optional<SmallVector<ReassociationIndices>> groups =
      getCollapseGroups(inType.getShape(), type->getShape());
  if (groups) {
    imp.setOutput(0, imp.create<tensor::CollapseShapeOp>(*type, *input, *groups)
                         .getResult());
    return success();
  }
  // Otherwise the dims before the axis and those from it collapse into one
  // each, run-time ones among them (CLIP's x[arange(B), ids.argmax(-1)]
  // flattens [B, S, D] to [B * S, D]).
  // ONNX's inference checked the axis is in [-rank, rank].
  int64_t rank = inType.getRank(), given = imp.getIntAttr("axis", 1);
  int64_t axis = given < 0 ? given + rank : given;
  if (axis <= 0 || axis >= rank)
    return imp.emitError() << "flattening " << formatShape(inType.getShape())
                           << " at axis " << axis
                           << " around its run-time dims is not supported yet "
                              "(fix the model's symbolic dims with "
                              "--input-shape)";
  SmallVector<ReassociationIndices> halves(2);
  for (int64_t d = 0; d < rank; ++d)
    halves[d < axis ? 0 : 1].push_back(d);
  Value flat = imp.create<tensor::CollapseShapeOp>(*input, halves);
  if (flat.getType() != *type)
    flat = imp.create<tensor::CastOp>(*type, flat);
  imp.setOutput(0, flat);
  return success();
}

/// Before opset 5 the target shape is the `shape` attribute, where 0 copies
/// the input dim and -1 is inferred; ONNX infers no output type for it.
static LogicalResult importLegacyReshape(NodeImporter &imp, Value input) {
  if (!imp.getAttr("shape"))
    return imp.emitError() << "missing 'shape' attribute";
  auto inType = cast<RankedTensorType>(input.getType());
  ArrayRef<int64_t> in = inType.getShape();
  SmallVector<int64_t> shape = imp.getIntsAttr("shape");
  std::optional<size_t> inferred;
  int64_t known = 1;
  for (auto [i, dim] : llvm::enumerate(shape)) {
    if (dim == 0 && i < in.size()) {
      dim = in[i];
    } else if (dim == -1 && !inferred) {
      inferred = i;
      continue;
    } else if (dim <= 0) {
      return imp.emitError()
             << "invalid 'shape' " << formatShape(imp.getIntsAttr("shape"))
             << " for an input of shape " << formatShape(in);
    }
    // A product past int64 cannot be the input's element count.
    if (llvm::MulOverflow(known, dim, known))
      return imp.emitError() << "cannot reshape " << formatShape(in) << " to "
                             << formatShape(imp.getIntsAttr("shape"));
  }
  int64_t count = inType.getNumElements();
  if (inferred && known != 0 && count % known == 0)
    shape[*inferred] = count / known;
  else if (inferred || known != count)
    return imp.emitError() << "cannot reshape " << formatShape(in) << " to "
                           << formatShape(imp.getIntsAttr("shape"));
  FailureOr<RankedTensorType> type = imp.getOutputTypeOr(
      0, RankedTensorType::get(shape, inType.getElementType()));
  if (failed(type))
    return failure();
  imp.setOutput(0, imp.reshapeTo(input, type->getShape()));
  return success();
}

/// A Reshape whose target ONNX's propagation does not follow (PyTorch's
/// index_put reshapes its values to Concat(Shape(i), Shape(x)[2:])) has no
/// inferred rank; a target of static length gives it, its dims read per
/// run. Other Reshapes are importReshapeLike's.
static LogicalResult importReshapeOfTarget(NodeImporter &imp) {
  if (imp.getInferredOutputType(0) || !imp.hasInput(1))
    return importReshapeLike(imp);
  FailureOr<Value> input = imp.getInput(0), target = imp.getInput(1);
  if (failed(input) || failed(target))
    return failure();
  auto targetType = cast<RankedTensorType>(target->getType());
  if (targetType.getRank() != 1 || targetType.isDynamicDim(0))
    return importReshapeLike(imp);
  int64_t rank = targetType.getDimSize(0);
  if (rank > imp.getState().getMaxRank())
    return imp.emitError() << "the result would have " << rank
                           << " dims, over the limit of "
                           << imp.getState().getMaxRank() << " (--max-rank)";
  auto type = RankedTensorType::get(
      SmallVector<int64_t>(rank, ShapedType::kDynamic),
      cast<RankedTensorType>(input->getType()).getElementType());
  return importRuntimeReshape(imp, *input, type);
}

static LogicalResult importReshape(NodeImporter &imp) {
  if (imp.getOpset() >= 5)
    return importReshapeOfTarget(imp);
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  if (!cast<RankedTensorType>(input->getType()).hasStaticShape())
    return imp.emitError() << "Reshape-1 of an input with run-time dims is "
                              "not supported (fix the model's symbolic dims "
                              "with --input-shape)";
  return importLegacyReshape(imp, *input);
}

//===----------------------------------------------------------------------===//
// Rule table
//===----------------------------------------------------------------------===//

ArrayRef<OpRuleInfo> aic::importer::getReshapeRules() {
  static const OpRuleInfo rules[] = {
      {"Reshape", importReshape, 1, types::kTensor | types::kString, "", true},
      {"Flatten", importFlatten, 1, types::kTensor | types::kString, "", true},
      {"Squeeze", importSqueeze, 1, types::kTensor | types::kString, "", true},
      {"Unsqueeze", importUnsqueeze, 1, types::kTensor | types::kString, "",
       true},
  };
  return rules;
}
