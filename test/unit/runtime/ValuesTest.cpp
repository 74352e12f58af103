//===- ValuesTest.cpp - Sequences and optionals in the C API --------------===//
//
// A sequence or optional graph input/output is passed as the tensors it
// holds; aic_model_*_value_info say which tensors form which graph value.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"

using namespace aictest;

namespace {

TEST(Values, DescribesSequencesAndOptionals) {
  aic::Model m = aic::Model::load(modelPath("values"));
  ASSERT_EQ(aic_model_num_inputs(m.get()), 2u);
  ASSERT_EQ(aic_model_num_input_values(m.get()), 2u);
  aic_value_info_t info;
  ASSERT_EQ(aic_model_input_value_info(m.get(), 0, &info), AIC_OK);
  EXPECT_STREQ(info.name, "xs");
  EXPECT_EQ(info.kind, AIC_VALUE_SEQUENCE);
  EXPECT_EQ(info.elem_dtype, AIC_DTYPE_FLOAT32);
  EXPECT_EQ(info.present, 1);
  EXPECT_EQ(info.first, 0u);
  EXPECT_EQ(info.count, 2u);
  ASSERT_EQ(aic_model_input_value_info(m.get(), 1, &info), AIC_OK);
  EXPECT_STREQ(info.name, "none");
  EXPECT_EQ(info.kind, AIC_VALUE_OPTIONAL);
  EXPECT_EQ(info.elem_dtype, AIC_DTYPE_INT64);
  EXPECT_EQ(info.present, 0);
  EXPECT_EQ(info.first, 2u);
  EXPECT_EQ(info.count, 0u);

  std::vector<aic_value_info_t> outputs = m.outputValues();
  ASSERT_EQ(outputs.size(), 2u);
  EXPECT_STREQ(outputs[0].name, "ys");
  EXPECT_EQ(outputs[0].count, 2u);
  EXPECT_EQ(outputs[1].kind, AIC_VALUE_OPTIONAL_SEQUENCE);
  EXPECT_EQ(outputs[1].present, 0);
  EXPECT_EQ(outputs[1].count, 0u);
  // The tensors keep their own names.
  EXPECT_STREQ(m.inputs()[1].name, "xs[1]");
}

TEST(Values, RunsOnTheTensors) {
  aic::Model m = aic::Model::load(modelPath("values"));
  std::vector<float> x0 = {1, 2}, x1 = {3, 4, 5}, y0(3), y1(2);
  std::vector<int64_t> two = {2}, three = {3};
  m.run({aic::tensor(x0.data(), AIC_DTYPE_FLOAT32, two),
         aic::tensor(x1.data(), AIC_DTYPE_FLOAT32, three)},
        {aic::tensor(y0.data(), AIC_DTYPE_FLOAT32, three),
         aic::tensor(y1.data(), AIC_DTYPE_FLOAT32, two)});
  EXPECT_EQ(y0, x1);
  EXPECT_EQ(y1, x0);
}

TEST(Values, TensorModelsHaveOneValuePerTensor) {
  aic::Model m = aic::Model::load(modelPath("misc"));
  std::vector<aic_value_info_t> inputs = m.inputValues();
  ASSERT_EQ(inputs.size(), aic_model_num_inputs(m.get()));
  for (size_t i = 0; i < inputs.size(); ++i) {
    EXPECT_STREQ(inputs[i].name, m.inputs()[i].name);
    EXPECT_EQ(inputs[i].kind, AIC_VALUE_TENSOR);
    EXPECT_EQ(inputs[i].elem_dtype, m.inputs()[i].dtype);
    EXPECT_EQ(inputs[i].first, i);
    EXPECT_EQ(inputs[i].count, 1u);
  }
  EXPECT_EQ(aic_model_num_output_values(m.get()),
            aic_model_num_outputs(m.get()));
}

TEST(Values, InvalidArguments) {
  aic::Model m = aic::Model::load(modelPath("values"));
  aic_value_info_t info;
  EXPECT_EQ(aic_model_input_value_info(m.get(), 2, &info),
            AIC_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(aic_last_error()).find("index 2 is out of range"),
            std::string::npos)
      << aic_last_error();
  EXPECT_EQ(aic_model_output_value_info(m.get(), 0, nullptr),
            AIC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(aic_model_output_value_info(nullptr, 0, &info),
            AIC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(aic_model_num_input_values(nullptr), 0u);
  EXPECT_EQ(aic_model_num_output_values(nullptr), 0u);
}

} // namespace
