//===- ConcatInPlace.cpp - Producers of a concat write into its result ----===//
//
// A concat whose inputs are consecutive byte ranges of its result (every
// stored dim outside the concat axis has extent 1) costs a pass over memory
// that nothing needs: the buffers of the inputs become views of the result's
// buffer, so whatever writes an input writes its part of the result, and the
// concat goes away. Runs on bufferized IR, before aic-plan-memory.
//
//===----------------------------------------------------------------------===//
#include "dialects/Aic/AicDialect.h"
#include "passes/Passes.h"

namespace aic {
#define GEN_PASS_DEF_CONCATINPLACE
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;
using namespace aic;

namespace {

/// The buffer `v` if it is a dense, statically shaped `memref.alloc` of
/// `body`.
memref::AllocOp ownBuffer(Value v, Block &body) {
  auto alloc = v.getDefiningOp<memref::AllocOp>();
  if (!alloc || alloc->getBlock() != &body)
    return {};
  MemRefType type = alloc.getType();
  if (!type.hasStaticShape() || !type.getLayout().isIdentity() ||
      !type.getElementType().isIntOrFloat() ||
      type.getElementTypeBitWidth() % 8 != 0)
    return {};
  return alloc;
}

/// The stored dim of `concat` along which its inputs follow one another
/// (stored dims outside it all of extent 1), if there is one: the stored
/// dim of the outer part of the concat axis, whose blocks (if any) divide
/// every input's extent along the axis.
std::optional<int64_t> contiguousDim(ConcatOp concat) {
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
  // nothing lies outside that dim.
  // Only static shapes are placed (their buffers are planned; run-time
  // sizes along the axis would need run-time offsets).
  auto result = cast<MemRefType>(concat.getInit().getType());
  if (stored >= result.getRank() || !result.hasStaticShape())
    return std::nullopt;
  ArrayRef<int64_t> shape = result.getShape();
  if (llvm::any_of(shape.take_front(stored), [](int64_t d) { return d != 1; }))
    return std::nullopt;
  int64_t total = 0;
  for (Value in : concat.getInputs()) {
    auto type = cast<MemRefType>(in.getType());
    if (type.getRank() != result.getRank() || !type.hasStaticShape() ||
        type.getElementType() != result.getElementType())
      return std::nullopt;
    for (int64_t d = 0; d < result.getRank(); ++d)
      if (d != stored && type.getDimSize(d) != shape[d])
        return std::nullopt;
    total += type.getDimSize(stored);
  }
  if (total != shape[stored])
    return std::nullopt;
  return stored;
}

/// `concat` is the last use of each input buffer and the first of its
/// result buffer, and those buffers are distinct allocs of `body` used
/// only directly (no views that could outlive the concat).
bool placeable(ConcatOp concat, Block &body,
               SmallVectorImpl<memref::AllocOp> &allocs) {
  auto top = [&](Operation *op) { return body.findAncestorOpInBlock(*op); };
  for (Value v : concat->getOperands()) {
    memref::AllocOp alloc = ownBuffer(v, body);
    if (!alloc || llvm::is_contained(allocs, alloc))
      return false;
    allocs.push_back(alloc);
  }
  memref::AllocOp result = allocs.pop_back_val();
  for (memref::AllocOp alloc : allocs)
    for (OpOperand &use : alloc->getUses()) {
      Operation *user = use.getOwner();
      if (user == concat)
        continue;
      Operation *at = top(user);
      if (!at || !at->isBeforeInBlock(concat) || user->getNumResults() != 0 ||
          isa<memref::DeallocOp>(user))
        return false;
    }
  for (Operation *user : result->getUsers()) {
    Operation *at = top(user);
    if (user != concat &&
        (!at || !concat->isBeforeInBlock(at) || isa<memref::DeallocOp>(user)))
      return false;
  }
  allocs.insert(allocs.begin(), result);
  return true;
}

/// Replaces `allocs` (the result's, then the inputs') by views of one
/// buffer: the result at offset 0, the inputs one after another.
void share(ConcatOp concat, MutableArrayRef<memref::AllocOp> allocs) {
  Operation *first = allocs.front();
  uint64_t alignment = 1;
  for (memref::AllocOp alloc : allocs) {
    if (alloc->isBeforeInBlock(first))
      first = alloc;
    alignment = std::max<uint64_t>(alignment, alloc.getAlignment().value_or(1));
  }
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

struct ConcatInPlacePass
    : public aic::impl::ConcatInPlaceBase<ConcatInPlacePass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.getBody().empty())
      return;
    Block &body = func.getBody().front();
    for (Operation &op : llvm::make_early_inc_range(body)) {
      auto concat = dyn_cast<ConcatOp>(op);
      SmallVector<memref::AllocOp> allocs;
      if (concat && concat.getNumResults() == 0 && contiguousDim(concat) &&
          placeable(concat, body, allocs))
        share(concat, allocs);
    }
  }
};
} // namespace
