//===- Normalization.cpp - BATCH_NORM, LAYER_NORM and LRN primitives ------===//
//
// The normalizations see a dense row-major tensor through the view their
// statistics need: per channel, any tensor of rank >= 2 is, bytewise,
// [N, C, product of the other dims, 1]. (4-D rather than 3-D, because
// oneDNN's optimized plain-layout batch normalization and LRN are 4-D; the
// 3-D forms run its reference code.)
//
//===----------------------------------------------------------------------===//

#include "Errors.h"
#include "Primitive.h"

#include <cmath>
#include <utility>

using namespace aic::rt;
using dnnl::memory;

namespace {
/// The [N, C, rest, 1] view of a dense row-major tensor of rank >= 2.
memory::desc channelView(const Tensor &t) {
  int64_t rest = 1;
  for (int64_t i = 2; i < t.rank(); ++i)
    rest *= t.dims[i];
  return memory::desc({t.dims[0], t.dims[1], rest, 1}, memory::data_type::f32,
                      memory::format_tag::nchw);
}

void requireEpsilon(const CreateInfo &ci, double epsilon) {
  if (!(epsilon >= 0) || std::isinf(epsilon))
    invalid(ci,
            "epsilon " + std::to_string(epsilon) + " is negative or infinite");
}
} // namespace

PrimitivePtr aic::rt::createBatchNorm(const contract::BatchNorm &d,
                                      const CreateInfo &ci) {
  requireF32(ci, {&d.src, &d.scale, &d.shift, &d.mean, &d.var, &d.dst});
  requirePlain(ci, {&d.src, &d.scale, &d.shift, &d.mean, &d.var, &d.dst});
  if (d.src.rank() < 2)
    invalid(ci, "src " + shapeStr(d.src) + " should have rank 2 or more");
  requireSameType(ci, d.src, d.dst);
  int64_t c = d.src.dims[1];
  std::pair<const char *, const Tensor *> params[] = {{"scale", &d.scale},
                                                      {"shift", &d.shift},
                                                      {"mean", &d.mean},
                                                      {"var", &d.var}};
  for (auto [what, t] : params)
    if (t->rank() != 1 || t->dims[0] != c)
      invalid(ci, std::string(what) + " " + shapeStr(*t) + " should be [" +
                      std::to_string(c) + "], the channels of src " +
                      shapeStr(d.src));
  requireEpsilon(ci, d.epsilon);

  memory::desc md = channelView(d.src);
  memory::desc paramMd({c}, memory::data_type::f32, memory::format_tag::a);
  auto flags = dnnl::normalization_flags::use_global_stats |
               dnnl::normalization_flags::use_scale |
               dnnl::normalization_flags::use_shift;
  dnnl::batch_normalization_forward::desc bd(dnnl::prop_kind::forward_inference,
                                             md, static_cast<float>(d.epsilon),
                                             flags);
  dnnl::batch_normalization_forward::primitive_desc pd(bd, makeAttr(),
                                                       ci.engine);
  return std::make_unique<DnnlPrimitive>(
      ci.label, ci.engine, dnnl::batch_normalization_forward(pd),
      std::vector<ArgSlot>{{DNNL_ARG_SRC, md},
                           {DNNL_ARG_SCALE, paramMd},
                           {DNNL_ARG_SHIFT, paramMd},
                           {DNNL_ARG_MEAN, pd.mean_desc()},
                           {DNNL_ARG_VARIANCE, pd.variance_desc()},
                           {DNNL_ARG_DST, md}},
      pd.scratchpad_desc());
}

