//===- KernelTest.cpp - Primitive results against naive references --------===//

#include "TestUtil.h"

#include <algorithm>
#include <limits>

using namespace aictest;

namespace {

struct Conv2d {
  int64_t c, h, w, oc, kh, kw, sh, sw, dh, dw, pt, pl, oh, ow, groups;
};

std::vector<float> convRef(const std::vector<float> &x,
                           const std::vector<float> &w,
                           const std::vector<float> &bias, const Conv2d &p) {
  std::vector<float> y(p.oc * p.oh * p.ow);
  int64_t icg = p.c / p.groups, ocg = p.oc / p.groups;
  for (int64_t o = 0; o < p.oc; ++o)
    for (int64_t oy = 0; oy < p.oh; ++oy)
      for (int64_t ox = 0; ox < p.ow; ++ox) {
        float sum = bias.empty() ? 0.0f : bias[o];
        for (int64_t i = 0; i < icg; ++i)
          for (int64_t ky = 0; ky < p.kh; ++ky)
            for (int64_t kx = 0; kx < p.kw; ++kx) {
              int64_t iy = oy * p.sh - p.pt + ky * p.dh;
              int64_t ix = ox * p.sw - p.pl + kx * p.dw;
              if (iy < 0 || iy >= p.h || ix < 0 || ix >= p.w)
                continue;
              int64_t ic = o / ocg * icg + i;
              sum += x[(ic * p.h + iy) * p.w + ix] *
                     w[((o * icg + i) * p.kh + ky) * p.kw + kx];
            }
        y[(o * p.oh + oy) * p.ow + ox] = sum;
      }
  return y;
}

TEST(Kernels, ConvWithPostOps) {
  aic::Model m = aic::Model::load(modelPath("conv"));
  auto x = filled(4 * 9 * 9, 100);
  auto out = runF32(m, {x});

  auto y1 = convRef(x, filled(8 * 4 * 9, 1), filled(8, 2),
                    {4, 9, 9, 8, 3, 3, 2, 2, 1, 1, 1, 0, 5, 5, 1});
  for (float &v : y1)
    v = v > 0 ? v : 0.1f * v;
  expectNear(out[0], y1, "y1");

  auto y2 = convRef(x, filled(6 * 2 * 9, 3), {},
                    {4, 9, 9, 6, 3, 3, 1, 1, 2, 2, 2, 2, 9, 9, 2});
  auto s = filled(6, 4);
  for (size_t i = 0; i < y2.size(); ++i)
    y2[i] = 0.5f * (y2[i] + s[i / 81]) + 1.0f;
  expectNear(out[1], y2, "y2");

  // Second run: cached memories and reordered weights are reused.
  auto again = runF32(m, {x});
  EXPECT_EQ(again, out);
}

TEST(Kernels, MatmulTransposeBiasAlphaBroadcast) {
  aic::Model m = aic::Model::load(modelPath("matmul"));
  auto a = filled(2 * 3 * 4, 101), a2 = filled(4 * 3, 102);
  auto out = runF32(m, {a, a2});
  auto b1 = filled(5 * 4, 11), bias1 = filled(5, 12), s1 = filled(3, 13);
  auto b2 = filled(4 * 5, 14), bias2 = filled(5, 15), b3 = filled(40, 16);

  std::vector<float> y1(30), y2(15), y3(30);
  for (int bt = 0; bt < 2; ++bt)
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 5; ++j) {
        float acc = 0, acc3 = 0;
        for (int k = 0; k < 4; ++k) {
          acc += a[(bt * 3 + i) * 4 + k] * b1[j * 4 + k];
          acc3 += a2[k * 3 + i] * b3[(bt * 4 + k) * 5 + j];
        }
        y1[(bt * 3 + i) * 5 + j] = (0.5f * acc + bias1[j]) * s1[i];
        y3[(bt * 3 + i) * 5 + j] = acc3;
      }
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 5; ++j) {
      float acc = bias2[j];
      for (int k = 0; k < 4; ++k)
        acc += a2[k * 3 + i] * b2[k * 5 + j];
      y2[i * 5 + j] = std::max(acc, 0.0f);
    }
  expectNear(out[0], y1, "y1");
  expectNear(out[1], y2, "y2");
  expectNear(out[2], y3, "y3");
}

