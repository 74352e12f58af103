//===- DimSymbols.cpp - Which run-time dims are equal ---------------------===//
//
// A run-time dim is known by a symbol: the name of the graph input dim it
// comes from (aic.dim_names) or the dim_param ONNX's inference gave it. Two
// dims with one symbol are equal at run time (the runtime checks that the
// inputs sharing a name agree); others may differ, and code that assumes
// them equal (broadcasting, reshaping) would compute a wrong answer, so it
// checks them at run time (cf.assert, which becomes aicrt_check).
//
//===----------------------------------------------------------------------===//
#include "Builders.h"

#include "aic/Compiler.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "passes/PassDetail.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace aic;
using namespace aic::importer;

std::string DimProduct::str() const {
  std::string result;
  if (factor != 1 || names.empty())
    result = std::to_string(factor);
  for (const std::string &name : names)
    result += (result.empty() ? "" : "*") + name;
  return result;
}

std::optional<DimProduct> DimProduct::times(const DimProduct &other) const {
  DimProduct result = *this;
  // A model squaring a product over and over would double its spelling
  // each time.
  if (llvm::MulOverflow(factor, other.factor, result.factor) ||
      names.size() + other.names.size() > DimProduct::kMaxNames)
    return std::nullopt;
  result.names.append(other.names.begin(), other.names.end());
  llvm::sort(result.names);
  return result;
}

std::optional<DimProduct> DimProduct::dividedBy(const DimProduct &other) const {
  if (other.factor == 0 || factor % other.factor != 0)
    return std::nullopt;
  DimProduct result = *this;
  result.factor /= other.factor;
  for (const std::string &name : other.names) {
    auto it = llvm::find(result.names, name);
    if (it == result.names.end())
      return std::nullopt;
    result.names.erase(it);
  }
  return result;
}

std::optional<DimProduct> aic::importer::parseDimProduct(StringRef symbol) {
  if (symbol.empty())
    return std::nullopt;
  DimProduct product;
  SmallVector<StringRef> parts;
  symbol.split(parts, '*');
  if (parts.size() > DimProduct::kMaxNames + 1)
    return std::nullopt;
  for (StringRef part : parts) {
    int64_t value;
    if (part.empty())
      return std::nullopt;
    if (!part.getAsInteger(10, value) && value > 0) {
      if (llvm::MulOverflow(product.factor, value, product.factor))
        return std::nullopt;
    } else {
      product.names.push_back(part.str());
    }
  }
  llvm::sort(product.names);
  return product;
}

/// The dim_param ONNX's inference gave dim `d` of value `name`, or "".
static std::string getOnnxDimParam(NodeImporter &imp, const std::string &name,
                                   int64_t d) {
  const onnx::TypeProto *type = imp.getState().getOnnxType(name);
  if (!type || !type->has_tensor_type() ||
      d >= type->tensor_type().shape().dim_size())
    return "";
  return type->tensor_type().shape().dim(d).dim_param();
}

std::string aic::importer::traceDimSymbol(Value v, int64_t d) {
  Value at = v;
  int64_t dim = d;
  // Each step goes to an earlier op: the walk ends.
  while (true) {
    if (auto arg = dyn_cast<BlockArgument>(at)) {
      // A block argument of a region (a loop's) has no known source.
      auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp());
      if (!func)
        return "";
      auto names =
          func.getArgAttrOfType<ArrayAttr>(arg.getArgNumber(), kDimNamesAttr);
      if (names && dim < static_cast<int64_t>(names.size()))
        if (auto name = dyn_cast<StringAttr>(names[dim]))
          if (!name.getValue().empty())
            return name.str();
      // An unnamed dim is equal only to itself.
      return ("input #" + Twine(arg.getArgNumber()) + " dim " + Twine(dim))
          .str();
    }
    Operation *op = at.getDefiningOp();
    if (auto dps = dyn_cast<DestinationStyleOpInterface>(op)) {
      at = dps.getDpsInitOperand(cast<OpResult>(at).getResultNumber())->get();
      continue;
    }
    // A view whose dim is a source dim alone (a group of one) has its size.
    if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op)) {
      for (auto [source, group] :
           llvm::enumerate(expand.getReassociationIndices()))
        if (group.size() == 1 && group[0] == dim) {
          at = expand.getSrc();
          dim = source;
          break;
        }
      if (at != expand.getSrc())
        return "";
      continue;
    }
    if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(op)) {
      ReassociationIndices group = collapse.getReassociationIndices()[dim];
      if (group.size() != 1)
        return "";
      at = collapse.getSrc();
      dim = group[0];
      continue;
    }
    auto empty = dyn_cast<tensor::EmptyOp>(op);
    if (!empty)
      return "";
    auto size = empty.getDynamicSize(dim).getDefiningOp<tensor::DimOp>();
    std::optional<int64_t> index =
        size ? size.getConstantIndex() : std::nullopt;
    if (!index)
      return "";
    at = size.getSource();
    dim = *index;
  }
}