PrimitivePtr aic::rt::createLayerNorm(const contract::LayerNorm &d,
                                      const CreateInfo &ci) {
  auto opt = [](const std::optional<Tensor> &t) { return t ? &*t : nullptr; };
  requireF32(ci, {&d.src, opt(d.scale), opt(d.shift), &d.dst, opt(d.mean),
                  opt(d.var)});
  requirePlain(ci, {&d.src, opt(d.scale), opt(d.shift), &d.dst, opt(d.mean),
                    opt(d.var)});
  if (d.src.rank() < 1)
    invalid(ci, "src " + shapeStr(d.src) + " should have rank 1 or more");
  requireSameType(ci, d.src, d.dst);
  int64_t c = d.src.dims.back();
  for (const Tensor *t : {opt(d.scale), opt(d.shift)})
    if (t && (t->rank() != 1 || t->dims[0] != c))
      invalid(ci, "scale/shift " + shapeStr(*t) + " should be [" +
                      std::to_string(c) + "], the last dim of src " +
                      shapeStr(d.src));
  // Normalization is over the last dim only, so any dense tensor is,
  // bytewise, [rows, c].
  int64_t rows = numElements(d.src) / std::max<int64_t>(c, 1);
  if (d.mean.has_value() != d.var.has_value())
    invalid(ci, "mean and var go together");
  for (const Tensor *t : {opt(d.mean), opt(d.var)})
    if (t && (t->rank() != 1 || t->dims[0] != rows))
      invalid(ci, "mean/var " + shapeStr(*t) + " should be [" +
                      std::to_string(rows) + "], the rows of src " +
                      shapeStr(d.src));
  requireEpsilon(ci, d.epsilon);

  memory::desc md({rows, c}, memory::data_type::f32, memory::format_tag::ab);
  memory::desc paramMd({c}, memory::data_type::f32, memory::format_tag::a);
  auto flags = dnnl::normalization_flags::none;
  if (d.scale)
    flags |= dnnl::normalization_flags::use_scale;
  if (d.shift)
    flags |= dnnl::normalization_flags::use_shift;
  // Only training-mode normalization returns the statistics it computes.
  auto kind = d.mean ? dnnl::prop_kind::forward_training
                     : dnnl::prop_kind::forward_inference;
  dnnl::layer_normalization_forward::desc ld(
      kind, md, static_cast<float>(d.epsilon), flags);
  dnnl::layer_normalization_forward::primitive_desc pd(ld, makeAttr(),
                                                       ci.engine);
  std::vector<ArgSlot> slots{{DNNL_ARG_SRC, md}};
  if (d.scale)
    slots.push_back({DNNL_ARG_SCALE, paramMd});
  if (d.shift)
    slots.push_back({DNNL_ARG_SHIFT, paramMd});
  slots.push_back({DNNL_ARG_DST, md});
  if (d.mean) {
    slots.push_back({DNNL_ARG_MEAN, pd.mean_desc()});
    slots.push_back({DNNL_ARG_VARIANCE, pd.variance_desc()});
  }
  return std::make_unique<DnnlPrimitive>(
      ci.label, ci.engine, dnnl::layer_normalization_forward(pd),
      std::move(slots), pd.scratchpad_desc());
}

PrimitivePtr aic::rt::createLrn(const contract::Lrn &d, const CreateInfo &ci) {
  requireF32(ci, {&d.src, &d.dst});
  requirePlain(ci, {&d.src, &d.dst});
  if (d.src.rank() < 2)
    invalid(ci, "src " + shapeStr(d.src) + " should have rank 2 or more");
  requireSameType(ci, d.src, d.dst);
  // oneDNN centers the window of an odd size only.
  if (d.size < 1 || d.size % 2 == 0 || d.size > (int64_t(1) << 30))
    invalid(ci,
            "size " + std::to_string(d.size) + " is not a positive odd number");
  for (double v : {d.alpha, d.beta, d.k})
    if (!std::isfinite(v))
      invalid(ci, "alpha, beta and k must be finite");

  // Across channels, the spatial dims are independent: [N, C, rest, 1].
  memory::desc md = channelView(d.src);
  // oneDNN divides alpha by the size, as ONNX does.
  dnnl::lrn_forward::desc ld(
      dnnl::prop_kind::forward_inference, dnnl::algorithm::lrn_across_channels,
      md, d.size, static_cast<float>(d.alpha), static_cast<float>(d.beta),
      static_cast<float>(d.k));
  dnnl::lrn_forward::primitive_desc pd(ld, makeAttr(), ci.engine);
  return std::make_unique<DnnlPrimitive>(
      ci.label, ci.engine, dnnl::lrn_forward(pd),
      std::vector<ArgSlot>{{DNNL_ARG_SRC, md}, {DNNL_ARG_DST, md}},
      pd.scratchpad_desc());
}
