//===- Functions.cpp - Inlining of ONNX functions before import -----------===//
//
// A node that calls a model-local function (ModelProto.functions) is
// replaced by the function's body before the checker and shape inference
// run, so the rest of the importer only sees operators it has rules for.
// (Every operator ONNX 1.12 defines by a function body has a rule.) The
// body's values get names unique in the whole model
// (`call/value`), its nodes are named after the call (`call/node`) so
// diagnostics point at the model's node, attribute references
// (ref_attr_name) take the call's attributes (or are dropped, leaving the
// schema's default), optional inputs the call leaves out are empty names,
// and calls inside the body, in its subgraphs and in the graph's subgraphs
// are expanded in turn. ONNX 1.12's FunctionExpandHelper renames neither
// subgraphs nor against the model's names, hence this file.
//
// The inlined nodes are checked against the model's opsets: a function
// importing another version of a domain than the model is refused, as is
// recursion and an expansion past kMaxInlinedNodes nodes.
//
//===----------------------------------------------------------------------===//
#include "ImporterImpl.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <map>

using namespace mlir;
using namespace aic::importer;

namespace {

/// Bounds the model after inlining: a chain of functions each calling the
/// next twice grows exponentially.
constexpr int64_t kMaxInlinedNodes = 1 << 20;

using FunctionKey = std::pair<std::string, std::string>;

class Inliner {
public:
  Inliner(onnx::ModelProto &model, Location fileLoc)
      : model(model), fileLoc(fileLoc) {}

  LogicalResult run();

private:
  LogicalResult collectFunctions();
  void collectNames(const onnx::GraphProto &graph);
  static std::string freshName(llvm::StringSet<> &taken, llvm::StringRef base);
  /// The number of nodes `nodes` expand to, capped at kMaxInlinedNodes + 1;
  /// fails on recursion.
  FailureOr<int64_t>
  countNodes(const google::protobuf::RepeatedPtrField<onnx::NodeProto> &nodes);
  /// Expands the calls in `nodes` (recursively) into `out`.
  LogicalResult
  expandNodes(const google::protobuf::RepeatedPtrField<onnx::NodeProto> &nodes,
              google::protobuf::RepeatedPtrField<onnx::NodeProto> &out);
  /// Expands the calls in the subgraphs of `node` in place.
  LogicalResult expandSubgraphs(onnx::NodeProto &node);
  LogicalResult
  expandCall(const onnx::NodeProto &call, const onnx::FunctionProto &function,
             google::protobuf::RepeatedPtrField<onnx::NodeProto> &out);
  LogicalResult checkOpsets(const onnx::FunctionProto &function);
  InFlightDiagnostic emitNodeError(const onnx::NodeProto &node);

  onnx::ModelProto &model;
  Location fileLoc;
  std::map<FunctionKey, const onnx::FunctionProto *> functions;
  llvm::StringMap<int64_t> opsets;
  /// The value and node names in use (separate namespaces in ONNX).
  llvm::StringSet<> names, nodeNames;
  /// The functions being counted, innermost last.
  llvm::SmallVector<FunctionKey> stack;
  /// The number of nodes each function's body expands to.
  std::map<FunctionKey, int64_t> sizes;
};

/// Renames the values of one call's body: the function's formal inputs and
/// outputs to the call's names, every other name to a fresh one.
class CallRenamer {
public:
  CallRenamer(llvm::StringMap<std::string> formals, const onnx::NodeProto &call,
              std::function<std::string(llvm::StringRef)> fresh)
      : map(std::move(formals)), call(call), fresh(std::move(fresh)) {}

  std::string rename(const std::string &name) {
    if (name.empty())
      return name;
    auto [it, inserted] = map.try_emplace(name);
    if (inserted)
      it->second = fresh(name);
    return it->second;
  }

