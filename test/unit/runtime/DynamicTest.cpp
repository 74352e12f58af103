//===- DynamicTest.cpp - Outputs of a run-time shape through the C API ----===//
//
// The dynamic test model (models/dynamic.cpp): aic_model_run_alloc and
// aic_tensor_free, the refusal of aic_model_run for such models, NULL
// arguments, a misbehaving model's run, and runs from several threads.
// Static models run through aic_model_run_alloc too (the binary model).
//
//===----------------------------------------------------------------------===//
#include "TestUtil.h"

#include <atomic>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

using namespace aictest;

namespace {

const int64_t kX[] = {6};

constexpr size_t kOutputs = 3; // nz, sum, nz2

/// Runs the dynamic model on `x`, filling `out` (kOutputs tensors).
aic_status_t runAlloc(const aic::Model &m, std::vector<float> x,
                      aic_tensor_t *out) {
  aic_tensor_t in = {x.data(), AIC_DTYPE_FLOAT32, 1, kX};
  return aic_model_run_alloc(m.get(), &in, 1, out, kOutputs);
}

bool allEmpty(const aic_tensor_t *out) {
  for (size_t i = 0; i < kOutputs; ++i)
    if (out[i].data || out[i].shape || out[i].rank != 0 ||
        out[i].dtype != AIC_DTYPE_UNDEFINED)
      return false;
  return true;
}

bool isEmpty(const aic_tensor_t &t) {
  return !t.data && !t.shape && t.rank == 0 && t.dtype == AIC_DTYPE_UNDEFINED;
}

TEST(Dynamic, InfoMarksTheDim) {
  aic::Model m = aic::Model::load(modelPath("dynamic"));
  aic_tensor_info_t info;
  ASSERT_EQ(aic_model_output_info(m.get(), 0, &info), AIC_OK);
  ASSERT_EQ(info.rank, 1);
  EXPECT_EQ(info.shape[0], AIC_DIM_DYNAMIC);
  ASSERT_EQ(aic_model_output_info(m.get(), 1, &info), AIC_OK);
  EXPECT_EQ(info.shape[0], 1);
}

TEST(Dynamic, RunAllocReturnsOwnedOutputs) {
  aic::Model m = aic::Model::load(modelPath("dynamic"));
  for (int rep = 0; rep < 3; ++rep) {
    aic_tensor_t out[kOutputs];
    ASSERT_EQ(runAlloc(m, {0, 1.5f, 0, -2, 3, 0}, out), AIC_OK)
        << aic_last_error();
    ASSERT_EQ(out[0].dtype, AIC_DTYPE_INT64);
    ASSERT_EQ(out[0].rank, 1);
    ASSERT_EQ(out[0].shape[0], 3);
    const auto *nz = static_cast<const int64_t *>(out[0].data);
    EXPECT_EQ(std::vector<int64_t>(nz, nz + 3),
              (std::vector<int64_t>{1, 3, 4}));
    ASSERT_EQ(out[1].dtype, AIC_DTYPE_FLOAT32);
    ASSERT_EQ(out[1].rank, 1);
    EXPECT_EQ(out[1].shape[0], 1);
    EXPECT_FLOAT_EQ(*static_cast<const float *>(out[1].data), 2.5f);
    ASSERT_EQ(out[2].shape[0], 3);
    EXPECT_NE(out[2].data, out[0].data);
    EXPECT_EQ(static_cast<const int64_t *>(out[2].data)[2], 4);
    for (aic_tensor_t &t : out) {
      aic_tensor_free(&t);
      EXPECT_TRUE(isEmpty(t));
      aic_tensor_free(&t); // an empty tensor may be freed again
    }
  }
  aic_tensor_free(nullptr);
}

TEST(Dynamic, CppWrapperOwnsOutputs) {
  aic::Model m = aic::Model::load(modelPath("dynamic"));
  std::vector<float> x = {0, 0, 7, 0, 0, 9};
  aic_tensor_t in = {x.data(), AIC_DTYPE_FLOAT32, 1, kX};
  std::vector<aic::OwnedTensor> out = m.runAlloc({in});
  ASSERT_EQ(out.size(), kOutputs);
  EXPECT_EQ(out[0].shape(), std::vector<int64_t>{2});
  EXPECT_EQ(out[0].data<int64_t>()[0], 2);
  EXPECT_EQ(out[0].data<int64_t>()[1], 5);
  EXPECT_FLOAT_EQ(out[1].data<float>()[0], 16.0f);
  aic_tensor_t bad = {x.data(), AIC_DTYPE_INT64, 1, kX};
  EXPECT_THROW(m.runAlloc({bad}), aic::Error);
}

TEST(Dynamic, EmptyOutputHasData) {
  aic::Model m = aic::Model::load(modelPath("dynamic"));
  aic_tensor_t out[kOutputs];
  ASSERT_EQ(runAlloc(m, {0, 0, 0, 0, 0, 0}, out), AIC_OK) << aic_last_error();
  EXPECT_EQ(out[0].shape[0], 0);
  EXPECT_NE(out[0].data, nullptr);
  for (aic_tensor_t &t : out)
    aic_tensor_free(&t);
}

TEST(Dynamic, RunOnCallerBuffersIsRefused) {
  aic::Model m = aic::Model::load(modelPath("dynamic"));
  std::vector<float> x(6, 1);
  std::vector<int64_t> nz(6);
  float sum = 0;
  const int64_t kNz[] = {6}, kSum[] = {1};
  aic_tensor_t in = {x.data(), AIC_DTYPE_FLOAT32, 1, kX};
  aic_tensor_t out[] = {{nz.data(), AIC_DTYPE_INT64, 1, kNz},
                        {&sum, AIC_DTYPE_FLOAT32, 1, kSum},
                        {nz.data(), AIC_DTYPE_INT64, 1, kNz}};
  EXPECT_EQ(aic_model_run(m.get(), &in, 1, out, kOutputs),
            AIC_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(aic_last_error()).find("aic_model_run_alloc"),
            std::string::npos)
      << aic_last_error();
  EXPECT_NE(std::string(aic_last_error()).find("'nz'"), std::string::npos);
  EXPECT_EQ(aic_model_run_in(m.get(), nullptr, &in, 1, out, kOutputs),
            AIC_ERROR_INVALID_ARGUMENT);
}

TEST(Dynamic, NullAndCountErrors) {
  aic::Model m = aic::Model::load(modelPath("dynamic"));
  std::vector<float> x(6, 1);
  aic_tensor_t in = {x.data(), AIC_DTYPE_FLOAT32, 1, kX};
  aic_tensor_t out[kOutputs];
  std::memset(out, 0xff, sizeof out);
  EXPECT_EQ(aic_model_run_alloc(nullptr, &in, 1, out, kOutputs),
            AIC_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(allEmpty(out));
  EXPECT_EQ(aic_model_run_alloc(m.get(), &in, 1, nullptr, kOutputs),
            AIC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(aic_model_run_alloc(m.get(), nullptr, 1, out, kOutputs),
            AIC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(aic_model_run_alloc(m.get(), &in, 1, out, 1),
            AIC_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(isEmpty(out[0]));
  const int64_t kWrong[] = {5};
  aic_tensor_t wrong = {x.data(), AIC_DTYPE_FLOAT32, 1, kWrong};
  std::memset(out, 0xff, sizeof out);
  EXPECT_EQ(aic_model_run_alloc(m.get(), &wrong, 1, out, kOutputs),
            AIC_ERROR_SHAPE_MISMATCH);
  EXPECT_TRUE(allEmpty(out));
}

TEST(Dynamic, BrokenModelRunsFailCleanly) {
  aic::Model m = aic::Model::load(modelPath("dynamic"));
  struct Case {
    float x0;
    aic_status_t status;
    const char *message;
  } cases[] = {
      {42, AIC_ERROR_INVALID_MODEL, "did not hand over output 'nz'"},
      {43, AIC_ERROR_RUNTIME, "failed with status 9"},
      {44, AIC_ERROR_INVALID_MODEL, "more than the 8 bytes of its buffer"},
      {45, AIC_ERROR_INVALID_MODEL, "handed over twice"},
      {46, AIC_ERROR_INVALID_MODEL,
       "'nz2': its buffer was handed over as another output"},
  };
  for (const Case &c : cases) {
    aic_tensor_t out[kOutputs];
    EXPECT_EQ(runAlloc(m, {c.x0, 0, 0, 0, 0, 0}, out), c.status) << c.x0;
    EXPECT_NE(std::string(aic_last_error()).find(c.message), std::string::npos)
        << aic_last_error();
    EXPECT_TRUE(allEmpty(out));
  }
  // The model still runs afterwards.
  aic_tensor_t out[kOutputs];
  ASSERT_EQ(runAlloc(m, {1, 0, 0, 0, 0, 1}, out), AIC_OK) << aic_last_error();
  EXPECT_EQ(out[0].shape[0], 2);
  for (aic_tensor_t &t : out)
    aic_tensor_free(&t);
}

TEST(Dynamic, ThreadsRunAtOnce) {
  aic::Model m = aic::Model::load(modelPath("dynamic"));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int rep = 0; rep < 200; ++rep) {
        // Thread t's pattern: element i is nonzero when bit i of the run's
        // mask is set.
        int mask = (t * 17 + rep) % 64;
        std::vector<float> x(6);
        std::vector<int64_t> expected;
        for (int i = 0; i < 6; ++i)
          if (mask >> i & 1) {
            x[i] = static_cast<float>(i + 1);
            expected.push_back(i);
          }
        aic_tensor_t out[kOutputs];
        if (runAlloc(m, x, out) != AIC_OK || out[0].rank != 1 ||
            out[0].shape[0] != static_cast<int64_t>(expected.size()) ||
            !std::equal(expected.begin(), expected.end(),
                        static_cast<const int64_t *>(out[0].data)))
          ++failures;
        for (aic_tensor_t &o : out)
          aic_tensor_free(&o);
      }
    });
  for (std::thread &t : threads)
    t.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(Dynamic, StringOutputsOwnTheirBytes) {
  // The strings model's echo output points at the input strings, which the
  // caller may free: each output's strings are copied into its allocation.
  aic::Model m = aic::Model::load(modelPath("strings"));
  std::vector<std::string> s = {"1.5", "-2", " INF ", "nan"};
  std::vector<aic_string_t> sIn;
  for (const std::string &t : s)
    sIn.push_back({t.data(), t.size()});
  std::vector<float> f = {0.5f, 2, -1};
  const int64_t kS[] = {4}, kF[] = {3};
  aic_tensor_t in[] = {{sIn.data(), AIC_DTYPE_STRING, 1, kS},
                       {f.data(), AIC_DTYPE_FLOAT32, 1, kF}};
  aic_tensor_t out[4];
  ASSERT_EQ(aic_model_run_alloc(m.get(), in, 2, out, 4), AIC_OK)
      << aic_last_error();
  s.assign(4, std::string(64, '#')); // the inputs' bytes go away
  sIn.clear();
  const auto *f2s = static_cast<const aic_string_t *>(out[0].data);
  EXPECT_EQ(std::string(f2s[0].data, f2s[0].size), "0.5");
  EXPECT_EQ(std::string(f2s[2].data, f2s[2].size), "-1.0");
  const auto *echo = static_cast<const aic_string_t *>(out[3].data);
  ASSERT_EQ(out[3].shape[0], 4);
  EXPECT_EQ(std::string(echo[0].data, echo[0].size), "1.5");
  EXPECT_EQ(std::string(echo[1].data, echo[1].size), "-2");
  EXPECT_EQ(std::string(echo[2].data, echo[2].size), " INF ");
  EXPECT_EQ(std::string(echo[3].data, echo[3].size), "nan");
  EXPECT_EQ(static_cast<const float *>(out[1].data)[1], -2.0f);
  for (aic_tensor_t &t : out)
    aic_tensor_free(&t);
}

TEST(Dynamic, StaticModelsRunAllocToo) {
  aic::Model m = aic::Model::load(modelPath("binary"));
  auto inInfo = m.inputs();
  std::vector<std::vector<float>> inputs;
  for (size_t i = 0; i < inInfo.size(); ++i)
    inputs.push_back(filled(numElements(inInfo[i]), static_cast<int>(i)));
  std::vector<std::vector<float>> expected = runF32(m, inputs);
  std::vector<aic_tensor_t> in, out(m.outputs().size());
  for (size_t i = 0; i < inInfo.size(); ++i)
    in.push_back(
        {inputs[i].data(), AIC_DTYPE_FLOAT32, inInfo[i].rank, inInfo[i].shape});
  ASSERT_EQ(aic_model_run_alloc(m.get(), in.data(), in.size(), out.data(),
                                out.size()),
            AIC_OK)
      << aic_last_error();
  for (size_t i = 0; i < out.size(); ++i) {
    aic_tensor_info_t info = m.outputs()[i];
    ASSERT_EQ(out[i].rank, info.rank);
    ASSERT_TRUE(std::equal(info.shape, info.shape + info.rank, out[i].shape));
    const auto *data = static_cast<const float *>(out[i].data);
    EXPECT_EQ(std::vector<float>(data, data + expected[i].size()), expected[i])
        << "output " << i;
    aic_tensor_free(&out[i]);
  }
}

} // namespace
