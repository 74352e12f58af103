//===- ModelChecks.cpp - What must hold before ONNX reads a model ---------===//
//
// ONNX's checker accepts models that its shape inference then reads out of
// bounds, because inference trusts what the checker does not check:
// - declared dims below 0 (GatherND read data dims at -7) or shapes of more
//   than 2^62 elements (products that overflow int64);
// - the payload of a tensor (an initializer, a Constant's value, any
//   tensor attribute, in subgraphs too): ONNX 1.12's ParseData copies all
//   of raw_data into a vector of whole elements, so a raw_data size that is
//   no multiple of the element size overflows the heap, and it reads every
//   value of a typed field whatever the dims say (the rank limit on shape
//   inputs counts elements by the dims). Negative dims in a tensor reach
//   inference as they do in a declaration.
// The importer runs these checks on the parsed model before the checker
// and inference, with one-line errors naming the value or tensor.
//
//===----------------------------------------------------------------------===//
#include "ModelChecks.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

#include <string>

using namespace mlir;

namespace {

/// Bytes per element of `type` in raw_data; 0 for a type without a fixed
/// size (undefined, string, or unknown to ONNX 1.12).
int64_t rawElementSize(int32_t type) {
  using TP = onnx::TensorProto;
  switch (type) {
  case TP::BOOL:
  case TP::INT8:
  case TP::UINT8:
    return 1;
  case TP::INT16:
  case TP::UINT16:
  case TP::FLOAT16:
  case TP::BFLOAT16:
    return 2;
  case TP::FLOAT:
  case TP::INT32:
  case TP::UINT32:
    return 4;
  case TP::DOUBLE:
  case TP::INT64:
  case TP::UINT64:
  case TP::COMPLEX64:
    return 8;
  case TP::COMPLEX128:
    return 16;
  default:
    return 0;
  }
}

/// The values a tensor of `type` holds in its typed field, and how many
/// per element; nullopt for a type without one.
std::optional<std::pair<int64_t, int64_t>>
typedValues(const onnx::TensorProto &tensor) {
  using TP = onnx::TensorProto;
  switch (tensor.data_type()) {
  case TP::FLOAT:
    return std::pair<int64_t, int64_t>(tensor.float_data_size(), 1);
  case TP::COMPLEX64:
    return std::pair<int64_t, int64_t>(tensor.float_data_size(), 2);
  case TP::DOUBLE:
    return std::pair<int64_t, int64_t>(tensor.double_data_size(), 1);
  case TP::COMPLEX128:
    return std::pair<int64_t, int64_t>(tensor.double_data_size(), 2);
  case TP::INT64:
    return std::pair<int64_t, int64_t>(tensor.int64_data_size(), 1);
  case TP::UINT32:
  case TP::UINT64:
    return std::pair<int64_t, int64_t>(tensor.uint64_data_size(), 1);
  case TP::INT32:
  case TP::INT16:
  case TP::INT8:
  case TP::UINT16:
  case TP::UINT8:
  case TP::BOOL:
  case TP::FLOAT16:
  case TP::BFLOAT16:
    return std::pair<int64_t, int64_t>(tensor.int32_data_size(), 1);
  case TP::STRING:
    return std::pair<int64_t, int64_t>(tensor.string_data_size(), 1);
  default:
    return std::nullopt;
  }
}

constexpr int64_t kMaxElements = int64_t(1) << 62;

/// The number of elements of `dims`, or an error: a dim below 0, or more
/// than 2^62 elements.
std::optional<int64_t> countElements(ArrayRef<int64_t> dims, std::string &why) {
  int64_t count = 1;
  bool huge = false;
  for (int64_t dim : dims) {
    if (dim < 0) {
      why = "has dim " + std::to_string(dim) + " (dims are at least 0)";
      return std::nullopt;
    }
    if (dim == 0)
      return 0;
    if (__builtin_mul_overflow(count, dim, &count) || count > kMaxElements)
      huge = true, count = kMaxElements;
  }
  if (huge) {
    why = "has more than 2^62 elements";
    return std::nullopt;
  }
  return count;
}

/// Why the payload of `tensor` disagrees with its dims, or "".
std::string payloadProblem(const onnx::TensorProto &tensor) {
  std::string why;
  std::optional<int64_t> count = countElements(
      ArrayRef<int64_t>(tensor.dims().data(), tensor.dims_size()), why);
  if (!count)
    return why;
  // External data is read (and its size checked) by the importer; ONNX's
  // inference does not parse it.
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL)
    return "";
  bool isString = tensor.data_type() == onnx::TensorProto::STRING;
  if (tensor.has_raw_data()) {
    if (isString)
      return "is a STRING tensor with raw_data (strings go in string_data)";
    // Compared by division: count (up to 2^62) times the size overflows.
    uint64_t size = rawElementSize(tensor.data_type());
    uint64_t bytes = tensor.raw_data().size();
    if (size && (bytes % size || bytes / size != uint64_t(*count)))
      return "has " + std::to_string(bytes) + " bytes of raw_data, expected " +
             std::to_string(*count) + " elements of " + std::to_string(size) +
             " bytes for its dims";
    return "";
  }
  std::optional<std::pair<int64_t, int64_t>> values = typedValues(tensor);
  if (values && (values->first % values->second ||
                 values->first / values->second != *count))
    return "has " + std::to_string(values->first) + " values, expected " +
           std::to_string(*count) +
           (values->second == 1
                ? std::string()
                : " elements of " + std::to_string(values->second) +
                      " values") +
           " for its dims";
  return "";
}

