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

/// Inputs: a sequence "xs" of f32 [2] and [3], an absent optional "none" and
/// a tensor "t"; outputs: a present optional "o" and an empty sequence.
struct ValueMetaFixture {
  int64_t two[1] = {2}, three[1] = {3};
  aic_model_tensor_meta inputs[3] = {{"xs[0]", AIC_DTYPE_FLOAT32, 1, two},
                                     {"xs[1]", AIC_DTYPE_FLOAT32, 1, three},
                                     {"t", AIC_DTYPE_INT64, 0, nullptr}};
  aic_model_tensor_meta outputs[1] = {{"o", AIC_DTYPE_FLOAT32, 1, two}};
  aic_model_value_meta inputValues[3] = {
      {"xs", AIC_VALUE_SEQUENCE, AIC_DTYPE_FLOAT32, 1, 0, 2},
      {"none", AIC_VALUE_OPTIONAL, AIC_DTYPE_FLOAT32, 0, 2, 0},
      {"t", AIC_VALUE_TENSOR, AIC_DTYPE_INT64, 1, 2, 1}};
  aic_model_value_meta outputValues[2] = {
      {"o", AIC_VALUE_OPTIONAL, AIC_DTYPE_FLOAT32, 1, 0, 1},
      {"empty", AIC_VALUE_SEQUENCE, AIC_DTYPE_UNDEFINED, 1, 1, 0}};
  aic_model_meta meta = {AIC_ABI_VERSION, 3,       1, 0, 0,
                         inputs,          outputs, 3, 2, inputValues,
                         outputValues};
};

TEST(Metadata, OutputsMayHaveDynamicDims) {
  Meta m;
  m.outShape[0] = AIC_DIM_DYNAMIC;
  ModelMeta r = readMetadata(&m.meta, sizeof m.meta);
  EXPECT_TRUE(r.outputs[0].dynamic);
  EXPECT_EQ(r.outputs[0].shape, std::vector<int64_t>{AIC_DIM_DYNAMIC});
  EXPECT_EQ(r.outputs[0].bytes, 0u);
  EXPECT_FALSE(r.outputs[1].dynamic);
  EXPECT_EQ(r.outputs[1].bytes, 8u);
}

TEST(Metadata, InputsMayHaveNamedSymbolicDims) {
  Meta m;
  static const char *const kNames[] = {"batch", nullptr, "", ""};
  m.inShape[0] = AIC_DIM_DYNAMIC;
  m.inShape[1] = AIC_DIM_DYNAMIC;
  m.inputs[0].dim_names = kNames;
  ModelMeta r = readMetadata(&m.meta, sizeof m.meta);
  EXPECT_TRUE(r.inputs[0].dynamic);
  EXPECT_EQ(r.inputs[0].shape,
            (std::vector<int64_t>{AIC_DIM_DYNAMIC, AIC_DIM_DYNAMIC, 2, 2}));
  EXPECT_EQ(r.inputs[0].dimNames,
            (std::vector<std::string>{"batch", "", "", ""}));
  EXPECT_EQ(r.inputs[0].bytes, 0u);
  EXPECT_TRUE(r.inputs[1].dimNames.empty());
}

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

/// Metadata made invalid by `corrupt`, and what the error must say.
template <typename Fixture> struct BadCaseOf {
  const char *name;
  std::function<void(Fixture &)> corrupt;
  const char *message; // expected in the error
};
using BadCase = BadCaseOf<Meta>;
using BadValueCase = BadCaseOf<ValueMetaFixture>;

// Readable test names in ctest output instead of the struct's raw bytes.
template <typename Fixture>
[[maybe_unused]] void PrintTo(const BadCaseOf<Fixture> &c, std::ostream *os) {
  *os << c.name;
}

template <typename Fixture> void expectRejected(const BadCaseOf<Fixture> &c) {
  Fixture m;
  c.corrupt(m);
  try {
    readMetadata(&m.meta, sizeof m.meta);
    FAIL() << "accepted";
  } catch (const Error &e) {
    EXPECT_EQ(e.status(), AIC_ERROR_INVALID_MODEL);
    EXPECT_NE(e.message().find(c.message), std::string::npos) << e.message();
    EXPECT_EQ(e.message().find('\n'), std::string::npos) << e.message();
  }
}

class MetadataErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(MetadataErrors, Rejected) { expectRejected(GetParam()); }

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
                "the model has no outputs"},
        BadCase{"NegativeOutputs", [](Meta &m) { m.meta.num_outputs = -1; },
                "num_outputs -1 is outside [0, 4096]"},
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
        BadCase{"ComplexDtype", [](Meta &m) { m.inputs[0].dtype = 14; },
                "input #0 'my in 0': unknown dtype 14"},
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
        BadCase{"NamedStaticDim",
                [](Meta &m) {
                  static const char *const kNames[] = {"", "batch", "", ""};
                  m.inputs[0].dim_names = kNames;
                },
                "input #0 'my in 0': dim 1 is static and named"},
        BadCase{"NamedOutputDims",
                [](Meta &m) {
                  static const char *const kNames[] = {"n", "", ""};
                  m.outputs[0].dim_names = kNames;
                },
                "output #0 'out': only inputs can name their dims"},
        BadCase{"OtherNegativeOutputDim", [](Meta &m) { m.outShape[0] = -2; },
                "output #0 'out': dimension 0 is -2"},
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

//===----------------------------------------------------------------------===//
// Value tables: sequences and optionals
//===----------------------------------------------------------------------===//

