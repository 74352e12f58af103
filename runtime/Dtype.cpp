//===- Dtype.cpp - Element type helpers -----------------------------------===//

#include "Dtype.h"
#include "Errors.h"

size_t aic::rt::dtypeSize(int64_t dtype) {
  switch (dtype) {
  case AIC_DTYPE_UINT8:
  case AIC_DTYPE_INT8:
  case AIC_DTYPE_BOOL:
    return 1;
  case AIC_DTYPE_UINT16:
  case AIC_DTYPE_INT16:
  case AIC_DTYPE_FLOAT16:
  case AIC_DTYPE_BFLOAT16:
    return 2;
  case AIC_DTYPE_FLOAT32:
  case AIC_DTYPE_INT32:
  case AIC_DTYPE_UINT32:
    return 4;
  case AIC_DTYPE_INT64:
  case AIC_DTYPE_FLOAT64:
  case AIC_DTYPE_UINT64:
    return 8;
  default:
    return 0;
  }
}

const char *aic::rt::dtypeName(int64_t dtype) {
  switch (dtype) {
  case AIC_DTYPE_FLOAT32:
    return "float32";
  case AIC_DTYPE_UINT8:
    return "uint8";
  case AIC_DTYPE_INT8:
    return "int8";
  case AIC_DTYPE_UINT16:
    return "uint16";
  case AIC_DTYPE_INT16:
    return "int16";
  case AIC_DTYPE_INT32:
    return "int32";
  case AIC_DTYPE_INT64:
    return "int64";
  case AIC_DTYPE_BOOL:
    return "bool";
  case AIC_DTYPE_FLOAT16:
    return "float16";
  case AIC_DTYPE_FLOAT64:
    return "float64";
  case AIC_DTYPE_UINT32:
    return "uint32";
  case AIC_DTYPE_UINT64:
    return "uint64";
  case AIC_DTYPE_BFLOAT16:
    return "bfloat16";
  default:
    return "unknown";
  }
}

AIC_RT_EXPORT size_t aic_dtype_size(aic_dtype_t dtype) {
  return aic::rt::dtypeSize(dtype);
}

AIC_RT_EXPORT const char *aic_dtype_name(aic_dtype_t dtype) {
  return aic::rt::dtypeName(dtype);
}
