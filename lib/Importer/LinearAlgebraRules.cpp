//===- LinearAlgebraRules.cpp - Import rules for Einsum and Det -----------===//
//
// Einsum becomes one linalg.generic whose loops are the equation's labels
// (output labels first, then the summed ones) and whose indexing maps come
// from the subscripts: a label repeated in one subscript (a diagonal) maps
// two operand dims to one loop, a label of size 1 against a larger one is
// broadcast, and `...` stands for the right-aligned broadcast of the
// operands' unlabelled dims, as numpy defines them.
//
// Det factors each matrix by Gaussian elimination with partial pivoting in
// scf.for loops on a copy of the input.
//
//===----------------------------------------------------------------------===//
#include "Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <map>

using namespace mlir;
using namespace aic;
using namespace aic::importer;

//===----------------------------------------------------------------------===//
// Einsum
//===----------------------------------------------------------------------===//

namespace {
/// One subscript of an equation: its labels in order, the ellipsis standing
/// for the label kEllipsis.
struct Subscript {
  static constexpr char kEllipsis = '.';
  SmallVector<char> labels;
  bool hasEllipsis() const { return llvm::is_contained(labels, kEllipsis); }
};
} // namespace

/// Parses one subscript ("ij", "...ij", "b...") or returns a message.
static FailureOr<Subscript> parseSubscript(StringRef text, std::string &error) {
  Subscript sub;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (llvm::isAlpha(c)) {
      sub.labels.push_back(c);
      continue;
    }
    if (text.substr(i).starts_with("...") && !sub.hasEllipsis()) {
      sub.labels.push_back(Subscript::kEllipsis);
      i += 2;
      continue;
    }
    error = "invalid subscript '" + text.str() + "'";
    return failure();
  }
  return sub;
}

