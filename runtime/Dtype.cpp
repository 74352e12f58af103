//===- Dtype.cpp - Element type helpers -----------------------------------===//

#include "Dtype.h"
#include "Errors.h"

#include <cstring>
#include <sstream>
#include <type_traits>

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
  case AIC_DTYPE_STRING:
    return sizeof(aic_string_t);
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
  case AIC_DTYPE_STRING:
    return "string";
  default:
    return "unknown";
  }
}

template <typename T> static std::string formatAs(const void *data, size_t i) {
  T v;
  std::memcpy(&v, static_cast<const char *>(data) + i * sizeof(T), sizeof(T));
  if constexpr (std::is_floating_point_v<T>) {
    std::ostringstream os;
    os << v;
    return os.str();
  } else {
    return std::to_string(v);
  }
}

std::string aic::rt::formatValues(int64_t dtype, const void *data,
                                  uint64_t bytes, size_t limit) {
  size_t size = dtypeSize(dtype);
  size_t count = size ? bytes / size : 0;
  std::string s = "[";
  for (size_t i = 0; i < count && i < limit; ++i) {
    s += i ? ", " : "";
    switch (dtype) {
    case AIC_DTYPE_FLOAT32:
      s += formatAs<float>(data, i);
      break;
    case AIC_DTYPE_FLOAT64:
      s += formatAs<double>(data, i);
      break;
    case AIC_DTYPE_INT8:
      s += formatAs<int8_t>(data, i);
      break;
    case AIC_DTYPE_UINT8:
    case AIC_DTYPE_BOOL:
      s += formatAs<uint8_t>(data, i);
      break;
    case AIC_DTYPE_INT16:
      s += formatAs<int16_t>(data, i);
      break;
    case AIC_DTYPE_INT32:
      s += formatAs<int32_t>(data, i);
      break;
    case AIC_DTYPE_UINT32:
      s += formatAs<uint32_t>(data, i);
      break;
    case AIC_DTYPE_INT64:
      s += formatAs<int64_t>(data, i);
      break;
    case AIC_DTYPE_UINT64:
      s += formatAs<uint64_t>(data, i);
      break;
    case AIC_DTYPE_STRING: {
      aic_string_t str;
      std::memcpy(&str, static_cast<const char *>(data) + i * sizeof(str),
                  sizeof(str));
      s += '"' + std::string(str.data ? str.data : "", str.size) + '"';
      break;
    }
    default: // 16-bit floats and uint16: the bits
      s += formatAs<uint16_t>(data, i);
      break;
    }
  }
  return s + (count > limit ? ", ...]" : "]");
}

AIC_RT_EXPORT size_t aic_dtype_size(aic_dtype_t dtype) {
  return aic::rt::dtypeSize(aic::rt::rawEnum(dtype));
}

AIC_RT_EXPORT const char *aic_dtype_name(aic_dtype_t dtype) {
  return aic::rt::dtypeName(aic::rt::rawEnum(dtype));
}
