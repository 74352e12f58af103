// RUN: aic-opt %s -split-input-file -canonicalize | FileCheck %s

// Tests that x + 0 and x * 1 disappear when they do not broadcast x.
// CHECK-LABEL: func @identities
// CHECK-NOT: aic.add
// CHECK-NOT: aic.mul
// CHECK: return %arg0
func.func @identities(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %zero = aic.constant dense<0.0> : tensor<3xf32>
  %one = aic.constant dense<1.0> : tensor<1xf32>
  %0 = aic.add %x, %zero : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = aic.mul %one, %0 : (tensor<1xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

// Tests that an identity that broadcasts its operand to a bigger shape stays.
// CHECK-LABEL: func @broadcasting_identity
// CHECK: aic.add
func.func @broadcasting_identity(%x: tensor<3xf32>) -> tensor<2x3xf32> {
  %zero = aic.constant dense<0.0> : tensor<2x3xf32>
  %0 = aic.add %x, %zero : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Tests that reshape chains collapse and constants reshape at compile time.
// CHECK-LABEL: func @reshapes
// CHECK-DAG: %[[R:.*]] = aic.reshape %arg0 : tensor<2x3xf32> -> tensor<3x2xf32>
// CHECK-DAG: %[[C:.*]] = aic.constant dense<{{.*}}> : tensor<3x2xf32>
// CHECK: aic.add %[[R]], %[[C]]
func.func @reshapes(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %0 = aic.reshape %x : tensor<2x3xf32> -> tensor<6xf32>
  %1 = aic.reshape %0 : tensor<6xf32> -> tensor<3x2xf32>
  %c = aic.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]> : tensor<6xf32>
  %2 = aic.reshape %c : tensor<6xf32> -> tensor<3x2xf32>
  %3 = aic.add %1, %2 : (tensor<3x2xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  return %3 : tensor<3x2xf32>
}

// -----

// Tests that identity transposes, same-type reshapes and single-input concats fold.
// CHECK-LABEL: func @trivial
// CHECK-NEXT: return %arg0
func.func @trivial(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = aic.transpose %x {perm = array<i64: 0, 1>} : tensor<2x3xf32> -> tensor<2x3xf32>
  %1 = aic.reshape %0 : tensor<2x3xf32> -> tensor<2x3xf32>
  %2 = aic.concat %1 {axis = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %2 : tensor<2x3xf32>
}
