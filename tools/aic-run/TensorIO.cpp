//===- TensorIO.cpp - ONNX value files <-> aic tensors --------------------===//
#include "TensorIO.h"

#include "onnx/onnx_pb.h"
// After onnx_pb.h, which defines ONNX_API.
#include "onnx/onnx-data.pb.h"

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
  // Strings move with the tensor (short ones inside the std::string), so
  // their addresses are taken only now.
  if (dtype == AIC_DTYPE_STRING &&
      static_cast<int64_t>(strings.size()) == numElements()) {
    bytes.assign(strings.size() * sizeof(aic_string_t), 0);
    auto *elements = reinterpret_cast<aic_string_t *>(bytes.data());
    for (size_t i = 0; i < strings.size(); ++i)
      elements[i] = {strings[i].data(), strings[i].size()};
  }
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

/// Parses file `path` into `proto` (`what` names the message in errors).
static bool parseFile(const std::string &path, const char *what,
                      google::protobuf::MessageLite &proto,
                      std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path + ": cannot open";
    return false;
  }
  if (!proto.ParseFromIstream(&in)) {
    error = path + ": not a valid ONNX " + what;
    return false;
  }
  return true;
}

/// Converts `proto` (of file `path`, in errors) to a HostTensor.
static bool fromTensorProto(const onnx::TensorProto &proto,
                            const std::string &path, HostTensor &tensor,
                            std::string &error) {
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
  if (tensor.dtype == AIC_DTYPE_STRING) {
    if (proto.has_raw_data() ||
        static_cast<uint64_t>(proto.string_data_size()) != n) {
      error = path + ": a STRING tensor needs one string_data per element";
      return false;
    }
    tensor.strings.assign(proto.string_data().begin(),
                          proto.string_data().end());
    return true;
  }
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

bool aic::readTensorProto(const std::string &path, HostTensor &tensor,
                          std::string &error) {
  onnx::TensorProto proto;
  return parseFile(path, "TensorProto", proto, error) &&
         fromTensorProto(proto, path, tensor, error);
}

/// The tensors of a SequenceProto (of file `path`, in errors).
static bool fromSequenceProto(const onnx::SequenceProto &proto,
                              const std::string &path,
                              std::vector<HostTensor> &tensors,
                              std::string &error) {
  if (proto.elem_type() != onnx::SequenceProto::TENSOR &&
      !(proto.elem_type() == onnx::SequenceProto::UNDEFINED &&
        proto.tensor_values_size() == 0)) {
    error = path + ": the sequence does not hold tensors";
    return false;
  }
  tensors.resize(proto.tensor_values_size());
  for (int i = 0; i < proto.tensor_values_size(); ++i)
    if (!fromTensorProto(proto.tensor_values(i),
                         path + " (element " + std::to_string(i) + ")",
                         tensors[i], error))
      return false;
  return true;
}

bool aic::readValueFile(const std::string &path, aic_value_kind_t kind,
                        std::vector<HostTensor> &tensors, bool &present,
                        std::string &error) {
  present = true;
  tensors.clear();
  if (kind == AIC_VALUE_TENSOR) {
    tensors.resize(1);
    return readTensorProto(path, tensors[0], error);
  }
  if (kind == AIC_VALUE_SEQUENCE) {
    onnx::SequenceProto proto;
    return parseFile(path, "SequenceProto", proto, error) &&
           fromSequenceProto(proto, path, tensors, error);
  }
  onnx::OptionalProto proto;
  if (!parseFile(path, "OptionalProto", proto, error))
    return false;
  if (proto.elem_type() == onnx::OptionalProto::UNDEFINED) {
    present = false;
    return true;
  }
  if (kind == AIC_VALUE_OPTIONAL &&
      proto.elem_type() == onnx::OptionalProto::TENSOR) {
    tensors.resize(1);
    return fromTensorProto(proto.tensor_value(), path, tensors[0], error);
  }
  if (kind == AIC_VALUE_OPTIONAL_SEQUENCE &&
      proto.elem_type() == onnx::OptionalProto::SEQUENCE)
    return fromSequenceProto(proto.sequence_value(), path, tensors, error);
  error = path + ": the optional holds no " +
          (kind == AIC_VALUE_OPTIONAL ? "tensor" : "sequence");
  return false;
}

static void toTensorProto(const std::string &name, const HostTensor &tensor,
                          onnx::TensorProto &proto) {
  proto.set_name(name);
  proto.set_data_type(tensor.dtype);
  for (int64_t d : tensor.shape)
    proto.add_dims(d);
  if (tensor.dtype == AIC_DTYPE_STRING) {
    const auto *elements =
        reinterpret_cast<const aic_string_t *>(tensor.bytes.data());
    for (size_t i = 0; i < tensor.bytes.size() / sizeof(aic_string_t); ++i)
      proto.add_string_data(elements[i].data ? elements[i].data : "",
                            elements[i].size);
    return;
  }
  proto.set_raw_data(std::string(tensor.bytes.begin(), tensor.bytes.end()));
}

static bool writeFile(const std::string &path,
                      const google::protobuf::MessageLite &proto,
                      std::string &error) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out || !proto.SerializeToOstream(&out)) {
    error = path + ": cannot write";
    return false;
  }
  return true;
}

