// RUN: aic-opt %s -split-input-file -aic-vectorize-transposes | FileCheck %s

// The source's rows (7) along the outer loop, the result's (250) along
// the inner one: 16x16 tiles, the 7 source columns masked (in_bounds
// false), source rows past 249 clamped, the 16 result rows guarded (only 7
// exist), their 250 columns masked, the transpose as shuffles.
// CHECK-LABEL: func @narrow_rows
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG: %[[C249:.*]] = arith.constant 249 : index
// CHECK: scf.for %[[A:.*]] = %{{.*}} to %{{.*}} step %[[C16]] {
// CHECK: scf.for %[[B:.*]] = %{{.*}} to %{{.*}} step %[[C16]] {
// CHECK: %[[R:.*]] = arith.minui %[[B]], %[[C249]] : index
// CHECK: vector.transfer_read %arg0[%[[R]], %[[A]]], %{{.*}} : memref<250x7xf32>, vector<16xf32>
// CHECK-COUNT-15: vector.transfer_read
// CHECK-NOT: vector.transpose
// CHECK: vector.shuffle
// CHECK: arith.cmpi ult
// CHECK: scf.if
// CHECK: vector.transfer_write %{{.*}}, %arg1[%{{.*}}, %[[B]]] : vector<16xf32>, memref<7x250xf32>
// CHECK-NOT: memref.load
func.func @narrow_rows(%src: memref<250x7xf32>, %dst: memref<7x250xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c7 = arith.constant 7 : index
  %c250 = arith.constant 250 : index
  scf.for %a = %c0 to %c7 step %c1 {
    scf.for %b = %c0 to %c250 step %c1 {
      %x = memref.load %src[%b, %a] : memref<250x7xf32>
      memref.store %x, %dst[%a, %b] : memref<7x250xf32>
    }
  }
  return
}

// -----

// NHWC to NCHW with a loop between (the rows h), the batch index from
// outside (an outlined range): whole tiles along c (32), the result rows
// along w (20) masked.
// CHECK-LABEL: func @nhwc_to_nchw
// CHECK: scf.for %[[C:.*]] = %{{.*}} to %{{.*}} step %c16
// CHECK: scf.for %[[H:.*]] =
// CHECK: scf.for %[[W:.*]] = %{{.*}} to %{{.*}} step %c16
// CHECK: vector.transfer_read %arg0[%arg2, %[[H]], %{{.*}}, %[[C]]], %{{.*}} {in_bounds = [true]} : memref<2x5x20x32xf32>, vector<16xf32>
// CHECK: vector.transfer_write %{{.*}}, %arg1[%arg2, %{{.*}}, %[[H]], %[[W]]] : vector<16xf32>, memref<2x32x5x20xf32>
// CHECK-NOT: scf.if
func.func @nhwc_to_nchw(%src: memref<2x5x20x32xf32>, %dst: memref<2x32x5x20xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c5 = arith.constant 5 : index
  %c20 = arith.constant 20 : index
  %c32 = arith.constant 32 : index
  scf.for %c = %c0 to %c32 step %c1 {
    scf.for %h = %c0 to %c5 step %c1 {
      scf.for %w = %c0 to %c20 step %c1 {
        %x = memref.load %src[%n, %h, %w, %c] : memref<2x5x20x32xf32>
        memref.store %x, %dst[%n, %c, %h, %w] : memref<2x32x5x20xf32>
      }
    }
  }
  return
}

// -----

// Left alone: 64-bit elements; loops covering part of a row (the masks
// would reach past them); a copy that keeps the innermost dim; and a nest
// with other work beside the inner loop.
// CHECK-LABEL: func @left_alone
// CHECK-NOT: vector.
// CHECK-COUNT-4: memref.store
// CHECK-NOT: vector.
func.func @left_alone(%d: memref<20x30xf64>, %dt: memref<30x20xf64>, %s: memref<20x32xf32>, %st: memref<32x20xf32>, %t: memref<20x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c20 = arith.constant 20 : index
  %c30 = arith.constant 30 : index
  %c32 = arith.constant 32 : index
  scf.for %a = %c0 to %c30 step %c1 {
    scf.for %b = %c0 to %c20 step %c1 {
      %x = memref.load %d[%b, %a] : memref<20x30xf64>
      memref.store %x, %dt[%a, %b] : memref<30x20xf64>
    }
  }
  scf.for %a = %c0 to %c16 step %c1 {
    scf.for %b = %c0 to %c20 step %c1 {
      %x = memref.load %s[%b, %a] : memref<20x32xf32>
      memref.store %x, %st[%a, %b] : memref<32x20xf32>
    }
  }
  scf.for %a = %c0 to %c20 step %c1 {
    scf.for %b = %c0 to %c32 step %c1 {
      %x = memref.load %s[%a, %b] : memref<20x32xf32>
      memref.store %x, %t[%a, %b] : memref<20x32xf32>
    }
  }
  scf.for %a = %c0 to %c32 step %c1 {
    %y = memref.load %s[%c0, %a] : memref<20x32xf32>
    memref.store %y, %st[%a, %c0] : memref<32x20xf32>
    scf.for %b = %c0 to %c20 step %c1 {
      %x = memref.load %s[%b, %a] : memref<20x32xf32>
      memref.store %x, %st[%a, %b] : memref<32x20xf32>
    }
  }
  return
}