std::string aic::importer::getDimSymbol(NodeImporter &imp, Value v, int64_t d,
                                        int input) {
  std::string traced = traceDimSymbol(v, d);
  return traced.empty() ? getOnnxDimParam(imp, imp.getNode().input(input), d)
                        : traced;
}

/// Errors where both operands have a run-time dim at one position (counted
/// from the end) unless the dims have the same symbol: other ones may
/// differ at run time, one of them 1 and broadcast, which code built for
/// equal dims would get wrong.
LogicalResult aic::importer::checkRuntimeBroadcast(NodeImporter &imp, Value lhs,
                                                   Value rhs, int lhsInput,
                                                   int rhsInput) {
  auto a = cast<RankedTensorType>(lhs.getType());
  auto b = cast<RankedTensorType>(rhs.getType());
  if (lhs == rhs)
    return success();
  for (int64_t k = 1; k <= std::min(a.getRank(), b.getRank()); ++k) {
    int64_t da = a.getRank() - k, db = b.getRank() - k;
    if (!a.isDynamicDim(da) || !b.isDynamicDim(db))
      continue;
    std::string na = getDimSymbol(imp, lhs, da, lhsInput),
                nb = getDimSymbol(imp, rhs, db, rhsInput);
    if (!na.empty() && na == nb)
      continue;
    // Either could be 1 at run time, which the code built for equal dims
    // would get wrong: a run where they differ fails instead, saying which
    // way (dims that do not broadcast in ONNX either, or a 1 aic does not
    // broadcast).
    Value a = imp.create<tensor::DimOp>(lhs, da);
    Value b = imp.create<tensor::DimOp>(rhs, db);
    auto describe = [](const std::string &symbol) {
      return symbol.empty() ? std::string("a size computed at run time")
                            : "'" + symbol + "'";
    };
    std::string dims = "dims " + std::to_string(da) + " and " +
                       std::to_string(db) + " of the operands (" +
                       describe(na) + ", " + describe(nb) + ")";
    Value equal = imp.create<arith::CmpIOp>(arith::CmpIPredicate::eq, a, b);
    Value one = imp.create<arith::ConstantIndexOp>(1);
    Value aOne = imp.create<arith::CmpIOp>(arith::CmpIPredicate::eq, a, one);
    Value bOne = imp.create<arith::CmpIOp>(arith::CmpIPredicate::eq, b, one);
    Value anyOne = imp.create<arith::OrIOp>(aOne, bOne);
    buildRuntimeCheck(imp, imp.create<arith::OrIOp>(equal, anyOne),
                      dims + " differ at run time and neither is 1: they do "
                             "not broadcast");
    buildRuntimeCheck(imp, equal,
                      dims + " differ at run time, one of them 1: aic does "
                             "not broadcast a run-time dim of 1 yet");
  }
  return success();
}

