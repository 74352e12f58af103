//===- AssignLayouts.cpp - Blocked layouts chosen by oneDNN ---------------===//
//
// Asks oneDNN, at compile time and for the target CPU, which layouts each
// convolution runs fastest in, and propagates them through the ops that run
// in any layout (pooling, elementwise, binary, concat), so that values stay
// blocked from one primitive to the next. Reorders are inserted only where
// a value meets an op that needs another layout; constant weights are
// reordered here, at compile time, into new constants.
//
//===----------------------------------------------------------------------===//
#include "dialects/Aic/AicDialect.h"
#include "passes/Passes.h"
#include "passes/Utils/ConstantElements.h"
#include "passes/Utils/Dnnl.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"

#include <numeric>
#include <optional>

namespace aic {
#define GEN_PASS_DEF_ASSIGNLAYOUTS
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;
using namespace aic;
using dnnl::memory;

namespace {

//===--- Questions to oneDNN ----------------------------------------------===//

/// The dense blocked layout of a oneDNN descriptor, if it is one that
/// BlockedLayout describes (no offsets, no extra data, dense strides).
std::optional<BlockedLayout> fromDnnl(const memory::desc &md) {
  const dnnl_memory_desc_t &c = md.data;
  if (c.format_kind != dnnl_blocked || c.offset0 != 0 || c.extra.flags != 0)
    return std::nullopt;
  const dnnl_blocking_desc_t &blk = c.format_desc.blocking;
  BlockedLayout layout;
  for (int i = 0; i < blk.inner_nblks; ++i)
    layout.blocks.push_back({blk.inner_idxs[i], blk.inner_blks[i]});
  for (int d = 0; d < c.ndims; ++d) {
    if (c.padded_offsets[d] != 0)
      return std::nullopt;
    layout.order.push_back(d);
  }
  // Outer dims by decreasing stride; ties (dims of outer extent 1, whose
  // stride does not matter) keep dim order.
  llvm::stable_sort(layout.order, [&](int64_t a, int64_t b) {
    return blk.strides[a] > blk.strides[b];
  });
  // Dense: each outer stride is the size of everything inside it.
  int64_t stride = 1;
  for (auto [dim, size] : layout.blocks)
    stride *= size;
  for (size_t k = layout.order.size(); k-- > 0;) {
    int64_t d = layout.order[k];
    int64_t per = layout.getBlockProduct(d);
    int64_t padded = (c.dims[d] + per - 1) / per * per;
    // A dim whose blocks hold all of it (16 groups blocked by 16) has an
    // outer extent of 1.
    if (padded != c.padded_dims[d] ||
        (padded / per > 1 && blk.strides[d] != stride))
      return std::nullopt;
    stride *= std::max<int64_t>(padded / per, 1);
  }
  return layout;
}

/// The descriptor of a tensor of `dims` stored in `layout`.
memory::desc toDnnl(const BlockedLayout &layout, ArrayRef<int64_t> dims) {
  dnnl_memory_desc_t c{};
  c.ndims = static_cast<int>(dims.size());
  c.data_type = dnnl_f32;
  c.format_kind = dnnl_blocked;
  dnnl_blocking_desc_t &blk = c.format_desc.blocking;
  int64_t inner = 1;
  for (auto [dim, size] : layout.blocks) {
    blk.inner_blks[blk.inner_nblks] = size;
    blk.inner_idxs[blk.inner_nblks++] = dim;
    inner *= size;
  }
  for (size_t d = 0; d < dims.size(); ++d) {
    int64_t per = layout.getBlockProduct(d);
    c.dims[d] = dims[d];
    c.padded_dims[d] = (dims[d] + per - 1) / per * per;
  }
  int64_t stride = inner;
  for (size_t k = layout.order.size(); k-- > 0;) {
    int64_t d = layout.order[k];
    blk.strides[d] = stride;
    stride *=
        std::max<int64_t>(c.padded_dims[d] / layout.getBlockProduct(d), 1);
  }
  return memory::desc(c);
}

/// A channel-blocked layout of rank `rank` with blocks of `block` channels
/// (oneDNN's nChw16c and its relatives): channels outermost after the batch,
/// so that concatenating along the channels of a single image places the
/// inputs one after another.
BlockedLayout channelBlocked(int64_t rank, int64_t block) {
  BlockedLayout layout = BlockedLayout::plain(rank);
  layout.blocks.push_back({1, block});
  return layout;
}

/// oneDNN runs `pd` with one of its optimized kernels: neither its
/// reference code nor an im2col + gemm fallback.
bool optimized(const dnnl::convolution_forward::primitive_desc &pd) {
  StringRef impl = pd.impl_info_str();
  return !isReference(impl) && !impl.contains("gemm");
}

/// The vector width of the instruction set a oneDNN implementation name
/// ("brgconv_1x1:avx512_core", "jit:avx2") says its kernel uses, in bits;
/// 0 when it names none.
int vectorBits(StringRef impl) {
  StringRef isa = impl.rsplit(':').second;
  if (isa.starts_with("avx512"))
    return 512;
  if (isa.starts_with("avx"))
    return 256;
  if (isa.starts_with("sse"))
    return 128;
  return 0;
}

/// Whether oneDNN has an optimized (not reference) binary kernel for a
/// first operand and result in `layout` of `dims` and a second operand in
/// `broadcast` of `broadcastDims`: its JIT kernels take blocked layouts only
/// with the CPU's vector width as the block (16 floats with AVX-512).
bool hasOptimizedBinary(const dnnl::engine &engine, const BlockedLayout &layout,
                        ArrayRef<int64_t> dims, const BlockedLayout &broadcast,
                        ArrayRef<int64_t> broadcastDims) {
  if (ShapedType::isDynamicShape(dims) ||
      ShapedType::isDynamicShape(broadcastDims))
    return true;
  try {
    memory::desc src = toDnnl(layout, dims);
    dnnl::binary::desc desc(dnnl::algorithm::binary_mul, src,
                            toDnnl(broadcast, broadcastDims), src);
    dnnl::binary::primitive_desc pd(desc, engine);
    return !isReference(pd.impl_info_str());
  } catch (const dnnl::error &) {
    return false;
  }
}

/// The layouts oneDNN runs convolution `op` fastest in (nothing for a plain
/// operand); the weights' layout is for grouped dims when `op` has groups.
struct ConvLayouts {
  std::optional<BlockedLayout> src, wei, dst;
  SmallVector<int64_t> weiDims;
  /// oneDNN's implementation for them.
  std::string impl;
};

/// What to ask oneDNN about a convolution: `src` and `dst` given fix those
/// layouts (and the answer must then be an optimized kernel); absent ones
/// are oneDNN's choice.
struct ConvQuestion {
  std::optional<BlockedLayout> src, dst;
};

/// `logical` gives the logical type of a value, which may already be
/// stored blocked.
FailureOr<ConvLayouts> queryConv(ConvOp op, const dnnl::engine &engine,
                                 llvm::function_ref<ShapedType(Value)> logical,
                                 const ConvQuestion &question = {}) {
  ShapedType in = logical(op.getInput());
  ShapedType w = logical(op.getWeight());
  ShapedType out = logical(op.getInit());
  if (!in.getElementType().isF32() || !w.hasStaticShape() ||
      w.getRank() != in.getRank() || in.getRank() < 3 || in.getRank() > 5)
    return failure();
  SmallVector<int64_t> inDims = representative(in.getShape());
  SmallVector<int64_t> outDims = representative(out.getShape());
  // A run-time spatial dim is asked about as an image of kImageSize (at
  // least one window) and the windows over it, which oneDNN checks.
  size_t nsp = in.getRank() - 2;
  ArrayRef<int64_t> pads = op.getPads();
  for (size_t i = 0; i < nsp; ++i) {
    if (!in.isDynamicDim(2 + i))
      continue;
    constexpr int64_t kImageSize = 32;
    int64_t window = (w.getDimSize(2 + i) - 1) * op.getDilations()[i] + 1;
    int64_t padding = pads[i] + pads[nsp + i];
    inDims[2 + i] = std::max(kImageSize, window - padding);
    outDims[2 + i] =
        (inDims[2 + i] + padding - window) / op.getStrides()[i] + 1;
  }
  ConvLayouts result;
  result.weiDims.assign(w.getShape().begin(), w.getShape().end());
  int64_t groups = op.getGroup();
  if (groups > 1) {
    result.weiDims[0] /= groups;
    result.weiDims.insert(result.weiDims.begin(), groups);
  }
  auto any = [](ArrayRef<int64_t> shape) {
    return memory::desc(toDims(shape), memory::data_type::f32,
                        memory::format_tag::any);
  };
  auto fixedOrAny = [&](const std::optional<BlockedLayout> &layout,
                        ArrayRef<int64_t> shape) {
    return layout ? toDnnl(*layout, shape) : any(shape);
  };
  memory::dims dilations;
  for (int64_t d : op.getDilations())
    dilations.push_back(d - 1);
  // Operands keep their layout question for later: ask with plain ones.
  dnnl::post_ops po;
  appendPostOps(po, op.getPostOps().getValue(), op.getPostOperands(),
                out.getRank(),
                [&](Value v) { return representative(logical(v).getShape()); });
  dnnl::primitive_attr attr;
  attr.set_post_ops(po);
  memory::desc bias =
      op.getBias() ? plainDesc({out.getDimSize(1)}) : memory::desc();
  try {
    dnnl::convolution_forward::desc desc(
        dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
        fixedOrAny(question.src, inDims), any(result.weiDims), bias,
        fixedOrAny(question.dst, outDims), toDims(op.getStrides()), dilations,
        toDims(pads.take_front(nsp)), toDims(pads.drop_front(nsp)));
    dnnl::convolution_forward::primitive_desc pd(desc, attr, engine);
    if ((question.src || question.dst) && !optimized(pd))
      return failure();
    result.src = fromDnnl(pd.src_desc());
    result.wei = fromDnnl(pd.weights_desc());
    result.dst = fromDnnl(pd.dst_desc());
    result.impl = pd.impl_info_str();
  } catch (const dnnl::error &) {
    return failure();
  }
  // A layout chosen for a run-time dim at 1 must keep it unblocked.
  if (!result.src || !result.wei || !result.dst ||
      !result.src->canStore(in.getShape()) ||
      !result.dst->canStore(out.getShape()))
    return failure();
  return result;
}

/// The layout oneDNN wants the constant weights of a 2-D f32 matmul in, for
/// its logical [K, N] dims.
std::optional<BlockedLayout> queryMatmulWeights(MatmulOp op,
                                                const dnnl::engine &engine) {
  auto a = cast<ShapedType>(op.getLhs().getType());
  auto b = cast<ShapedType>(op.getRhs().getType());
  auto out = cast<ShapedType>(op.getInit().getType());
  if (!matchPattern(op.getRhs(), m_Constant()) || a.getRank() != 2 ||
      b.getRank() != 2 || out.getRank() != 2 || !b.getElementType().isF32() ||
      !b.hasStaticShape())
    return std::nullopt;
  // A run-time M (a symbolic batch) is asked about as 1, like a conv's.
  int64_t m = representative(out.getShape())[0], n = out.getDimSize(1);
  int64_t k = op.getTransposeLhs() ? a.getDimSize(0) : a.getDimSize(1);
  memory::desc src = plainDesc({m, k});
  if (op.getTransposeLhs())
    src = memory::desc({m, k}, memory::data_type::f32, memory::dims{1, m});
  memory::desc bias = op.getBias() ? plainDesc({1, n}) : memory::desc();
  try {
    dnnl::matmul::desc desc(
        src,
        memory::desc({k, n}, memory::data_type::f32, memory::format_tag::any),
        bias, plainDesc({m, n}));
    dnnl::matmul::primitive_desc pd(desc, dnnl::primitive_attr(), engine);
    return fromDnnl(pd.weights_desc());
  } catch (const dnnl::error &) {
    return std::nullopt;
  }
}

//===--- Rewriting --------------------------------------------------------===//

class LayoutAssigner {
public:
  explicit LayoutAssigner(MLIRContext *ctx) : ctx(ctx), builder(ctx) {}

