//===- ModelMutator.cpp - Structural mutations of ONNX models -------------===//
//
// Each mutation picks a graph (the main graph or a subgraph of an If, Loop
// or Scan attribute) and breaks one thing a checker or an importer rule
// relies on:
//   shapes      a dim becomes 0, -1, 1, huge, or symbolic; ranks grow or
//               shrink; element types change (also to invalid codes)
//   names       node inputs dangle, name a later node's output (a cycle),
//               become empty; outputs duplicate other names; graph inputs
//               and outputs are dropped, duplicated or added
//   attributes  ints become 0, negative, huge; floats NaN, Inf, huge; lists
//               grow, shrink or change; types change; attributes vanish or
//               appear (common names)
//   tensors     initializer and Constant dims lie about the data, data is
//               cut, extended or moved between fields, types change
//   nodes       removed, duplicated, reordered, retyped to another operator
//   model       opset versions and domains (also unknown ones), IR version
//
//===----------------------------------------------------------------------===//
#include "ModelMutator.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxSize);

using namespace onnx;

namespace {

using Rng = std::mt19937_64;

size_t pick(Rng &rng, size_t n) { return n ? rng() % n : 0; }
bool coin(Rng &rng, unsigned oneIn = 2) { return rng() % oneIn == 0; }

template <class T, size_t N> const T &pickFrom(Rng &rng, const T (&a)[N]) {
  return a[pick(rng, N)];
}

const int64_t kInts[] = {0,
                         1,
                         -1,
                         2,
                         3,
                         -2,
                         7,
                         64,
                         -1000,
                         1 << 16,
                         int64_t(1) << 31,
                         int64_t(1) << 40,
                         std::numeric_limits<int64_t>::max(),
                         std::numeric_limits<int64_t>::min(),
                         std::numeric_limits<int32_t>::max(),
                         std::numeric_limits<int32_t>::min()};

const int64_t kDims[] = {0,
                         1,
                         2,
                         3,
                         -1,
                         -7,
                         1 << 20,
                         int64_t(1) << 40,
                         std::numeric_limits<int64_t>::max()};

const float kFloats[] = {0.0f,
                         -0.0f,
                         1.0f,
                         -1.0f,
                         0.5f,
                         1e30f,
                         -1e30f,
                         1e-40f,
                         std::numeric_limits<float>::infinity(),
                         -std::numeric_limits<float>::infinity(),
                         std::numeric_limits<float>::quiet_NaN()};

// Element type codes: every valid one and some that are not.
const int32_t kElemTypes[] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,
                              10, 11, 12, 13, 14, 15, 16, 17, -1, 1000};

const char *const kAttrNames[] = {"axis",
                                  "axes",
                                  "perm",
                                  "pads",
                                  "strides",
                                  "dilations",
                                  "kernel_shape",
                                  "group",
                                  "to",
                                  "keepdims",
                                  "mode",
                                  "alpha",
                                  "beta",
                                  "epsilon",
                                  "transA",
                                  "transB",
                                  "auto_pad",
                                  "value",
                                  "split",
                                  "starts",
                                  "ends",
                                  "body",
                                  "then_branch",
                                  "else_branch",
                                  "direction",
                                  "hidden_size",
                                  "ceil_mode",
                                  "storage_order",
                                  "count_include_pad",
                                  "blocksize",
                                  "seed",
                                  "dtype",
                                  "shape",
                                  "exclusive",
                                  "reverse",
                                  "largest",
                                  "sorted",
                                  "k",
                                  "batch_dims"};

const char *const kOpTypes[] = {"Add",
                                "Conv",
                                "MatMul",
                                "Gemm",
                                "Relu",
                                "Reshape",
                                "Concat",
                                "Slice",
                                "Gather",
                                "Transpose",
                                "Softmax",
                                "MaxPool",
                                "AveragePool",
                                "BatchNormalization",
                                "Expand",
                                "Tile",
                                "Pad",
                                "Resize",
                                "Loop",
                                "If",
                                "Scan",
                                "Split",
                                "Squeeze",
                                "Unsqueeze",
                                "ReduceSum",
                                "Cast",
                                "ConstantOfShape",
                                "Range",
                                "TopK",
                                "Einsum",
                                "Identity",
                                "Shape",
                                "Size",
                                "Where",
                                "NonZero",
                                "Unknown"};

