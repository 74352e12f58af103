//===- InferenceGuards.cpp - Checks before ONNX's unchecked inference -----===//
//
// Several of ONNX 1.12's shape-inference functions index an input's dims
// with a rank or an axis they never check, and a hostile or broken model
// makes them read or write past the end of a vector or a repeated field and
// crash. The bugs fall into a few classes, each a kind of check here:
//
// - an input whose rank the function assumes (Gemm-1..9 indexes dims 0 and 1
//   of A and B; RNN-1, GRU-3 and LSTM-1 dims 0 and 1 of X);
// - a second input that must have the rank of the first (the Conv family
//   reads the kernel size from the weights' dims 2.. and indexes it by the
//   input's spatial dims; MaxUnpool reads the channels from dim 1 of its
//   indices, which the compile fuzzer found: the hostile contexts below
//   read past the end without crashing);
// - an axis-like attribute used as a dim index without a range check
//   (LayerNormalization's axis, GatherND's batch_dims);
// - a shape input whose length becomes the output's rank (Expand,
//   ConstantOfShape, Reshape): a declared int64[2^40] makes ONNX add 2^40
//   dims to a shape, terabytes, before anything else looks at the model.
//   Its length is checked against ImportOptions::maxRank;
// - a count attribute sizing vectors by its value (Scan's num_scan_inputs:
//   2^33 made ONNX fill a 64 GiB vector), checked against the node's
//   inputs;
// - a divisor taken from an attribute or a constant input unchecked (the
//   conv and pool family's strides, SplitToSequence's scalar split) or
//   from a square that overflows (DepthToSpace's blocksize);
// - an input whose shape the function reads without asking whether it
//   has one (MaxUnpool's indices).
//
// Two classes hold for every operator, so every inference function (of
// every domain) is wrapped in their checks:
// - a required input without a type: ONNX goes on inferring after a node
//   fails and leaves that node's outputs untyped, and several functions
//   (Shape-15's data propagation, the ai.onnx.ml encoders) dereference the
//   missing type. Such a node is skipped (the failure upstream is the
//   model's error);
// - an output dim below 0 or a shape of more than 2^62 elements: inference
//   computes them from hostile values (Pad by negative pads, Tile by
//   negative repeats, products of huge dims), and later functions index
//   with such dims unchecked (GatherND read data dims at -3).
// Data propagation (the shape values ONNX follows through Shape, Slice,
// Add, ...) is skipped likewise, and the propagation of Slice and of the
// binary operators is skipped on an empty shape value, which they index
// past the end, and for Slice on a step beyond the value's length, which
// its int loop counter never passes (an endless loop).
//
// The table below lists every case of these classes in ONNX 1.12, found by
// reading its inference functions and by running all of them (every
// version of every operator) on hostile contexts: ranks 0, 1 and 3,
// mismatched ranks, missing optional inputs and extreme attribute values
// (test/unit/importer/InferenceGuardsTest.cpp does that on every build).
// guardShapeInference wraps each listed operator's inference function, in
// every version, in ONNX's schema registry with the checks, so such a model
// gets ONNX's usual one-line shape-inference error instead of a crash. The
// checks only reject what the operators' specifications forbid.
//
//===----------------------------------------------------------------------===//
#include "ImporterImpl.h"

#include "onnx/defs/schema.h"
#include "onnx/defs/shape_inference.h"

#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace {

enum class GuardKind {
  /// Input `input` has rank `value`.
  RankIs,
  /// Input `input` has the rank of input `value`.
  SameRankAs,
  /// Attribute `attr` (default `value`) is an axis of input `input`:
  /// in [-r, r).
  AxisOf,
  /// Attribute `attr` (default `value`) is a count of leading dims of
  /// input `input`: in [0, r).
  LeadingDimsOf,
  /// Input `input` is a shape: its length is at most the rank limit.
  ShapeLength,
  /// Attribute `attr` counts some of the node's inputs: in [1, inputs].
  InputCount,
  /// Every entry of list attribute `attr` is at least 1.
  PositiveInts,
  /// Attribute `attr`, if given, is at most `value`.
  IntAtMost,
  /// Input `input`, if present and typed, has a shape.
  ShapeKnown,
  /// Input `input`, if a constant scalar, is at least 1.
  PositiveScalar,
};

struct Guard {
  const char *op;
  GuardKind kind;
  size_t input;
  int64_t value;
  const char *attr = nullptr;
};

