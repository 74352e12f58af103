//===- SchemaRelaxations.cpp - Old type constraints ONNX later widened ----===//
//
// ONNX shape inference checks every node's input and output types against
// its schema. A few old operator versions constrain a type more than their
// semantics need, and a later version widened the constraint and changed
// nothing else. Exporters wrote models that break the old constraint
// (PyTorch's opset 6 exports hold int64 Constants, the only way to feed
// Reshape-5's int64 shape), and ONNX Runtime runs them. aic accepts such a
// node by checking it against the later version's schema, and warns that
// the model is not valid ONNX. The list below is the whole relaxation; any
// other type error still rejects the model.
//
//===----------------------------------------------------------------------===//
#include "ImporterImpl.h"

#include "onnx/defs/schema.h"
#include "onnx/shape_inference/implementation.h"

#include <deque>
#include <exception>
#include <unordered_map>

using namespace mlir;
using namespace aic::importer;

namespace {
/// Versions [first, last] of a default-domain operator are checked as
/// version `as`, which only widened their type constraints.
struct Relaxation {
  const char *opType;
  int first, last, as;
};
} // namespace

static constexpr Relaxation kRelaxations[] = {
    // Constant-1 allows float16, float and double; Constant-9 allows every
    // tensor type and is otherwise the same operator.
    {"Constant", 1, 8, 9},
};

/// The relaxation that applies to `schema`, or null.
static const Relaxation *findRelaxation(const onnx::OpSchema &schema) {
  if (!schema.domain().empty())
    return nullptr;
  for (const Relaxation &relaxation : kRelaxations)
    if (schema.Name() == relaxation.opType &&
        schema.SinceVersion() >= relaxation.first &&
        schema.SinceVersion() <= relaxation.last)
      return &relaxation;
  return nullptr;
}

namespace {
class RelaxedSchemaRegistry final : public onnx::ISchemaRegistry {
public:
  const onnx::OpSchema *GetSchema(const std::string &key,
                                  const int maxInclusiveVersion,
                                  const std::string &domain) const override {
    const onnx::OpSchema *schema =
        onnx::OpSchemaRegistry::Schema(key, maxInclusiveVersion, domain);
    if (const Relaxation *relaxation =
            schema ? findRelaxation(*schema) : nullptr)
      return onnx::OpSchemaRegistry::Schema(key, relaxation->as, domain);
    return schema;
  }
};
} // namespace

const onnx::ISchemaRegistry *aic::importer::getRelaxedSchemaRegistry() {
  static const RelaxedSchemaRegistry registry;
  return &registry;
}

std::vector<RelaxedNode>
aic::importer::findRelaxedNodes(const onnx::ModelProto &model,
                                const GraphState &state) {
  std::vector<RelaxedNode> result;
  const onnx::GraphProto &graph = model.graph();
  // The types inference gave every value, for the original schemas' check.
  std::deque<onnx::TypeProto> storage;
  std::unordered_map<std::string, onnx::TypeProto *> types;
  auto add = [&](const onnx::ValueInfoProto &info) {
    if (info.has_type() && !types.count(info.name())) {
      storage.push_back(info.type());
      types[info.name()] = &storage.back();
    }
  };
  for (const onnx::ValueInfoProto &info : graph.input())
    add(info);
  for (const onnx::ValueInfoProto &info : graph.value_info())
    add(info);
  for (const onnx::ValueInfoProto &info : graph.output())
    add(info);
  for (const onnx::TensorProto &tensor : graph.initializer()) {
    onnx::ValueInfoProto info;
    info.set_name(tensor.name());
    info.mutable_type()->mutable_tensor_type()->set_elem_type(
        tensor.data_type());
    add(info);
  }
  for (const onnx::NodeProto &node : graph.node()) {
    if (!normalizeDomain(node.domain()).empty())
      continue;
    const onnx::OpSchema *schema =
        onnx::OpSchemaRegistry::Schema(node.op_type(), state.getOpset(), "");
    const Relaxation *relaxation = schema ? findRelaxation(*schema) : nullptr;
    if (!relaxation)
      continue;
    onnx::NodeProto copy = node;
    onnx::shape_inference::InferenceContextImpl context(copy, types, {}, {});
    for (int i = 0; i < node.output_size(); ++i) {
      auto it = types.find(node.output(i));
      if (it != types.end())
        *context.getOutputType(i) = *it->second;
    }
    try {
      schema->CheckInputOutputType(context);
    } catch (const std::exception &e) {
      result.push_back({&node, e.what(), relaxation->as});
    }
  }
  return result;
}