static LogicalResult importEinsum(NodeImporter &imp) {
  std::string equation;
  for (char c : imp.getStringAttr("equation", ""))
    if (!llvm::isSpace(c))
      equation.push_back(c);
  StringRef lhs = equation, rhs;
  bool explicitOutput = false;
  if (size_t arrow = lhs.find("->"); arrow != StringRef::npos) {
    rhs = lhs.substr(arrow + 2);
    lhs = lhs.substr(0, arrow);
    explicitOutput = true;
  }
  SmallVector<StringRef> terms;
  lhs.split(terms, ',');
  int numInputs = imp.getNumInputs();
  if (numInputs < 1 || static_cast<int>(terms.size()) != numInputs)
    return imp.emitError() << "equation '" << equation << "' has "
                           << terms.size() << " subscripts for " << numInputs
                           << " inputs";

  SmallVector<Value> inputs;
  SmallVector<Subscript> subs;
  std::string error;
  int64_t ellipsisRank = 0;
  for (int i = 0; i < numInputs; ++i) {
    FailureOr<Value> input = imp.getInput(i);
    if (failed(input))
      return failure();
    FailureOr<Subscript> sub = parseSubscript(terms[i], error);
    if (failed(sub))
      return imp.emitError() << error;
    int64_t rank = cast<RankedTensorType>(input->getType()).getRank();
    int64_t named = sub->labels.size() - (sub->hasEllipsis() ? 1 : 0);
    if (sub->hasEllipsis() ? named > rank : named != rank)
      return imp.emitError()
             << "subscript '" << terms[i] << "' does not match input " << i
             << " of rank " << rank;
    if (sub->hasEllipsis())
      ellipsisRank = std::max(ellipsisRank, rank - named);
    inputs.push_back(*input);
    subs.push_back(std::move(*sub));
  }

  // The size of every label and of every ellipsis dim (right-aligned), with
  // size-1 dims broadcasting as numpy does. A run-time dim takes the size
  // of the loop it is read in (it does not broadcast): the loop's size is a
  // static one of another operand, else the first run-time dim's, and the
  // others are checked against it at run time.
  std::map<char, int64_t> sizes;
  SmallVector<int64_t> ellipsisSizes(ellipsisRank, 1);
  std::map<char, int> counts;
  // Per label and ellipsis dim, the run-time dims read in its loop (input,
  // dim).
  std::map<char, SmallVector<std::pair<int, int64_t>>> runtimeLabels;
  SmallVector<SmallVector<std::pair<int, int64_t>>> runtimeEllipsis(
      ellipsisRank);
  auto merge = [&](int64_t &size, int64_t dim) {
    if (ShapedType::isDynamic(dim))
      return true;
    if (size == 1 || ShapedType::isDynamic(size))
      size = dim;
    return dim == 1 || dim == size;
  };
  for (auto [i, input, sub] : llvm::enumerate(inputs, subs)) {
    ArrayRef<int64_t> shape =
        cast<RankedTensorType>(input.getType()).getShape();
    int64_t spread = shape.size() + 1 - sub.labels.size();
    int64_t d = 0;
    std::map<char, int64_t> own;
    for (char label : sub.labels) {
      if (label == Subscript::kEllipsis) {
        for (int64_t e = 0; e < spread; ++e, ++d) {
          int64_t global = ellipsisRank - spread + e;
          if (ShapedType::isDynamic(shape[d]))
            runtimeEllipsis[global].push_back({int(i), d});
          if (!merge(ellipsisSizes[global], shape[d]))
            return imp.emitError() << "the dims under '...' do not broadcast";
        }
        continue;
      }
      int64_t dim = shape[d];
      if (ShapedType::isDynamic(dim))
        runtimeLabels[label].push_back({int(i), d});
      ++d;
      // A label repeated in one subscript takes a diagonal: equal sizes.
      auto [it, first] = own.try_emplace(label, dim);
      if (!first && it->second != dim && !ShapedType::isDynamic(dim) &&
          !ShapedType::isDynamic(it->second))
        return imp.emitError()
               << "label '" << label << "' repeats with different sizes";
      ++counts[label];
      auto [global, added] = sizes.try_emplace(label, dim);
      if (!added && !merge(global->second, dim))
        return imp.emitError() << "label '" << label << "' has sizes "
                               << global->second << " and " << dim;
    }
  }
  // The loops' run-time sizes, and the checks that the run-time dims read
  // in a loop have its size.
  std::map<char, Value> labelSizes;
  SmallVector<Value> ellipsisValues(ellipsisRank);
  auto resolve = [&](int64_t &size, ArrayRef<std::pair<int, int64_t>> dims,
                     const std::string &what) -> Value {
    if (dims.empty())
      return Value();
    Value first =
        imp.create<tensor::DimOp>(inputs[dims[0].first], dims[0].second);
    // Only run-time dims (a 1 among them would be a static one): the first
    // gives the size.
    if (ShapedType::isDynamic(size) || size == 1)
      size = ShapedType::kDynamic;
    Value expected = ShapedType::isDynamic(size)
                         ? first
                         : imp.create<arith::ConstantIndexOp>(size);
    for (auto [input, dim] : dims) {
      Value got = imp.create<tensor::DimOp>(inputs[input], dim);
      if (got == expected)
        continue;
      buildRuntimeCheck(
          imp,
          imp.create<arith::CmpIOp>(arith::CmpIPredicate::eq, got, expected),
          what + " has different sizes at run time (dim " +
              std::to_string(dim) + " of input " + std::to_string(input) + ")");
    }
    return ShapedType::isDynamic(size) ? first : Value();
  };
  for (auto &[label, dims] : runtimeLabels)
    labelSizes[label] =
        resolve(sizes[label], dims, std::string("label '") + label + "'");
  for (int64_t e = 0; e < ellipsisRank; ++e)
    ellipsisValues[e] = resolve(ellipsisSizes[e], runtimeEllipsis[e],
                                "dim " + std::to_string(e) + " under '...'");

  // The output subscript: explicit, or (implicit) the ellipsis then the
  // labels used once, in alphabetical (ASCII) order.
  Subscript out;
  if (explicitOutput) {
    FailureOr<Subscript> sub = parseSubscript(rhs, error);
    if (failed(sub))
      return imp.emitError() << error;
    out = std::move(*sub);
    for (char label : out.labels) {
      if (label != Subscript::kEllipsis && !sizes.count(label))
        return imp.emitError()
               << "output label '" << label << "' is not in an input";
      if (llvm::count(out.labels, label) > 1)
        return imp.emitError() << "output label '" << label << "' repeats";
    }
    if (ellipsisRank > 0 && !out.hasEllipsis())
      return imp.emitError() << "the output needs '...' for the dims the "
                                "inputs' '...' cover";
  } else {
    if (ellipsisRank > 0)
      out.labels.push_back(Subscript::kEllipsis);
    for (auto [label, count] : counts)
      if (count == 1)
        out.labels.push_back(label);
  }

  // Loops: the output's dims in order, then the summed labels.
  MLIRContext *ctx = imp.getContext();
  std::map<char, unsigned> loopOf;
  SmallVector<unsigned> ellipsisLoops;
  SmallVector<int64_t> outShape;
  SmallVector<Value> outSizes;
  unsigned numLoops = 0;
  for (char label : out.labels) {
    if (label == Subscript::kEllipsis) {
      for (int64_t e = 0; e < ellipsisRank; ++e) {
        ellipsisLoops.push_back(numLoops++);
        outShape.push_back(ellipsisSizes[e]);
        if (ellipsisValues[e])
          outSizes.push_back(ellipsisValues[e]);
      }
      continue;
    }
    loopOf[label] = numLoops++;
    outShape.push_back(sizes[label]);
    if (Value size = labelSizes[label])
      outSizes.push_back(size);
  }
  unsigned numParallel = numLoops;
  for (auto [label, size] : sizes)
    if (!loopOf.count(label))
      loopOf[label] = numLoops++;

  SmallVector<AffineMap> maps;
  for (auto [input, sub] : llvm::zip(inputs, subs)) {
    ArrayRef<int64_t> shape =
        cast<RankedTensorType>(input.getType()).getShape();
    int64_t spread = shape.size() + 1 - sub.labels.size();
    SmallVector<AffineExpr> exprs;
    // A dim of size 1 read in a loop of another size is broadcast.
    auto dimExpr = [&](unsigned loop, int64_t dim, int64_t loopSize) {
      return dim == 1 && loopSize != 1 ? getAffineConstantExpr(0, ctx)
                                       : getAffineDimExpr(loop, ctx);
    };
    // (A run-time dim is never 1 here: it has its loop's size.)
    int64_t d = 0;
    for (char label : sub.labels) {
      if (label == Subscript::kEllipsis) {
        for (int64_t e = 0; e < spread; ++e, ++d) {
          int64_t global = ellipsisRank - spread + e;
          exprs.push_back(
              dimExpr(ellipsisLoops[global], shape[d], ellipsisSizes[global]));
        }
        continue;
      }
      exprs.push_back(dimExpr(loopOf[label], shape[d], sizes[label]));
      ++d;
    }
    maps.push_back(AffineMap::get(numLoops, 0, exprs, ctx));
  }
  SmallVector<AffineExpr> outExprs;
  for (unsigned d = 0; d < numParallel; ++d)
    outExprs.push_back(getAffineDimExpr(d, ctx));
  maps.push_back(AffineMap::get(numLoops, 0, outExprs, ctx));

  Type elementType =
      cast<RankedTensorType>(inputs[0].getType()).getElementType();
  for (Value input : inputs)
    if (getElementTypeOrSelf(input.getType()) != elementType)
      return imp.emitError() << "expects inputs of one element type";
  FailureOr<RankedTensorType> type =
      imp.getOutputTypeOr(0, RankedTensorType::get(outShape, elementType));
  if (failed(type))
    return failure();
  bool isUnsigned = imp.isUnsignedInput(0);
  Value zero =
      ScalarBuilder(imp.getBuilder(), imp.getLoc(), elementType, isUnsigned)
          .constant(0);
  SmallVector<utils::IteratorType> iterators(numParallel,
                                             utils::IteratorType::parallel);
  iterators.append(numLoops - numParallel, utils::IteratorType::reduction);
  auto generic = imp.create<linalg::GenericOp>(
      TypeRange{*type}, inputs,
      ValueRange{buildFill(imp, *type, zero, outSizes)}, maps, iterators,
      [&](OpBuilder &b, Location loc, ValueRange args) {
        ScalarBuilder s(b, loc, elementType, isUnsigned);
        Value product = args[0];
        for (Value arg : args.drop_front().drop_back())
          product = s.mul(product, arg);
        b.create<linalg::YieldOp>(loc, s.add(args.back(), product));
      });
  imp.setOutput(0, generic.getResult(0));
  return success();
}

