//===- InferenceGuardsTest.cpp - ONNX inference on hostile contexts -------===//
//
// Runs ONNX's shape inference, as guarded by the importer
// (InferenceGuards.cpp), on every version of every operator of the ONNX,
// ML and training domains with hostile node contexts: all inputs of rank 0,
// 1 or 3, the first input of another rank than the rest, the first input's
// shape unknown, optional inputs present or missing, and each integer
// attribute at -100, -1, 0 and 100 and each integer-list attribute empty,
// [-100], [100], [0, 0] or eight 1s (graph attributes get an Identity
// body); and inputs whose dims are all 2^40. The checker runs first, as in
// the importer. Inference may fail (with ONNX's exception) but must not
// crash or allocate by a dim's value, which a crash (or valgrind, in
// scripts/sanitize.sh) shows; the known crashes of ONNX 1.12 give ONNX's
// inference errors instead.
//
//===----------------------------------------------------------------------===//
#include "ImporterImpl.h"

#include "onnx/checker.h"
#include "onnx/defs/data_type_utils.h"
#include "onnx/defs/schema.h"
#include "onnx/shape_inference/implementation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace {

using Attributes = std::map<std::string, onnx::AttributeProto>;

/// One type of the input's type constraint: float, int64 or int32 tensors
/// if allowed, else the first in name order.
const onnx::TypeProto &pickType(const onnx::OpSchema::FormalParameter &in) {
  std::vector<std::string> names;
  for (onnx::DataType type : in.GetTypes())
    names.push_back(*type);
  std::sort(names.begin(), names.end());
  for (const char *preferred :
       {"tensor(float)", "tensor(int64)", "tensor(int32)"})
    if (std::find(names.begin(), names.end(), preferred) != names.end())
      return onnx::Utils::DataTypeUtils::ToTypeProto(
          onnx::Utils::DataTypeUtils::ToType(std::string(preferred)));
  return onnx::Utils::DataTypeUtils::ToTypeProto(
      onnx::Utils::DataTypeUtils::ToType(names.front()));
}

