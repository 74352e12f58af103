//===- Errors.h - Status codes, exceptions and the last-error slot --------===//
//
// Internally the runtime reports failures by throwing aic::rt::Error; every
// exported function converts exceptions to an aic_status_t at the C boundary
// with guarded(), so no exception ever reaches C callers or compiled models.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_RUNTIME_ERRORS_H
#define AIC_RUNTIME_ERRORS_H

#include "aic/runtime.h"

#include <cstring>
#include <exception>
#include <string>
#include <utility>

// Marks the functions libaicrt exports; everything else is hidden.
#define AIC_RT_EXPORT extern "C" __attribute__((visibility("default")))

namespace aic::rt {

class Error : public std::exception {
public:
  Error(aic_status_t status, std::string message)
      : status_(status), message_(std::move(message)) {}
  const char *what() const noexcept override { return message_.c_str(); }
  aic_status_t status() const { return status_; }
  const std::string &message() const { return message_; }

private:
  aic_status_t status_;
  std::string message_;
};

/// The integer a C caller stored in an enum-typed argument or field. C lets
/// it hold any int, but in C++ loading a value outside the enumerators'
/// range as the enum is undefined, so the runtime reads it as an int.
template <class E> int32_t rawEnum(const E &e) {
  static_assert(sizeof(E) == sizeof(int32_t), "an int-sized C enum");
  int32_t v;
  std::memcpy(&v, &e, sizeof v);
  return v;
}

[[noreturn]] inline void fail(aic_status_t status, std::string message) {
  throw Error(status, std::move(message));
}

/// Stores `message` as the calling thread's aic_last_error(). Never throws.
void setLastError(const std::string &message) noexcept;

/// Converts the exception currently being handled into a status and message.
/// `invalidArgs` is the status a dnnl invalid_arguments error maps to: it
/// means a corrupt model while creating primitives, a kernel failure later.
/// Must only be called from inside a catch block.
aic_status_t currentExceptionStatus(std::string &message,
                                    aic_status_t invalidArgs) noexcept;

/// Runs `f` (returning aic_status_t) and turns any exception into a status
/// plus the thread's last error, so that it can be used at the C boundary.
template <typename F> aic_status_t guarded(F &&f) noexcept {
  try {
    return f();
  } catch (...) {
    std::string message;
    aic_status_t status = currentExceptionStatus(message, AIC_ERROR_RUNTIME);
    setLastError(message);
    return status;
  }
}

void setLastError(const char *message) noexcept;

/// Records a failure as the thread's last error and returns its status.
inline aic_status_t report(aic_status_t status,
                           const std::string &message) noexcept {
  setLastError(message);
  return status;
}
/// Same, for literals: builds no std::string, so it cannot throw.
inline aic_status_t report(aic_status_t status, const char *message) noexcept {
  setLastError(message);
  return status;
}

} // namespace aic::rt

#endif // AIC_RUNTIME_ERRORS_H
