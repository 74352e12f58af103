// RUN: aic-opt %s -aic-concat-destinations | FileCheck %s

// The producers of the concat's inputs and the concat get a tensor.empty
// each; the op that only shares one with them keeps the original.
// CHECK-LABEL: func @shared
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x32x8x8xf32>
// CHECK: %[[E2:.*]] = tensor.empty() : tensor<1x64x8x8xf32>
// CHECK: %[[O:.*]] = aic.sigmoid %arg0 outs(%[[E]])
// CHECK: %[[EA:.*]] = tensor.empty() : tensor<1x32x8x8xf32>
// CHECK: %[[A:.*]] = aic.relu %[[O]] outs(%[[EA]])
// CHECK: %[[EB:.*]] = tensor.empty() : tensor<1x32x8x8xf32>
// CHECK: %[[B:.*]] = aic.tanh %[[O]] outs(%[[EB]])
// CHECK: %[[EK:.*]] = tensor.empty() : tensor<1x64x8x8xf32>
// CHECK: %[[K:.*]] = aic.concat %[[A]], %[[B]] outs(%[[EK]])
// CHECK: aic.relu %[[K]] outs(%[[E2]])
func.func @shared(%x: tensor<1x32x8x8xf32>) -> tensor<1x64x8x8xf32> {
  %e = tensor.empty() : tensor<1x32x8x8xf32>
  %e2 = tensor.empty() : tensor<1x64x8x8xf32>
  %o = aic.sigmoid %x outs(%e) : (tensor<1x32x8x8xf32>, tensor<1x32x8x8xf32>) -> tensor<1x32x8x8xf32>
  %a = aic.relu %o outs(%e) : (tensor<1x32x8x8xf32>, tensor<1x32x8x8xf32>) -> tensor<1x32x8x8xf32>
  %b = aic.tanh %o outs(%e) : (tensor<1x32x8x8xf32>, tensor<1x32x8x8xf32>) -> tensor<1x32x8x8xf32>
  %k = aic.concat %a, %b outs(%e2) {axis = 1 : i64} : (tensor<1x32x8x8xf32>, tensor<1x32x8x8xf32>, tensor<1x64x8x8xf32>) -> tensor<1x64x8x8xf32>
  %r = aic.relu %k outs(%e2) : (tensor<1x64x8x8xf32>, tensor<1x64x8x8xf32>) -> tensor<1x64x8x8xf32>
  return %r : tensor<1x64x8x8xf32>
}
