//===- LinkedTest.cpp - Models linked into the program, static libaicrt ---===//
//
// This program links libaicrt.a and the test model binary.cpp compiled
// under the names `aic-compile --emit=static --name=binary` gives
// (aic_binary_meta/init/run, models/linked.cpp), and loads it with
// aic_model_load_linked. It
// exports its symbols (ENABLE_EXPORTS), so the same model loaded from
// binary.so binds to this program's copy of the runtime.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"

#include <array>

using namespace aictest;

extern "C" {
extern const aic_model_meta aic_binary_meta;
int32_t aic_binary_init(aicrt_context *ctx);
int32_t aic_binary_run(aicrt_exec_state *st, void *const *in, void *const *out,
                       void *arena);
}

namespace {

const aic_linked_model_t kLinked = {"binary", &aic_binary_meta, aic_binary_init,
                                    aic_binary_run};

std::vector<std::vector<float>> binaryInputs() {
  auto b = filled(3, 104);
  for (float &v : b)
    v += v >= 0 ? 0.5f : -0.5f; // keep the divisor away from 0
  return {filled(24, 103), b, filled(8, 105)};
}

TEST(Linked, RunsLikeTheLoadedLibrary) {
  aic::Model linked = aic::Model::loadLinked(kLinked);
  aic::Model loaded = aic::Model::load(modelPath("binary"));
  ASSERT_EQ(linked.outputs().size(), 5u);
  EXPECT_STREQ(linked.inputs()[1].name, "b");
  auto fromLinked = runF32(linked, binaryInputs());
  auto fromLoaded = runF32(loaded, binaryInputs());
  for (size_t i = 0; i < fromLinked.size(); ++i)
    expectNear(fromLinked[i], fromLoaded[i], "output " + std::to_string(i),
               0.0f);
}

TEST(Linked, NamedLibraryLoadsFromFile) {
  // Exports aic_binary_* and aic_model_name, not the aic/abi.h names.
  aic::Model named = aic::Model::load(modelPath("binary_named"));
  aic::Model loaded = aic::Model::load(modelPath("binary"));
  auto fromNamed = runF32(named, binaryInputs());
  auto fromLoaded = runF32(loaded, binaryInputs());
  for (size_t i = 0; i < fromNamed.size(); ++i)
    expectNear(fromNamed[i], fromLoaded[i], "output " + std::to_string(i),
               0.0f);
}

TEST(Linked, NamedLibraryWithoutItsSymbols) {
  aic_model_t *m = reinterpret_cast<aic_model_t *>(0x1);
  EXPECT_EQ(aic_model_load(modelPath("bad_named").c_str(), &m),
            AIC_ERROR_INVALID_MODEL);
  EXPECT_EQ(m, nullptr);
  EXPECT_NE(std::string(aic_last_error())
                .find("is not an aic model: symbol 'aic_gone_meta' is missing"),
            std::string::npos)
      << aic_last_error();
}

TEST(Linked, Errors) {
  aic_model_t *m = reinterpret_cast<aic_model_t *>(0x1);
  EXPECT_EQ(aic_model_load_linked(nullptr, &m), AIC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(m, nullptr);
  EXPECT_EQ(aic_model_load_linked(&kLinked, nullptr),
            AIC_ERROR_INVALID_ARGUMENT);
  aic_linked_model_t noRun = kLinked;
  noRun.run = nullptr;
  EXPECT_EQ(aic_model_load_linked(&noRun, &m), AIC_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(aic_last_error()).find("'binary'"), std::string::npos)
      << aic_last_error();

  aic_model_meta otherAbi = aic_binary_meta;
  otherAbi.abi_version = 999;
  aic_linked_model_t stale = kLinked;
  stale.meta = &otherAbi;
  EXPECT_EQ(aic_model_load_linked(&stale, &m), AIC_ERROR_VERSION_MISMATCH);
  EXPECT_EQ(m, nullptr);
  EXPECT_NE(std::string(aic_last_error()).find("999"), std::string::npos)
      << aic_last_error();
}

TEST(Linked, CheckSignature) {
  aic::Model m = aic::Model::loadLinked(kLinked);
  std::vector<aic_tensor_info_t> in = m.inputs(), out = m.outputs();
  EXPECT_NO_THROW(m.checkSignature(in, out));

  auto fails = [&](const std::vector<aic_tensor_info_t> &i,
                   const std::vector<aic_tensor_info_t> &o, aic_status_t status,
                   const std::string &text) {
    aic_status_t s = aic_model_check_signature(m.get(), i.data(), i.size(),
                                               o.data(), o.size());
    EXPECT_EQ(s, status) << aic_last_error();
    EXPECT_NE(std::string(aic_last_error()).find(text), std::string::npos)
        << aic_last_error();
  };
  fails({in[0], in[1]}, out, AIC_ERROR_SHAPE_MISMATCH,
        "the model has 3 inputs, expected 2");
  auto renamed = out;
  renamed[2].name = "y_other";
  fails(in, renamed, AIC_ERROR_SHAPE_MISMATCH,
        "output #2 of the model is 'y_mul', expected 'y_other'");
  auto retyped = in;
  retyped[1].dtype = AIC_DTYPE_INT64;
  fails(retyped, out, AIC_ERROR_DTYPE_MISMATCH,
        "input #1 'b' has dtype float32, expected int64");
  const int64_t wrong[] = {3, 2};
  auto reshaped = in;
  reshaped[1].shape = wrong;
  fails(reshaped, out, AIC_ERROR_SHAPE_MISMATCH,
        "input #1 'b' has shape [3,1], expected [3,2]");
  EXPECT_EQ(aic_model_check_signature(nullptr, nullptr, 0, nullptr, 0),
            AIC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(aic_model_check_signature(m.get(), nullptr, 3, out.data(), 5),
            AIC_ERROR_INVALID_ARGUMENT);
}

TEST(Linked, TypedSpans) {
  aic::Model m = aic::Model::loadLinked(kLinked);
  auto inputs = binaryInputs();
  std::array<float, 24> a;
  std::copy(inputs[0].begin(), inputs[0].end(), a.begin());
  float b[3];
  std::copy(inputs[1].begin(), inputs[1].end(), b);
  const std::vector<float> &c = inputs[2];
  std::array<std::array<float, 24>, 5> out;
  const std::vector<int64_t> kA{2, 3, 4}, kB{3, 1}, kC{2, 1, 4}, kU{6, 4, 1};
  m.run({aic::tensor<const float>(a, kA), aic::tensor<float>(b, kB),
         aic::tensor<const float>(c, kC)},
        {aic::tensor<float>(out[0], kA), aic::tensor<float>(out[1], kA),
         aic::tensor<float>(out[2], kA), aic::tensor<float>(out[3], kA),
         aic::tensor<float>(out[4], kU)});
  auto expected = runF32(m, inputs);
  for (size_t i = 0; i < out.size(); ++i)
    expectNear({out[i].begin(), out[i].end()}, expected[i],
               "output " + std::to_string(i), 0.0f);

  // Sizes: a static extent takes only arrays of its size (a compile-time
  // check; here the run-time one of pointer + size), tensor() checks the
  // shape's element count.
  aic::Span<const float, 24> fixed(a);
  EXPECT_EQ(fixed.size(), 24u);
  EXPECT_THROW((aic::Span<const float, 24>(a.data(), 23)), aic::Error);
  EXPECT_THROW(aic::tensor<float>(b, kA), aic::Error);
  static_assert(
      !std::is_convertible_v<std::array<float, 23> &, aic::Span<float, 24>>);
  static_assert(std::is_convertible_v<std::array<float, 24> &,
                                      aic::Span<const float, 24>>);
  static_assert(!std::is_convertible_v<const std::array<float, 24> &,
                                       aic::Span<float, 24>>);
  static_assert(aic::dtype_of_v<const int64_t> == AIC_DTYPE_INT64);
}

} // namespace
