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
//   inputs.
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

/// Fails inference (ONNX's exception) if `guard` does not hold in `ctx`.
void check(const Guard &guard, onnx::InferenceContext &ctx) {
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
  case GuardKind::ShapeLength:
  case GuardKind::InputCount:
    return;
  }
}

} // namespace

void aic::importer::setInferenceMaxRank(int64_t rank) { maxRank = rank; }

void aic::importer::guardShapeInference() {
  std::vector<std::pair<std::string, int>> versions;
  for (const onnx::OpSchema &schema :
       onnx::OpSchemaRegistry::get_all_schemas_with_history())
    if (schema.domain().empty())
      versions.emplace_back(schema.Name(), schema.SinceVersion());
  for (const auto &[name, version] : versions) {
    std::vector<const Guard *> guards;
    for (const Guard &guard : kGuards)
      if (name == guard.op)
        guards.push_back(&guard);
    if (guards.empty())
      continue;
    auto *schema = const_cast<onnx::OpSchema *>(
        onnx::OpSchemaRegistry::Schema(name, version));
    if (!schema || schema->SinceVersion() != version)
      continue;
    onnx::InferenceFunction original =
        schema->GetTypeAndShapeInferenceFunction();
    if (!original)
      continue;
    schema->TypeAndShapeInferenceFunction(
        [original, guards](onnx::InferenceContext &ctx) {
          for (const Guard *guard : guards)
            check(*guard, ctx);
          original(ctx);
        });
  }
}
