//===- TensorIO.h - ONNX TensorProto files <-> aic tensors ------*- C++ -*-===//
#ifndef AIC_TOOLS_AICRUN_TENSORIO_H
#define AIC_TOOLS_AICRUN_TENSORIO_H

#include "aic/runtime.h"

#include <string>
#include <vector>

namespace aic {
/// A tensor with owned storage.
struct HostTensor {
  aic_dtype_t dtype = AIC_DTYPE_UNDEFINED;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;
  int64_t numElements() const;
  aic_tensor_t view();
};

/// Reads a serialized onnx.TensorProto; on failure returns false with a
/// message in `error`.
bool readTensorProto(const std::string &path, HostTensor &tensor,
                     std::string &error);
/// Writes `tensor` as an onnx.TensorProto named `name` with raw_data.
bool writeTensorProto(const std::string &path, const std::string &name,
                      const HostTensor &tensor, std::string &error);
} // namespace aic

#endif
