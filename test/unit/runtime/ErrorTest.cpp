//===- ErrorTest.cpp - Every failure is a status and a message ------------===//

#include "TestUtil.h"

#include <fstream>

using namespace aictest;

namespace {

/// Loads `path` expecting failure; returns the message.
std::string loadFails(const std::string &path, aic_status_t expected) {
  aic_model_t *m = reinterpret_cast<aic_model_t *>(0x1);
  aic_status_t s = aic_model_load(path.c_str(), &m);
  EXPECT_EQ(s, expected) << aic_status_string(s) << ": " << aic_last_error();
  EXPECT_EQ(m, nullptr);
  std::string message = aic_last_error();
  EXPECT_FALSE(message.empty());
  aic_model_free(m);
  return message;
}

TEST(LoadErrors, MissingFile) {
  loadFails(modelPath("does_not_exist"), AIC_ERROR_IO);
  loadFails("does_not_exist.so", AIC_ERROR_IO);
}

TEST(LoadErrors, ControlCharactersEscaped) {
  // A path (or a model's names) with a newline still gives a one-line
  // message: control characters are escaped as \xNN.
  std::string message = loadFails("does_not\nexist\x01.so", AIC_ERROR_IO);
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_NE(message.find("does_not\\x0aexist\\x01.so"), std::string::npos)
      << message;
}

TEST(LoadErrors, NotASharedLibrary) {
  std::string path = ::testing::TempDir() + "/aic_not_elf.so";
  std::ofstream(path) << "this is not an ELF file\n";
  loadFails(path, AIC_ERROR_IO);
}

TEST(LoadErrors, NotAnAicModel) {
  std::string msg =
      loadFails(modelPath("bad_not_model"), AIC_ERROR_INVALID_MODEL);
  EXPECT_NE(msg.find("aic_model_meta"), std::string::npos) << msg;
}

TEST(LoadErrors, BadMetadata) {
  std::string msg = loadFails(modelPath("bad_meta"), AIC_ERROR_INVALID_MODEL);
  EXPECT_NE(msg.find("invalid model metadata: output #0 'y': rank 40 is "
                     "outside [0, 12]"),
            std::string::npos)
      << msg;
}

TEST(LoadErrors, AbiVersionMismatch) {
  std::string msg = loadFails(modelPath("bad_abi"), AIC_ERROR_VERSION_MISMATCH);
  EXPECT_NE(msg.find("999"), std::string::npos) << msg;
}

TEST(LoadErrors, AbiVersion1TextMetadata) {
  std::string msg =
      loadFails(modelPath("bad_abi_v1"), AIC_ERROR_VERSION_MISMATCH);
  EXPECT_NE(msg.find("text metadata of ABI version 1"), std::string::npos)
      << msg;
}

TEST(LoadErrors, MetadataSymbolTooSmall) {
  std::string msg =
      loadFails(modelPath("bad_meta_size"), AIC_ERROR_INVALID_MODEL);
  EXPECT_NE(msg.find("has 4 bytes"), std::string::npos) << msg;
}

TEST(LoadErrors, UnknownKind) {
  std::string msg = loadFails(modelPath("bad_kind"), AIC_ERROR_INVALID_MODEL);
  EXPECT_NE(msg.find("primitive 'future_kind': unknown primitive kind 99"),
            std::string::npos)
      << msg;
}

// The model creates a conv from hand-written words (which must work: the
// wire order of aic/primitives.def), then the same words with its equally
// long strides and dilations swapped, which no longer fit its shapes.
TEST(LoadErrors, SwappedFieldsAreCaught) {
  std::string msg =
      loadFails(modelPath("bad_field_order"), AIC_ERROR_INVALID_MODEL);
  EXPECT_NE(msg.find("primitive 'conv_swapped'"), std::string::npos) << msg;
}

TEST(LoadErrors, TruncatedDescriptor) {
  std::string msg =
      loadFails(modelPath("bad_truncated"), AIC_ERROR_INVALID_MODEL);
  EXPECT_NE(msg.find("primitive 'conv_trunc': invalid CONV descriptor: "
                     "truncated: missing 'has_bias'"),
            std::string::npos)
      << msg;
}

TEST(LoadErrors, GarbageDescriptor) {
  std::string msg =
      loadFails(modelPath("bad_garbage"), AIC_ERROR_INVALID_MODEL);
  EXPECT_NE(msg.find("garbage"), std::string::npos) << msg;
}

TEST(LoadErrors, UnsupportedDtype) {
  std::string msg = loadFails(modelPath("bad_dtype"), AIC_ERROR_UNSUPPORTED);
  EXPECT_NE(msg.find("primitive 'relu_i64': dtype int64 not supported by "
                     "kind ELTWISE"),
            std::string::npos)
      << msg;
}

TEST(LoadErrors, InconsistentNewKinds) {
  std::string msg =
      loadFails(modelPath("bad_deconv_shape"), AIC_ERROR_INVALID_MODEL);
  EXPECT_NE(msg.find("primitive 'deconv_shape': invalid CONV_TRANSPOSE "
                     "descriptor: dst [1,1,6,6] is not the transposed window"),
            std::string::npos)
      << msg;
  msg = loadFails(modelPath("bad_lrn_size"), AIC_ERROR_INVALID_MODEL);
  EXPECT_NE(msg.find("primitive 'lrn_even': invalid LRN descriptor: size 4 "
                     "is not a positive odd number"),
            std::string::npos)
      << msg;
}

TEST(LoadErrors, MissingPrimitive) {
  std::string msg =
      loadFails(modelPath("bad_missing_prim"), AIC_ERROR_INVALID_MODEL);
  EXPECT_NE(msg.find("#1"), std::string::npos) << msg;
}

TEST(LoadErrors, FuzzedDescriptorsNeverCrash) {
  aic_model_t *m = nullptr;
  EXPECT_NE(aic_model_load(modelPath("fuzz").c_str(), &m), AIC_OK);
  EXPECT_EQ(m, nullptr);
  EXPECT_STRNE(aic_last_error(), "");
}

TEST(LoadErrors, NullArguments) {
  aic_model_t *m = nullptr;
  EXPECT_EQ(aic_model_load(nullptr, &m), AIC_ERROR_INVALID_ARGUMENT);
  EXPECT_STRNE(aic_last_error(), "");
  EXPECT_EQ(aic_model_load(modelPath("conv").c_str(), nullptr),
            AIC_ERROR_INVALID_ARGUMENT);
  aic_model_free(nullptr);
}

TEST(LoadErrors, ExceptionWrapper) {
  try {
    aic::Model::load(modelPath("does_not_exist"));
    FAIL() << "expected aic::Error";
  } catch (const aic::Error &e) {
    EXPECT_EQ(e.status(), AIC_ERROR_IO);
    EXPECT_NE(std::string(e.what()).find("does_not_exist"), std::string::npos);
  }
}

TEST(Api, StatusStringsAndVersion) {
  EXPECT_EQ(aic_runtime_version(), AIC_RUNTIME_VERSION);
  EXPECT_STREQ(aic_status_string(AIC_OK), "AIC_OK");
  EXPECT_STREQ(aic_status_string(AIC_ERROR_SHAPE_MISMATCH),
               "AIC_ERROR_SHAPE_MISMATCH");
  EXPECT_STREQ(aic_status_string(static_cast<aic_status_t>(1234)),
               "AIC_ERROR_UNKNOWN");
  EXPECT_EQ(aic_dtype_size(AIC_DTYPE_FLOAT32), 4u);
  EXPECT_EQ(aic_dtype_size(AIC_DTYPE_INT64), 8u);
  EXPECT_EQ(aic_dtype_size(AIC_DTYPE_BFLOAT16), 2u);
  EXPECT_EQ(aic_dtype_size(AIC_DTYPE_STRING), sizeof(aic_string_t));
  EXPECT_STREQ(aic_dtype_name(AIC_DTYPE_STRING), "string");
  EXPECT_EQ(aic_dtype_size(static_cast<aic_dtype_t>(14)), 0u); // COMPLEX128
}

/// The conv model with valid buffers, to break one thing at a time.
class RunErrors : public ::testing::Test {
protected:
  void SetUp() override {
    model = aic::Model::load(modelPath("conv"));
    in = {aic::tensor(x.data(), AIC_DTYPE_FLOAT32, xShape)};
    out = {aic::tensor(y1.data(), AIC_DTYPE_FLOAT32, y1Shape),
           aic::tensor(y2.data(), AIC_DTYPE_FLOAT32, y2Shape)};
  }
  aic_status_t run() {
    return aic_model_run(model.get(), in.data(), in.size(), out.data(),
                         out.size());
  }
  std::string fails(aic_status_t expected) {
    aic_status_t s = run();
    EXPECT_EQ(s, expected) << aic_status_string(s) << ": " << aic_last_error();
    std::string msg = aic_last_error();
    EXPECT_FALSE(msg.empty());
    return msg;
  }

