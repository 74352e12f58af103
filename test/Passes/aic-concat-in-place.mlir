// RUN: aic-opt %s -split-input-file -aic-concat-in-place | FileCheck %s

// Channel-blocked inputs of one image follow one another in the result:
// they become views of the result's buffer and the concat goes away.
// CHECK-LABEL: func @blocked
// CHECK: %[[BUF:.*]] = memref.alloc() {alignment = 64 : i64} : memref<16384xi8>
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[D:.*]] = memref.view %[[BUF]][%[[C0]]][] : memref<16384xi8> to memref<1x4x8x8x16xf32>
// CHECK: %[[A:.*]] = memref.view %[[BUF]][%{{.*}}][] : memref<16384xi8> to memref<1x2x8x8x16xf32>
// CHECK: %[[C8192:.*]] = arith.constant 8192 : index
// CHECK: %[[B:.*]] = memref.view %[[BUF]][%[[C8192]]][] : memref<16384xi8> to memref<1x2x8x8x16xf32>
// CHECK-NOT: memref.alloc
// CHECK: aic.relu %arg0 outs(%[[A]])
// CHECK: aic.sigmoid %arg0 outs(%[[B]])
// CHECK-NOT: aic.concat
// CHECK: aic.tanh %[[D]] outs(%arg1)
func.func @blocked(%x: memref<1x2x8x8x16xf32>, %out: memref<1x4x8x8x16xf32>) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<1x2x8x8x16xf32>
  %b = memref.alloc() {alignment = 64 : i64} : memref<1x2x8x8x16xf32>
  %d = memref.alloc() {alignment = 64 : i64} : memref<1x4x8x8x16xf32>
  aic.relu %x outs(%a) : (memref<1x2x8x8x16xf32>, memref<1x2x8x8x16xf32>) -> ()
  aic.sigmoid %x outs(%b) : (memref<1x2x8x8x16xf32>, memref<1x2x8x8x16xf32>) -> ()
  aic.concat %a, %b outs(%d) {axis = 1 : i64, layouts = [#aic.layout<"aBcd16b", [1, 32, 8, 8]>, #aic.layout<"aBcd16b", [1, 32, 8, 8]>, #aic.layout<"aBcd16b", [1, 64, 8, 8]>]} : (memref<1x2x8x8x16xf32>, memref<1x2x8x8x16xf32>, memref<1x4x8x8x16xf32>) -> ()
  aic.tanh %d outs(%out) : (memref<1x4x8x8x16xf32>, memref<1x4x8x8x16xf32>) -> ()
  return
}

// -----

// Plain NCHW with batch 1: three inputs of different channel counts at byte
// offsets 0, 2*4*4*4 and (2+3)*4*4*4.
// CHECK-LABEL: func @plain
// CHECK: %[[BUF:.*]] = memref.alloc() {alignment = 64 : i64} : memref<576xi8>
// CHECK: memref.view %[[BUF]][%{{.*}}][] : memref<576xi8> to memref<1x9x4x4xf32>
// CHECK: memref.view %[[BUF]][%{{.*}}][] : memref<576xi8> to memref<1x2x4x4xf32>
// CHECK: arith.constant 128 : index
// CHECK: memref.view %[[BUF]][%{{.*}}][] : memref<576xi8> to memref<1x3x4x4xf32>
// CHECK: arith.constant 320 : index
// CHECK: memref.view %[[BUF]][%{{.*}}][] : memref<576xi8> to memref<1x4x4x4xf32>
// CHECK-NOT: aic.concat
func.func @plain(%x: memref<1x2x4x4xf32>, %y: memref<1x3x4x4xf32>, %z: memref<1x4x4x4xf32>, %out: memref<1x9x4x4xf32>) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<1x2x4x4xf32>
  %b = memref.alloc() {alignment = 64 : i64} : memref<1x3x4x4xf32>
  %c = memref.alloc() {alignment = 64 : i64} : memref<1x4x4x4xf32>
  aic.relu %x outs(%a) : (memref<1x2x4x4xf32>, memref<1x2x4x4xf32>) -> ()
  aic.relu %y outs(%b) : (memref<1x3x4x4xf32>, memref<1x3x4x4xf32>) -> ()
  aic.relu %z outs(%c) : (memref<1x4x4x4xf32>, memref<1x4x4x4xf32>) -> ()
  %d = memref.alloc() {alignment = 64 : i64} : memref<1x9x4x4xf32>
  aic.concat %a, %b, %c outs(%d) {axis = 1 : i64} : (memref<1x2x4x4xf32>, memref<1x3x4x4xf32>, memref<1x4x4x4xf32>, memref<1x9x4x4xf32>) -> ()
  aic.tanh %d outs(%out) : (memref<1x9x4x4xf32>, memref<1x9x4x4xf32>) -> ()
  return
}

