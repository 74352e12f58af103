//===- Metadata.h - Parser for a compiled model's metadata text -----------===//
#ifndef AIC_RUNTIME_METADATA_H
#define AIC_RUNTIME_METADATA_H

#include "aic/runtime.h"

#include <cstdint>
#include <string>
#include <vector>

namespace aic::rt {

struct TensorMeta {
  std::string name;
  aic_dtype_t dtype = AIC_DTYPE_UNDEFINED;
  std::vector<int64_t> shape;
  uint64_t bytes = 0; // product(shape) * dtype size
};

struct ModelMeta {
  int64_t abiVersion = 0;
  uint64_t arenaBytes = 0;
  int64_t numPrimitives = 0;
  std::vector<TensorMeta> inputs;
  std::vector<TensorMeta> outputs;
};

/// Upper bounds that keep a corrupt record from making the runtime allocate
/// absurd amounts of memory before anything else notices.
constexpr int64_t kMaxPrimitives = 1 << 24;
constexpr int64_t kMaxRank = 64;

/// Parses the text format documented in aic/abi.h. Throws Error with
/// AIC_ERROR_INVALID_MODEL naming the offending line for any malformed
/// record, or AIC_ERROR_VERSION_MISMATCH when the ABI version differs.
ModelMeta parseMetadata(const char *text);

} // namespace aic::rt

#endif // AIC_RUNTIME_METADATA_H
