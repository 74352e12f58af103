//===- RuntimeDescriptors.cpp - aic ops as libaicrt descriptors -----------===//
#include "passes/RuntimeDescriptors.h"
#include "dialects/Aic/AicDialect.h"

#include "aic/abi.h"

#include "llvm/ADT/TypeSwitch.h"
#include <cstring>

using namespace mlir;
using namespace aic;

int64_t aic::dtypeCode(Type t) {
  if (t.isF32())
    return 1;
  if (t.isF16())
    return 10;
  if (t.isBF16())
    return 16;
  if (t.isF64())
    return 11;
  if (auto i = dyn_cast<IntegerType>(t)) {
    bool u = i.isUnsigned();
    switch (i.getWidth()) {
    case 1:
      return 9;
    case 8:
      return u ? 2 : 3;
    case 16:
      return u ? 4 : 5;
    case 32:
      return u ? 12 : 6;
    case 64:
      return u ? 13 : 7;
    }
  }
  return 0;
}

namespace {
class Encoder {
public:
  explicit Encoder(Operation *op) : op(op) {}

  void word(int64_t v) { call.descriptor.push_back(v); }
  void words(ArrayRef<int64_t> vs) {
    call.descriptor.append(vs.begin(), vs.end());
  }
  void real(double d) {
    int64_t bits;
    std::memcpy(&bits, &d, sizeof(bits));
    word(bits);
  }
  /// dtype rank dims...; rank-0 tensors are passed as [1].
  void tensor(Value v) {
    auto type = cast<RankedTensorType>(v.getType());
    word(dtypeCode(type.getElementType()));
    if (type.getRank() == 0) {
      words({1, 1});
      return;
    }
    word(type.getRank());
    words(type.getShape());
  }
  void postOps(ArrayAttr chain, ValueRange operands) {
    word(chain.size());
    size_t next = 0;
    for (Attribute entry : chain) {
      if (auto e = dyn_cast<EltwisePostOpAttr>(entry)) {
        words({AIC_POSTOP_ELTWISE, static_cast<int64_t>(e.getKind())});
        real(e.getAlpha().convertToDouble());
        real(e.getBeta().convertToDouble());
      } else {
        auto b = cast<BinaryPostOpAttr>(entry);
        words({AIC_POSTOP_BINARY, static_cast<int64_t>(b.getKind())});
        tensor(operands[next++]);
      }
    }
    call.args.append(operands.begin(), operands.end());
  }

  /// The runtime computes in f32, but for data movement (concat) and max
  /// pooling, which oneDNN also runs on 8- and 32-bit integers.
  LogicalResult requireSupportedType() {
    if (isa<ConcatOp>(op))
      return success();
    Type et = cast<ShapedType>(op->getResult(0).getType()).getElementType();
    if (isa<MaxPoolOp>(op) && (et.isInteger(8) || et.isInteger(32)))
      return success();
    return requireF32();
  }

  LogicalResult requireF32() {
    SmallVector<Type> types(op->getOperandTypes());
    types.append(op->getResultTypes().begin(), op->getResultTypes().end());
    for (Type t : types) {
      Type et = cast<ShapedType>(t).getElementType();
      if (!et.isF32())
        return op->emitError()
               << "element type " << et << " is not supported (only f32 is)";
    }
    return success();
  }

  Operation *op;
  PrimitiveCall call;
};
} // namespace

bool aic::isRuntimePrimitive(Operation *op) {
  return isa<ConvOp, MaxPoolOp, AvgPoolOp, MatmulOp, AddOp, SubOp, MulOp, DivOp,
             MaxOp, MinOp, ReluOp, SigmoidOp, TanhOp, ExpOp, ClipOp, SoftmaxOp,
             ConcatOp>(op);
}

template <typename PoolOp>
static void encodePool(Encoder &e, PoolOp op, int64_t alg) {
  e.words({AIC_PRIM_POOL, alg});
  e.tensor(op.getInput());
  e.tensor(op.getOutput());
  e.word(op.getKernel().size());
  e.words(op.getKernel());
  e.words(op.getStrides());
  e.words(op.getDilations());
  e.words(op.getPads());
  e.call.args = {op.getInput(), op.getOutput()};
}