//===----------------------------------------------------------------------===//
// Det
//===----------------------------------------------------------------------===//

namespace {
/// Builds the LU factorization of one matrix `bi` of `a`, a [batch, m, m]
/// tensor threaded through the loops (each step returns the new tensor).
struct LUBuilder {
  Value bi;
  int64_t m;
  Type type;

  Value index(OpBuilder &b, Location loc, int64_t v) const {
    return b.create<arith::ConstantIndexOp>(loc, v);
  }
  Value constant(OpBuilder &b, Location loc, double v) const {
    return b.create<arith::ConstantOp>(loc, b.getFloatAttr(type, v));
  }
  Value load(OpBuilder &b, Location loc, Value a, Value i, Value j) const {
    return b.create<tensor::ExtractOp>(loc, a, ValueRange{bi, i, j});
  }
  Value store(OpBuilder &b, Location loc, Value x, Value a, Value i,
              Value j) const {
    return b.create<tensor::InsertOp>(loc, x, a, ValueRange{bi, i, j});
  }

  /// scf.for over [lb, m) threading `a` through `body`.
  Value forRange(
      OpBuilder &b, Location loc, Value lb, Value a,
      function_ref<Value(OpBuilder &, Location, Value, Value)> body) const {
    return b
        .create<scf::ForOp>(
            loc, lb, index(b, loc, m), index(b, loc, 1), ValueRange{a},
            [&](OpBuilder &nb, Location nloc, Value iv, ValueRange args) {
              nb.create<scf::YieldOp>(nloc, body(nb, nloc, iv, args[0]));
            })
        .getResult(0);
  }