// -----

// NHWC interleaves the channels of its inputs: the concat stays.
// CHECK-LABEL: func @nhwc
// CHECK-NOT: memref.view
// CHECK: aic.concat
func.func @nhwc(%x: memref<1x4x4x16xf32>, %out: memref<1x4x4x32xf32>) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<1x4x4x16xf32>
  %b = memref.alloc() {alignment = 64 : i64} : memref<1x4x4x16xf32>
  %d = memref.alloc() {alignment = 64 : i64} : memref<1x4x4x32xf32>
  aic.relu %x outs(%a) : (memref<1x4x4x16xf32>, memref<1x4x4x16xf32>) -> ()
  aic.relu %x outs(%b) : (memref<1x4x4x16xf32>, memref<1x4x4x16xf32>) -> ()
  aic.concat %a, %b outs(%d) {axis = 1 : i64, layouts = [#aic.layout<"acdb", [1, 16, 4, 4]>, #aic.layout<"acdb", [1, 16, 4, 4]>, #aic.layout<"acdb", [1, 32, 4, 4]>]} : (memref<1x4x4x16xf32>, memref<1x4x4x16xf32>, memref<1x4x4x32xf32>) -> ()
  aic.tanh %d outs(%out) : (memref<1x4x4x32xf32>, memref<1x4x4x32xf32>) -> ()
  return
}

// -----

// Batch 2: each image holds a part of each input, so the inputs become
// batch-strided slices of the result, and their writers run once per
// image, on dense slices of one image.
// CHECK-LABEL: func @batch2
// CHECK: %[[D:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x4x4x4xf32>
// CHECK: %[[A:.*]] = memref.subview %[[D]][0, 0, 0, 0] [2, 2, 4, 4] [1, 1, 1, 1] : memref<2x4x4x4xf32> to memref<2x2x4x4xf32, strided<[64, 16, 4, 1]>>
// CHECK: %[[B:.*]] = memref.subview %[[D]][0, 2, 0, 0] [2, 2, 4, 4] [1, 1, 1, 1] : memref<2x4x4x4xf32> to memref<2x2x4x4xf32, strided<[64, 16, 4, 1], offset: 32>>
// CHECK-NOT: memref.alloc
// CHECK: %[[N:.*]] = arith.constant 2 : index
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %[[N]] step
// CHECK-NEXT: %[[X:.*]] = memref.subview %arg0[%[[I]], 0, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1]
// CHECK-NEXT: %[[AI:.*]] = memref.subview %[[A]][%[[I]], 0, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1] {{.*}} to memref<1x2x4x4xf32, strided<[64, 16, 4, 1], offset: ?>>
// CHECK-NEXT: aic.relu %[[X]] outs(%[[AI]])
// CHECK: scf.for %[[J:.*]] =
// CHECK: %[[BJ:.*]] = memref.subview %[[B]][%[[J]], 0, 0, 0] [1, 2, 4, 4]
// CHECK-NEXT: aic.sigmoid %{{.*}} outs(%[[BJ]])
// CHECK-NOT: aic.concat
// CHECK: aic.tanh %[[D]] outs(%arg1)
func.func @batch2(%x: memref<2x2x4x4xf32>, %out: memref<2x4x4x4xf32>) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<2x2x4x4xf32>
  %b = memref.alloc() {alignment = 64 : i64} : memref<2x2x4x4xf32>
  %d = memref.alloc() {alignment = 64 : i64} : memref<2x4x4x4xf32>
  aic.relu %x outs(%a) : (memref<2x2x4x4xf32>, memref<2x2x4x4xf32>) -> ()
  aic.sigmoid %x outs(%b) : (memref<2x2x4x4xf32>, memref<2x2x4x4xf32>) -> ()
  aic.concat %a, %b outs(%d) {axis = 1 : i64} : (memref<2x2x4x4xf32>, memref<2x2x4x4xf32>, memref<2x4x4x4xf32>) -> ()
  aic.tanh %d outs(%out) : (memref<2x4x4x4xf32>, memref<2x4x4x4xf32>) -> ()
  return
}

