// RUN: aic-opt %s -aic-own-destinations | FileCheck %s

// Every destination gets a tensor.empty of its own; the last user of a
// shared one keeps the original.
// CHECK-LABEL: func @shared
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x32x8x8xf32>
// CHECK: %[[E2:.*]] = tensor.empty() : tensor<1x64x8x8xf32>
// CHECK: %[[EO:.*]] = tensor.empty() : tensor<1x32x8x8xf32>
// CHECK: %[[O:.*]] = aic.sigmoid %arg0 outs(%[[EO]])
// CHECK: %[[EA:.*]] = tensor.empty() : tensor<1x32x8x8xf32>
// CHECK: %[[A:.*]] = aic.relu %[[O]] outs(%[[EA]])
// CHECK: %[[B:.*]] = aic.tanh %[[O]] outs(%[[E]])
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

// linalg ops' destinations too, each of a multi-result op's.
// CHECK-LABEL: func @linalg
// CHECK: %[[E:.*]] = tensor.empty() : tensor<4xf32>
// CHECK: %[[E1:.*]] = tensor.empty() : tensor<4xf32>
// CHECK: %[[E2:.*]] = tensor.empty() : tensor<4xf32>
// CHECK: linalg.generic {{.*}} outs(%[[E1]], %[[E2]] :
// CHECK: linalg.generic {{.*}} outs(%[[E]] :
func.func @linalg(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %e = tensor.empty() : tensor<4xf32>
  %a:2 = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%e, %e : tensor<4xf32>, tensor<4xf32>) {
  ^bb0(%in: f32, %o1: f32, %o2: f32):
    %n = arith.negf %in : f32
    linalg.yield %in, %n : f32, f32
  } -> (tensor<4xf32>, tensor<4xf32>)
  %c = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]} ins(%a#0 : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %o: f32):
    %m = arith.mulf %in, %in : f32
    linalg.yield %m : f32
  } -> tensor<4xf32>
  return %a#0, %a#1, %c : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// The branches of an scf.if keep writing one destination; two ops in one
// branch do not.
// CHECK-LABEL: func @branches
// CHECK: %[[E:.*]] = tensor.empty() : tensor<4xf32>
// CHECK: scf.if
// CHECK: %[[E1:.*]] = tensor.empty() : tensor<4xf32>
// CHECK: %[[R:.*]] = aic.relu %arg1 outs(%[[E1]])
// CHECK: aic.tanh %[[R]] outs(%[[E]])
// CHECK: else
// CHECK: aic.sigmoid %arg1 outs(%[[E]])
func.func @branches(%c: i1, %x: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %r = scf.if %c -> (tensor<4xf32>) {
    %a = aic.relu %x outs(%e) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    %b = aic.tanh %a outs(%e) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    scf.yield %b : tensor<4xf32>
  } else {
    %s = aic.sigmoid %x outs(%e) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    scf.yield %s : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// The graph's tensor inputs belong to the caller: they are marked not
// writable, so that one-shot bufferization copies an input an op would
// update in place. Other functions' arguments and non-tensor ones are left
// alone.
// CHECK-LABEL: func @main_graph
// CHECK-SAME: (%{{.*}}: tensor<4xf32> {aic.name = "data", bufferization.writable = false}, %{{.*}}: index)
// CHECK: tensor.insert
func.func @main_graph(%data: tensor<4xf32> {aic.name = "data"}, %i: index) -> tensor<4xf32> {
  %c = arith.constant 1.0 : f32
  %r = tensor.insert %c into %data[%i] : tensor<4xf32>
  return %r : tensor<4xf32>
}
// CHECK-LABEL: func @helper
// CHECK-SAME: (%{{.*}}: tensor<4xf32>) -> tensor<4xf32>
func.func @helper(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