/// A one-node model of `schema` with the given input ranks (-1: unknown
/// shape) and dims 2, 3, .. (or all `hugeDim`), optional inputs left out
/// unless `optionals`, and `attributes`.
onnx::ModelProto makeModel(const onnx::OpSchema &schema,
                           const std::vector<int> &ranks, bool optionals,
                           const Attributes &attributes, int64_t hugeDim = 0,
                           std::optional<int64_t> dataValue = std::nullopt) {
  onnx::ModelProto model;
  model.set_ir_version(8);
  onnx::OperatorSetIdProto *opset = model.add_opset_import();
  opset->set_domain(schema.domain());
  opset->set_version(schema.SinceVersion());
  if (!schema.domain().empty()) {
    opset = model.add_opset_import();
    opset->set_domain("");
    opset->set_version(17);
  }
  onnx::GraphProto *graph = model.mutable_graph();
  graph->set_name("g");
  onnx::NodeProto *node = graph->add_node();
  node->set_op_type(schema.Name());
  node->set_domain(schema.domain());
  for (size_t i = 0; i < schema.inputs().size(); ++i) {
    const auto &in = schema.inputs()[i];
    if (!optionals && in.GetOption() == onnx::OpSchema::Optional) {
      node->add_input("");
      continue;
    }
    std::string name = "i" + std::to_string(i);
    node->add_input(name);
    onnx::ValueInfoProto *info = graph->add_input();
    info->set_name(name);
    *info->mutable_type() = pickType(in);
    int rank = ranks[std::min(i, ranks.size() - 1)];
    if (info->type().has_tensor_type() && rank >= 0) {
      onnx::TensorShapeProto *shape =
          info->mutable_type()->mutable_tensor_type()->mutable_shape();
      for (int d = 0; d < rank; ++d)
        shape->add_dim()->set_dim_value(hugeDim ? hugeDim : 2 + d);
      // An int64 input becomes a constant of that shape holding
      // `dataValue` everywhere (shapes, axes, pads, steps, counts, ...).
      if (dataValue &&
          info->type().tensor_type().elem_type() == onnx::TensorProto::INT64) {
        onnx::TensorProto *init = graph->add_initializer();
        init->set_name(name);
        init->set_data_type(onnx::TensorProto::INT64);
        int64_t count = 1;
        for (int d = 0; d < rank; ++d) {
          init->add_dims(2 + d);
          count *= 2 + d;
        }
        for (int64_t k = 0; k < count; ++k)
          init->add_int64_data(*dataValue);
      }
    }
  }
  for (size_t i = 0; i < schema.outputs().size(); ++i)
    node->add_output("o" + std::to_string(i));
  for (const auto &[name, attr] : attributes)
    *node->add_attribute() = attr;
  // Graph attributes (If, Loop, Scan bodies): an Identity of one float [2]
  // value, so that their inference runs too.
  for (const auto &[name, attr] : schema.attributes()) {
    if (attr.type != onnx::AttributeProto::GRAPH || attributes.count(name))
      continue;
    onnx::AttributeProto *body = node->add_attribute();
    body->set_name(name);
    body->set_type(onnx::AttributeProto::GRAPH);
    onnx::GraphProto *graph = body->mutable_g();
    graph->set_name(name);
    onnx::NodeProto *identity = graph->add_node();
    identity->set_op_type("Identity");
    identity->add_input("s");
    identity->add_output("o");
    for (const char *value : {"s", "o"}) {
      onnx::ValueInfoProto *info =
          std::string(value) == "s" ? graph->add_input() : graph->add_output();
      info->set_name(value);
      auto *tensor = info->mutable_type()->mutable_tensor_type();
      tensor->set_elem_type(onnx::TensorProto::FLOAT);
      tensor->mutable_shape()->add_dim()->set_dim_value(2);
    }
  }
  return model;
}

/// Runs ONNX's checker and shape inference on `model` as the importer does
/// (the checker first: it rejects what inference assumes, such as missing
/// required attributes); returns the error message, empty if both passed.
std::string infer(onnx::ModelProto &model) {
  try {
    onnx::checker::check_model(model);
    onnx::ShapeInferenceOptions options(/*check_type=*/true,
                                        /*strict_mode=*/1,
                                        /*data_prop=*/true);
    onnx::shape_inference::InferShapes(
        model, onnx::OpSchemaRegistry::Instance(), options);
  } catch (const std::exception &e) {
    return e.what();
  }
  return "";
}

/// The schemas the tests run: every version of every operator of the ONNX,
/// ML and training domains, guarded (fixOnnxSchemas), but the deprecated.
std::vector<const onnx::OpSchema *> testedSchemas() {
  aic::importer::fixOnnxSchemas();
  std::vector<const onnx::OpSchema *> schemas;
  for (const onnx::OpSchema &schema :
       onnx::OpSchemaRegistry::get_all_schemas_with_history())
    if (!schema.Deprecated() &&
        (schema.domain().empty() || schema.domain() == "ai.onnx.ml" ||
         schema.domain() == "ai.onnx.preview.training"))
      schemas.push_back(onnx::OpSchemaRegistry::Schema(
          schema.Name(), schema.SinceVersion(), schema.domain()));
  return schemas;
}

/// Hostile values of each integer and integer-list attribute of `schema`.
std::vector<Attributes> hostileAttributes(const onnx::OpSchema &schema) {
  std::vector<Attributes> result{{}};
  for (const auto &[name, attr] : schema.attributes()) {
    onnx::AttributeProto proto;
    proto.set_name(name);
    proto.set_type(attr.type);
    if (attr.type == onnx::AttributeProto::INT) {
      for (int64_t value : {-100, -1, 0, 100}) {
        proto.set_i(value);
        result.push_back({{name, proto}});
      }
    } else if (attr.type == onnx::AttributeProto::INTS) {
      for (std::vector<int64_t> values : {std::vector<int64_t>{},
                                          {-100},
                                          {0},
                                          {100},
                                          {0, 0},
                                          {1, 1, 1, 1, 1, 1, 1, 1}}) {
        proto.clear_ints();
        for (int64_t v : values)
          proto.add_ints(v);
        result.push_back({{name, proto}});
      }
    }
  }
  return result;
}