TEST(Kernels, BinaryBroadcasting) {
  aic::Model m = aic::Model::load(modelPath("binary"));
  auto a = filled(24, 103), b = filled(3, 104), c = filled(8, 105);
  for (float &v : b)
    v += v >= 0 ? 0.5f : -0.5f; // keep the divisor away from 0
  auto out = runF32(m, {a, b, c});
  auto k = filled(4, 21);
  std::vector<float> add(24), sub(24), mul(24), div(24);
  for (int n = 0; n < 2; ++n)
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 4; ++j) {
        int idx = (n * 3 + i) * 4 + j;
        add[idx] = std::max(a[idx] + b[i], 0.0f);
        sub[idx] = b[i] - a[idx];
        mul[idx] = b[i] * a[idx];
        div[idx] = c[n * 4 + j] / b[i] + k[j];
      }
  expectNear(out[0], add, "add");
  expectNear(out[1], sub, "sub");
  expectNear(out[2], mul, "mul");
  expectNear(out[3], div, "div");
  auto s4 = filled(4, 22), t4 = filled(4, 23);
  std::vector<float> unit(24);
  for (int i = 0; i < 24; ++i)
    unit[i] = a[i] * s4[i % 4] + t4[i % 4];
  expectNear(out[4], unit, "unit dims");
}

TEST(Kernels, BinaryVaryingAlongTheFirstDim) {
  aic::Model m = aic::Model::load(modelPath("binary_lead"));
  auto a = filled(24, 103), b = filled(3, 104), c = filled(8, 105);
  for (float &v : b)
    v += v >= 0 ? 0.5f : -0.5f;
  auto out = runF32(m, {a, b, c});
  ASSERT_EQ(out.size(), 6u);
  auto m2 = filled(2, 24), v2 = filled(2, 25);
  for (float &v : v2)
    v += v >= 0 ? 0.5f : -0.5f;
  std::vector<float> lead(24);
  for (int i = 0; i < 24; ++i)
    lead[i] = (a[i] - m2[i / 12]) / v2[i / 12];
  expectNear(out[5], lead, "leading dim");
}

std::vector<float> poolRef(const std::vector<float> &x, int alg, int64_t c,
                           int64_t h, int64_t k, int64_t s, int64_t d,
                           int64_t pad, int64_t oh) {
  std::vector<float> y(c * oh * oh);
  for (int64_t ch = 0; ch < c; ++ch)
    for (int64_t oy = 0; oy < oh; ++oy)
      for (int64_t ox = 0; ox < oh; ++ox) {
        float mx = -std::numeric_limits<float>::infinity(), sum = 0;
        int64_t count = 0;
        for (int64_t ky = 0; ky < k; ++ky)
          for (int64_t kx = 0; kx < k; ++kx) {
            int64_t iy = oy * s - pad + ky * d, ix = ox * s - pad + kx * d;
            if (iy < 0 || iy >= h || ix < 0 || ix >= h)
              continue;
            float v = x[(ch * h + iy) * h + ix];
            mx = std::max(mx, v);
            sum += v;
            ++count;
          }
        float r = alg == AIC_POOL_MAX               ? mx
                  : alg == AIC_POOL_AVG_INCLUDE_PAD ? sum / (k * k)
                                                    : sum / count;
        y[(ch * oh + oy) * oh + ox] = r;
      }
  return y;
}

// Values kept in oneDNN's nChw16c between primitives (padded channels),
// converted by REORDER, and a conv accumulating into its destination (sum
// post-op) give the plain computation's results.
TEST(Kernels, BlockedLayoutsAndSum) {
  aic::Model m = aic::Model::load(modelPath("blocked"));
  auto x = filled(20 * 25, 108), s = filled(8 * 25, 109);
  auto out = runF32(m, {x, s});
  std::vector<float> relu = x;
  for (float &v : relu)
    v = std::max(v, 0.0f);
  auto y = convRef(relu, filled(8 * 20 * 9, 5), filled(8, 6),
                   {20, 5, 5, 8, 3, 3, 1, 1, 1, 1, 1, 1, 5, 5, 1});
  for (size_t i = 0; i < y.size(); ++i)
    y[i] += s[i];
  expectNear(out[0], y, "conv + s");
  expectNear(out[1], x, "x round trip");
  // Again: the accumulator is refilled from s, not added twice.
  auto again = runF32(m, {x, s});
  expectNear(again[0], y, "second run");
}

