// RUN: aic-opt %s -split-input-file -aic-pack-weights | FileCheck %s

// Tests that every constant global lands in one blob at a 64-byte aligned
// offset, in module order, stored as in memory (a splat repeated, booleans one
// byte each, a resource's bytes as they are); that each memref.get_global of
// a constant becomes a view of the blob at its offset, and that mutable
// globals are left alone.
// CHECK: module attributes {aic.weights = dense_resource<__aic_weights> : tensor<200xi8>}
// CHECK: memref.global "public" constant @__aic_weights : memref<200xi8> {alignment = 64 : i64}
// CHECK-NOT: memref.global {{.*}}@a
// CHECK-NOT: memref.global {{.*}}@b
// CHECK: memref.global "private" @state : memref<4xf32> = dense<0.000000e+00>
// CHECK-NOT: memref.global {{.*}}@m
// CHECK-NOT: memref.global {{.*}}@r

// CHECK-LABEL: func @main_graph
// CHECK: %[[B0:.*]] = memref.get_global @__aic_weights : memref<200xi8>
// CHECK: %[[O0:.*]] = arith.constant 0 : index
// CHECK: %[[A:.*]] = memref.view %[[B0]][%[[O0]]][] : memref<200xi8> to memref<3xf32>
// CHECK: %[[B1:.*]] = memref.get_global @__aic_weights : memref<200xi8>
// CHECK: %[[O1:.*]] = arith.constant 64 : index
// CHECK: %[[B:.*]] = memref.view %[[B1]][%[[O1]]][] : memref<200xi8> to memref<2x2xf32>
// CHECK: %[[O2:.*]] = arith.constant 128 : index
// CHECK: %[[M:.*]] = memref.view %{{.*}}[%[[O2]]][] : memref<200xi8> to memref<3xi1>
// CHECK: %[[O3:.*]] = arith.constant 192 : index
// CHECK: %[[R:.*]] = memref.view %{{.*}}[%[[O3]]][] : memref<200xi8> to memref<2xi32>
// CHECK: %[[S:.*]] = memref.get_global @state : memref<4xf32>
// A second read of the same constant views the same bytes.
// CHECK: %[[O4:.*]] = arith.constant 0 : index
// CHECK: %[[A2:.*]] = memref.view %{{.*}}[%[[O4]]][] : memref<200xi8> to memref<3xf32>
// CHECK: aic.add %[[A]], %[[A2]] outs(%arg0)
// CHECK: aic.concat %[[B]], %[[B]] outs
// CHECK: call @use(%[[M]], %[[R]], %[[S]])

// The blob (after the resource's 4-byte alignment prefix): 1.0, 2.0, 3.0 at
// 0; 5.0 four times at 64; true, false, true at 128; 7, 9 at 192.
// CHECK: __aic_weights: "0x400000000000803F0000004000004040{{(00)+}}0000A0400000A0400000A0400000A040{{(00)+}}010001{{(00)+}}0700000009000000"
module {
  memref.global "private" constant @a : memref<3xf32> = dense<[1.0, 2.0, 3.0]>
  memref.global "private" constant @b : memref<2x2xf32> = dense<5.0>
  memref.global "private" @state : memref<4xf32> = dense<0.0>
  memref.global "private" constant @m : memref<3xi1> = dense<[true, false, true]>
  memref.global "private" constant @r : memref<2xi32> = dense_resource<blob1>
  func.func @main_graph(%out: memref<3xf32>) {
    %0 = memref.get_global @a : memref<3xf32>
    %1 = memref.get_global @b : memref<2x2xf32>
    %2 = memref.get_global @m : memref<3xi1>
    %3 = memref.get_global @r : memref<2xi32>
    %4 = memref.get_global @state : memref<4xf32>
    %5 = memref.get_global @a : memref<3xf32>
    aic.add %0, %5 outs(%out) : (memref<3xf32>, memref<3xf32>, memref<3xf32>) -> ()
    %k = memref.alloc() : memref<4x2xf32>
    aic.concat %1, %1 outs(%k) {axis = 0 : i64} : (memref<2x2xf32>, memref<2x2xf32>, memref<4x2xf32>) -> ()
    func.call @use(%2, %3, %4) : (memref<3xi1>, memref<2xi32>, memref<4xf32>) -> ()
    return
  }
  func.func private @use(memref<3xi1>, memref<2xi32>, memref<4xf32>)
}
{-#
  dialect_resources: {
    builtin: {
      blob1: "0x040000000700000009000000"
    }
  }
#-}

// -----

// Tests that constants read inside regions are rewritten too.
// CHECK-LABEL: func @main_graph
// CHECK: scf.if
// CHECK: %[[W:.*]] = memref.get_global @__aic_weights : memref<64xi8>
// CHECK: memref.view %[[W]][%{{.*}}][] : memref<64xi8> to memref<16xf32>
// CHECK-NOT: @w
module {
  memref.global "private" constant @w : memref<16xf32> = dense<1.0>
  func.func @main_graph(%c: i1, %out: memref<16xf32>) {
    scf.if %c {
      %0 = memref.get_global @w : memref<16xf32>
      aic.relu %0 outs(%out) : (memref<16xf32>, memref<16xf32>) -> ()
    }
    return
  }
}

// -----

// Tests that a module without constants still gets a (one-byte) blob, which
// the runtime and the emitter expect.
// CHECK: module attributes {aic.weights = dense_resource<__aic_weights> : tensor<1xi8>}
// CHECK: memref.global "public" constant @__aic_weights : memref<1xi8> {alignment = 64 : i64}
// CHECK: __aic_weights: "0x4000000000"
module {
  func.func @main_graph(%x: memref<4xf32>, %y: memref<4xf32>) {
    aic.relu %x outs(%y) : (memref<4xf32>, memref<4xf32>) -> ()
    return
  }
}
