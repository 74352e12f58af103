//===- StringsTest.cpp - STRING tensors through the C API -----------------===//
//
// The strings test model (models/strings.cpp): string inputs and outputs,
// who owns output bytes (the run context), the STRING_CAST formatting and
// parsing rules, STRING_NORMALIZER, and the errors of each.
//
//===----------------------------------------------------------------------===//
#include "TestUtil.h"

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

using namespace aictest;

namespace {

std::string text(const aic_string_t &s) { return std::string(s.data, s.size); }

struct StringRun {
  std::vector<std::string> s;
  std::vector<float> f;
  std::vector<aic_string_t> sIn, f2s, norm, echo;
  std::vector<float> s2f;
  aic_status_t status;
};

/// Runs the model on strings `s` and floats `f` with `context`.
void run(const aic::Model &m, aic_run_context_t *context, StringRun &r) {
  const int64_t kS[] = {4}, kF[] = {3}, kNorm[] = {3};
  r.sIn.clear();
  for (const std::string &s : r.s)
    r.sIn.push_back({s.data(), s.size()});
  r.f2s.assign(3, {nullptr, 0});
  r.norm.assign(3, {nullptr, 0});
  r.echo.assign(4, {nullptr, 0});
  r.s2f.assign(4, 0);
  aic_tensor_t in[] = {{r.sIn.data(), AIC_DTYPE_STRING, 1, kS},
                       {r.f.data(), AIC_DTYPE_FLOAT32, 1, kF}};
  aic_tensor_t out[] = {{r.f2s.data(), AIC_DTYPE_STRING, 1, kF},
                        {r.s2f.data(), AIC_DTYPE_FLOAT32, 1, kS},
                        {r.norm.data(), AIC_DTYPE_STRING, 1, kNorm},
                        {r.echo.data(), AIC_DTYPE_STRING, 1, kS}};
  r.status = aic_model_run_in(m.get(), context, in, 2, out, 4);
}

TEST(Strings, CastNormalizeAndOwnership) {
  aic::Model m = aic::Model::load(modelPath("strings"));
  aic::RunContext context;
  StringRun r;
  r.s = {"1.5", "-inf", " NaN ", "nan"};
  r.f = {0.5f, 1e16f, -0.0f};
  run(m, context.get(), r);
  ASSERT_EQ(r.status, AIC_OK) << aic_last_error();
  EXPECT_EQ(text(r.f2s[0]), "0.5");
  EXPECT_EQ(text(r.f2s[1]), "1e+16");
  EXPECT_EQ(text(r.f2s[2]), "-0.0");
  EXPECT_EQ(r.s2f[0], 1.5f);
  EXPECT_TRUE(std::isinf(r.s2f[1]) && r.s2f[1] < 0);
  EXPECT_TRUE(std::isnan(r.s2f[2]));
  EXPECT_TRUE(std::isnan(r.s2f[3]));
  // Parsing ignores surrounding blanks; stopwords match whole strings.
  EXPECT_EQ(text(r.norm[0]), "1.5");
  EXPECT_EQ(text(r.norm[1]), "-INF");
  EXPECT_EQ(text(r.norm[2]), " NAN ");

  // The outputs' bytes belong to the context: overwriting the inputs (the
  // echo output pointed at them during the run) changes nothing.
  std::vector<aic_string_t> echo = r.echo;
  for (std::string &s : r.s)
    std::fill(s.begin(), s.end(), 'x');
  EXPECT_EQ(text(echo[0]), "1.5");
  EXPECT_EQ(text(echo[2]), " NaN ");
  for (const aic_string_t &e : echo)
    EXPECT_NE(e.data, nullptr);
}

TEST(Strings, StopwordsAndCase) {
  aic::Model m = aic::Model::load(modelPath("strings"));
  aic::RunContext context;
  StringRun r;
  r.s = {"nan", "Straße", "1", "NAN"};
  r.f = {1, 2, 3};
  run(m, context.get(), r);
  // "Straße" does not parse as a float: the cast fails first.
  EXPECT_EQ(r.status, AIC_ERROR_RUNTIME);
  EXPECT_NE(std::string(aic_last_error())
                .find("cannot cast the string "
                      "\"Straße\" (element 1) to "
                      "float32"),
            std::string::npos)
      << aic_last_error();
}

TEST(Strings, NormalizerCountsAndUtf8) {
  aic::Model m = aic::Model::load(modelPath("strings"));
  aic::RunContext context;
  StringRun r;
  // One stopword ("NaN", case-insensitive) leaves 3 strings, as compiled.
  r.s = {"NaN", "1e-5", "inf", "-0"};
  r.f = {1, 2, 3};
  run(m, context.get(), r);
  ASSERT_EQ(r.status, AIC_OK) << aic_last_error();
  EXPECT_EQ(text(r.norm[0]), "1E-5");
  EXPECT_EQ(text(r.norm[1]), "INF");
  EXPECT_EQ(text(r.norm[2]), "-0");
  EXPECT_EQ(text(r.f2s[0]), "1.0");

  // No stopword: 4 strings remain, the model has room for 3.
  r.s = {"1", "2", "3", "4"};
  run(m, context.get(), r);
  EXPECT_EQ(r.status, AIC_ERROR_RUNTIME);
  EXPECT_NE(std::string(aic_last_error())
                .find("4 or more strings remain, but the model was compiled "
                      "for 3"),
            std::string::npos)
      << aic_last_error();
}

TEST(Strings, FloatFormatting) {
  aic::Model m = aic::Model::load(modelPath("strings"));
  aic::RunContext context;
  StringRun r;
  r.s = {"NaN", "0", "0", "0"};
  // float32(1e-4) is just below 1e-4: scientific, as numpy prints it.
  r.f = {1e-4f, 123456789.0f, 2.5e-7f};
  run(m, context.get(), r);
  ASSERT_EQ(r.status, AIC_OK) << aic_last_error();
  EXPECT_EQ(text(r.f2s[0]), "1e-04");
  EXPECT_EQ(text(r.f2s[1]), "123456790.0");
  EXPECT_EQ(text(r.f2s[2]), "2.5e-07");
}

TEST(Strings, Errors) {
  aic::Model m = aic::Model::load(modelPath("strings"));
  // STRING outputs need a context.
  const int64_t kS[] = {4}, kF[] = {3};
  std::vector<aic_string_t> s(4, {"1", 1}), out0(3), out2(3), out3(4);
  std::vector<float> f(3), out1(4);
  aic_tensor_t in[] = {{s.data(), AIC_DTYPE_STRING, 1, kS},
                       {f.data(), AIC_DTYPE_FLOAT32, 1, kF}};
  aic_tensor_t out[] = {{out0.data(), AIC_DTYPE_STRING, 1, kF},
                        {out1.data(), AIC_DTYPE_FLOAT32, 1, kS},
                        {out2.data(), AIC_DTYPE_STRING, 1, kF},
                        {out3.data(), AIC_DTYPE_STRING, 1, kS}};
  EXPECT_EQ(aic_model_run(m.get(), in, 2, out, 4), AIC_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(aic_last_error()).find("aic_model_run_in"),
            std::string::npos);

  // A string with bytes at NULL.
  aic::RunContext context;
  s[2] = {nullptr, 3};
  EXPECT_EQ(aic_model_run_in(m.get(), context.get(), in, 2, out, 4),
            AIC_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(aic_last_error()).find("string 2 has 3 bytes at NULL"),
            std::string::npos)
      << aic_last_error();
  // An empty string may be NULL.
  s[2] = {nullptr, 0};
  s[0] = {"nan", 3};
  EXPECT_EQ(aic_model_run_in(m.get(), context.get(), in, 2, out, 4),
            AIC_ERROR_RUNTIME); // "" is not a number
  EXPECT_NE(std::string(aic_last_error()).find("\"\" (element 2)"),
            std::string::npos)
      << aic_last_error();

  EXPECT_EQ(aic_run_context_create(nullptr), AIC_ERROR_INVALID_ARGUMENT);
  aic_run_context_free(nullptr);
}

} // namespace