const Guard kGuards[] = {
    {"Conv", GuardKind::SameRankAs, 1, 0},
    {"ConvInteger", GuardKind::SameRankAs, 1, 0},
    {"ConvTranspose", GuardKind::SameRankAs, 1, 0},
    {"QLinearConv", GuardKind::SameRankAs, 3, 0},
    {"MaxUnpool", GuardKind::SameRankAs, 1, 0},
    {"Gemm", GuardKind::RankIs, 0, 2},
    {"Gemm", GuardKind::RankIs, 1, 2},
    {"RNN", GuardKind::RankIs, 0, 3},
    {"GRU", GuardKind::RankIs, 0, 3},
    {"LSTM", GuardKind::RankIs, 0, 3},
    {"LayerNormalization", GuardKind::AxisOf, 0, -1, "axis"},
    {"GatherND", GuardKind::LeadingDimsOf, 0, 0, "batch_dims"},
    {"GatherND", GuardKind::LeadingDimsOf, 1, 0, "batch_dims"},
    {"Expand", GuardKind::ShapeLength, 1, 0},
    {"ConstantOfShape", GuardKind::ShapeLength, 0, 0},
    {"Reshape", GuardKind::ShapeLength, 1, 0},
    {"Scan", GuardKind::InputCount, 0, 0, "num_scan_inputs"},
    {"Conv", GuardKind::PositiveInts, 0, 0, "strides"},
    {"ConvInteger", GuardKind::PositiveInts, 0, 0, "strides"},
    {"QLinearConv", GuardKind::PositiveInts, 0, 0, "strides"},
    {"MaxPool", GuardKind::PositiveInts, 0, 0, "strides"},
    {"AveragePool", GuardKind::PositiveInts, 0, 0, "strides"},
    {"LpPool", GuardKind::PositiveInts, 0, 0, "strides"},
    {"DepthToSpace", GuardKind::IntAtMost, 0, INT32_MAX, "blocksize"},
    {"SpaceToDepth", GuardKind::IntAtMost, 0, INT32_MAX, "blocksize"},
    {"MaxUnpool", GuardKind::ShapeKnown, 1, 0},
    {"SplitToSequence", GuardKind::PositiveScalar, 1, 0},
};

/// ImportOptions::maxRank of the import running on this thread.
thread_local int64_t maxRank = aic::ImportOptions::kDefaultMaxRank;

/// The length of shape input `index` if known: its data's, else its dim 0.
std::optional<int64_t> shapeLength(onnx::InferenceContext &ctx, size_t index) {
  if (index >= ctx.getNumInputs())
    return std::nullopt;
  if (const onnx::TensorProto *data = ctx.getInputData(index)) {
    // Saturating: the dims of a hostile initializer multiply past int64.
    int64_t count = 1;
    for (int64_t dim : data->dims())
      if (dim < 0 || __builtin_mul_overflow(count, dim, &count))
        return INT64_MAX;
    return count;
  }
  if (!onnx::hasInputShape(ctx, index))
    return std::nullopt;
  const onnx::TensorShapeProto &shape =
      ctx.getInputType(index)->tensor_type().shape();
  if (shape.dim_size() != 1 || !shape.dim(0).has_dim_value())
    return std::nullopt;
  return shape.dim(0).dim_value();
}

/// The rank of input `index` if it is present and its shape known.
std::optional<int64_t> knownRank(onnx::InferenceContext &ctx, size_t index) {
  if (index >= ctx.getNumInputs() || !onnx::hasInputShape(ctx, index))
    return std::nullopt;
  return ctx.getInputType(index)->tensor_type().shape().dim_size();
}

/// The value of a constant integer scalar, if `tensor` is one (its
/// payload was checked against its dims before inference).
std::optional<int64_t> scalarValue(const onnx::TensorProto &tensor) {
  if (tensor.dims_size() != 0)
    return std::nullopt;
  bool is64 = tensor.data_type() == onnx::TensorProto::INT64;
  if (!is64 && tensor.data_type() != onnx::TensorProto::INT32)
    return std::nullopt;
  if (tensor.has_raw_data()) {
    const std::string &raw = tensor.raw_data();
    if (raw.size() != (is64 ? 8u : 4u))
      return std::nullopt;
    int64_t v64 = 0;
    int32_t v32 = 0;
    if (is64)
      std::memcpy(&v64, raw.data(), 8);
    else
      std::memcpy(&v32, raw.data(), 4);
    return is64 ? v64 : v32;
  }
  if (is64 && tensor.int64_data_size() == 1)
    return tensor.int64_data(0);
  if (!is64 && tensor.int32_data_size() == 1)
    return tensor.int32_data(0);
  return std::nullopt;
}

