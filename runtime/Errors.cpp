//===- Errors.cpp - Last error, status strings, version -------------------===//

#include "Errors.h"

#include <dnnl.hpp>

#include <new>

using namespace aic::rt;

namespace {
// Per thread so that concurrent runs on one model do not clobber each
// other's messages.
thread_local std::string lastError;
} // namespace

void aic::rt::setLastError(const std::string &message) noexcept {
  setLastError(message.c_str());
}

void aic::rt::setLastError(const char *message) noexcept {
  try {
    // One line whatever the names in it (a model's input names are the
    // model's): control characters are escaped.
    lastError.clear();
    for (const char *c = message; *c; ++c) {
      auto byte = static_cast<unsigned char>(*c);
      if (byte >= 0x20 && byte != 0x7f) {
        lastError += *c;
        continue;
      }
      static const char kHex[] = "0123456789abcdef";
      const char escaped[] = {'\\', 'x', kHex[byte >> 4], kHex[byte & 15]};
      lastError.append(escaped, sizeof(escaped));
    }
  } catch (...) {
    // Out of memory while reporting: keep a message that needs no
    // allocation rather than a stale one.
    lastError.clear();
    static const char kOom[] = "out of memory while reporting an error";
    try {
      lastError.assign(kOom);
    } catch (...) {
    }
  }
}

aic_status_t
aic::rt::currentExceptionStatus(std::string &message,
                                aic_status_t invalidArgs) noexcept {
  try {
    try {
      throw;
    } catch (const Error &e) {
      message = e.message();
      return e.status();
    } catch (const dnnl::error &e) {
      message = std::string("oneDNN: ") + e.what();
      switch (e.status) {
      case dnnl_out_of_memory:
        return AIC_ERROR_OUT_OF_MEMORY;
      case dnnl_unimplemented:
        return AIC_ERROR_UNSUPPORTED;
      case dnnl_invalid_arguments:
        return invalidArgs;
      default:
        return AIC_ERROR_RUNTIME;
      }
    } catch (const std::bad_alloc &) {
      message = "out of memory";
      return AIC_ERROR_OUT_OF_MEMORY;
    } catch (const std::exception &e) {
      message = std::string("internal error: ") + e.what();
      return AIC_ERROR_RUNTIME;
    } catch (...) {
      message = "internal error: unknown exception";
      return AIC_ERROR_RUNTIME;
    }
  } catch (...) {
    // Building the message itself failed (std::bad_alloc).
    message.clear();
    return AIC_ERROR_OUT_OF_MEMORY;
  }
}

AIC_RT_EXPORT int32_t aic_runtime_version(void) { return AIC_RUNTIME_VERSION; }

AIC_RT_EXPORT const char *aic_last_error(void) { return lastError.c_str(); }

AIC_RT_EXPORT const char *aic_status_string(aic_status_t status) {
  switch (aic::rt::rawEnum(status)) {
  case AIC_OK:
    return "AIC_OK";
  case AIC_ERROR_INVALID_ARGUMENT:
    return "AIC_ERROR_INVALID_ARGUMENT";
  case AIC_ERROR_IO:
    return "AIC_ERROR_IO";
  case AIC_ERROR_INVALID_MODEL:
    return "AIC_ERROR_INVALID_MODEL";
  case AIC_ERROR_VERSION_MISMATCH:
    return "AIC_ERROR_VERSION_MISMATCH";
  case AIC_ERROR_SHAPE_MISMATCH:
    return "AIC_ERROR_SHAPE_MISMATCH";
  case AIC_ERROR_DTYPE_MISMATCH:
    return "AIC_ERROR_DTYPE_MISMATCH";
  case AIC_ERROR_OUT_OF_MEMORY:
    return "AIC_ERROR_OUT_OF_MEMORY";
  case AIC_ERROR_UNSUPPORTED:
    return "AIC_ERROR_UNSUPPORTED";
  case AIC_ERROR_RUNTIME:
    return "AIC_ERROR_RUNTIME";
  }
  return "AIC_ERROR_UNKNOWN";
}