TEST(Kernels, Pooling) {
  aic::Model m = aic::Model::load(modelPath("pool"));
  auto x = filled(2 * 49, 106);
  auto out = runF32(m, {x});
  for (int alg = 0; alg < 3; ++alg)
    expectNear(out[alg], poolRef(x, alg, 2, 7, 3, 2, 1, 1, 4),
               "alg " + std::to_string(alg));
  expectNear(out[3], poolRef(x, AIC_POOL_MAX, 2, 7, 2, 1, 2, 0, 5), "dilated");
  // pads_end is the most padding: oneDNN, which takes no end padding as
  // large as the window, runs with the 1 that gives the dst.
  expectNear(out[4], poolRef(x, AIC_POOL_AVG_EXCLUDE_PAD, 2, 7, 2, 3, 1, 0, 3),
             "end padding");
}

TEST(Kernels, EltwiseSoftmaxConcat) {
  aic::Model m = aic::Model::load(modelPath("misc"));
  auto x = filled(10, 107);
  std::vector<int64_t> i64a{1, 2, 3, 4, 5, 6},
      i64b{-7, int64_t(1) << 40, 9, 10};
  std::vector<int64_t> xs{2, 5}, as{2, 3}, bs{2, 2};
  std::vector<aic_tensor_t> in{aic::tensor(x.data(), AIC_DTYPE_FLOAT32, xs),
                               aic::tensor(i64a.data(), AIC_DTYPE_INT64, as),
                               aic::tensor(i64b.data(), AIC_DTYPE_INT64, bs)};
  auto outInfo = m.outputs();
  ASSERT_EQ(outInfo.size(), 11u);
  EXPECT_STREQ(outInfo[8].name, "concat 0"); // names may contain spaces
  std::vector<std::vector<float>> f(10);
  std::vector<int64_t> ci(10, -1);
  std::vector<aic_tensor_t> out;
  for (size_t i = 0; i < 10; ++i) {
    f[i].assign(numElements(outInfo[i]), NAN);
    out.push_back(
        {f[i].data(), AIC_DTYPE_FLOAT32, outInfo[i].rank, outInfo[i].shape});
  }
  out.push_back(
      {ci.data(), AIC_DTYPE_INT64, outInfo[10].rank, outInfo[10].shape});
  m.run(in, out);

  std::vector<std::vector<float>> ref(10, std::vector<float>(10));
  for (int i = 0; i < 10; ++i) {
    float v = x[i];
    ref[0][i] = v > 0 ? v : 0.1f * v;
    ref[1][i] = 1.0f / (1.0f + std::exp(-v));
    ref[2][i] = std::tanh(v);
    ref[3][i] = std::min(std::max(v, -0.5f), 0.5f);
    ref[4][i] = std::exp(v);
    ref[5][i] = 2 * v + 1;
  }
  for (int r = 0; r < 2; ++r) { // softmax over axis 1
    float sum = 0;
    for (int j = 0; j < 5; ++j)
      sum += std::exp(x[r * 5 + j]);
    for (int j = 0; j < 5; ++j)
      ref[6][r * 5 + j] = std::exp(x[r * 5 + j]) / sum;
  }
  for (int j = 0; j < 5; ++j) { // log-softmax over axis 0
    float sum = std::exp(x[j]) + std::exp(x[5 + j]);
    for (int r = 0; r < 2; ++r)
      ref[7][r * 5 + j] = x[r * 5 + j] - std::log(sum);
  }
  for (int i = 0; i < 8; ++i)
    expectNear(f[i], ref[i], "output " + std::string(outInfo[i].name));

  std::vector<float> cat0(x), cat1;
  cat0.insert(cat0.end(), x.begin(), x.end());
  for (int r = 0; r < 2; ++r)
    for (int rep = 0; rep < 2; ++rep)
      cat1.insert(cat1.end(), x.begin() + r * 5, x.begin() + r * 5 + 5);
  EXPECT_EQ(f[8], cat0);
  EXPECT_EQ(f[9], cat1);
  EXPECT_EQ(ci, (std::vector<int64_t>{1, 2, 3, -7, int64_t(1) << 40, 4, 5, 6, 9,
                                      10}));
}

