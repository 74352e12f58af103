//===- Folding.cpp - Shape arithmetic evaluated at import -----------------===//
//
// Static shapes are a requirement, not an optimization: Slice bounds,
// Reshape targets and Pad amounts must be constants when their rule runs.
// Exporters compute them in the graph (PyTorch: x.chunk(2, dim=1) becomes
// Shape -> Gather -> Add -> Div -> Mul -> Slice; F.pad of computed
// amounts: Mod, Concat, Reshape, a reversing Slice, Transpose), and ONNX's
// data propagation stops at operators it does not know (Div, Cast, Where,
// Mod, ...).
// This file evaluates, at import, nodes whose inputs are all small
// constants and whose operator is one of the few such arithmetic uses;
// their outputs become constants like ONNX-propagated ones. Larger
// constant subgraphs are left to the compiler's constant folding.
//
//===----------------------------------------------------------------------===//
#include "ImporterImpl.h"

#include "llvm/ADT/StringSwitch.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>

using namespace mlir;
using namespace aic::importer;

/// Only shape-sized tensors are evaluated here.
static constexpr int64_t kMaxFoldElements = 64;
/// The most nodes evaluated at compile time for a shape-determining value.
static constexpr int kMaxEvaluatedNodes = 32;

namespace {
/// A constant as numbers: integers (and booleans) as int64 read with their
/// signedness, floats as double.
struct Values {
  RankedTensorType type;
  bool isUnsigned = false;
  std::vector<int64_t> ints;
  std::vector<double> floats;

  bool isFloat() const { return isa<FloatType>(type.getElementType()); }
  int64_t size() const { return type.getNumElements(); }
};
} // namespace

static Values read(const ConstTensor &tensor) {
  Values v{tensor.type, tensor.isUnsigned, {}, {}};
  if (v.isFloat())
    v.floats = getValuesAsDouble(tensor);
  else
    v.ints = getValuesAsInt(tensor);
  return v;
}

/// Wraps `value` to the integer type's width (two's complement), as the
/// compiled code computes.
static int64_t wrap(uint64_t value, Type type, bool isUnsigned) {
  unsigned width = type.getIntOrFloatBitWidth();
  if (width == 1)
    return value != 0;
  if (width >= 64)
    return static_cast<int64_t>(value);
  uint64_t mask = (uint64_t(1) << width) - 1;
  value &= mask;
  if (!isUnsigned && (value >> (width - 1)) & 1)
    value |= ~mask;
  return static_cast<int64_t>(value);
}

/// Rounds `value` to the float type, as if computed in it.
static double round(double value, Type type) {
  return type.isF32() ? static_cast<double>(static_cast<float>(value)) : value;
}

static ConstTensor write(const Values &v) {
  Type et = v.type.getElementType();
  if (v.isFloat())
    return makeFloatTensor(v.type, v.floats);
  ConstTensor tensor{v.type, {}, v.isUnsigned};
  int64_t size = elementByteSize(et);
  tensor.data.resize(v.ints.size() * size);
  for (auto [i, value] : llvm::enumerate(v.ints)) {
    // Little-endian: the low bytes of the int64.
    std::memcpy(tensor.data.data() + i * size, &value, size);
  }
  return tensor;
}

/// The position in an operand of shape `in` (broadcast to `out`) of the
/// element at linear index `index` of the result.
static int64_t broadcastIndex(int64_t index, ArrayRef<int64_t> out,
                              ArrayRef<int64_t> in) {
  int64_t result = 0, stride = 1;
  for (int64_t d = out.size() - 1, k = in.size() - 1; d >= 0; --d, --k) {
    int64_t coordinate = index % out[d];
    index /= out[d];
    if (k < 0)
      continue;
    if (in[k] != 1)
      result += coordinate * stride;
    stride *= in[k];
  }
  return result;
}

namespace {
enum class Fn {
  add,
  sub,
  mul,
  div,
  mod,  // Mod, fmod = 0: the remainder takes the divisor's sign
  fmod, // Mod, fmod = 1: the dividend's
  max,
  min,
  neg,
  abs,
  relu,
  floor,
  ceil,
  reciprocal, // floats only
  sqrt,       // floats only
  eq,
  lt,
  le,
  gt,
  ge,
  logicalNot,
  logicalAnd,
  logicalOr,
  logicalXor,
  where,
  cast,
};
} // namespace

