//===- Dtype.h - Element type helpers -------------------------------------===//
#ifndef AIC_RUNTIME_DTYPE_H
#define AIC_RUNTIME_DTYPE_H

#include "aic/runtime.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace aic::rt {

/// Bytes per element, 0 for values that are not an aic_dtype_t.
size_t dtypeSize(int64_t dtype);

/// Lower-case name ("float32"), or "unknown" for values that are not an
/// aic_dtype_t.
const char *dtypeName(int64_t dtype);

/// "[1, 2, 3]" for the first elements of `bytes` bytes of `dtype` values
/// ("..." after `limit` of them), for messages.
std::string formatValues(int64_t dtype, const void *data, uint64_t bytes,
                         size_t limit = 8);

} // namespace aic::rt

#endif // AIC_RUNTIME_DTYPE_H