  aic::Model model;
  std::vector<int64_t> xShape{1, 4, 9, 9}, y1Shape{1, 8, 5, 5},
      y2Shape{1, 6, 9, 9};
  std::vector<float> x = std::vector<float>(4 * 81),
                     y1 = std::vector<float>(8 * 25),
                     y2 = std::vector<float>(6 * 81);
  std::vector<aic_tensor_t> in, out;
};

TEST_F(RunErrors, ValidRunSucceeds) { EXPECT_EQ(run(), AIC_OK); }

TEST_F(RunErrors, NullPointers) {
  EXPECT_EQ(aic_model_run(nullptr, in.data(), 1, out.data(), 2),
            AIC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(aic_model_run(model.get(), nullptr, 1, out.data(), 2),
            AIC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(aic_model_run(model.get(), in.data(), 1, nullptr, 2),
            AIC_ERROR_INVALID_ARGUMENT);
  in[0].data = nullptr;
  EXPECT_NE(fails(AIC_ERROR_INVALID_ARGUMENT).find("input 'x' (#0)"),
            std::string::npos);
  in[0].data = x.data();
  out[1].shape = nullptr;
  fails(AIC_ERROR_INVALID_ARGUMENT);
}

TEST_F(RunErrors, WrongCounts) {
  EXPECT_EQ(aic_model_run(model.get(), in.data(), 0, out.data(), 2),
            AIC_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(aic_last_error()).find("expected 1 inputs, got 0"),
            std::string::npos)
      << aic_last_error();
  EXPECT_EQ(aic_model_run(model.get(), in.data(), 1, out.data(), 3),
            AIC_ERROR_INVALID_ARGUMENT);
}

TEST_F(RunErrors, WrongDtype) {
  out[1].dtype = AIC_DTYPE_INT32;
  std::string msg = fails(AIC_ERROR_DTYPE_MISMATCH);
  EXPECT_NE(msg.find("output 'y2' (#1)"), std::string::npos) << msg;
}

TEST_F(RunErrors, WrongShape) {
  xShape[3] = 8;
  EXPECT_EQ(fails(AIC_ERROR_SHAPE_MISMATCH),
            "input 'x' (#0): expected shape [1,4,9,9], got [1,4,9,8]");
}

TEST_F(RunErrors, WrongRank) {
  in[0].rank = 3;
  std::string msg = fails(AIC_ERROR_SHAPE_MISMATCH);
  EXPECT_NE(msg.find("rank"), std::string::npos) << msg;
  in[0].rank = -1;
  fails(AIC_ERROR_INVALID_ARGUMENT);
}

TEST_F(RunErrors, OverlappingBuffers) {
  // An output inside an input, and two outputs sharing their last bytes.
  out[0].data = x.data() + 10;
  EXPECT_EQ(fails(AIC_ERROR_INVALID_ARGUMENT),
            "output 'y1' (#0) overlaps input 'x' (#0): an output's buffer must "
            "not share memory with an input or another output");
  std::vector<float> both(8 * 25 + 6 * 81);
  out[0].data = both.data();
  out[1].data = both.data() + 8 * 25 - 1;
  EXPECT_NE(fails(AIC_ERROR_INVALID_ARGUMENT)
                .find("output 'y1' (#0) overlaps output 'y2' (#1)"),
            std::string::npos);
  // Adjacent buffers do not overlap; inputs may share memory.
  out[1].data = both.data() + 8 * 25;
  EXPECT_EQ(run(), AIC_OK) << aic_last_error();
}

TEST_F(RunErrors, InfoQueries) {
  aic_tensor_info_t info;
  EXPECT_EQ(aic_model_input_info(model.get(), 0, &info), AIC_OK);
  EXPECT_STREQ(info.name, "x");
  EXPECT_EQ(info.rank, 4);
  EXPECT_EQ(info.shape[1], 4);
  EXPECT_EQ(aic_model_input_info(model.get(), 1, &info),
            AIC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(aic_model_output_info(model.get(), 0, nullptr),
            AIC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(aic_model_output_info(nullptr, 0, &info),
            AIC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(aic_model_num_inputs(nullptr), 0u);
  EXPECT_EQ(aic_model_num_outputs(model.get()), 2u);
  EXPECT_EQ(aic_model_arena_bytes(model.get()), 0u);
  EXPECT_EQ(aic_model_arena_bytes(nullptr), 0u);
}

TEST(RunFailure, KernelErrorPropagates) {
  aic::Model m = aic::Model::load(modelPath("bad_exec_args"));
  EXPECT_EQ(m.arenaBytes(), 64u);
  std::vector<float> x(4), y(4);
  std::vector<int64_t> shape{4};
  aic_tensor_t in = aic::tensor(x.data(), AIC_DTYPE_FLOAT32, shape);
  aic_tensor_t out = aic::tensor(y.data(), AIC_DTYPE_FLOAT32, shape);
  EXPECT_EQ(aic_model_run(m.get(), &in, 1, &out, 1), AIC_ERROR_INVALID_MODEL);
  EXPECT_NE(std::string(aic_last_error()).find("expected 2 arguments, got 3"),
            std::string::npos)
      << aic_last_error();
}

} // namespace