// -----

// A batch known only at run time, channel-blocked: the loops run to it.
// The conv's weights, bias and the binary post-op operand that broadcasts
// over the batch stay whole; the pool reads one input and writes the other
// per image; the layouts name one image.
// CHECK-LABEL: func @runtime_batch
// CHECK: %[[N:.*]] = memref.dim %arg0, %c0
// CHECK: %[[D:.*]] = memref.alloc(%[[N]]) {alignment = 64 : i64} : memref<?x4x4x4x16xf32>
// CHECK: %[[A:.*]] = memref.subview %[[D]][0, 0, 0, 0, 0] [%[[N]], 2, 4, 4, 16] [1, 1, 1, 1, 1] : memref<?x4x4x4x16xf32> to memref<?x2x4x4x16xf32, strided<[1024, 256, 64, 16, 1]>>
// CHECK: %[[B:.*]] = memref.subview %[[D]][0, 2, 0, 0, 0] [%[[N]], 2, 4, 4, 16] [1, 1, 1, 1, 1] : memref<?x4x4x4x16xf32> to memref<?x2x4x4x16xf32, strided<[1024, 256, 64, 16, 1], offset: 512>>
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %[[N]] step
// CHECK-NEXT: %[[X:.*]] = memref.subview %arg0[%[[I]], 0, 0, 0, 0] [1, 1, 4, 4, 16]
// CHECK-NEXT: %[[AI:.*]] = memref.subview %[[A]][%[[I]], 0, 0, 0, 0] [1, 2, 4, 4, 16]
// CHECK-NEXT: aic.conv %[[X]], %arg1, %arg2 post(%arg3) outs(%[[AI]]) {{.*}}layouts = [#aic.layout<"aBcd16b", [1, 16, 4, 4]>, #aic.layout<"ABcd16b16a", [32, 16, 3, 3]>, unit, #aic.layout<"aBcd16b", [1, 32, 4, 4]>, #aic.layout<"aBcd16b", [1, 32, 4, 4]>]
// CHECK: scf.for %[[J:.*]] = %{{.*}} to %[[N]] step
// CHECK-NEXT: %[[AJ:.*]] = memref.subview %[[A]][%[[J]], 0, 0, 0, 0] [1, 2, 4, 4, 16]
// CHECK-NEXT: %[[BJ:.*]] = memref.subview %[[B]][%[[J]], 0, 0, 0, 0] [1, 2, 4, 4, 16]
// CHECK-NEXT: aic.max_pool %[[AJ]] outs(%[[BJ]]) {{.*}}layouts = [#aic.layout<"aBcd16b", [1, 32, 4, 4]>, #aic.layout<"aBcd16b", [1, 32, 4, 4]>]
// CHECK-NOT: aic.concat
// CHECK: aic.tanh %[[D]] outs(%arg4)
func.func @runtime_batch(%x: memref<?x1x4x4x16xf32>, %w: memref<2x1x3x3x16x16xf32>, %bias: memref<32xf32>, %r: memref<1x2x4x4x16xf32>, %out: memref<?x4x4x4x16xf32>) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %x, %c0 : memref<?x1x4x4x16xf32>
  %a = memref.alloc(%n) {alignment = 64 : i64} : memref<?x2x4x4x16xf32>
  %b = memref.alloc(%n) {alignment = 64 : i64} : memref<?x2x4x4x16xf32>
  aic.conv %x, %w, %bias post(%r) outs(%a) {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, post_ops = [#aic.binary<add>], layouts = [#aic.layout<"aBcd16b", [?, 16, 4, 4]>, #aic.layout<"ABcd16b16a", [32, 16, 3, 3]>, unit, #aic.layout<"aBcd16b", [1, 32, 4, 4]>, #aic.layout<"aBcd16b", [?, 32, 4, 4]>]} : (memref<?x1x4x4x16xf32>, memref<2x1x3x3x16x16xf32>, memref<32xf32>, memref<1x2x4x4x16xf32>, memref<?x2x4x4x16xf32>) -> ()
  aic.max_pool %a outs(%b) {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, layouts = [#aic.layout<"aBcd16b", [?, 32, 4, 4]>, #aic.layout<"aBcd16b", [?, 32, 4, 4]>]} : (memref<?x2x4x4x16xf32>, memref<?x2x4x4x16xf32>) -> ()
  %d = memref.alloc(%n) {alignment = 64 : i64} : memref<?x4x4x4x16xf32>
  aic.concat %a, %b outs(%d) {axis = 1 : i64, layouts = [#aic.layout<"aBcd16b", [?, 32, 4, 4]>, #aic.layout<"aBcd16b", [?, 32, 4, 4]>, #aic.layout<"aBcd16b", [?, 64, 4, 4]>]} : (memref<?x2x4x4x16xf32>, memref<?x2x4x4x16xf32>, memref<?x4x4x4x16xf32>) -> ()
  aic.tanh %d outs(%out) {layouts = [#aic.layout<"aBcd16b", [?, 64, 4, 4]>, #aic.layout<"aBcd16b", [?, 64, 4, 4]>]} : (memref<?x4x4x4x16xf32>, memref<?x4x4x4x16xf32>) -> ()
  return
}

// -----

// An input buffer that an op without a per-image form (here a copy) uses
// cannot be batch-strided: with batch 2 the concat stays.
// CHECK-LABEL: func @batch2_copied
// CHECK-NOT: memref.subview
// CHECK: aic.concat
func.func @batch2_copied(%x: memref<2x2x4x4xf32>, %out: memref<2x4x4x4xf32>, %out2: memref<2x2x4x4xf32>) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<2x2x4x4xf32>
  %b = memref.alloc() {alignment = 64 : i64} : memref<2x2x4x4xf32>
  %d = memref.alloc() {alignment = 64 : i64} : memref<2x4x4x4xf32>
  aic.relu %x outs(%a) : (memref<2x2x4x4xf32>, memref<2x2x4x4xf32>) -> ()
  memref.copy %a, %out2 : memref<2x2x4x4xf32> to memref<2x2x4x4xf32>
  aic.relu %x outs(%b) : (memref<2x2x4x4xf32>, memref<2x2x4x4xf32>) -> ()
  aic.concat %a, %b outs(%d) {axis = 1 : i64} : (memref<2x2x4x4xf32>, memref<2x2x4x4xf32>, memref<2x4x4x4xf32>) -> ()
  aic.tanh %d outs(%out) : (memref<2x4x4x4xf32>, memref<2x4x4x4xf32>) -> ()
  return
}

// -----

// Blocks of 16 channels do not divide inputs of 8: the concat stays.
// CHECK-LABEL: func @partial_blocks
// CHECK-NOT: memref.view
// CHECK: aic.concat
func.func @partial_blocks(%x: memref<1x1x4x4x16xf32>, %out: memref<1x1x4x4x16xf32>) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<1x1x4x4x16xf32>
  %b = memref.alloc() {alignment = 64 : i64} : memref<1x1x4x4x16xf32>
  %d = memref.alloc() {alignment = 64 : i64} : memref<1x1x4x4x16xf32>
  aic.relu %x outs(%a) : (memref<1x1x4x4x16xf32>, memref<1x1x4x4x16xf32>) -> ()
  aic.relu %x outs(%b) : (memref<1x1x4x4x16xf32>, memref<1x1x4x4x16xf32>) -> ()
  aic.concat %a, %b outs(%d) {axis = 1 : i64, layouts = [#aic.layout<"aBcd16b", [1, 8, 4, 4]>, #aic.layout<"aBcd16b", [1, 8, 4, 4]>, #aic.layout<"aBcd16b", [1, 16, 4, 4]>]} : (memref<1x1x4x4x16xf32>, memref<1x1x4x4x16xf32>, memref<1x1x4x4x16xf32>) -> ()
  aic.tanh %d outs(%out) : (memref<1x1x4x4x16xf32>, memref<1x1x4x4x16xf32>) -> ()
  return
}

// -----

// An input read after the concat would see the result's later contents;
// a result buffer written before the concat would overwrite an input; an
// input given twice cannot be in two places: the concats stay.
// CHECK-LABEL: func @read_after
// CHECK-NOT: memref.view
// CHECK: aic.concat
func.func @read_after(%x: memref<1x2x4x4xf32>, %out: memref<1x4x4x4xf32>, %out2: memref<1x2x4x4xf32>) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<1x2x4x4xf32>
  %b = memref.alloc() {alignment = 64 : i64} : memref<1x2x4x4xf32>
  %d = memref.alloc() {alignment = 64 : i64} : memref<1x4x4x4xf32>
  aic.relu %x outs(%a) : (memref<1x2x4x4xf32>, memref<1x2x4x4xf32>) -> ()
  aic.relu %x outs(%b) : (memref<1x2x4x4xf32>, memref<1x2x4x4xf32>) -> ()
  aic.concat %a, %b outs(%d) {axis = 1 : i64} : (memref<1x2x4x4xf32>, memref<1x2x4x4xf32>, memref<1x4x4x4xf32>) -> ()
  aic.tanh %d outs(%d) : (memref<1x4x4x4xf32>, memref<1x4x4x4xf32>) -> ()
  aic.tanh %a outs(%out2) : (memref<1x2x4x4xf32>, memref<1x2x4x4xf32>) -> ()
  aic.tanh %d outs(%out) : (memref<1x4x4x4xf32>, memref<1x4x4x4xf32>) -> ()
  return
}

// CHECK-LABEL: func @written_before
// CHECK-NOT: memref.view
// CHECK: aic.concat
func.func @written_before(%x: memref<1x2x4x4xf32>, %y: memref<1x4x4x4xf32>, %out: memref<1x4x4x4xf32>) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<1x2x4x4xf32>
  %b = memref.alloc() {alignment = 64 : i64} : memref<1x2x4x4xf32>
  %d = memref.alloc() {alignment = 64 : i64} : memref<1x4x4x4xf32>
  aic.relu %y outs(%d) : (memref<1x4x4x4xf32>, memref<1x4x4x4xf32>) -> ()
  aic.relu %x outs(%a) : (memref<1x2x4x4xf32>, memref<1x2x4x4xf32>) -> ()
  aic.relu %x outs(%b) : (memref<1x2x4x4xf32>, memref<1x2x4x4xf32>) -> ()
  aic.concat %a, %b outs(%d) {axis = 1 : i64} : (memref<1x2x4x4xf32>, memref<1x2x4x4xf32>, memref<1x4x4x4xf32>) -> ()
  aic.tanh %d outs(%out) : (memref<1x4x4x4xf32>, memref<1x4x4x4xf32>) -> ()
  return
}

// CHECK-LABEL: func @twice
// CHECK-NOT: memref.view
// CHECK: aic.concat
func.func @twice(%x: memref<1x2x4x4xf32>, %out: memref<1x4x4x4xf32>) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<1x2x4x4xf32>
  %d = memref.alloc() {alignment = 64 : i64} : memref<1x4x4x4xf32>
  aic.relu %x outs(%a) : (memref<1x2x4x4xf32>, memref<1x2x4x4xf32>) -> ()
  aic.concat %a, %a outs(%d) {axis = 1 : i64} : (memref<1x2x4x4xf32>, memref<1x2x4x4xf32>, memref<1x4x4x4xf32>) -> ()
  aic.tanh %d outs(%out) : (memref<1x4x4x4xf32>, memref<1x4x4x4xf32>) -> ()
  return
}

// -----

// A concat along a run-time dim (sizes known only at run time) stays: no
// offsets are computed from its sizes.
// CHECK-LABEL: func @runtime_axis
// CHECK-NOT: memref.view
// CHECK: aic.concat
func.func @runtime_axis(%x: memref<?x2xf32>, %y: memref<?x2xf32>, %out: memref<?x2xf32>) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %x, %c0 : memref<?x2xf32>
  %m = memref.dim %y, %c0 : memref<?x2xf32>
  %s = arith.addi %n, %m : index
  %a = memref.alloc(%n) {alignment = 64 : i64} : memref<?x2xf32>
  %b = memref.alloc(%m) {alignment = 64 : i64} : memref<?x2xf32>
  aic.relu %x outs(%a) : (memref<?x2xf32>, memref<?x2xf32>) -> ()
  aic.relu %y outs(%b) : (memref<?x2xf32>, memref<?x2xf32>) -> ()
  %d = memref.alloc(%s) {alignment = 64 : i64} : memref<?x2xf32>
  aic.concat %a, %b outs(%d) {axis = 0 : i64} : (memref<?x2xf32>, memref<?x2xf32>, memref<?x2xf32>) -> ()
  aic.tanh %d outs(%out) : (memref<?x2xf32>, memref<?x2xf32>) -> ()
  return
}

// -----

// DenseNet's feature reuse: each concat takes the inputs of the one before
// it and one more. All share the last one's buffer: the inputs one after
// another, each result a prefix of it, read where it was.
// CHECK-LABEL: func @chain
// CHECK: %[[BUF:.*]] = memref.alloc() {alignment = 64 : i64} : memref<6144xi8>
// CHECK: %[[K1:.*]] = memref.view %[[BUF]][%{{.*}}][] : memref<6144xi8> to memref<1x4x4x4x16xf32>
// CHECK: %[[K2:.*]] = memref.view %[[BUF]][%{{.*}}][] : memref<6144xi8> to memref<1x6x4x4x16xf32>
// CHECK: %[[X0:.*]] = memref.view %[[BUF]][%{{.*}}][] : memref<6144xi8> to memref<1x2x4x4x16xf32>
// CHECK: %[[C2048:.*]] = arith.constant 2048 : index
// CHECK: %[[F1:.*]] = memref.view %[[BUF]][%[[C2048]]][] : memref<6144xi8> to memref<1x2x4x4x16xf32>
// CHECK: %[[C4096:.*]] = arith.constant 4096 : index
// CHECK: %[[F2:.*]] = memref.view %[[BUF]][%[[C4096]]][] : memref<6144xi8> to memref<1x2x4x4x16xf32>
// CHECK-NOT: memref.alloc
// CHECK: aic.relu %arg0 outs(%[[X0]])
// CHECK: aic.sigmoid %arg0 outs(%[[F1]])
// CHECK: aic.relu %[[K1]] outs(%arg1)
// CHECK: aic.tanh %arg0 outs(%[[F2]])
// CHECK: aic.relu %[[K2]] outs(%arg2)
// CHECK-NOT: aic.concat
func.func @chain(%x: memref<1x2x4x4x16xf32>, %out1: memref<1x4x4x4x16xf32>, %out2: memref<1x6x4x4x16xf32>) {
  %x0 = memref.alloc() {alignment = 64 : i64} : memref<1x2x4x4x16xf32>
  aic.relu %x outs(%x0) : (memref<1x2x4x4x16xf32>, memref<1x2x4x4x16xf32>) -> ()
  %f1 = memref.alloc() {alignment = 64 : i64} : memref<1x2x4x4x16xf32>
  aic.sigmoid %x outs(%f1) : (memref<1x2x4x4x16xf32>, memref<1x2x4x4x16xf32>) -> ()
  %k1 = memref.alloc() {alignment = 64 : i64} : memref<1x4x4x4x16xf32>
  aic.concat %x0, %f1 outs(%k1) {axis = 1 : i64, layouts = [#aic.layout<"aBcd16b", [1, 32, 4, 4]>, #aic.layout<"aBcd16b", [1, 32, 4, 4]>, #aic.layout<"aBcd16b", [1, 64, 4, 4]>]} : (memref<1x2x4x4x16xf32>, memref<1x2x4x4x16xf32>, memref<1x4x4x4x16xf32>) -> ()
  aic.relu %k1 outs(%out1) : (memref<1x4x4x4x16xf32>, memref<1x4x4x4x16xf32>) -> ()
  %f2 = memref.alloc() {alignment = 64 : i64} : memref<1x2x4x4x16xf32>
  aic.tanh %x outs(%f2) : (memref<1x2x4x4x16xf32>, memref<1x2x4x4x16xf32>) -> ()
  %k2 = memref.alloc() {alignment = 64 : i64} : memref<1x6x4x4x16xf32>
  aic.concat %x0, %f1, %f2 outs(%k2) {axis = 1 : i64, layouts = [#aic.layout<"aBcd16b", [1, 32, 4, 4]>, #aic.layout<"aBcd16b", [1, 32, 4, 4]>, #aic.layout<"aBcd16b", [1, 32, 4, 4]>, #aic.layout<"aBcd16b", [1, 96, 4, 4]>]} : (memref<1x2x4x4x16xf32>, memref<1x2x4x4x16xf32>, memref<1x2x4x4x16xf32>, memref<1x6x4x4x16xf32>) -> ()
  aic.relu %k2 outs(%out2) : (memref<1x6x4x4x16xf32>, memref<1x6x4x4x16xf32>) -> ()
  return
}

// -----

// A result the chain's later concats share must only be read: written in
// place (here by a relu), it would overwrite their inputs. Each concat is
// then placed alone: the first cannot be (the second reads its inputs after
// it), the second takes its inputs in place; the first reads them there.
// CHECK-LABEL: func @chain_written
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<6144xi8>
// CHECK: %[[K1:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x4x4x4x16xf32>
// CHECK-NEXT: aic.concat %{{.*}}, %{{.*}} outs(%[[K1]])
// CHECK-NEXT: aic.relu %[[K1]] outs(%[[K1]])
// CHECK-NOT: aic.concat
func.func @chain_written(%x: memref<1x2x4x4x16xf32>, %out2: memref<1x6x4x4x16xf32>) {
  %x0 = memref.alloc() {alignment = 64 : i64} : memref<1x2x4x4x16xf32>
  aic.relu %x outs(%x0) : (memref<1x2x4x4x16xf32>, memref<1x2x4x4x16xf32>) -> ()
  %f1 = memref.alloc() {alignment = 64 : i64} : memref<1x2x4x4x16xf32>
  aic.sigmoid %x outs(%f1) : (memref<1x2x4x4x16xf32>, memref<1x2x4x4x16xf32>) -> ()
  %k1 = memref.alloc() {alignment = 64 : i64} : memref<1x4x4x4x16xf32>
  aic.concat %x0, %f1 outs(%k1) {axis = 1 : i64, layouts = [#aic.layout<"aBcd16b", [1, 32, 4, 4]>, #aic.layout<"aBcd16b", [1, 32, 4, 4]>, #aic.layout<"aBcd16b", [1, 64, 4, 4]>]} : (memref<1x2x4x4x16xf32>, memref<1x2x4x4x16xf32>, memref<1x4x4x4x16xf32>) -> ()
  aic.relu %k1 outs(%k1) : (memref<1x4x4x4x16xf32>, memref<1x4x4x4x16xf32>) -> ()
  %f2 = memref.alloc() {alignment = 64 : i64} : memref<1x2x4x4x16xf32>
  aic.tanh %x outs(%f2) : (memref<1x2x4x4x16xf32>, memref<1x2x4x4x16xf32>) -> ()
  %k2 = memref.alloc() {alignment = 64 : i64} : memref<1x6x4x4x16xf32>
  aic.concat %x0, %f1, %f2 outs(%k2) {axis = 1 : i64, layouts = [#aic.layout<"aBcd16b", [1, 32, 4, 4]>, #aic.layout<"aBcd16b", [1, 32, 4, 4]>, #aic.layout<"aBcd16b", [1, 32, 4, 4]>, #aic.layout<"aBcd16b", [1, 96, 4, 4]>]} : (memref<1x2x4x4x16xf32>, memref<1x2x4x4x16xf32>, memref<1x2x4x4x16xf32>, memref<1x6x4x4x16xf32>) -> ()
  aic.relu %k2 outs(%out2) : (memref<1x6x4x4x16xf32>, memref<1x6x4x4x16xf32>) -> ()
  return
}

// -----

// The same chain over a batch of 2: the inputs and the first result are
// batch-strided slices of the last result, and the ops using them run per
// image (the reader of the first result too).
// CHECK-LABEL: func @chain_batch2
// CHECK: %[[K2:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x6x4x4x16xf32>
// CHECK: %[[K1:.*]] = memref.subview %[[K2]][0, 0, 0, 0, 0] [2, 4, 4, 4, 16] [1, 1, 1, 1, 1]
// CHECK: memref.subview %[[K2]][0, 0, 0, 0, 0] [2, 2, 4, 4, 16]
// CHECK: memref.subview %[[K2]][0, 2, 0, 0, 0] [2, 2, 4, 4, 16]
// CHECK: memref.subview %[[K2]][0, 4, 0, 0, 0] [2, 2, 4, 4, 16]
// CHECK: aic.relu
// CHECK: aic.sigmoid
// CHECK: scf.for %[[I:.*]] =
// CHECK-NEXT: %[[K1I:.*]] = memref.subview %[[K1]][%[[I]], 0, 0, 0, 0] [1, 4, 4, 4, 16]
// CHECK-NEXT: %[[OI:.*]] = memref.subview %arg1[%[[I]], 0, 0, 0, 0] [1, 4, 4, 4, 16]
// CHECK-NEXT: aic.relu %[[K1I]] outs(%[[OI]])
// CHECK: scf.for
// CHECK: aic.tanh
// CHECK-NOT: aic.concat
// CHECK: aic.relu %[[K2]] outs(%arg2)
func.func @chain_batch2(%x: memref<2x2x4x4x16xf32>, %out1: memref<2x4x4x4x16xf32>, %out2: memref<2x6x4x4x16xf32>) {
  %x0 = memref.alloc() {alignment = 64 : i64} : memref<2x2x4x4x16xf32>
  aic.relu %x outs(%x0) : (memref<2x2x4x4x16xf32>, memref<2x2x4x4x16xf32>) -> ()
  %f1 = memref.alloc() {alignment = 64 : i64} : memref<2x2x4x4x16xf32>
  aic.sigmoid %x outs(%f1) : (memref<2x2x4x4x16xf32>, memref<2x2x4x4x16xf32>) -> ()
  %k1 = memref.alloc() {alignment = 64 : i64} : memref<2x4x4x4x16xf32>
  aic.concat %x0, %f1 outs(%k1) {axis = 1 : i64, layouts = [#aic.layout<"aBcd16b", [2, 32, 4, 4]>, #aic.layout<"aBcd16b", [2, 32, 4, 4]>, #aic.layout<"aBcd16b", [2, 64, 4, 4]>]} : (memref<2x2x4x4x16xf32>, memref<2x2x4x4x16xf32>, memref<2x4x4x4x16xf32>) -> ()
  aic.relu %k1 outs(%out1) : (memref<2x4x4x4x16xf32>, memref<2x4x4x4x16xf32>) -> ()
  %f2 = memref.alloc() {alignment = 64 : i64} : memref<2x2x4x4x16xf32>
  aic.tanh %x outs(%f2) : (memref<2x2x4x4x16xf32>, memref<2x2x4x4x16xf32>) -> ()
  %k2 = memref.alloc() {alignment = 64 : i64} : memref<2x6x4x4x16xf32>
  aic.concat %x0, %f1, %f2 outs(%k2) {axis = 1 : i64, layouts = [#aic.layout<"aBcd16b", [2, 32, 4, 4]>, #aic.layout<"aBcd16b", [2, 32, 4, 4]>, #aic.layout<"aBcd16b", [2, 32, 4, 4]>, #aic.layout<"aBcd16b", [2, 96, 4, 4]>]} : (memref<2x2x4x4x16xf32>, memref<2x2x4x4x16xf32>, memref<2x2x4x4x16xf32>, memref<2x6x4x4x16xf32>) -> ()
  aic.relu %k2 outs(%out2) : (memref<2x6x4x4x16xf32>, memref<2x6x4x4x16xf32>) -> ()
  return
}
