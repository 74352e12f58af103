//===- ConcatInPlace.cpp - Producers of a concat write into its result ----===//
//
// A concat whose inputs are consecutive byte ranges of its result (every
// stored dim outside the concat axis has extent 1) costs a pass over memory
// that nothing needs: the buffers of the inputs become views of the result's
// buffer, so whatever writes an input writes its part of the result, and the
// concat goes away. With a batch stored first, the inputs are such ranges
// of each image: they become batch-strided views, and the ops that use them
// run once per image on dense slices. A chain of concats each taking the
// inputs of the one before and more (DenseNet) shares one buffer, each
// result a prefix of the last. Runs on bufferized IR, before
// aic-plan-memory.
//
//===----------------------------------------------------------------------===//
#include "dialects/Aic/AicDialect.h"
#include "passes/PassDetail.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "llvm/ADT/SetVector.h"

namespace aic {
#define GEN_PASS_DEF_CONCATINPLACE
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;
using namespace aic;

namespace {

/// Where the inputs of a concat lie in its result.
struct Placement {
  /// The stored dim along which they follow one another.
  int64_t stored;
  /// Each entry of stored dim 0 (a batch, stored first) holds a part of
  /// every input: the ops that write or read an input then run once per
  /// batch entry, on slices (BatchSeparable).
  bool perBatch;
};

/// The buffer `v` if it is a dense `memref.alloc` of `body` of a byte-sized
/// element, statically shaped but for dim 0 when `batched`.
memref::AllocOp ownBuffer(Value v, Block &body, bool batched) {
  auto alloc = v.getDefiningOp<memref::AllocOp>();
  if (!alloc || alloc->getBlock() != &body)
    return {};
  MemRefType type = alloc.getType();
  ArrayRef<int64_t> shape = type.getShape();
  if (!type.getLayout().isIdentity() || !type.getElementType().isIntOrFloat() ||
      type.getElementTypeBitWidth() % 8 != 0 ||
      (!batched && !type.hasStaticShape()) ||
      (batched &&
       (shape.empty() || ShapedType::isDynamicShape(shape.drop_front()))))
    return {};
  return alloc;
}

/// Whether stored dim 0 of the operand of `layout` is its logical dim 0,
/// unblocked (a dense operand's is).
bool batchStoredFirst(LayoutAttr layout) {
  if (!layout)
    return true;
  BlockedLayout blocked = layout.getLayout();
  return !blocked.order.empty() && blocked.order.front() == 0 &&
         blocked.getBlockProduct(0) == 1;
}

/// How the inputs of `concat` lie in its result, if they follow one
/// another along one stored dim: all stored dims outside it have extent 1,
/// but for a batch stored first (the per-batch placement); that dim is the
/// stored dim of the outer part of the concat axis, whose blocks (if any)
/// divide every input's extent along the axis.
std::optional<Placement> placement(ConcatOp concat) {
  int64_t axis = concat.getAxis();
  unsigned numOperands = concat->getNumOperands();
  LayoutAttr layout = getOperandLayout(concat, numOperands - 1);
  int64_t stored = axis;
  if (layout) {
    BlockedLayout blocked = layout.getLayout();
    auto it = llvm::find(blocked.order, axis);
    if (it == blocked.order.end())
      return std::nullopt;
    stored = it - blocked.order.begin();
    int64_t per = blocked.getBlockProduct(axis);
    for (unsigned i = 0; i + 1 < numOperands; ++i) {
      LayoutAttr in = getOperandLayout(concat, i);
      if (!in || !(in.getLayout() == blocked) || in.getDims()[axis] % per != 0)
        return std::nullopt;
    }
  } else {
    for (unsigned i = 0; i + 1 < numOperands; ++i)
      if (getOperandLayout(concat, i))
        return std::nullopt;
  }
  // In stored shapes: the inputs are the result cut along `stored`, and
  // nothing lies outside that dim but a batch. Shapes are static but for
  // a run-time batch (a run-time size along the axis would need run-time
  // offsets).
  auto result = cast<MemRefType>(concat.getInit().getType());
  if (stored >= result.getRank())
    return std::nullopt;
  ArrayRef<int64_t> shape = result.getShape();
  bool perBatch = stored > 0 && shape[0] != 1;
  if (perBatch ? ShapedType::isDynamicShape(shape.drop_front()) ||
                     !batchStoredFirst(layout)
               : !result.hasStaticShape())
    return std::nullopt;
  if (llvm::any_of(shape.take_front(stored).drop_front(perBatch ? 1 : 0),
                   [](int64_t d) { return d != 1; }))
    return std::nullopt;
  int64_t total = 0;
  for (Value in : concat.getInputs()) {
    auto type = cast<MemRefType>(in.getType());
    if (type.getRank() != result.getRank() ||
        type.getElementType() != result.getElementType() ||
        ShapedType::isDynamic(type.getDimSize(stored)))
      return std::nullopt;
    for (int64_t d = 0; d < result.getRank(); ++d)
      if (d != stored && type.getDimSize(d) != shape[d])
        return std::nullopt;
    total += type.getDimSize(stored);
  }
  if (total != shape[stored])
    return std::nullopt;
  return Placement{stored, perBatch};
}

/// Whether `user` of an input buffer `input` can run per batch entry of
/// `batch` (the result's dim 0): it takes the buffer only as batch
/// operands, and each batch operand has that batch stored first.
bool separable(Operation *user, Value input, int64_t batch) {
  auto op = dyn_cast<BatchSeparable>(user);
  if (!op)
    return false;
  for (OpOperand &operand : user->getOpOperands()) {
    bool isBatch = op.isBatchOperand(operand);
    if (operand.get() == input && !isBatch)
      return false;
    if (!isBatch)
      continue;
    auto type = dyn_cast<MemRefType>(operand.get().getType());
    if (!type || type.getRank() == 0 || type.getDimSize(0) != batch ||
        !batchStoredFirst(getOperandLayout(user, operand.getOperandNumber())))
      return false;
  }
  return true;
}

/// The earliest of `allocs` and their greatest alignment.
std::pair<Operation *, uint64_t> firstOf(ArrayRef<memref::AllocOp> allocs) {
  Operation *first = allocs.front();
  uint64_t alignment = 1;
  for (memref::AllocOp alloc : allocs) {
    if (alloc->isBeforeInBlock(first))
      first = alloc;
    alignment = std::max<uint64_t>(alignment, alloc.getAlignment().value_or(1));
  }
  return {first, alignment};
}

/// The buffers of a chain of concats (each taking the inputs of the one
/// before it and more: DenseNet's feature reuse) that share one buffer.
struct Buffers {
  /// Each concat's result, in chain order.
  SmallVector<memref::AllocOp> results;
  /// The inputs of the last concat, in order.
  SmallVector<memref::AllocOp> inputs;
  /// The ops that use an input or a result but the last, per batch.
  llvm::SetVector<Operation *> split;
};

/// Whether the buffers of `chain` can be one: they are distinct allocs of
/// `body`, used only directly (no views that could outlive the concats);
/// an input is written (by ops without results) before the first concat
/// that takes it and read before the last; a result is used after its
/// concat only, and but for the last's only read, before the last concat.
/// Per batch, the ops that use an input or a result but the last are
/// BatchSeparable, and the buffers share one run-time batch size, defined
/// before them.
bool placeable(ArrayRef<ConcatOp> chain, Block &body, bool perBatch,
               Buffers &buffers) {
  auto top = [&](Operation *op) { return body.findAncestorOpInBlock(*op); };
  ConcatOp last = chain.back();
  SmallVector<memref::AllocOp> all;
  auto take = [&](Value v, SmallVectorImpl<memref::AllocOp> &into) {
    memref::AllocOp alloc = ownBuffer(v, body, perBatch);
    if (!alloc || llvm::is_contained(all, alloc))
      return false;
    all.push_back(alloc);
    into.push_back(alloc);
    return true;
  };
  for (Value v : last.getInputs())
    if (!take(v, buffers.inputs))
      return false;
  for (ConcatOp concat : chain)
    if (!take(concat.getInit(), buffers.results))
      return false;
  memref::AllocOp result = buffers.results.back();
  int64_t batch = result.getType().getShape().front();
  auto perImage = [&](Operation *user, Value buffer) {
    if (!perBatch)
      return true;
    if (top(user) != user || !separable(user, buffer, batch))
      return false;
    buffers.split.insert(user);
    return true;
  };
  auto inChain = [&](Operation *op) {
    return llvm::any_of(chain, [&](ConcatOp c) { return c == op; });
  };
  auto readOnly = [](OpOperand &use) {
    auto dps = dyn_cast<DestinationStyleOpInterface>(use.getOwner());
    return dps && dps.isDpsInput(&use);
  };
  for (auto [i, alloc] : llvm::enumerate(buffers.inputs)) {
    if (alloc.getDynamicSizes() != result.getDynamicSizes())
      return false;
    ConcatOp first = *llvm::find_if(
        chain, [&](ConcatOp c) { return c.getInputs().size() > i; });
    for (OpOperand &use : alloc->getUses()) {
      Operation *user = use.getOwner();
      if (inChain(user))
        continue;
      Operation *at = top(user);
      if (!at || user->getNumResults() != 0 || isa<memref::DeallocOp>(user) ||
          !at->isBeforeInBlock(readOnly(use) ? last : first) ||
          !perImage(user, alloc))
        return false;
    }
  }
  for (auto [k, alloc] : llvm::enumerate(buffers.results)) {
    if (alloc.getDynamicSizes() != result.getDynamicSizes())
      return false;
    ConcatOp concat = chain[k];
    bool isLast = k + 1 == chain.size();
    for (OpOperand &use : alloc->getUses()) {
      Operation *user = use.getOwner();
      if (user == concat)
        continue;
      Operation *at = top(user);
      if (!at || !concat->isBeforeInBlock(at) || isa<memref::DeallocOp>(user))
        return false;
      if (!isLast && (!readOnly(use) || user->getNumResults() != 0 ||
                      !at->isBeforeInBlock(last) || !perImage(user, alloc)))
        return false;
    }
  }
  // The shared buffer is allocated where the first of them was, so its
  // size must be known before the first.
  Operation *first = firstOf(all).first;
  for (Value size : result.getDynamicSizes())
    if (Operation *def = size.getDefiningOp()) {
      Operation *at = top(def);
      if (!at || !at->isBeforeInBlock(first))
        return false;
    }
  return true;
}

/// All buffers of `buffers`, results first.
SmallVector<memref::AllocOp> allOf(const Buffers &buffers) {
  SmallVector<memref::AllocOp> all(buffers.results);
  all.append(buffers.inputs);
  return all;
}

/// Erases `chain` and replaces each buffer by its view.
void replace(ArrayRef<ConcatOp> chain, ArrayRef<memref::AllocOp> allocs,
             ArrayRef<Value> views) {
  for (ConcatOp concat : chain)
    concat.erase();
  for (auto [alloc, view] : llvm::zip_equal(allocs, views)) {
    alloc->replaceAllUsesWith(ValueRange{view});
    alloc->erase();
  }
}

/// Replaces the buffers of `chain` by views of one buffer: the results at
/// offset 0 (each a prefix of the last), the inputs one after another.
void share(ArrayRef<ConcatOp> chain, const Buffers &buffers) {
  SmallVector<memref::AllocOp> all = allOf(buffers);
  auto [first, alignment] = firstOf(all);
  memref::AllocOp result = buffers.results.back();
  MemRefType resultType = result.getType();
  int64_t elementBytes = resultType.getElementTypeBitWidth() / 8;
  OpBuilder b(first);
  ConcatOp last = chain.back();
  Location loc = last.getLoc();
  auto buffer = b.create<memref::AllocOp>(
      loc,
      MemRefType::get({resultType.getNumElements() * elementBytes},
                      b.getI8Type()),
      b.getI64IntegerAttr(alignment));
  // Views first: the builder inserts before an alloc that goes away.
  SmallVector<Value> views;
  int64_t offset = 0;
  for (memref::AllocOp alloc : all) {
    bool isInput = views.size() >= buffers.results.size();
    Value at = b.create<arith::ConstantIndexOp>(loc, isInput ? offset : 0);
    views.push_back(b.create<memref::ViewOp>(loc, alloc.getType(), buffer, at,
                                             ValueRange{}));
    if (isInput)
      offset += alloc.getType().getNumElements() * elementBytes;
  }
  replace(chain, all, views);
}

/// Runs `op` once per entry of `batch` (its batch operands' dim 0), on
/// slices of its batch operands.
void splitBatch(Operation *op, OpFoldResult batch) {
  OpBuilder b(op);
  Location loc = op->getLoc();
  Value count = getValueOrCreateConstantIndexOp(b, loc, batch);
  auto loop =
      b.create<scf::ForOp>(loc, b.create<arith::ConstantIndexOp>(loc, 0), count,
                           b.create<arith::ConstantIndexOp>(loc, 1));
  b.setInsertionPoint(loop.getBody()->getTerminator());
  auto separable = cast<BatchSeparable>(op);
  auto layouts = op->getAttrOfType<ArrayAttr>(kLayoutsAttrName);
  SmallVector<Attribute> entryLayouts;
  if (layouts)
    entryLayouts.assign(layouts.begin(), layouts.end());
  SmallVector<Value> operands(op->getOperands());
  for (OpOperand &operand : op->getOpOperands()) {
    if (!separable.isBatchOperand(operand))
      continue;
    unsigned index = operand.getOperandNumber();
    operands[index] =
        sliceBatchEntry(b, loc, operand.get(), loop.getInductionVar());
    if (LayoutAttr layout = getOperandLayout(op, index)) {
      SmallVector<int64_t> dims(layout.getDims());
      dims[0] = 1;
      entryLayouts[index] =
          LayoutAttr::get(op->getContext(), layout.getTag(), dims);
    }
  }
  Operation *entry = b.clone(*op);
  entry->setOperands(operands);
  if (layouts)
    entry->setAttr(kLayoutsAttrName, b.getArrayAttr(entryLayouts));
  op->erase();
}

/// Replaces the buffers of `chain` by one buffer of the last result's type
/// and slices of it, batch-strided: the results from offset 0 along
/// `stored` (each a prefix of the last), the inputs one after another; and
/// runs the ops that use them per batch entry.
void shareBatched(ArrayRef<ConcatOp> chain, const Buffers &buffers,
                  int64_t stored) {
  SmallVector<memref::AllocOp> all = allOf(buffers);
  auto [first, alignment] = firstOf(all);
  memref::AllocOp result = buffers.results.back();
  MemRefType resultType = result.getType();
  OpBuilder b(first);
  ConcatOp last = chain.back();
  Location loc = last.getLoc();
  auto buffer =
      b.create<memref::AllocOp>(loc, resultType, result.getDynamicSizes(),
                                b.getI64IntegerAttr(alignment));
  OpFoldResult batch =
      resultType.isDynamicDim(0)
          ? OpFoldResult(result.getDynamicSizes().front())
          : OpFoldResult(b.getIndexAttr(resultType.getDimSize(0)));
  SmallVector<Value> views;
  int64_t offset = 0;
  for (memref::AllocOp alloc : all) {
    if (alloc == result) {
      views.push_back(buffer);
      continue;
    }
    bool isInput = views.size() >= buffers.results.size();
    MemRefType type = alloc.getType();
    SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes{batch};
    SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
    offsets[stored] = b.getIndexAttr(isInput ? offset : 0);
    for (int64_t d = 1; d < type.getRank(); ++d)
      sizes.push_back(b.getIndexAttr(type.getDimSize(d)));
    views.push_back(
        b.create<memref::SubViewOp>(loc, buffer, offsets, sizes, strides));
    if (isInput)
      offset += type.getDimSize(stored);
  }
  replace(chain, all, views);
  for (Operation *op : buffers.split)
    splitBatch(op, batch);
}

/// Places the concats of `chain` in one buffer, if it can.
bool place(ArrayRef<ConcatOp> chain, Block &body) {
  std::optional<Placement> where = placement(chain.back());
  Buffers buffers;
  if (!where || !placeable(chain, body, where->perBatch, buffers))
    return false;
  if (where->perBatch)
    shareBatched(chain, buffers, where->stored);
  else
    share(chain, buffers);
  return true;
}

/// Whether `concat` takes the inputs of `chain`'s last concat and more,
/// along the same axis into the same layout.
bool extends(ArrayRef<ConcatOp> chain, ConcatOp concat) {
  ConcatOp last = chain.back();
  size_t n = last.getInputs().size();
  auto layout = [](ConcatOp c) {
    LayoutAttr l = getOperandLayout(c, c->getNumOperands() - 1);
    return l ? std::optional<BlockedLayout>(l.getLayout()) : std::nullopt;
  };
  return last.getAxis() == concat.getAxis() && n < concat.getInputs().size() &&
         llvm::equal(last.getInputs(), concat.getInputs().take_front(n)) &&
         layout(last) == layout(concat);
}

struct ConcatInPlacePass
    : public aic::impl::ConcatInPlaceBase<ConcatInPlacePass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.getBody().empty())
      return;
    Block &body = func.getBody().front();
    // Chains of concats, each taking the inputs of the one before it and
    // more, share one buffer; a chain that cannot, each of its concats.
    SmallVector<SmallVector<ConcatOp>> chains;
    for (ConcatOp concat : body.getOps<ConcatOp>()) {
      if (concat.getNumResults() != 0)
        continue;
      auto it = llvm::find_if(chains, [&](ArrayRef<ConcatOp> chain) {
        return extends(chain, concat);
      });
      if (it != chains.end())
        it->push_back(concat);
      else
        chains.push_back({concat});
    }
    for (ArrayRef<ConcatOp> chain : chains)
      if (!place(chain, body) && chain.size() > 1)
        for (ConcatOp concat : chain)
          place({concat}, body);
  }
};
} // namespace