  /// scf.if `cond` then `body(a)` else `a`.
  Value ifThen(OpBuilder &b, Location loc, Value cond, Value a,
               function_ref<Value(OpBuilder &, Location)> body) const {
    return b
        .create<scf::IfOp>(
            loc, cond,
            [&](OpBuilder &tb, Location tloc) {
              tb.create<scf::YieldOp>(tloc, body(tb, tloc));
            },
            [&](OpBuilder &eb, Location eloc) {
              eb.create<scf::YieldOp>(eloc, a);
            })
        .getResult(0);
  }

  /// The first row i >= k with the largest |a[i][k]| (k if all are NaN).
  Value findPivot(OpBuilder &b, Location loc, Value a, Value k) const {
    auto search = b.create<scf::ForOp>(
        loc, k, index(b, loc, m), index(b, loc, 1),
        ValueRange{constant(b, loc, -1.0), k},
        [&](OpBuilder &nb, Location nloc, Value i, ValueRange best) {
          Value v = nb.create<math::AbsFOp>(nloc, load(nb, nloc, a, i, k));
          Value better = nb.create<arith::CmpFOp>(
              nloc, arith::CmpFPredicate::OGT, v, best[0]);
          Value value = nb.create<arith::SelectOp>(nloc, better, v, best[0]);
          Value row = nb.create<arith::SelectOp>(nloc, better, i, best[1]);
          nb.create<scf::YieldOp>(nloc, ValueRange{value, row});
        });
    return search.getResult(1);
  }

  Value swapRows(OpBuilder &b, Location loc, Value a, Value k, Value p) const {
    return forRange(b, loc, index(b, loc, 0), a,
                    [&](OpBuilder &nb, Location nloc, Value j, Value t) {
                      Value x = load(nb, nloc, t, k, j);
                      Value y = load(nb, nloc, t, p, j);
                      t = store(nb, nloc, y, t, k, j);
                      return store(nb, nloc, x, t, p, j);
                    });
  }

  /// Subtracts row k times a[i][k] / pivot from each row i > k.
  Value eliminate(OpBuilder &b, Location loc, Value a, Value k,
                  Value pivot) const {
    Value next = b.create<arith::AddIOp>(loc, k, index(b, loc, 1));
    return forRange(
        b, loc, next, a, [&](OpBuilder &rb, Location rloc, Value i, Value t) {
          Value f =
              rb.create<arith::DivFOp>(rloc, load(rb, rloc, t, i, k), pivot);
          return forRange(rb, rloc, next, t,
                          [&](OpBuilder &cb, Location cloc, Value j, Value u) {
                            Value prod = cb.create<arith::MulFOp>(
                                cloc, f, load(cb, cloc, u, k, j));
                            Value diff = cb.create<arith::SubFOp>(
                                cloc, load(cb, cloc, u, i, j), prod);
                            return store(cb, cloc, diff, u, i, j);
                          });
        });
  }