  /// Renames the values of `node` and its subgraphs and resolves its
  /// attribute references.
  void renameNode(onnx::NodeProto &node) {
    for (std::string &input : *node.mutable_input())
      input = rename(input);
    for (std::string &output : *node.mutable_output())
      output = rename(output);
    auto *attrs = node.mutable_attribute();
    for (int i = attrs->size() - 1; i >= 0; --i) {
      onnx::AttributeProto &attr = (*attrs)[i];
      if (!attr.ref_attr_name().empty()) {
        const onnx::AttributeProto *value = findCallAttr(attr.ref_attr_name());
        if (!value) {
          attrs->DeleteSubrange(i, 1);
          continue;
        }
        std::string name = attr.name();
        attr = *value;
        attr.set_name(name);
      }
      if (attr.has_g())
        renameGraph(*attr.mutable_g());
      for (onnx::GraphProto &graph : *attr.mutable_graphs())
        renameGraph(graph);
    }
  }

private:
  const onnx::AttributeProto *findCallAttr(const std::string &name) const {
    for (const onnx::AttributeProto &attr : call.attribute())
      if (attr.name() == name)
        return &attr;
    return nullptr;
  }

  void renameValueInfos(
      google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> &infos) {
    for (onnx::ValueInfoProto &info : infos)
      info.set_name(rename(info.name()));
  }

  void renameGraph(onnx::GraphProto &graph) {
    renameValueInfos(*graph.mutable_input());
    renameValueInfos(*graph.mutable_output());
    renameValueInfos(*graph.mutable_value_info());
    for (onnx::TensorProto &tensor : *graph.mutable_initializer())
      tensor.set_name(rename(tensor.name()));
    for (onnx::SparseTensorProto &sparse : *graph.mutable_sparse_initializer())
      sparse.mutable_values()->set_name(rename(sparse.values().name()));
    for (onnx::NodeProto &node : *graph.mutable_node())
      renameNode(node);
  }

  llvm::StringMap<std::string> map;
  const onnx::NodeProto &call;
  std::function<std::string(llvm::StringRef)> fresh;
};

} // namespace

static std::string nodeName(const onnx::NodeProto &node) {
  if (!node.name().empty())
    return node.name();
  for (const std::string &output : node.output())
    if (!output.empty())
      return output;
  return node.op_type();
}

static std::string functionName(const FunctionKey &key) {
  return key.first.empty() ? key.second : key.first + "." + key.second;
}

InFlightDiagnostic Inliner::emitNodeError(const onnx::NodeProto &node) {
  return emitError(fileLoc)
         << "node '" << nodeName(node) << "' ("
         << functionName({node.domain(), node.op_type()}) << "): ";
}

LogicalResult Inliner::collectFunctions() {
  for (const onnx::FunctionProto &function : model.functions()) {
    FunctionKey key{normalizeDomain(function.domain()).str(), function.name()};
    if (!functions.emplace(key, &function).second)
      return emitError(fileLoc) << "the model defines function '"
                                << functionName(key) << "' twice";
  }
  return success();
}

void Inliner::collectNames(const onnx::GraphProto &graph) {
  for (const onnx::ValueInfoProto &info : graph.input())
    names.insert(info.name());
  for (const onnx::ValueInfoProto &info : graph.output())
    names.insert(info.name());
  for (const onnx::ValueInfoProto &info : graph.value_info())
    names.insert(info.name());
  for (const onnx::TensorProto &tensor : graph.initializer())
    names.insert(tensor.name());
  for (const onnx::SparseTensorProto &sparse : graph.sparse_initializer())
    names.insert(sparse.values().name());
  for (const onnx::NodeProto &node : graph.node()) {
    nodeNames.insert(node.name());
    for (const std::string &name : node.input())
      names.insert(name);
    for (const std::string &name : node.output())
      names.insert(name);
    for (const onnx::AttributeProto &attr : node.attribute()) {
      if (attr.has_g())
        collectNames(attr.g());
      for (const onnx::GraphProto &subgraph : attr.graphs())
        collectNames(subgraph);
    }
  }
}

