// RUN: aic-opt %s -split-input-file -canonicalize | FileCheck %s

// Tests that x + 0 and x * 1 disappear when they do not broadcast x.
// CHECK-LABEL: func @identities
// CHECK-NOT: aic.add
// CHECK-NOT: aic.mul
// CHECK: return %arg0
func.func @identities(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %zero = arith.constant dense<0.0> : tensor<3xf32>
  %one = arith.constant dense<1.0> : tensor<1xf32>
  %e = tensor.empty() : tensor<2x3xf32>
  %0 = aic.add %x, %zero outs(%e) : (tensor<2x3xf32>, tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = aic.mul %one, %0 outs(%e) : (tensor<1xf32>, tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

// Tests that an identity that broadcasts its operand to a bigger shape stays.
// CHECK-LABEL: func @broadcasting_identity
// CHECK: aic.add
func.func @broadcasting_identity(%x: tensor<3xf32>) -> tensor<2x3xf32> {
  %zero = arith.constant dense<0.0> : tensor<2x3xf32>
  %e = tensor.empty() : tensor<2x3xf32>
  %0 = aic.add %x, %zero outs(%e) : (tensor<3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Tests that identities stay when a post-op is fused into them or the
// constant is not the identity everywhere.
// CHECK-LABEL: func @not_identities
// CHECK: aic.add %arg0, %{{.*}} outs(%{{.*}}) {post_ops = [#aic.eltwise<relu>]}
// CHECK: aic.mul %{{.*}}, %{{.*}} outs
func.func @not_identities(%x: tensor<2xf32>) -> tensor<2xf32> {
  %zero = arith.constant dense<0.0> : tensor<2xf32>
  %mixed = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %e = tensor.empty() : tensor<2xf32>
  %0 = aic.add %x, %zero outs(%e) {post_ops = [#aic.eltwise<relu>]} : (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %1 = aic.mul %0, %mixed outs(%e) : (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %1 : tensor<2xf32>
}

// -----

// Tests that reshape chains collapse, same-type reshapes fold and constants
// reshape at compile time into an arith.constant.
// CHECK-LABEL: func @reshapes
// CHECK-DAG: %[[R:.*]] = aic.reshape %arg0 : tensor<2x3xf32> -> tensor<3x2xf32>
// CHECK-DAG: %[[C:.*]] = arith.constant dense<{{\[}}[1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00], [5.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>
// CHECK: aic.add %[[R]], %[[C]] outs
// CHECK-NOT: aic.reshape
func.func @reshapes(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %0 = aic.reshape %x : tensor<2x3xf32> -> tensor<6xf32>
  %1 = aic.reshape %0 : tensor<6xf32> -> tensor<3x2xf32>
  %2 = aic.reshape %1 : tensor<3x2xf32> -> tensor<3x2xf32>
  %c = arith.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]> : tensor<6xf32>
  %3 = aic.reshape %c : tensor<6xf32> -> tensor<3x2xf32>
  %e = tensor.empty() : tensor<3x2xf32>
  %4 = aic.add %2, %3 outs(%e) : (tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  return %4 : tensor<3x2xf32>
}

// -----

// Tests that a library op on tensors whose result is unused is erased (it has
// no side effect), while the same op on buffers stays: it writes its
// destination, and the identity rewrite does not apply without a result.
// CHECK-LABEL: func @effects
// CHECK-NOT: aic.sigmoid
// CHECK: aic.add %arg1, %{{.*}} outs(%arg2) : (memref<4xf32>, memref<4xf32>, memref<4xf32>) -> ()
// CHECK: aic.tanh %arg1 outs(%arg2) : (memref<4xf32>, memref<4xf32>) -> ()
// CHECK-NEXT: return
func.func @effects(%x: tensor<4xf32>, %a: memref<4xf32>, %b: memref<4xf32>) {
  %e = tensor.empty() : tensor<4xf32>
  %0 = aic.sigmoid %x outs(%e) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %zero = memref.alloc() : memref<4xf32>
  aic.add %a, %zero outs(%b) : (memref<4xf32>, memref<4xf32>, memref<4xf32>) -> ()
  aic.tanh %a outs(%b) : (memref<4xf32>, memref<4xf32>) -> ()
  return
}

// -----

// Tests that x * sigmoid(x) (SiLU, as PyTorch exports it) becomes one
// aic.swish, which aic-fuse-post-ops can then fuse into its producer.
// CHECK-LABEL: func @silu
// CHECK-NOT: aic.sigmoid
// CHECK: %[[Y:.*]] = aic.swish %arg0 outs(%{{.*}}) : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
// CHECK-NOT: aic.mul
// CHECK: return %[[Y]]
func.func @silu(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %e = tensor.empty() : tensor<1x8xf32>
  %s = aic.sigmoid %x outs(%e) : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  %y = aic.mul %s, %x outs(%e) : (tensor<1x8xf32>, tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

// Tests that a sigmoid with another use stays, and so does the mul.
// CHECK-LABEL: func @sigmoid_used_twice
// CHECK: aic.sigmoid
// CHECK: aic.mul
func.func @sigmoid_used_twice(%x: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>) {
  %e = tensor.empty() : tensor<8xf32>
  %s = aic.sigmoid %x outs(%e) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %y = aic.mul %x, %s outs(%e) : (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  return %y, %s : tensor<8xf32>, tensor<8xf32>
}

// -----

// Tests that a reshape of a tensor.from_elements is a from_elements of the
// new shape, the elements in the same order, so that reading one back folds.
// CHECK-LABEL: func @reshape_from_elements
// CHECK-SAME: (%[[A:.*]]: i64, %[[B:.*]]: i64)
// CHECK-NOT: aic.reshape
// CHECK: %[[T:.*]] = tensor.from_elements %[[A]], %[[B]] : tensor<1x2xi64>
// CHECK: return %[[T]], %[[B]]
func.func @reshape_from_elements(%a: i64, %b: i64) -> (tensor<1x2xi64>, i64) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %t = tensor.from_elements %a, %b : tensor<2xi64>
  %r = aic.reshape %t : tensor<2xi64> -> tensor<1x2xi64>
  %e = tensor.extract %r[%c0, %c1] : tensor<1x2xi64>
  return %r, %e : tensor<1x2xi64>, i64
}

// -----

// Tests that a concat of one input (DenseNet's first layer) is that input,
// and that one of two inputs stays.
// CHECK-LABEL: func @concat_one
// CHECK: %[[K:.*]] = aic.concat %arg0, %arg0
// CHECK: return %arg0, %[[K]]
func.func @concat_one(%x: tensor<1x4x2x2xf32>) -> (tensor<1x4x2x2xf32>, tensor<1x8x2x2xf32>) {
  %e = tensor.empty() : tensor<1x4x2x2xf32>
  %0 = aic.concat %x outs(%e) {axis = 1 : i64} : (tensor<1x4x2x2xf32>, tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  %e2 = tensor.empty() : tensor<1x8x2x2xf32>
  %1 = aic.concat %x, %x outs(%e2) {axis = 1 : i64} : (tensor<1x4x2x2xf32>, tensor<1x4x2x2xf32>, tensor<1x8x2x2xf32>) -> tensor<1x8x2x2xf32>
  return %0, %1 : tensor<1x4x2x2xf32>, tensor<1x8x2x2xf32>
}
