//===- OpInfo.cpp - What a profile says about each primitive --------------===//

#include "OpInfo.h"
#include "Dtype.h"

#include <type_traits>

using namespace aic::rt;
using aic::contract::PostOp;

namespace {

void appendTensor(std::string &s, const std::string &name, const Tensor &t) {
  if (!s.empty())
    s += ", ";
  s += name + " ";
  for (size_t i = 0; i < t.dims.size(); ++i)
    s += (i ? "x" : "") + std::to_string(t.dims[i]);
  if (t.dims.empty())
    s += "scalar";
  s += std::string(" ") + dtypeName(t.dtype);
}

/// Every Tensor field of `d` (present optional ones, each vector element).
template <class D> std::string describeTensors(const D &d) {
  std::string s;
  d.forEachField([&](const char *field, const auto &v) {
    using T = std::decay_t<decltype(v)>;
    if constexpr (std::is_same_v<T, Tensor>) {
      appendTensor(s, field, v);
    } else if constexpr (std::is_same_v<T, std::optional<Tensor>>) {
      if (v)
        appendTensor(s, field, *v);
    } else if constexpr (std::is_same_v<T, std::vector<Tensor>>) {
      for (size_t i = 0; i < v.size(); ++i)
        appendTensor(s, std::string(field) + "[" + std::to_string(i) + "]",
                     v[i]);
    }
  });
  return s;
}

double elements(const Tensor &t) { return static_cast<double>(numElements(t)); }

/// Product of dims [from, rank).
double trailing(const Tensor &t, size_t from) {
  double n = 1;
  for (size_t i = from; i < t.dims.size(); ++i)
    n *= static_cast<double>(t.dims[i]);
  return n;
}

double postOps(const std::vector<PostOp> &ops, const Tensor &dst) {
  return static_cast<double>(ops.size()) * elements(dst);
}

template <class D> OpInfo make(const D &d, double flops) {
  return {describeTensors(d), flops};
}

} // namespace

OpInfo aic::rt::opInfo(const contract::Conv &d) {
  // Each output element: IC/groups * prod(kernel) multiply-adds.
  return make(d, 2 * elements(d.dst) * trailing(d.wei, 1) +
                     (d.bias ? elements(d.dst) : 0) +
                     postOps(d.post_ops, d.dst));
}

OpInfo aic::rt::opInfo(const contract::ConvTranspose &d) {
  // Each input element scatters into OC/groups * prod(kernel) outputs.
  return make(d, 2 * elements(d.src) * trailing(d.wei, 1) +
                     (d.bias ? elements(d.dst) : 0) +
                     postOps(d.post_ops, d.dst));
}

OpInfo aic::rt::opInfo(const contract::Matmul &d) {
  size_t r = d.a.dims.size();
  double k =
      r == 0
          ? 1
          : static_cast<double>(d.a.dims[d.trans_a && r >= 2 ? r - 2 : r - 1]);
  return make(d, 2 * elements(d.dst) * k + (d.bias ? elements(d.dst) : 0) +
                     postOps(d.post_ops, d.dst));
}

OpInfo aic::rt::opInfo(const contract::Pool &d) {
  double window = 1;
  for (int64_t k : d.kernel)
    window *= static_cast<double>(k);
  return make(d, elements(d.dst) * window);
}

OpInfo aic::rt::opInfo(const contract::Eltwise &d) {
  return make(d, elements(d.dst));
}

OpInfo aic::rt::opInfo(const contract::Binary &d) {
  return make(d, elements(d.dst) + postOps(d.post_ops, d.dst));
}

OpInfo aic::rt::opInfo(const contract::Softmax &d) {
  // max, subtract, exp, sum, divide
  return make(d, 5 * elements(d.dst));
}

OpInfo aic::rt::opInfo(const contract::Concat &d) { return make(d, 0); }

OpInfo aic::rt::opInfo(const contract::BatchNorm &d) {
  return make(d, 2 * elements(d.dst)); // scale and shift
}

OpInfo aic::rt::opInfo(const contract::LayerNorm &d) {
  // mean, variance (2), normalize (2), scale and shift when given
  return make(d, (5 + (d.scale ? 1 : 0) + (d.shift ? 1 : 0)) * elements(d.dst));
}

OpInfo aic::rt::opInfo(const contract::Reorder &d) { return make(d, 0); }

OpInfo aic::rt::opInfo(const contract::Lrn &d) {
  // the sum of squares over `size` channels, then scale and power
  return make(d, (2 * static_cast<double>(d.size) + 3) * elements(d.dst));
}

// String work is not floating-point arithmetic.
OpInfo aic::rt::opInfo(const contract::StringCast &d) { return make(d, 0); }

OpInfo aic::rt::opInfo(const contract::StringNormalizer &d) {
  return make(d, 0);
}

OpInfo aic::rt::opInfo(const contract::Rnn &d) {
  // Per step: the gate matmuls on the input and on the state (2 flops per
  // multiply-add), then a few elementwise operations per gate value.
  double steps = static_cast<double>(d.src.dims[0]);
  double batch = static_cast<double>(d.src.dims[1]);
  double input = static_cast<double>(d.wei_layer.dims[0]);
  double gates = static_cast<double>(d.wei_layer.dims[1]);
  double hidden = static_cast<double>(d.wei_layer.dims[2]);
  double matmuls = 2 * batch * gates * hidden * (input + hidden);
  return make(d, steps * (matmuls + 4 * batch * gates * hidden));
}
