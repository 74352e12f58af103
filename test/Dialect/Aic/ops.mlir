// RUN: aic-opt %s -split-input-file | aic-opt -split-input-file | FileCheck %s
// RUN: aic-opt %s -split-input-file -mlir-print-op-generic | aic-opt -split-input-file | FileCheck %s

// Tests that the nn ops round-trip on tensors, with and without a bias, post
// operands and optional attributes.
// CHECK-LABEL: func @nn
// CHECK: %[[C:.*]] = aic.conv %{{.*}}, %{{.*}}, %{{.*}} post(%{{.*}}) outs(%{{.*}}) {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, post_ops = [#aic.binary<add>, #aic.eltwise<clip, 0.000000e+00, 6.000000e+00>], strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
// CHECK: %[[D:.*]] = aic.conv %{{.*}}, %{{.*}} outs(%{{.*}}) {dilations
// CHECK-SAME: group = 3 : i64
// CHECK-SAME: (tensor<1x3x8x8xf32>, tensor<6x1x3x3xf32>, tensor<1x6x8x8xf32>) -> tensor<1x6x8x8xf32>
// CHECK: aic.max_pool %[[C]] outs(%{{.*}}) {dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
// CHECK: aic.avg_pool %[[D]] outs(%{{.*}}) {count_include_pad, dilations
// CHECK: aic.softmax %{{.*}} outs(%{{.*}}) {axis = 1 : i64} : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
// CHECK: aic.softmax %{{.*}} outs(%{{.*}}) {axis = 3 : i64, log} : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
func.func @nn(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %dw: tensor<6x1x3x3xf32>,
              %b: tensor<4xf32>, %r: tensor<1x4x8x8xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x6x4x4xf32>) {
  %e8 = tensor.empty() : tensor<1x4x8x8xf32>
  %c = aic.conv %x, %w, %b post(%r) outs(%e8) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,
         pads = array<i64: 1, 1, 1, 1>, group = 1 : i64,
         post_ops = [#aic.binary<add>, #aic.eltwise<clip, 0.0, 6.0>]}
       : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %e6 = tensor.empty() : tensor<1x6x8x8xf32>
  %d = aic.conv %x, %dw outs(%e6) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,
         pads = array<i64: 1, 1, 1, 1>, group = 3 : i64}
       : (tensor<1x3x8x8xf32>, tensor<6x1x3x3xf32>, tensor<1x6x8x8xf32>) -> tensor<1x6x8x8xf32>
  %e4 = tensor.empty() : tensor<1x4x4x4xf32>
  %p = aic.max_pool %c outs(%e4) {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>,
         dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>}
       : (tensor<1x4x8x8xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %e64 = tensor.empty() : tensor<1x6x4x4xf32>
  %a = aic.avg_pool %d outs(%e64) {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>,
         dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 0>, count_include_pad}
       : (tensor<1x6x8x8xf32>, tensor<1x6x4x4xf32>) -> tensor<1x6x4x4xf32>
  %s = aic.softmax %p outs(%e4) {axis = 1 : i64} : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %l = aic.softmax %s outs(%e4) {axis = 3 : i64, log} : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %l, %a : tensor<1x4x4x4xf32>, tensor<1x6x4x4xf32>
}

// -----

// Tests that matmul round-trips with transposes, alpha, a bias and a chain,
// and without any of them.
// CHECK-LABEL: func @matmul
// CHECK: aic.matmul %{{.*}}, %{{.*}}, %{{.*}} outs(%{{.*}}) {alpha = 5.000000e-01 : f64, post_ops = [#aic.eltwise<relu>], transpose_rhs} : (tensor<2x5x3xf32>, tensor<4x3xf32>, tensor<4xf32>, tensor<2x5x4xf32>) -> tensor<2x5x4xf32>
// CHECK: aic.matmul %{{.*}}, %{{.*}} outs(%{{.*}}) {transpose_lhs} : (tensor<3x5xf32>, tensor<3x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
func.func @matmul(%a: tensor<2x5x3xf32>, %b: tensor<4x3xf32>, %bias: tensor<4xf32>,
                  %at: tensor<3x5xf32>, %c: tensor<3x4xf32>) -> (tensor<2x5x4xf32>, tensor<5x4xf32>) {
  %e = tensor.empty() : tensor<2x5x4xf32>
  %y = aic.matmul %a, %b, %bias outs(%e) {transpose_rhs, alpha = 0.5 : f64, post_ops = [#aic.eltwise<relu>]}
       : (tensor<2x5x3xf32>, tensor<4x3xf32>, tensor<4xf32>, tensor<2x5x4xf32>) -> tensor<2x5x4xf32>
  %f = tensor.empty() : tensor<5x4xf32>
  %z = aic.matmul %at, %c outs(%f) {transpose_lhs}
       : (tensor<3x5xf32>, tensor<3x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  return %y, %z : tensor<2x5x4xf32>, tensor<5x4xf32>
}

// -----

// Tests that every elementwise op round-trips, binary ops with broadcasting
// and post operands.
// CHECK-LABEL: func @elementwise
// CHECK: aic.add %{{.*}}, %{{.*}} outs(%{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: aic.sub
// CHECK: aic.mul
// CHECK: aic.div %{{.*}}, %{{.*}} post(%{{.*}}) outs(%{{.*}}) {post_ops = [#aic.binary<mul>, #aic.eltwise<linear, 2.000000e+00, 1.000000e+00>]}
// CHECK: aic.max
// CHECK: aic.min
// CHECK: aic.relu %{{.*}} outs(%{{.*}}) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: aic.sigmoid
// CHECK: aic.tanh
// CHECK: aic.exp
// CHECK: aic.clip %{{.*}} outs(%{{.*}}) {max = 1.000000e+00 : f64, min = -1.000000e+00 : f64}
func.func @elementwise(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<2x3xf32> {
  %e = tensor.empty() : tensor<2x3xf32>
  %0 = aic.add %x, %y outs(%e) : (tensor<2x3xf32>, tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = aic.sub %0, %y outs(%e) : (tensor<2x3xf32>, tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = aic.mul %1, %x outs(%e) : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = aic.div %2, %x post(%y) outs(%e) {post_ops = [#aic.binary<mul>, #aic.eltwise<linear, 2.0, 1.0>]}
       : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %4 = aic.max %3, %y outs(%e) : (tensor<2x3xf32>, tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %5 = aic.min %4, %y outs(%e) : (tensor<2x3xf32>, tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %6 = aic.relu %5 outs(%e) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %7 = aic.sigmoid %6 outs(%e) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %8 = aic.tanh %7 outs(%e) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %9 = aic.exp %8 outs(%e) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %10 = aic.clip %9 outs(%e) {min = -1.0 : f64, max = 1.0 : f64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %10 : tensor<2x3xf32>
}

// -----

// Tests that batch_norm round-trips with its four per-channel operands.
// CHECK-LABEL: func @batch_norm
// CHECK: aic.batch_norm %arg0, %arg1, %arg2, %arg3, %arg4 outs(%{{.*}}) {epsilon = 1.000000e-05 : f64} : (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
func.func @batch_norm(%x: tensor<1x4x2x2xf32>, %s: tensor<4xf32>, %b: tensor<4xf32>,
                      %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x2x2xf32> {
  %e = tensor.empty() : tensor<1x4x2x2xf32>
  %y = aic.batch_norm %x, %s, %b, %m, %v outs(%e) {epsilon = 1.0e-05 : f64}
       : (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  return %y : tensor<1x4x2x2xf32>
}

// -----

// Tests that concat (of any element type) and the reshape view round-trip.
// CHECK-LABEL: func @data_movement
// CHECK: aic.concat %arg0, %arg1 outs(%{{.*}}) {axis = 1 : i64} : (tensor<2x4x3xf32>, tensor<2x4x3xf32>, tensor<2x8x3xf32>) -> tensor<2x8x3xf32>
// CHECK: aic.reshape %{{.*}} : tensor<2x8x3xf32> -> tensor<48xf32>
// CHECK: aic.concat %arg2, %arg2 outs(%{{.*}}) {axis = 0 : i64} : (tensor<2xi64>, tensor<2xi64>, tensor<4xi64>) -> tensor<4xi64>
func.func @data_movement(%x: tensor<2x4x3xf32>, %y: tensor<2x4x3xf32>, %i: tensor<2xi64>) -> (tensor<48xf32>, tensor<4xi64>) {
  %e = tensor.empty() : tensor<2x8x3xf32>
  %k = aic.concat %x, %y outs(%e) {axis = 1 : i64} : (tensor<2x4x3xf32>, tensor<2x4x3xf32>, tensor<2x8x3xf32>) -> tensor<2x8x3xf32>
  %r = aic.reshape %k : tensor<2x8x3xf32> -> tensor<48xf32>
  %f = tensor.empty() : tensor<4xi64>
  %j = aic.concat %i, %i outs(%f) {axis = 0 : i64} : (tensor<2xi64>, tensor<2xi64>, tensor<4xi64>) -> tensor<4xi64>
  return %r, %j : tensor<48xf32>, tensor<4xi64>
}

// -----

// Tests that library ops on buffers have no result and keep their
// attributes: the form bufferization produces.
// CHECK-LABEL: func @buffers
// CHECK: aic.conv %arg0, %arg1 post(%arg2) outs(%arg3) {{{.*}}post_ops = [#aic.binary<add>, #aic.eltwise<relu>]{{.*}}} : (memref<1x3x8x8xf32>, memref<4x3x3x3xf32>, memref<1x4x6x6xf32>, memref<1x4x6x6xf32>) -> ()
// CHECK: aic.matmul %arg4, %arg5 outs(%arg6) : (memref<2x3xf32>, memref<3x4xf32>, memref<2x4xf32>) -> ()
// CHECK: aic.relu %arg6 outs(%arg6) : (memref<2x4xf32>, memref<2x4xf32>) -> ()
// CHECK: aic.softmax %arg6 outs(%arg6) {axis = 1 : i64, log} : (memref<2x4xf32>, memref<2x4xf32>) -> ()
// CHECK: aic.max_pool %arg3 outs(%{{.*}}) {{.*}} : (memref<1x4x6x6xf32>, memref<1x4x3x3xf32>) -> ()
// CHECK: aic.concat %arg4, %arg4 outs(%{{.*}}) {axis = 0 : i64} : (memref<2x3xf32>, memref<2x3xf32>, memref<4x3xf32>) -> ()
func.func @buffers(%x: memref<1x3x8x8xf32>, %w: memref<4x3x3x3xf32>, %r: memref<1x4x6x6xf32>,
                   %y: memref<1x4x6x6xf32>, %a: memref<2x3xf32>, %b: memref<3x4xf32>,
                   %c: memref<2x4xf32>) {
  aic.conv %x, %w post(%r) outs(%y) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,
    pads = array<i64: 0, 0, 0, 0>, group = 1 : i64, post_ops = [#aic.binary<add>, #aic.eltwise<relu>]}
    : (memref<1x3x8x8xf32>, memref<4x3x3x3xf32>, memref<1x4x6x6xf32>, memref<1x4x6x6xf32>) -> ()
  aic.matmul %a, %b outs(%c) : (memref<2x3xf32>, memref<3x4xf32>, memref<2x4xf32>) -> ()
  aic.relu %c outs(%c) : (memref<2x4xf32>, memref<2x4xf32>) -> ()
  aic.softmax %c outs(%c) {axis = 1 : i64, log} : (memref<2x4xf32>, memref<2x4xf32>) -> ()
  %p = memref.alloc() : memref<1x4x3x3xf32>
  aic.max_pool %y outs(%p) {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>,
    dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>}
    : (memref<1x4x6x6xf32>, memref<1x4x3x3xf32>) -> ()
  %k = memref.alloc() : memref<4x3xf32>
  aic.concat %a, %a outs(%k) {axis = 0 : i64} : (memref<2x3xf32>, memref<2x3xf32>, memref<4x3xf32>) -> ()
  return
}

// -----

// Tests that blocked layouts, reorders and the sum post-op round-trip.
// CHECK-LABEL: func @layouts
// CHECK: aic.reorder %arg0 outs(%{{.*}}) {layouts = [unit, #aic.layout<"aBcd16b", [1, 24, 5, 5]>]} : (tensor<1x24x5x5xf32>, tensor<1x2x5x5x16xf32>) -> tensor<1x2x5x5x16xf32>
// CHECK: aic.conv {{.*}}layouts = [#aic.layout<"aBcd16b", [1, 24, 5, 5]>, #aic.layout<"ABcd16b16a", [24, 24, 1, 1]>, #aic.layout<"aBcd16b", [1, 24, 5, 5]>], {{.*}}post_ops = [#aic.sum]
func.func @layouts(%x: tensor<1x24x5x5xf32>, %w: tensor<2x2x1x1x16x16xf32>) -> tensor<1x2x5x5x16xf32> {
  %e = tensor.empty() : tensor<1x2x5x5x16xf32>
  %b = aic.reorder %x outs(%e) {layouts = [unit, #aic.layout<"aBcd16b", [1, 24, 5, 5]>]} : (tensor<1x24x5x5xf32>, tensor<1x2x5x5x16xf32>) -> tensor<1x2x5x5x16xf32>
  %c = aic.conv %b, %w outs(%b) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64, post_ops = [#aic.sum], layouts = [#aic.layout<"aBcd16b", [1, 24, 5, 5]>, #aic.layout<"ABcd16b16a", [24, 24, 1, 1]>, #aic.layout<"aBcd16b", [1, 24, 5, 5]>]} : (tensor<1x2x5x5x16xf32>, tensor<2x2x1x1x16x16xf32>, tensor<1x2x5x5x16xf32>) -> tensor<1x2x5x5x16xf32>
  return %c : tensor<1x2x5x5x16xf32>
}

// -----

// Tests that a layout with a run-time batch round-trips: its stored type has
// the same run-time dim.
// CHECK-LABEL: func @layout_symbolic_batch
// CHECK: aic.reorder %arg0 outs(%{{.*}}) {layouts = [unit, #aic.layout<"aBcd16b", [?, 24, 5, 5]>]} : (tensor<?x24x5x5xf32>, tensor<?x2x5x5x16xf32>) -> tensor<?x2x5x5x16xf32>
func.func @layout_symbolic_batch(%x: tensor<?x24x5x5xf32>, %e: tensor<?x2x5x5x16xf32>) -> tensor<?x2x5x5x16xf32> {
  %b = aic.reorder %x outs(%e) {layouts = [unit, #aic.layout<"aBcd16b", [?, 24, 5, 5]>]} : (tensor<?x24x5x5xf32>, tensor<?x2x5x5x16xf32>) -> tensor<?x2x5x5x16xf32>
  return %b : tensor<?x2x5x5x16xf32>
}

// -----

// Tests that conv_transpose round-trips with and without a bias and with a
// post-op chain, 1-D and 2-D, on tensors and on buffers.
// CHECK-LABEL: func @conv_transpose
// CHECK: aic.conv_transpose %{{.*}}, %{{.*}}, %{{.*}} post(%{{.*}}) outs(%{{.*}}) {dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 1, 1, 0, 0>, post_ops = [#aic.binary<add>, #aic.eltwise<relu>], strides = array<i64: 2, 2>} : (tensor<1x4x4x4xf32>, tensor<4x3x3x3xf32>, tensor<6xf32>, tensor<1x6x1x1xf32>, tensor<1x6x8x8xf32>) -> tensor<1x6x8x8xf32>
// CHECK: aic.conv_transpose %{{.*}}, %{{.*}} outs(%{{.*}}) {dilations = array<i64: 2>, group = 1 : i64, pads = array<i64: 0, 0>, strides = array<i64: 1>} : (tensor<2x3x5xf32>, tensor<3x2x2xf32>, tensor<2x2x7xf32>) -> tensor<2x2x7xf32>
// CHECK: aic.conv_transpose %{{.*}}, %{{.*}} outs(%{{.*}}) {{.*}} : (memref<2x3x5xf32>, memref<3x2x2xf32>, memref<2x2x7xf32>) -> ()
func.func @conv_transpose(%x: tensor<1x4x4x4xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<6xf32>,
                          %s: tensor<1x6x1x1xf32>, %x1: tensor<2x3x5xf32>, %w1: tensor<3x2x2xf32>,
                          %bx: memref<2x3x5xf32>, %bw: memref<3x2x2xf32>, %by: memref<2x2x7xf32>)
    -> (tensor<1x6x8x8xf32>, tensor<2x2x7xf32>) {
  %e = tensor.empty() : tensor<1x6x8x8xf32>
  %y = aic.conv_transpose %x, %w, %b post(%s) outs(%e) {strides = array<i64: 2, 2>,
         dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 0>, group = 2 : i64,
         post_ops = [#aic.binary<add>, #aic.eltwise<relu>]}
       : (tensor<1x4x4x4xf32>, tensor<4x3x3x3xf32>, tensor<6xf32>, tensor<1x6x1x1xf32>, tensor<1x6x8x8xf32>) -> tensor<1x6x8x8xf32>
  %e1 = tensor.empty() : tensor<2x2x7xf32>
  %y1 = aic.conv_transpose %x1, %w1 outs(%e1) {strides = array<i64: 1>, dilations = array<i64: 2>,
          pads = array<i64: 0, 0>, group = 1 : i64}
        : (tensor<2x3x5xf32>, tensor<3x2x2xf32>, tensor<2x2x7xf32>) -> tensor<2x2x7xf32>
  aic.conv_transpose %bx, %bw outs(%by) {strides = array<i64: 1>, dilations = array<i64: 2>,
    pads = array<i64: 0, 0>, group = 1 : i64}
    : (memref<2x3x5xf32>, memref<3x2x2xf32>, memref<2x2x7xf32>) -> ()
  return %y, %y1 : tensor<1x6x8x8xf32>, tensor<2x2x7xf32>
}

// -----

// Tests that lrn round-trips, and layer_norm without scale and bias (as
// instance normalization uses it) and with a scale only.
// CHECK-LABEL: func @normalization
// CHECK: aic.lrn %{{.*}} outs(%{{.*}}) {alpha = 1.000000e-04 : f64, beta = 7.500000e-01 : f64, bias = 2.000000e+00 : f64, size = 5 : i64} : (tensor<2x6x3x4xf32>, tensor<2x6x3x4xf32>) -> tensor<2x6x3x4xf32>
// CHECK: aic.layer_norm %{{.*}} outs(%{{.*}}) {epsilon = 1.000000e-05 : f64} : (tensor<12x12xf32>, tensor<12x12xf32>) -> tensor<12x12xf32>
// CHECK: %{{.*}}:3 = aic.layer_norm %{{.*}}, %{{.*}} outs(%{{.*}}, %{{.*}}, %{{.*}}) {epsilon = 0.000000e+00 : f64} : (tensor<12x12xf32>, tensor<12xf32>, tensor<12x12xf32>, tensor<12xf32>, tensor<12xf32>) -> (tensor<12x12xf32>, tensor<12xf32>, tensor<12xf32>)
func.func @normalization(%x: tensor<2x6x3x4xf32>, %v: tensor<12x12xf32>, %s: tensor<12xf32>)
    -> (tensor<2x6x3x4xf32>, tensor<12x12xf32>, tensor<12x12xf32>) {
  %e = tensor.empty() : tensor<2x6x3x4xf32>
  %l = aic.lrn %x outs(%e) {size = 5 : i64, alpha = 1.0e-04 : f64, beta = 0.75 : f64, bias = 2.0 : f64}
       : (tensor<2x6x3x4xf32>, tensor<2x6x3x4xf32>) -> tensor<2x6x3x4xf32>
  %ev = tensor.empty() : tensor<12x12xf32>
  %y = aic.layer_norm %v outs(%ev) {epsilon = 1.0e-05 : f64}
       : (tensor<12x12xf32>, tensor<12x12xf32>) -> tensor<12x12xf32>
  %m = tensor.empty() : tensor<12xf32>
  %z:3 = aic.layer_norm %v, %s outs(%ev, %m, %m) {epsilon = 0.0 : f64}
       : (tensor<12x12xf32>, tensor<12xf32>, tensor<12x12xf32>, tensor<12xf32>, tensor<12xf32>)
         -> (tensor<12x12xf32>, tensor<12xf32>, tensor<12xf32>)
  return %l, %y, %z#0 : tensor<2x6x3x4xf32>, tensor<12x12xf32>, tensor<12x12xf32>
}

// -----

// Tests that rnn round-trips with and without the optional operands.
// CHECK-LABEL: func @rnn
// CHECK: %{{.*}}:3 = aic.rnn %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} peephole(%{{.*}}) h0(%{{.*}}) c0(%{{.*}}) outs(%{{.*}}, %{{.*}}, %{{.*}}) {cell = "lstm", reverse} : (tensor<5x2x3xf32>, tensor<3x4x6xf32>, tensor<6x4x6xf32>, tensor<4x6xf32>, tensor<3x6xf32>, tensor<2x6xf32>, tensor<2x6xf32>, tensor<5x2x6xf32>, tensor<2x6xf32>, tensor<2x6xf32>) -> (tensor<5x2x6xf32>, tensor<2x6xf32>, tensor<2x6xf32>)
// CHECK: %{{.*}}:2 = aic.rnn %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} outs(%{{.*}}, %{{.*}}) {cell = "lbr_gru"} : (tensor<5x2x3xf32>, tensor<3x3x6xf32>, tensor<6x3x6xf32>, tensor<4x6xf32>, tensor<5x2x6xf32>, tensor<2x6xf32>) -> (tensor<5x2x6xf32>, tensor<2x6xf32>)
func.func @rnn(%x: tensor<5x2x3xf32>, %wl: tensor<3x4x6xf32>, %wi: tensor<6x4x6xf32>,
               %b: tensor<4x6xf32>, %p: tensor<3x6xf32>, %h: tensor<2x6xf32>,
               %gl: tensor<3x3x6xf32>, %gi: tensor<6x3x6xf32>)
    -> (tensor<5x2x6xf32>, tensor<2x6xf32>) {
  %ey = tensor.empty() : tensor<5x2x6xf32>
  %es = tensor.empty() : tensor<2x6xf32>
  %l:3 = aic.rnn %x, %wl, %wi, %b peephole(%p) h0(%h) c0(%h) outs(%ey, %es, %es) {cell = "lstm", reverse}
       : (tensor<5x2x3xf32>, tensor<3x4x6xf32>, tensor<6x4x6xf32>, tensor<4x6xf32>, tensor<3x6xf32>, tensor<2x6xf32>, tensor<2x6xf32>, tensor<5x2x6xf32>, tensor<2x6xf32>, tensor<2x6xf32>) -> (tensor<5x2x6xf32>, tensor<2x6xf32>, tensor<2x6xf32>)
  %g:2 = aic.rnn %x, %gl, %gi, %b outs(%ey, %es) {cell = "lbr_gru"}
       : (tensor<5x2x3xf32>, tensor<3x3x6xf32>, tensor<6x3x6xf32>, tensor<4x6xf32>, tensor<5x2x6xf32>, tensor<2x6xf32>) -> (tensor<5x2x6xf32>, tensor<2x6xf32>)
  return %l#0, %g#1 : tensor<5x2x6xf32>, tensor<2x6xf32>
}

// Tests the integer form of conv and matmul: i8 operands summed into i32,
// on tensors and on buffers.
// CHECK-LABEL: func @integer_products
// CHECK: aic.conv %{{.*}}, %{{.*}} outs(%{{.*}}) {{.*}} : (tensor<1x3x8x8xi8>, tensor<4x3x3x3xi8>, tensor<1x4x6x6xi32>) -> tensor<1x4x6x6xi32>
// CHECK: aic.matmul %{{.*}}, %{{.*}} outs(%{{.*}}) : (tensor<2x5x3xi8>, tensor<3x4xi8>, tensor<2x5x4xi32>) -> tensor<2x5x4xi32>
// CHECK: aic.matmul %{{.*}}, %{{.*}} outs(%{{.*}}) : (memref<2x3xi8>, memref<3x4xi8>, memref<2x4xi32>) -> ()
func.func @integer_products(%x: tensor<1x3x8x8xi8>, %w: tensor<4x3x3x3xi8>,
                            %a: tensor<2x5x3xi8>, %b: tensor<3x4xi8>,
                            %p: memref<2x3xi8>, %q: memref<3x4xi8>,
                            %r: memref<2x4xi32>) -> (tensor<1x4x6x6xi32>, tensor<2x5x4xi32>) {
  %e = tensor.empty() : tensor<1x4x6x6xi32>
  %y = aic.conv %x, %w outs(%e) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64}
       : (tensor<1x3x8x8xi8>, tensor<4x3x3x3xi8>, tensor<1x4x6x6xi32>) -> tensor<1x4x6x6xi32>
  %f = tensor.empty() : tensor<2x5x4xi32>
  %z = aic.matmul %a, %b outs(%f) : (tensor<2x5x3xi8>, tensor<3x4xi8>, tensor<2x5x4xi32>) -> tensor<2x5x4xi32>
  aic.matmul %p, %q outs(%r) : (memref<2x3xi8>, memref<3x4xi8>, memref<2x4xi32>) -> ()
  return %y, %z : tensor<1x4x6x6xi32>, tensor<2x5x4xi32>
}