LogicalResult checkTensor(const onnx::TensorProto &tensor,
                          const std::string &what, Location loc) {
  std::string why = payloadProblem(tensor);
  if (why.empty())
    return success();
  return emitError(loc) << what << " " << why;
}

LogicalResult checkSparse(const onnx::SparseTensorProto &sparse,
                          const std::string &what, Location loc) {
  return success(
      succeeded(checkTensor(sparse.values(), what + " (values)", loc)) &&
      succeeded(checkTensor(sparse.indices(), what + " (indices)", loc)));
}

std::string describeNode(const onnx::NodeProto &node) {
  std::string name = node.name();
  if (name.empty() && node.output_size() > 0)
    name = node.output(0);
  return "node '" + name + "' (" + node.op_type() + ")";
}

} // namespace

LogicalResult aic::importer::checkDeclaredDims(const onnx::GraphProto &graph,
                                               Location loc) {
  auto check = [&](const onnx::ValueInfoProto &info) -> LogicalResult {
    if (!info.type().has_tensor_type() ||
        !info.type().tensor_type().has_shape())
      return success();
    SmallVector<int64_t> known;
    for (const auto &dim : info.type().tensor_type().shape().dim())
      if (dim.has_dim_value())
        known.push_back(dim.dim_value());
    std::string why;
    if (countElements(known, why))
      return success();
    // "declares dim -7 (...)", "declares more than 2^62 elements".
    return emitError(loc) << "'" << info.name() << "' declares "
                          << StringRef(why).drop_front(4);
  };
  for (const auto *infos :
       {&graph.input(), &graph.output(), &graph.value_info()})
    for (const onnx::ValueInfoProto &info : *infos)
      if (failed(check(info)))
        return failure();
  for (const onnx::NodeProto &node : graph.node())
    for (const onnx::AttributeProto &attr : node.attribute()) {
      if (attr.has_g() && failed(checkDeclaredDims(attr.g(), loc)))
        return failure();
      for (const onnx::GraphProto &g : attr.graphs())
        if (failed(checkDeclaredDims(g, loc)))
          return failure();
    }
  return success();
}

LogicalResult aic::importer::checkTensorPayloads(const onnx::GraphProto &graph,
                                                 Location loc) {
  for (const onnx::TensorProto &tensor : graph.initializer())
    if (failed(checkTensor(tensor, "initializer '" + tensor.name() + "'", loc)))
      return failure();
  for (const onnx::SparseTensorProto &sparse : graph.sparse_initializer())
    if (failed(checkSparse(
            sparse, "sparse initializer '" + sparse.values().name() + "'",
            loc)))
      return failure();
  for (const onnx::NodeProto &node : graph.node())
    for (const onnx::AttributeProto &attr : node.attribute()) {
      std::string what =
          describeNode(node) + " attribute '" + attr.name() + "'";
      if (attr.has_t() && failed(checkTensor(attr.t(), what, loc)))
        return failure();
      for (const onnx::TensorProto &t : attr.tensors())
        if (failed(checkTensor(t, what, loc)))
          return failure();
      if (attr.has_sparse_tensor() &&
          failed(checkSparse(attr.sparse_tensor(), what, loc)))
        return failure();
      for (const onnx::SparseTensorProto &t : attr.sparse_tensors())
        if (failed(checkSparse(t, what, loc)))
          return failure();
      if (attr.has_g() && failed(checkTensorPayloads(attr.g(), loc)))
        return failure();
      for (const onnx::GraphProto &g : attr.graphs())
        if (failed(checkTensorPayloads(g, loc)))
          return failure();
    }
  return success();
}
