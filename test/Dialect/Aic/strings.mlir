// RUN: aic-opt %s -split-input-file | aic-opt | FileCheck %s

// Tests that the string type and ops round-trip, on tensors and buffers.
// CHECK-LABEL: func.func @ops
// CHECK: arith.constant dense<["a", "bc"]> : tensor<2x!aic.string>
// CHECK: aic.string_cast %{{.*}} outs(%{{.*}}) {is_unsigned} : (tensor<2xi8>, tensor<2x!aic.string>) -> tensor<2x!aic.string>
// CHECK: aic.string_normalizer %{{.*}} stopwords(%{{.*}}) outs(%{{.*}}) {case_change = 2 : i64, case_sensitive = true} : (tensor<2x!aic.string>, tensor<2x!aic.string>, tensor<1x!aic.string>) -> tensor<1x!aic.string>
// CHECK: aic.string_cast %{{.*}} outs(%{{.*}}) : (memref<2x!aic.string>, memref<2xf32>) -> ()
func.func @ops(%x: tensor<2xi8>, %b: memref<2x!aic.string>, %f: memref<2xf32>) -> (tensor<2x!aic.string>, tensor<1x!aic.string>) {
  %c = arith.constant dense<["a", "bc"]> : tensor<2x!aic.string>
  %e = tensor.empty() : tensor<2x!aic.string>
  %s = aic.string_cast %x outs(%e) {is_unsigned} : (tensor<2xi8>, tensor<2x!aic.string>) -> tensor<2x!aic.string>
  %e1 = tensor.empty() : tensor<1x!aic.string>
  %n = aic.string_normalizer %s stopwords(%c) outs(%e1) {case_change = 2 : i64, case_sensitive = true} : (tensor<2x!aic.string>, tensor<2x!aic.string>, tensor<1x!aic.string>) -> tensor<1x!aic.string>
  aic.string_cast %b outs(%f) : (memref<2x!aic.string>, memref<2xf32>) -> ()
  return %s, %n : tensor<2x!aic.string>, tensor<1x!aic.string>
}