TEST(InferenceGuards, EveryOperatorSurvivesHostileContexts) {
  aic::importer::fixOnnxSchemas();
  const std::vector<std::vector<int>> rankSets = {
      {0}, {1}, {3}, {4}, {0, 1}, {3, 0}, {2, 5}, {-1, 0}, {4, -1}};
  size_t cases = 0, failures = 0;
  for (const onnx::OpSchema &schema :
       onnx::OpSchemaRegistry::get_all_schemas_with_history()) {
    if (schema.Deprecated() ||
        (!schema.domain().empty() && schema.domain() != "ai.onnx.ml" &&
         schema.domain() != "ai.onnx.preview.training"))
      continue;
    for (const Attributes &attributes : hostileAttributes(schema))
      for (const std::vector<int> &ranks : rankSets)
        for (bool optionals : {true, false}) {
          onnx::ModelProto model =
              makeModel(schema, ranks, optionals, attributes);
          ++cases;
          if (!infer(model).empty())
            ++failures;
        }
  }
  // Every operator was tried, and many contexts are rejected.
  EXPECT_GT(cases, 30000u);
  EXPECT_GT(failures, cases / 10);
}

TEST(InferenceGuards, EveryOperatorBoundedOnHugeDims) {
  // Dims of 2^40 (a 1-D one is a shape input asking for a result of 2^40
  // dims): inference must not loop over or allocate by a dim's value.
  size_t cases = 0;
  for (const onnx::OpSchema *tested : testedSchemas()) {
    const onnx::OpSchema &schema = *tested;
    for (const std::vector<int> &ranks :
         std::vector<std::vector<int>>{{1}, {2}, {4}, {1, 1}, {2, 1}})
      for (bool optionals : {true, false}) {
        onnx::ModelProto model =
            makeModel(schema, ranks, optionals, {}, int64_t(1) << 40);
        infer(model);
        ++cases;
      }
  }
  EXPECT_GT(cases, 1000u);
}

TEST(InferenceGuards, EveryOperatorSurvivesHostileConstants) {
  // Every int64 input a constant of 0, -1, 2^32 or 2^62 (ONNX reads shapes,
  // axes, pads, steps, repeats and counts from them), with the default
  // attributes; and int64 attributes at 2^32.
  size_t cases = 0;
  for (const onnx::OpSchema *tested : testedSchemas()) {
    const onnx::OpSchema &schema = *tested;
    std::vector<Attributes> attributeSets{{}};
    for (const auto &[name, attr] : schema.attributes()) {
      if (attr.type != onnx::AttributeProto::INT)
        continue;
      onnx::AttributeProto proto;
      proto.set_name(name);
      proto.set_type(attr.type);
      proto.set_i(int64_t(1) << 32);
      attributeSets.push_back({{name, proto}});
    }
    for (int64_t value :
         {int64_t(0), int64_t(-1), int64_t(1) << 32, int64_t(1) << 62})
      for (const std::vector<int> &ranks :
           std::vector<std::vector<int>>{{0}, {1}, {4, 1}, {1, 0}})
        for (bool optionals : {true, false}) {
          onnx::ModelProto model =
              makeModel(schema, ranks, optionals, {}, 0, value);
          infer(model);
          ++cases;
        }
    for (const Attributes &attributes : attributeSets)
      for (const std::vector<int> &ranks :
           std::vector<std::vector<int>>{{1}, {4}, {3, 1}}) {
        onnx::ModelProto model = makeModel(schema, ranks, true, attributes);
        infer(model);
        ++cases;
      }
  }
  EXPECT_GT(cases, 10000u);
}

