//===- RuntimePrimitives.cpp - How each aic op encodes its primitive ------===//
//
// One encodePrimitive per library op: it fills the op's descriptor struct of
// aic/contract.h from its buffers and attributes. The exec arguments follow
// the contract's rule (tensor fields in order, then binary post-op operands).
//
//===----------------------------------------------------------------------===//
#include "dialects/Aic/AicDialect.h"
#include "dialects/Aic/RuntimePrimitive.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace aic;

int64_t aic::getDtypeCode(Type t, bool isUnsigned) {
  if (t.isF32())
    return AIC_DTYPE_FLOAT32;
  if (t.isF16())
    return AIC_DTYPE_FLOAT16;
  if (t.isBF16())
    return AIC_DTYPE_BFLOAT16;
  if (t.isF64())
    return AIC_DTYPE_FLOAT64;
  if (isa<StringType>(t))
    return AIC_DTYPE_STRING;
  auto i = dyn_cast<IntegerType>(t);
  if (!i)
    return AIC_DTYPE_UNDEFINED;
  bool u = isUnsigned || i.isUnsigned();
  switch (i.getWidth()) {
  case 1:
    return AIC_DTYPE_BOOL;
  case 8:
    return u ? AIC_DTYPE_UINT8 : AIC_DTYPE_INT8;
  case 16:
    return u ? AIC_DTYPE_UINT16 : AIC_DTYPE_INT16;
  case 32:
    return u ? AIC_DTYPE_UINT32 : AIC_DTYPE_INT32;
  case 64:
    return u ? AIC_DTYPE_UINT64 : AIC_DTYPE_INT64;
  default:
    return AIC_DTYPE_UNDEFINED;
  }
}

FailureOr<contract::Tensor> aic::getContractTensor(Operation *op, Value v) {
  auto type = cast<ShapedType>(v.getType());
  contract::Tensor t;
  t.dtype = getDtypeCode(type.getElementType());
  if (t.dtype == AIC_DTYPE_UNDEFINED)
    return op->emitOpError() << "has an operand of type " << type
                             << ", which the runtime cannot pass";
  // A run-time dim: the runtime creates the primitive per shape, from the
  // dims the call passes (aicrt_exec_dims).
  for (int64_t d : type.getShape())
    t.dims.push_back(ShapedType::isDynamic(d) ? AIC_DIM_DYNAMIC : d);
  if (t.dims.empty())
    t.dims.push_back(1);
  // A blocked operand: the logical dims and its layout; its type is only
  // the stored shape. Its run-time dims are stored in logical order (the
  // attribute's verifier checks), so the call passes them in that order.
  if (LayoutAttr attr = getOperandLayout(op, v)) {
    BlockedLayout layout = attr.getLayout();
    t.dims.clear();
    for (int64_t d : attr.getDims())
      t.dims.push_back(ShapedType::isDynamic(d) ? AIC_DIM_DYNAMIC : d);
    if (!layout.isPlain()) {
      t.order.assign(layout.order.begin(), layout.order.end());
      for (auto [dim, size] : layout.blocks)
        t.blocks.push_back({dim, size});
    }
  }
  return t;
}

bool aic::isConstantBuffer(Value buffer) {
  while (Operation *def = buffer.getDefiningOp()) {
    if (auto view = dyn_cast<ViewLikeOpInterface>(def)) {
      buffer = view.getViewSource();
      continue;
    }
    auto get = dyn_cast<memref::GetGlobalOp>(def);
    if (!get)
      return false;
    auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
        def, get.getNameAttr());
    return global && global.getConstant();
  }
  return false;
}

LogicalResult aic::requireF32(Operation *op) {
  for (Type t : op->getOperandTypes()) {
    Type et = cast<ShapedType>(t).getElementType();
    if (!et.isF32())
      return op->emitError() << "element type " << et
                             << " is not supported by the runtime (only f32 "
                                "is)";
  }
  return success();
}

/// f32 throughout, or the integer form of aic.conv and aic.matmul (i8
/// operands, i32 sums; their verifiers check the rest), which the runtime
/// runs on oneDNN's int8 primitives.
static LogicalResult requireF32OrIntegerProduct(Operation *op, Value lhs) {
  if (cast<ShapedType>(lhs.getType()).getElementType().isInteger(8))
    return success();
  return requireF32(op);
}