  /// The determinant of matrix `bi` and the factored tensor.
  std::pair<Value, Value> build(OpBuilder &b, Location loc, Value a) const {
    auto columns = b.create<scf::ForOp>(
        loc, index(b, loc, 0), index(b, loc, m), index(b, loc, 1),
        ValueRange{a, constant(b, loc, 1.0)},
        [&](OpBuilder &nb, Location nloc, Value k, ValueRange state) {
          Value t = state[0], det = state[1];
          Value p = findPivot(nb, nloc, t, k);
          Value swap =
              nb.create<arith::CmpIOp>(nloc, arith::CmpIPredicate::ne, p, k);
          t = ifThen(nb, nloc, swap, t, [&](OpBuilder &tb, Location tloc) {
            return swapRows(tb, tloc, t, k, p);
          });
          Value negated = nb.create<arith::NegFOp>(nloc, det);
          det = nb.create<arith::SelectOp>(nloc, swap, negated, det);
          Value pivot = load(nb, nloc, t, k, k);
          det = nb.create<arith::MulFOp>(nloc, det, pivot);
          Value nonzero = nb.create<arith::CmpFOp>(
              nloc, arith::CmpFPredicate::UNE, pivot, constant(nb, nloc, 0.0));
          t = ifThen(nb, nloc, nonzero, t, [&](OpBuilder &tb, Location tloc) {
            return eliminate(tb, tloc, t, k, pivot);
          });
          nb.create<scf::YieldOp>(nloc, ValueRange{t, det});
        });
    return {columns.getResult(1), columns.getResult(0)};
  }
};
} // namespace

/// Det of [*, M, M]: per matrix (of a copy, in at least f32), for each
/// column k the row with the largest |a[i][k]| (i >= k) is swapped up
/// (negating the determinant), the rows below eliminated, and the
/// determinant multiplied by the pivot. A zero pivot makes it 0 and skips
/// the elimination.
static LogicalResult importDet(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0);
  FailureOr<RankedTensorType> type = imp.getOutputType(0);
  if (failed(input) || failed(type))
    return failure();
  auto inType = cast<RankedTensorType>(input->getType());
  int64_t rank = inType.getRank();
  if (rank < 2 || inType.getDimSize(rank - 1) != inType.getDimSize(rank - 2))
    return imp.emitError() << "expects square matrices in the last two dims";
  Type elementType = inType.getElementType();
  if (!isa<FloatType>(elementType))
    return imp.emitError() << "expects a float input";
  int64_t m = inType.getDimSize(rank - 1);
  int64_t batch = type->getNumElements();
  if (batch * m * m != inType.getNumElements())
    return imp.emitError() << "the output shape does not match the input";

  OpBuilder &builder = imp.getBuilder();
  // Half-precision matrices are factored in f32.
  Type computeType = elementType;
  if (elementType.getIntOrFloatBitWidth() < 32)
    computeType = builder.getF32Type();
  Value work = imp.reshapeTo(*input, {batch, m, m});
  if (computeType != elementType)
    work = buildGeneric(
        imp, RankedTensorType::get({batch, m, m}, computeType), work,
        builder.getMultiDimIdentityMap(3),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return b.create<arith::ExtFOp>(loc, computeType, args[0]).getResult();
        });
  Value dets = imp.emptyTensor(RankedTensorType::get({batch}, elementType));
  Value c0 = imp.create<arith::ConstantIndexOp>(0);
  Value c1 = imp.create<arith::ConstantIndexOp>(1);
  Value cb = imp.create<arith::ConstantIndexOp>(batch);
  auto matrices = imp.create<scf::ForOp>(
      c0, cb, c1, ValueRange{work, dets},
      [&](OpBuilder &b, Location loc, Value bi, ValueRange state) {
        auto [det, factored] =
            LUBuilder{bi, m, computeType}.build(b, loc, state[0]);
        if (computeType != elementType)
          det = b.create<arith::TruncFOp>(loc, elementType, det);
        Value written =
            b.create<tensor::InsertOp>(loc, det, state[1], ValueRange{bi});
        b.create<scf::YieldOp>(loc, ValueRange{factored, written});
      });
  imp.setOutput(0, imp.reshapeTo(matrices.getResult(1), type->getShape()));
  return success();
}

//===----------------------------------------------------------------------===//
// Rule table
//===----------------------------------------------------------------------===//

ArrayRef<OpRuleInfo> aic::importer::getLinearAlgebraRules() {
  using DT = onnx::TensorProto;
  // bfloat16 is left out: nothing here was run on it.
  static const OpRuleInfo rules[] = {
      {"Det", importDet, 11,
       typeBit(DT::FLOAT) | typeBit(DT::DOUBLE) | typeBit(DT::FLOAT16)},
      {"Einsum", importEinsum, 12, types::kNumeric & ~typeBit(DT::BFLOAT16), "",
       true},
  };
  return rules;
}
