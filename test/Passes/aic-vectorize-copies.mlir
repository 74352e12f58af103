// RUN: aic-opt %s -split-input-file -aic-vectorize-copies | FileCheck %s

// Tests a transpose's row copy over run-time outer dims: the 64 contiguous
// floats move as four vectors of 16.
// CHECK-LABEL: func @rows
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK: scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK: scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %[[W:.*]] {
// CHECK: %[[V:.*]] = vector.load %arg0[%[[J]], %[[I]], %[[K]]] : memref<?x4x64xf32, strided<[?, 64, 1]>>, vector<16xf32>
// CHECK: vector.store %[[V]], %arg1[%[[I]], %[[J]], %[[K]]] : memref<4x?x64xf32>, vector<16xf32>
// CHECK-NOT: memref.load
// CHECK-NOT: memref.store
// CHECK: return
func.func @rows(%a: memref<?x4x64xf32, strided<[?, 64, 1]>>, %b: memref<4x?x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c64 = arith.constant 64 : index
  %n = memref.dim %b, %c1 : memref<4x?x64xf32>
  scf.for %i = %c0 to %c4 step %c1 {
    scf.for %j = %c0 to %n step %c1 {
      scf.for %k = %c0 to %c64 step %c1 {
        %x = memref.load %a[%j, %i, %k] : memref<?x4x64xf32, strided<[?, 64, 1]>>
        memref.store %x, %b[%i, %j, %k] : memref<4x?x64xf32>
      }
    }
  }
  return
}

// -----

// Tests a row of 20 int64: two vectors of 8, and the last 4 elements stay
// in the scalar loop.
// CHECK-LABEL: func @tail
// CHECK: %[[FULL:.*]] = arith.constant 16 : index
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[FULL]] step %{{.*}} {
// CHECK: vector.load {{.*}} vector<8xi64>
// CHECK: scf.for %[[K:.*]] = %[[FULL]] to %{{.*}} step %{{.*}} {
// CHECK: memref.load %arg0[%{{.*}}, %[[K]]]
func.func @tail(%a: memref<3x20xi64>, %b: memref<3x20xi64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c20 = arith.constant 20 : index
  scf.for %i = %c0 to %c3 step %c1 {
    scf.for %k = %c0 to %c20 step %c1 {
      %x = memref.load %a[%i, %k] : memref<3x20xi64>
      memref.store %x, %b[%i, %k] : memref<3x20xi64>
    }
  }
  return
}

// -----

// Tests loops left alone: a row with a stride (a transpose of the last
// dim), one shorter than a vector, a run-time length, and a body that
// computes.
// CHECK-LABEL: func @left
// CHECK-NOT: vector.load
// CHECK: return
func.func @left(%a: memref<64x64xf32>, %b: memref<64x64xf32>, %c: memref<8xf32>, %d: memref<8xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  scf.for %i = %c0 to %c64 step %c1 {
    scf.for %k = %c0 to %c64 step %c1 {
      %x = memref.load %a[%k, %i] : memref<64x64xf32>
      memref.store %x, %b[%i, %k] : memref<64x64xf32>
    }
  }
  scf.for %k = %c0 to %c8 step %c1 {
    %x = memref.load %c[%k] : memref<8xf32>
    memref.store %x, %d[%k] : memref<8xf32>
  }
  scf.for %k = %c0 to %n step %c1 {
    %x = memref.load %a[%c0, %k] : memref<64x64xf32>
    memref.store %x, %b[%c0, %k] : memref<64x64xf32>
  }
  scf.for %k = %c0 to %c64 step %c1 {
    %x = memref.load %a[%c0, %k] : memref<64x64xf32>
    %y = arith.negf %x : f32
    memref.store %y, %b[%c0, %k] : memref<64x64xf32>
  }
  return
}

// -----

// Tests an embedding lookup: the table row comes from an index the loop
// loads and clamps. That computation moves out of the loop, and the row
// moves as vectors.
// CHECK-LABEL: func @lookup
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK: %[[ID:.*]] = memref.load %arg0[%[[I]]] : memref<5xi64>
// CHECK: %[[ROW:.*]] = arith.index_cast %[[ID]] : i64 to index
// CHECK: %[[SAFE:.*]] = arith.minsi %[[ROW]], %{{.*}} : index
// CHECK: scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK: %[[V:.*]] = vector.load %arg1[%[[SAFE]], %[[K]]] : memref<10x32xf32>, vector<16xf32>
// CHECK: vector.store %[[V]], %arg2[%[[I]], %[[K]]] : memref<5x32xf32>, vector<16xf32>
// CHECK-NOT: memref.load
// CHECK: return
func.func @lookup(%ids: memref<5xi64>, %table: memref<10x32xf32>, %out: memref<5x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c5 = arith.constant 5 : index
  %c9 = arith.constant 9 : index
  %c32 = arith.constant 32 : index
  scf.for %i = %c0 to %c5 step %c1 {
    scf.for %k = %c0 to %c32 step %c1 {
      %id = memref.load %ids[%i] : memref<5xi64>
      %row = arith.index_cast %id : i64 to index
      %safe = arith.minsi %row, %c9 : index
      %x = memref.load %table[%safe, %k] : memref<10x32xf32>
      memref.store %x, %out[%i, %k] : memref<5x32xf32>
    }
  }
  return
}

// -----

// Tests row positions that stay: one computed from the induction variable,
// and an index loaded from the buffer the loop stores to.
// CHECK-LABEL: func @position_left
// CHECK-NOT: vector.load
// CHECK: return
func.func @position_left(%table: memref<10x32xf32>, %out: memref<10x32xf32>, %k0: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c9 = arith.constant 9 : index
  %c32 = arith.constant 32 : index
  scf.for %k = %c0 to %c32 step %c1 {
    %row = arith.minsi %k, %c9 : index
    %x = memref.load %table[%row, %k] : memref<10x32xf32>
    memref.store %x, %out[%c0, %k] : memref<10x32xf32>
  }
  scf.for %k = %c0 to %c32 step %c1 {
    %y = memref.load %out[%c1, %k0] : memref<10x32xf32>
    %z = arith.fptosi %y : f32 to i64
    %row = arith.index_cast %z : i64 to index
    %x = memref.load %table[%row, %k] : memref<10x32xf32>
    memref.store %x, %out[%c0, %k] : memref<10x32xf32>
  }
  return
}
