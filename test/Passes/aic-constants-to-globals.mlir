// RUN: aic-opt %s -aic-constants-to-globals | FileCheck %s
// RUN: aic-opt %s -aic-constants-to-globals -one-shot-bufferize="bufferize-function-boundaries" | FileCheck %s --check-prefix=BUF

// Equal constants share one global, also across functions; a name already
// taken in the module is skipped; scalars and encoded tensors stay.
// CHECK-DAG: memref.global "private" constant @__aic_constant_2 : memref<2x3xi64> = dense<7> {alignment = 64 : i64}
// CHECK-DAG: memref.global "private" constant @__aic_constant_1 : memref<2xf32> = dense<[1.000000e+00, 2.000000e+00]> {alignment = 64 : i64}
// CHECK-DAG: memref.global "private" @__aic_constant_0 : memref<1xf32>
memref.global "private" @__aic_constant_0 : memref<1xf32>

// CHECK-LABEL: func @f
// CHECK: %[[G:.*]] = memref.get_global @__aic_constant_1 : memref<2xf32>
// CHECK: %[[T:.*]] = bufferization.to_tensor %[[G]] restrict : memref<2xf32>
// CHECK: %[[G2:.*]] = memref.get_global @__aic_constant_1 : memref<2xf32>
// CHECK: %[[T2:.*]] = bufferization.to_tensor %[[G2]] restrict : memref<2xf32>
// CHECK: arith.constant 3.0
// CHECK: return %[[T]], %[[T2]], %{{.*}} :
func.func @f() -> (tensor<2xf32>, tensor<2xf32>, f32) {
  %a = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %b = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %s = arith.constant 3.0 : f32
  return %a, %b, %s : tensor<2xf32>, tensor<2xf32>, f32
}

// CHECK-LABEL: func @g
// CHECK: memref.get_global @__aic_constant_2 : memref<2x3xi64>
// CHECK: memref.get_global @__aic_constant_1 : memref<2xf32>
func.func @g() -> (tensor<2x3xi64>, tensor<2xf32>) {
  %a = arith.constant dense<7> : tensor<2x3xi64>
  %b = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  return %a, %b : tensor<2x3xi64>, tensor<2xf32>
}

// A destination that is a constant is copied, never written in place.
// BUF-LABEL: func @written
// BUF: %[[G:.*]] = memref.get_global @__aic_constant_{{[0-9]+}} : memref<4xf32>
// BUF: %[[A:.*]] = memref.alloc() {{.*}}: memref<4xf32>
// BUF: memref.copy %[[G]], %[[A]]
// BUF: linalg.generic {{.*}} outs(%[[A]] :
func.func @written(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%c : tensor<4xf32>) {
  ^bb0(%in: f32, %o: f32):
    %m = arith.addf %in, %o : f32
    linalg.yield %m : f32
  } -> tensor<4xf32>
  return %r : tensor<4xf32>
}