namespace {
/// Fills descriptor fields from values, remembering the first failure.
class Filler {
public:
  explicit Filler(Operation *op) : op(op) {}

  contract::Tensor tensor(Value v) {
    FailureOr<contract::Tensor> t = getContractTensor(op, v);
    if (failed(t)) {
      ok = false;
      return {};
    }
    return *t;
  }
  std::optional<contract::Tensor> optional(Value v) {
    if (!v)
      return std::nullopt;
    return tensor(v);
  }
  std::vector<int64_t> ints(ArrayRef<int64_t> v) {
    return {v.begin(), v.end()};
  }

  /// The chain of `owner` as contract post-ops.
  std::vector<contract::PostOp> postOps(ArrayAttr chain, ValueRange operands) {
    std::vector<contract::PostOp> ops;
    size_t next = 0;
    for (Attribute entry : chain) {
      if (isa<SumPostOpAttr>(entry)) {
        ops.push_back(contract::PostOp::sum());
      } else if (auto e = dyn_cast<EltwisePostOpAttr>(entry)) {
        ops.push_back(contract::PostOp::eltwise(
            static_cast<int64_t>(e.getKind()), e.getAlpha().convertToDouble(),
            e.getBeta().convertToDouble()));
      } else {
        auto b = cast<BinaryPostOpAttr>(entry);
        ops.push_back(contract::PostOp::binary(
            static_cast<int64_t>(b.getKind()), tensor(operands[next++])));
      }
    }
    return ops;
  }

  template <typename Desc>
  LogicalResult finish(PrimitiveCall &call, const Desc &desc,
                       ArrayRef<Value> args) {
    if (!ok)
      return failure();
    return call.set(op, desc, args);
  }

private:
  Operation *op;
  bool ok = true;
};

SmallVector<Value> concatValues(ArrayRef<ValueRange> ranges) {
  SmallVector<Value> all;
  for (ValueRange r : ranges)
    all.append(r.begin(), r.end());
  return all;
}

/// Splits ONNX-style pads [begin..., end...].
std::pair<std::vector<int64_t>, std::vector<int64_t>>
splitPads(ArrayRef<int64_t> pads) {
  size_t n = pads.size() / 2;
  return {{pads.begin(), pads.begin() + n}, {pads.begin() + n, pads.end()}};
}

/// Conv and ConvTranspose: the same fields, from the same attributes.
template <typename Desc, typename ConvLikeOp>
LogicalResult encodeConvLike(ConvLikeOp op, PrimitiveCall &call) {
  if (failed(isa<ConvOp>(op.getOperation())
                 ? requireF32OrIntegerProduct(op, op.getInput())
                 : requireF32(op)))
    return failure();
  Filler f(op);
  Desc d;
  d.src = f.tensor(op.getInput());
  d.wei = f.tensor(op.getWeight());
  d.bias = f.optional(op.getBias());
  d.dst = f.tensor(op.getInit());
  d.strides = f.ints(op.getStrides());
  d.dilations = f.ints(op.getDilations());
  std::tie(d.pads_begin, d.pads_end) = splitPads(op.getPads());
  d.groups = op.getGroup();
  d.weights_const = isConstantBuffer(op.getWeight());
  d.post_ops = f.postOps(op.getPostOps(), op.getPostOperands());
  SmallVector<Value> args{op.getInput(), op.getWeight()};
  if (op.getBias())
    args.push_back(op.getBias());
  args.push_back(op.getInit());
  args.append(op.getPostOperands().begin(), op.getPostOperands().end());
  return f.finish(call, d, args);
}

template <typename PoolOp>
LogicalResult encodePool(PoolOp op, int64_t alg, PrimitiveCall &call) {
  // oneDNN pools 8- and 32-bit integers too, but signless integers do not
  // say whether they are signed: only f32 reaches the runtime.
  if (failed(requireF32(op)))
    return failure();
  Filler f(op);
  contract::Pool d;
  d.alg = alg;
  d.src = f.tensor(op.getInput());
  d.dst = f.tensor(op.getInit());
  d.kernel = f.ints(op.getKernel());
  d.strides = f.ints(op.getStrides());
  d.dilations = f.ints(op.getDilations());
  std::tie(d.pads_begin, d.pads_end) = splitPads(op.getPads());
  return f.finish(call, d, {op.getInput(), op.getInit()});
}

template <typename BinOp>
LogicalResult encodeBinary(BinOp op, PrimitiveCall &call) {
  if (failed(requireF32(op)))
    return failure();
  Filler f(op);
  contract::Binary d;
  d.alg = static_cast<int64_t>(op.getKind());
  d.a = f.tensor(op.getLhs());
  d.b = f.tensor(op.getRhs());
  d.dst = f.tensor(op.getInit());
  d.post_ops = f.postOps(op.getPostOps(), op.getPostOperands());
  return f.finish(
      call, d,
      concatValues({ValueRange{op.getLhs(), op.getRhs(), op.getInit()},
                    op.getPostOperands()}));
}

template <typename UnaryOp>
LogicalResult encodeUnary(UnaryOp op, PrimitiveCall &call) {
  if (failed(requireF32(op)))
    return failure();
  Filler f(op);
  EltwisePostOpAttr fn = op.getPostOp();
  contract::Eltwise d;
  d.alg = static_cast<int64_t>(fn.getKind());
  d.alpha = fn.getAlpha().convertToDouble();
  d.beta = fn.getBeta().convertToDouble();
  d.src = f.tensor(op.getInput());
  d.dst = f.tensor(op.getInit());
  return f.finish(call, d, {op.getInput(), op.getInit()});
}
} // namespace

