//===- MetadataTest.cpp - Strict parsing of model metadata ----------------===//
//
// Links runtime/Metadata.cpp directly: the parser is internal to libaicrt.
//
//===----------------------------------------------------------------------===//

#include "Metadata.h"
#include "Errors.h"

#include <gtest/gtest.h>

using namespace aic::rt;

namespace {

const char *kHeader = "aic-model 1\narena 128\nprimitives 3\n";

TEST(Metadata, ParsesValidText) {
  ModelMeta m = parseMetadata("aic-model 1\narena 128\nprimitives 3\n"
                              "input 7 my in 0 1 4 1 3 2 2\n"
                              "input 1 s 7 0\n"
                              "output 3 out 1 2 1 12");
  EXPECT_EQ(m.arenaBytes, 128u);
  EXPECT_EQ(m.numPrimitives, 3);
  ASSERT_EQ(m.inputs.size(), 2u);
  EXPECT_EQ(m.inputs[0].name, "my in 0");
  EXPECT_EQ(m.inputs[0].dtype, AIC_DTYPE_FLOAT32);
  EXPECT_EQ(m.inputs[0].shape, (std::vector<int64_t>{1, 3, 2, 2}));
  EXPECT_EQ(m.inputs[0].bytes, 48u);
  EXPECT_EQ(m.inputs[1].shape.size(), 0u); // scalar
  EXPECT_EQ(m.inputs[1].bytes, 8u);
  ASSERT_EQ(m.outputs.size(), 1u);
  EXPECT_EQ(m.outputs[0].name, "out");
}

struct BadCase {
  std::string text;
  const char *needle; // expected in the message
};

// Readable test names in ctest output instead of the struct's raw bytes.
[[maybe_unused]] void PrintTo(const BadCase &c, std::ostream *os) {
  *os << "expects '" << c.needle << "'";
}

class MetadataErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(MetadataErrors, Rejected) {
  try {
    parseMetadata(GetParam().text.c_str());
    FAIL() << "accepted: " << GetParam().text;
  } catch (const Error &e) {
    EXPECT_EQ(e.status(), AIC_ERROR_INVALID_MODEL);
    EXPECT_NE(e.message().find(GetParam().needle), std::string::npos)
        << e.message();
  }
}

/// A valid header followed by `rest` (line 4 on).
std::string h(const char *rest) { return kHeader + std::string(rest); }

INSTANTIATE_TEST_SUITE_P(
    Cases, MetadataErrors,
    ::testing::Values(
        BadCase{"", "line 1"}, BadCase{"aic-model\n", "ABI version"},
        BadCase{"aic-model x\n", "line 1"},
        BadCase{"hello 1\n", "first record"},
        BadCase{"aic-model 1\narena -5\nprimitives 0\noutput 1 y 1 0\n",
                "line 2"},
        BadCase{"aic-model 1\narena 1 2\nprimitives 0\noutput 1 y 1 0\n",
                "trailing"},
        BadCase{"aic-model 1\narena  1\n", "line 2"},
        BadCase{"aic-model 1\narena 01\n", "leading zero"},
        BadCase{"aic-model 1\narena 99999999999999999999999\n", "too large"},
        BadCase{"aic-model 1\nprimitives 0\noutput 1 y 1 0\n", "arena"},
        BadCase{"aic-model 1\narena 0\noutput 1 y 1 0\n", "primitives"},
        BadCase{"aic-model 1\narena 0\nprimitives 0\n", "no outputs"},
        BadCase{h("output 1 y 1 0\n\n"), "empty line"},
        BadCase{h("arena 5\noutput 1 y 1 0\n"), "duplicate"},
        BadCase{h("weights 5\n"), "unknown record"},
        BadCase{h("output 9 y 1 0\n"), "line 4"},
        BadCase{h("output 1 y 8 0\n"), "unknown dtype"},
        BadCase{h("output 1 y 99 0\n"), "unknown dtype"},
        BadCase{h("output 1 y 1 2 3\n"), "dimension"},
        BadCase{h("output 1 y 1 1 3 4\n"), "trailing"},
        BadCase{h("output 1 y 1 65\n"), "rank"},
        BadCase{h("output 1 y 1 3 4294967296 4294967296 4294967296\n"),
                "overflows"},
        BadCase{h("output 1 y 1 1 -1\n"), "dimension"},
        BadCase{h("output 3 a\nb 1 0\n"), "newline"},
        BadCase{h("output 1 y 1 0\r\n"), "line 4"}),
    [](const ::testing::TestParamInfo<BadCase> &info) {
      return "Case" + std::to_string(info.index);
    });

TEST(Metadata, VersionMismatch) {
  try {
    parseMetadata("aic-model 2\nwhatever follows\n");
    FAIL();
  } catch (const Error &e) {
    EXPECT_EQ(e.status(), AIC_ERROR_VERSION_MISMATCH);
  }
}

} // namespace
