//===- SplitSlowPostOps.cpp - Binary post-ops oneDNN only runs slowly -----===//
//
// oneDNN's optimized matmul kernels take a binary post-op only for some
// broadcasts of its operand (the whole output, a row or column vector, a
// scalar, ...); for others (Swin's relative position bias, 1 x heads x
// 49 x 49, added to the attention scores of every window) the primitive
// falls back to oneDNN's reference kernel, thousands of times slower than
// the matmul plus a separate binary primitive. aic-fuse-post-ops fuses by
// what the chain computes, not by what a kernel supports, so this pass
// asks oneDNN, for the target CPU, which kernel each fused matmul gets, and
// where the chain made it the reference kernel while the chain before the
// binary entry did not, moves that entry and the rest of the chain into an
// aic binary op after the matmul. Runs on tensors, before layouts.
//
//===----------------------------------------------------------------------===//
#include "dialects/Aic/AicDialect.h"
#include "passes/Passes.h"
#include "passes/Utils/Dnnl.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"

#include <optional>

namespace aic {
#define GEN_PASS_DEF_SPLITSLOWPOSTOPS
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;
using namespace aic;
using dnnl::memory;

namespace {

/// Run-time dims are asked about at this size: above 1, so that a full
/// operand is not taken for a broadcast one.
constexpr int64_t kRuntimeSize = 3;

/// `shape` with leading 1s up to `rank` and run-time dims at kRuntimeSize.
SmallVector<int64_t> padded(ArrayRef<int64_t> shape, int64_t rank) {
  SmallVector<int64_t> dims(rank - shape.size(), 1);
  llvm::append_range(dims, representative(shape, kRuntimeSize));
  return dims;
}

/// A plain operand of the matmul as the runtime describes it: padded to
/// `rank`, its last two dims swapped (with their strides) when transposed.
memory::desc matmulOperand(ArrayRef<int64_t> shape, int64_t rank,
                           bool transposed) {
  SmallVector<int64_t> dims = padded(shape, rank);
  memory::desc md = plainDesc(dims);
  if (!transposed)
    return md;
  memory::dims d = md.dims(), strides(rank);
  int64_t stride = 1;
  for (int64_t i = rank; i-- > 0;) {
    strides[i] = stride;
    stride *= std::max<int64_t>(d[i], 1);
  }
  std::swap(d[rank - 1], d[rank - 2]);
  std::swap(strides[rank - 1], strides[rank - 2]);
  return memory::desc(d, memory::data_type::f32, strides);
}

ArrayRef<int64_t> shapeOf(Value v) {
  return cast<ShapedType>(v.getType()).getShape();
}

/// oneDNN's implementation of `op` with the first `length` entries of its
/// post-op chain, built as the runtime builds it (runtime/Compute.cpp);
/// nothing if oneDNN has none or `op` is not an f32 product.
std::optional<std::string> matmulImpl(MatmulOp op, size_t length,
                                      const dnnl::engine &engine) {
  auto f32 = [](Value v) {
    return cast<ShapedType>(v.getType()).getElementType().isF32();
  };
  if (!f32(op.getLhs()) || !f32(op.getRhs()) || !f32(op.getInit()) ||
      !llvm::all_of(op.getPostOperands(), f32))
    return std::nullopt;
  int64_t rank = shapeOf(op.getInit()).size();
  memory::desc a =
      matmulOperand(shapeOf(op.getLhs()), rank, op.getTransposeLhs());
  memory::desc b =
      matmulOperand(shapeOf(op.getRhs()), rank, op.getTransposeRhs());
  if (matchPattern(op.getRhs(), m_Constant()))
    b = memory::desc(b.dims(), memory::data_type::f32, memory::format_tag::any);
  memory::desc dst = plainDesc(padded(shapeOf(op.getInit()), rank));
  memory::desc bias;
  if (op.getBias())
    bias = plainDesc(padded(shapeOf(op.getBias()), rank));
  dnnl::post_ops po;
  if (op.getAlpha().convertToDouble() != 1.0) {
    // The runtime scales with an eltwise post-op and moves the bias behind.
    po.append_eltwise(1.0f, dnnl::algorithm::eltwise_linear,
                      op.getAlpha().convertToFloat(), 0.0f);
    if (op.getBias()) {
      po.append_binary(dnnl::algorithm::binary_add, bias);
      bias = memory::desc();
    }
  }
  appendPostOps(
      po, op.getPostOps().getValue().take_front(length), op.getPostOperands(),
      rank, [](Value v) { return representative(shapeOf(v), kRuntimeSize); });
  dnnl::primitive_attr attr;
  attr.set_post_ops(po);
  try {
    dnnl::matmul::desc desc(a, b, bias, dst);
    dnnl::matmul::primitive_desc pd(desc, attr, engine);
    return std::string(pd.impl_info_str());
  } catch (const dnnl::error &) {
    return std::nullopt;
  }
}

/// The aic binary op of `kind`: lhs `kind` rhs, into `init`.
Value createBinary(OpBuilder &b, Location loc, BinaryKind kind, Value lhs,
                   Value rhs, Value init) {
  Type type = init.getType();
  auto make = [&](auto tag) {
    using OpTy = decltype(tag);
    return b.create<OpTy>(loc, type, lhs, rhs, ValueRange{}, init).getOutput();
  };
  switch (kind) {
  case BinaryKind::add:
    return make(AddOp());
  case BinaryKind::sub:
    return make(SubOp());
  case BinaryKind::mul:
    return make(MulOp());
  case BinaryKind::div:
    return make(DivOp());
  case BinaryKind::max:
    return make(MaxOp());
  case BinaryKind::min:
    return make(MinOp());
  }
  llvm_unreachable("unknown binary kind");
}

/// Moves post-op `cut` of `op` (a binary entry) and the entries after it
/// into an aic binary op on `op`'s result, which takes its uses.
void split(MatmulOp op, size_t cut) {
  ArrayRef<Attribute> chain = op.getPostOps().getValue();
  auto isBinary = [](Attribute a) { return isa<BinaryPostOpAttr>(a); };
  size_t before = llvm::count_if(chain.take_front(cut), isBinary);
  SmallVector<Value> operands(op.getPostOperands());
  Value result = op.getOutput();
  Location loc = op.getLoc();
  OpBuilder b(op);
  b.setInsertionPointAfter(op);
  auto type = cast<RankedTensorType>(result.getType());
  // The sizes of the matmul's destination, which its result has.
  SmallVector<Value> dynamicSizes;
  for (auto [d, size] : llvm::enumerate(type.getShape()))
    if (ShapedType::isDynamic(size))
      dynamicSizes.push_back(b.create<tensor::DimOp>(loc, op.getInit(), d));
  Value init = b.create<tensor::EmptyOp>(loc, type.getShape(),
                                         type.getElementType(), dynamicSizes);
  Value split =
      createBinary(b, loc, cast<BinaryPostOpAttr>(chain[cut]).getKind(), result,
                   operands[before], init);
  auto owner = cast<PostOpChainOwner>(split.getDefiningOp());
  owner.getPostOperandsMutable().append(
      ArrayRef<Value>(operands).drop_front(before + 1));
  owner.setPostOpsAttr(b.getArrayAttr(chain.drop_front(cut + 1)));
  result.replaceAllUsesExcept(split, split.getDefiningOp());
  op.getPostOperandsMutable().assign(
      ArrayRef<Value>(operands).take_front(before));
  op.setPostOpsAttr(b.getArrayAttr(chain.take_front(cut)));
}

struct SplitSlowPostOpsPass
    : public aic::impl::SplitSlowPostOpsBase<SplitSlowPostOpsPass> {
  using SplitSlowPostOpsBase::SplitSlowPostOpsBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    SmallVector<MatmulOp> matmuls;
    func.walk([&](MatmulOp op) {
      if (op.getOutput() && llvm::any_of(op.getPostOps(), [](Attribute a) {
            return isa<BinaryPostOpAttr>(a);
          }))
        matmuls.push_back(op);
    });
    if (matmuls.empty())
      return;
    FailureOr<dnnl::engine *> engine = getDnnlEngine(targetIsa, func);
    if (failed(engine))
      return signalPassFailure();
    for (MatmulOp op : matmuls) {
      ArrayRef<Attribute> chain = op.getPostOps().getValue();
      std::optional<std::string> full = matmulImpl(op, chain.size(), **engine);
      if (!full || !isReference(*full))
        continue;
      // The first binary entry that makes the kernel the reference one; a
      // sum from there on accumulates into the matmul's destination and
      // cannot move.
      for (size_t cut = 0; cut < chain.size(); ++cut) {
        if (isa<SumPostOpAttr>(chain[cut]))
          break;
        if (!isa<BinaryPostOpAttr>(chain[cut]))
          continue;
        std::optional<std::string> with = matmulImpl(op, cut + 1, **engine);
        if (!with || !isReference(*with))
          continue;
        std::optional<std::string> without = matmulImpl(op, cut, **engine);
        if (without && !isReference(*without) &&
            llvm::none_of(chain.drop_front(cut),
                          [](Attribute a) { return isa<SumPostOpAttr>(a); }))
          split(op, cut);
        break;
      }
    }
  }
};
} // namespace