TEST(InferenceGuards, EveryOperatorSkipsUntypedInputs) {
  // Input 0 computed by a node whose inference fails (Concat along an axis
  // its input lacks): ONNX goes on and hands the next node an untyped
  // input, whose type Shape-15's data propagation dereferenced.
  size_t cases = 0;
  for (const onnx::OpSchema *tested : testedSchemas()) {
    const onnx::OpSchema &schema = *tested;
    if (schema.inputs().empty())
      continue;
    onnx::ModelProto model = makeModel(schema, {1}, true, {});
    onnx::GraphProto *graph = model.mutable_graph();
    onnx::NodeProto *node = graph->mutable_node(0);
    if (node->input_size() == 0 || node->input(0).empty())
      continue;
    onnx::NodeProto bad;
    bad.set_op_type("Concat");
    bad.add_input(node->input(0));
    bad.add_output("untyped");
    onnx::AttributeProto *axis = bad.add_attribute();
    axis->set_name("axis");
    axis->set_type(onnx::AttributeProto::INT);
    axis->set_i(3);
    node->set_input(0, "untyped");
    *graph->add_node() = *node;
    *graph->mutable_node(0) = bad;
    bool defaultOpset = false;
    for (const auto &opset : model.opset_import())
      defaultOpset |= opset.domain().empty();
    if (!defaultOpset) {
      onnx::OperatorSetIdProto *opset = model.add_opset_import();
      opset->set_domain("");
      opset->set_version(17);
    }
    // A required input 0 left untyped skips the node: no error of its own
    // about the missing type.
    std::string error = infer(model);
    if (schema.inputs()[0].GetOption() != onnx::OpSchema::Optional)
      EXPECT_EQ(error.find(" is null"), std::string::npos)
          << schema.Name() << "-" << schema.SinceVersion() << ": " << error;
    ++cases;
  }
  EXPECT_GT(cases, 300u);
}

/// The error for `model` (with the guards on).
std::string guardedError(const onnx::OpSchema &schema,
                         const std::vector<int> &ranks,
                         const Attributes &attributes = {}) {
  aic::importer::fixOnnxSchemas();
  onnx::ModelProto model = makeModel(schema, ranks, true, attributes);
  return infer(model);
}

const onnx::OpSchema &schemaOf(const char *op, int version) {
  const onnx::OpSchema *schema = onnx::OpSchemaRegistry::Schema(op, version);
  EXPECT_NE(schema, nullptr) << op;
  return *schema;
}

TEST(InferenceGuards, LayerNormalizationAxisOutOfRange) {
  // A scalar input: the default axis -1 is no axis of it.
  EXPECT_NE(guardedError(schemaOf("LayerNormalization", 17), {0})
                .find("attribute 'axis' (-1) is out of range for input 0 of "
                      "rank 0"),
            std::string::npos);
  onnx::AttributeProto axis;
  axis.set_name("axis");
  axis.set_type(onnx::AttributeProto::INT);
  axis.set_i(-4);
  EXPECT_NE(
      guardedError(schemaOf("LayerNormalization", 17), {3, 1}, {{"axis", axis}})
          .find("valid: [-3, 2]"),
      std::string::npos);
  axis.set_i(-3);
  EXPECT_EQ(guardedError(schemaOf("LayerNormalization", 17), {3, 3},
                         {{"axis", axis}}),
            "");
}

TEST(InferenceGuards, GatherNDBatchDims) {
  onnx::AttributeProto batchDims;
  batchDims.set_name("batch_dims");
  batchDims.set_type(onnx::AttributeProto::INT);
  batchDims.set_i(-1);
  EXPECT_NE(
      guardedError(schemaOf("GatherND", 13), {3}, {{"batch_dims", batchDims}})
          .find("attribute 'batch_dims' (-1) is out of range"),
      std::string::npos);
}

