//===- TensorIO.h - ONNX value files <-> aic tensors ------------*- C++ -*-===//
#ifndef AIC_TOOLS_AICRUN_TENSORIO_H
#define AIC_TOOLS_AICRUN_TENSORIO_H

#include "aic/runtime.h"

#include <string>
#include <vector>

namespace aic {
/// A tensor with owned storage. A STRING tensor read from a file owns its
/// strings in `strings`, and view() points the aic_string_t elements of
/// `bytes` at them; an output's elements point where the run put them.
struct HostTensor {
  aic_dtype_t dtype = AIC_DTYPE_UNDEFINED;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;
  std::vector<std::string> strings;
  int64_t numElements() const;
  aic_tensor_t view();
};

/// Reads a serialized onnx.TensorProto; on failure returns false with a
/// message in `error`.
bool readTensorProto(const std::string &path, HostTensor &tensor,
                     std::string &error);
/// Gives a tensor read from a file the element type `expected` of the
/// input it is for when the file stores that type under another name:
/// ONNX 1.12's backend test data (numpy has no bfloat16) stores bfloat16
/// tensors as UINT16 tensors of their bit patterns. Other mismatches are
/// left for the caller to reject.
void adoptInputType(HostTensor &tensor, aic_dtype_t expected);
/// Writes `tensor` as an onnx.TensorProto named `name` with raw_data.
bool writeTensorProto(const std::string &path, const std::string &name,
                      const HostTensor &tensor, std::string &error);

/// Reads the file of a graph value of `kind`: a TensorProto, SequenceProto
/// (its tensors) or OptionalProto (`present`, and its tensor or its
/// sequence's tensors).
bool readValueFile(const std::string &path, aic_value_kind_t kind,
                   std::vector<HostTensor> &tensors, bool &present,
                   std::string &error);
/// Writes a graph value of `kind` made of `tensors` as a TensorProto,
/// SequenceProto or OptionalProto named `name`.
bool writeValueFile(const std::string &path, const std::string &name,
                    aic_value_kind_t kind, bool present,
                    const std::vector<const HostTensor *> &tensors,
                    std::string &error);
/// What a library compiled for a sequence or optional input depends on in
/// its file: its length or presence and each tensor's dtype and shape (read
/// both as a SequenceProto and an OptionalProto: the file does not say which
/// it is).
std::string describeCompositeFile(const std::string &path);
} // namespace aic

#endif