std::string Inliner::freshName(llvm::StringSet<> &taken, llvm::StringRef base) {
  std::string name = base.str();
  for (int k = 1; !taken.insert(name).second; ++k)
    name = base.str() + "_" + std::to_string(k);
  return name;
}

FailureOr<int64_t> Inliner::countNodes(
    const google::protobuf::RepeatedPtrField<onnx::NodeProto> &nodes) {
  int64_t total = 0;
  for (const onnx::NodeProto &node : nodes) {
    FunctionKey key{normalizeDomain(node.domain()).str(), node.op_type()};
    auto function = functions.find(key);
    int64_t size = 1;
    if (function != functions.end()) {
      auto known = sizes.find(key);
      if (known != sizes.end()) {
        size = known->second;
      } else {
        if (llvm::is_contained(stack, key))
          return emitError(fileLoc)
                 << "function '" << functionName(key) << "' calls itself";
        stack.push_back(key);
        FailureOr<int64_t> body = countNodes(function->second->node());
        stack.pop_back();
        if (failed(body))
          return failure();
        size = sizes[key] = *body;
      }
    }
    for (const onnx::AttributeProto &attr : node.attribute()) {
      auto addGraph = [&](const onnx::GraphProto &graph) -> LogicalResult {
        FailureOr<int64_t> count = countNodes(graph.node());
        if (failed(count))
          return failure();
        size += *count;
        return success();
      };
      if (attr.has_g() && failed(addGraph(attr.g())))
        return failure();
      for (const onnx::GraphProto &graph : attr.graphs())
        if (failed(addGraph(graph)))
          return failure();
    }
    total = std::min(total + size, kMaxInlinedNodes + 1);
  }
  return total;
}

LogicalResult Inliner::checkOpsets(const onnx::FunctionProto &function) {
  for (const onnx::OperatorSetIdProto &id : function.opset_import()) {
    llvm::StringRef domain = normalizeDomain(id.domain());
    auto [it, inserted] = opsets.try_emplace(domain, id.version());
    if (inserted) {
      onnx::OperatorSetIdProto *added = model.add_opset_import();
      added->set_domain(domain.str());
      added->set_version(id.version());
      continue;
    }
    if (it->second != id.version())
      return emitError(fileLoc)
             << "function '"
             << functionName({function.domain(), function.name()})
             << "' imports opset " << id.version() << " of domain '" << domain
             << "' but the model imports " << it->second
             << "; aic inlines functions into the graph and needs the same "
                "version";
  }
  return success();
}

