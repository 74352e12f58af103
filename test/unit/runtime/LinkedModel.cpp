//===- LinkedModel.cpp - binary.cpp under its --emit=static names ---------===//
//
// The test model of models/binary.cpp with the symbols `aic-compile
// --emit=static --name=binary` gives a model: aic_binary_meta, _init, _run.
//
//===----------------------------------------------------------------------===//
#define AIC_TEST_LINKED_NAME "binary"
#include "models/binary.cpp"