FailureOr<PrimitiveCall> aic::encodePrimitive(Operation *op) {
  Encoder e(op);
  if (failed(e.requireSupportedType()))
    return failure();
  bool ok =
      TypeSwitch<Operation *, bool>(op)
          .Case([&](ConvOp c) {
            e.word(AIC_PRIM_CONV);
            e.tensor(c.getInput());
            e.tensor(c.getWeight());
            e.word(c.getBias() ? 1 : 0);
            if (c.getBias())
              e.tensor(c.getBias());
            e.tensor(c.getOutput());
            e.word(c.getStrides().size());
            e.words(c.getStrides());
            e.words(c.getDilations());
            e.words(c.getPads());
            e.word(c.getGroup());
            e.word(c.getWeight().getDefiningOp<ConstantOp>() ? 1 : 0);
            e.call.args = {c.getInput(), c.getWeight()};
            if (c.getBias())
              e.call.args.push_back(c.getBias());
            e.call.args.push_back(c.getOutput());
            e.postOps(c.getPostOps(), c.getPostOperands());
            return true;
          })
          .Case([&](MaxPoolOp p) {
            encodePool(e, p, AIC_POOL_MAX);
            return true;
          })
          .Case([&](AvgPoolOp p) {
            encodePool(e, p,
                       p.getCountIncludePad() ? AIC_POOL_AVG_INCLUDE_PAD
                                              : AIC_POOL_AVG_EXCLUDE_PAD);
            return true;
          })
          .Case([&](MatmulOp m) {
            e.word(AIC_PRIM_MATMUL);
            e.tensor(m.getLhs());
            e.tensor(m.getRhs());
            e.word(m.getBias() ? 1 : 0);
            if (m.getBias())
              e.tensor(m.getBias());
            e.tensor(m.getOutput());
            e.words({m.getTransposeLhs() ? 1 : 0, m.getTransposeRhs() ? 1 : 0});
            e.real(m.getAlpha().convertToDouble());
            e.word(m.getRhs().getDefiningOp<ConstantOp>() ? 1 : 0);
            e.call.args = {m.getLhs(), m.getRhs()};
            if (m.getBias())
              e.call.args.push_back(m.getBias());
            e.call.args.push_back(m.getOutput());
            e.postOps(m.getPostOps(), m.getPostOperands());
            return true;
          })
          .Case<AddOp, SubOp, MulOp, DivOp, MaxOp, MinOp>([&](auto b) {
            e.words({AIC_PRIM_BINARY, static_cast<int64_t>(b.getKind())});
            e.tensor(b.getLhs());
            e.tensor(b.getRhs());
            e.tensor(b.getOutput());
            e.call.args = {b.getLhs(), b.getRhs(), b.getOutput()};
            e.postOps(b.getPostOps(), b.getPostOperands());
            return true;
          })
          .Case<ReluOp, SigmoidOp, TanhOp, ExpOp, ClipOp>([&](auto u) {
            EltwisePostOpAttr f = u.getPostOp();
            e.words({AIC_PRIM_ELTWISE, static_cast<int64_t>(f.getKind())});
            e.real(f.getAlpha().convertToDouble());
            e.real(f.getBeta().convertToDouble());
            e.tensor(u.getInput());
            e.call.args = {u.getInput(), u.getOutput()};
            return true;
          })
          .Case([&](SoftmaxOp s) {
            e.words({AIC_PRIM_SOFTMAX, s.getAxis(), 0});
            e.tensor(s.getInput());
            e.call.args = {s.getInput(), s.getOutput()};
            return true;
          })
          .Case([&](ConcatOp c) {
            e.words({AIC_PRIM_CONCAT, c.getAxis(),
                     static_cast<int64_t>(c.getInputs().size())});
            for (Value v : c.getInputs())
              e.tensor(v);
            e.tensor(c.getOutput());
            e.call.args.append(c.getInputs().begin(), c.getInputs().end());
            e.call.args.push_back(c.getOutput());
            return true;
          })
          .Default([](Operation *) { return false; });
  if (!ok)
    return op->emitError() << "'" << op->getName()
                           << "' has no runtime primitive";
  return e.call;
}
