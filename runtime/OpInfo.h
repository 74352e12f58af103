//===- OpInfo.h - What a profile says about each primitive ----------------===//
//
// The tensors (shapes, dtypes) and arithmetic of a primitive, computed once
// from its decoded descriptor when it is created, for aic_model_get_profile
// _ops and traces.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_RUNTIME_OPINFO_H
#define AIC_RUNTIME_OPINFO_H

#include "Descriptor.h"

#include <string>

namespace aic::rt {

struct OpInfo {
  /// "src 1x3x224x224 float32, wei 64x3x7x7 float32, dst ..." (logical
  /// shapes, in the descriptor's field order).
  std::string shapes;
  /// Arithmetic operations per call: 2 per multiply-add of convolutions
  /// and matmuls, one per output element of elementwise ops and post-ops,
  /// one per window element of pooling, a small constant per element of
  /// normalizations and softmax; 0 for data movement (reorder, concat).
  double flops = 0;
};

#define AIC_PRIM(Name, KIND, code) OpInfo opInfo(const contract::Name &d);
#include "aic/primitives.def"

} // namespace aic::rt

#endif // AIC_RUNTIME_OPINFO_H
