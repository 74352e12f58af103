//===- ModelMutator.h - Structural mutations of ONNX models -----*- C++ -*-===//
//
// Mutates a parsed ModelProto the way a hostile or broken exporter would:
// the result still parses, but lies. See ModelMutator.cpp for the list.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_FUZZ_MODELMUTATOR_H
#define AIC_FUZZ_MODELMUTATOR_H

#include "onnx/onnx_pb.h"

#include <cstddef>
#include <cstdint>
#include <random>

namespace aicfuzz {

/// Applies one structural mutation chosen by `rng` to `model`.
void mutateModel(onnx::ModelProto &model, std::mt19937_64 &rng);

/// libFuzzer custom mutator body: parses `data` as a ModelProto, applies one
/// to three structural mutations and serializes it back (falling back to
/// libFuzzer's byte mutations for bytes that do not parse or when the result
/// would exceed `maxSize`).
size_t mutateSerializedModel(uint8_t *data, size_t size, size_t maxSize,
                             unsigned seed);

} // namespace aicfuzz

#endif // AIC_FUZZ_MODELMUTATOR_H
