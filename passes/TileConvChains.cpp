//===- TileConvChains.cpp - Run chains of convolutions strip by strip -----===//
//
// A chain of 2-D convolutions, each reading only the one before's result
// and nothing else reading it (MobileNet's expand, depthwise and project
// convolutions), writes each intermediate to memory and reads it back: at
// 112x112 and 96 channels, 4.8 MB each way, more than a core's cache
// holds. Run strip by strip of the last convolution's output rows instead,
// each convolution computes the rows the next one needs (their halo
// recomputed) into a buffer one strip high that stays in cache. The
// strips' convolutions are ordinary primitives on row slices of one
// image, which are dense ranges with the rows stored outermost after the
// batch (NHWC); a batch runs image by image. Strips of one shape and
// padding run in one scf.for. Runs on bufferized IR, before
// aic-plan-memory.
//
//===----------------------------------------------------------------------===//
#include "dialects/Aic/AicDialect.h"
#include "passes/PassDetail.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/SmallPtrSet.h"

namespace aic {
#define GEN_PASS_DEF_TILECONVCHAINS
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;
using namespace aic;

namespace {

/// The rows one convolution of a strip reads and writes: output rows
/// [outBegin, outBegin + outRows) from input rows [inBegin, inBegin +
/// inRows), padded by padBegin and padEnd rows.
struct Step {
  int64_t outBegin, outRows, inBegin, inRows, padBegin, padEnd;
};

/// A convolution's window along the rows.
struct Window {
  int64_t extent, stride, padBegin, inRows, outRows;
};

/// The logical dims of operand `index` of `op`.
SmallVector<int64_t> logicalDims(Operation *op, unsigned index) {
  if (LayoutAttr layout = getOperandLayout(op, index))
    return SmallVector<int64_t>(layout.getDims());
  return SmallVector<int64_t>(
      cast<ShapedType>(op->getOperand(index).getType()).getShape());
}

/// Whether operand `index` of `op` is a buffer of an NCHW tensor stored
/// with the batch outermost, then its rows, both unblocked (NHWC and
/// channel-blocked variants), static but for the batch: a range of rows of
/// one image is then a dense range of the buffer, along its dim 1.
bool rowsOutermost(Operation *op, unsigned index) {
  auto type = dyn_cast<MemRefType>(op->getOperand(index).getType());
  LayoutAttr layout = getOperandLayout(op, index);
  if (!type || type.getRank() < 2 ||
      ShapedType::isDynamicShape(type.getShape().drop_front()) || !layout)
    return false;
  BlockedLayout blocked = layout.getLayout();
  return layout.getDims().size() == 4 && blocked.order.size() == 4 &&
         blocked.order[0] == 0 && blocked.order[1] == 2 &&
         blocked.getBlockProduct(0) == 1 && blocked.getBlockProduct(2) == 1;
}

/// The buffer `v` is a view of, through view-like ops.
Value rootOf(Value v) {
  while (auto view = v.getDefiningOp<ViewLikeOpInterface>())
    v = view.getViewSource();
  return v;
}

/// Whether post operand `index` of `conv` covers its output's rows (sliced
/// along with them) rather than being broadcast over them (taken whole).
bool slicedPost(ConvOp conv, unsigned index) {
  SmallVector<int64_t> dims = logicalDims(conv, index);
  return dims.size() == 4 && dims[2] != 1;
}

/// Whether operand `index` of `op` holds a batch other than one image:
/// each image's strips take their image's slice of it.
bool perImage(Operation *op, unsigned index) {
  return logicalDims(op, index).front() != 1;
}

/// Whether `conv` can run strip by strip: a 2-D convolution with rows
/// outermost in its input, result and every post operand that is not
/// broadcast over the rows. A post operand over a run-time batch must be
/// the result itself (the residual added in place): another one might be
/// one image broadcast at run time.
bool stripable(ConvOp conv, Block &body) {
  if (conv->getBlock() != &body || conv->getNumResults() != 0 ||
      conv.getStrides().size() != 2)
    return false;
  unsigned input = conv.getInputMutable().getOperandNumber();
  unsigned init = conv.getInitMutable().getOperandNumber();
  if (!rowsOutermost(conv, input) || !rowsOutermost(conv, init))
    return false;
  SmallVector<int64_t> out = logicalDims(conv, init);
  for (OpOperand &post : conv.getPostOperandsMutable()) {
    unsigned index = post.getOperandNumber();
    SmallVector<int64_t> dims = logicalDims(conv, index);
    if (dims.size() != 4 ||
        (dims[0] != 1 && (dims[0] != out[0] || !rowsOutermost(conv, index))))
      return false;
    if (ShapedType::isDynamic(dims[0]) && post.get() != conv.getInit())
      return false;
    if (slicedPost(conv, index) && (dims != out || !rowsOutermost(conv, index)))
      return false;
  }
  return true;
}

Window windowOf(ConvOp conv) {
  unsigned weight = conv.getWeightMutable().getOperandNumber();
  SmallVector<int64_t> wdims = logicalDims(conv, weight);
  int64_t kernel = wdims[wdims.size() - 2];
  unsigned input = conv.getInputMutable().getOperandNumber();
  unsigned init = conv.getInitMutable().getOperandNumber();
  return {(kernel - 1) * conv.getDilations()[0] + 1, conv.getStrides()[0],
          conv.getPads()[0], logicalDims(conv, input)[2],
          logicalDims(conv, init)[2]};
}

/// The step computing output rows [begin, end) through `w`.
Step stepFor(const Window &w, int64_t begin, int64_t end) {
  int64_t first = begin * w.stride - w.padBegin;
  int64_t last = (end - 1) * w.stride - w.padBegin + w.extent;
  int64_t from = std::max<int64_t>(first, 0), to = std::min(last, w.inRows);
  return {begin, end - begin, from, to - from, from - first, last - to};
}

/// The steps of the strip of the last convolution's rows [begin, end),
/// first convolution first, or failure if one would read no row.
FailureOr<SmallVector<Step>> stripSteps(ArrayRef<Window> windows, int64_t begin,
                                        int64_t end) {
  SmallVector<Step> steps(windows.size());
  for (int64_t i = windows.size() - 1; i >= 0; --i) {
    steps[i] = stepFor(windows[i], begin, end);
    if (steps[i].inRows < 1)
      return failure();
    begin = steps[i].inBegin;
    end = begin + steps[i].inRows;
  }
  return steps;
}

/// Bytes of one row of one image of buffer `v` (stored [batch, rows, ...]).
int64_t rowBytes(Value v) {
  auto type = cast<MemRefType>(v.getType());
  int64_t elements = 1;
  for (int64_t d : type.getShape().drop_front(2))
    elements *= d;
  return elements * type.getElementTypeBitWidth() / 8;
}

/// Bytes of one image of buffer `v`.
int64_t imageBytes(Value v) {
  return rowBytes(v) * cast<MemRefType>(v.getType()).getDimSize(1);
}

/// Rows [offset, offset + rows) of `v` (stored [1, rows, ...]).
Value rowSlice(OpBuilder &b, Location loc, Value v, OpFoldResult offset,
               int64_t rows) {
  auto type = cast<MemRefType>(v.getType());
  std::optional<int64_t> at = getConstantIntValue(offset);
  if (at == 0 && rows == type.getDimSize(1))
    return v;
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes, strides(type.getRank(), b.getIndexAttr(1));
  offsets[1] = offset;
  for (int64_t d = 0; d < type.getRank(); ++d)
    sizes.push_back(b.getIndexAttr(d == 1 ? rows : type.getDimSize(d)));
  return b.create<memref::SubViewOp>(loc, v, offsets, sizes, strides);
}

/// One convolution of one strip.
struct Task {
  unsigned conv;
  Step step;
};
/// The tasks run in one go: a strip, or when the chain writes its result
/// over its input, the first convolutions of a strip with the last one of
/// the strip before (which must overwrite rows only after they are read).
using Unit = SmallVector<Task>;

/// A chain of convolutions run strip by strip.
class Chain {
public:
  Chain(ArrayRef<ConvOp> convs) : convs(convs) {
    for (ConvOp conv : convs)
      windows.push_back(windowOf(conv));
    inPlace = this->convs.front().getInput() == this->convs.back().getInit();
  }