bool aic::writeTensorProto(const std::string &path, const std::string &name,
                           const HostTensor &tensor, std::string &error) {
  onnx::TensorProto proto;
  toTensorProto(name, tensor, proto);
  return writeFile(path, proto, error);
}

static void toSequenceProto(const std::string &name,
                            const std::vector<const HostTensor *> &tensors,
                            onnx::SequenceProto &proto) {
  proto.set_name(name);
  proto.set_elem_type(onnx::SequenceProto::TENSOR);
  for (size_t i = 0; i < tensors.size(); ++i)
    toTensorProto(name + "[" + std::to_string(i) + "]", *tensors[i],
                  *proto.add_tensor_values());
}

bool aic::writeValueFile(const std::string &path, const std::string &name,
                         aic_value_kind_t kind, bool present,
                         const std::vector<const HostTensor *> &tensors,
                         std::string &error) {
  if (kind == AIC_VALUE_TENSOR)
    return writeTensorProto(path, name, *tensors.at(0), error);
  if (kind == AIC_VALUE_SEQUENCE) {
    onnx::SequenceProto proto;
    toSequenceProto(name, tensors, proto);
    return writeFile(path, proto, error);
  }
  onnx::OptionalProto proto;
  proto.set_name(name);
  if (!present) {
    proto.set_elem_type(onnx::OptionalProto::UNDEFINED);
  } else if (kind == AIC_VALUE_OPTIONAL) {
    proto.set_elem_type(onnx::OptionalProto::TENSOR);
    toTensorProto(name, *tensors.at(0), *proto.mutable_tensor_value());
  } else {
    proto.set_elem_type(onnx::OptionalProto::SEQUENCE);
    toSequenceProto(name, tensors, *proto.mutable_sequence_value());
  }
  return writeFile(path, proto, error);
}

/// "dtype:d0xd1x..." of each tensor.
static std::string describeTensors(
    const google::protobuf::RepeatedPtrField<onnx::TensorProto> &tensors) {
  std::string text;
  for (const onnx::TensorProto &t : tensors) {
    text += std::to_string(t.data_type()) + ":";
    for (int64_t d : t.dims())
      text += std::to_string(d) + "x";
    text += ",";
  }
  return text;
}

std::string aic::describeCompositeFile(const std::string &path) {
  std::string error;
  onnx::SequenceProto sequence;
  onnx::OptionalProto optional;
  std::string text = "sequence(";
  if (parseFile(path, "SequenceProto", sequence, error))
    text += std::to_string(sequence.elem_type()) + ";" +
            describeTensors(sequence.tensor_values());
  text += ") optional(";
  if (parseFile(path, "OptionalProto", optional, error)) {
    text += std::to_string(optional.elem_type()) + ";";
    google::protobuf::RepeatedPtrField<onnx::TensorProto> one;
    if (optional.has_tensor_value())
      *one.Add() = optional.tensor_value();
    text += describeTensors(one) + ";" +
            describeTensors(optional.sequence_value().tensor_values());
  }
  return text + ")";
}
