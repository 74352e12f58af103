// RUN: aic-opt %s -split-input-file -aic-prefetch-next-slices | FileCheck %s
// RUN: aic-opt %s -split-input-file -aic-prefetch-next-slices=max-bytes=64 | FileCheck %s --check-prefix=SMALL

// Tests a recurrent loop's per-step slices of its input projections: at
// the start of each step, the next step's slices (the last step's own) are
// prefetched, one prefetch per 64-byte line (32 floats: two lines).
// CHECK-LABEL: func @steps
// CHECK: scf.for %[[T:.*]] = %{{.*}} to %[[UB:.*]] step %[[STEP:[^ ]*]] {
// CHECK-NEXT: %[[NEXT:.*]] = arith.addi %[[T]], %[[STEP]] : index
// CHECK-NEXT: %[[IN:.*]] = arith.cmpi slt, %[[NEXT]], %[[UB]] : index
// CHECK-NEXT: %[[AT:.*]] = arith.select %[[IN]], %[[NEXT]], %[[T]] : index
// CHECK-NEXT: %[[VIEW:.*]] = memref.subview %arg0[%[[AT]], 32] [1, 32] [1, 1]
// CHECK: memref.prefetch %[[VIEW]][%{{.*}}, %[[C0:.*]]], read, locality<3>, data
// CHECK: memref.prefetch %[[VIEW]][%{{.*}}, %[[C16:.*]]], read, locality<3>, data
// CHECK-NOT: memref.prefetch
// CHECK: memref.subview %arg0[%[[T]], 32] [1, 32] [1, 1]
// SMALL-LABEL: func @steps
// SMALL-NOT: memref.prefetch
func.func @steps(%proj: memref<10x64xf32>, %out: memref<32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c10 = arith.constant 10 : index
  scf.for %t = %c0 to %c10 step %c1 {
    %s = memref.subview %proj[%t, 32] [1, 32] [1, 1] : memref<10x64xf32> to memref<1x32xf32, strided<[64, 1], offset: ?>>
    %x = memref.load %s[%c0, %c1] : memref<1x32xf32, strided<[64, 1], offset: ?>>
    memref.store %x, %out[%c0] : memref<32xf32>
  }
  return
}

// -----

// Tests slices left alone: of a buffer the loop defines, at an offset
// other than the induction variable, of a run-time size, of rank 0.
// CHECK-LABEL: func @left
// CHECK-NOT: memref.prefetch
// CHECK: return
func.func @left(%proj: memref<10x64xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c10 = arith.constant 10 : index
  scf.for %t = %c0 to %c10 step %c1 {
    %a = memref.alloc() : memref<10x64xf32>
    %s0 = memref.subview %a[%t, 0] [1, 64] [1, 1] : memref<10x64xf32> to memref<1x64xf32, strided<[64, 1], offset: ?>>
    %u = arith.addi %t, %c1 : index
    %s1 = memref.subview %proj[%u, 0] [1, 32] [1, 1] : memref<10x64xf32> to memref<1x32xf32, strided<[64, 1], offset: ?>>
    %s2 = memref.subview %proj[%t, 0] [1, %n] [1, 1] : memref<10x64xf32> to memref<1x?xf32, strided<[64, 1], offset: ?>>
    %s3 = memref.subview %proj[%t, 3] [1, 1] [1, 1] : memref<10x64xf32> to memref<f32, strided<[], offset: ?>>
    memref.dealloc %a : memref<10x64xf32>
  }
  return
}