const char *const kDomains[] = {
    "",  "ai.onnx", "ai.onnx.ml", "com.microsoft", "ai.onnx.preview.training",
    "x", "\xff\xfe"};

const int64_t kOpsets[] = {0, 1, 6, 7, 9, 11, 13, 15, 17, 18, 21, 100, -1};

/// Every graph of the model: the main graph and all subgraphs.
void collectGraphs(GraphProto *graph, std::vector<GraphProto *> &graphs) {
  graphs.push_back(graph);
  for (NodeProto &node : *graph->mutable_node())
    for (AttributeProto &attr : *node.mutable_attribute()) {
      if (attr.has_g())
        collectGraphs(attr.mutable_g(), graphs);
      for (GraphProto &g : *attr.mutable_graphs())
        collectGraphs(&g, graphs);
    }
}

/// Every value name a graph defines or uses (for dangling/duplicate names).
std::vector<std::string> valueNames(const GraphProto &graph) {
  std::vector<std::string> names;
  for (const ValueInfoProto &v : graph.input())
    names.push_back(v.name());
  for (const TensorProto &t : graph.initializer())
    names.push_back(t.name());
  for (const NodeProto &node : graph.node())
    for (const std::string &name : node.output())
      names.push_back(name);
  return names;
}

std::string someName(Rng &rng, const GraphProto &graph) {
  std::vector<std::string> names = valueNames(graph);
  if (names.empty() || coin(rng, 4)) {
    const char *const made[] = {"", "dangling", "x", "\xff", " "};
    return pickFrom(rng, made);
  }
  return names[pick(rng, names.size())];
}

/// The value infos of a graph: inputs, outputs and value_info.
std::vector<ValueInfoProto *> valueInfos(GraphProto &graph) {
  std::vector<ValueInfoProto *> infos;
  for (auto *list : {graph.mutable_input(), graph.mutable_output(),
                     graph.mutable_value_info()})
    for (ValueInfoProto &v : *list)
      infos.push_back(&v);
  return infos;
}

void mutateType(TypeProto &type, Rng &rng) {
  TypeProto::Tensor *tensor = nullptr;
  if (type.has_tensor_type())
    tensor = type.mutable_tensor_type();
  else if (type.has_sequence_type() &&
           type.sequence_type().elem_type().has_tensor_type())
    tensor = type.mutable_sequence_type()
                 ->mutable_elem_type()
                 ->mutable_tensor_type();
  else if (type.has_optional_type() &&
           type.optional_type().elem_type().has_tensor_type())
    tensor = type.mutable_optional_type()
                 ->mutable_elem_type()
                 ->mutable_tensor_type();
  if (!tensor || coin(rng, 16)) {
    // Another kind of type altogether.
    switch (pick(rng, 3)) {
    case 0:
      type.mutable_sequence_type()
          ->mutable_elem_type()
          ->mutable_tensor_type()
          ->set_elem_type(1);
      break;
    case 1:
      type.mutable_optional_type()
          ->mutable_elem_type()
          ->mutable_tensor_type()
          ->set_elem_type(1);
      break;
    default:
      type.Clear();
      break;
    }
    return;
  }
  TensorShapeProto *shape = tensor->mutable_shape();
  switch (pick(rng, 6)) {
  case 0:
    tensor->set_elem_type(pickFrom(rng, kElemTypes));
    break;
  case 1: // add a dim
    shape->add_dim()->set_dim_value(pickFrom(rng, kDims));
    break;
  case 2: // remove a dim
    if (shape->dim_size())
      shape->mutable_dim()->erase(shape->mutable_dim()->begin() +
                                  pick(rng, shape->dim_size()));
    break;
  case 3: // unranked, or rank 0
    if (coin(rng))
      tensor->clear_shape();
    else
      shape->clear_dim();
    break;
  case 4: // symbolic
    if (shape->dim_size())
      shape->mutable_dim(pick(rng, shape->dim_size()))
          ->set_dim_param(coin(rng) ? "N" : "");
    break;
  default:
    if (shape->dim_size())
      shape->mutable_dim(pick(rng, shape->dim_size()))
          ->set_dim_value(pickFrom(rng, kDims));
    break;
  }
}