/// Evaluates an elementwise operator on numbers of one kind.
static std::optional<Values> evalElementwise(Fn fn,
                                             ArrayRef<const Values *> inputs,
                                             Type resultType,
                                             bool resultUnsigned) {
  SmallVector<int64_t> shape;
  for (const Values *input : inputs) {
    FailureOr<SmallVector<int64_t>> broadcast =
        aic::broadcastShapes(shape, input->type.getShape());
    if (failed(broadcast))
      return std::nullopt;
    shape = std::move(*broadcast);
  }
  Values result{
      RankedTensorType::get(shape, resultType), resultUnsigned, {}, {}};
  bool floatResult = result.isFloat();
  // Comparisons and Where read operands of their own kind.
  const Values &first = *inputs[fn == Fn::where ? 1 : 0];
  bool floatOperands = first.isFloat();
  for (int64_t i = 0, e = result.size(); i < e; ++i) {
    SmallVector<int64_t> at;
    for (const Values *input : inputs)
      at.push_back(broadcastIndex(i, shape, input->type.getShape()));
    auto f = [&](int k) { return inputs[k]->floats[at[k]]; };
    auto n = [&](int k) { return inputs[k]->ints[at[k]]; };
    auto un = [&](int k) { return static_cast<uint64_t>(n(k)); };
    std::optional<bool> truth;
    double fv = 0;
    int64_t iv = 0;
    switch (fn) {
    case Fn::eq:
    case Fn::lt:
    case Fn::le:
    case Fn::gt:
    case Fn::ge: {
      int c;
      if (floatOperands) {
        if (std::isnan(f(0)) || std::isnan(f(1))) {
          truth = false;
          break;
        }
        c = f(0) < f(1) ? -1 : f(0) > f(1) ? 1 : 0;
      } else if (first.isUnsigned) {
        c = un(0) < un(1) ? -1 : un(0) > un(1) ? 1 : 0;
      } else {
        c = n(0) < n(1) ? -1 : n(0) > n(1) ? 1 : 0;
      }
      truth = fn == Fn::eq   ? c == 0
              : fn == Fn::lt ? c < 0
              : fn == Fn::le ? c <= 0
              : fn == Fn::gt ? c > 0
                             : c >= 0;
      break;
    }
    case Fn::logicalNot:
      truth = !n(0);
      break;
    case Fn::logicalAnd:
      truth = n(0) && n(1);
      break;
    case Fn::logicalOr:
      truth = n(0) || n(1);
      break;
    case Fn::logicalXor:
      truth = (n(0) != 0) != (n(1) != 0);
      break;
    case Fn::where:
      if (floatResult)
        fv = n(0) ? f(1) : f(2);
      else
        iv = n(0) ? n(1) : n(2);
      break;
    case Fn::cast:
      if (resultType.isInteger(1))
        truth = floatOperands ? f(0) != 0 : n(0) != 0;
      else if (floatResult)
        fv = floatOperands      ? f(0)
             : first.isUnsigned ? static_cast<double>(un(0))
                                : static_cast<double>(n(0));
      else if (floatOperands) {
        // Out of range is undefined in ONNX: leave it to the compiled code.
        if (!(std::fabs(f(0)) < 9.2e18))
          return std::nullopt;
        iv = static_cast<int64_t>(f(0));
      } else {
        iv = n(0);
      }
      break;
    default:
      if (floatOperands) {
        double x = f(0), y = inputs.size() > 1 ? f(1) : 0;
        switch (fn) {
        case Fn::add:
          fv = x + y;
          break;
        case Fn::sub:
          fv = x - y;
          break;
        case Fn::mul:
          fv = x * y;
          break;
        case Fn::div:
          fv = x / y;
          break;
        case Fn::max:
          fv = std::isnan(x) || std::isnan(y) ? NAN : std::max(x, y);
          break;
        case Fn::min:
          fv = std::isnan(x) || std::isnan(y) ? NAN : std::min(x, y);
          break;
        case Fn::neg:
          fv = -x;
          break;
        case Fn::abs:
          fv = std::fabs(x);
          break;
        case Fn::relu:
          fv = std::isnan(x) ? x : std::max(x, 0.0);
          break;
        case Fn::fmod:
          fv = std::fmod(x, y);
          break;
        case Fn::floor:
          fv = std::floor(x);
          break;
        case Fn::reciprocal:
          fv = 1.0 / x;
          break;
        case Fn::sqrt:
          fv = std::sqrt(x);
          break;
        case Fn::ceil:
          fv = std::ceil(x);
          break;
        default:
          return std::nullopt;
        }
      } else {
        bool u = first.isUnsigned;
        uint64_t x = un(0), y = inputs.size() > 1 ? un(1) : 0;
        int64_t sx = n(0), sy = inputs.size() > 1 ? n(1) : 0;
        switch (fn) {
        case Fn::add:
          iv = static_cast<int64_t>(x + y);
          break;
        case Fn::sub:
          iv = static_cast<int64_t>(x - y);
          break;
        case Fn::mul:
          iv = static_cast<int64_t>(x * y);
          break;
        case Fn::div:
          // As the compiled code: x / 0 = 0, INT64_MIN / -1 wraps.
          if (y == 0)
            iv = 0;
          else if (u)
            iv = static_cast<int64_t>(x / y);
          else if (sy == -1)
            iv = static_cast<int64_t>(0 - x);
          else
            iv = sx / sy;
          break;
        case Fn::mod:
        case Fn::fmod: {
          // As the compiled code: x % 0 = 0, x % -1 = 0.
          if (y == 0 || (!u && sy == -1)) {
            iv = 0;
            break;
          }
          if (u) {
            iv = static_cast<int64_t>(x % y);
            break;
          }
          int64_t r = sx % sy;
          if (fn == Fn::mod && r != 0 && (r < 0) != (sy < 0))
            r += sy;
          iv = r;
          break;
        }
        case Fn::max:
          iv = u ? static_cast<int64_t>(std::max(x, y)) : std::max(sx, sy);
          break;
        case Fn::min:
          iv = u ? static_cast<int64_t>(std::min(x, y)) : std::min(sx, sy);
          break;
        case Fn::neg:
          iv = static_cast<int64_t>(0 - x);
          break;
        case Fn::abs:
          iv = u || sx >= 0 ? sx : static_cast<int64_t>(0 - x);
          break;
        case Fn::relu:
          iv = u ? sx : std::max<int64_t>(sx, 0);
          break;
        default:
          return std::nullopt;
        }
      }
    }
    if (truth)
      result.ints.push_back(*truth);
    else if (floatResult)
      result.floats.push_back(round(fv, resultType));
    else
      result.ints.push_back(wrap(iv, resultType, resultUnsigned));
  }
  return result;
}

