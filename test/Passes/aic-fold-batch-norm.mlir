// RUN: aic-opt %s -split-input-file -aic-fold-batch-norm | FileCheck %s

// Tests that a batch norm behind a single-use grouped conv folds into new
// weights and bias: s = gamma / sqrt(var + eps) = [0.5, 1], w' = w * s[oc]
// (oc is dim 0 of the weights, group 2 included), b' = (b - mean) * s + beta.
// CHECK-LABEL: func @fold_into_conv
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}5.000000e-01]]], {{\[\[\[}}2.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<[-5.000000e-01, 2.000000e+00]> : tensor<2xf32>
// CHECK-DAG: %[[E:.*]] = tensor.empty() : tensor<1x2x4x4xf32>
// CHECK: %[[Y:.*]] = aic.conv %arg0, %[[W]], %[[B]] outs(%[[E]]) {dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
// CHECK-NEXT: return %[[Y]]
// CHECK-NOT: tensor.empty
func.func @fold_into_conv(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = arith.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %b = arith.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %gamma = arith.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %beta = arith.constant dense<[0.0, 3.0]> : tensor<2xf32>
  %mean = arith.constant dense<[1.5, 0.0]> : tensor<2xf32>
  %var = arith.constant dense<[15.0, 0.0]> : tensor<2xf32>
  %e0 = tensor.empty() : tensor<1x2x4x4xf32>
  %c = aic.conv %x, %w, %b outs(%e0) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 2 : i64} : (tensor<1x2x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %e1 = tensor.empty() : tensor<1x2x4x4xf32>
  %y = aic.batch_norm %c, %gamma, %beta, %mean, %var outs(%e1) {epsilon = 1.0 : f64} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Tests that a conv without bias gets one, b' = beta - mean * s, and that
// weights over 64 elements become a dense_resource named after the node.
// CHECK-LABEL: func @fold_into_conv_without_bias
// CHECK-DAG: %[[W:.*]] = arith.constant dense_resource<bn1.weight> : tensor<3x4x3x3xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<[-1.000000e+00, 5.000000e-01, 0.000000e+00]> : tensor<3xf32>
// CHECK: aic.conv %arg0, %[[W]], %[[B]] outs
// CHECK-NOT: aic.batch_norm
// CHECK: bn1.weight: "0x08000000{{(0000803F){36}(0000003F){36}(00000000){36}"}}
func.func @fold_into_conv_without_bias(%x: tensor<1x4x5x5xf32>) -> tensor<1x3x3x3xf32> {
  %w = arith.constant dense<1.0> : tensor<3x4x3x3xf32>
  %gamma = arith.constant dense<[1.0, 1.0, 0.0]> : tensor<3xf32>
  %beta = arith.constant dense<[0.0, 1.0, 0.0]> : tensor<3xf32>
  %mean = arith.constant dense<[1.0, 1.0, 7.0]> : tensor<3xf32>
  %var = arith.constant dense<[1.0, 4.0, 1.0]> : tensor<3xf32>
  %e0 = tensor.empty() : tensor<1x3x3x3xf32>
  %c = aic.conv %x, %w outs(%e0) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64} : (tensor<1x4x5x5xf32>, tensor<3x4x3x3xf32>, tensor<1x3x3x3xf32>) -> tensor<1x3x3x3xf32>
  %e1 = tensor.empty() : tensor<1x3x3x3xf32>
  %y = aic.batch_norm %c, %gamma, %beta, %mean, %var outs(%e1) {epsilon = 0.0 : f64} : (tensor<1x3x3x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<1x3x3x3xf32>) -> tensor<1x3x3x3xf32> loc("bn1")
  return %y : tensor<1x3x3x3xf32>
}

// -----

// Tests that a conv whose result has another user is not folded (its result
// is needed as is): the batch norm becomes a scale-shift instead.
// CHECK-LABEL: func @conv_two_users
// CHECK: %[[C:.*]] = aic.conv %arg0, %{{.*}} outs
// CHECK: %[[M:.*]] = aic.mul %[[C]]
// CHECK: %[[Y:.*]] = aic.add %[[M]]
// CHECK: return %[[C]], %[[Y]]
func.func @conv_two_users(%x: tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w = arith.constant dense<1.0> : tensor<2x2x1x1xf32>
  %p = arith.constant dense<1.0> : tensor<2xf32>
  %e0 = tensor.empty() : tensor<1x2x4x4xf32>
  %c = aic.conv %x, %w outs(%e0) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %e1 = tensor.empty() : tensor<1x2x4x4xf32>
  %y = aic.batch_norm %c, %p, %p, %p, %p outs(%e1) {epsilon = 0.0 : f64} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %c, %y : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// Tests the scale-shift fallback without a conv: x * s + t with s and t of
// shape [C, 1, 1], s = [2, 0.5], t = beta - mean * s = [-1, 1]; the add
// writes the batch norm's destination.
// CHECK-LABEL: func @scale_shift
// CHECK-DAG: %[[S:.*]] = arith.constant dense<{{\[\[\[}}2.000000e+00]], {{\[\[}}5.000000e-01]]]> : tensor<2x1x1xf32>
// CHECK-DAG: %[[T:.*]] = arith.constant dense<{{\[\[\[}}-1.000000e+00]], {{\[\[}}1.000000e+00]]]> : tensor<2x1x1xf32>
// CHECK-DAG: %[[E:.*]] = tensor.empty() : tensor<1x2x3x3xf32>
// CHECK: %[[M:.*]] = aic.mul %arg0, %[[S]] outs(%[[E]])
// CHECK: %[[Y:.*]] = aic.add %[[M]], %[[T]] outs(%arg1)
// CHECK-NOT: aic.batch_norm
// CHECK: return %[[Y]]
func.func @scale_shift(%x: tensor<1x2x3x3xf32>, %init: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %gamma = arith.constant dense<[4.0, 1.0]> : tensor<2xf32>
  %beta = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %mean = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %var = arith.constant dense<[3.0, 3.0]> : tensor<2xf32>
  %y = aic.batch_norm %x, %gamma, %beta, %mean, %var outs(%init) {epsilon = 1.0 : f64} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// Tests that a rank-2 input (BatchNorm1d) gets parameters of shape [C].
// CHECK-LABEL: func @scale_shift_rank2
// CHECK: aic.mul %arg0, %{{.*}} : (tensor<4x3xf32>, tensor<3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
// CHECK: aic.add %{{.*}} : (tensor<4x3xf32>, tensor<3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
func.func @scale_shift_rank2(%x: tensor<4x3xf32>) -> tensor<4x3xf32> {
  %p = arith.constant dense<1.0> : tensor<3xf32>
  %e = tensor.empty() : tensor<4x3xf32>
  %y = aic.batch_norm %x, %p, %p, %p, %p outs(%e) {epsilon = 1.0e-05 : f64} : (tensor<4x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

// Tests that the scale-shift over a run-time batch sizes its product by it.
// CHECK-LABEL: func @scale_shift_dynamic
// CHECK: %[[N:.*]] = tensor.dim %arg0, %{{.*}} : tensor<?x3xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[N]]) : tensor<?x3xf32>
// CHECK: aic.mul %arg0, %{{.*}} outs(%[[E]]) : (tensor<?x3xf32>, tensor<3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
// CHECK: aic.add
func.func @scale_shift_dynamic(%x: tensor<?x3xf32>, %e: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %p = arith.constant dense<1.0> : tensor<3xf32>
  %y = aic.batch_norm %x, %p, %p, %p, %p outs(%e) {epsilon = 1.0e-05 : f64} : (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

// -----

// Tests that a batch norm with a non-constant parameter is left alone.
// CHECK-LABEL: func @non_constant_params
// CHECK: aic.conv
// CHECK-NOT: post_ops
// CHECK: aic.batch_norm %{{.*}}, %arg1,
// CHECK-NOT: aic.mul
func.func @non_constant_params(%x: tensor<1x2x4x4xf32>, %gamma: tensor<2xf32>) -> tensor<1x2x4x4xf32> {
  %w = arith.constant dense<1.0> : tensor<2x2x1x1xf32>
  %p = arith.constant dense<1.0> : tensor<2xf32>
  %e0 = tensor.empty() : tensor<1x2x4x4xf32>
  %c = aic.conv %x, %w outs(%e0) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %e1 = tensor.empty() : tensor<1x2x4x4xf32>
  %y = aic.batch_norm %c, %gamma, %p, %p, %p outs(%e1) {epsilon = 0.0 : f64} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Tests that a conv with a post-op chain is not folded (the relu comes
// before the batch norm and is not affine): scale-shift instead.
// CHECK-LABEL: func @conv_post_ops
// CHECK: %[[C:.*]] = aic.conv %arg0, %{{.*}} outs(%{{.*}}) {{.*}}post_ops = [#aic.eltwise<relu>]
// CHECK: %[[M:.*]] = aic.mul %[[C]]
// CHECK: aic.add %[[M]]
// CHECK-NOT: aic.batch_norm
func.func @conv_post_ops(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = arith.constant dense<1.0> : tensor<2x2x1x1xf32>
  %p = arith.constant dense<1.0> : tensor<2xf32>
  %e0 = tensor.empty() : tensor<1x2x4x4xf32>
  %c = aic.conv %x, %w outs(%e0) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64, post_ops = [#aic.eltwise<relu>]} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %e1 = tensor.empty() : tensor<1x2x4x4xf32>
  %y = aic.batch_norm %c, %p, %p, %p, %p outs(%e1) {epsilon = 0.0 : f64} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Tests that parameters stored as dense_resource blobs are read, and that
// a non-f32 batch norm with no conv to fold into stays for the runtime.
// CHECK-LABEL: func @resource_params
// CHECK: aic.mul %arg0,
// CHECK-LABEL: func @f16_stays
// CHECK: aic.batch_norm
func.func @resource_params(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %gamma = arith.constant dense_resource<gamma> : tensor<2xf32>
  %p = arith.constant dense<1.0> : tensor<2xf32>
  %e = tensor.empty() : tensor<1x2x3x3xf32>
  %y = aic.batch_norm %x, %gamma, %p, %p, %p outs(%e) {epsilon = 0.0 : f64} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}
func.func @f16_stays(%x: tensor<1x2x3x3xf16>) -> tensor<1x2x3x3xf16> {
  %p = arith.constant dense<1.0> : tensor<2xf16>
  %e = tensor.empty() : tensor<1x2x3x3xf16>
  %y = aic.batch_norm %x, %p, %p, %p, %p outs(%e) {epsilon = 0.0 : f64} : (tensor<1x2x3x3xf16>, tensor<2xf16>, tensor<2xf16>, tensor<2xf16>, tensor<2xf16>, tensor<1x2x3x3xf16>) -> tensor<1x2x3x3xf16>
  return %y : tensor<1x2x3x3xf16>
}

{-#
  dialect_resources: {
    builtin: {
      gamma: "0x040000000000803F00000040"
    }
  }
#-}
