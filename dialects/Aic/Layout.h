//===- Layout.h - Blocked tensor layouts ------------------------*- C++ -*-===//
//
// The storage layouts #aic.layout names with a oneDNN-style format tag, and
// the index arithmetic shared by the verifier, the runtime encoder and the
// compile-time reorder of constants.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_DIALECTS_AIC_LAYOUT_H
#define AIC_DIALECTS_AIC_LAYOUT_H

#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <limits>
#include <string>
#include <utility>

namespace aic {

/// A run-time dim among logical dims (mlir::ShapedType::kDynamic).
constexpr int64_t kDynamicDim = std::numeric_limits<int64_t>::min();

/// A dense layout: the outer dims in storage order, then inner blocks.
struct BlockedLayout {
  /// The dims, outermost first (a permutation).
  llvm::SmallVector<int64_t> order;
  /// Inner blocks as (dim, size), outermost first.
  llvm::SmallVector<std::pair<int64_t, int64_t>> blocks;

  /// Parses a format tag such as "aBcd16b"; `error` says why it is not one.
  static mlir::FailureOr<BlockedLayout> parse(llvm::StringRef tag,
                                              std::string *error = nullptr);
  /// Row-major over `rank` dims.
  static BlockedLayout plain(int64_t rank);

  int64_t getRank() const { return static_cast<int64_t>(order.size()); }
  /// Dense row-major: the identity order and no blocks.
  bool isPlain() const;
  std::string getTag() const;
  /// The product of the blocks of `dim`.
  int64_t getBlockProduct(int64_t dim) const;
  /// Whether a tensor of logical `dims` can be stored in this layout: the
  /// rank agrees, no dim is negative, and run-time dims (kDynamicDim) are
  /// unblocked and stored in their logical order (the stored shape's dynamic
  /// dims are then the logical ones in order). `error` says why not.
  bool canStore(llvm::ArrayRef<int64_t> dims,
                std::string *error = nullptr) const;
  /// The stored tensor's shape for logical `dims`: outer extents in storage
  /// order, then the block sizes. A run-time dim (ShapedType::kDynamic,
  /// unblocked) stays one.
  llvm::SmallVector<int64_t>
  getPhysicalShape(llvm::ArrayRef<int64_t> dims) const;
  /// The logical index stored at physical index `pidx` (padding lies past
  /// the logical dims).
  void getLogicalIndex(llvm::ArrayRef<int64_t> pidx,
                       llvm::SmallVectorImpl<int64_t> &idx) const;

  bool operator==(const BlockedLayout &o) const {
    return order == o.order && blocks == o.blocks;
  }
};

} // namespace aic

#endif // AIC_DIALECTS_AIC_LAYOUT_H