TEST(InferenceGuards, MaxUnpoolIndicesRank) {
  // Indices of rank 1 for a 4-D input: MaxUnpool-11 read their dim 1.
  onnx::AttributeProto kernel;
  kernel.set_name("kernel_shape");
  kernel.set_type(onnx::AttributeProto::INTS);
  kernel.add_ints(2);
  kernel.add_ints(2);
  EXPECT_NE(guardedError(schemaOf("MaxUnpool", 11), {4, 1},
                         {{"kernel_shape", kernel}})
                .find("input 1 has rank 1 but input 0 has rank 4"),
            std::string::npos);
}

TEST(InferenceGuards, RecurrentInputRank) {
  for (const char *op : {"RNN", "GRU", "LSTM"})
    for (int version : {1, 3, 7, 14}) {
      const onnx::OpSchema *schema =
          onnx::OpSchemaRegistry::Schema(op, version);
      ASSERT_NE(schema, nullptr);
      // GRU-1 has no inference function to guard.
      if (!schema->has_type_and_shape_inference_function())
        continue;
      EXPECT_NE(guardedError(*schema, {1}).find("input 0 has rank 1"),
                std::string::npos)
          << op << "-" << schema->SinceVersion();
    }
}

TEST(InferenceGuards, StridesAtLeastOne) {
  onnx::AttributeProto kernel, strides;
  kernel.set_name("kernel_shape");
  kernel.set_type(onnx::AttributeProto::INTS);
  kernel.add_ints(1);
  strides.set_name("strides");
  strides.set_type(onnx::AttributeProto::INTS);
  strides.add_ints(0);
  for (const char *op : {"MaxPool", "AveragePool", "LpPool"})
    EXPECT_NE(guardedError(schemaOf(op, 12), {3},
                           {{"kernel_shape", kernel}, {"strides", strides}})
                  .find("attribute 'strides' holds 0; its entries must be at "
                        "least 1"),
              std::string::npos)
        << op;
}

TEST(InferenceGuards, DepthToSpaceBlocksizeBounded) {
  onnx::AttributeProto blocksize;
  blocksize.set_name("blocksize");
  blocksize.set_type(onnx::AttributeProto::INT);
  blocksize.set_i(int64_t(1) << 32);
  for (const char *op : {"DepthToSpace", "SpaceToDepth"})
    EXPECT_NE(guardedError(schemaOf(op, 13), {4}, {{"blocksize", blocksize}})
                  .find("attribute 'blocksize' (4294967296) is over "
                        "2147483647"),
              std::string::npos)
        << op;
}

TEST(InferenceGuards, NegativeInferredDimFails) {
  // Pad-13 by pads [0, 0, 0, -4] infers [1, -3] from [1, 1].
  aic::importer::fixOnnxSchemas();
  onnx::ModelProto model =
      makeModel(schemaOf("Pad", 13), {2, 1}, false, {}, 0, std::nullopt);
  onnx::GraphProto *graph = model.mutable_graph();
  graph->mutable_input(0)->mutable_type()->mutable_tensor_type()->set_elem_type(
      onnx::TensorProto::INT64);
  auto *dims = graph->mutable_input(0)
                   ->mutable_type()
                   ->mutable_tensor_type()
                   ->mutable_shape();
  dims->mutable_dim(0)->set_dim_value(1);
  dims->mutable_dim(1)->set_dim_value(1);
  onnx::TensorProto *pads = graph->add_initializer();
  pads->set_name(graph->node(0).input(1));
  pads->set_data_type(onnx::TensorProto::INT64);
  pads->add_dims(4);
  for (int64_t v : {0, 0, 0, -4})
    pads->add_int64_data(v);
  graph->mutable_input(1)
      ->mutable_type()
      ->mutable_tensor_type()
      ->mutable_shape()
      ->mutable_dim(0)
      ->set_dim_value(4);
  EXPECT_NE(infer(model).find("output 0 would have dim -3"), std::string::npos)
      << infer(model);
}

} // namespace
