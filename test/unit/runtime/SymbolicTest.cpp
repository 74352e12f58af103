//===- SymbolicTest.cpp - Inputs with symbolic dims through the C API -----===//
//
// The symbolic test model (models/symbolic.cpp): runs at several batch sizes
// (primitives and plans per shape, the arena they plan), inputs whose dims
// of one name disagree, wrong ranks, and aic_model_set_shape_cache.
//
//===----------------------------------------------------------------------===//
#include "TestUtil.h"

#include <string>
#include <vector>

using namespace aictest;

namespace {

/// Runs the model at `batch` (z's batch `zBatch`, default the same) and
/// checks y = x * w + z unless the run fails; returns its status.
aic_status_t runAt(const aic::Model &m, int64_t batch, int64_t zBatch = -1) {
  if (zBatch < 0)
    zBatch = batch;
  std::vector<float> x(batch * 3), z(zBatch * 2), w(6);
  fill(x.data(), x.size(), 7);
  fill(z.data(), z.size(), 8);
  fill(w.data(), 6, 61);
  int64_t xShape[] = {batch, 3}, zShape[] = {zBatch, 2};
  aic_tensor_t in[] = {{x.data(), AIC_DTYPE_FLOAT32, 2, xShape},
                       {z.data(), AIC_DTYPE_FLOAT32, 2, zShape}};
  aic_tensor_t y;
  aic_status_t status = aic_model_run_alloc(m.get(), in, 2, &y, 1);
  if (status != AIC_OK)
    return status;
  EXPECT_EQ(y.rank, 2);
  EXPECT_EQ(y.shape[0], batch);
  EXPECT_EQ(y.shape[1], 2);
  for (int64_t i = 0; i < batch; ++i)
    for (int64_t j = 0; j < 2; ++j) {
      float want = z[i * 2 + j];
      for (int64_t k = 0; k < 3; ++k)
        want += x[i * 3 + k] * w[k * 2 + j];
      EXPECT_NEAR(static_cast<float *>(y.data)[i * 2 + j], want, 1e-5);
    }
  aic_tensor_free(&y);
  return status;
}

TEST(Symbolic, InfoMarksTheDims) {
  aic::Model m = aic::Model::load(modelPath("symbolic"));
  aic_tensor_info_t info;
  ASSERT_EQ(aic_model_input_info(m.get(), 0, &info), AIC_OK);
  EXPECT_EQ(info.shape[0], AIC_DIM_DYNAMIC);
  EXPECT_EQ(info.shape[1], 3);
}

TEST(Symbolic, RunsAtEveryBatch) {
  aic::Model m = aic::Model::load(modelPath("symbolic"));
  for (int64_t batch : {1, 4, 7, 4, 1, 16})
    EXPECT_EQ(runAt(m, batch), AIC_OK) << aic_last_error();
}

TEST(Symbolic, ArenaBytesFollowThePlannedShapes) {
  aic::Model m = aic::Model::load(modelPath("symbolic"));
  // The model plans one buffer of batch x 2 floats per run, 64-byte
  // aligned.
  EXPECT_EQ(aic_model_arena_bytes(m.get()), 0u);
  ASSERT_EQ(runAt(m, 4), AIC_OK) << aic_last_error();
  EXPECT_EQ(aic_model_arena_bytes(m.get()), 64u); // 32 bytes
  ASSERT_EQ(runAt(m, 24), AIC_OK) << aic_last_error();
  EXPECT_EQ(aic_model_arena_bytes(m.get()), 192u); // 24 x 2 x 4
  // The largest so far: a smaller shape later keeps it.
  ASSERT_EQ(runAt(m, 1), AIC_OK) << aic_last_error();
  EXPECT_EQ(aic_model_arena_bytes(m.get()), 192u);
}

TEST(Symbolic, AFailedRunTimeCheckFailsTheRun) {
  aic::Model m = aic::Model::load(modelPath("symbolic"));
  EXPECT_EQ(runAt(m, 65), AIC_ERROR_SHAPE_MISMATCH);
  EXPECT_STREQ(aic_last_error(), "node 'check' (Test): the batch is above 64");
  // The next run is not affected.
  EXPECT_EQ(runAt(m, 64), AIC_OK) << aic_last_error();
}

TEST(Symbolic, AnEmptyBatchGivesAnEmptyResult) {
  aic::Model m = aic::Model::load(modelPath("symbolic"));
  // runAt checks y's shape [0, 2]: the matmul of no rows does nothing.
  EXPECT_EQ(runAt(m, 0), AIC_OK) << aic_last_error();
  EXPECT_EQ(runAt(m, 2), AIC_OK) << aic_last_error();
  EXPECT_EQ(runAt(m, 0), AIC_OK) << aic_last_error();
}

TEST(Symbolic, ASmallCacheStaysCorrect) {
  aic::Model m = aic::Model::load(modelPath("symbolic"));
  ASSERT_EQ(aic_model_set_shape_cache(m.get(), 1), AIC_OK);
  for (int64_t batch : {3, 5, 3, 5, 2})
    EXPECT_EQ(runAt(m, batch), AIC_OK) << aic_last_error();
  EXPECT_EQ(aic_model_set_shape_cache(m.get(), 0), AIC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(aic_model_set_shape_cache(nullptr, 4), AIC_ERROR_INVALID_ARGUMENT);
}

TEST(Symbolic, DimsOfOneNameMustAgree) {
  aic::Model m = aic::Model::load(modelPath("symbolic"));
  EXPECT_EQ(runAt(m, 4, 3), AIC_ERROR_SHAPE_MISMATCH);
  std::string msg = aic_last_error();
  EXPECT_NE(msg.find("input 'z' has 3 in dim 0 ('batch'), input 'x' 4 in "
                     "dim 0: dims of one name must be equal"),
            std::string::npos)
      << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos);
}

TEST(Symbolic, WrongRankIsRejected) {
  aic::Model m = aic::Model::load(modelPath("symbolic"));
  float x[3] = {}, z[2] = {};
  int64_t xShape[] = {3}, zShape[] = {1, 2};
  aic_tensor_t in[] = {{x, AIC_DTYPE_FLOAT32, 1, xShape},
                       {z, AIC_DTYPE_FLOAT32, 2, zShape}};
  aic_tensor_t y;
  EXPECT_EQ(aic_model_run_alloc(m.get(), in, 2, &y, 1),
            AIC_ERROR_SHAPE_MISMATCH);
  EXPECT_NE(std::string(aic_last_error()).find("expected rank 2 shape [?,3]"),
            std::string::npos)
      << aic_last_error();
}

} // namespace
