// RUN: aic-opt %s -split-input-file -aic-propagate-nan | FileCheck %s

// Tests that a standalone relu becomes a compare-select into its
// destination that is oneDNN's maxps(x, 0) except that NaN (unordered, so
// the compare is true) stays, on the stored shape of a blocked layout seen
// as one flat loop.
// CHECK-LABEL: func @relu
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x2x4x4x16xf32>
// CHECK-NOT: tensor.empty
// CHECK: %[[FX:.*]] = tensor.collapse_shape %arg0 {{\[\[}}0, 1, 2, 3, 4]] : tensor<1x2x4x4x16xf32> into tensor<512xf32>
// CHECK: %[[FE:.*]] = tensor.collapse_shape %[[E]] {{\[\[}}0, 1, 2, 3, 4]]
// CHECK: %[[G:.*]] = linalg.generic {{.*}} ins(%[[FX]] : tensor<512xf32>) outs(%[[FE]] : tensor<512xf32>)
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[P:.*]] = arith.cmpf ugt, %[[X]], %[[ZERO]] : f32
// CHECK: %[[R:.*]] = arith.select %[[P]], %[[X]], %[[ZERO]] : f32
// CHECK: linalg.yield %[[R]] : f32
// CHECK: %[[Y:.*]] = tensor.expand_shape %[[G]] {{\[\[}}0, 1, 2, 3, 4]] output_shape [1, 2, 4, 4, 16]
// CHECK-NOT: aic.relu
// CHECK: return %[[Y]]
func.func @relu(%x: tensor<1x2x4x4x16xf32>) -> tensor<1x2x4x4x16xf32> {
  %e = tensor.empty() : tensor<1x2x4x4x16xf32>
  %0 = aic.relu %x outs(%e) {layouts = [#aic.layout<"aBcd16b", [1, 20, 4, 4]>, #aic.layout<"aBcd16b", [1, 20, 4, 4]>]} : (tensor<1x2x4x4x16xf32>, tensor<1x2x4x4x16xf32>) -> tensor<1x2x4x4x16xf32>
  return %0 : tensor<1x2x4x4x16xf32>
}

// -----

// Tests that a clip whose bounds hold 0 becomes maxps then minps (unordered
// compares), NaN kept, into the clip's destination.
// CHECK-LABEL: func @clip6
// CHECK: %[[E:.*]] = tensor.empty() : tensor<8xf32>
// CHECK-NOT: tensor.empty
// CHECK: linalg.generic {{.*}} ins(%arg0 : tensor<8xf32>) outs(%[[E]] : tensor<8xf32>)
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[LO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[P:.*]] = arith.cmpf ugt, %[[X]], %[[LO]] : f32
// CHECK: %[[M:.*]] = arith.select %[[P]], %[[X]], %[[LO]] : f32
// CHECK: %[[HI:.*]] = arith.constant 6.000000e+00 : f32
// CHECK: %[[Q:.*]] = arith.cmpf ult, %[[M]], %[[HI]] : f32
// CHECK: %[[R:.*]] = arith.select %[[Q]], %[[M]], %[[HI]] : f32
// CHECK: linalg.yield %[[R]] : f32
// CHECK-NOT: aic.clip
func.func @clip6(%x: tensor<8xf32>) -> tensor<8xf32> {
  %e = tensor.empty() : tensor<8xf32>
  %0 = aic.clip %x outs(%e) {min = 0.0 : f64, max = 6.0 : f64} : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// Tests that exp, and a clip whose bounds exclude 0 (so that generated code
// on a blocked layout's padding would not give 0), keep the library op and
// get a NaN fix-up: y = isnan(x) ? x : y.
// CHECK-LABEL: func @fixups
// CHECK: %[[C:.*]] = aic.clip %arg0 {{.*}}{max = 6.000000e+00 : f64, min = 1.000000e+00 : f64}
// CHECK: %[[F:.*]] = linalg.generic {{.*}} ins(%arg0, %[[C]] : tensor<8xf32>, tensor<8xf32>)
// CHECK: ^bb0(%[[X:.*]]: f32, %[[Y:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[N:.*]] = arith.cmpf uno, %[[X]], %[[X]] : f32
// CHECK: %[[R:.*]] = arith.select %[[N]], %[[X]], %[[Y]] : f32
// CHECK: linalg.yield %[[R]] : f32
// CHECK: %[[EXP:.*]] = aic.exp %[[F]]
// CHECK: %[[G:.*]] = linalg.generic {{.*}} ins(%[[F]], %[[EXP]] : tensor<8xf32>, tensor<8xf32>)
// CHECK: arith.cmpf uno
// CHECK: return %[[G]]
func.func @fixups(%x: tensor<8xf32>) -> tensor<8xf32> {
  %e = tensor.empty() : tensor<8xf32>
  %0 = aic.clip %x outs(%e) {min = 1.0 : f64, max = 6.0 : f64} : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %1 = aic.exp %0 outs(%e) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  return %1 : tensor<8xf32>
}

// -----

// Tests that other elementwise ops, which keep NaN in oneDNN, stay.
// CHECK-LABEL: func @others
// CHECK: aic.sigmoid
// CHECK-NOT: linalg.generic
func.func @others(%x: tensor<8xf32>) -> tensor<8xf32> {
  %e = tensor.empty() : tensor<8xf32>
  %0 = aic.sigmoid %x outs(%e) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// Tests that a fix-up over run-time dims sizes its destination by them.
// CHECK-LABEL: func @dynamic
// CHECK: %[[E:.*]] = aic.exp
// CHECK: %[[D0:.*]] = tensor.dim %[[E]], %{{.*}}
// CHECK: %[[D1:.*]] = tensor.dim %[[E]], %{{.*}}
// CHECK: %[[INIT:.*]] = tensor.empty(%[[D0]], %[[D1]]) : tensor<?x?xf32>
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]{{.*}} ins(%arg0, %[[E]] : tensor<?x?xf32>, tensor<?x?xf32>) outs(%[[INIT]] : tensor<?x?xf32>)
// CHECK: arith.cmpf uno
func.func @dynamic(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %d0 = tensor.dim %x, %c0 : tensor<?x?xf32>
  %d1 = tensor.dim %x, %c1 : tensor<?x?xf32>
  %e = tensor.empty(%d0, %d1) : tensor<?x?xf32>
  %0 = aic.exp %x outs(%e) : (tensor<?x?xf32>, tensor<?x?xf32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}
