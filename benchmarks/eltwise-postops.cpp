// eltwise-postops.cpp - what an eltwise post-op costs a oneDNN convolution.
//
//   c++ -O2 -std=c++17 benchmarks/eltwise-postops.cpp -ldnnl -o /tmp/postops
//   OMP_NUM_THREADS=1 /tmp/postops IC OC H [K STRIDE]
//
// Times (median of 400 runs) a convolution IC -> OC channels at HxH, NHWC,
// batch 1, with a KxK kernel (default 1; K > 1 with IC == OC makes it
// depthwise) and each eltwise post-op in turn, and the same eltwise as a
// standalone primitive over the convolution's output. For swish it also
// times the convolution without post-op followed by a hand-written AVX-512
// x * sigmoid(x) pass (exp by a degree-5 polynomial, the reciprocal by rcp14
// and one Newton step) and prints that pass's largest relative error.
// benchmarks/RESULTS.md quotes it ("EfficientNet-B0's SiLU").
#include <dnnl.hpp>

#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <vector>

using namespace dnnl;
using tag = memory::format_tag;
using dt = memory::data_type;

namespace {

double medianMs(const std::function<void()> &run) {
  std::vector<double> t;
  for (int i = 0; i < 420; ++i) {
    auto start = std::chrono::steady_clock::now();
    run();
    std::chrono::duration<double, std::milli> d =
        std::chrono::steady_clock::now() - start;
    if (i >= 20)
      t.push_back(d.count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

__attribute__((target("avx512f"))) __m512 exp16(__m512 x) {
  x = _mm512_max_ps(_mm512_min_ps(x, _mm512_set1_ps(88.f)),
                    _mm512_set1_ps(-87.f));
  __m512 n =
      _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504f)),
                           _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.9875691500e-4f);
  for (float c : {1.3981999507e-3f, 8.3334519073e-3f, 4.1665795894e-2f,
                  1.6666665459e-1f, 5.0000001201e-1f})
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(c));
  p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r),
                      _mm512_add_ps(r, _mm512_set1_ps(1.f)));
  return _mm512_scalef_ps(p, n);
}

/// x * sigmoid(x) in place; n a multiple of 16.
__attribute__((target("avx512f"))) void silu(float *data, size_t n) {
  for (size_t i = 0; i < n; i += 16) {
    __m512 x = _mm512_loadu_ps(data + i);
    __m512 d = _mm512_add_ps(_mm512_set1_ps(1.f),
                             exp16(_mm512_sub_ps(_mm512_setzero_ps(), x)));
    __m512 r = _mm512_rcp14_ps(d);
    r = _mm512_mul_ps(r, _mm512_fnmadd_ps(d, r, _mm512_set1_ps(2.f)));
    _mm512_storeu_ps(data + i, _mm512_mul_ps(x, r));
  }
}

void fill(memory &m, float scale, std::mt19937 &gen) {
  std::normal_distribution<float> normal(0.f, scale);
  auto *p = static_cast<float *>(m.get_data_handle());
  for (size_t i = 0; i < m.get_desc().get_size() / sizeof(float); ++i)
    p[i] = normal(gen);
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s IC OC H [K STRIDE]\n", argv[0]);
    return 2;
  }
  int ic = std::atoi(argv[1]), oc = std::atoi(argv[2]), h = std::atoi(argv[3]);
  int k = argc > 4 ? std::atoi(argv[4]) : 1,
      s = argc > 5 ? std::atoi(argv[5]) : 1;
  bool depthwise = k > 1 && ic == oc;
  int pad = k / 2, oh = (h + 2 * pad - k) / s + 1;
  engine eng(engine::kind::cpu, 0);
  stream strm(eng);
  memory::desc src({1, ic, h, h}, dt::f32, tag::nhwc);
  memory::desc wei = depthwise
                         ? memory::desc({oc, 1, 1, k, k}, dt::f32, tag::any)
                         : memory::desc({oc, ic, k, k}, dt::f32, tag::any);
  memory::desc bias({oc}, dt::f32, tag::x);
  memory::desc dst({1, oc, oh, oh}, dt::f32, tag::nhwc);
  std::mt19937 gen(1);
  memory mSrc(src, eng), mBias(bias, eng), mDst(dst, eng);
  fill(mSrc, 1.f, gen);
  fill(mBias, 1.f, gen);
  auto convPd = [&](const post_ops &ops) {
    primitive_attr attr;
    attr.set_post_ops(ops);
    return convolution_forward::primitive_desc({prop_kind::forward_inference,
                                                algorithm::convolution_direct,
                                                src,
                                                wei,
                                                bias,
                                                dst,
                                                {s, s},
                                                {pad, pad},
                                                {pad, pad}},
                                               attr, eng);
  };
  auto timeConv = [&](const convolution_forward::primitive_desc &pd,
                      const std::function<void()> &after) {
    memory mWei(pd.weights_desc(), eng);
    fill(mWei, 0.2f, gen);
    convolution_forward conv(pd);
    return medianMs([&] {
      conv.execute(strm, {{DNNL_ARG_SRC, mSrc},
                          {DNNL_ARG_WEIGHTS, mWei},
                          {DNNL_ARG_BIAS, mBias},
                          {DNNL_ARG_DST, mDst}});
      strm.wait();
      after();
    });
  };
  auto plain = convPd(post_ops());
  std::printf("%s %d -> %d at %dx%d, %dx%d stride %d\n", plain.impl_info_str(),
              ic, oc, h, h, k, k, s);
  std::printf("  %-10s conv %.4f ms\n", "none", timeConv(plain, [] {}));
  const std::pair<const char *, algorithm> algs[] = {
      {"relu", algorithm::eltwise_relu},
      {"hardswish", algorithm::eltwise_hardswish},
      {"exp", algorithm::eltwise_exp},
      {"tanh", algorithm::eltwise_tanh},
      {"logistic", algorithm::eltwise_logistic},
      {"swish", algorithm::eltwise_swish}};
  for (auto [name, alg] : algs) {
    post_ops ops;
    ops.append_eltwise(1.f, alg, 1.f, 0.f);
    double fused = timeConv(convPd(ops), [] {});
    eltwise_forward eltwise(eltwise_forward::primitive_desc(
        {prop_kind::forward_inference, alg, dst, 1.f, 0.f}, eng));
    double alone = medianMs([&] {
      eltwise.execute(strm, {{DNNL_ARG_SRC, mDst}, {DNNL_ARG_DST, mDst}});
      strm.wait();
    });
    std::printf("  %-10s conv %.4f ms, standalone eltwise %.4f ms\n", name,
                fused, alone);
  }
  if (!__builtin_cpu_supports("avx512f"))
    return 0; // the hand-written pass needs AVX-512
  size_t n = dst.get_size() / sizeof(float);
  auto *out = static_cast<float *>(mDst.get_data_handle());
  std::printf("  conv + own SiLU pass %.4f ms\n",
              timeConv(plain, [&] { silu(out, n - n % 16); }));
  std::vector<float> x(4096), y;
  std::normal_distribution<float> wide(0.f, 20.f);
  for (float &v : x)
    v = wide(gen);
  x[0] = -100.f, x[1] = 100.f, x[2] = -87.5f, x[3] = 0.f;
  y = x;
  silu(y.data(), y.size());
  double worst = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    double ref = x[i] / (1 + std::exp(-double(x[i])));
    worst = std::max(worst,
                     std::fabs(ref - y[i]) / std::max(1e-30, std::fabs(ref)));
  }
  std::printf("  own SiLU pass: largest relative error %.2g\n", worst);
}
