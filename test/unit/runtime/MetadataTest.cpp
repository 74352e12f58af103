//===- MetadataTest.cpp - Strict validation of model metadata -------------===//
//
// Links runtime/Metadata.cpp directly: the validator is internal to libaicrt.
//
//===----------------------------------------------------------------------===//

#include "Metadata.h"
#include "Errors.h"

#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <string>
#include <vector>

using namespace aic::rt;

namespace {

/// A valid model's metadata: inputs "my in 0" f32 [1,3,2,2] and scalar
/// int64 "s"; outputs "out" f32 [12] and "y" f32 [2].
struct Meta {
  int64_t inShape[4] = {1, 3, 2, 2}, outShape[1] = {12}, yShape[1] = {2};
  aic_model_tensor_meta inputs[2] = {{"my in 0", AIC_DTYPE_FLOAT32, 4, inShape},
                                     {"s", AIC_DTYPE_INT64, 0, nullptr}};
  aic_model_tensor_meta outputs[2] = {{"out", AIC_DTYPE_FLOAT32, 1, outShape},
                                      {"y", AIC_DTYPE_FLOAT32, 1, yShape}};
  aic_model_meta meta = {AIC_ABI_VERSION, 2, 2, 3, 128, inputs, outputs};
};

TEST(Metadata, ReadsValidStruct) {
  Meta m;
  ModelMeta r = readMetadata(&m.meta, sizeof m.meta);
  EXPECT_EQ(r.abiVersion, AIC_ABI_VERSION);
  EXPECT_EQ(r.arenaBytes, 128u);
  EXPECT_EQ(r.numPrimitives, 3);
  ASSERT_EQ(r.inputs.size(), 2u);
  EXPECT_EQ(r.inputs[0].name, "my in 0");
  EXPECT_EQ(r.inputs[0].dtype, AIC_DTYPE_FLOAT32);
  EXPECT_EQ(r.inputs[0].shape, (std::vector<int64_t>{1, 3, 2, 2}));
  EXPECT_EQ(r.inputs[0].bytes, 48u);
  EXPECT_EQ(r.inputs[1].shape.size(), 0u); // scalar, NULL shape
  EXPECT_EQ(r.inputs[1].bytes, 8u);
  ASSERT_EQ(r.outputs.size(), 2u);
  EXPECT_EQ(r.outputs[0].name, "out");
  // The runtime owns copies: the model's strings may go away with it.
  EXPECT_NE(r.inputs[0].name.c_str(), m.inputs[0].name);
}

TEST(Metadata, CopiesInputValue) {
  Meta m;
  int64_t s = 42;
  m.inputs[1].value = &s;
  ModelMeta r = readMetadata(&m.meta, sizeof m.meta);
  ASSERT_EQ(r.inputs[1].value.size(), 8u);
  EXPECT_EQ(std::memcmp(r.inputs[1].value.data(), &s, 8), 0);
  EXPECT_TRUE(r.inputs[0].value.empty());
}

TEST(Metadata, NoInputsAndEmptyTensors) {
  Meta m;
  m.meta.num_inputs = 0;
  m.meta.inputs = nullptr;
  m.meta.arena_bytes = 0;
  m.yShape[0] = 0;
  ModelMeta r = readMetadata(&m.meta);
  EXPECT_TRUE(r.inputs.empty());
  EXPECT_EQ(r.outputs[1].bytes, 0u);
}

struct BadCase {
  const char *name;
  std::function<void(Meta &)> corrupt;
  const char *message; // expected in the error
};

// Readable test names in ctest output instead of the struct's raw bytes.
[[maybe_unused]] void PrintTo(const BadCase &c, std::ostream *os) {
  *os << c.name;
}

class MetadataErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(MetadataErrors, Rejected) {
  Meta m;
  GetParam().corrupt(m);
  try {
    readMetadata(&m.meta, sizeof m.meta);
    FAIL() << "accepted";
  } catch (const Error &e) {
    EXPECT_EQ(e.status(), AIC_ERROR_INVALID_MODEL);
    EXPECT_NE(e.message().find(GetParam().message), std::string::npos)
        << e.message();
    EXPECT_EQ(e.message().find('\n'), std::string::npos) << e.message();
  }
}

const std::string kNoNul(AIC_MAX_NAME_BYTES, 'a');
int64_t kHuge[3] = {int64_t(1) << 31, int64_t(1) << 31, int64_t(1) << 31};

INSTANTIATE_TEST_SUITE_P(
    Cases, MetadataErrors,
    ::testing::Values(
        BadCase{"NegativeInputs", [](Meta &m) { m.meta.num_inputs = -1; },
                "num_inputs -1 is outside [0, 4096]"},
        BadCase{"TooManyInputs", [](Meta &m) { m.meta.num_inputs = 4097; },
                "num_inputs 4097"},
        BadCase{"NoOutputs", [](Meta &m) { m.meta.num_outputs = 0; },
                "num_outputs 0 is outside [1, 4096]"},
        BadCase{"TooManyOutputs", [](Meta &m) { m.meta.num_outputs = 5000; },
                "num_outputs 5000"},
        BadCase{"NegativePrimitives",
                [](Meta &m) { m.meta.num_primitives = -3; },
                "num_primitives -3"},
        BadCase{"TooManyPrimitives",
                [](Meta &m) { m.meta.num_primitives = kMaxPrimitives + 1; },
                "num_primitives 16777217"},
        BadCase{"NegativeArena", [](Meta &m) { m.meta.arena_bytes = -64; },
                "arena_bytes -64 is negative"},
        BadCase{"NullInputs", [](Meta &m) { m.meta.inputs = nullptr; },
                "inputs is NULL"},
        BadCase{"NullOutputs", [](Meta &m) { m.meta.outputs = nullptr; },
                "outputs is NULL"},
        BadCase{"NullName", [](Meta &m) { m.inputs[1].name = nullptr; },
                "input #1: name is NULL"},
        BadCase{"EmptyName", [](Meta &m) { m.outputs[0].name = ""; },
                "output #0: name is empty"},
        BadCase{"UnterminatedName",
                [](Meta &m) { m.outputs[1].name = kNoNul.data(); },
                "output #1: name has no NUL within 4096 bytes"},
        BadCase{"StringDtype", [](Meta &m) { m.inputs[0].dtype = 8; },
                "input #0 'my in 0': unknown dtype 8"},
        BadCase{"GarbageDtype", [](Meta &m) { m.outputs[1].dtype = -7; },
                "output #1 'y': unknown dtype -7"},
        BadCase{"NegativeRank", [](Meta &m) { m.inputs[1].rank = -1; },
                "input #1 's': rank -1 is outside [0, 12]"},
        BadCase{"RankAboveLimit", [](Meta &m) { m.outputs[1].rank = 40; },
                "invalid model metadata: output #1 'y': rank 40 is outside "
                "[0, 12]"},
        BadCase{"NullShape", [](Meta &m) { m.inputs[0].shape = nullptr; },
                "input #0 'my in 0': shape is NULL"},
        BadCase{"NegativeDim", [](Meta &m) { m.inShape[2] = -2; },
                "input #0 'my in 0': dimension 2 is -2"},
        BadCase{"ByteSizeOverflows",
                [](Meta &m) {
                  m.outputs[0].rank = 3;
                  m.outputs[0].shape = kHuge;
                },
                "output #0 'out': byte size overflows"},
        BadCase{"OutputValue", [](Meta &m) { m.outputs[1].value = m.yShape; },
                "output #1 'y': only inputs can have a value"},
        BadCase{"HugeValue",
                [](Meta &m) {
                  m.inputs[0].rank = 1;
                  m.inputs[0].shape = kHuge;
                  m.inputs[0].value = kHuge;
                },
                "input #0 'my in 0': its value has 8589934592 bytes, more "
                "than 1048576"}),
    [](const ::testing::TestParamInfo<BadCase> &info) {
      return info.param.name;
    });

aic_status_t statusOf(const aic_model_meta *meta, size_t bytes,
                      std::string &message) {
  try {
    readMetadata(meta, bytes);
    return AIC_OK;
  } catch (const Error &e) {
    message = e.message();
    return e.status();
  }
}

TEST(Metadata, VersionIsCheckedFirst) {
  Meta m;
  m.meta.abi_version = AIC_ABI_VERSION + 1;
  m.meta.num_inputs = -1; // would be INVALID_MODEL, but is not looked at
  std::string msg;
  EXPECT_EQ(statusOf(&m.meta, sizeof m.meta, msg), AIC_ERROR_VERSION_MISMATCH);
  EXPECT_NE(msg.find("ABI version " + std::to_string(AIC_ABI_VERSION + 1) +
                     ", this runtime supports " +
                     std::to_string(AIC_ABI_VERSION)),
            std::string::npos)
      << msg;
}

TEST(Metadata, Version1TextIsAVersionMismatch) {
  static const char text[] = "aic-model 1\narena 0\nprimitives 0\n"
                             "output 1 y 1 1 2\n";
  std::string msg;
  EXPECT_EQ(statusOf(reinterpret_cast<const aic_model_meta *>(text),
                     sizeof text, msg),
            AIC_ERROR_VERSION_MISMATCH);
  EXPECT_NE(msg.find("text metadata of ABI version 1"), std::string::npos)
      << msg;
}

TEST(Metadata, SymbolTooSmall) {
  Meta m;
  std::string msg;
  EXPECT_EQ(statusOf(&m.meta, sizeof m.meta - 8, msg), AIC_ERROR_INVALID_MODEL);
  EXPECT_NE(msg.find("bytes, the struct needs"), std::string::npos) << msg;
  EXPECT_EQ(statusOf(&m.meta, 2, msg), AIC_ERROR_INVALID_MODEL);
  EXPECT_EQ(statusOf(nullptr, 0, msg), AIC_ERROR_INVALID_MODEL);
}

} // namespace