LogicalResult
Inliner::expandCall(const onnx::NodeProto &call,
                    const onnx::FunctionProto &function,
                    google::protobuf::RepeatedPtrField<onnx::NodeProto> &out) {
  FunctionKey key{normalizeDomain(call.domain()).str(), call.op_type()};
  if (call.input_size() > function.input_size() ||
      call.output_size() > function.output_size())
    return emitNodeError(call)
           << "the node has " << call.input_size() << " inputs and "
           << call.output_size() << " outputs, the function takes "
           << function.input_size() << " and returns "
           << function.output_size();
  for (const onnx::AttributeProto &attr : call.attribute())
    if (!llvm::is_contained(function.attribute(), attr.name()))
      return emitNodeError(call)
             << "the function has no attribute '" << attr.name() << "'";

  std::string prefix = nodeName(call);
  llvm::StringMap<std::string> formals;
  llvm::StringSet<> defined;
  for (int i = 0; i < function.input_size(); ++i) {
    formals[function.input(i)] = i < call.input_size() ? call.input(i) : "";
    defined.insert(function.input(i));
  }
  // An output that is also an input, or an earlier output, is copied by an
  // Identity node after the body.
  llvm::SmallVector<std::pair<std::string, std::string>> copies;
  for (int i = 0; i < function.output_size(); ++i) {
    const std::string &output = function.output(i);
    std::string name = i < call.output_size() ? call.output(i) : "";
    if (name.empty())
      name = freshName(names, prefix + "/" + output);
    if (formals.contains(output))
      copies.emplace_back(output, name);
    else
      formals[output] = name;
  }
  CallRenamer renamer(std::move(formals), call, [&](llvm::StringRef name) {
    return freshName(names, prefix + "/" + name.str());
  });

  google::protobuf::RepeatedPtrField<onnx::NodeProto> body;
  for (const onnx::NodeProto &node : function.node()) {
    // A body reads only the function's inputs and what it computed before.
    for (const std::string &input : node.input())
      if (!input.empty() && !defined.contains(input))
        return emitNodeError(call)
               << "function '" << functionName(key) << "' reads '" << input
               << "', which is neither an input of the function nor computed "
                  "before it";
    for (const std::string &output : node.output())
      defined.insert(output);
    onnx::NodeProto *copy = body.Add();
    *copy = node;
    renamer.renameNode(*copy);
    copy->set_name(freshName(nodeNames, prefix + "/" + nodeName(node)));
  }
  for (const std::string &output : function.output())
    if (!defined.contains(output))
      return emitNodeError(call)
             << "function '" << functionName(key)
             << "' does not compute its output '" << output << "'";
  for (auto &[from, to] : copies) {
    onnx::NodeProto *copy = body.Add();
    copy->set_op_type("Identity");
    copy->set_name(freshName(nodeNames, prefix + "/" + to));
    copy->add_input(renamer.rename(from));
    copy->add_output(to);
  }
  return expandNodes(body, out);
}

LogicalResult Inliner::expandSubgraphs(onnx::NodeProto &node) {
  for (onnx::AttributeProto &attr : *node.mutable_attribute()) {
    auto expandGraph = [&](onnx::GraphProto &graph) {
      google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
      nodes.Swap(graph.mutable_node());
      return expandNodes(nodes, *graph.mutable_node());
    };
    if (attr.has_g() && failed(expandGraph(*attr.mutable_g())))
      return failure();
    for (onnx::GraphProto &graph : *attr.mutable_graphs())
      if (failed(expandGraph(graph)))
        return failure();
  }
  return success();
}

LogicalResult Inliner::expandNodes(
    const google::protobuf::RepeatedPtrField<onnx::NodeProto> &nodes,
    google::protobuf::RepeatedPtrField<onnx::NodeProto> &out) {
  for (const onnx::NodeProto &node : nodes) {
    FunctionKey key{normalizeDomain(node.domain()).str(), node.op_type()};
    auto function = functions.find(key);
    if (function != functions.end()) {
      if (failed(checkOpsets(*function->second)) ||
          failed(expandCall(node, *function->second, out)))
        return failure();
      continue;
    }
    onnx::NodeProto *copy = out.Add();
    *copy = node;
    if (failed(expandSubgraphs(*copy)))
      return failure();
  }
  return success();
}

LogicalResult Inliner::run() {
  if (failed(collectFunctions()))
    return failure();
  for (const onnx::OperatorSetIdProto &id : model.opset_import())
    opsets[normalizeDomain(id.domain())] = id.version();
  if (functions.empty())
    return success();
  FailureOr<int64_t> size = countNodes(model.graph().node());
  if (failed(size))
    return failure();
  if (*size > kMaxInlinedNodes)
    return emitError(fileLoc) << "inlining the model's functions gives more "
                                 "than "
                              << kMaxInlinedNodes << " nodes";
  collectNames(model.graph());
  google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
  nodes.Swap(model.mutable_graph()->mutable_node());
  return expandNodes(nodes, *model.mutable_graph()->mutable_node());
}

LogicalResult aic::importer::inlineFunctions(onnx::ModelProto &model,
                                             Location fileLoc) {
  return Inliner(model, fileLoc).run();
}