/// Fails inference (ONNX's exception) if `guard` does not hold in `ctx`.
void check(const Guard &guard, onnx::InferenceContext &ctx) {
  switch (guard.kind) {
  case GuardKind::PositiveInts:
    if (const onnx::AttributeProto *attr = ctx.getAttribute(guard.attr))
      for (int64_t v : attr->ints())
        if (v < 1)
          fail_shape_inference("attribute '", guard.attr, "' holds ", v,
                               "; its entries must be at least 1");
    return;
  case GuardKind::IntAtMost:
    if (const onnx::AttributeProto *attr = ctx.getAttribute(guard.attr))
      if (attr->i() > guard.value)
        fail_shape_inference("attribute '", guard.attr, "' (", attr->i(),
                             ") is over ", guard.value);
    return;
  case GuardKind::ShapeKnown:
    if (guard.input < ctx.getNumInputs() && ctx.getInputType(guard.input) &&
        !onnx::hasInputShape(ctx, guard.input))
      fail_shape_inference("input ", guard.input,
                           " has no shape; this operator's inference needs "
                           "its rank");
    return;
  case GuardKind::PositiveScalar:
    if (guard.input < ctx.getNumInputs())
      if (const onnx::TensorProto *data = ctx.getInputData(guard.input))
        if (std::optional<int64_t> value = scalarValue(*data);
            value && *value < 1)
          fail_shape_inference("input ", guard.input, " is ", *value,
                               "; it must be at least 1");
    return;
  default:
    break;
  }
  if (guard.kind == GuardKind::ShapeLength) {
    std::optional<int64_t> length = shapeLength(ctx, guard.input);
    if (length && *length > maxRank)
      fail_shape_inference("input ", guard.input, " asks for a result of ",
                           *length, " dims, over the limit of ", maxRank,
                           " (--max-rank)");
    return;
  }
  if (guard.kind == GuardKind::InputCount) {
    const onnx::AttributeProto *attr = ctx.getAttribute(guard.attr);
    auto inputs = static_cast<int64_t>(ctx.getNumInputs());
    if (attr && (attr->i() < 1 || attr->i() > inputs))
      fail_shape_inference("attribute '", guard.attr, "' (", attr->i(),
                           ") is not in [1, ", inputs,
                           "], the node's number of inputs");
    return;
  }
  std::optional<int64_t> rank = knownRank(ctx, guard.input);
  if (!rank)
    return;
  switch (guard.kind) {
  case GuardKind::RankIs:
    if (*rank != guard.value)
      fail_shape_inference("input ", guard.input, " has rank ", *rank,
                           "; expected rank ", guard.value);
    return;
  case GuardKind::SameRankAs: {
    std::optional<int64_t> other = knownRank(ctx, guard.value);
    if (other && *other != *rank)
      fail_shape_inference("input ", guard.input, " has rank ", *rank,
                           " but input ", guard.value, " has rank ", *other);
    return;
  }
  case GuardKind::AxisOf:
  case GuardKind::LeadingDimsOf: {
    int64_t value = guard.value;
    if (const onnx::AttributeProto *attr = ctx.getAttribute(guard.attr))
      value = attr->i();
    int64_t lowest = guard.kind == GuardKind::AxisOf ? -*rank : 0;
    if (value >= lowest && value < *rank)
      return;
    std::string valid = *rank == 0
                            ? std::string(" (it has no dims)")
                            : " (valid: [" + std::to_string(lowest) + ", " +
                                  std::to_string(*rank - 1) + "])";
    fail_shape_inference("attribute '", guard.attr, "' (", value,
                         ") is out of range for input ", guard.input,
                         " of rank ", *rank, valid);
    return;
  }
  default:
    return;
  }
}

/// The formal parameter of input `index` of `schema` (the last one is
/// variadic), if any.
const onnx::OpSchema::FormalParameter *formalInput(const onnx::OpSchema &schema,
                                                   size_t index) {
  const auto &inputs = schema.inputs();
  if (inputs.empty())
    return nullptr;
  if (index < inputs.size())
    return &inputs[index];
  if (inputs.back().GetOption() == onnx::OpSchema::Variadic)
    return &inputs.back();
  return nullptr;
}

/// Whether every required input of the node has a type. ONNX goes on
/// inferring after a node fails and leaves that node's outputs untyped;
/// inference and data propagation functions dereference the input types
/// they assume, so they are skipped on such a node (its outputs stay
/// untyped, and the failure upstream is the model's error). The context
/// cannot tell a missing optional input from an untyped one; those are left
/// to the functions, which check them.
template <typename Context>
bool inputsTyped(const onnx::OpSchema &schema, Context &ctx) {
  for (size_t i = 0; i < ctx.getNumInputs(); ++i) {
    const onnx::OpSchema::FormalParameter *formal = formalInput(schema, i);
    if (formal && formal->GetOption() != onnx::OpSchema::Optional &&
        !ctx.getInputType(i))
      return false;
  }
  return true;
}

