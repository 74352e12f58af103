//===- aic-mutate-models.cpp - Mutated copies of ONNX models --------------===//
//
//   aic-mutate-models OUT_DIR COUNT FIRST_SEED MODEL...
//
// Writes OUT_DIR/mutated-<seed>.onnx for seeds FIRST_SEED ..
// FIRST_SEED+COUNT-1: model number seed % (number of models), changed by one
// to three of the hostile fuzzer's structural mutations (ModelMutator.cpp)
// drawn from a generator seeded with the seed, so each file can be
// regenerated from its name. Models that do not parse are skipped.
//
//===----------------------------------------------------------------------===//
#include "ModelMutator.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

// ModelMutator.cpp falls back to libFuzzer's byte mutations in
// mutateSerializedModel, which this tool does not use.
extern "C" size_t LLVMFuzzerMutate(uint8_t *, size_t size, size_t) {
  return size;
}

int main(int argc, char **argv) {
  if (argc < 5) {
    std::cerr << "usage: aic-mutate-models OUT_DIR COUNT FIRST_SEED MODEL...\n";
    return 2;
  }
  std::string out = argv[1];
  long count = std::atol(argv[2]);
  unsigned long long first = std::strtoull(argv[3], nullptr, 10);
  std::vector<std::string> models;
  for (int i = 4; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    onnx::ModelProto model;
    if (in && model.ParseFromString(bytes.str()))
      models.push_back(bytes.str());
  }
  if (models.empty()) {
    std::cerr << "error: no model parses\n";
    return 1;
  }
  for (long i = 0; i < count; ++i) {
    unsigned long long seed = first + i;
    onnx::ModelProto model;
    model.ParseFromString(models[seed % models.size()]);
    std::mt19937_64 rng(seed);
    for (int n = 1 + static_cast<int>(rng() % 3); n > 0; --n)
      aicfuzz::mutateModel(model, rng);
    std::string path = out + "/mutated-" + std::to_string(seed) + ".onnx";
    std::ofstream file(path, std::ios::binary);
    if (!model.SerializeToOstream(&file)) {
      std::cerr << "error: cannot write " << path << "\n";
      return 1;
    }
  }
  return 0;
}
