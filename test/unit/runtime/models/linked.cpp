//===- linked.cpp - binary.cpp under the names of a named model -----------===//
//
// The test model of binary.cpp with the symbols `aic-compile --name=binary`
// gives a model: aic_binary_meta, _init and _run. Linked into a test
// program, it stands in for `--emit=static`; as a shared library with
// AIC_TEST_NAME_SYMBOL, which also exports aic_model_name, for `--emit=lib`.
//
//===----------------------------------------------------------------------===//
#define AIC_TEST_LINKED_NAME "binary"
#include "binary.cpp"

#ifdef AIC_TEST_NAME_SYMBOL
extern "C" __attribute__((visibility("default"))) const char
    aicTestModelName[] __asm__(AIC_MODEL_NAME_SYMBOL) = AIC_TEST_LINKED_NAME;
#endif
