//===- MemoryPlanner.cpp - Static arena planning --------------------------===//
#include "passes/MemoryPlanner.h"

#include <algorithm>
#include <numeric>

using namespace aic;

static int64_t alignTo(int64_t value, int64_t alignment) {
  return (value + alignment - 1) & ~(alignment - 1);
}

MemoryPlan aic::planMemory(const std::vector<BufferRequest> &requests,
                           int64_t alignment) {
  MemoryPlan plan;
  plan.offsets.assign(requests.size(), 0);
  std::vector<size_t> order(requests.size());
  std::iota(order.begin(), order.end(), 0);
  // Largest first; ties by earlier start for a deterministic plan.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (requests[a].size != requests[b].size)
      return requests[a].size > requests[b].size;
    return requests[a].start < requests[b].start;
  });

  struct Placed {
    int64_t offset, size;
    size_t index;
  };
  std::vector<Placed> placed; // sorted by offset
  for (size_t index : order) {
    const BufferRequest &r = requests[index];
    int64_t size = alignTo(std::max<int64_t>(r.size, 1), alignment);
    plan.naiveBytes += size;
    // Scan the gaps between placed buffers that are live at the same time,
    // keeping the smallest gap that fits (best fit), else the end.
    int64_t best = -1, bestGap = INT64_MAX, cursor = 0;
    for (const Placed &p : placed) {
      const BufferRequest &q = requests[p.index];
      if (q.end < r.start || r.end < q.start)
        continue;
      if (p.offset >= cursor + size && p.offset - cursor < bestGap) {
        best = cursor;
        bestGap = p.offset - cursor;
      }
      cursor = std::max(cursor, p.offset + p.size);
    }
    int64_t offset = best >= 0 ? best : cursor;
    plan.offsets[index] = offset;
    plan.peakBytes = std::max(plan.peakBytes, offset + size);
    auto it = std::upper_bound(
        placed.begin(), placed.end(), offset,
        [](int64_t off, const Placed &p) { return off < p.offset; });
    placed.insert(it, Placed{offset, size, index});
  }
  return plan;
}