static std::optional<Fn> getElementwiseFn(StringRef opType) {
  return llvm::StringSwitch<std::optional<Fn>>(opType)
      .Case("Add", Fn::add)
      .Case("Sub", Fn::sub)
      .Case("Mul", Fn::mul)
      .Case("Div", Fn::div)
      .Case("Max", Fn::max)
      .Case("Min", Fn::min)
      .Case("Neg", Fn::neg)
      .Case("Abs", Fn::abs)
      .Case("Relu", Fn::relu)
      .Case("Floor", Fn::floor)
      .Case("Ceil", Fn::ceil)
      .Case("Reciprocal", Fn::reciprocal)
      .Case("Sqrt", Fn::sqrt)
      .Case("Equal", Fn::eq)
      .Case("Less", Fn::lt)
      .Case("LessOrEqual", Fn::le)
      .Case("Greater", Fn::gt)
      .Case("GreaterOrEqual", Fn::ge)
      .Case("Not", Fn::logicalNot)
      .Case("And", Fn::logicalAnd)
      .Case("Or", Fn::logicalOr)
      .Case("Xor", Fn::logicalXor)
      .Case("Where", Fn::where)
      .Case("Cast", Fn::cast)
      .Default(std::nullopt);
}

static int64_t getIntAttr(const onnx::NodeProto &node, StringRef name,
                          int64_t defaultValue) {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == name && attr.has_i())
      return attr.i();
  return defaultValue;
}

/// The static ONNX type of output `i`, if known.
static std::optional<RankedTensorType>
getStaticOutputType(const onnx::NodeProto &node, const GraphState &state,
                    int i) {
  const onnx::TypeProto *type = state.getOnnxType(node.output(i));
  if (!type)
    return std::nullopt;
  std::string why;
  FailureOr<RankedTensorType> converted =
      convertTensorType(*type, state.getContext(), why);
  if (failed(converted))
    return std::nullopt;
  return *converted;
}

