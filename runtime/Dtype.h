//===- Dtype.h - Element type helpers -------------------------------------===//
#ifndef AIC_RUNTIME_DTYPE_H
#define AIC_RUNTIME_DTYPE_H

#include "aic/runtime.h"

#include <cstddef>
#include <cstdint>

namespace aic::rt {

/// Bytes per element, 0 for values that are not an aic_dtype_t.
size_t dtypeSize(int64_t dtype);

/// Lower-case name ("float32"), or "unknown" for values that are not an
/// aic_dtype_t.
const char *dtypeName(int64_t dtype);

} // namespace aic::rt

#endif // AIC_RUNTIME_DTYPE_H
