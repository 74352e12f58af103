//===- StringOps.cpp - Verifiers and primitives of the string ops ---------===//
//
// aic.string_cast and aic.string_normalizer: what they accept and how they
// encode their STRING_CAST / STRING_NORMALIZER primitives (aic/primitives.def).
//
//===----------------------------------------------------------------------===//
#include "dialects/Aic/AicDialect.h"
#include "dialects/Aic/RuntimePrimitive.h"

using namespace mlir;
using namespace aic;

static bool isString(Value v) {
  return isa<StringType>(cast<ShapedType>(v.getType()).getElementType());
}

/// The destination's type also types the result, when there is one.
static LogicalResult verifyResult(Operation *op, Value init) {
  if (op->getNumResults() == 1 && op->getResult(0).getType() != init.getType())
    return op->emitOpError() << "expects the result type to be the "
                                "destination's, "
                             << init.getType();
  return success();
}

LogicalResult StringCastOp::verify() {
  auto in = cast<ShapedType>(getInput().getType());
  auto out = cast<ShapedType>(getInit().getType());
  if (isString(getInput()) == isString(getInit()))
    return emitOpError() << "expects exactly one of the input and the "
                            "destination to hold strings";
  Type number =
      isString(getInput()) ? out.getElementType() : in.getElementType();
  if (getDtypeCode(number) == AIC_DTYPE_UNDEFINED)
    return emitOpError() << "cannot convert strings to or from " << number;
  if (in.getShape() != out.getShape())
    return emitOpError() << "expects the input and the destination to have "
                            "the same shape";
  return verifyResult(*this, getInit());
}

LogicalResult StringNormalizerOp::verify() {
  auto in = cast<ShapedType>(getInput().getType());
  auto out = cast<ShapedType>(getInit().getType());
  if (!isString(getInput()) || !isString(getInit()) ||
      (getStopwords() && !isString(getStopwords())))
    return emitOpError() << "expects strings";
  if (in.getRank() < 1 || in.getRank() > 2 || out.getRank() != in.getRank() ||
      (in.getRank() == 2 && (in.getDimSize(0) != 1 || out.getDimSize(0) != 1)))
    return emitOpError() << "expects an input and a destination of shape [C] "
                            "or [1, C]";
  if (getStopwords() &&
      cast<ShapedType>(getStopwords().getType()).getRank() != 1)
    return emitOpError() << "expects 1-D stopwords";
  if (getCaseChange() < 0 || getCaseChange() > 2)
    return emitOpError() << "expects case_change 0 (none), 1 (lower) or 2 "
                            "(upper)";
  if (out.getNumElements() < 1 ||
      out.getNumElements() > in.getNumElements() + (in.getNumElements() == 0))
    return emitOpError() << "expects a destination of 1 to "
                         << in.getNumElements() << " strings";
  return verifyResult(*this, getInit());
}

LogicalResult StringCastOp::encodePrimitive(PrimitiveCall &call) {
  contract::StringCast d;
  for (auto [value, tensor] :
       {std::pair{getInput(), &d.src}, std::pair{getInit(), &d.dst}}) {
    FailureOr<contract::Tensor> t = getContractTensor(*this, value);
    if (failed(t))
      return failure();
    *tensor = *t;
  }
  // Signless integers: the attribute gives the signedness.
  contract::Tensor &number = isString(getInput()) ? d.dst : d.src;
  number.dtype = getDtypeCode(
      cast<ShapedType>(
          (isString(getInput()) ? getInit() : getInput()).getType())
          .getElementType(),
      getIsUnsigned());
  return call.set(*this, d, {getInput(), getInit()});
}

LogicalResult StringNormalizerOp::encodePrimitive(PrimitiveCall &call) {
  contract::StringNormalizer d;
  FailureOr<contract::Tensor> src = getContractTensor(*this, getInput());
  FailureOr<contract::Tensor> dst = getContractTensor(*this, getInit());
  if (failed(src) || failed(dst))
    return failure();
  d.src = *src;
  d.dst = *dst;
  SmallVector<Value> args{getInput()};
  if (Value words = getStopwords()) {
    FailureOr<contract::Tensor> t = getContractTensor(*this, words);
    if (failed(t))
      return failure();
    d.stopwords = *t;
    args.push_back(words);
  }
  args.push_back(getInit());
  d.case_change = getCaseChange();
  d.case_sensitive = getCaseSensitive();
  return call.set(*this, d, args);
}