void aic::importer::broadcastToStaticDims(NodeImporter &imp,
                                          MutableArrayRef<Value> operands) {
  int64_t rank = 0;
  for (Value v : operands)
    rank = std::max(rank, cast<RankedTensorType>(v.getType()).getRank());
  for (int64_t k = 1; k <= rank; ++k) {
    // The static extent above 1 at this position, if the operands agree on
    // one (broadcastShapes reports those that do not).
    int64_t extent = 1;
    for (Value v : operands) {
      auto type = cast<RankedTensorType>(v.getType());
      int64_t d = type.getRank() - k;
      if (d < 0 || type.isDynamicDim(d) || type.getDimSize(d) == 1)
        continue;
      if (extent != 1 && extent != type.getDimSize(d))
        return;
      extent = type.getDimSize(d);
    }
    if (extent == 1)
      continue;
    for (auto [i, v] : llvm::enumerate(operands)) {
      auto type = cast<RankedTensorType>(v.getType());
      int64_t d = type.getRank() - k;
      if (d < 0 || !type.isDynamicDim(d))
        continue;
      std::string symbol = getDimSymbol(imp, v, d, static_cast<int>(i));
      Value dim = imp.create<tensor::DimOp>(v, d);
      Value one = imp.create<arith::ConstantIndexOp>(1);
      Value n = imp.create<arith::ConstantIndexOp>(extent);
      Value isN = imp.create<arith::CmpIOp>(arith::CmpIPredicate::eq, dim, n);
      Value isOne =
          imp.create<arith::CmpIOp>(arith::CmpIPredicate::eq, dim, one);
      buildRuntimeCheck(
          imp, imp.create<arith::OrIOp>(isN, isOne),
          "dim " + std::to_string(d) + " of input " + std::to_string(i) +
              (symbol.empty() ? std::string() : " ('" + symbol + "')") +
              " is neither " + std::to_string(extent) +
              " nor 1 at run time: it does not broadcast");
      SmallVector<int64_t> shape(type.getShape());
      shape[d] = extent;
      auto refined = RankedTensorType::get(shape, type.getElementType(),
                                           type.getEncoding());
      // The other run-time dims size the broadcast copy.
      SmallVector<Value> sizes;
      for (int64_t j = 0; j < type.getRank(); ++j)
        if (refined.isDynamicDim(j))
          sizes.push_back(imp.create<tensor::DimOp>(v, j));
      OpBuilder &b = imp.getBuilder();
      auto select = imp.create<scf::IfOp>(TypeRange{refined}, isOne,
                                          /*addThenBlock=*/true,
                                          /*addElseBlock=*/true);
      {
        OpBuilder::InsertionGuard guard(b);
        // A 1 broadcast: each of the `extent` rows reads the one there is.
        b.setInsertionPointToStart(&select.getThenRegion().front());
        SmallVector<AffineExpr> exprs;
        for (int64_t j = 0; j < type.getRank(); ++j)
          exprs.push_back(j == d ? b.getAffineConstantExpr(0)
                                 : b.getAffineDimExpr(j));
        Value copy = buildGeneric(
            imp, refined, v,
            AffineMap::get(type.getRank(), 0, exprs, b.getContext()), sizes,
            [](OpBuilder &, Location, ValueRange args) { return args[0]; });
        imp.create<scf::YieldOp>(copy);
        b.setInsertionPointToStart(&select.getElseRegion().front());
        imp.create<scf::YieldOp>(
            imp.create<tensor::CastOp>(refined, v).getResult());
      }
      v = select.getResult(0);
    }
  }
}

void aic::importer::buildRuntimeCheck(NodeImporter &imp, Value ok,
                                      const std::string &what) {
  imp.create<cf::AssertOp>(ok, describeLocation(imp.getLoc()) + ": " + what);
}

void aic::importer::buildRuntimeSizeCheck(NodeImporter &imp,
                                          RankedTensorType type,
                                          ValueRange sizes) {
  if (sizes.empty())
    return;
  OpBuilder &b = imp.getBuilder();
  // In double: the product cannot overflow, and its rounding does not
  // matter next to a limit of gigabytes.
  double bytes = double(elementByteSize(type.getElementType()));
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (!type.isDynamicDim(d))
      bytes *= double(type.getDimSize(d));
  Value product = imp.create<arith::ConstantOp>(b.getF64FloatAttr(bytes));
  for (Value size : sizes)
    product = imp.create<arith::MulFOp>(
        product, imp.create<arith::UIToFPOp>(
                     b.getF64Type(),
                     imp.create<arith::IndexCastOp>(b.getI64Type(), size)));
  int64_t limit = imp.getState().getMaxTensorBytes();
  buildRuntimeCheck(
      imp,
      imp.create<arith::CmpFOp>(
          arith::CmpFPredicate::OLE, product,
          imp.create<arith::ConstantOp>(b.getF64FloatAttr(double(limit)))),
      "the result would be larger than the limit of " + std::to_string(limit) +
          " bytes per tensor (--max-tensor-bytes)");
}

std::string aic::importer::getOutputDimSymbol(NodeImporter &imp, int output,
                                              int64_t d) {
  return getOnnxDimParam(imp, imp.getNode().output(output), d);
}
