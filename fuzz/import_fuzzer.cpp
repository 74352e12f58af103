//===- import_fuzzer.cpp - The importer on raw bytes ----------------------===//
//
// Any bytes as a model file: binary protobuf, ONNX text or neither. The
// importer must give a module that verifies or a one-line error.
//
//===----------------------------------------------------------------------===//
#include "FuzzSupport.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  aicfuzz::FuzzContext context;
  aicfuzz::importChecked(aicfuzz::writeModelFile(data, size), context);
  return 0;
}