  void assignConv(ConvOp op, const ConvLayouts &layouts);
  /// Packs the constant weights of `op` into `layout` (for its logical,
  /// untransposed [K, N] weights).
  void packMatmulWeights(MatmulOp op, const BlockedLayout &layout);
  /// The layout `v` is stored in (null: plain).
  LayoutAttr layoutOfValue(Value v) { return layoutOf.lookup(v); }
  /// The logical type of `v` (its type, unless it is stored blocked).
  ShapedType logicalType(Value v) {
    return RankedTensorType::get(
        dimsOf(v), cast<ShapedType>(v.getType()).getElementType());
  }
  void assignFollower(Operation *op, const dnnl::engine &engine);
  /// Gives every operand of `op` stored in a blocked layout back in plain.
  void makePlain(Operation *op);

private:
  /// The layout attribute of `layout` for logical `dims` (null if plain).
  LayoutAttr attr(const BlockedLayout &layout, ArrayRef<int64_t> dims) {
    if (layout.isPlain())
      return {};
    return LayoutAttr::get(ctx, layout.getTag(), dims);
  }
  /// Packing constant weights into `layout` at compile time pays unless
  /// padding makes them much bigger (a small matrix padded to 64 columns):
  /// those the runtime reorders once at load instead.
  static bool worthPacking(LayoutAttr layout) {
    if (!layout)
      return false;
    int64_t logical = 1, stored = 1;
    for (int64_t d : layout.getDims())
      logical *= d;
    for (int64_t d : layout.getPhysicalShape())
      stored *= d;
    return 2 * stored <= 3 * logical;
  }
  /// The sizes of the run-time dims of `shape`, the stored shape of `v` in
  /// `want` (null: plain), read from `v` (inserted at the builder's point).
  SmallVector<Value> dynamicSizes(Value v, ArrayRef<int64_t> shape,
                                  LayoutAttr want);
  /// The logical dims of `v`.
  SmallVector<int64_t> dimsOf(Value v) {
    if (LayoutAttr l = layoutOf.lookup(v))
      return SmallVector<int64_t>(l.getDims());
    return SmallVector<int64_t>(cast<ShapedType>(v.getType()).getShape());
  }
  /// `v` stored in `want` (null: plain), with its logical shape viewed as
  /// want's dims when they differ (grouped weights).
  Value convert(Value v, LayoutAttr want);
  LayoutAttr blockedBroadcast(const BlockedLayout &layout,
                              ArrayRef<int64_t> dims,
                              ArrayRef<int64_t> outDims);
  /// A constant `v` stored in `want`, computed now; `transposed` reads `v`
  /// as the transpose of its two dims.
  Value packConstant(Value v, LayoutAttr want, bool transposed = false);
  /// Gives the destination of `op` layout `want` and its result the stored
  /// type.
  void setDestination(Operation *op, OpOperand &init, LayoutAttr want);
  void setLayouts(Operation *op, ArrayRef<LayoutAttr> layouts);

