// RUN: aic-opt %s -split-input-file -aic-recognize-hard-swish | FileCheck %s
// RUN: aic-opt %s -split-input-file -aic-recognize-hard-swish -aic-fuse-post-ops | FileCheck %s --check-prefix=FUSED

// x * HardSigmoid(x) with alpha 1/6 and beta 1/2 (as the importer builds
// ONNX HardSigmoid: constants in the body), the product in either order.
// CHECK-LABEL: func @hard_swish
// CHECK-NOT: linalg.generic
// CHECK: %[[Y:.*]] = aic.hard_swish %arg0 outs(%{{.*}}) : (tensor<1x16x8x8xf32>, tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
// CHECK-NOT: aic.mul
// CHECK: %[[Z:.*]] = aic.hard_swish %[[Y]]
// CHECK: return %[[Z]]
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @hard_swish(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
  %e = tensor.empty() : tensor<1x16x8x8xf32>
  %h = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<1x16x8x8xf32>) outs(%e : tensor<1x16x8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.constant 0.166666672 : f32
    %b = arith.constant 5.000000e-01 : f32
    %zero = arith.constant 0.000000e+00 : f32
    %one = arith.constant 1.000000e+00 : f32
    %0 = arith.mulf %a, %in : f32
    %1 = arith.addf %0, %b : f32
    %2 = arith.maximumf %1, %zero : f32
    %3 = arith.minimumf %2, %one : f32
    linalg.yield %3 : f32
  } -> tensor<1x16x8x8xf32>
  %y = aic.mul %x, %h outs(%e) : (tensor<1x16x8x8xf32>, tensor<1x16x8x8xf32>, tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
  %h2 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%y : tensor<1x16x8x8xf32>) outs(%e : tensor<1x16x8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.constant 0.166666672 : f32
    %b = arith.constant 5.000000e-01 : f32
    %zero = arith.constant 0.000000e+00 : f32
    %one = arith.constant 1.000000e+00 : f32
    %0 = arith.mulf %in, %a : f32
    %1 = arith.addf %b, %0 : f32
    %2 = arith.maximumf %zero, %1 : f32
    %3 = arith.minimumf %one, %2 : f32
    linalg.yield %3 : f32
  } -> tensor<1x16x8x8xf32>
  %z = aic.mul %h2, %y outs(%e) : (tensor<1x16x8x8xf32>, tensor<1x16x8x8xf32>, tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
  return %z : tensor<1x16x8x8xf32>
}

// -----

// ONNX's default HardSigmoid (alpha 0.2), a HardSigmoid that something else
// reads too, and one of another tensor: left alone.
// CHECK-LABEL: func @not_hard_swish
// CHECK-NOT: aic.hard_swish
// CHECK-COUNT-3: aic.mul
// CHECK-NOT: aic.hard_swish
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @not_hard_swish(%x: tensor<4x8xf32>, %w: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) {
  %e = tensor.empty() : tensor<4x8xf32>
  %h = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.constant 2.000000e-01 : f32
    %b = arith.constant 5.000000e-01 : f32
    %zero = arith.constant 0.000000e+00 : f32
    %one = arith.constant 1.000000e+00 : f32
    %0 = arith.mulf %a, %in : f32
    %1 = arith.addf %0, %b : f32
    %2 = arith.maximumf %1, %zero : f32
    %3 = arith.minimumf %2, %one : f32
    linalg.yield %3 : f32
  } -> tensor<4x8xf32>
  %y = aic.mul %x, %h outs(%e) : (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %g = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.constant 0.166666672 : f32
    %b = arith.constant 5.000000e-01 : f32
    %zero = arith.constant 0.000000e+00 : f32
    %one = arith.constant 1.000000e+00 : f32
    %0 = arith.mulf %a, %in : f32
    %1 = arith.addf %0, %b : f32
    %2 = arith.maximumf %1, %zero : f32
    %3 = arith.minimumf %2, %one : f32
    linalg.yield %3 : f32
  } -> tensor<4x8xf32>
  %u = aic.mul %x, %g outs(%e) : (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %v = aic.mul %w, %g outs(%e) : (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y, %u, %v, %g : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// MobileNetV3's activation after a conv: recognized, it fuses into the conv
// as an eltwise post-op.
// CHECK-LABEL: func @conv_hard_swish
// CHECK: aic.hard_swish
// FUSED-LABEL: func @conv_hard_swish
// FUSED: %[[C:.*]] = aic.conv {{.*}}post_ops = [#aic.eltwise<hardswish>]
// FUSED-NOT: linalg.generic
// FUSED-NOT: aic.mul
// FUSED: return %[[C]]
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @conv_hard_swish(%x: tensor<1x3x8x8xf32>) -> tensor<1x16x8x8xf32> {
  %w = arith.constant dense<0.01> : tensor<16x3x3x3xf32>
  %e = tensor.empty() : tensor<1x16x8x8xf32>
  %c = aic.conv %x, %w outs(%e) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>, tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
  %h = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : tensor<1x16x8x8xf32>) outs(%e : tensor<1x16x8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.constant 0.166666672 : f32
    %b = arith.constant 5.000000e-01 : f32
    %zero = arith.constant 0.000000e+00 : f32
    %one = arith.constant 1.000000e+00 : f32
    %0 = arith.mulf %a, %in : f32
    %1 = arith.addf %0, %b : f32
    %2 = arith.maximumf %1, %zero : f32
    %3 = arith.minimumf %2, %one : f32
    linalg.yield %3 : f32
  } -> tensor<1x16x8x8xf32>
  %y = aic.mul %c, %h outs(%e) : (tensor<1x16x8x8xf32>, tensor<1x16x8x8xf32>, tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
  return %y : tensor<1x16x8x8xf32>
}
