// RUN: aic-opt %s | aic-opt | FileCheck %s
// RUN: aic-opt %s -mlir-print-op-generic | aic-opt | FileCheck %s

// Tests that every aic op round-trips through its custom assembly format.

// CHECK-LABEL: func @nn
func.func @nn(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>,
              %r: tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> {
  // CHECK: aic.conv %{{.*}}, %{{.*}}, %{{.*}} post(%{{.*}}) {{{.*}}post_ops = [#aic.binary<add>, #aic.eltwise<clip, 0.000000e+00, 6.000000e+00>]
  %c = aic.conv %x, %w, %b post(%r) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,
         pads = array<i64: 1, 1, 1, 1>, group = 1 : i64,
         post_ops = [#aic.binary<add>, #aic.eltwise<clip, 0.0, 6.0>]}
       : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  // CHECK: aic.conv %{{.*}}, %{{.*}} {dilations
  %d = aic.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,
         pads = array<i64: 1, 1, 1, 1>, group = 1 : i64}
       : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  // CHECK: aic.max_pool %{{.*}} {{.*}}kernel = array<i64: 2, 2>{{.*}} : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
  %p = aic.max_pool %c {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>,
         dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>}
       : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
  // CHECK: aic.avg_pool %{{.*}} {count_include_pad
  %a = aic.avg_pool %d {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>,
         dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 0>, count_include_pad}
       : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
  // CHECK: aic.softmax %{{.*}} {axis = 1 : i64} : tensor<1x4x4x4xf32>
  %s = aic.softmax %a {axis = 1 : i64} : tensor<1x4x4x4xf32>
  %sum = aic.add %p, %s : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %sum : tensor<1x4x4x4xf32>
}

// CHECK-LABEL: func @matmul
func.func @matmul(%a: tensor<2x5x3xf32>, %b: tensor<4x3xf32>, %bias: tensor<4xf32>) -> tensor<2x5x4xf32> {
  // CHECK: aic.matmul %{{.*}}, %{{.*}}, %{{.*}} {alpha = 5.000000e-01 : f64, post_ops = [#aic.eltwise<relu>], transpose_rhs}
  %y = aic.matmul %a, %b, %bias {transpose_rhs, alpha = 0.5 : f64, post_ops = [#aic.eltwise<relu>]}
       : (tensor<2x5x3xf32>, tensor<4x3xf32>, tensor<4xf32>) -> tensor<2x5x4xf32>
  return %y : tensor<2x5x4xf32>
}

// CHECK-LABEL: func @elementwise
func.func @elementwise(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<2x3xf32> {
  // CHECK: aic.add {{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %0 = aic.add %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: aic.sub
  %1 = aic.sub %0, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: aic.mul
  %2 = aic.mul %1, %x : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: aic.div {{.*}} post(%{{.*}}) {post_ops = [#aic.binary<mul>]}
  %3 = aic.div %2, %x post(%y) {post_ops = [#aic.binary<mul>]} : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: aic.relu %{{.*}} : tensor<2x3xf32>
  %4 = aic.relu %3 : tensor<2x3xf32>
  // CHECK: aic.sigmoid
  %5 = aic.sigmoid %4 : tensor<2x3xf32>
  // CHECK: aic.tanh
  %6 = aic.tanh %5 : tensor<2x3xf32>
  // CHECK: aic.exp
  %7 = aic.exp %6 : tensor<2x3xf32>
  // CHECK: aic.clip %{{.*}} {max = 1.000000e+00 : f64, min = -1.000000e+00 : f64}
  %8 = aic.clip %7 {min = -1.0 : f64, max = 1.0 : f64} : tensor<2x3xf32>
  return %8 : tensor<2x3xf32>
}

// CHECK-LABEL: func @data_movement
func.func @data_movement(%x: tensor<2x3x4xf32>) -> tensor<2x8x3xf32> {
  // CHECK: aic.constant dense<1.000000e+00> : tensor<2x4x3xf32>
  %c = aic.constant dense<1.0> : tensor<2x4x3xf32>
  // CHECK: aic.transpose %{{.*}} {perm = array<i64: 0, 2, 1>} : tensor<2x3x4xf32> -> tensor<2x4x3xf32>
  %t = aic.transpose %x {perm = array<i64: 0, 2, 1>} : tensor<2x3x4xf32> -> tensor<2x4x3xf32>
  // CHECK: aic.concat %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<2x4x3xf32>, tensor<2x4x3xf32>) -> tensor<2x8x3xf32>
  %k = aic.concat %t, %c {axis = 1 : i64} : (tensor<2x4x3xf32>, tensor<2x4x3xf32>) -> tensor<2x8x3xf32>
  // CHECK: aic.reshape %{{.*}} : tensor<2x8x3xf32> -> tensor<48xf32>
  %r = aic.reshape %k : tensor<2x8x3xf32> -> tensor<48xf32>
  %s = aic.reshape %r : tensor<48xf32> -> tensor<2x8x3xf32>
  return %s : tensor<2x8x3xf32>
}