/// Concat along `axis` of constants of equal type.
static std::optional<Values> evalConcat(ArrayRef<const Values *> inputs,
                                        int64_t axis) {
  const Values &first = *inputs.front();
  int64_t rank = first.type.getRank();
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return std::nullopt;
  SmallVector<int64_t> shape(first.type.getShape());
  shape[axis] = 0;
  for (const Values *input : inputs) {
    if (input->type.getRank() != rank ||
        input->type.getElementType() != first.type.getElementType())
      return std::nullopt;
    shape[axis] += input->type.getDimSize(axis);
  }
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= shape[d];
  Values result{RankedTensorType::get(shape, first.type.getElementType()),
                first.isUnsigned,
                {},
                {}};
  for (int64_t o = 0; o < outer; ++o) {
    for (const Values *input : inputs) {
      int64_t chunk = outer ? input->size() / outer : 0;
      for (int64_t k = 0; k < chunk; ++k) {
        if (first.isFloat())
          result.floats.push_back(input->floats[o * chunk + k]);
        else
          result.ints.push_back(input->ints[o * chunk + k]);
      }
    }
  }
  return result;
}

/// Gather along `axis` with in-range (or negative) constant indices.
static std::optional<Values> evalGather(const Values &data,
                                        const Values &indices, int64_t axis) {
  int64_t rank = data.type.getRank();
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank || indices.isFloat())
    return std::nullopt;
  ArrayRef<int64_t> dims = data.type.getShape();
  SmallVector<int64_t> shape(dims.take_front(axis));
  llvm::append_range(shape, indices.type.getShape());
  llvm::append_range(shape, dims.drop_front(axis + 1));
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= dims[d];
  for (int64_t d = axis + 1; d < rank; ++d)
    inner *= dims[d];
  Values result{RankedTensorType::get(shape, data.type.getElementType()),
                data.isUnsigned,
                {},
                {}};
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t index : indices.ints) {
      if (index < 0)
        index += dims[axis];
      if (index < 0 || index >= dims[axis])
        return std::nullopt;
      for (int64_t k = 0; k < inner; ++k) {
        int64_t at = (o * dims[axis] + index) * inner + k;
        if (data.isFloat())
          result.floats.push_back(data.floats[at]);
        else
          result.ints.push_back(data.ints[at]);
      }
    }
  }
  return result;
}

/// The multi-index of element `flat` of a tensor of `shape`.
static SmallVector<int64_t> unflatten(int64_t flat, ArrayRef<int64_t> shape) {
  SmallVector<int64_t> at(shape.size());
  for (int64_t d = shape.size() - 1; d >= 0; --d) {
    at[d] = shape[d] ? flat % shape[d] : 0;
    flat = shape[d] ? flat / shape[d] : 0;
  }
  return at;
}

/// The element of `data` at multi-index `at`, appended to `result`.
static void appendElement(const Values &data, ArrayRef<int64_t> at,
                          Values &result) {
  int64_t flat = 0;
  for (auto [d, i] : llvm::enumerate(at))
    flat = flat * data.type.getDimSize(d) + i;
  if (data.isFloat())
    result.floats.push_back(data.floats[flat]);
  else
    result.ints.push_back(data.ints[flat]);
}

/// Slice (opset 10 on: bounds, axes and steps as inputs), clamped as ONNX
/// says; PyTorch reverses pad amounts with a step of -1.
static std::optional<Values> evalSlice(ArrayRef<const Values *> inputs) {
  const Values &data = *inputs[0];
  int64_t rank = data.type.getRank();
  for (const Values *v : inputs.drop_front())
    if (v->isFloat() || v->type.getRank() != 1 ||
        v->size() != inputs[1]->size())
      return std::nullopt;
  SmallVector<int64_t> starts(rank, 0), steps(rank, 1);
  SmallVector<int64_t> shape(data.type.getShape());
  SmallVector<bool> seen(rank, false);
  for (int64_t i = 0; i < inputs[1]->size(); ++i) {
    int64_t axis = inputs.size() > 3 ? inputs[3]->ints[i] : i;
    if (axis < 0)
      axis += rank;
    if (axis < 0 || axis >= rank || seen[axis])
      return std::nullopt;
    seen[axis] = true;
    int64_t step = inputs.size() > 4 ? inputs[4]->ints[i] : 1;
    int64_t dim = data.type.getDimSize(axis);
    int64_t start = inputs[1]->ints[i], end = inputs[2]->ints[i];
    if (step == 0 || step == INT64_MIN)
      return std::nullopt;
    if (start < 0)
      start += dim;
    if (end < 0)
      end += dim;
    int64_t count;
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      count = end > start ? (end - start - 1) / step + 1 : 0;
    } else {
      start = std::clamp<int64_t>(start, 0, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
      count = start > end ? (start - end - 1) / -step + 1 : 0;
    }
    starts[axis] = start;
    steps[axis] = step;
    shape[axis] = count;
  }
  Values result{RankedTensorType::get(shape, data.type.getElementType()),
                data.isUnsigned,
                {},
                {}};
  for (int64_t k = 0; k < result.size(); ++k) {
    SmallVector<int64_t> at = unflatten(k, shape);
    for (int64_t d = 0; d < rank; ++d)
      at[d] = starts[d] + at[d] * steps[d];
    appendElement(data, at, result);
  }
  return result;
}