LogicalResult ConvOp::encodePrimitive(PrimitiveCall &call) {
  return encodeConvLike<contract::Conv>(*this, call);
}

LogicalResult ConvTransposeOp::encodePrimitive(PrimitiveCall &call) {
  return encodeConvLike<contract::ConvTranspose>(*this, call);
}

LogicalResult MaxPoolOp::encodePrimitive(PrimitiveCall &call) {
  return encodePool(*this, AIC_POOL_MAX, call);
}

LogicalResult AvgPoolOp::encodePrimitive(PrimitiveCall &call) {
  return encodePool(*this,
                    getCountIncludePad() ? AIC_POOL_AVG_INCLUDE_PAD
                                         : AIC_POOL_AVG_EXCLUDE_PAD,
                    call);
}

LogicalResult SoftmaxOp::encodePrimitive(PrimitiveCall &call) {
  if (failed(requireF32(*this)))
    return failure();
  Filler f(*this);
  contract::Softmax d;
  d.axis = getAxis();
  d.log = getLog();
  d.src = f.tensor(getInput());
  d.dst = f.tensor(getInit());
  return f.finish(call, d, {getInput(), getInit()});
}

LogicalResult MatmulOp::encodePrimitive(PrimitiveCall &call) {
  if (failed(requireF32OrIntegerProduct(*this, getLhs())))
    return failure();
  Filler f(*this);
  contract::Matmul d;
  d.a = f.tensor(getLhs());
  d.b = f.tensor(getRhs());
  d.bias = f.optional(getBias());
  d.dst = f.tensor(getInit());
  d.trans_a = getTransposeLhs();
  d.trans_b = getTransposeRhs();
  d.alpha = getAlpha().convertToDouble();
  d.b_const = isConstantBuffer(getRhs());
  d.post_ops = f.postOps(getPostOps(), getPostOperands());
  SmallVector<Value> args{getLhs(), getRhs()};
  if (getBias())
    args.push_back(getBias());
  args.push_back(getInit());
  args.append(getPostOperands().begin(), getPostOperands().end());
  return f.finish(call, d, args);
}

LogicalResult AddOp::encodePrimitive(PrimitiveCall &c) {
  return encodeBinary(*this, c);
}
LogicalResult SubOp::encodePrimitive(PrimitiveCall &c) {
  return encodeBinary(*this, c);
}
LogicalResult MulOp::encodePrimitive(PrimitiveCall &c) {
  return encodeBinary(*this, c);
}
LogicalResult DivOp::encodePrimitive(PrimitiveCall &c) {
  return encodeBinary(*this, c);
}
LogicalResult MaxOp::encodePrimitive(PrimitiveCall &c) {
  return encodeBinary(*this, c);
}
LogicalResult MinOp::encodePrimitive(PrimitiveCall &c) {
  return encodeBinary(*this, c);
}
LogicalResult ReluOp::encodePrimitive(PrimitiveCall &c) {
  return encodeUnary(*this, c);
}
LogicalResult SigmoidOp::encodePrimitive(PrimitiveCall &c) {
  return encodeUnary(*this, c);
}
LogicalResult TanhOp::encodePrimitive(PrimitiveCall &c) {
  return encodeUnary(*this, c);
}
LogicalResult ExpOp::encodePrimitive(PrimitiveCall &c) {
  return encodeUnary(*this, c);
}
LogicalResult SwishOp::encodePrimitive(PrimitiveCall &c) {
  return encodeUnary(*this, c);
}
LogicalResult GeluOp::encodePrimitive(PrimitiveCall &c) {
  return encodeUnary(*this, c);
}
LogicalResult HardSwishOp::encodePrimitive(PrimitiveCall &c) {
  return encodeUnary(*this, c);
}
LogicalResult ClipOp::encodePrimitive(PrimitiveCall &c) {
  return encodeUnary(*this, c);
}