/// dst = scale * (x - mean) / sqrt(var + eps) + shift over channel dim 1 of
/// an [n, c, spatial] tensor.
std::vector<float> batchNormRef(const std::vector<float> &x, int64_t n,
                                int64_t c, int64_t spatial, float eps) {
  auto scale = filled(c, 31), shift = filled(c, 32), mean = filled(c, 33);
  std::vector<float> y(x.size());
  for (int64_t i = 0; i < n; ++i)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t s = 0; s < spatial; ++s) {
        int64_t idx = (i * c + ch) * spatial + s;
        float inv = 1.0f / std::sqrt(batchNormVariance(ch) + eps);
        y[idx] = scale[ch] * (x[idx] - mean[ch]) * inv + shift[ch];
      }
  return y;
}

TEST(Kernels, BatchNorm) {
  aic::Model m = aic::Model::load(modelPath("batchnorm"));
  auto x = filled(2 * 3 * 4 * 5, 109), x2 = filled(4 * 3, 110);
  auto out = runF32(m, {x, x2});
  expectNear(out[0], batchNormRef(x, 2, 3, 20, 1e-3f), "y");
  expectNear(out[1], batchNormRef(x2, 4, 3, 1, 0.5f), "y2");
}

struct Deconv2d {
  int64_t n, c, h, w, oc, kh, kw, sh, sw, dh, dw, pt, pl, oh, ow, groups;
};

/// Transposed convolution with ONNX weights [C, OC/groups, kh, kw]: every
/// input element scatters into the outputs its window reaches.
std::vector<float> deconvRef(const std::vector<float> &x,
                             const std::vector<float> &w,
                             const std::vector<float> &bias,
                             const Deconv2d &p) {
  std::vector<float> y(p.n * p.oc * p.oh * p.ow);
  int64_t icg = p.c / p.groups, ocg = p.oc / p.groups;
  for (int64_t b = 0; b < p.n; ++b)
    for (int64_t o = 0; o < p.oc; ++o)
      for (int64_t k = 0; k < p.oh * p.ow; ++k)
        y[(b * p.oc + o) * p.oh * p.ow + k] = bias.empty() ? 0.0f : bias[o];
  for (int64_t b = 0; b < p.n; ++b)
    for (int64_t i = 0; i < p.c; ++i)
      for (int64_t iy = 0; iy < p.h; ++iy)
        for (int64_t ix = 0; ix < p.w; ++ix)
          for (int64_t o2 = 0; o2 < ocg; ++o2)
            for (int64_t ky = 0; ky < p.kh; ++ky)
              for (int64_t kx = 0; kx < p.kw; ++kx) {
                int64_t oy = iy * p.sh + ky * p.dh - p.pt;
                int64_t ox = ix * p.sw + kx * p.dw - p.pl;
                if (oy < 0 || oy >= p.oh || ox < 0 || ox >= p.ow)
                  continue;
                int64_t o = i / icg * ocg + o2;
                y[((b * p.oc + o) * p.oh + oy) * p.ow + ox] +=
                    x[((b * p.c + i) * p.h + iy) * p.w + ix] *
                    w[((i * ocg + o2) * p.kh + ky) * p.kw + kx];
              }
  return y;
}