/// Transpose by `perm` (default: the dims reversed).
static std::optional<Values> evalTranspose(const onnx::NodeProto &node,
                                           const Values &data) {
  int64_t rank = data.type.getRank();
  SmallVector<int64_t> perm;
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == "perm")
      perm.assign(attr.ints().begin(), attr.ints().end());
  if (perm.empty())
    for (int64_t d = rank - 1; d >= 0; --d)
      perm.push_back(d);
  SmallVector<int64_t> sorted(perm);
  llvm::sort(sorted);
  if (static_cast<int64_t>(perm.size()) != rank)
    return std::nullopt;
  for (int64_t d = 0; d < rank; ++d)
    if (sorted[d] != d)
      return std::nullopt;
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(data.type.getDimSize(p));
  Values result{RankedTensorType::get(shape, data.type.getElementType()),
                data.isUnsigned,
                {},
                {}};
  SmallVector<int64_t> at(rank);
  for (int64_t k = 0; k < result.size(); ++k) {
    SmallVector<int64_t> out = unflatten(k, shape);
    for (int64_t d = 0; d < rank; ++d)
      at[perm[d]] = out[d];
    appendElement(data, at, result);
  }
  return result;
}

/// ReduceMax, ReduceMin, ReduceSum and ReduceProd over the axes of the
/// `axes` attribute, or of the second input (ReduceSum from opset 13), all
/// axes if none unless noop_with_empty_axes; the result has the shape ONNX
/// inferred. torchvision's detection transforms pad images to the largest
/// size in the batch: a ReduceMax of their sizes.
static std::optional<Values> evalReduce(const onnx::NodeProto &node,
                                        ArrayRef<const Values *> inputs,
                                        std::optional<RankedTensorType> type) {
  const Values &data = *inputs[0];
  int64_t rank = data.type.getRank();
  StringRef opType = node.op_type();
  if (!type || type->getElementType() != data.type.getElementType() ||
      data.size() == 0)
    return std::nullopt;
  SmallVector<int64_t> axes;
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == "axes")
      axes.assign(attr.ints().begin(), attr.ints().end());
  if (inputs.size() > 1) {
    if (inputs[1]->isFloat())
      return std::nullopt;
    axes.assign(inputs[1]->ints.begin(), inputs[1]->ints.end());
  }
  if (axes.empty() && getIntAttr(node, "noop_with_empty_axes", 0))
    return std::nullopt;
  SmallVector<bool> reduced(rank, axes.empty());
  for (int64_t axis : axes) {
    if (axis < -rank || axis >= rank)
      return std::nullopt;
    reduced[axis < 0 ? axis + rank : axis] = true;
  }
  // The result's elements in the order of the kept dims.
  SmallVector<int64_t> kept;
  for (int64_t d = 0; d < rank; ++d)
    if (!reduced[d])
      kept.push_back(data.type.getDimSize(d));
  int64_t count = 1;
  for (int64_t size : kept)
    count *= size;
  if (count != type->getNumElements())
    return std::nullopt;
  Values result{*type, data.isUnsigned, {}, {}};
  std::vector<bool> seen(count, false);
  if (data.isFloat())
    result.floats.assign(count, 0);
  else
    result.ints.assign(count, 0);
  for (int64_t k = 0; k < data.size(); ++k) {
    SmallVector<int64_t> at = unflatten(k, data.type.getShape());
    int64_t out = 0, index = 0;
    for (int64_t d = 0; d < rank; ++d)
      if (!reduced[d])
        out = out * kept[index++] + at[d];
    auto combine = [&](auto &acc, auto v) {
      if (!seen[out])
        acc = v;
      else if (opType == "ReduceMax")
        acc = std::max(acc, v);
      else if (opType == "ReduceMin")
        acc = std::min(acc, v);
      else if (opType == "ReduceSum")
        acc += v;
      else
        acc *= v;
    };
    // Integer sums and products in uint64_t: they wrap (as compiled code
    // computes them, after the narrowing below); comparisons by signedness.
    bool wraps = opType == "ReduceSum" || opType == "ReduceProd";
    if (data.isFloat())
      combine(result.floats[out], data.floats[k]);
    else if (data.isUnsigned || wraps)
      combine(reinterpret_cast<uint64_t &>(result.ints[out]),
              static_cast<uint64_t>(data.ints[k]));
    else
      combine(result.ints[out], data.ints[k]);
    seen[out] = true;
  }
  for (double &v : result.floats)
    v = round(v, type->getElementType());
  for (int64_t &v : result.ints)
    v = wrap(static_cast<uint64_t>(v), type->getElementType(), data.isUnsigned);
  return result;
}