/// Fails if `type` (of output `index`) has a dim below 0 or more than 2^62
/// elements.
void checkInferredType(const onnx::TypeProto &type, size_t index) {
  if (type.has_sequence_type())
    return checkInferredType(type.sequence_type().elem_type(), index);
  if (type.has_optional_type())
    return checkInferredType(type.optional_type().elem_type(), index);
  const onnx::TensorShapeProto *shape = nullptr;
  if (type.has_tensor_type() && type.tensor_type().has_shape())
    shape = &type.tensor_type().shape();
  else if (type.has_sparse_tensor_type() &&
           type.sparse_tensor_type().has_shape())
    shape = &type.sparse_tensor_type().shape();
  if (!shape)
    return;
  int64_t elements = 1;
  bool huge = false;
  for (const onnx::TensorShapeProto::Dimension &dim : shape->dim()) {
    if (!dim.has_dim_value())
      continue;
    if (dim.dim_value() < 0)
      fail_shape_inference("output ", index, " would have dim ",
                           dim.dim_value(), " (dims are at least 0)");
    if (dim.dim_value() > 0 &&
        (__builtin_mul_overflow(elements, dim.dim_value(), &elements) ||
         elements > (int64_t(1) << 62)))
      huge = true;
  }
  // A zero dim anywhere makes the tensor empty, however large the rest.
  if (huge && elements != 0) {
    for (const onnx::TensorShapeProto::Dimension &dim : shape->dim())
      if (dim.has_dim_value() && dim.dim_value() == 0)
        return;
    fail_shape_inference("output ", index,
                         " would have more than 2^62 elements");
  }
}

/// The data propagation of these operators indexes an empty shape value
/// past its end.
bool propagatesOnlyNonEmpty(const std::string &op) {
  return op == "Add" || op == "Sub" || op == "Mul" || op == "Div" ||
         op == "Slice";
}

/// Whether data propagation of `schema` can run on `ctx`'s values: not for
/// an empty one where it would read past the end, nor for Slice by a step
/// beyond the value's length (its int counter would never pass the end).
bool canPropagate(const onnx::OpSchema &schema,
                  onnx::DataPropagationContext &ctx) {
  if (!propagatesOnlyNonEmpty(schema.Name()))
    return true;
  for (size_t i = 0; i < ctx.getNumInputs(); ++i)
    if (const onnx::TensorShapeProto *data = ctx.getInputData(i))
      if (data->dim_size() == 0)
        return false;
  if (schema.Name() != "Slice" || ctx.getNumInputs() < 5)
    return true;
  const onnx::TensorShapeProto *input = ctx.getInputData(0);
  const onnx::TensorShapeProto *steps = ctx.getInputData(4);
  if (!input || !steps)
    return true;
  for (const onnx::TensorShapeProto::Dimension &step : steps->dim())
    if (step.has_dim_value() && (step.dim_value() > input->dim_size() ||
                                 step.dim_value() < -input->dim_size()))
      return false;
  return true;
}

} // namespace

void aic::importer::setInferenceMaxRank(int64_t rank) { maxRank = rank; }

void aic::importer::guardShapeInference() {
  std::vector<std::pair<std::string, int>> versions;
  std::vector<std::string> domains;
  for (const onnx::OpSchema &schema :
       onnx::OpSchemaRegistry::get_all_schemas_with_history())
    versions.emplace_back(schema.Name(), schema.SinceVersion()),
        domains.push_back(schema.domain());
  for (size_t k = 0; k < versions.size(); ++k) {
    const auto &[name, version] = versions[k];
    auto *schema = const_cast<onnx::OpSchema *>(
        onnx::OpSchemaRegistry::Schema(name, version, domains[k]));
    if (!schema || schema->SinceVersion() != version)
      continue;
    std::vector<const Guard *> guards;
    if (domains[k].empty())
      for (const Guard &guard : kGuards)
        if (name == guard.op)
          guards.push_back(&guard);
    // (Without a function of its own, the getter returns a dummy; setting
    // one would hide that the operator has none, or a function body.)
    if (schema->has_type_and_shape_inference_function()) {
      onnx::InferenceFunction original =
          schema->GetTypeAndShapeInferenceFunction();
      schema->TypeAndShapeInferenceFunction(
          [original, guards, schema](onnx::InferenceContext &ctx) {
            if (!inputsTyped(*schema, ctx))
              return;
            for (const Guard *guard : guards)
              check(*guard, ctx);
            original(ctx);
            for (size_t i = 0; i < ctx.getNumOutputs(); ++i)
              if (const onnx::TypeProto *type = ctx.getOutputType(i))
                checkInferredType(*type, i);
          });
    }
    if (schema->has_data_propagation_function()) {
      onnx::DataPropagationFunction original =
          schema->GetDataPropagationFunction();
      schema->PartialDataPropagationFunction(
          [original, schema](onnx::DataPropagationContext &ctx) {
            if (inputsTyped(*schema, ctx) && canPropagate(*schema, ctx))
              original(ctx);
          });
    }
  }
}