size_t elemBytes(int32_t type) {
  switch (type) {
  case TensorProto::DOUBLE:
  case TensorProto::INT64:
  case TensorProto::UINT64:
    return 8;
  case TensorProto::FLOAT:
  case TensorProto::INT32:
  case TensorProto::UINT32:
    return 4;
  case TensorProto::FLOAT16:
  case TensorProto::BFLOAT16:
  case TensorProto::INT16:
  case TensorProto::UINT16:
    return 2;
  default:
    return 1;
  }
}

void mutateTensor(TensorProto &t, Rng &rng) {
  switch (pick(rng, 9)) {
  case 0: // a dim lies
    if (t.dims_size())
      t.set_dims(pick(rng, t.dims_size()), pickFrom(rng, kDims));
    else
      t.add_dims(pickFrom(rng, kDims));
    break;
  case 1: // rank changes, data stays
    if (coin(rng) && t.dims_size())
      t.mutable_dims()->RemoveLast();
    else
      t.add_dims(coin(rng) ? 1 : 2);
    break;
  case 2: // type changes, data stays
    t.set_data_type(pickFrom(rng, kElemTypes));
    break;
  case 3: // raw data cut or extended
    if (t.has_raw_data()) {
      std::string raw = t.raw_data();
      if (coin(rng) && !raw.empty())
        raw.resize(pick(rng, raw.size()));
      else
        raw.append(elemBytes(t.data_type()) * (1 + pick(rng, 8)), '\x7f');
      t.set_raw_data(raw);
    } else {
      t.set_raw_data(
          std::string(elemBytes(t.data_type()) * pick(rng, 9), '\x01'));
    }
    break;
  case 4: // typed data in the wrong field, or in two fields
    switch (pick(rng, 4)) {
    case 0:
      t.add_float_data(pickFrom(rng, kFloats));
      break;
    case 1:
      t.add_int64_data(pickFrom(rng, kInts));
      break;
    case 2:
      t.add_int32_data(static_cast<int32_t>(pickFrom(rng, kInts)));
      break;
    default:
      t.add_double_data(std::nan(""));
      break;
    }
    break;
  case 5: // data removed
    t.clear_raw_data();
    t.clear_float_data();
    t.clear_int32_data();
    t.clear_int64_data();
    t.clear_double_data();
    break;
  case 6: // values become NaN, Inf or extreme
    if (t.float_data_size())
      t.set_float_data(pick(rng, t.float_data_size()), pickFrom(rng, kFloats));
    else if (t.int64_data_size())
      t.set_int64_data(pick(rng, t.int64_data_size()), pickFrom(rng, kInts));
    else if (t.int32_data_size())
      t.set_int32_data(pick(rng, t.int32_data_size()),
                       static_cast<int32_t>(pickFrom(rng, kInts)));
    else if (t.has_raw_data() && !t.raw_data().empty()) {
      std::string raw = t.raw_data();
      size_t at = pick(rng, raw.size());
      raw[at] = static_cast<char>(coin(rng) ? 0xff : 0x7f);
      t.set_raw_data(raw);
    }
    break;
  case 7: // external data
    t.set_data_location(TensorProto::EXTERNAL);
    {
      StringStringEntryProto *e = t.add_external_data();
      const char *const keys[] = {"location", "offset", "length", "checksum"};
      const char *const values[] = {
          "w.bin", "model.onnx",           "../x", "/dev/zero", "0",
          "-1",    "99999999999999999999", ""};
      e->set_key(pickFrom(rng, keys));
      e->set_value(pickFrom(rng, values));
    }
    break;
  default: // segment or string data
    if (coin(rng))
      t.mutable_segment()->set_begin(pickFrom(rng, kInts));
    else
      t.add_string_data("s");
    break;
  }
}

