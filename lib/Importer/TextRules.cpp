//===- TextRules.cpp - Import rules for text feature extraction -----------===//
//
// TfIdfVectorizer: the n-grams of its pool become constants (one vector per
// item position, their lengths and output coordinates), a linalg.generic
// over rows, pool n-grams, skip distances and start positions counts the
// matches, a second one sums them per output coordinate and a third weighs
// them by the mode. Pools of strings are not supported.
//
//===----------------------------------------------------------------------===//
#include "Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <set>

using namespace mlir;
using namespace aic;
using namespace aic::importer;

//===----------------------------------------------------------------------===//
// TfIdfVectorizer
//===----------------------------------------------------------------------===//

static Value createI64Vector(NodeImporter &imp, ArrayRef<int64_t> values,
                             StringRef hint) {
  ConstTensor tensor;
  tensor.type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                      imp.getBuilder().getI64Type());
  const char *bytes = reinterpret_cast<const char *>(values.data());
  tensor.data.assign(bytes, bytes + values.size() * sizeof(int64_t));
  return imp.createConstant(tensor, hint);
}

namespace {
/// One n-gram of the pool and its output coordinate.
struct NGram {
  SmallVector<int64_t> items;
  int64_t index;
};
} // namespace

/// Splits pool_int64s into n-grams by ngram_counts (the start of the
/// 1-grams, 2-grams, ...) and pairs them with ngram_indexes.
static FailureOr<SmallVector<NGram>> getNGrams(NodeImporter &imp,
                                               int64_t maxLength) {
  SmallVector<int64_t> pool = imp.getIntsAttr("pool_int64s");
  SmallVector<int64_t> starts = imp.getIntsAttr("ngram_counts");
  SmallVector<int64_t> indexes = imp.getIntsAttr("ngram_indexes");
  int64_t poolSize = pool.size();
  SmallVector<NGram> grams;
  std::set<SmallVector<int64_t>> seen;
  for (auto [i, start] : llvm::enumerate(starts)) {
    int64_t length = i + 1;
    int64_t end = i + 1 < starts.size() ? starts[i + 1] : poolSize;
    if ((i == 0 && start != 0) || start > end || end > poolSize ||
        (end - start) % length) {
      imp.emitError() << "'ngram_counts' " << formatShape(starts)
                      << " does not split a pool of " << poolSize
                      << " items into n-grams";
      return failure();
    }
    if (end > start && length > maxLength) {
      imp.emitError() << "the pool has " << length
                      << "-grams, longer than max_gram_length " << maxLength;
      return failure();
    }
    for (int64_t p = start; p < end; p += length) {
      NGram gram{
          SmallVector<int64_t>(pool.begin() + p, pool.begin() + p + length), 0};
      if (!seen.insert(gram.items).second) {
        imp.emitError() << "the pool holds the n-gram "
                        << formatShape(gram.items) << " twice";
        return failure();
      }
      grams.push_back(std::move(gram));
    }
  }
  if (starts.empty() && poolSize > 0) {
    imp.emitError() << "missing 'ngram_counts'";
    return failure();
  }
  if (indexes.size() != grams.size()) {
    imp.emitError() << "'ngram_indexes' has " << indexes.size()
                    << " entries for " << grams.size() << " n-grams";
    return failure();
  }
  for (auto [gram, index] : llvm::zip(grams, indexes)) {
    if (index < 0) {
      imp.emitError() << "negative entry " << index << " in 'ngram_indexes'";
      return failure();
    }
    gram.index = index;
  }
  return grams;
}

