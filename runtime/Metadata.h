//===- Metadata.h - Validation of a compiled model's metadata -------------===//
#ifndef AIC_RUNTIME_METADATA_H
#define AIC_RUNTIME_METADATA_H

#include "aic/abi.h"
#include "aic/runtime.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace aic::rt {

/// A validated model input or output, owned by the runtime.
struct TensorMeta {
  std::string name;
  aic_dtype_t dtype = AIC_DTYPE_UNDEFINED;
  std::vector<int64_t> shape; // AIC_DIM_DYNAMIC: given by each run (an
                              // input) or known after it (an output)
  bool dynamic = false;       // some dim is AIC_DIM_DYNAMIC
  uint64_t bytes = 0;         // product(shape) * dtype size; 0 when dynamic
  /// Empty, or (inputs) the symbolic name of each dim ("" if none).
  std::vector<std::string> dimNames;
  /// Empty, or the only value the model accepts for this input.
  std::vector<unsigned char> value;
};

/// A validated graph input or output (aic_model_value_meta): the tensors
/// [first, first + count) of its table.
struct ValueMeta {
  std::string name;
  aic_value_kind_t kind = AIC_VALUE_TENSOR;
  aic_dtype_t elemDtype = AIC_DTYPE_UNDEFINED;
  bool present = true;
  size_t first = 0;
  size_t count = 1;
};

struct ModelMeta {
  int64_t abiVersion = 0;
  uint64_t arenaBytes = 0;
  int64_t numPrimitives = 0;
  std::vector<TensorMeta> inputs;
  std::vector<TensorMeta> outputs;
  /// Never empty unless the model has no inputs: metadata without value
  /// tables gets one tensor value per tensor.
  std::vector<ValueMeta> inputValues;
  std::vector<ValueMeta> outputValues;
};

/// Upper bounds that keep corrupt metadata from making the runtime allocate
/// absurd amounts of memory before anything else notices.
constexpr int64_t kMaxPrimitives = AIC_MAX_PRIMITIVES;
constexpr int64_t kMaxModelTensors = AIC_MAX_MODEL_TENSORS;

/// Validates the metadata struct of aic/abi.h field by field and copies it.
/// `symbolBytes` is the size of the exported symbol when the dynamic symbol
/// table knows it, else 0. Throws Error with AIC_ERROR_VERSION_MISMATCH when
/// abi_version differs (checked before any other field is read), or
/// AIC_ERROR_INVALID_MODEL with a one-line message naming the offending
/// field.
ModelMeta readMetadata(const aic_model_meta *meta, size_t symbolBytes = 0);

} // namespace aic::rt

#endif // AIC_RUNTIME_METADATA_H