  MLIRContext *ctx;
  OpBuilder builder;
  /// Values stored in a blocked layout (their type is the stored shape).
  DenseMap<Value, LayoutAttr> layoutOf;
  DenseMap<std::pair<Value, Attribute>, Value> converted;
};

/// `a` and `b` (null: plain) store each element of a tensor of `dims` at
/// the same offset: neither has blocks, and their storage orders agree on
/// the dims of extent above 1.
static bool sameOffsets(LayoutAttr a, LayoutAttr b, ArrayRef<int64_t> dims) {
  auto order = [&](LayoutAttr l) -> std::optional<SmallVector<int64_t>> {
    BlockedLayout layout =
        l ? l.getLayout() : BlockedLayout::plain(dims.size());
    if (!layout.blocks.empty())
      return std::nullopt;
    SmallVector<int64_t> nontrivial;
    for (int64_t d : layout.order)
      if (dims[d] != 1)
        nontrivial.push_back(d);
    return nontrivial;
  };
  auto oa = order(a), ob = order(b);
  return oa && ob && *oa == *ob;
}

SmallVector<Value> LayoutAssigner::dynamicSizes(Value v,
                                                ArrayRef<int64_t> shape,
                                                LayoutAttr want) {
  SmallVector<Value> sizes;
  for (auto [k, size] : llvm::enumerate(shape)) {
    if (!ShapedType::isDynamic(size))
      continue;
    // Run-time dims are outer dims stored in logical order; find where `v`
    // stores logical dim `d`.
    int64_t d = want ? want.getLayout().order[k] : k;
    int64_t stored = d;
    if (LayoutAttr have = layoutOf.lookup(v)) {
      BlockedLayout layout = have.getLayout();
      stored = llvm::find(layout.order, d) - layout.order.begin();
    }
    sizes.push_back(builder.create<tensor::DimOp>(v.getLoc(), v, stored));
  }
  return sizes;
}

Value LayoutAssigner::convert(Value v, LayoutAttr want) {
  LayoutAttr have = layoutOf.lookup(v);
  if (have == want)
    return v;
  Value &slot = converted[{v, want}];
  if (slot)
    return slot;
  if (want && !have && matchPattern(v, m_Constant()))
    if (Value packed = packConstant(v, want))
      return slot = packed;
  builder.setInsertionPointAfterValue(v);
  Location loc = v.getLoc();
  Type elementType = cast<ShapedType>(v.getType()).getElementType();
  Value source = v;
  SmallVector<int64_t> dims = dimsOf(v);
  if (want && ArrayRef<int64_t>(dims) != want.getDims()) {
    // A plain value viewed with the dims of the layout (same elements).
    if (have)
      source = convert(v, {});
    source = builder.create<ReshapeOp>(
        loc, RankedTensorType::get(want.getDims(), elementType), source);
    dims.assign(want.getDims().begin(), want.getDims().end());
  }
  SmallVector<int64_t> shape =
      want ? want.getPhysicalShape() : SmallVector<int64_t>(dims);
  // Layouts that store every element at the same offset (they differ only
  // in where dims of extent 1 go, e.g. NHWC and NCHW of a 1x1 image) need
  // no copy: a view with the other (static) shape.
  if (source == v && sameOffsets(have, want, dims) &&
      !ShapedType::isDynamicShape(dims)) {
    slot = builder.create<ReshapeOp>(
        loc, RankedTensorType::get(shape, elementType), v);
    if (want)
      layoutOf[slot] = want;
    return slot;
  }
  Value empty = builder.create<tensor::EmptyOp>(loc, shape, elementType,
                                                dynamicSizes(v, shape, want));
  Attribute unit = UnitAttr::get(ctx);
  auto reorder = builder.create<ReorderOp>(
      loc, empty.getType(), source, empty,
      builder.getArrayAttr({have && source == v ? Attribute(have) : unit,
                            want ? Attribute(want) : unit}));
  slot = reorder.getOutput();
  if (want)
    layoutOf[slot] = want;
  return slot;
}

Value LayoutAssigner::packConstant(Value v, LayoutAttr want, bool transposed) {
  std::optional<ElementsReader> src = ElementsReader::of(v);
  if (!src)
    return {};
  BlockedLayout layout = want.getLayout();
  ArrayRef<int64_t> dims = want.getDims();
  auto type =
      RankedTensorType::get(want.getPhysicalShape(), src->getElementType());
  ElementsBuilder packed(type);
  // Row-major strides of the logical dims: the source offset of an index.
  SmallVector<int64_t> strides(dims.size(), 1);
  for (int64_t i = static_cast<int64_t>(dims.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * dims[i + 1];
  if (transposed)
    strides = {1, dims[0]};
  SmallVector<int64_t> pidx(type.getRank(), 0), idx;
  for (int64_t i = 0, n = type.getNumElements(); i < n; ++i) {
    layout.getLogicalIndex(pidx, idx);
    int64_t offset = 0;
    bool padding = false;
    for (size_t d = 0; d < dims.size(); ++d) {
      padding |= idx[d] >= dims[d];
      offset += idx[d] * strides[d];
    }
    // ElementsBuilder starts zeroed, which is what padding holds.
    if (!padding)
      packed.copyElement(i, *src, src->isSplat() ? 0 : offset);
    for (int64_t k = type.getRank() - 1; k >= 0; --k) {
      if (++pidx[k] < type.getDimSize(k))
        break;
      pidx[k] = 0;
    }
  }
  Operation *def = v.getDefiningOp();
  builder.setInsertionPointAfter(def);
  Value result = builder.create<arith::ConstantOp>(
      def->getLoc(),
      cast<TypedAttr>(packed.build(getNameHint(def->getLoc(), "packed") + "_" +
                                   layout.getTag())));
  layoutOf[result] = want;
  return result;
}

void LayoutAssigner::setLayouts(Operation *op, ArrayRef<LayoutAttr> layouts) {
  SmallVector<Attribute> entries;
  bool any = false;
  for (LayoutAttr l : layouts) {
    entries.push_back(l ? Attribute(l) : UnitAttr::get(ctx));
    any |= bool(l);
  }
  if (any)
    op->setAttr(kLayoutsAttrName, ArrayAttr::get(ctx, entries));
}

void LayoutAssigner::setDestination(Operation *op, OpOperand &init,
                                    LayoutAttr want) {
  Value old = init.get();
  if (auto empty = old.getDefiningOp<tensor::EmptyOp>(); empty && want) {
    builder.setInsertionPoint(op);
    SmallVector<int64_t> shape = want.getPhysicalShape();
    init.set(builder.create<tensor::EmptyOp>(empty.getLoc(), shape,
                                             empty.getType().getElementType(),
                                             dynamicSizes(old, shape, want)));
  } else {
    init.set(convert(old, want));
  }
  auto dps = cast<DestinationStyleOpInterface>(op);
  if (op->getNumResults() == 1) {
    Value result = dps.getTiedOpResult(&init);
    result.setType(init.get().getType());
    if (want)
      layoutOf[result] = want;
  }
}

void LayoutAssigner::assignConv(ConvOp op, const ConvLayouts &layouts) {
  ShapedType out = logicalType(op.getInit());
  LayoutAttr src = attr(*layouts.src, dimsOf(op.getInput()));
  LayoutAttr dst = attr(*layouts.dst, out.getShape());
  // Weights that are not constants stay plain unless they are much smaller
  // than the input: reordering big ones on every run would cost what a
  // blocked layout gains; small ones (scaled by aic-fold-input-scale, whose
  // default ratio is this 16) cost little, and oneDNN has only slow kernels
  // for weights it does not get in its layout (padded or not). Constants
  // padded much bigger stay plain: the runtime reorders them once at load.
  LayoutAttr wei;
  // Run-time dims count as 1, the size layouts are chosen at.
  auto elements = [&](Value v) {
    int64_t count = 1;
    for (int64_t d : logicalType(v).getShape())
      count *= ShapedType::isDynamic(d) ? 1 : d;
    return count;
  };
  if (matchPattern(op.getWeight(), m_Constant())) {
    wei = attr(*layouts.wei, layouts.weiDims);
    if (!worthPacking(wei))
      wei = {};
  } else if (16 * elements(op.getWeight()) <= elements(op.getInput())) {
    wei = attr(*layouts.wei, layouts.weiDims);
  }
  SmallVector<LayoutAttr> operandLayouts(op->getNumOperands());
  op.getInputMutable().set(convert(op.getInput(), src));
  // Weights left plain come plain even if their producer stored them
  // blocked (a follower in some other value's layout).
  op.getWeightMutable().set(convert(op.getWeight(), wei));
  for (OpOperand &operand : op.getPostOperandsMutable()) {
    // Operands of the result's shape are read in its layout; broadcast
    // ones (per-channel vectors) stay plain.
    bool full = dimsOf(operand.get()) == SmallVector<int64_t>(out.getShape());
    LayoutAttr want = full ? dst : LayoutAttr();
    operand.set(convert(operand.get(), want));
    operandLayouts[operand.getOperandNumber()] = want;
  }
  setDestination(op, op.getInitMutable(), dst);
  operandLayouts[0] = src;
  operandLayouts[1] = wei;
  operandLayouts[op.getInitMutable().getOperandNumber()] = dst;
  setLayouts(op, operandLayouts);
}

void LayoutAssigner::packMatmulWeights(MatmulOp op,
                                       const BlockedLayout &layout) {
  auto type = cast<ShapedType>(op.getRhs().getType());
  SmallVector<int64_t> dims(type.getShape());
  bool transposed = op.getTransposeRhs();
  if (transposed)
    std::swap(dims[0], dims[1]);
  LayoutAttr want = attr(layout, dims);
  Value packed = worthPacking(want)
                     ? packConstant(op.getRhs(), want, transposed)
                     : Value();
  if (!packed)
    return;
  op.getRhsMutable().set(packed);
  op.setTransposeRhs(false);
  SmallVector<LayoutAttr> layouts(op->getNumOperands());
  layouts[op.getRhsMutable().getOperandNumber()] = want;
  setLayouts(op, layouts);
}

/// Whether `layout` stores the inputs of a concat along `axis` (their
/// `extents` along it) one after another within each image: the axis is
/// stored outermost, or right after an unblocked batch, and its blocks
/// divide every input's extent.
static bool placesInOrder(int64_t axis, const BlockedLayout &layout,
                          ArrayRef<int64_t> extents) {
  auto it = llvm::find(layout.order, axis);
  if (it == layout.order.end() ||
      (it != layout.order.begin() &&
       (it != layout.order.begin() + 1 || layout.order.front() != 0 ||
        layout.getBlockProduct(0) != 1)))
    return false;
  int64_t per = layout.getBlockProduct(axis);
  return llvm::all_of(extents, [&](int64_t extent) {
    return !ShapedType::isDynamic(extent) && extent % per == 0;
  });
}

/// The layout a broadcast right operand of a binary op in `layout` takes
/// (oneDNN's kernels broadcast a per-channel operand over a blocked
/// operand only when it is blocked alike): `layout` with its dims, extended
/// to the result's rank, when `layout` has blocks, the operand broadcasts,
/// and no blocked dim does. Null otherwise.
LayoutAttr LayoutAssigner::blockedBroadcast(const BlockedLayout &layout,
                                            ArrayRef<int64_t> dims,
                                            ArrayRef<int64_t> outDims) {
  if (layout.blocks.empty() || dims.size() > outDims.size())
    return {};
  SmallVector<int64_t> extended(outDims.size() - dims.size(), 1);
  extended.append(dims.begin(), dims.end());
  if (ArrayRef<int64_t>(extended) == outDims)
    return {};
  for (size_t d = 0; d < outDims.size(); ++d)
    if (layout.getBlockProduct(d) > 1 && extended[d] != outDims[d])
      return {};
  if (ShapedType::isDynamicShape(extended) || !layout.canStore(extended))
    return {};
  return attr(layout, extended);
}

void LayoutAssigner::assignFollower(Operation *op, const dnnl::engine &engine) {
  auto dps = cast<DestinationStyleOpInterface>(op);
  if (dps.getNumDpsInits() != 1 || op->getNumResults() != 1)
    return makePlain(op);
  OpOperand &init = *dps.getDpsInitOperand(0);
  SmallVector<int64_t> outDims = dimsOf(init.get());
  // A commutative binary op whose first operand broadcasts against the
  // second (a squeeze-and-excitation scale times the activations) takes
  // them the other way round: only a broadcast second operand gets a
  // blocked layout, and oneDNN runs a blocked operand with a plain
  // broadcast one on its reference kernel.
  if (auto fn = dyn_cast<BinaryFunction>(op); fn && fn.isCommutative()) {
    OpOperand &lhs = op->getOpOperand(0), &rhs = op->getOpOperand(1);
    if (dimsOf(lhs.get()) != outDims && dimsOf(rhs.get()) == outDims) {
      Value first = lhs.get();
      lhs.set(rhs.get());
      rhs.set(first);
    }
  }
  // The layout of the first blocked input of the result's rank.
  LayoutAttr source;
  for (OpOperand *in : dps.getDpsInputOperands())
    if (LayoutAttr l = layoutOf.lookup(in->get());
        l && l.getDims().size() == outDims.size() && !source)
      source = l;
  // A concat prefers a layout that places its inputs one after another
  // in each image (aic-concat-in-place then makes it free).
  if (auto concat = dyn_cast<ConcatOp>(op)) {
    SmallVector<int64_t> extents;
    for (Value in : concat.getInputs())
      extents.push_back(dimsOf(in)[concat.getAxis()]);
    for (Value in : concat.getInputs())
      if (LayoutAttr l = layoutOf.lookup(in);
          l && l.getDims().size() == outDims.size() &&
          placesInOrder(concat.getAxis(), l.getLayout(), extents)) {
        source = l;
        break;
      }
  }
  if (!source)
    return makePlain(op);
  BlockedLayout layout = source.getLayout();
  if (!layout.canStore(outDims))
    return makePlain(op);
  bool binary = isa<BinaryFunction>(op);
  // Each input takes the layout with its own dims, unless it broadcasts
  // (binary ops) and so stays plain. A dim that differs from the result's
  // (pooled spatial dims, the concat axis) must be unblocked or a whole
  // number of blocks, or the blocks would not line up.
  SmallVector<LayoutAttr> want(op->getNumOperands());
  for (OpOperand *in : dps.getDpsInputOperands()) {
    SmallVector<int64_t> dims = dimsOf(in->get());
    if (binary && in->getOperandNumber() == 1)
      if (LayoutAttr l = blockedBroadcast(layout, dims, outDims)) {
        // Blocks oneDNN has no kernel for (8 channels on AVX-512, where
        // the conv chose them for a count of channels not a multiple of
        // 16) run plain: a reference kernel is about 100x slower.
        if (!hasOptimizedBinary(engine, layout, outDims, l.getLayout(),
                                l.getDims()))
          return makePlain(op);
        want[1] = l;
        continue;
      }
    if (dims.size() != outDims.size()) {
      if (!binary)
        return makePlain(op);
      continue;
    }
    bool broadcast = false;
    for (size_t d = 0; d < dims.size(); ++d) {
      if (dims[d] == outDims[d])
        continue;
      if (binary && dims[d] == 1) {
        broadcast = true;
        continue;
      }
      int64_t per = layout.getBlockProduct(d);
      if (per > 1 && (dims[d] % per != 0 || outDims[d] % per != 0))
        return makePlain(op);
    }
    if (!broadcast && !layout.canStore(dims))
      return makePlain(op);
    if (!broadcast)
      want[in->getOperandNumber()] = attr(layout, dims);
  }
  // The runtime expands a broadcast first operand of a non-commutative
  // binary op by hand, in plain layout only.
  if (auto fn = dyn_cast<BinaryFunction>(op);
      fn && !fn.isCommutative() && !want[0])
    return makePlain(op);
  for (OpOperand *in : dps.getDpsInputOperands())
    in->set(convert(in->get(), want[in->getOperandNumber()]));
  LayoutAttr dst = attr(layout, outDims);
  setDestination(op, init, dst);
  want[init.getOperandNumber()] = dst;
  setLayouts(op, want);
}

void LayoutAssigner::makePlain(Operation *op) {
  for (OpOperand &operand : op->getOpOperands())
    if (layoutOf.count(operand.get()))
      operand.set(convert(operand.get(), {}));
}

/// For each conv whose result a concat along the channels takes, the
/// channel counts that concat's inputs have in common (their greatest
/// common divisor): in a layout with channel blocks that divide it, the
/// concat places its inputs one after another within each image
/// (aic-concat-in-place then lets the producers write in place, once per
/// image when there are several).
DenseMap<Operation *, int64_t> concatProducers(func::FuncOp func) {
  DenseMap<Operation *, int64_t> producers;
  func.walk([&](ConcatOp concat) {
    auto type = dyn_cast<RankedTensorType>(concat.getInit().getType());
    if (!type || type.getRank() < 2 ||
        ShapedType::isDynamicShape(type.getShape().drop_front()) ||
        !type.getElementType().isF32() || concat.getAxis() != 1)
      return;
    int64_t common = 0;
    for (Value in : concat.getInputs())
      common = std::gcd(common, cast<ShapedType>(in.getType()).getDimSize(1));
    for (Value in : concat.getInputs())
      if (auto conv = in.getDefiningOp<ConvOp>()) {
        int64_t &entry = producers[conv];
        entry = std::gcd(entry, common);
      }
  });
  return producers;
}

/// The layouts of `conv`. A conv whose result a concat takes gets the
/// channel-blocked layout that makes the concat free, and a conv whose
/// input is stored blocked keeps that layout, as long as oneDNN has an
/// optimized kernel for them that uses vectors as wide as the kernel of its
/// own choice (a 1x1 convolution after a grouped one that stores 8-channel
/// blocks runs its AVX2 kernel in them, at half the speed of its AVX-512
/// kernel in the layout it prefers, which costs more than a reorder);
/// otherwise oneDNN chooses.
FailureOr<ConvLayouts>
chooseConv(ConvOp conv, const dnnl::engine &engine, LayoutAssigner &assigner,
           const DenseMap<Operation *, int64_t> &concat) {
  auto logical = [&](Value v) { return assigner.logicalType(v); };
  FailureOr<ConvLayouts> free = queryConv(conv, engine, logical);
  auto asFast = [&](const FailureOr<ConvLayouts> &layouts) {
    return succeeded(layouts) && (failed(free) || vectorBits(layouts->impl) >=
                                                      vectorBits(free->impl));
  };
  int64_t rank = logical(conv.getInit()).getRank();
  if (int64_t common = concat.lookup(conv))
    for (int64_t block : {16, 8})
      if (common % block == 0)
        if (FailureOr<ConvLayouts> layouts =
                queryConv(conv, engine, logical,
                          {std::nullopt, channelBlocked(rank, block)});
            asFast(layouts))
          return layouts;
  if (LayoutAttr have = assigner.layoutOfValue(conv.getInput()))
    if (FailureOr<ConvLayouts> layouts =
            queryConv(conv, engine, logical, {have.getLayout(), std::nullopt});
        asFast(layouts))
      return layouts;
  return free;
}

struct AssignLayoutsPass
    : public aic::impl::AssignLayoutsBase<AssignLayoutsPass> {
  using AssignLayoutsBase::AssignLayoutsBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    FailureOr<dnnl::engine *> engine = getDnnlEngine(targetIsa, func);
    if (failed(engine))
      return signalPassFailure();
    DenseMap<Operation *, int64_t> concat = concatProducers(func);
    SmallVector<Operation *> ops;
    func.walk([&](Operation *op) { ops.push_back(op); });
    LayoutAssigner assigner(&getContext());
    for (Operation *op : ops) {
      // Ops placed by an earlier run keep their layouts.
      if (auto l = op->getAttrOfType<ArrayAttr>(kLayoutsAttrName);
          l && !l.empty())
        continue;
      if (auto conv = dyn_cast<ConvOp>(op)) {
        FailureOr<ConvLayouts> layouts =
            chooseConv(conv, **engine, assigner, concat);
        if (succeeded(layouts)) {
          assigner.assignConv(conv, *layouts);
          continue;
        }
      } else if (auto matmul = dyn_cast<MatmulOp>(op)) {
        assigner.makePlain(op);
        if (std::optional<BlockedLayout> l =
                queryMatmulWeights(matmul, **engine))
          assigner.packMatmulWeights(matmul, *l);
        continue;
      } else if (isa<LayoutAgnostic>(op)) {
        assigner.assignFollower(op, **engine);
        continue;
      }
      assigner.makePlain(op);
    }
  }
};
} // namespace