TEST(Kernels, ConvTranspose) {
  aic::Model m = aic::Model::load(modelPath("convtranspose"));
  auto x = filled(4 * 5 * 4, 111), x2 = filled(2 * 3 * 7, 112);
  auto out = runF32(m, {x, x2});
  auto y1 = deconvRef(x, filled(4 * 3 * 3 * 2, 41), filled(6, 42),
                      {1, 4, 5, 4, 6, 3, 2, 2, 3, 2, 1, 1, 0, 12, 9, 2});
  for (float &v : y1)
    v = v > 0 ? v : 0.1f * v;
  expectNear(out[0], y1, "y1");
  auto y2 = deconvRef(x2, filled(3 * 2 * 4, 43), {},
                      {2, 3, 1, 7, 2, 1, 4, 1, 2, 1, 1, 0, 0, 1, 16, 1});
  expectNear(out[1], y2, "y2");
  auto again = runF32(m, {x, x2});
  EXPECT_EQ(again, out);
}

/// Mean and population variance of each row of `x` [rows, n].
void rowMoments(const std::vector<float> &x, int64_t rows, int64_t n,
                std::vector<double> &mean, std::vector<double> &var) {
  mean.assign(rows, 0);
  var.assign(rows, 0);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t i = 0; i < n; ++i)
      mean[r] += x[r * n + i];
    mean[r] /= n;
    for (int64_t i = 0; i < n; ++i) {
      double d = x[r * n + i] - mean[r];
      var[r] += d * d;
    }
    var[r] /= n;
  }
}

TEST(Kernels, LrnAndLayerNormWithoutScale) {
  aic::Model m = aic::Model::load(modelPath("normalization"));
  const int64_t n = 2, c = 6, hw = 12;
  auto x = filled(n * c * hw, 113);
  auto out = runF32(m, {x});

  std::vector<float> lrn(x.size());
  for (int64_t b = 0; b < n; ++b)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t i = 0; i < hw; ++i) {
        double sum = 0;
        for (int64_t k = std::max<int64_t>(ch - 2, 0);
             k <= std::min<int64_t>(ch + 2, c - 1); ++k) {
          double v = x[(b * c + k) * hw + i];
          sum += v * v;
        }
        int64_t idx = (b * c + ch) * hw + i;
        lrn[idx] = x[idx] / std::pow(2.0 + 0.5 / 5 * sum, 0.75);
      }
  expectNear(out[0], lrn, "lrn");

  std::vector<double> mean, var;
  rowMoments(x, n * c, hw, mean, var);
  std::vector<float> in(x.size());
  for (int64_t r = 0; r < n * c; ++r)
    for (int64_t i = 0; i < hw; ++i)
      in[r * hw + i] = (x[r * hw + i] - mean[r]) / std::sqrt(var[r] + 1e-2);
  expectNear(out[1], in, "instance norm");
  expectNear(out[2], std::vector<float>(mean.begin(), mean.end()), "mean");
  expectNear(out[3], std::vector<float>(var.begin(), var.end()), "var");

  rowMoments(x, 48, 3, mean, var);
  auto shift = filled(3, 52);
  std::vector<float> shifted(x.size());
  for (int64_t r = 0; r < 48; ++r)
    for (int64_t i = 0; i < 3; ++i)
      shifted[r * 3 + i] =
          (x[r * 3 + i] - mean[r]) / std::sqrt(var[r] + 0.5) + shift[i];
  expectNear(out[4], shifted, "shift only");
}

TEST(Kernels, ThreadCount) {
  aic::Model m = aic::Model::load(modelPath("conv"));
  auto x = filled(4 * 9 * 9, 108);
  m.setNumThreads(1);
  auto one = runF32(m, {x});
  m.setNumThreads(0);
  auto all = runF32(m, {x});
  m.setNumThreads(64); // clamped to what the primitives were made for
  auto many = runF32(m, {x});
  expectNear(one[0], all[0], "y1");
  expectNear(many[1], all[1], "y2");
  EXPECT_EQ(aic_model_set_num_threads(m.get(), -1), AIC_ERROR_INVALID_ARGUMENT);
  EXPECT_STRNE(aic_last_error(), "");
  EXPECT_EQ(aic_model_set_num_threads(nullptr, 1), AIC_ERROR_INVALID_ARGUMENT);
}

} // namespace
