//===- Layout.cpp - Blocked tensor layouts --------------------------------===//
#include "dialects/Aic/Layout.h"

#include "llvm/ADT/STLExtras.h"

#include <cctype>

using namespace aic;

BlockedLayout BlockedLayout::plain(int64_t rank) {
  BlockedLayout l;
  for (int64_t d = 0; d < rank; ++d)
    l.order.push_back(d);
  return l;
}

mlir::FailureOr<BlockedLayout> BlockedLayout::parse(llvm::StringRef tag,
                                                    std::string *error) {
  auto fail = [&](const std::string &why) -> mlir::FailureOr<BlockedLayout> {
    if (error)
      *error = "format tag \"" + tag.str() + "\": " + why;
    return mlir::failure();
  };
  BlockedLayout l;
  llvm::SmallVector<bool> upper;
  size_t pos = 0;
  for (; pos < tag.size() && std::isalpha(tag[pos]); ++pos) {
    char c = tag[pos];
    l.order.push_back(std::tolower(c) - 'a');
    upper.push_back(std::isupper(c));
  }
  int64_t rank = l.getRank();
  if (rank == 0)
    return fail("no dims");
  llvm::SmallVector<bool> seen(rank, false);
  for (int64_t d : l.order) {
    if (d >= rank || seen[d])
      return fail("the dim letters are not a permutation of the first " +
                  std::to_string(rank) + " letters");
    seen[d] = true;
  }
  while (pos < tag.size()) {
    int64_t size = 0;
    size_t start = pos;
    for (; pos < tag.size() && std::isdigit(tag[pos]) && size < (1 << 20);
         ++pos)
      size = size * 10 + (tag[pos] - '0');
    if (pos == start || pos >= tag.size() || !std::islower(tag[pos]) ||
        size < 1)
      return fail("expected blocks like \"16b\" after the dims");
    int64_t dim = tag[pos++] - 'a';
    if (dim >= rank)
      return fail("block of a dim it does not have");
    l.blocks.push_back({dim, size});
  }
  for (int64_t i = 0; i < rank; ++i)
    if (upper[i] !=
        llvm::any_of(l.blocks, [&](auto b) { return b.first == l.order[i]; }))
      return fail("exactly the blocked dims are upper case");
  return l;
}

bool BlockedLayout::isPlain() const {
  for (int64_t i = 0; i < getRank(); ++i)
    if (order[i] != i)
      return false;
  return blocks.empty();
}

std::string BlockedLayout::getTag() const {
  std::string tag;
  for (int64_t d : order) {
    char c = static_cast<char>('a' + d);
    bool blocked = llvm::any_of(blocks, [&](auto b) { return b.first == d; });
    tag += blocked ? static_cast<char>(std::toupper(c)) : c;
  }
  for (auto [dim, size] : blocks)
    tag += std::to_string(size) + static_cast<char>('a' + dim);
  return tag;
}

int64_t BlockedLayout::getBlockProduct(int64_t dim) const {
  int64_t p = 1;
  for (auto [d, size] : blocks)
    if (d == dim)
      p *= size;
  return p;
}

bool BlockedLayout::canStore(llvm::ArrayRef<int64_t> dims,
                             std::string *error) const {
  auto fail = [&](const std::string &why) {
    if (error)
      *error = why;
    return false;
  };
  if (static_cast<int64_t>(dims.size()) != getRank())
    return fail("format tag \"" + getTag() + "\" has " +
                std::to_string(getRank()) + " dims but the layout " +
                std::to_string(dims.size()));
  int64_t lastDynamic = -1;
  for (int64_t d : order) {
    if (dims[d] != kDynamicDim) {
      if (dims[d] < 0)
        return fail("layout dim " + std::to_string(d) + " is negative");
      continue;
    }
    if (getBlockProduct(d) != 1)
      return fail("layout dim " + std::to_string(d) +
                  " is a run-time dim and blocked");
    if (d < lastDynamic)
      return fail("run-time layout dims " + std::to_string(lastDynamic) +
                  " and " + std::to_string(d) + " are stored out of order");
    lastDynamic = d;
  }
  return true;
}

llvm::SmallVector<int64_t>
BlockedLayout::getPhysicalShape(llvm::ArrayRef<int64_t> dims) const {
  llvm::SmallVector<int64_t> shape;
  for (int64_t d : order) {
    int64_t p = getBlockProduct(d);
    // A run-time dim is never blocked.
    shape.push_back(dims[d] == kDynamicDim ? dims[d] : (dims[d] + p - 1) / p);
  }
  for (auto [d, size] : blocks)
    shape.push_back(size);
  return shape;
}

void BlockedLayout::getLogicalIndex(llvm::ArrayRef<int64_t> pidx,
                                    llvm::SmallVectorImpl<int64_t> &idx) const {
  idx.assign(getRank(), 0);
  for (size_t k = 0; k < order.size(); ++k)
    idx[order[k]] = pidx[k];
  for (size_t i = 0; i < blocks.size(); ++i) {
    auto [d, size] = blocks[i];
    idx[d] = idx[d] * size + pidx[order.size() + i];
  }
}
