//===- ShapedTest.cpp - The per-shape cache of primitives ----------------===//
//
// ShapedPrimitive (runtime/Shaped.h) with a factory that counts what it
// creates: a repeated shape creates nothing, the cache keeps the most
// recently used shapes up to its capacity, negative dims are errors and
// empty shapes go to the factory; ArgSubsetPrimitive.
//
//===----------------------------------------------------------------------===//

#include "Shaped.h"
#include "Context.h"
#include "Errors.h"

#include <gtest/gtest.h>

#include <cstdlib>

using namespace aic::rt;

// The one definition of Primitive.cpp this test needs.
AlignedBuffer aic::rt::allocAligned(size_t bytes) {
  void *p = std::aligned_alloc(64, ((bytes + 63) / 64 + 1) * 64);
  if (!p)
    throw std::bad_alloc();
  return AlignedBuffer(p);
}

namespace {

/// The scratchpad a DimsPrimitive's state found in the exec state.
struct DimsState : PrimState {
  char *scratchpad = nullptr;
};

/// Writes the dims it was created for into its one argument (an int64[2]),
/// and asks for a scratchpad of dims[0] bytes, which its state binds, as
/// oneDNN primitives do.
class DimsPrimitive : public Primitive {
public:
  DimsPrimitive(int64_t a, int64_t b)
      : Primitive("primitive 'dims'", 1), a_(a), b_(b) {}
  size_t scratchpadBytes() const override { return static_cast<size_t>(a_); }
  std::unique_ptr<PrimState> makeState(aicrt_exec_state &st) const override {
    auto s = std::make_unique<DimsState>();
    s->scratchpad = static_cast<char *>(st.scratchpad.get());
    return s;
  }
  void exec(aicrt_exec_state &, PrimState *ps, void *const *args) override {
    auto *out = static_cast<int64_t *>(args[0]);
    out[0] = a_;
    out[1] = b_;
    // The scratchpad lent for this shape is there and large enough.
    if (a_ > 0)
      static_cast<DimsState *>(ps)->scratchpad[a_ - 1] = 1;
  }

private:
  int64_t a_, b_;
};

struct ShapedTest : ::testing::Test {
  std::atomic<size_t> capacity{2};
  int created = 0;
  ShapedPrimitive prim{"primitive 'dims'",
                       1,
                       2,
                       {},
                       [this](const int64_t *dims) -> PrimitivePtr {
                         ++created;
                         return std::make_unique<DimsPrimitive>(dims[0],
                                                                dims[1]);
                       },
                       capacity};
  aicrt_exec_state st;
  std::unique_ptr<PrimState> ps = prim.makeState(st);

  /// Runs at (a, b) and checks the primitive of that shape ran.
  void runAt(int64_t a, int64_t b) {
    int64_t out[2] = {-1, -1}, dims[2] = {a, b};
    void *args[] = {out};
    prim.execDims(st, ps.get(), args, dims);
    EXPECT_EQ(out[0], a);
    EXPECT_EQ(out[1], b);
  }
};

TEST_F(ShapedTest, RepeatedShapesCreateNothing) {
  runAt(1, 8);
  runAt(4, 8);
  runAt(1, 8);
  runAt(4, 8);
  runAt(4, 8);
  EXPECT_EQ(created, 2);
  EXPECT_EQ(prim.cachedShapes(), 2u);
}

TEST_F(ShapedTest, KeepsTheMostRecentShapes) {
  runAt(1, 8);
  runAt(4, 8);
  runAt(7, 8); // evicts 1, the least recently created
  EXPECT_EQ(created, 3);
  EXPECT_EQ(prim.cachedShapes(), 2u);
  runAt(4, 8);
  runAt(7, 8);
  EXPECT_EQ(created, 3);
  runAt(1, 8); // created again
  EXPECT_EQ(created, 4);
  EXPECT_EQ(prim.cachedShapes(), 2u);
}

TEST_F(ShapedTest, CapacityChangesAtTheNextMiss) {
  capacity = 1;
  runAt(1, 8);
  runAt(2, 8);
  runAt(1, 8);
  EXPECT_EQ(created, 3);
  EXPECT_EQ(prim.cachedShapes(), 1u);
  capacity = 8;
  for (int64_t a = 1; a <= 8; ++a)
    runAt(a, 3);
  for (int64_t a = 1; a <= 8; ++a)
    runAt(a, 3);
  EXPECT_EQ(created, 3 + 8);
  EXPECT_EQ(prim.cachedShapes(), 8u);
}

TEST_F(ShapedTest, ExecStatesShareTheCache) {
  aicrt_exec_state other;
  std::unique_ptr<PrimState> otherState = prim.makeState(other);
  runAt(5, 8);
  int64_t out[2], dims[2] = {5, 8};
  void *args[] = {out};
  prim.execDims(other, otherState.get(), args, dims);
  EXPECT_EQ(out[0], 5);
  EXPECT_EQ(created, 1);
}

TEST_F(ShapedTest, NegativeDimsAreErrors) {
  int64_t out[2], dims[2] = {-3, 8};
  void *args[] = {out};
  EXPECT_THROW(prim.execDims(st, ps.get(), args, dims), Error);
  EXPECT_EQ(created, 0);
}

TEST_F(ShapedTest, EmptyShapesAreTheFactorys) {
  // The factory decides what an empty tensor does (Primitive.cpp: nothing
  // where the result is empty, a Concat leaves its empty inputs out).
  runAt(0, 8);
  runAt(4, 0);
  EXPECT_EQ(created, 2);
}

TEST(ArgSubsetPrimitive, RunsTheInnerOnTheArgsItPicks) {
  auto inner = std::make_unique<DimsPrimitive>(0, 5);
  ArgSubsetPrimitive subset("primitive 'subset'", 3, std::move(inner), {2});
  int64_t a[2] = {-1, -1}, b[2] = {-1, -1}, c[2] = {-1, -1};
  void *args[] = {a, b, c};
  aicrt_exec_state st;
  std::unique_ptr<PrimState> ps = subset.makeState(st);
  subset.exec(st, ps.get(), args);
  EXPECT_EQ(a[1], -1);
  EXPECT_EQ(b[1], -1);
  EXPECT_EQ(c[0], 0);
  EXPECT_EQ(c[1], 5);
  EXPECT_EQ(subset.numArgs(), 3);
}

TEST_F(ShapedTest, ExecWithoutDimsIsAnError) {
  int64_t out[2];
  void *args[] = {out};
  EXPECT_THROW(prim.exec(st, ps.get(), args), Error);
}

} // namespace