/// Y[row, ngram_indexes[j]] counts the occurrences of pool n-gram j in the
/// row: items X[s], X[s + d], ..., X[s + (n-1) d] for each start s and
/// distance d in [1, max_skip_count + 1] (1-grams once), for n-grams of
/// min_gram_length to max_gram_length items; IDF turns counts into 0/1
/// times the weight, TFIDF multiplies them by it. Weights are indexed by
/// output coordinate, as ONNX Runtime and the ONNX reference do.
static LogicalResult importTfIdfVectorizer(NodeImporter &imp) {
  if (imp.getAttr("pool_strings"))
    return imp.emitError() << "string pools (pool_strings) are not supported";
  FailureOr<Value> input = imp.getInput(0);
  FailureOr<RankedTensorType> type = imp.getOutputType(0);
  if (failed(input) || failed(type))
    return failure();
  auto inType = cast<RankedTensorType>(input->getType());
  Type inElement = inType.getElementType();
  if (!inElement.isInteger(32) && !inElement.isInteger(64))
    return imp.emitError() << "expects an int32 or int64 input";
  if (inType.getRank() != 1 && inType.getRank() != 2)
    return imp.emitError() << "expects a 1-D or 2-D input";
  int64_t minLength = imp.getIntAttr("min_gram_length", 0);
  int64_t maxLength = imp.getIntAttr("max_gram_length", 0);
  int64_t maxSkip = imp.getIntAttr("max_skip_count", 0);
  if (minLength < 1 || maxLength < minLength || maxSkip < 0)
    return imp.emitError() << "invalid n-gram lengths [" << minLength << ", "
                           << maxLength << "] or max_skip_count " << maxSkip;
  std::string mode = imp.getStringAttr("mode", "");
  if (mode != "TF" && mode != "IDF" && mode != "TFIDF")
    return imp.emitError() << "unknown mode '" << mode << "'";
  FailureOr<SmallVector<NGram>> grams = getNGrams(imp, maxLength);
  if (failed(grams))
    return failure();
  int64_t outSize = 0;
  for (const NGram &gram : *grams)
    outSize = std::max(outSize, gram.index + 1);
  int64_t rows = inType.getRank() == 2 ? inType.getDimSize(0) : 1;
  int64_t columns = inType.getShape().back();
  if (type->getNumElements() != rows * outSize)
    return imp.emitError() << "output of shape "
                           << formatShape(type->getShape()) << " for "
                           << outSize << " n-gram coordinates";
  SmallVector<double> weights;
  if (const onnx::AttributeProto *attr = imp.getAttr("weights"))
    weights.assign(attr->floats().begin(), attr->floats().end());
  if (mode == "TF")
    weights.clear();
  else if (!weights.empty() && static_cast<int64_t>(weights.size()) < outSize)
    return imp.emitError() << "'weights' has " << weights.size()
                           << " entries for " << outSize << " outputs";

  OpBuilder &b = imp.getBuilder();
  Location loc = imp.getLoc();
  MLIRContext *ctx = imp.getContext();
  Type i32 = b.getI32Type(), i64 = b.getI64Type(), f32 = b.getF32Type();
  auto outType = RankedTensorType::get({rows, outSize}, f32);
  // Shorter n-grams of the pool are never counted.
  SmallVector<const NGram *> counted;
  int64_t width = 0;
  for (const NGram &gram : *grams) {
    if (static_cast<int64_t>(gram.items.size()) < minLength)
      continue;
    counted.push_back(&gram);
    width = std::max<int64_t>(width, gram.items.size());
  }
  if (counted.empty()) {
    imp.setOutput(0,
                  imp.reshapeTo(buildFill(imp, outType,
                                          buildScalarConstant(b, loc, f32, 0)),
                                type->getShape()));
    return success();
  }

  // counts[row, j]: loops (row, j, distance - 1, start). Column k of the
  // pool holds item k of each n-gram (0 past its end).
  Value x = imp.reshapeTo(*input, {rows, columns});
  SmallVector<int64_t> lengths, outIndexes;
  SmallVector<SmallVector<int64_t>> itemColumns(width);
  for (const NGram *gram : counted) {
    lengths.push_back(gram->items.size());
    outIndexes.push_back(gram->index);
    for (int64_t k = 0; k < width; ++k)
      itemColumns[k].push_back(
          k < static_cast<int64_t>(gram->items.size()) ? gram->items[k] : 0);
  }
  auto dim = [&](int64_t d) { return getAffineDimExpr(d, ctx); };
  SmallVector<Value> inputs{x, createI64Vector(imp, lengths, "ngram_lengths")};
  SmallVector<AffineMap> maps{AffineMap::get(4, 0, {dim(0), dim(3)}, ctx),
                              AffineMap::get(4, 0, dim(1))};
  for (int64_t k = 0; k < width; ++k) {
    inputs.push_back(createI64Vector(imp, itemColumns[k], "ngram_items"));
    maps.push_back(AffineMap::get(4, 0, dim(1)));
  }
  // Gives the distance loop its bounds.
  inputs.push_back(
      imp.create<tensor::EmptyOp>(ArrayRef<int64_t>{maxSkip + 1}, i32));
  maps.push_back(AffineMap::get(4, 0, dim(2)));
  maps.push_back(AffineMap::get(4, 0, {dim(0), dim(1)}, ctx));
  auto countType =
      RankedTensorType::get({rows, static_cast<int64_t>(counted.size())}, i32);
  Value zero32 = buildScalarConstant(b, loc, i32, 0);
  auto par = utils::IteratorType::parallel,
       red = utils::IteratorType::reduction;
  auto counts = imp.create<linalg::GenericOp>(
      TypeRange{countType}, inputs,
      ValueRange{buildFill(imp, countType, zero32)}, maps,
      ArrayRef<utils::IteratorType>{par, par, red, red},
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        // args: x[row, start], length, items 0..width-1, -, acc.
        auto index = [&](int64_t v) {
          return nb.create<arith::ConstantIndexOp>(nloc, v).getResult();
        };
        auto cmp = [&](arith::CmpIPredicate p, Value l, Value r) {
          return nb.create<arith::CmpIOp>(nloc, p, l, r).getResult();
        };
        auto item = [&](Value v) {
          return convertScalar(nb, nloc, v, i64, false, false);
        };
        Value row = nb.create<linalg::IndexOp>(nloc, 0);
        Value distance = nb.create<arith::AddIOp>(
            nloc, nb.create<linalg::IndexOp>(nloc, 2), index(1));
        Value start = nb.create<linalg::IndexOp>(nloc, 3);
        Value length =
            nb.create<arith::IndexCastOp>(nloc, nb.getIndexType(), args[1]);
        // The last item is in the row; 1-grams count at distance 1 only.
        Value last = nb.create<arith::AddIOp>(
            nloc, start,
            nb.create<arith::MulIOp>(
                nloc, nb.create<arith::SubIOp>(nloc, length, index(1)),
                distance));
        Value match = cmp(arith::CmpIPredicate::slt, last, index(columns));
        Value once = nb.create<arith::OrIOp>(
            nloc, cmp(arith::CmpIPredicate::ne, length, index(1)),
            cmp(arith::CmpIPredicate::eq, distance, index(1)));
        match = nb.create<arith::AndIOp>(nloc, match, once);
        match = nb.create<arith::AndIOp>(
            nloc, match, cmp(arith::CmpIPredicate::eq, item(args[0]), args[2]));
        for (int64_t k = 1; k < width; ++k) {
          // Reads a clamped position; items past the n-gram's end match.
          Value position = nb.create<arith::AddIOp>(
              nloc, start, nb.create<arith::MulIOp>(nloc, distance, index(k)));
          position =
              nb.create<arith::MinSIOp>(nloc, position, index(columns - 1));
          Value element =
              nb.create<tensor::ExtractOp>(nloc, x, ValueRange{row, position});
          Value equal =
              cmp(arith::CmpIPredicate::eq, item(element), args[2 + k]);
          Value past = cmp(arith::CmpIPredicate::sle, length, index(k));
          match = nb.create<arith::AndIOp>(
              nloc, match, nb.create<arith::OrIOp>(nloc, past, equal));
        }
        Value one = nb.create<arith::ExtUIOp>(nloc, i32, match);
        nb.create<linalg::YieldOp>(
            nloc, ValueRange{nb.create<arith::AddIOp>(nloc, args.back(), one)});
      });

  // sums[row, o]: the counts of the n-grams at output coordinate o.
  auto sumType = RankedTensorType::get({rows, outSize}, i32);
  auto sums = imp.create<linalg::GenericOp>(
      TypeRange{sumType},
      ValueRange{counts.getResult(0),
                 createI64Vector(imp, outIndexes, "ngram_indexes")},
      ValueRange{buildFill(imp, sumType, zero32)},
      ArrayRef<AffineMap>{AffineMap::get(3, 0, {dim(0), dim(2)}, ctx),
                          AffineMap::get(3, 0, dim(2)),
                          AffineMap::get(3, 0, {dim(0), dim(1)}, ctx)},
      ArrayRef<utils::IteratorType>{par, par, red},
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value o = nb.create<arith::IndexCastOp>(
            nloc, i64, nb.create<linalg::IndexOp>(nloc, 1));
        Value here = nb.create<arith::CmpIOp>(nloc, arith::CmpIPredicate::eq,
                                              args[1], o);
        Value add = nb.create<arith::SelectOp>(
            nloc, here, args[0], buildScalarConstant(nb, nloc, i32, 0));
        nb.create<linalg::YieldOp>(
            nloc, ValueRange{nb.create<arith::AddIOp>(nloc, args[2], add)});
      });

  SmallVector<Value> weightInputs{sums.getResult(0)};
  SmallVector<AffineMap> weightMaps{b.getMultiDimIdentityMap(2)};
  if (!weights.empty()) {
    weights.resize(outSize);
    weightInputs.push_back(imp.createConstant(
        makeFloatTensor(RankedTensorType::get({outSize}, f32), weights),
        "weights"));
    weightMaps.push_back(AffineMap::get(2, 0, dim(1)));
  }
  Value y = buildGeneric(
      imp, outType, weightInputs, weightMaps,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        // Without weights (and in TF mode) the weight is 1.
        bool weighted = args.size() > 1;
        if (mode == "IDF") {
          Value present =
              nb.create<arith::CmpIOp>(nloc, arith::CmpIPredicate::sgt, args[0],
                                       buildScalarConstant(nb, nloc, i32, 0));
          Value weight =
              weighted ? args[1] : buildScalarConstant(nb, nloc, f32, 1.0);
          return nb
              .create<arith::SelectOp>(nloc, present, weight,
                                       buildScalarConstant(nb, nloc, f32, 0))
              .getResult();
        }
        Value count = convertScalar(nb, nloc, args[0], f32, false, false);
        if (!weighted)
          return count;
        return nb.create<arith::MulFOp>(nloc, count, args[1]).getResult();
      });
  imp.setOutput(0, imp.reshapeTo(y, type->getShape()));
  return success();
}

//===----------------------------------------------------------------------===//
// Rule table
//===----------------------------------------------------------------------===//

ArrayRef<OpRuleInfo> aic::importer::getTextRules() {
  using DT = onnx::TensorProto;
  static const OpRuleInfo rules[] = {
      {"TfIdfVectorizer", importTfIdfVectorizer, 9,
       typeBit(DT::INT32) | typeBit(DT::INT64)},
  };
  return rules;
}
