//===- ResourceBlob.h - Immutable heap copies for dense_resource ----------===//
//
// MLIR 19's HeapAsmResourceBlob::allocateAndCopyWithAlign(..., false) writes
// the copy through getMutableData(), which asserts that the blob is mutable:
// with asserts on (sanitizer builds) every immutable copy aborts. This makes
// the same blob without that path.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_DIALECT_RESOURCEBLOB_H
#define AIC_DIALECT_RESOURCEBLOB_H

#include "mlir/IR/AsmState.h"
#include "llvm/Support/MemAlloc.h"

#include <cstring>

namespace aic {

/// A heap copy of `data` aligned to `align`, marked immutable (passes copy
/// it before changing it).
inline mlir::AsmResourceBlob copyToImmutableBlob(llvm::ArrayRef<char> data,
                                                 size_t align) {
  char *buffer = static_cast<char *>(llvm::allocate_buffer(data.size(), align));
  if (!data.empty())
    std::memcpy(buffer, data.data(), data.size());
  return mlir::AsmResourceBlob(llvm::ArrayRef<char>(buffer, data.size()), align,
                               llvm::deallocate_buffer,
                               /*dataIsMutable=*/false);
}

} // namespace aic

#endif // AIC_DIALECT_RESOURCEBLOB_H
