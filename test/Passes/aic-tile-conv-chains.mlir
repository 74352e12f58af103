// RUN: aic-opt %s -split-input-file -aic-tile-conv-chains="min-bytes=4096 strip-bytes=9216" | FileCheck %s

// A 1x1 expansion into a depthwise 3x3 with stride 2 (NHWC, 16x16 -> 8x8):
// the 16 KiB intermediate becomes a 9-row buffer (4 output rows a strip,
// 9 input rows with the halo, 1 KiB each). The first strip pads the top, the last the
// bottom (it needs only 8 rows: the stride skips the padded one).
// CHECK-LABEL: func @expand_depthwise
// CHECK: %[[S:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x9x16x16xf32>
// CHECK: %[[X0:.*]] = memref.subview %arg0[0, 0, 0, 0] [1, 8, 16, 4]
// CHECK: %[[S0:.*]] = memref.subview %[[S]][0, 0, 0, 0] [1, 8, 16, 16]
// CHECK: aic.conv %[[X0]], %arg1, %arg2 outs(%[[S0]]) {{.*}}layouts = [#aic.layout<"acdb", [1, 4, 8, 16]>, #aic.layout<"Acdb16a", [16, 4, 1, 1]>, unit, #aic.layout<"acdb", [1, 16, 8, 16]>], pads = array<i64: 0, 0, 0, 0>
// CHECK: %[[Y0:.*]] = memref.subview %arg4[0, 0, 0, 0] [1, 4, 8, 16]
// CHECK: aic.conv %{{.*}}, %arg3 outs(%[[Y0]]) {{.*}}layouts = [#aic.layout<"acdb", [1, 16, 8, 16]>, #aic.layout<"Abcde16a", [16, 1, 1, 3, 3]>, #aic.layout<"acdb", [1, 16, 4, 8]>], pads = array<i64: 1, 1, 0, 1>
// CHECK-NOT: scf.for
// CHECK: %[[X1:.*]] = memref.subview %arg0[0, 7, 0, 0] [1, 9, 16, 4]
// CHECK: aic.conv %[[X1]], %arg1, %arg2 outs(%[[S]])
// CHECK: %[[Y1:.*]] = memref.subview %arg4[0, 4, 0, 0] [1, 4, 8, 16]
// CHECK: aic.conv %[[S]], %arg3 outs(%[[Y1]]) {{.*}}pads = array<i64: 0, 1, 0, 1>
// CHECK-NOT: aic.conv
// CHECK-NOT: memref<1x16x16x16xf32>
// CHECK: return
func.func @expand_depthwise(%x: memref<1x16x16x4xf32>, %w1: memref<1x1x1x4x16xf32>, %b1: memref<16xf32>, %w2: memref<1x1x1x3x3x16xf32>, %y: memref<1x8x8x16xf32>) {
  %t = memref.alloc() {alignment = 64 : i64} : memref<1x16x16x16xf32>
  aic.conv %x, %w1, %b1 outs(%t) {dilations = array<i64: 1, 1>, group = 1 : i64, layouts = [#aic.layout<"acdb", [1, 4, 16, 16]>, #aic.layout<"Acdb16a", [16, 4, 1, 1]>, unit, #aic.layout<"acdb", [1, 16, 16, 16]>], pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (memref<1x16x16x4xf32>, memref<1x1x1x4x16xf32>, memref<16xf32>, memref<1x16x16x16xf32>) -> ()
  aic.conv %t, %w2 outs(%y) {dilations = array<i64: 1, 1>, group = 16 : i64, layouts = [#aic.layout<"acdb", [1, 16, 16, 16]>, #aic.layout<"Abcde16a", [16, 1, 1, 3, 3]>, #aic.layout<"acdb", [1, 16, 8, 8]>], pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (memref<1x16x16x16xf32>, memref<1x1x1x3x3x16xf32>, memref<1x8x8x16xf32>) -> ()
  return
}

// -----

// Three convolutions at stride 1 (32 rows): strips of 3 rows, the middle
// nine in one loop. The last one's post operands: the residual is sliced
// with its strips, the per-channel scale (broadcast over rows) is not.
// CHECK-LABEL: func @loop_post
// CHECK-DAG: memref.alloc() {alignment = 64 : i64} : memref<1x5x16x16xf32>
// CHECK-DAG: memref.alloc() {alignment = 64 : i64} : memref<1x3x16x16xf32>
// CHECK: pads = array<i64: 1, 1, 0, 1>
// CHECK: %[[R0:.*]] = memref.subview %arg6[0, 0, 0, 0] [1, 3, 16, 4]
// CHECK: aic.conv {{.*}} post(%[[R0]], %arg7) outs(%{{.*}}) {{.*}}layouts = [#aic.layout<"acdb", [1, 16, 3, 16]>, unit, unit, #aic.layout<"acdb", [1, 4, 3, 16]>, #aic.layout<"acdb", [1, 4, 1, 1]>, #aic.layout<"acdb", [1, 4, 3, 16]>]
// CHECK: %[[C9:.*]] = arith.constant 9 : index
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %[[C9]]
// CHECK: %[[IN:.*]] = arith.addi %{{.*}}, %{{.*}} : index
// CHECK: memref.subview %arg0[0, %[[IN]], 0, 0] [1, 5, 16, 4]
// CHECK: pads = array<i64: 0, 1, 0, 1>
// CHECK: %[[Y:.*]] = memref.subview %arg8[0, %[[OUT:[0-9a-z_]+]], 0, 0] [1, 3, 16, 4]
// CHECK: %[[R:.*]] = memref.subview %arg6[0, %[[OUT]], 0, 0] [1, 3, 16, 4]
// CHECK: aic.conv {{.*}} post(%[[R]], %arg7) outs(%[[Y]])
// CHECK: }
// CHECK: memref.subview %arg0[0, 29, 0, 0] [1, 3, 16, 4]
// CHECK: pads = array<i64: 0, 1, 1, 1>
// CHECK: memref.subview %arg8[0, 30, 0, 0] [1, 2, 16, 4]
func.func @loop_post(%x: memref<1x32x16x4xf32>, %w1: memref<1x1x1x4x16xf32>, %b1: memref<16xf32>, %w2: memref<1x1x1x3x3x16xf32>, %w3: memref<4x16x1x1xf32>, %b3: memref<4xf32>, %r: memref<1x32x16x4xf32>, %s: memref<1x1x1x4xf32>, %y: memref<1x32x16x4xf32>) {
  %t = memref.alloc() {alignment = 64 : i64} : memref<1x32x16x16xf32>
  aic.conv %x, %w1, %b1 outs(%t) {dilations = array<i64: 1, 1>, group = 1 : i64, layouts = [#aic.layout<"acdb", [1, 4, 32, 16]>, #aic.layout<"Acdb16a", [16, 4, 1, 1]>, unit, #aic.layout<"acdb", [1, 16, 32, 16]>], pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (memref<1x32x16x4xf32>, memref<1x1x1x4x16xf32>, memref<16xf32>, memref<1x32x16x16xf32>) -> ()
  %u = memref.alloc() {alignment = 64 : i64} : memref<1x32x16x16xf32>
  aic.conv %t, %w2 outs(%u) {dilations = array<i64: 1, 1>, group = 16 : i64, layouts = [#aic.layout<"acdb", [1, 16, 32, 16]>, #aic.layout<"Abcde16a", [16, 1, 1, 3, 3]>, #aic.layout<"acdb", [1, 16, 32, 16]>], pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (memref<1x32x16x16xf32>, memref<1x1x1x3x3x16xf32>, memref<1x32x16x16xf32>) -> ()
  aic.conv %u, %w3, %b3 post(%r, %s) outs(%y) {dilations = array<i64: 1, 1>, group = 1 : i64, layouts = [#aic.layout<"acdb", [1, 16, 32, 16]>, unit, unit, #aic.layout<"acdb", [1, 4, 32, 16]>, #aic.layout<"acdb", [1, 4, 1, 1]>, #aic.layout<"acdb", [1, 4, 32, 16]>], pads = array<i64: 0, 0, 0, 0>, post_ops = [#aic.binary<add>, #aic.binary<mul>], strides = array<i64: 1, 1>} : (memref<1x32x16x16xf32>, memref<4x16x1x1xf32>, memref<4xf32>, memref<1x32x16x4xf32>, memref<1x1x1x4xf32>, memref<1x32x16x4xf32>) -> ()
  return
}

// -----

// The intermediate has another reader: it must exist whole, the chain
// stays as it is.
// CHECK-LABEL: func @shared
// CHECK-NOT: memref.subview
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<1x16x16x16xf32>
// CHECK-NOT: memref.subview
func.func @shared(%x: memref<1x16x16x4xf32>, %w1: memref<1x1x1x4x16xf32>, %w2: memref<1x1x1x3x3x16xf32>, %y: memref<1x8x8x16xf32>, %z: memref<1x16x16x16xf32>) {
  %t = memref.alloc() {alignment = 64 : i64} : memref<1x16x16x16xf32>
  aic.conv %x, %w1 outs(%t) {dilations = array<i64: 1, 1>, group = 1 : i64, layouts = [#aic.layout<"acdb", [1, 4, 16, 16]>, #aic.layout<"Acdb16a", [16, 4, 1, 1]>, #aic.layout<"acdb", [1, 16, 16, 16]>], pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (memref<1x16x16x4xf32>, memref<1x1x1x4x16xf32>, memref<1x16x16x16xf32>) -> ()
  aic.conv %t, %w2 outs(%y) {dilations = array<i64: 1, 1>, group = 16 : i64, layouts = [#aic.layout<"acdb", [1, 16, 16, 16]>, #aic.layout<"Abcde16a", [16, 1, 1, 3, 3]>, #aic.layout<"acdb", [1, 16, 8, 8]>], pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (memref<1x16x16x16xf32>, memref<1x1x1x3x3x16xf32>, memref<1x8x8x16xf32>) -> ()
  aic.relu %t outs(%z) : (memref<1x16x16x16xf32>, memref<1x16x16x16xf32>) -> ()
  return
}

// -----

// Three convolutions writing their result over their input, the residual
// added in place (MobileNetV2's inverted residual): each strip's first
// convolution reads its rows, halo included, before the strip before
// writes them, so it runs between that strip's last two convolutions.
// CHECK-LABEL: func @in_place_three
// CHECK: aic.conv %{{.*}}, %arg1 outs
// CHECK: aic.conv %{{.*}}, %arg2 outs
// CHECK-NOT: aic.conv
// CHECK: scf.for %{{.*}} = %{{.*}} to %c9
// CHECK: aic.conv %{{.*}}, %arg1 outs
// CHECK: aic.conv %{{.*}}, %arg3 post(%{{.*}}) outs
// CHECK: aic.conv %{{.*}}, %arg2 outs
// CHECK: }
// CHECK: aic.conv %{{.*}}, %arg1 outs
// CHECK: aic.conv %{{.*}}, %arg3 post
// CHECK: aic.conv %{{.*}}, %arg2 outs
// CHECK: %[[Y:.*]] = memref.subview %arg0[0, 30, 0, 0] [1, 2, 16, 4]
// CHECK: %[[R:.*]] = memref.subview %arg0[0, 30, 0, 0] [1, 2, 16, 4]
// CHECK: aic.conv %{{.*}}, %arg3 post(%[[R]]) outs(%[[Y]])
// CHECK-NOT: aic.conv
func.func @in_place_three(%x: memref<1x32x16x4xf32>, %w1: memref<1x1x1x4x16xf32>, %w2: memref<1x1x1x3x3x16xf32>, %w3: memref<4x16x1x1xf32>) {
  %t = memref.alloc() {alignment = 64 : i64} : memref<1x32x16x16xf32>
  aic.conv %x, %w1 outs(%t) {dilations = array<i64: 1, 1>, group = 1 : i64, layouts = [#aic.layout<"acdb", [1, 4, 32, 16]>, #aic.layout<"Acdb16a", [16, 4, 1, 1]>, #aic.layout<"acdb", [1, 16, 32, 16]>], pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (memref<1x32x16x4xf32>, memref<1x1x1x4x16xf32>, memref<1x32x16x16xf32>) -> ()
  %u = memref.alloc() {alignment = 64 : i64} : memref<1x32x16x16xf32>
  aic.conv %t, %w2 outs(%u) {dilations = array<i64: 1, 1>, group = 16 : i64, layouts = [#aic.layout<"acdb", [1, 16, 32, 16]>, #aic.layout<"Abcde16a", [16, 1, 1, 3, 3]>, #aic.layout<"acdb", [1, 16, 32, 16]>], pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (memref<1x32x16x16xf32>, memref<1x1x1x3x3x16xf32>, memref<1x32x16x16xf32>) -> ()
  aic.conv %u, %w3 post(%x) outs(%x) {dilations = array<i64: 1, 1>, group = 1 : i64, layouts = [#aic.layout<"acdb", [1, 16, 32, 16]>, unit, #aic.layout<"acdb", [1, 4, 32, 16]>, #aic.layout<"acdb", [1, 4, 32, 16]>], pads = array<i64: 0, 0, 0, 0>, post_ops = [#aic.binary<add>], strides = array<i64: 1, 1>} : (memref<1x32x16x16xf32>, memref<4x16x1x1xf32>, memref<1x32x16x4xf32>, memref<1x32x16x4xf32>) -> ()
  return
}

// -----

// Two convolutions writing their result over their input: the first of a
// strip would overwrite the intermediate the last of the strip before has
// yet to read. Unchanged.
// CHECK-LABEL: func @in_place
// CHECK-NOT: memref.subview
func.func @in_place(%x: memref<1x16x16x4xf32>, %w1: memref<1x1x1x4x16xf32>, %w2: memref<4x16x1x1xf32>) {
  %t = memref.alloc() {alignment = 64 : i64} : memref<1x16x16x16xf32>
  aic.conv %x, %w1 outs(%t) {dilations = array<i64: 1, 1>, group = 1 : i64, layouts = [#aic.layout<"acdb", [1, 4, 16, 16]>, #aic.layout<"Acdb16a", [16, 4, 1, 1]>, #aic.layout<"acdb", [1, 16, 16, 16]>], pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (memref<1x16x16x4xf32>, memref<1x1x1x4x16xf32>, memref<1x16x16x16xf32>) -> ()
  aic.conv %t, %w2 outs(%x) {dilations = array<i64: 1, 1>, group = 1 : i64, layouts = [#aic.layout<"acdb", [1, 16, 16, 16]>, unit, #aic.layout<"acdb", [1, 4, 16, 16]>], pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (memref<1x16x16x16xf32>, memref<4x16x1x1xf32>, memref<1x16x16x4xf32>) -> ()
  return
}

// -----

// Plain NCHW: a range of rows is not one dense range of a buffer.
// Unchanged.
// CHECK-LABEL: func @nchw
// CHECK-NOT: memref.subview
func.func @nchw(%x: memref<1x4x16x16xf32>, %w1: memref<16x4x1x1xf32>, %w2: memref<16x1x3x3xf32>, %y: memref<1x16x8x8xf32>) {
  %t = memref.alloc() {alignment = 64 : i64} : memref<1x16x16x16xf32>
  aic.conv %x, %w1 outs(%t) {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (memref<1x4x16x16xf32>, memref<16x4x1x1xf32>, memref<1x16x16x16xf32>) -> ()
  aic.conv %t, %w2 outs(%y) {dilations = array<i64: 1, 1>, group = 16 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (memref<1x16x16x16xf32>, memref<16x1x3x3xf32>, memref<1x16x8x8xf32>) -> ()
  return
}

// -----

// A batch of two runs image by image: the strips take each image's slice
// of the input and result, and one image's layouts; the strip buffer holds
// one image.
// CHECK-LABEL: func @batch2
// CHECK: %[[S:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x9x16x16xf32>
// CHECK: %[[C2:.*]] = arith.constant 2 : index
// CHECK: scf.for %[[N:.*]] = %{{.*}} to %[[C2]]
// CHECK: %[[X:.*]] = memref.subview %arg0[%[[N]], 0, 0, 0] [1, 16, 16, 4]
// CHECK: %[[Y:.*]] = memref.subview %arg4[%[[N]], 0, 0, 0] [1, 8, 8, 16]
// CHECK: memref.subview %[[X]][0, 0, 0, 0] [1, 8, 16, 4]
// CHECK: layouts = [#aic.layout<"acdb", [1, 4, 8, 16]>
// CHECK: memref.subview %[[Y]][0, 0, 0, 0] [1, 4, 8, 16]
// CHECK: memref.subview %[[X]][0, 7, 0, 0] [1, 9, 16, 4]
// CHECK: aic.conv %{{.*}}, %arg3 outs(%{{.*}}) {{.*}}layouts = [#aic.layout<"acdb", [1, 16, 9, 16]>, #aic.layout<"Abcde16a", [16, 1, 1, 3, 3]>, #aic.layout<"acdb", [1, 16, 4, 8]>]
// CHECK: }
// CHECK-NOT: aic.conv
func.func @batch2(%x: memref<2x16x16x4xf32>, %w1: memref<1x1x1x4x16xf32>, %b1: memref<16xf32>, %w2: memref<1x1x1x3x3x16xf32>, %y: memref<2x8x8x16xf32>) {
  %t = memref.alloc() {alignment = 64 : i64} : memref<2x16x16x16xf32>
  aic.conv %x, %w1, %b1 outs(%t) {dilations = array<i64: 1, 1>, group = 1 : i64, layouts = [#aic.layout<"acdb", [2, 4, 16, 16]>, #aic.layout<"Acdb16a", [16, 4, 1, 1]>, unit, #aic.layout<"acdb", [2, 16, 16, 16]>], pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (memref<2x16x16x4xf32>, memref<1x1x1x4x16xf32>, memref<16xf32>, memref<2x16x16x16xf32>) -> ()
  aic.conv %t, %w2 outs(%y) {dilations = array<i64: 1, 1>, group = 16 : i64, layouts = [#aic.layout<"acdb", [2, 16, 16, 16]>, #aic.layout<"Abcde16a", [16, 1, 1, 3, 3]>, #aic.layout<"acdb", [2, 16, 8, 8]>], pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (memref<2x16x16x16xf32>, memref<1x1x1x3x3x16xf32>, memref<2x8x8x16xf32>) -> ()
  return
}

// -----

// A run-time batch, the residual added in place: the image loop runs to
// the input's dim 0, and the in-place result is one slice of each image.
// CHECK-LABEL: func @runtime_batch
// CHECK: memref.alloc() {{.*}} : memref<1x5x16x16xf32>
// CHECK: %[[B:.*]] = memref.dim %arg0, %{{.*}}
// CHECK: scf.for %[[N:.*]] = %{{.*}} to %[[B]]
// CHECK: %[[X:.*]] = memref.subview %arg0[%[[N]], 0, 0, 0] [1, 32, 16, 4]
// CHECK-NOT: memref.subview %arg0
// CHECK: scf.for
// CHECK: aic.conv %{{.*}}, %arg3 post(%{{.*}}) outs
// CHECK: }
// CHECK: memref.subview %[[X]][0, 30, 0, 0] [1, 2, 16, 4]
// CHECK: }
func.func @runtime_batch(%x: memref<?x32x16x4xf32>, %w1: memref<1x1x1x4x16xf32>, %w2: memref<1x1x1x3x3x16xf32>, %w3: memref<4x16x1x1xf32>) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %x, %c0 : memref<?x32x16x4xf32>
  %t = memref.alloc(%n) {alignment = 64 : i64} : memref<?x32x16x16xf32>
  aic.conv %x, %w1 outs(%t) {dilations = array<i64: 1, 1>, group = 1 : i64, layouts = [#aic.layout<"acdb", [?, 4, 32, 16]>, #aic.layout<"Acdb16a", [16, 4, 1, 1]>, #aic.layout<"acdb", [?, 16, 32, 16]>], pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (memref<?x32x16x4xf32>, memref<1x1x1x4x16xf32>, memref<?x32x16x16xf32>) -> ()
  %u = memref.alloc(%n) {alignment = 64 : i64} : memref<?x32x16x16xf32>
  aic.conv %t, %w2 outs(%u) {dilations = array<i64: 1, 1>, group = 16 : i64, layouts = [#aic.layout<"acdb", [?, 16, 32, 16]>, #aic.layout<"Abcde16a", [16, 1, 1, 3, 3]>, #aic.layout<"acdb", [?, 16, 32, 16]>], pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (memref<?x32x16x16xf32>, memref<1x1x1x3x3x16xf32>, memref<?x32x16x16xf32>) -> ()
  aic.conv %u, %w3 post(%x) outs(%x) {dilations = array<i64: 1, 1>, group = 1 : i64, layouts = [#aic.layout<"acdb", [?, 16, 32, 16]>, unit, #aic.layout<"acdb", [?, 4, 32, 16]>, #aic.layout<"acdb", [?, 4, 32, 16]>], pads = array<i64: 0, 0, 0, 0>, post_ops = [#aic.binary<add>], strides = array<i64: 1, 1>} : (memref<?x32x16x16xf32>, memref<4x16x1x1xf32>, memref<?x32x16x4xf32>, memref<?x32x16x4xf32>) -> ()
  return
}
