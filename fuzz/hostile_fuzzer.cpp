//===- hostile_fuzzer.cpp - The importer on structurally hostile models ---===//
//
// Inputs are ModelProtos that parse but lie (ModelMutator.cpp mutates
// them structurally, seeded from the test models). The importer must give a
// module that verifies or a one-line error.
//
//===----------------------------------------------------------------------===//
#include "FuzzSupport.h"
#include "ModelMutator.h"

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size,
                                          size_t maxSize, unsigned seed) {
  return aicfuzz::mutateSerializedModel(data, size, maxSize, seed);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  aicfuzz::FuzzContext context;
  aicfuzz::importChecked(aicfuzz::writeModelFile(data, size), context);
  return 0;
}