void mutateAttribute(AttributeProto &attr, Rng &rng) {
  switch (pick(rng, 8)) {
  case 0:
    attr.set_i(pickFrom(rng, kInts));
    if (coin(rng))
      attr.set_type(AttributeProto::INT);
    break;
  case 1:
    attr.set_f(pickFrom(rng, kFloats));
    if (coin(rng))
      attr.set_type(AttributeProto::FLOAT);
    break;
  case 2: // a list element
    if (attr.ints_size())
      attr.set_ints(pick(rng, attr.ints_size()), pickFrom(rng, kInts));
    else if (attr.floats_size())
      attr.set_floats(pick(rng, attr.floats_size()), pickFrom(rng, kFloats));
    else
      attr.add_ints(pickFrom(rng, kInts));
    break;
  case 3: // a list grows or shrinks
    if (coin(rng) && attr.ints_size())
      attr.mutable_ints()->RemoveLast();
    else if (coin(rng) && attr.floats_size())
      attr.mutable_floats()->RemoveLast();
    else
      attr.add_ints(pickFrom(rng, kInts));
    break;
  case 4: // the declared type lies
    attr.set_type(static_cast<AttributeProto::AttributeType>(pick(rng, 15)));
    break;
  case 5:
    attr.set_s(coin(rng) ? "" : "\xff\x00junk");
    if (coin(rng))
      attr.set_type(AttributeProto::STRING);
    break;
  case 6:
    mutateTensor(*attr.mutable_t(), rng);
    break;
  default: // a graph attribute loses or gains something
    if (attr.has_g()) {
      GraphProto *g = attr.mutable_g();
      if (coin(rng) && g->output_size())
        g->mutable_output()->RemoveLast();
      else if (g->input_size())
        g->mutable_input()->RemoveLast();
      else
        g->add_output()->set_name("dangling");
    } else {
      attr.mutable_g()->add_output()->set_name("x");
    }
    break;
  }
}

void mutateNode(GraphProto &graph, size_t index, Rng &rng) {
  NodeProto &node = *graph.mutable_node(index);
  switch (pick(rng, 10)) {
  case 0: // an input dangles, is renamed, or names a later output (a cycle)
    if (node.input_size()) {
      std::string name = someName(rng, graph);
      if (coin(rng) && index + 1 < size_t(graph.node_size())) {
        const NodeProto &later =
            graph.node(index + 1 + pick(rng, graph.node_size() - index - 1));
        if (later.output_size())
          name = later.output(0);
      }
      node.set_input(pick(rng, node.input_size()), name);
    } else {
      node.add_input(someName(rng, graph));
    }
    break;
  case 1: // its own output as input
    if (node.output_size())
      node.add_input(node.output(0));
    break;
  case 2: // an output duplicates another name
    if (node.output_size())
      node.set_output(pick(rng, node.output_size()), someName(rng, graph));
    break;
  case 3: // inputs or outputs added or removed
    if (coin(rng) && node.input_size())
      node.mutable_input()->RemoveLast();
    else if (coin(rng))
      node.add_output(coin(rng) ? "" : "extra");
    else if (node.output_size())
      node.mutable_output()->RemoveLast();
    else
      node.add_input("");
    break;
  case 4:
  case 5:
    if (node.attribute_size())
      mutateAttribute(*node.mutable_attribute(pick(rng, node.attribute_size())),
                      rng);
    break;
  case 6: { // an attribute vanishes or appears
    if (coin(rng) && node.attribute_size()) {
      node.mutable_attribute()->erase(node.mutable_attribute()->begin() +
                                      pick(rng, node.attribute_size()));
    } else {
      AttributeProto *attr = node.add_attribute();
      attr->set_name(pickFrom(rng, kAttrNames));
      attr->set_type(AttributeProto::INT);
      attr->set_i(pickFrom(rng, kInts));
      if (coin(rng))
        mutateAttribute(*attr, rng);
    }
    break;
  }
  case 7:
    node.set_op_type(pickFrom(rng, kOpTypes));
    break;
  case 8:
    node.set_domain(pickFrom(rng, kDomains));
    break;
  default: // the node is duplicated (duplicate outputs) or removed
    if (coin(rng))
      *graph.add_node() = NodeProto(node);
    else
      graph.mutable_node()->erase(graph.mutable_node()->begin() + index);
    break;
  }
}