/// ConstantOfShape of a constant shape: its `value` (one element, default
/// a float 0) repeated. Exporters build -1 vectors and broadcast targets of
/// Expand this way, which Equal and Where then turn into shapes.
static std::optional<Values> evalConstantOfShape(const onnx::NodeProto &node,
                                                 const GraphState &state,
                                                 const Values &shape) {
  if (shape.isFloat() || shape.type.getRank() != 1)
    return std::nullopt;
  int64_t count = 1;
  for (int64_t dim : shape.ints) {
    if (dim < 0 || dim > kMaxFoldElements)
      return std::nullopt;
    count *= dim;
    if (count > kMaxFoldElements)
      return std::nullopt;
  }
  Values value{RankedTensorType::get({1}, Float32Type::get(state.getContext())),
               false,
               {},
               {0.0}};
  for (const onnx::AttributeProto &attr : node.attribute()) {
    if (attr.name() != "value")
      continue;
    std::string why;
    FailureOr<ConstTensor> tensor =
        decodeTensor(attr.t(), state.getModelDir(), state.getContext(), why);
    Type et = succeeded(tensor) ? tensor->type.getElementType() : Type();
    if (failed(tensor) || tensor->getNumElements() != 1 || et.isF16() ||
        et.isBF16() || tensor->isString())
      return std::nullopt;
    value = read(*tensor);
  }
  Values result{RankedTensorType::get(shape.ints, value.type.getElementType()),
                value.isUnsigned,
                {},
                {}};
  if (value.isFloat())
    result.floats.assign(count, value.floats[0]);
  else
    result.ints.assign(count, value.ints[0]);
  return result;
}

