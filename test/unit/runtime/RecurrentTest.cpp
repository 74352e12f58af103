//===- RecurrentTest.cpp - RNN primitive against its equations ------------===//
//
// Runs models/recurrent.cpp (an LSTM with peepholes and initial states, a
// reverse linear-before-reset GRU) and checks every output against the
// cell equations written out in oneDNN's gate order and ldigo layout.
//
//===----------------------------------------------------------------------===//
#include "TestUtil.h"

#include <cmath>

using namespace aictest;

namespace {
constexpr int64_t T = 3, N = 2, I = 2, H = 3;

double sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

/// Gate g of row `r` of ldigo weights w [rows, G, H] times v [rows].
double dot(const std::vector<float> &w, int64_t gates, int64_t g, int64_t o,
           const double *v, int64_t rows) {
  double sum = 0;
  for (int64_t r = 0; r < rows; ++r)
    sum += w[(r * gates + g) * H + o] * v[r];
  return sum;
}
} // namespace

TEST(Recurrent, LstmPeepholeAndReverseLbrGru) {
  aic::Model m = aic::Model::load(modelPath("recurrent"));
  auto x = filled(T * N * I, 71), h0 = filled(N * H, 72),
       c0 = filled(N * H, 73);
  auto out = runF32(m, {x, h0, c0});

  // LSTM: gates i, f, c, o; peepholes i, f, o.
  auto wl = filled(I * 4 * H, 61), wi = filled(H * 4 * H, 62),
       b = filled(4 * H, 63), p = filled(3 * H, 64);
  std::vector<float> y(T * N * H), hOut(N * H), cOut(N * H);
  for (int64_t n = 0; n < N; ++n) {
    double h[H], c[H];
    for (int64_t o = 0; o < H; ++o) {
      h[o] = h0[n * H + o];
      c[o] = c0[n * H + o];
    }
    for (int64_t t = 0; t < T; ++t) {
      double xt[I];
      for (int64_t k = 0; k < I; ++k)
        xt[k] = x[(t * N + n) * I + k];
      double gate[4][H];
      for (int64_t g = 0; g < 4; ++g)
        for (int64_t o = 0; o < H; ++o)
          gate[g][o] =
              dot(wl, 4, g, o, xt, I) + dot(wi, 4, g, o, h, H) + b[g * H + o];
      for (int64_t o = 0; o < H; ++o) {
        double ig = sigmoid(gate[0][o] + p[o] * c[o]);
        double fg = sigmoid(gate[1][o] + p[H + o] * c[o]);
        c[o] = fg * c[o] + ig * std::tanh(gate[2][o]);
      }
      for (int64_t o = 0; o < H; ++o) {
        double og = sigmoid(gate[3][o] + p[2 * H + o] * c[o]);
        h[o] = og * std::tanh(c[o]);
        y[(t * N + n) * H + o] = h[o];
      }
    }
    for (int64_t o = 0; o < H; ++o) {
      hOut[n * H + o] = h[o];
      cOut[n * H + o] = c[o];
    }
  }
  expectNear(out[0], y, "lstm y");
  expectNear(out[1], hOut, "lstm h");
  expectNear(out[2], cOut, "lstm c");

  // LBR GRU, right to left from zeros: gates u, r, o; bias row 3 is the
  // recurrent bias of the candidate.
  auto gl = filled(I * 3 * H, 65), gi = filled(H * 3 * H, 66),
       gb = filled(4 * H, 67);
  std::vector<float> gy(T * N * H), gh(N * H);
  for (int64_t n = 0; n < N; ++n) {
    double h[H] = {0, 0, 0};
    for (int64_t t = T - 1; t >= 0; --t) {
      double xt[I];
      for (int64_t k = 0; k < I; ++k)
        xt[k] = x[(t * N + n) * I + k];
      double next[H];
      for (int64_t o = 0; o < H; ++o) {
        double u =
            sigmoid(dot(gl, 3, 0, o, xt, I) + dot(gi, 3, 0, o, h, H) + gb[o]);
        double r = sigmoid(dot(gl, 3, 1, o, xt, I) + dot(gi, 3, 1, o, h, H) +
                           gb[H + o]);
        double cand = std::tanh(dot(gl, 3, 2, o, xt, I) + gb[2 * H + o] +
                                r * (dot(gi, 3, 2, o, h, H) + gb[3 * H + o]));
        next[o] = u * h[o] + (1 - u) * cand;
      }
      for (int64_t o = 0; o < H; ++o) {
        h[o] = next[o];
        gy[(t * N + n) * H + o] = h[o];
      }
    }
    for (int64_t o = 0; o < H; ++o)
      gh[n * H + o] = h[o];
  }
  expectNear(out[3], gy, "gru y");
  expectNear(out[4], gh, "gru h");
}
