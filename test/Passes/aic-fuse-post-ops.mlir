// RUN: aic-opt %s -split-input-file -aic-fuse-post-ops=conv-binary=true | FileCheck %s
// RUN: aic-opt %s -split-input-file -aic-fuse-post-ops="max-chain=1 conv-binary=true" | FileCheck %s --check-prefix=SHORT
// RUN: aic-opt %s -split-input-file -aic-fuse-post-ops | FileCheck %s --check-prefix=DEFAULT
// RUN: aic-opt %s -split-input-file -aic-fuse-post-ops=conv-binary=false | FileCheck %s --check-prefix=NOCONV

// Tests that a relu consuming a conv becomes a post-op.
// CHECK-LABEL: func @conv_relu
// CHECK: %[[Y:.*]] = aic.conv {{.*}}post_ops = [#aic.eltwise<relu>]
// CHECK-NOT: aic.relu
// CHECK: return %[[Y]]
func.func @conv_relu(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  %e = tensor.empty() : tensor<1x4x6x6xf32>
  %0 = aic.conv %x, %w outs(%e) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %f = tensor.empty() : tensor<1x4x6x6xf32>
  %1 = aic.relu %0 outs(%f) : (tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  return %1 : tensor<1x4x6x6xf32>
}

// -----

// Tests the ResNet block tail: conv, residual add, relu become one conv. The
// residual has the result's shape, so the conv writes into it (its
// destination) and a sum post-op adds its old contents: no post operand.
// CHECK-LABEL: func @residual
// CHECK: %[[Y:.*]] = aic.conv %arg0, %arg1 outs(%arg2) {{.*}}post_ops = [#aic.sum, #aic.eltwise<relu>]
// CHECK-NEXT: return %[[Y]]
// SHORT-LABEL: func @residual
// SHORT: aic.conv %arg0, %arg1 outs(%{{.*}}) {
// SHORT: aic.add {{.*}}post_ops = [#aic.eltwise<relu>]
// By default binary ops fuse into convolutions too.
// DEFAULT-LABEL: func @residual
// DEFAULT: %[[Y:.*]] = aic.conv %arg0, %arg1 outs(%arg2) {{.*}}post_ops = [#aic.sum, #aic.eltwise<relu>]
// DEFAULT-NEXT: return %[[Y]]
// With conv-binary=false they stay out of convolutions.
// NOCONV-LABEL: func @residual
// NOCONV: aic.conv %arg0, %arg1 outs(%{{.*}}) {
// NOCONV: aic.add %arg2, %{{.*}} outs(%{{.*}}) {post_ops = [#aic.eltwise<relu>]}
func.func @residual(%x: tensor<1x4x6x6xf32>, %w: tensor<4x4x1x1xf32>, %r: tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32> {
  %e = tensor.empty() : tensor<1x4x6x6xf32>
  %0 = aic.conv %x, %w outs(%e) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64} : (tensor<1x4x6x6xf32>, tensor<4x4x1x1xf32>, tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %1 = aic.add %r, %0 outs(%e) : (tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %2 = aic.relu %1 outs(%e) : (tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  return %2 : tensor<1x4x6x6xf32>
}

// -----

// Tests that an add of an operand that only broadcasts to the conv's result
// (a per-channel [4, 1, 1]) cannot be accumulated in the destination: it
// becomes a binary post-op with the operand in post(...).
// CHECK-LABEL: func @conv_broadcast
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x4x6x6xf32>
// CHECK: %[[Y:.*]] = aic.conv %arg0, %arg1 post(%arg2) outs(%[[E]]) {{.*}}post_ops = [#aic.binary<add>, #aic.eltwise<relu>]
// CHECK-NEXT: return %[[Y]]
// SHORT-LABEL: func @conv_broadcast
// SHORT: aic.conv %arg0, %arg1 outs(%{{.*}}) {
// SHORT: aic.add %{{.*}}, %arg2 outs(%{{.*}}) {post_ops = [#aic.eltwise<relu>]}
// DEFAULT-LABEL: func @conv_broadcast
// DEFAULT: %[[Y:.*]] = aic.conv %arg0, %arg1 post(%arg2) outs(%{{.*}}) {{.*}}post_ops = [#aic.binary<add>, #aic.eltwise<relu>]
// DEFAULT-NEXT: return %[[Y]]
// NOCONV-LABEL: func @conv_broadcast
// NOCONV: aic.conv %arg0, %arg1 outs(%{{.*}}) {
// NOCONV: aic.add %{{.*}}, %arg2 outs(%{{.*}}) {post_ops = [#aic.eltwise<relu>]}
func.func @conv_broadcast(%x: tensor<1x4x6x6xf32>, %w: tensor<4x4x1x1xf32>, %b: tensor<4x1x1xf32>) -> tensor<1x4x6x6xf32> {
  %e = tensor.empty() : tensor<1x4x6x6xf32>
  %0 = aic.conv %x, %w outs(%e) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64} : (tensor<1x4x6x6xf32>, tensor<4x4x1x1xf32>, tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %1 = aic.add %0, %b outs(%e) : (tensor<1x4x6x6xf32>, tensor<4x1x1xf32>, tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %2 = aic.relu %1 outs(%e) : (tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  return %2 : tensor<1x4x6x6xf32>
}

// -----

// Tests that a full-shape add into a matmul is a sum post-op too, and that
// one into a binary op stays a binary post-op (the runtime of a binary
// primitive may expand a broadcast operand into its destination first).
// CHECK-LABEL: func @matmul_sum
// CHECK: %[[M:.*]] = aic.matmul %arg0, %arg1 outs(%arg2) {post_ops = [#aic.sum]}
// CHECK-NEXT: return %[[M]]
func.func @matmul_sum(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>, %c: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %e = tensor.empty() : tensor<2x4xf32>
  %0 = aic.matmul %a, %b outs(%e) : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %1 = aic.add %c, %0 outs(%e) : (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %1 : tensor<2x4xf32>
}

// -----

// CHECK-LABEL: func @binary_producer
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x4xf32>
// CHECK: %[[P:.*]] = aic.mul %arg0, %arg1 post(%arg2) outs(%[[E]]) {post_ops = [#aic.binary<add>]}
// CHECK-NEXT: return %[[P]]
func.func @binary_producer(%a: tensor<2x4xf32>, %b: tensor<2x4xf32>, %c: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %e = tensor.empty() : tensor<2x4xf32>
  %0 = aic.mul %a, %b outs(%e) : (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %1 = aic.add %0, %c outs(%e) : (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %1 : tensor<2x4xf32>
}

// -----

// Tests that a producer with a second use is not fused: its result is needed.
// CHECK-LABEL: func @two_uses
// CHECK: aic.matmul
// CHECK-NOT: post_ops
// CHECK: aic.relu
func.func @two_uses(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %e = tensor.empty() : tensor<2x4xf32>
  %0 = aic.matmul %a, %b outs(%e) : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %1 = aic.relu %0 outs(%e) : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0, %1 : tensor<2x4xf32>, tensor<2x4xf32>
}

// -----

// Tests that sub fuses only with the producer on the left, and that a
// broadcasting constant operand is hoisted above the producer.
// CHECK-LABEL: func @sub_sides
// CHECK: %[[K:.*]] = arith.constant dense<1.000000e+00> : tensor<4xf32>
// CHECK: %[[M:.*]] = aic.matmul %arg0, %arg1 post(%[[K]]) outs(%{{.*}}) {post_ops = [#aic.binary<sub>, #aic.eltwise<sigmoid>]}
// CHECK: aic.sub %arg2, %[[M]]
func.func @sub_sides(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>, %c: tensor<2x4xf32>) -> (tensor<2x4xf32>) {
  %e = tensor.empty() : tensor<2x4xf32>
  %0 = aic.matmul %a, %b outs(%e) : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %k = arith.constant dense<1.0> : tensor<4xf32>
  %1 = aic.sub %0, %k outs(%e) : (tensor<2x4xf32>, tensor<4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %2 = aic.sigmoid %1 outs(%e) : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %3 = aic.sub %c, %2 outs(%e) : (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %3 : tensor<2x4xf32>
}

// -----

// Tests that an operand computed after the producer blocks the fusion.
// CHECK-LABEL: func @late_operand
// CHECK: aic.matmul %arg0, %arg1 outs(%{{.*}}) :
// CHECK: aic.tanh
// CHECK: aic.add
func.func @late_operand(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>, %c: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %e = tensor.empty() : tensor<2x4xf32>
  %0 = aic.matmul %a, %b outs(%e) : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %1 = aic.tanh %c outs(%e) : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %2 = aic.add %0, %1 outs(%e) : (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %2 : tensor<2x4xf32>
}

// -----

// Tests that a broadcast that would grow the producer's result is not fused.
// CHECK-LABEL: func @growing_broadcast
// CHECK: aic.matmul
// CHECK-NOT: post_ops
// CHECK: aic.add
func.func @growing_broadcast(%a: tensor<1x3xf32>, %b: tensor<3x4xf32>, %c: tensor<5x4xf32>) -> tensor<5x4xf32> {
  %e = tensor.empty() : tensor<1x4xf32>
  %0 = aic.matmul %a, %b outs(%e) : (tensor<1x3xf32>, tensor<3x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  %f = tensor.empty() : tensor<5x4xf32>
  %1 = aic.add %0, %c outs(%f) : (tensor<1x4xf32>, tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  return %1 : tensor<5x4xf32>
}

// -----

// Tests that a clip whose bounds hold 0 (ReLU6) is fused (the runtime
// computes it again after the primitive where a NaN met it) and ends the
// chain: the relu after it stays unfused. Exp (NaN -> +inf) stays unfused,
// and so does a clip whose bounds exclude 0 (the runtime's exact form
// clips a blocked layout's zero padding too).
// CHECK-LABEL: func @clip
// CHECK: %[[A:.*]] = aic.add %arg0, %arg1 outs(%{{.*}}) {post_ops = [#aic.eltwise<clip, 0.000000e+00, 6.000000e+00>]}
// CHECK: %[[R:.*]] = aic.relu %[[A]]
// CHECK: %[[X:.*]] = aic.exp %[[R]]
// CHECK: %[[B:.*]] = aic.add %[[X]], %arg1 outs(%{{.*}}) : (
// CHECK: aic.clip %[[B]] {{.*}}{max = 6.000000e+00 : f64, min = 1.000000e+00 : f64}
func.func @clip(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %0 = aic.add %a, %b outs(%e) : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = aic.clip %0 outs(%e) {min = 0.0 : f64, max = 6.0 : f64} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %2 = aic.relu %1 outs(%e) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %3 = aic.exp %2 outs(%e) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %4 = aic.add %3, %b outs(%e) : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %5 = aic.clip %4 outs(%e) {min = 1.0 : f64, max = 6.0 : f64} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %5 : tensor<4xf32>
}

// -----

// Tests that a clip with only a lower bound of 0 is a relu, fused as one,
// and an unbounded clip (the identity but for NaN, which oneDNN's clip
// makes -inf) leaves no post-op.
// CHECK-LABEL: func @clip_relu
// CHECK: %[[M:.*]] = aic.matmul %arg0, %arg1 outs(%{{.*}}) {post_ops = [#aic.eltwise<relu>]}
// CHECK-NOT: aic.clip
// CHECK: return %[[M]]
func.func @clip_relu(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %e = tensor.empty() : tensor<4x4xf32>
  %0 = aic.matmul %a, %b outs(%e) : (tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %1 = aic.clip %0 outs(%e) {min = 0.0 : f64, max = 0x7FF0000000000000 : f64} : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %2 = aic.clip %1 outs(%e) {min = 0xFFF0000000000000 : f64, max = 0x7FF0000000000000 : f64} : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  return %2 : tensor<4x4xf32>
}

// -----

// Tests that binary max and min, whose oneDNN post-ops return the operand
// where the result is NaN, stay unfused.
// CHECK-LABEL: func @max_min
// CHECK: %[[M:.*]] = aic.matmul %arg0, %arg1 outs(%{{.*}}) : (
// CHECK: %[[X:.*]] = aic.max %[[M]], %arg2
// CHECK: aic.min %[[X]], %arg2
func.func @max_min(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>, %c: tensor<4xf32>) -> tensor<4x4xf32> {
  %e = tensor.empty() : tensor<4x4xf32>
  %0 = aic.matmul %a, %b outs(%e) : (tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %1 = aic.max %0, %c outs(%e) : (tensor<4x4xf32>, tensor<4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %2 = aic.min %1, %c outs(%e) : (tensor<4x4xf32>, tensor<4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  return %2 : tensor<4x4xf32>
}

// -----

// Tests that ops on other element types than f32 get no chain: they become
// loops, not oneDNN primitives.
// CHECK-LABEL: func @integers
// CHECK: aic.add %arg0, %arg1 outs(%{{.*}}) :
// CHECK: aic.mul
// DEFAULT-LABEL: func @integers
// DEFAULT-NOT: post_ops
func.func @integers(%a: tensor<4xi64>, %b: tensor<4xi64>) -> tensor<4xi64> {
  %e = tensor.empty() : tensor<4xi64>
  %0 = aic.add %a, %b outs(%e) : (tensor<4xi64>, tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %1 = aic.mul %0, %b outs(%e) : (tensor<4xi64>, tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  return %1 : tensor<4xi64>
}

// -----

// Tests that ops on buffers are left alone: they have no result to fuse
// through (the pass runs before bufferization).
// CHECK-LABEL: func @buffers
// CHECK: aic.matmul %arg0, %arg1 outs(%arg2) :
// CHECK: aic.relu %arg2 outs(%arg2) :
func.func @buffers(%a: memref<2x3xf32>, %b: memref<3x4xf32>, %c: memref<2x4xf32>) {
  aic.matmul %a, %b outs(%c) : (memref<2x3xf32>, memref<3x4xf32>, memref<2x4xf32>) -> ()
  aic.relu %c outs(%c) : (memref<2x4xf32>, memref<2x4xf32>) -> ()
  return
}

// -----

// Tests fusion through the reshape behind a matmul whose batch was collapsed
// into rows: a per-column bias becomes 1-D (and the matmul's bias), a
// full-shape residual is reshaped like the result, and the relu follows.
// CHECK-LABEL: func @through_reshape
// DEFAULT-LABEL: func @through_reshape
// CHECK-DAG: %[[B:.*]] = aic.reshape %arg2 : tensor<1x1x5xf32> -> tensor<5xf32>
// CHECK-DAG: %[[R:.*]] = aic.reshape %arg3 : tensor<2x4x5xf32> -> tensor<8x5xf32>
// CHECK: %[[M:.*]] = aic.matmul %arg0, %arg1, %[[B]] post(%[[R]]) outs(%{{.*}}) {post_ops = [#aic.binary<add>, #aic.eltwise<relu>]} : (tensor<8x6xf32>, tensor<6x5xf32>, tensor<5xf32>, tensor<8x5xf32>, tensor<8x5xf32>) -> tensor<8x5xf32>
// CHECK: %[[Y:.*]] = aic.reshape %[[M]] : tensor<8x5xf32> -> tensor<2x4x5xf32>
// CHECK: return %[[Y]]
func.func @through_reshape(%x: tensor<8x6xf32>, %w: tensor<6x5xf32>, %b: tensor<1x1x5xf32>, %r: tensor<2x4x5xf32>) -> tensor<2x4x5xf32> {
  %e = tensor.empty() : tensor<8x5xf32>
  %m = aic.matmul %x, %w outs(%e) : (tensor<8x6xf32>, tensor<6x5xf32>, tensor<8x5xf32>) -> tensor<8x5xf32>
  %y = aic.reshape %m : tensor<8x5xf32> -> tensor<2x4x5xf32>
  %e1 = tensor.empty() : tensor<2x4x5xf32>
  %0 = aic.add %y, %b outs(%e1) : (tensor<2x4x5xf32>, tensor<1x1x5xf32>, tensor<2x4x5xf32>) -> tensor<2x4x5xf32>
  %1 = aic.add %r, %0 outs(%e1) : (tensor<2x4x5xf32>, tensor<2x4x5xf32>, tensor<2x4x5xf32>) -> tensor<2x4x5xf32>
  %2 = aic.relu %1 outs(%e1) : (tensor<2x4x5xf32>, tensor<2x4x5xf32>) -> tensor<2x4x5xf32>
  return %2 : tensor<2x4x5xf32>
}

// -----

// Tests that a full-shape add alone is accumulated through the reshape.
// CHECK-LABEL: func @sum_through_reshape
// CHECK: %[[R:.*]] = aic.reshape %arg2 : tensor<2x4x5xf32> -> tensor<8x5xf32>
// CHECK: %[[M:.*]] = aic.matmul %arg0, %arg1 outs(%[[R]]) {post_ops = [#aic.sum]}
// CHECK: aic.reshape %[[M]] : tensor<8x5xf32> -> tensor<2x4x5xf32>
func.func @sum_through_reshape(%x: tensor<8x6xf32>, %w: tensor<6x5xf32>, %r: tensor<2x4x5xf32>) -> tensor<2x4x5xf32> {
  %e = tensor.empty() : tensor<8x5xf32>
  %m = aic.matmul %x, %w outs(%e) : (tensor<8x6xf32>, tensor<6x5xf32>, tensor<8x5xf32>) -> tensor<8x5xf32>
  %y = aic.reshape %m : tensor<8x5xf32> -> tensor<2x4x5xf32>
  %e1 = tensor.empty() : tensor<2x4x5xf32>
  %0 = aic.add %y, %r outs(%e1) : (tensor<2x4x5xf32>, tensor<2x4x5xf32>, tensor<2x4x5xf32>) -> tensor<2x4x5xf32>
  return %0 : tensor<2x4x5xf32>
}

// -----

// Tests fusion through the tensor.expand_shape behind a matmul whose
// run-time batch was collapsed into rows: the bias becomes 1-D, the
// full-shape residual (run-time dims against the same run-time dims) is
// collapsed like the result, the tanh follows, and a full-shape add alone
// accumulates into a collapsed destination.
// CHECK-LABEL: func @through_expand_shape
// CHECK-DAG: %[[B:.*]] = aic.reshape %arg2 : tensor<1x1x5xf32> -> tensor<5xf32>
// CHECK-DAG: %[[R:.*]] = tensor.collapse_shape %arg3 {{\[}}[0, 1], [2]] : tensor<?x?x5xf32> into tensor<?x5xf32>
// CHECK: %[[M:.*]] = aic.matmul %arg0, %arg1, %[[B]] post(%[[R]]) outs(%{{.*}}) {post_ops = [#aic.binary<add>, #aic.eltwise<tanh>]} : (tensor<?x6xf32>, tensor<6x5xf32>, tensor<5xf32>, tensor<?x5xf32>, tensor<?x5xf32>) -> tensor<?x5xf32>
// CHECK: %[[Y:.*]] = tensor.expand_shape %[[M]] {{\[}}[0, 1], [2]]
// CHECK: %[[S:.*]] = tensor.collapse_shape %arg3 {{\[}}[0, 1], [2]] : tensor<?x?x5xf32> into tensor<?x5xf32>
// CHECK: %[[M2:.*]] = aic.matmul %arg0, %arg1 outs(%[[S]]) {post_ops = [#aic.sum]}
// CHECK: tensor.expand_shape %[[M2]]
func.func @through_expand_shape(%x: tensor<?x6xf32>, %w: tensor<6x5xf32>, %b: tensor<1x1x5xf32>, %r: tensor<?x?x5xf32>) -> (tensor<?x?x5xf32>, tensor<?x?x5xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = tensor.dim %x, %c0 : tensor<?x6xf32>
  %d0 = tensor.dim %r, %c0 : tensor<?x?x5xf32>
  %d1 = tensor.dim %r, %c1 : tensor<?x?x5xf32>
  %e = tensor.empty(%n) : tensor<?x5xf32>
  %m = aic.matmul %x, %w outs(%e) : (tensor<?x6xf32>, tensor<6x5xf32>, tensor<?x5xf32>) -> tensor<?x5xf32>
  %y = tensor.expand_shape %m [[0, 1], [2]] output_shape [%d0, %d1, 5] : tensor<?x5xf32> into tensor<?x?x5xf32>
  %e1 = tensor.empty(%d0, %d1) : tensor<?x?x5xf32>
  %0 = aic.add %y, %b outs(%e1) : (tensor<?x?x5xf32>, tensor<1x1x5xf32>, tensor<?x?x5xf32>) -> tensor<?x?x5xf32>
  %1 = aic.add %r, %0 outs(%e1) : (tensor<?x?x5xf32>, tensor<?x?x5xf32>, tensor<?x?x5xf32>) -> tensor<?x?x5xf32>
  %2 = aic.tanh %1 outs(%e1) : (tensor<?x?x5xf32>, tensor<?x?x5xf32>) -> tensor<?x?x5xf32>
  %m2 = aic.matmul %x, %w outs(%e) : (tensor<?x6xf32>, tensor<6x5xf32>, tensor<?x5xf32>) -> tensor<?x5xf32>
  %y2 = tensor.expand_shape %m2 [[0, 1], [2]] output_shape [%d0, %d1, 5] : tensor<?x5xf32> into tensor<?x?x5xf32>
  %3 = aic.add %y2, %r outs(%e1) : (tensor<?x?x5xf32>, tensor<?x?x5xf32>, tensor<?x?x5xf32>) -> tensor<?x?x5xf32>
  return %2, %3 : tensor<?x?x5xf32>, tensor<?x?x5xf32>
}

// -----

// Tests that operands that do not fit the matmul's rows stay out: one
// broadcast along a batch dim, and a vector along a last dim the reshape
// changes.
// CHECK-LABEL: func @not_through_reshape
// CHECK: aic.matmul %arg0, %arg1 outs(%{{.*}}) :
// CHECK: aic.mul
// CHECK-LABEL: func @through_reshape_last_dim
// CHECK: aic.matmul %arg0, %arg1 outs(%{{.*}}) :
// CHECK: aic.add
func.func @not_through_reshape(%x: tensor<8x6xf32>, %w: tensor<6x5xf32>, %p: tensor<2x1x5xf32>) -> tensor<2x4x5xf32> {
  %e = tensor.empty() : tensor<8x5xf32>
  %m = aic.matmul %x, %w outs(%e) : (tensor<8x6xf32>, tensor<6x5xf32>, tensor<8x5xf32>) -> tensor<8x5xf32>
  %y = aic.reshape %m : tensor<8x5xf32> -> tensor<2x4x5xf32>
  %e1 = tensor.empty() : tensor<2x4x5xf32>
  %0 = aic.mul %y, %p outs(%e1) : (tensor<2x4x5xf32>, tensor<2x1x5xf32>, tensor<2x4x5xf32>) -> tensor<2x4x5xf32>
  return %0 : tensor<2x4x5xf32>
}
func.func @through_reshape_last_dim(%x: tensor<8x6xf32>, %w: tensor<6x5xf32>, %b: tensor<4xf32>) -> tensor<10x4xf32> {
  %e = tensor.empty() : tensor<8x5xf32>
  %m = aic.matmul %x, %w outs(%e) : (tensor<8x6xf32>, tensor<6x5xf32>, tensor<8x5xf32>) -> tensor<8x5xf32>
  %y = aic.reshape %m : tensor<8x5xf32> -> tensor<10x4xf32>
  %e1 = tensor.empty() : tensor<10x4xf32>
  %0 = aic.add %y, %b outs(%e1) : (tensor<10x4xf32>, tensor<4xf32>, tensor<10x4xf32>) -> tensor<10x4xf32>
  return %0 : tensor<10x4xf32>
}

// -----

// Tests that a matmul's leading add of a per-column vector ([N] or
// [1, N]) becomes its bias, ahead of the rest of the chain, and with a
// scale too (the bias term follows alpha).
// CHECK-LABEL: func @add_into_bias
// CHECK: %[[M:.*]] = aic.matmul %arg0, %arg1, %arg2 outs(%{{.*}}) {alpha = 5.000000e-01 : f64, post_ops = [#aic.eltwise<gelu_erf>]}
// CHECK-NOT: aic.add
// CHECK: %[[N:.*]] = aic.matmul %arg0, %arg1, %arg3 outs(%{{.*}}) :
// CHECK-NOT: aic.add
// CHECK: return %[[M]], %[[N]]
func.func @add_into_bias(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>, %v: tensor<4xf32>, %r: tensor<1x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %e = tensor.empty() : tensor<2x4xf32>
  %0 = aic.matmul %a, %b outs(%e) {alpha = 0.5 : f64} : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %1 = aic.add %0, %v outs(%e) : (tensor<2x4xf32>, tensor<4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %2 = aic.gelu %1 outs(%e) : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %3 = aic.matmul %a, %b outs(%e) : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %4 = aic.add %r, %3 outs(%e) : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %2, %4 : tensor<2x4xf32>, tensor<2x4xf32>
}

// -----

// Tests that only a leading add of a per-column vector becomes the bias:
// not a sub, not an add of a per-row vector, not one behind another
// post-op, and not when the matmul has a bias already.
// CHECK-LABEL: func @not_into_bias
// CHECK: aic.matmul %arg0, %arg1 post(%arg2) outs(%{{.*}}) {post_ops = [#aic.binary<sub>]}
// CHECK: aic.matmul %arg0, %arg1 post(%arg3) outs(%{{.*}}) {post_ops = [#aic.binary<add>]}
// CHECK: aic.matmul %arg0, %arg1 post(%arg2) outs(%{{.*}}) {post_ops = [#aic.eltwise<relu>, #aic.binary<add>]}
// CHECK: aic.matmul %arg0, %arg1, %arg2 post(%arg2) outs(%{{.*}}) {post_ops = [#aic.binary<add>]}
func.func @not_into_bias(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>, %v: tensor<4xf32>, %rows: tensor<2x1xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) {
  %e = tensor.empty() : tensor<2x4xf32>
  %0 = aic.matmul %a, %b outs(%e) : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %1 = aic.sub %0, %v outs(%e) : (tensor<2x4xf32>, tensor<4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %2 = aic.matmul %a, %b outs(%e) : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %3 = aic.add %2, %rows outs(%e) : (tensor<2x4xf32>, tensor<2x1xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %4 = aic.matmul %a, %b outs(%e) : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %5 = aic.relu %4 outs(%e) : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %6 = aic.add %5, %v outs(%e) : (tensor<2x4xf32>, tensor<4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %7 = aic.matmul %a, %b, %v outs(%e) : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %8 = aic.add %7, %v outs(%e) : (tensor<2x4xf32>, tensor<4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %1, %3, %6, %8 : tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>
}