std::optional<ConstTensor>
aic::importer::evaluateNode(const onnx::NodeProto &node,
                            const GraphState &state,
                            ArrayRef<const ConstTensor *> constants) {
  if (node.output_size() != 1 || node.output(0).empty() ||
      static_cast<int>(constants.size()) != node.input_size())
    return std::nullopt;
  SmallVector<Values> storage;
  storage.reserve(node.input_size());
  for (const ConstTensor *tensor : constants) {
    if (!tensor || tensor->getNumElements() > kMaxFoldElements)
      return std::nullopt;
    Type et = tensor->type.getElementType();
    if (et.isF16() || et.isBF16() || tensor->isString())
      return std::nullopt;
    storage.push_back(read(*tensor));
  }
  if (storage.empty() ||
      state.getOnnxElementType(node.output(0)) == onnx::TensorProto::STRING)
    return std::nullopt;
  SmallVector<const Values *> inputs;
  for (const Values &v : storage)
    inputs.push_back(&v);
  StringRef opType = node.op_type();
  std::optional<RankedTensorType> inferred =
      getStaticOutputType(node, state, 0);
  int32_t onnxResultType =
      state.getOnnxElementType(node.output(0)) != onnx::TensorProto::UNDEFINED
          ? state.getOnnxElementType(node.output(0))
          : getOnnxElementType(storage.front().type.getElementType(),
                               storage.front().isUnsigned);

  std::optional<Fn> fn = getElementwiseFn(opType);
  if (opType == "Mod")
    fn = getIntAttr(node, "fmod", 0) ? Fn::fmod : Fn::mod;
  if (fn == Fn::cast)
    onnxResultType = static_cast<int32_t>(getIntAttr(node, "to", 0));
  else if (fn && *fn >= Fn::eq && *fn <= Fn::logicalXor)
    onnxResultType = onnx::TensorProto::BOOL;
  else if (fn == Fn::where && storage.size() == 3)
    onnxResultType = getOnnxElementType(storage[1].type.getElementType(),
                                        storage[1].isUnsigned);

  std::optional<Values> result;
  if (fn) {
    // Legacy (opset < 7) broadcasting is not numpy's.
    if (state.getOpset() < 7 && inputs.size() > 1)
      return std::nullopt;
    Type resultType = convertElementType(onnxResultType, state.getContext());
    if (!resultType || resultType.isF16() || resultType.isBF16())
      return std::nullopt;
    result = evalElementwise(*fn, inputs, resultType,
                             isUnsignedElementType(onnxResultType));
  } else if (opType == "Identity" || opType == "Reshape" ||
             opType == "Squeeze" || opType == "Unsqueeze" ||
             opType == "Flatten") {
    // Same elements in another shape: ONNX inferred the shape.
    if (!inferred || inferred->getNumElements() != storage.front().size() ||
        inferred->getElementType() != storage.front().type.getElementType())
      return std::nullopt;
    result = storage.front();
    result->type = *inferred;
  } else if (opType == "Concat") {
    result = evalConcat(inputs, getIntAttr(node, "axis", 0));
  } else if (opType == "Gather" && inputs.size() == 2) {
    result = evalGather(*inputs[0], *inputs[1], getIntAttr(node, "axis", 0));
  } else if (opType == "ConstantOfShape" && inputs.size() == 1) {
    result = evalConstantOfShape(node, state, *inputs[0]);
  } else if (opType == "Slice" && state.getOpset() >= 10 &&
             inputs.size() >= 3) {
    result = evalSlice(inputs);
  } else if (opType == "Transpose" && inputs.size() == 1) {
    result = evalTranspose(node, *inputs[0]);
  } else if (opType == "ReduceMax" || opType == "ReduceMin" ||
             opType == "ReduceSum" || opType == "ReduceProd") {
    result = evalReduce(node, inputs, inferred);
  }
  if (!result || result->size() > kMaxFoldElements)
    return std::nullopt;
  // A type ONNX inferred must agree; else the rule reports the node.
  if (inferred && *inferred != result->type)
    return std::nullopt;
  return write(*result);
}

bool aic::importer::foldConstantNode(const onnx::NodeProto &node,
                                     GraphState &state, Location loc) {
  SmallVector<const ConstTensor *> inputs;
  for (const std::string &name : node.input())
    inputs.push_back(name.empty() ? nullptr : state.getConstant(name));
  std::optional<ConstTensor> result = evaluateNode(node, state, inputs);
  if (!result)
    return false;
  state.addConstant(node.output(0), std::move(*result), loc);
  return true;
}

/// evaluateAtCompileTime, in at most `budget` more nodes.
static std::optional<ConstTensor> evaluate(GraphState &state, StringRef name,
                                           SmallVectorImpl<std::string> &given,
                                           int &budget) {
  if (const ConstTensor *constant = state.getConstant(name))
    return *constant;
  if (const ConstTensor *value =
          state.getBoundInputValue(name, /*specialize=*/false)) {
    given.push_back(name.str());
    return *value;
  }
  const onnx::NodeProto *producer = state.findProducer(name);
  if (!producer || --budget < 0)
    return std::nullopt;
  std::deque<ConstTensor> storage;
  SmallVector<const ConstTensor *> inputs;
  for (const std::string &input : producer->input()) {
    std::optional<ConstTensor> value =
        input.empty() ? std::nullopt : evaluate(state, input, given, budget);
    if (!value)
      return std::nullopt;
    storage.push_back(std::move(*value));
    inputs.push_back(&storage.back());
  }
  return evaluateNode(*producer, state, inputs);
}

std::optional<ConstTensor>
aic::importer::evaluateAtCompileTime(GraphState &state, StringRef name,
                                     SmallVectorImpl<std::string> &given) {
  int budget = kMaxEvaluatedNodes;
  return evaluate(state, name, given, budget);
}