TEST(Metadata, ReadsValueTables) {
  ValueMetaFixture m;
  ModelMeta r = readMetadata(&m.meta, sizeof m.meta);
  ASSERT_EQ(r.inputValues.size(), 3u);
  EXPECT_EQ(r.inputValues[0].name, "xs");
  EXPECT_EQ(r.inputValues[0].kind, AIC_VALUE_SEQUENCE);
  EXPECT_EQ(r.inputValues[0].elemDtype, AIC_DTYPE_FLOAT32);
  EXPECT_EQ(r.inputValues[0].first, 0u);
  EXPECT_EQ(r.inputValues[0].count, 2u);
  EXPECT_FALSE(r.inputValues[1].present);
  EXPECT_EQ(r.inputValues[1].count, 0u);
  EXPECT_EQ(r.inputValues[2].first, 2u);
  ASSERT_EQ(r.outputValues.size(), 2u);
  EXPECT_EQ(r.outputValues[1].name, "empty");
  EXPECT_EQ(r.outputValues[1].count, 0u);
}

TEST(Metadata, DefaultValueTables) {
  // Without tables every tensor is a tensor value of its own.
  Meta m;
  ModelMeta r = readMetadata(&m.meta, sizeof m.meta);
  ASSERT_EQ(r.inputValues.size(), 2u);
  EXPECT_EQ(r.inputValues[1].name, "s");
  EXPECT_EQ(r.inputValues[1].kind, AIC_VALUE_TENSOR);
  EXPECT_EQ(r.inputValues[1].elemDtype, AIC_DTYPE_INT64);
  EXPECT_EQ(r.inputValues[1].first, 1u);
  EXPECT_EQ(r.inputValues[1].count, 1u);
  EXPECT_EQ(r.outputValues.size(), 2u);
}

TEST(Metadata, OnlyEmptyOutputs) {
  // A model whose outputs hold no tensor has no output tensors.
  ValueMetaFixture m;
  m.meta.num_outputs = 0;
  m.meta.outputs = nullptr;
  m.meta.num_output_values = 1;
  m.meta.output_values = &m.outputValues[1];
  m.outputValues[1].first = 0;
  ModelMeta r = readMetadata(&m.meta, sizeof m.meta);
  EXPECT_TRUE(r.outputs.empty());
  EXPECT_EQ(r.outputValues.size(), 1u);
}

class ValueMetadataErrors : public ::testing::TestWithParam<BadValueCase> {};

TEST_P(ValueMetadataErrors, Rejected) { expectRejected(GetParam()); }

INSTANTIATE_TEST_SUITE_P(
    Cases, ValueMetadataErrors,
    ::testing::Values(
        BadValueCase{"CountWithoutTable",
                     [](ValueMetaFixture &m) { m.meta.input_values = nullptr; },
                     "num_input_values is 3 with no table"},
        BadValueCase{"NegativeCount",
                     [](ValueMetaFixture &m) { m.meta.num_output_values = -2; },
                     "num_output_values -2 is outside [0, 4096]"},
        BadValueCase{
            "NullName",
            [](ValueMetaFixture &m) { m.inputValues[0].name = nullptr; },
            "input value #0: name is NULL"},
        BadValueCase{"UnknownKind",
                     [](ValueMetaFixture &m) { m.inputValues[2].kind = 7; },
                     "input value #2 't': unknown kind 7"},
        BadValueCase{
            "UnknownElementType",
            [](ValueMetaFixture &m) { m.outputValues[0].elem_dtype = 14; },
            "output value #0 'o': unknown element dtype 14"},
        BadValueCase{"BadPresent",
                     [](ValueMetaFixture &m) { m.inputValues[0].present = 2; },
                     "input value #0 'xs': present is 2"},
        BadValueCase{"AbsentSequence",
                     [](ValueMetaFixture &m) { m.inputValues[0].present = 0; },
                     "input value #0 'xs': only an optional can be absent"},
        BadValueCase{"Gap",
                     [](ValueMetaFixture &m) { m.inputValues[2].first = 3; },
                     "input value #2 't': first is 3, expected 2"},
        BadValueCase{"AbsentWithTensor",
                     [](ValueMetaFixture &m) {
                       m.inputValues[1].count = 1;
                       m.inputValues[2].first = 3;
                     },
                     "input value #1 'none': count 1 is outside [0, 0]"},
        BadValueCase{"TensorOfTwo",
                     [](ValueMetaFixture &m) {
                       m.inputValues[0].kind = AIC_VALUE_TENSOR;
                     },
                     "input value #0 'xs': count 2 is outside [1, 1]"},
        BadValueCase{"PastTheTable",
                     [](ValueMetaFixture &m) { m.inputValues[0].count = 4; },
                     "its 4 tensors run past the 3 of the table"},
        BadValueCase{
            "DtypeDiffers",
            [](ValueMetaFixture &m) { m.inputs[1].dtype = AIC_DTYPE_FLOAT64; },
            "its tensor 'xs[1]' is float64, not float32"},
        BadValueCase{"Uncovered",
                     [](ValueMetaFixture &m) { m.meta.num_input_values = 2; },
                     "input values cover 2 of 3 tensors"},
        BadValueCase{"NoOutputValues",
                     [](ValueMetaFixture &m) {
                       m.meta.num_outputs = 0;
                       m.meta.num_output_values = 0;
                     },
                     "the model has no outputs"}),
    [](const ::testing::TestParamInfo<BadValueCase> &info) {
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
