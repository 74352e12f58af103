//===- NanFixup.h - NaN where oneDNN 2.6 f32 kernels drop it --------------===//
//
// oneDNN 2.6's max pooling skips NaN (a window holding one gives the max of
// the rest), and its softmax and log-softmax do not give NaN throughout a
// row holding a NaN or +inf. ONNX's reference (numpy) does. These
// primitives run oneDNN's kernel unchanged, then look for NaN (and
// infinities, for softmax) in the input, one read of it in parallel; only
// when there are some do they correct the output.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_RUNTIME_NANFIXUP_H
#define AIC_RUNTIME_NANFIXUP_H

#include "Primitive.h"

namespace aic::rt {

/// The window of a max pooling, per spatial dim; dilations as in ONNX (1 is
/// dense).
struct PoolWindow {
  dnnl::memory::dims kernel, strides, dilations, padsBegin;
};

/// oneDNN's f32 max pooling `prim` (exec arguments src, dst in the layouts
/// `srcMd`, `dstMd`), then NaN in every output whose window holds one.
PrimitivePtr
makeMaxPoolKeepingNaN(std::string label, const dnnl::engine &engine,
                      dnnl::primitive prim, std::vector<ArgSlot> slots,
                      const dnnl::memory::desc &scratchpad,
                      const dnnl::memory::desc &srcMd,
                      const dnnl::memory::desc &dstMd, PoolWindow window);

/// oneDNN's f32 (log-)softmax `prim` along `axis` of the dense row-major
/// `md` (exec arguments src, dst), then NaN throughout every row holding a
/// NaN or +inf.
PrimitivePtr makeSoftmaxKeepingNaN(std::string label,
                                   const dnnl::engine &engine,
                                   dnnl::primitive prim,
                                   std::vector<ArgSlot> slots,
                                   const dnnl::memory::desc &scratchpad,
                                   const dnnl::memory::desc &md, int axis);

} // namespace aic::rt

#endif // AIC_RUNTIME_NANFIXUP_H
