// RUN: aic-opt %s -split-input-file -aic-fold-input-scale | FileCheck %s
// RUN: aic-opt %s -split-input-file -aic-fold-input-scale='ratio=1000' | FileCheck %s --check-prefix=RATIO

// A squeeze-and-excite scale before a 1x1 projection: the factors scale
// the weights' input channels instead of the 1x96x56x56 activation.
// CHECK-LABEL: func @se
// CHECK-SAME: (%[[X:.*]]: tensor<1x96x56x56xf32>, %[[S:.*]]: tensor<1x96x1x1xf32>)
// CHECK: %[[W:.*]] = arith.constant dense<5.000000e-01> : tensor<24x96x1x1xf32>
// CHECK: %[[F:.*]] = aic.reshape %[[S]] : tensor<1x96x1x1xf32> -> tensor<96x1x1xf32>
// CHECK: %[[WS:.*]] = aic.mul %[[W]], %[[F]] outs(%{{.*}}) : (tensor<24x96x1x1xf32>, tensor<96x1x1xf32>, tensor<24x96x1x1xf32>) -> tensor<24x96x1x1xf32>
// CHECK: aic.conv %[[X]], %[[WS]], %{{.*}} outs(
// CHECK-NOT: aic.mul
// The weights have more than 1/1000 of the activation's elements.
// RATIO-LABEL: func @se
// RATIO: aic.mul %arg0, %arg1
// RATIO: aic.conv
func.func @se(%x: tensor<1x96x56x56xf32>, %s: tensor<1x96x1x1xf32>) -> tensor<1x24x56x56xf32> {
  %w = arith.constant dense<0.5> : tensor<24x96x1x1xf32>
  %b = arith.constant dense<0.1> : tensor<24xf32>
  %e = tensor.empty() : tensor<1x96x56x56xf32>
  %y = aic.mul %x, %s outs(%e) : (tensor<1x96x56x56xf32>, tensor<1x96x1x1xf32>, tensor<1x96x56x56xf32>) -> tensor<1x96x56x56xf32>
  %e1 = tensor.empty() : tensor<1x24x56x56xf32>
  %c = aic.conv %y, %w, %b outs(%e1) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64} : (tensor<1x96x56x56xf32>, tensor<24x96x1x1xf32>, tensor<24xf32>, tensor<1x24x56x56xf32>) -> tensor<1x24x56x56xf32>
  return %c : tensor<1x24x56x56xf32>
}

// -----

// A 3x3 conv with padding: padded zeros stay zeros when scaled, so the
// factors (here given as [96, 1, 1], first operand) still move.
// CHECK-LABEL: func @padded
// CHECK: aic.mul %{{.*}}, %arg1 outs(%{{.*}}) : (tensor<8x96x3x3xf32>, tensor<96x1x1xf32>, tensor<8x96x3x3xf32>)
// CHECK: aic.conv %arg0,
func.func @padded(%x: tensor<1x96x56x56xf32>, %s: tensor<96x1x1xf32>) -> tensor<1x8x56x56xf32> {
  %w = arith.constant dense<0.5> : tensor<8x96x3x3xf32>
  %e = tensor.empty() : tensor<1x96x56x56xf32>
  %y = aic.mul %s, %x outs(%e) : (tensor<96x1x1xf32>, tensor<1x96x56x56xf32>, tensor<1x96x56x56xf32>) -> tensor<1x96x56x56xf32>
  %e1 = tensor.empty() : tensor<1x8x56x56xf32>
  %c = aic.conv %y, %w outs(%e1) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1 : i64} : (tensor<1x96x56x56xf32>, tensor<8x96x3x3xf32>, tensor<1x8x56x56xf32>) -> tensor<1x8x56x56xf32>
  return %c : tensor<1x8x56x56xf32>
}

// -----

// Not folded: a depthwise conv (groups), factors that vary along a spatial
// dim, a scaled value that is also used elsewhere, and weights bigger than
// 1/16 of the activation.
// CHECK-LABEL: func @kept
// CHECK-COUNT-4: aic.mul %arg0
func.func @kept(%x: tensor<1x96x16x16xf32>, %s: tensor<1x96x1x1xf32>, %t: tensor<1x1x16x1xf32>) -> (tensor<1x96x16x16xf32>, tensor<1x8x16x16xf32>, tensor<1x96x16x16xf32>, tensor<1x96x16x16xf32>, tensor<1x96x16x16xf32>) {
  %dw = arith.constant dense<0.5> : tensor<96x1x3x3xf32>
  %w = arith.constant dense<0.5> : tensor<8x96x1x1xf32>
  %big = arith.constant dense<0.5> : tensor<96x96x1x1xf32>
  %e = tensor.empty() : tensor<1x96x16x16xf32>
  %e8 = tensor.empty() : tensor<1x8x16x16xf32>
  %y1 = aic.mul %x, %s outs(%e) : (tensor<1x96x16x16xf32>, tensor<1x96x1x1xf32>, tensor<1x96x16x16xf32>) -> tensor<1x96x16x16xf32>
  %c1 = aic.conv %y1, %dw outs(%e) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 96 : i64} : (tensor<1x96x16x16xf32>, tensor<96x1x3x3xf32>, tensor<1x96x16x16xf32>) -> tensor<1x96x16x16xf32>
  %y2 = aic.mul %x, %t outs(%e) : (tensor<1x96x16x16xf32>, tensor<1x1x16x1xf32>, tensor<1x96x16x16xf32>) -> tensor<1x96x16x16xf32>
  %c2 = aic.conv %y2, %w outs(%e8) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64} : (tensor<1x96x16x16xf32>, tensor<8x96x1x1xf32>, tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
  %y3 = aic.mul %x, %s outs(%e) : (tensor<1x96x16x16xf32>, tensor<1x96x1x1xf32>, tensor<1x96x16x16xf32>) -> tensor<1x96x16x16xf32>
  %c3 = aic.conv %y3, %w outs(%e8) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64} : (tensor<1x96x16x16xf32>, tensor<8x96x1x1xf32>, tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
  %y4 = aic.mul %x, %s outs(%e) : (tensor<1x96x16x16xf32>, tensor<1x96x1x1xf32>, tensor<1x96x16x16xf32>) -> tensor<1x96x16x16xf32>
  %c4 = aic.conv %y4, %big outs(%e) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64} : (tensor<1x96x16x16xf32>, tensor<96x96x1x1xf32>, tensor<1x96x16x16xf32>) -> tensor<1x96x16x16xf32>
  %sum = aic.add %c3, %c2 outs(%e8) : (tensor<1x8x16x16xf32>, tensor<1x8x16x16xf32>, tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
  return %c1, %sum, %y3, %c4, %y1 : tensor<1x96x16x16xf32>, tensor<1x8x16x16xf32>, tensor<1x96x16x16xf32>, tensor<1x96x16x16xf32>, tensor<1x96x16x16xf32>
}