  /// Plans strips at most `stripBytes` of intermediates high; false if
  /// the chain cannot run in two strips or more.
  bool plan(int64_t stripBytes);
  /// Replaces the chain by its strips, at the last convolution.
  void emit();

private:
  /// Splits the rows into strips `rows` high; false if one would read no
  /// row, their intermediates exceed `stripBytes`, or (in place) a strip
  /// would read rows the strip two before wrote.
  bool split(int64_t rows, int64_t stripBytes);
  /// The units to run, in order.
  SmallVector<Unit> units() const;
  /// The tasks' offsets that vary from unit to unit.
  static SmallVector<int64_t> offsets(const Unit &unit);
  /// Whether units `a` and `b` run the same convolutions on the same shapes
  /// with the same paddings.
  static bool sameShape(const Unit &a, const Unit &b);
  void emitUnits(OpBuilder &b, Location loc, ArrayRef<Value> buffers);
  void emitUnit(OpBuilder &b, const Unit &unit, ArrayRef<OpFoldResult> at,
                ArrayRef<Value> buffers);
  /// What the strips take for `v`: the current image's slice of it when
  /// the chain runs image by image.
  Value image(Value v) const {
    Value slice = images.lookup(v);
    return slice ? slice : v;
  }

  SmallVector<ConvOp> convs;
  SmallVector<Window> windows;
  SmallVector<SmallVector<Step>> strips;
  /// Per intermediate, the most rows a strip computes of it.
  SmallVector<int64_t> bufferRows;
  /// The chain's result is its input's buffer (a residual added in place).
  bool inPlace;
  /// The current image's slices of the buffers holding a batch.
  DenseMap<Value, Value> images;
};

bool Chain::split(int64_t rows, int64_t stripBytes) {
  strips.clear();
  int64_t height = windows.back().outRows;
  bufferRows.assign(convs.size() - 1, 0);
  for (int64_t begin = 0; begin < height; begin += rows) {
    auto steps = stripSteps(windows, begin, std::min(begin + rows, height));
    if (failed(steps))
      return false;
    for (size_t i = 0; i + 1 < convs.size(); ++i)
      bufferRows[i] = std::max(bufferRows[i], (*steps)[i].outRows);
    strips.push_back(std::move(*steps));
  }
  // In place, the first convolution of strip j + 1 runs after the last
  // one of strip j - 1 has written its rows.
  for (size_t j = 1; inPlace && j + 1 < strips.size(); ++j)
    if (strips[j + 1].front().inBegin < strips[j].back().outBegin)
      return false;
  int64_t bytes = 0;
  for (size_t i = 0; i + 1 < convs.size(); ++i)
    bytes += bufferRows[i] * rowBytes(convs[i].getInit());
  return bytes <= stripBytes;
}

SmallVector<Unit> Chain::units() const {
  SmallVector<Unit> all;
  unsigned last = convs.size() - 1;
  if (!inPlace) {
    for (ArrayRef<Step> steps : strips) {
      Unit &unit = all.emplace_back();
      for (auto [i, step] : llvm::enumerate(steps))
        unit.push_back({unsigned(i), step});
    }
    return all;
  }
  // Strip j's first convolution reads its rows before strip j - 1's last
  // writes over them.
  for (size_t j = 0; j <= strips.size(); ++j) {
    Unit &unit = all.emplace_back();
    if (j < strips.size())
      unit.push_back({0, strips[j][0]});
    if (j > 0)
      unit.push_back({last, strips[j - 1][last]});
    for (unsigned i = 1; j < strips.size() && i < last; ++i)
      unit.push_back({i, strips[j][i]});
  }
  return all;
}

bool Chain::plan(int64_t stripBytes) {
  int64_t height = windows.back().outRows;
  for (int64_t rows = height / 2; rows >= 1; --rows) {
    if (!split(rows, stripBytes))
      continue;
    // As few strips, of even heights (lower ones fit the budget too).
    int64_t even = llvm::divideCeil(height, llvm::divideCeil(height, rows));
    if (even == rows || split(even, stripBytes))
      return true;
    return split(rows, stripBytes);
  }
  strips.clear();
  return false;
}

SmallVector<int64_t> Chain::offsets(const Unit &unit) {
  SmallVector<int64_t> at;
  for (const Task &task : unit) {
    at.push_back(task.step.inBegin);
    at.push_back(task.step.outBegin);
  }
  return at;
}

bool Chain::sameShape(const Unit &a, const Unit &b) {
  if (a.size() != b.size())
    return false;
  for (auto [x, y] : llvm::zip(a, b))
    if (x.conv != y.conv || x.step.outRows != y.step.outRows ||
        x.step.inRows != y.step.inRows || x.step.padBegin != y.step.padBegin ||
        x.step.padEnd != y.step.padEnd)
      return false;
  return true;
}

void Chain::emit() {
  ConvOp first = convs.front(), last = convs.back();
  Location loc = last.getLoc();
  OpBuilder b(last);
  // One buffer per intermediate, one image and as high as its highest
  // strip.
  SmallVector<Value> buffers;
  for (size_t i = 0; i + 1 < convs.size(); ++i) {
    auto alloc = convs[i].getInit().getDefiningOp<memref::AllocOp>();
    SmallVector<int64_t> shape(alloc.getType().getShape());
    shape[0] = 1;
    shape[1] = bufferRows[i];
    buffers.push_back(b.create<memref::AllocOp>(
        alloc.getLoc(),
        MemRefType::get(shape, alloc.getType().getElementType()),
        alloc.getAlignmentAttr()));
  }
  // A batch runs image by image.
  auto inType = cast<MemRefType>(first.getInput().getType());
  if (inType.getDimSize(0) == 1) {
    emitUnits(b, loc, buffers);
  } else {
    Value zero = b.create<arith::ConstantIndexOp>(loc, 0);
    Value count =
        inType.isDynamicDim(0)
            ? b.create<memref::DimOp>(loc, first.getInput(), 0).getResult()
            : b.create<arith::ConstantIndexOp>(loc, inType.getDimSize(0))
                  .getResult();
    auto loop = b.create<scf::ForOp>(loc, zero, count,
                                     b.create<arith::ConstantIndexOp>(loc, 1));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(loop.getBody()->getTerminator());
    Value iv = loop.getInductionVar();
    auto slice = [&](Value v) {
      if (!images.count(v))
        images[v] = sliceBatchEntry(b, loc, v, iv);
    };
    slice(first.getInput());
    slice(last.getInit());
    for (ConvOp conv : convs)
      for (OpOperand &post : conv.getPostOperandsMutable())
        if (perImage(conv, post.getOperandNumber()))
          slice(post.get());
    emitUnits(b, loc, buffers);
  }
  SmallVector<Operation *> allocs;
  for (size_t i = 0; i + 1 < convs.size(); ++i)
    allocs.push_back(convs[i].getInit().getDefiningOp());
  for (ConvOp conv : llvm::reverse(convs))
    conv->erase();
  for (Operation *alloc : allocs)
    alloc->erase();
}

void Chain::emitUnits(OpBuilder &b, Location loc, ArrayRef<Value> buffers) {
  // Runs of units of one shape whose offsets grow evenly: one loop each.
  SmallVector<Unit> all = units();
  for (size_t first = 0; first < all.size();) {
    SmallVector<int64_t> base = offsets(all[first]), step;
    size_t end = first + 1;
    if (end < all.size() && sameShape(all[first], all[end])) {
      SmallVector<int64_t> next = offsets(all[end]);
      for (auto [x, y] : llvm::zip(base, next))
        step.push_back(y - x);
      while (end < all.size() && sameShape(all[first], all[end]) &&
             llvm::all_of(llvm::enumerate(offsets(all[end])), [&](auto e) {
               return e.value() ==
                      base[e.index()] + int64_t(end - first) * step[e.index()];
             }))
        ++end;
    }
    size_t count = end - first;
    SmallVector<OpFoldResult> at;
    if (count == 1) {
      for (int64_t offset : base)
        at.push_back(b.getIndexAttr(offset));
      emitUnit(b, all[first], at, buffers);
    } else {
      auto c = [&](int64_t v) -> Value {
        return b.create<arith::ConstantIndexOp>(loc, v);
      };
      auto loop = b.create<scf::ForOp>(loc, c(0), c(count), c(1));
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(loop.getBody()->getTerminator());
      Value iv = loop.getInductionVar();
      DenseMap<std::pair<int64_t, int64_t>, Value> values;
      for (auto [offset, delta] : llvm::zip(base, step)) {
        if (delta == 0) {
          at.push_back(b.getIndexAttr(offset));
          continue;
        }
        Value &value = values[{offset, delta}];
        if (!value)
          value = b.create<arith::AddIOp>(
              loc, c(offset), b.create<arith::MulIOp>(loc, iv, c(delta)));
        at.push_back(value);
      }
      emitUnit(b, all[first], at, buffers);
    }
    first = end;
  }
}

void Chain::emitUnit(OpBuilder &b, const Unit &unit, ArrayRef<OpFoldResult> at,
                     ArrayRef<Value> buffers) {
  for (auto [t, task] : llvm::enumerate(unit)) {
    unsigned i = task.conv;
    ConvOp conv = convs[i];
    const Step &step = task.step;
    OpFoldResult inAt = at[2 * t], outAt = at[2 * t + 1];
    Location loc = conv.getLoc();
    bool isFirst = i == 0, isLast = i + 1 == convs.size();
    SmallVector<Value> operands(conv->getOperands());
    auto layouts = conv->getAttrOfType<ArrayAttr>(kLayoutsAttrName);
    SmallVector<Attribute> stepLayouts(layouts.begin(), layouts.end());
    // Operand `index` becomes `v`, of one image and `rows` rows (or all
    // of them).
    auto set = [&](unsigned index, Value v, std::optional<int64_t> rows) {
      operands[index] = v;
      LayoutAttr layout = getOperandLayout(conv, index);
      if (!layout)
        return;
      SmallVector<int64_t> dims(layout.getDims());
      dims[0] = 1;
      if (rows)
        dims[2] = *rows;
      stepLayouts[index] =
          LayoutAttr::get(conv->getContext(), layout.getTag(), dims);
    };
    unsigned input = conv.getInputMutable().getOperandNumber();
    unsigned init = conv.getInitMutable().getOperandNumber();
    set(input,
        isFirst
            ? rowSlice(b, loc, image(conv.getInput()), inAt, step.inRows)
            : rowSlice(b, loc, buffers[i - 1], b.getIndexAttr(0), step.inRows),
        step.inRows);
    set(init,
        isLast ? rowSlice(b, loc, image(conv.getInit()), outAt, step.outRows)
               : rowSlice(b, loc, buffers[i], b.getIndexAttr(0), step.outRows),
        step.outRows);
    for (OpOperand &post : conv.getPostOperandsMutable()) {
      unsigned index = post.getOperandNumber();
      if (slicedPost(conv, index))
        set(index, rowSlice(b, loc, image(post.get()), outAt, step.outRows),
            step.outRows);
      else if (perImage(conv, index))
        set(index, image(post.get()), std::nullopt);
    }
    SmallVector<int64_t> pads(conv.getPads());
    pads[0] = step.padBegin;
    pads[2] = step.padEnd;
    Operation *clone = b.clone(*conv);
    clone->setOperands(operands);
    clone->setAttr(kLayoutsAttrName, b.getArrayAttr(stepLayouts));
    cast<ConvOp>(clone).setPads(pads);
  }
}

/// The convolution reading `conv`'s result, if that result is a buffer of
/// its own that only `conv` writes and only that convolution reads, as its
/// input.
ConvOp nextOf(ConvOp conv, Block &body) {
  Value init = conv.getInit();
  auto alloc = init.getDefiningOp<memref::AllocOp>();
  if (!alloc || alloc->getBlock() != &body ||
      !alloc.getType().getLayout().isIdentity())
    return {};
  ConvOp next;
  for (OpOperand &use : init.getUses()) {
    if (use.getOwner() == conv.getOperation())
      continue;
    auto reader = dyn_cast<ConvOp>(use.getOwner());
    if (next || !reader || reader.getInput() != init ||
        reader->getBlock() != &body || !conv->isBeforeInBlock(reader))
      return {};
    next = reader;
  }
  if (!next || llvm::count_if(init.getUses(), [&](OpOperand &use) {
                 return use.getOwner() == conv.getOperation();
               }) != 1)
    return {};
  return next;
}

/// Whether no op between the chain's first and last convolution touches a
/// buffer the chain reads or writes besides its intermediates (the strips
/// run where the last convolution was), and the chain's result shares no
/// buffer with what it reads, but for being its input (or its last post
/// operand) itself: strips in place need three convolutions or more (the
/// first one of a strip then runs between the last two of the strip before,
/// whose intermediate it leaves alone).
bool independent(ArrayRef<ConvOp> convs) {
  DenseSet<Value> roots;
  ConvOp first = convs.front(), last = convs.back();
  Value in = rootOf(first.getInput());
  Value out = rootOf(last.getInit());
  if (in == out && (first.getInput() != last.getInit() || convs.size() < 3))
    return false;
  roots.insert(in);
  roots.insert(out);
  for (ConvOp conv : convs)
    for (Value post : conv.getPostOperands()) {
      Value root = rootOf(post);
      if ((root == out || root == in) &&
          (conv != last || post != last.getInit()))
        return false;
      roots.insert(root);
    }
  SmallPtrSet<Operation *, 8> members;
  for (ConvOp conv : convs)
    members.insert(conv);
  for (Operation *op = first->getNextNode(); op != last.getOperation();
       op = op->getNextNode()) {
    if (members.contains(op))
      continue;
    WalkResult walk = op->walk([&](Operation *nested) {
      for (Value operand : nested->getOperands())
        if (roots.contains(rootOf(operand)))
          return WalkResult::interrupt();
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return false;
  }
  return true;
}

struct TileConvChainsPass
    : public aic::impl::TileConvChainsBase<TileConvChainsPass> {
  using TileConvChainsBase::TileConvChainsBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.getBody().empty())
      return;
    Block &body = func.getBody().front();
    // Chains of stripable convolutions, cut where an intermediate fits a
    // strip's budget by itself (it stays in cache as it is).
    DenseMap<Operation *, ConvOp> next;
    SmallPtrSet<Operation *, 16> hasPrev;
    SmallVector<ConvOp> convs;
    for (ConvOp conv : body.getOps<ConvOp>()) {
      if (!stripable(conv, body))
        continue;
      convs.push_back(conv);
      ConvOp reader = nextOf(conv, body);
      if (reader && stripable(reader, body) &&
          imageBytes(conv.getInit()) > stripBytes) {
        next[conv] = reader;
        hasPrev.insert(reader);
      }
    }
    SmallVector<SmallVector<ConvOp>> chains;
    for (ConvOp conv : convs) {
      if (hasPrev.contains(conv))
        continue;
      SmallVector<ConvOp> chain{conv};
      while (ConvOp reader = next.lookup(chain.back()))
        chain.push_back(reader);
      if (chain.size() > 1)
        chains.push_back(std::move(chain));
    }
    for (ArrayRef<ConvOp> members : chains) {
      int64_t streamed = 0;
      for (ConvOp conv : members.drop_back())
        streamed += imageBytes(conv.getInit());
      if (streamed < minBytes || !independent(members))
        continue;
      Chain chain(members);
      if (chain.plan(stripBytes))
        chain.emit();
    }
  }
};
} // namespace
