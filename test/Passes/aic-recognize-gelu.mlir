// RUN: aic-opt %s -split-input-file -aic-recognize-gelu | FileCheck %s
// RUN: aic-opt %s -split-input-file -aic-recognize-gelu -aic-fuse-post-ops | FileCheck %s --check-prefix=FUSED

#id = affine_map<(d0, d1) -> (d0, d1)>

// Tests PyTorch's erf form, x * (1 + erf(x / sqrt(2))) * 0.5, as imported:
// one aic.gelu remains, which fusion makes a post-op of the matmul.
// CHECK-LABEL: func @erf_form
// CHECK: %[[M:.*]] = aic.matmul
// CHECK-NEXT: %[[Y:.*]] = aic.gelu %[[M]] outs(%{{.*}}) : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK-NEXT: return %[[Y]]
// FUSED-LABEL: func @erf_form
// FUSED: %[[Y:.*]] = aic.matmul {{.*}}post_ops = [#aic.eltwise<gelu_erf>]
// FUSED-NEXT: return %[[Y]]
func.func @erf_form(%a: tensor<4x3xf32>, %w: tensor<3x8xf32>) -> tensor<4x8xf32> {
  %sqrt2 = arith.constant dense<1.41421354> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %half = arith.constant dense<0.5> : tensor<f32>
  %e = tensor.empty() : tensor<4x8xf32>
  %x = aic.matmul %a, %w outs(%e) : (tensor<4x3xf32>, tensor<3x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %u = aic.div %x, %sqrt2 outs(%e) : (tensor<4x8xf32>, tensor<f32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %erf = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%u : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.erf %in : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %t = aic.add %erf, %one outs(%e) : (tensor<4x8xf32>, tensor<f32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %p = aic.mul %x, %t outs(%e) : (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = aic.mul %p, %half outs(%e) : (tensor<4x8xf32>, tensor<f32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>

// Tests another grouping: 0.5 * x first, erf of x * 0.7071, 1 + erf.
// CHECK-LABEL: func @erf_regrouped
// CHECK: %[[Y:.*]] = aic.gelu %arg0 outs
// CHECK-NEXT: return %[[Y]]
func.func @erf_regrouped(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %rsqrt2 = arith.constant dense<0.707106769> : tensor<1xf32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %half = arith.constant dense<0.5> : tensor<f32>
  %e = tensor.empty() : tensor<4x8xf32>
  %hx = aic.mul %half, %x outs(%e) : (tensor<f32>, tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %u = aic.mul %x, %rsqrt2 outs(%e) : (tensor<4x8xf32>, tensor<1xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %erf = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%u : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.erf %in : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %t = aic.add %one, %erf outs(%e) : (tensor<f32>, tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = aic.mul %hx, %t outs(%e) : (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#scalar = affine_map<(d0, d1) -> ()>

// Tests the tanh form with x^3 as Pow(x, 3) (a generic with a scalar
// constant input).
// CHECK-LABEL: func @tanh_form
// CHECK: %[[Y:.*]] = aic.gelu %arg0 outs(%{{.*}}) {tanh_approximation}
// CHECK-NEXT: return %[[Y]]
func.func @tanh_form(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %three = arith.constant dense<3.0> : tensor<f32>
  %c = arith.constant dense<0.044715> : tensor<f32>
  %k = arith.constant dense<0.797884583> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %half = arith.constant dense<0.5> : tensor<f32>
  %e = tensor.empty() : tensor<4x8xf32>
  %cube = linalg.generic {indexing_maps = [#id, #scalar, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %three : tensor<4x8xf32>, tensor<f32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %p: f32, %out: f32):
    %r = math.powf %in, %p : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %cc = aic.mul %cube, %c outs(%e) : (tensor<4x8xf32>, tensor<f32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %s = aic.add %x, %cc outs(%e) : (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %ks = aic.mul %s, %k outs(%e) : (tensor<4x8xf32>, tensor<f32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %th = aic.tanh %ks outs(%e) : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %t = aic.add %th, %one outs(%e) : (tensor<4x8xf32>, tensor<f32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %hx = aic.mul %x, %half outs(%e) : (tensor<4x8xf32>, tensor<f32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = aic.mul %hx, %t outs(%e) : (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Tests the tanh form with x^3 as x * x * x.
// CHECK-LABEL: func @tanh_product_cube
// CHECK: aic.gelu %arg0 outs(%{{.*}}) {tanh_approximation}
func.func @tanh_product_cube(%x: tensor<8xf32>) -> tensor<8xf32> {
  %c = arith.constant dense<0.044715> : tensor<f32>
  %k = arith.constant dense<0.797884583> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %half = arith.constant dense<0.5> : tensor<f32>
  %e = tensor.empty() : tensor<8xf32>
  %x2 = aic.mul %x, %x outs(%e) : (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %x3 = aic.mul %x2, %x outs(%e) : (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %cc = aic.mul %c, %x3 outs(%e) : (tensor<f32>, tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %s = aic.add %cc, %x outs(%e) : (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %ks = aic.mul %k, %s outs(%e) : (tensor<f32>, tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %th = aic.tanh %ks outs(%e) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %t = aic.add %th, %one outs(%e) : (tensor<8xf32>, tensor<f32>, tensor<8xf32>) -> tensor<8xf32>
  %p = aic.mul %x, %t outs(%e) : (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %y = aic.mul %half, %p outs(%e) : (tensor<f32>, tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>

// Tests formulas that are not GELU stay: a wrong constant (0.6 instead of
// 0.5), an erf of another value than x, and an intermediate with another
// use (the 1 + erf is returned too).
// CHECK-LABEL: func @not_gelu
// CHECK-NOT: aic.gelu
// CHECK: return
func.func @not_gelu(%x: tensor<4x8xf32>, %z: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) {
  %sqrt2 = arith.constant dense<1.41421354> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %half = arith.constant dense<0.5> : tensor<f32>
  %other = arith.constant dense<0.6> : tensor<f32>
  %e = tensor.empty() : tensor<4x8xf32>
  %u = aic.div %x, %sqrt2 outs(%e) : (tensor<4x8xf32>, tensor<f32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %erf = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%u : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.erf %in : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %t = aic.add %erf, %one outs(%e) : (tensor<4x8xf32>, tensor<f32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %p = aic.mul %x, %t outs(%e) : (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = aic.mul %p, %other outs(%e) : (tensor<4x8xf32>, tensor<f32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %u2 = aic.div %z, %sqrt2 outs(%e) : (tensor<4x8xf32>, tensor<f32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %erf2 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%u2 : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.erf %in : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %t2 = aic.add %erf2, %one outs(%e) : (tensor<4x8xf32>, tensor<f32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %p2 = aic.mul %x, %t2 outs(%e) : (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %y2 = aic.mul %p2, %half outs(%e) : (tensor<4x8xf32>, tensor<f32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %u3 = aic.div %x, %sqrt2 outs(%e) : (tensor<4x8xf32>, tensor<f32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %erf3 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%u3 : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.erf %in : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %t3 = aic.add %erf3, %one outs(%e) : (tensor<4x8xf32>, tensor<f32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %p3 = aic.mul %x, %t3 outs(%e) : (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %y3 = aic.mul %p3, %half outs(%e) : (tensor<4x8xf32>, tensor<f32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = aic.add %y3, %t3 outs(%e) : (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y, %y2, %r : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
}
