//===- InferenceGuards.cpp - Input checks before ONNX's conv inference ----===//
//
// ONNX 1.12's shape inference of Conv, ConvInteger, QLinearConv and
// ConvTranspose reads the kernel size from the weights' dims 2.. and then
// indexes it by the input's spatial dims: weights of a lower rank than the
// input (a hostile or broken model) make it read past the end of a vector
// and crash. The guard wraps each version's inference function in ONNX's
// schema registry with the missing check, so such a model gets ONNX's usual
// shape-inference error instead. Gemm before opset 11 likewise indexes A's
// and B's dims without checking that they are 2-D.
//
//===----------------------------------------------------------------------===//
#include "ImporterImpl.h"

#include "onnx/defs/schema.h"
#include "onnx/defs/shape_inference.h"

#include <string>
#include <utility>
#include <vector>

namespace {

/// Fails inference unless the weights (input `weights`) have the rank of the
/// data (input `data`) where both shapes are known.
void checkWeightsRank(onnx::InferenceContext &ctx, size_t data,
                      size_t weights) {
  if (ctx.getNumInputs() <= std::max(data, weights) ||
      !onnx::hasInputShape(ctx, data) || !onnx::hasInputShape(ctx, weights))
    return;
  int dataRank = ctx.getInputType(data)->tensor_type().shape().dim_size();
  int weightsRank = ctx.getInputType(weights)->tensor_type().shape().dim_size();
  if (weightsRank != dataRank)
    fail_shape_inference("the weights have rank ", weightsRank,
                         " but the input has rank ", dataRank);
}

/// Fails inference unless inputs 0 and 1 (Gemm's A and B) are 2-D where
/// their shapes are known: Gemm-1 to -9's inference indexes their dims
/// unchecked.
void checkGemmRanks(onnx::InferenceContext &ctx) {
  for (size_t i = 0; i < 2 && i < ctx.getNumInputs(); ++i)
    if (onnx::hasInputShape(ctx, i) &&
        ctx.getInputType(i)->tensor_type().shape().dim_size() != 2)
      fail_shape_inference("input ", i, " of Gemm is not 2-D");
}

} // namespace

void aic::importer::guardShapeInference() {
  // (operator, data input, weights input)
  const std::pair<const char *, std::pair<size_t, size_t>> ops[] = {
      {"Conv", {0, 1}},
      {"ConvInteger", {0, 1}},
      {"ConvTranspose", {0, 1}},
      {"QLinearConv", {0, 3}}};
  std::vector<std::pair<std::string, int>> versions;
  for (const onnx::OpSchema &schema :
       onnx::OpSchemaRegistry::get_all_schemas_with_history())
    if (schema.domain().empty())
      versions.emplace_back(schema.Name(), schema.SinceVersion());
  for (const auto &[name, version] : versions) {
    if (name == "Gemm")
      if (auto *schema = const_cast<onnx::OpSchema *>(
              onnx::OpSchemaRegistry::Schema(name, version)))
        if (schema->SinceVersion() == version)
          if (onnx::InferenceFunction original =
                  schema->GetTypeAndShapeInferenceFunction())
            schema->TypeAndShapeInferenceFunction(
                [original](onnx::InferenceContext &ctx) {
                  checkGemmRanks(ctx);
                  original(ctx);
                });
    for (const auto &[op, inputs] : ops) {
      if (name != op)
        continue;
      auto *schema = const_cast<onnx::OpSchema *>(
          onnx::OpSchemaRegistry::Schema(name, version));
      if (!schema || schema->SinceVersion() != version)
        continue;
      onnx::InferenceFunction original =
          schema->GetTypeAndShapeInferenceFunction();
      if (!original)
        continue;
      size_t data = inputs.first, weights = inputs.second;
      schema->TypeAndShapeInferenceFunction(
          [original, data, weights](onnx::InferenceContext &ctx) {
            checkWeightsRank(ctx, data, weights);
            original(ctx);
          });
    }
  }
}
