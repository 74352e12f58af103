//===- ConcatInPlace.cpp - Producers of a concat write into its result ----===//
//
// A concat whose inputs are consecutive byte ranges of its result (every
// stored dim outside the concat axis has extent 1) costs a pass over memory
// that nothing needs: the buffers of the inputs become views of the result's
// buffer, so whatever writes an input writes its part of the result, and the
// concat goes away. With a batch stored first, the inputs are such ranges
// of each image: they become batch-strided views, and the ops that use them
// run once per image on dense slices. Runs on bufferized IR, before
// aic-plan-memory.
//
//===----------------------------------------------------------------------===//
#include "dialects/Aic/AicDialect.h"
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

/// `concat` is the last use of each input buffer and the first of its
/// result buffer, and those buffers are distinct allocs of `body` used
/// only directly (no views that could outlive the concat). Per batch,
/// the ops that use an input are BatchSeparable (collected in `split`),
/// and the buffers share one run-time batch size, defined before them.
bool placeable(ConcatOp concat, Block &body, bool perBatch,
               SmallVectorImpl<memref::AllocOp> &allocs,
               llvm::SetVector<Operation *> &split) {
  auto top = [&](Operation *op) { return body.findAncestorOpInBlock(*op); };
  for (Value v : concat->getOperands()) {
    memref::AllocOp alloc = ownBuffer(v, body, perBatch);
    if (!alloc || llvm::is_contained(allocs, alloc))
      return false;
    allocs.push_back(alloc);
  }
  memref::AllocOp result = allocs.pop_back_val();
  int64_t batch = result.getType().getShape().front();
  for (memref::AllocOp alloc : allocs) {
    if (alloc.getDynamicSizes() != result.getDynamicSizes())
      return false;
    for (OpOperand &use : alloc->getUses()) {
      Operation *user = use.getOwner();
      if (user == concat)
        continue;
      Operation *at = top(user);
      if (!at || !at->isBeforeInBlock(concat) || user->getNumResults() != 0 ||
          isa<memref::DeallocOp>(user))
        return false;
      if (perBatch) {
        if (at != user || !separable(user, alloc, batch))
          return false;
        split.insert(user);
      }
    }
  }
  for (Operation *user : result->getUsers()) {
    Operation *at = top(user);
    if (user != concat &&
        (!at || !concat->isBeforeInBlock(at) || isa<memref::DeallocOp>(user)))
      return false;
  }
  allocs.insert(allocs.begin(), result);
  // The shared buffer is allocated where the first of them was.
  for (Value size : result.getDynamicSizes())
    if (Operation *def = size.getDefiningOp())
      for (memref::AllocOp alloc : allocs) {
        Operation *at = top(def);
        if (!at || !at->isBeforeInBlock(alloc))
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

/// Replaces `allocs` (the result's, then the inputs') by views of one
/// buffer: the result at offset 0, the inputs one after another.
void share(ConcatOp concat, MutableArrayRef<memref::AllocOp> allocs) {
  auto [first, alignment] = firstOf(allocs);
  MemRefType resultType = allocs.front().getType();
  int64_t elementBytes = resultType.getElementTypeBitWidth() / 8;
  OpBuilder b(first);
  Location loc = concat.getLoc();
  auto buffer = b.create<memref::AllocOp>(
      loc,
      MemRefType::get({resultType.getNumElements() * elementBytes},
                      b.getI8Type()),
      b.getI64IntegerAttr(alignment));
  // Views first: the builder inserts before an alloc that goes away.
  SmallVector<Value> views;
  int64_t offset = 0;
  for (auto [i, alloc] : llvm::enumerate(allocs)) {
    Value at = b.create<arith::ConstantIndexOp>(loc, offset);
    views.push_back(b.create<memref::ViewOp>(loc, alloc.getType(), buffer, at,
                                             ValueRange{}));
    if (i > 0)
      offset += alloc.getType().getNumElements() * elementBytes;
  }
  concat.erase();
  for (auto [alloc, view] : llvm::zip(allocs, views)) {
    alloc.replaceAllUsesWith(view);
    alloc.erase();
  }
}

/// The slice of batch entry `index` of `v`: dim 0 at `index`, extent 1.
Value batchSlice(OpBuilder &b, Location loc, Value v, Value index) {
  auto type = cast<MemRefType>(v.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes{b.getIndexAttr(1)};
  SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
  offsets[0] = index;
  for (int64_t d = 1; d < type.getRank(); ++d)
    sizes.push_back(type.isDynamicDim(d)
                        ? OpFoldResult(b.create<memref::DimOp>(loc, v, d))
                        : OpFoldResult(b.getIndexAttr(type.getDimSize(d))));
  return b.create<memref::SubViewOp>(loc, v, offsets, sizes, strides);
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
    operands[index] = batchSlice(b, loc, operand.get(), loop.getInductionVar());
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

/// Replaces `allocs` (the result's, then the inputs') by one buffer of the
/// result's type and slices of it along `stored`, batch-strided, and runs
/// the ops in `split` per batch entry.
void shareBatched(ConcatOp concat, MutableArrayRef<memref::AllocOp> allocs,
                  int64_t stored, ArrayRef<Operation *> split) {
  auto [first, alignment] = firstOf(allocs);
  memref::AllocOp result = allocs.front();
  MemRefType resultType = result.getType();
  OpBuilder b(first);
  Location loc = concat.getLoc();
  auto buffer =
      b.create<memref::AllocOp>(loc, resultType, result.getDynamicSizes(),
                                b.getI64IntegerAttr(alignment));
  OpFoldResult batch =
      resultType.isDynamicDim(0)
          ? OpFoldResult(result.getDynamicSizes().front())
          : OpFoldResult(b.getIndexAttr(resultType.getDimSize(0)));
  SmallVector<Value> views{buffer};
  int64_t offset = 0;
  for (memref::AllocOp alloc : allocs.drop_front()) {
    MemRefType type = alloc.getType();
    SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes{batch};
    SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
    offsets[stored] = b.getIndexAttr(offset);
    for (int64_t d = 1; d < type.getRank(); ++d)
      sizes.push_back(b.getIndexAttr(type.getDimSize(d)));
    views.push_back(
        b.create<memref::SubViewOp>(loc, buffer, offsets, sizes, strides));
    offset += type.getDimSize(stored);
  }
  concat.erase();
  for (auto [alloc, view] : llvm::zip(allocs, views)) {
    alloc.replaceAllUsesWith(view);
    alloc.erase();
  }
  for (Operation *op : split)
    splitBatch(op, batch);
}

struct ConcatInPlacePass
    : public aic::impl::ConcatInPlaceBase<ConcatInPlacePass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.getBody().empty())
      return;
    Block &body = func.getBody().front();
    for (Operation &op : llvm::make_early_inc_range(body)) {
      auto concat = dyn_cast<ConcatOp>(op);
      if (!concat || concat.getNumResults() != 0)
        continue;
      std::optional<Placement> where = placement(concat);
      SmallVector<memref::AllocOp> allocs;
      llvm::SetVector<Operation *> split;
      if (!where || !placeable(concat, body, where->perBatch, allocs, split))
        continue;
      if (where->perBatch)
        shareBatched(concat, allocs, where->stored, split.getArrayRef());
      else
        share(concat, allocs);
    }
  }
};
} // namespace
