//===- TensorIO.cpp - ONNX TensorProto files <-> aic tensors --------------===//
#include "TensorIO.h"

#include "onnx/onnx_pb.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

using namespace aic;

int64_t HostTensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

aic_tensor_t HostTensor::view() {
  return aic_tensor_t{bytes.data(), dtype, static_cast<int32_t>(shape.size()),
                      shape.data()};
}

/// Copies the typed repeated field of `proto` into `out`, converting each
/// element to the storage type T.
template <typename T, typename Field>
static bool copyField(const Field &field, int64_t n, HostTensor &out) {
  if (static_cast<int64_t>(field.size()) != n)
    return false;
  T *dst = reinterpret_cast<T *>(out.bytes.data());
  for (int64_t i = 0; i < n; ++i)
    dst[i] = static_cast<T>(field.Get(i));
  return true;
}

bool aic::readTensorProto(const std::string &path, HostTensor &tensor,
                          std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path + ": cannot open";
    return false;
  }
  onnx::TensorProto proto;
  if (!proto.ParseFromIstream(&in)) {
    error = path + ": not a valid ONNX TensorProto";
    return false;
  }
  if (proto.data_location() == onnx::TensorProto::EXTERNAL) {
    error = path + ": external tensor data is not supported";
    return false;
  }
  tensor.dtype = static_cast<aic_dtype_t>(proto.data_type());
  size_t elementSize = aic_dtype_size(tensor.dtype);
  if (!elementSize) {
    error =
        path + ": unsupported data type " + std::to_string(proto.data_type());
    return false;
  }
  tensor.shape.assign(proto.dims().begin(), proto.dims().end());
  // Every element takes at least one byte of the file (raw or packed), so a
  // shape with more elements than that is corrupt: say so before
  // allocating for it.
  uint64_t n = 1, limit = std::max<uint64_t>(proto.ByteSizeLong(), 1);
  for (int64_t d : tensor.shape) {
    if (d < 0) {
      error = path + ": negative dimension";
      return false;
    }
    uint64_t extent = std::min<uint64_t>(d, limit + 1);
    n = std::min<uint64_t>(n * extent, limit + 1);
  }
  if (n > limit) {
    error = path + ": the shape has more elements than the file holds";
    return false;
  }
  tensor.bytes.assign(n * elementSize, 0);
  if (proto.has_raw_data()) {
    if (proto.raw_data().size() != tensor.bytes.size()) {
      error = path + ": raw_data has " +
              std::to_string(proto.raw_data().size()) +
              " bytes, the shape needs " + std::to_string(tensor.bytes.size());
      return false;
    }
    if (!tensor.bytes.empty())
      std::memcpy(tensor.bytes.data(), proto.raw_data().data(),
                  tensor.bytes.size());
    return true;
  }
  bool ok = false;
  switch (tensor.dtype) {
  case AIC_DTYPE_FLOAT32:
    ok = copyField<float>(proto.float_data(), n, tensor);
    break;
  case AIC_DTYPE_FLOAT64:
    ok = copyField<double>(proto.double_data(), n, tensor);
    break;
  case AIC_DTYPE_INT64:
    ok = copyField<int64_t>(proto.int64_data(), n, tensor);
    break;
  case AIC_DTYPE_UINT32:
  case AIC_DTYPE_UINT64:
    ok = tensor.dtype == AIC_DTYPE_UINT64
             ? copyField<uint64_t>(proto.uint64_data(), n, tensor)
             : copyField<uint32_t>(proto.uint64_data(), n, tensor);
    break;
  case AIC_DTYPE_INT32:
    ok = copyField<int32_t>(proto.int32_data(), n, tensor);
    break;
  case AIC_DTYPE_INT16:
    ok = copyField<int16_t>(proto.int32_data(), n, tensor);
    break;
  case AIC_DTYPE_UINT16:
  case AIC_DTYPE_FLOAT16:
  case AIC_DTYPE_BFLOAT16:
    ok = copyField<uint16_t>(proto.int32_data(), n, tensor);
    break;
  case AIC_DTYPE_INT8:
    ok = copyField<int8_t>(proto.int32_data(), n, tensor);
    break;
  case AIC_DTYPE_UINT8:
  case AIC_DTYPE_BOOL:
    ok = copyField<uint8_t>(proto.int32_data(), n, tensor);
    break;
  default:
    break;
  }
  if (!ok)
    error = path + ": tensor data does not match its shape and type";
  return ok;
}

void aic::adoptInputType(HostTensor &tensor, aic_dtype_t expected) {
  if (expected == AIC_DTYPE_BFLOAT16 && tensor.dtype == AIC_DTYPE_UINT16)
    tensor.dtype = AIC_DTYPE_BFLOAT16;
}

bool aic::writeTensorProto(const std::string &path, const std::string &name,
                           const HostTensor &tensor, std::string &error) {
  onnx::TensorProto proto;
  proto.set_name(name);
  proto.set_data_type(tensor.dtype);
  for (int64_t d : tensor.shape)
    proto.add_dims(d);
  proto.set_raw_data(std::string(tensor.bytes.begin(), tensor.bytes.end()));
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out || !proto.SerializeToOstream(&out)) {
    error = path + ": cannot write";
    return false;
  }
  return true;
}