LogicalResult BatchNormOp::encodePrimitive(PrimitiveCall &call) {
  if (failed(requireF32(*this)))
    return failure();
  Filler f(*this);
  contract::BatchNorm d;
  d.src = f.tensor(getInput());
  d.scale = f.tensor(getScale());
  d.shift = f.tensor(getBias());
  d.mean = f.tensor(getMean());
  d.var = f.tensor(getVariance());
  d.dst = f.tensor(getInit());
  d.epsilon = getEpsilon().convertToDouble();
  return f.finish(
      call, d,
      {getInput(), getScale(), getBias(), getMean(), getVariance(), getInit()});
}

LogicalResult LrnOp::encodePrimitive(PrimitiveCall &call) {
  if (failed(requireF32(*this)))
    return failure();
  Filler f(*this);
  contract::Lrn d;
  d.src = f.tensor(getInput());
  d.dst = f.tensor(getInit());
  d.size = getSize();
  d.alpha = getAlpha().convertToDouble();
  d.beta = getBeta().convertToDouble();
  d.k = getBias().convertToDouble();
  return f.finish(call, d, {getInput(), getInit()});
}

LogicalResult RnnOp::encodePrimitive(PrimitiveCall &call) {
  if (failed(requireF32(*this)))
    return failure();
  Filler f(*this);
  contract::Rnn d;
  d.cell = llvm::StringSwitch<int64_t>(getCell())
               .Case("rnn_relu", AIC_RNN_RELU)
               .Case("rnn_sigmoid", AIC_RNN_SIGMOID)
               .Case("lstm", AIC_RNN_LSTM)
               .Case("gru", AIC_RNN_GRU)
               .Case("lbr_gru", AIC_RNN_LBR_GRU)
               .Default(AIC_RNN_TANH);
  d.reverse = getReverse();
  d.src = f.tensor(getInput());
  d.wei_layer = f.tensor(getWeightsLayer());
  d.wei_iter = f.tensor(getWeightsIter());
  d.bias = f.tensor(getBias());
  d.peephole = f.optional(getPeephole());
  d.src_h = f.optional(getInitialH());
  d.src_c = f.optional(getInitialC());
  d.dst = f.tensor(getInits()[0]);
  d.dst_h = f.tensor(getInits()[1]);
  d.dst_c = f.optional(getInits().size() > 2 ? getInits()[2] : Value());
  d.weights_const =
      isConstantBuffer(getWeightsLayer()) && isConstantBuffer(getWeightsIter());
  SmallVector<Value> args{getInput(), getWeightsLayer(), getWeightsIter(),
                          getBias()};
  for (Value v : {getPeephole(), getInitialH(), getInitialC()})
    if (v)
      args.push_back(v);
  llvm::append_range(args, getInits());
  return f.finish(call, d, args);
}

LogicalResult ReorderOp::encodePrimitive(PrimitiveCall &call) {
  Filler f(*this);
  contract::Reorder d;
  d.src = f.tensor(getInput());
  d.dst = f.tensor(getInit());
  return f.finish(call, d, {getInput(), getInit()});
}

LogicalResult ConcatOp::encodePrimitive(PrimitiveCall &call) {
  // Concatenation only moves bytes: any element type with a dtype code.
  Filler f(*this);
  contract::Concat d;
  d.axis = getAxis();
  for (Value v : getInputs())
    d.inputs.push_back(f.tensor(v));
  d.dst = f.tensor(getInit());
  return f.finish(call, d, concatValues({getInputs(), ValueRange{getInit()}}));
}