void mutateGraph(GraphProto &graph, Rng &rng) {
  switch (pick(rng, 10)) {
  case 0:
  case 1:
  case 2:
    if (graph.node_size()) {
      mutateNode(graph, pick(rng, graph.node_size()), rng);
      return;
    }
    break;
  case 3: { // value info types
    std::vector<ValueInfoProto *> infos = valueInfos(graph);
    if (!infos.empty()) {
      mutateType(*infos[pick(rng, infos.size())]->mutable_type(), rng);
      return;
    }
    break;
  }
  case 4:
    if (graph.initializer_size()) {
      mutateTensor(
          *graph.mutable_initializer(pick(rng, graph.initializer_size())), rng);
      return;
    }
    break;
  case 5: // nodes out of order
    if (graph.node_size() > 1) {
      auto *nodes = graph.mutable_node();
      nodes->SwapElements(pick(rng, nodes->size()), pick(rng, nodes->size()));
      return;
    }
    break;
  case 6: // graph inputs: dropped, duplicated, added, renamed
    switch (pick(rng, 4)) {
    case 0:
      if (graph.input_size())
        graph.mutable_input()->erase(graph.mutable_input()->begin() +
                                     pick(rng, graph.input_size()));
      break;
    case 1:
      if (graph.input_size())
        *graph.add_input() = graph.input(pick(rng, graph.input_size()));
      break;
    case 2: {
      ValueInfoProto *v = graph.add_input();
      v->set_name(someName(rng, graph));
      v->mutable_type()->mutable_tensor_type()->set_elem_type(1);
      break;
    }
    default:
      if (graph.input_size())
        graph.mutable_input(pick(rng, graph.input_size()))
            ->set_name(someName(rng, graph));
      break;
    }
    return;
  case 7: // graph outputs: dropped, duplicated, added, renamed
    switch (pick(rng, 4)) {
    case 0:
      if (graph.output_size())
        graph.mutable_output()->erase(graph.mutable_output()->begin() +
                                      pick(rng, graph.output_size()));
      break;
    case 1:
      if (graph.output_size())
        *graph.add_output() = graph.output(pick(rng, graph.output_size()));
      break;
    case 2:
      graph.add_output()->set_name(someName(rng, graph));
      break;
    default:
      if (graph.output_size())
        graph.mutable_output(pick(rng, graph.output_size()))
            ->set_name(someName(rng, graph));
      break;
    }
    return;
  case 8: // an initializer duplicates or shadows a name
    if (graph.initializer_size()) {
      TensorProto copy = graph.initializer(pick(rng, graph.initializer_size()));
      copy.set_name(someName(rng, graph));
      *graph.add_initializer() = copy;
      return;
    }
    break;
  default:
    break;
  }
  // Fallback: a node's attribute or a new Constant node.
  NodeProto *node = graph.add_node();
  node->set_op_type("Constant");
  node->add_output(someName(rng, graph));
  AttributeProto *attr = node->add_attribute();
  attr->set_name("value");
  attr->set_type(AttributeProto::TENSOR);
  TensorProto *t = attr->mutable_t();
  t->set_data_type(TensorProto::FLOAT);
  t->add_dims(2);
  t->add_float_data(1.0f);
  t->add_float_data(2.0f);
  if (coin(rng))
    mutateTensor(*t, rng);
}

void mutateModelLevel(ModelProto &model, Rng &rng) {
  switch (pick(rng, 4)) {
  case 0:
    if (model.opset_import_size()) {
      model.mutable_opset_import(pick(rng, model.opset_import_size()))
          ->set_version(pickFrom(rng, kOpsets));
      return;
    }
    break;
  case 1:
    if (model.opset_import_size()) {
      model.mutable_opset_import(pick(rng, model.opset_import_size()))
          ->set_domain(pickFrom(rng, kDomains));
      return;
    }
    break;
  case 2:
    model.set_ir_version(pickFrom(rng, kOpsets));
    return;
  default:
    break;
  }
  OperatorSetIdProto *id = model.add_opset_import();
  id->set_domain(pickFrom(rng, kDomains));
  id->set_version(pickFrom(rng, kOpsets));
}

} // namespace

void aicfuzz::mutateModel(ModelProto &model, Rng &rng) {
  if (coin(rng, 8)) {
    mutateModelLevel(model, rng);
    return;
  }
  std::vector<GraphProto *> graphs;
  collectGraphs(model.mutable_graph(), graphs);
  mutateGraph(*graphs[pick(rng, graphs.size())], rng);
}

size_t aicfuzz::mutateSerializedModel(uint8_t *data, size_t size,
                                      size_t maxSize, unsigned seed) {
  ModelProto model;
  if (!model.ParseFromArray(data, static_cast<int>(size)))
    return LLVMFuzzerMutate(data, size, maxSize);
  Rng rng(seed);
  for (size_t n = 1 + pick(rng, 3); n > 0; --n)
    mutateModel(model, rng);
  std::string bytes;
  if (!model.SerializeToString(&bytes) || bytes.size() > maxSize)
    return LLVMFuzzerMutate(data, size, maxSize);
  std::copy(bytes.begin(), bytes.end(), data);
  return bytes.size();
}
