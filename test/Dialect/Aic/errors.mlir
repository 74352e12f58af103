// RUN: aic-opt %s -split-input-file -verify-diagnostics

// Tests that a conv whose destination shape disagrees with its attributes is
// rejected.
func.func @conv_shape(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %e: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+1 {{expects result shape [1, 4, 6, 6], got [1, 4, 8, 8]}}
  %0 = aic.conv %x, %w outs(%e) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

// Tests that the destination shape is checked on buffers too.
func.func @conv_shape_buffers(%x: memref<1x3x8x8xf32>, %w: memref<4x3x3x3xf32>, %e: memref<1x4x8x8xf32>) {
  // expected-error @+1 {{expects result shape [1, 4, 6, 6], got [1, 4, 8, 8]}}
  aic.conv %x, %w outs(%e) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64} : (memref<1x3x8x8xf32>, memref<4x3x3x3xf32>, memref<1x4x8x8xf32>) -> ()
  return
}

// -----

// Tests that conv groups must divide the channels.
func.func @conv_group(%x: tensor<1x3x8x8xf32>, %w: tensor<4x1x3x3xf32>, %e: tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{expects group 2 to divide the input channels 3 and the output channels 4}}
  %0 = aic.conv %x, %w outs(%e) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 2 : i64} : (tensor<1x3x8x8xf32>, tensor<4x1x3x3xf32>, tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// Tests that the bias must have one element per output channel.
func.func @conv_bias(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<3xf32>, %e: tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{expects a bias of shape [4], got [3]}}
  %0 = aic.conv %x, %w, %b outs(%e) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<3xf32>, tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// Tests that every #aic.binary post-op needs a post operand.
func.func @post_ops_count(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %e: tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{post-op chain has more #aic.binary entries than post operands (0)}}
  %0 = aic.conv %x, %w outs(%e) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64, post_ops = [#aic.binary<add>]} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// Tests that a post operand no #aic.binary entry consumes is rejected.
func.func @post_operand_unused(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>, %c: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %e = tensor.empty() : tensor<2x3xf32>
  // expected-error @+1 {{has 1 post operands but the post-op chain uses 0}}
  %0 = aic.add %a, %b post(%c) outs(%e) {post_ops = [#aic.eltwise<relu>]} : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Tests that post operands must broadcast to the result.
func.func @post_operand_shape(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>, %c: tensor<4xf32>) -> tensor<2x3xf32> {
  %e = tensor.empty() : tensor<2x3xf32>
  // expected-error @+1 {{post operand #0 of shape [4] does not broadcast to the result shape [2, 3]}}
  %0 = aic.add %a, %b post(%c) outs(%e) {post_ops = [#aic.binary<add>]} : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<4xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Tests that pooling windows may not exceed the padded input.
func.func @pool_window(%x: tensor<1x1x2x2xf32>, %e: tensor<1x1x1x1xf32>) -> tensor<1x1x1x1xf32> {
  // expected-error @+1 {{window of 3 exceeds the padded input extent 2 in spatial dim 0}}
  %0 = aic.max_pool %x outs(%e) {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x1x1xf32>
  return %0 : tensor<1x1x1x1xf32>
}

// -----

// Tests that pooling attributes must cover every spatial dim.
func.func @pool_attrs(%x: tensor<1x1x4x4xf32>, %e: tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+1 {{expects 2 kernel/strides/dilations entries and 4 pads for 2 spatial dims}}
  %0 = aic.avg_pool %x outs(%e) {kernel = array<i64: 2>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

// Tests that pooling strides must be positive.
func.func @pool_stride(%x: tensor<1x1x4x4xf32>, %e: tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+1 {{expects positive kernel, strides and dilations and non-negative pads (spatial dim 1)}}
  %0 = aic.max_pool %x outs(%e) {kernel = array<i64: 2, 2>, strides = array<i64: 2, 0>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

// Tests that matmul contraction sizes must agree after transposes.
func.func @matmul_k(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>, %e: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{expects matching contraction sizes, got 3 and 4}}
  %0 = aic.matmul %a, %b outs(%e) : (tensor<2x3xf32>, tensor<4x3xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Tests that matmul batch dims must broadcast.
func.func @matmul_batch(%a: tensor<2x2x3xf32>, %b: tensor<3x3x4xf32>, %e: tensor<2x2x4xf32>) -> tensor<2x2x4xf32> {
  // expected-error @+1 {{expects broadcastable batch dims, got [2] and [3]}}
  %0 = aic.matmul %a, %b outs(%e) : (tensor<2x2x3xf32>, tensor<3x3x4xf32>, tensor<2x2x4xf32>) -> tensor<2x2x4xf32>
  return %0 : tensor<2x2x4xf32>
}

// -----

// Tests that a matmul bias must broadcast to the result.
func.func @matmul_bias(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>, %bias: tensor<3xf32>, %e: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{expects a bias broadcastable to [2, 4], got [3]}}
  %0 = aic.matmul %a, %b, %bias outs(%e) : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<3xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Tests that binary operands must broadcast.
func.func @binary_broadcast(%a: tensor<2x3xf32>, %b: tensor<2xf32>, %e: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{expects broadcastable operands, got [2, 3] and [2]}}
  %0 = aic.add %a, %b outs(%e) : (tensor<2x3xf32>, tensor<2xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Tests that the destination of a binary op has the broadcast shape.
func.func @binary_dest(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %e: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{expects result shape [2, 3], got [3]}}
  %0 = aic.sub %a, %b outs(%e) : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Tests that element types may not be mixed.
func.func @binary_types(%a: tensor<2xf32>, %b: tensor<2xi32>, %e: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{expects all operands and results to have one element type, got 'f32' and 'i32'}}
  %0 = aic.mul %a, %b outs(%e) : (tensor<2xf32>, tensor<2xi32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Tests that a unary op's destination has its input's shape.
func.func @unary_shape(%a: tensor<2x3xf32>, %e: tensor<3x2xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{expects result shape [2, 3], got [3, 2]}}
  %0 = aic.relu %a outs(%e) : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// Tests that clip bounds may not be NaN.
func.func @clip_nan(%a: tensor<4xf32>, %e: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{expects non-NaN bounds}}
  %0 = aic.clip %a outs(%e) {min = 0x7FF8000000000000 : f64, max = 6.0 : f64} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Tests that softmax axes are range checked.
func.func @softmax_axis(%a: tensor<2x3xf32>, %e: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{expects axis in [0, 2), got 2}}
  %0 = aic.softmax %a outs(%e) {axis = 2 : i64, log} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Tests that batch_norm operands are per channel (dim 1).
func.func @batch_norm_channels(%x: tensor<1x4x2x2xf32>, %s: tensor<4xf32>, %m: tensor<2xf32>, %e: tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32> {
  // expected-error @+1 {{expects per-channel operands of shape [4], got [2]}}
  %0 = aic.batch_norm %x, %s, %s, %m, %s outs(%e) {epsilon = 1.0e-05 : f64} : (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<2xf32>, tensor<4xf32>, tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  return %0 : tensor<1x4x2x2xf32>
}

// -----

// Tests that the batch_norm epsilon may not be negative.
func.func @batch_norm_epsilon(%x: tensor<1x4xf32>, %s: tensor<4xf32>, %e: tensor<1x4xf32>) -> tensor<1x4xf32> {
  // expected-error @+1 {{expects a non-negative epsilon}}
  %0 = aic.batch_norm %x, %s, %s, %s, %s outs(%e) {epsilon = -1.0 : f64} : (tensor<1x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

// Tests that reshape preserves the element count.
func.func @reshape_count(%a: tensor<2x3xf32>) -> tensor<7xf32> {
  // expected-error @+1 {{expects static shapes with equal element counts, got [2, 3] and [7]}}
  %0 = aic.reshape %a : tensor<2x3xf32> -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// -----

// Tests that concat inputs must agree off the axis.
func.func @concat_shapes(%a: tensor<2x3xf32>, %b: tensor<3x3xf32>, %e: tensor<2x6xf32>) -> tensor<2x6xf32> {
  // expected-error @+1 {{expects input #1 of shape [3, 3] to match the others except on axis 1}}
  %0 = aic.concat %a, %b outs(%e) {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3x3xf32>, tensor<2x6xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

// Tests that the concat axis is range checked.
func.func @concat_axis(%a: tensor<2x3xf32>, %e: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{expects axis in [0, 2), got -1}}
  %0 = aic.concat %a outs(%e) {axis = -1 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Tests that an op on tensors must return its destination.
func.func @tensor_without_result(%a: tensor<4xf32>, %e: tensor<4xf32>) {
  // expected-error @+1 {{expected the number of tensor results (0) to be equal to the number of output tensors (1)}}
  aic.relu %a outs(%e) : (tensor<4xf32>, tensor<4xf32>) -> ()
  return
}

// -----

// Tests that an op on buffers has no result.
func.func @buffer_with_result(%a: memref<4xf32>, %e: memref<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{expected the number of tensor results (1) to be equal to the number of output tensors (0)}}
  %0 = aic.relu %a outs(%e) : (memref<4xf32>, memref<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Tests that the result has its destination's type.
func.func @result_type(%a: tensor<4xf32>, %e: tensor<4xf32>) -> tensor<2x2xf32> {
  // expected-error @+1 {{expected type of operand #1 ('tensor<4xf32>') to match type of corresponding result ('tensor<2x2xf32>')}}
  %0 = aic.exp %a outs(%e) : (tensor<4xf32>, tensor<4xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// Tests that unknown elementwise kinds are rejected by the parser.
func.func @bad_eltwise(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %e: tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{unknown elementwise kind 'gelu'}}
  %0 = aic.conv %x, %w outs(%e) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64, post_ops = [#aic.eltwise<gelu>]} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// Tests that an operand's type must be the stored shape its layout names
// (24 channels in blocks of 16 are stored as 2 blocks).
func.func @layout_shape(%x: tensor<1x24x5x5xf32>, %e: tensor<1x1x5x5x16xf32>) -> tensor<1x1x5x5x16xf32> {
  // expected-error @+1 {{operand #1 of shape [1, 1, 5, 5, 16] is not the stored shape [1, 2, 5, 5, 16] of #aic.layout<"aBcd16b", [1, 24, 5, 5]>}}
  %0 = aic.reorder %x outs(%e) {layouts = [unit, #aic.layout<"aBcd16b", [1, 24, 5, 5]>]} : (tensor<1x24x5x5xf32>, tensor<1x1x5x5x16xf32>) -> tensor<1x1x5x5x16xf32>
  return %0 : tensor<1x1x5x5x16xf32>
}

// -----

// Tests that a reorder keeps the logical shape.
func.func @reorder_shape(%x: tensor<1x32x5x5xf32>, %e: tensor<1x2x5x5x16xf32>) -> tensor<1x2x5x5x16xf32> {
  // expected-error @+1 {{expects result shape [1, 32, 5, 5], got [1, 24, 5, 5]}}
  %0 = aic.reorder %x outs(%e) {layouts = [unit, #aic.layout<"aBcd16b", [1, 24, 5, 5]>]} : (tensor<1x32x5x5xf32>, tensor<1x2x5x5x16xf32>) -> tensor<1x2x5x5x16xf32>
  return %0 : tensor<1x2x5x5x16xf32>
}

// -----

// Tests that a format tag must name each dim once, blocked dims upper case.
// expected-error @+1 {{format tag "abCd16b": exactly the blocked dims are upper case}}
func.func private @bad_tag() -> () attributes {l = #aic.layout<"abCd16b", [1, 2, 3, 4]>}

// -----

// Tests that the tag and the dims have one rank.
// expected-error @+1 {{format tag "acdb" has 4 dims but the layout 3}}
func.func private @bad_rank() -> () attributes {l = #aic.layout<"acdb", [1, 2, 3]>}

// -----

// Tests that a run-time dim is never blocked: its padding is unknown.
// expected-error @+1 {{layout dim 1 is a run-time dim and blocked}}
func.func private @blocked_dynamic() -> () attributes {l = #aic.layout<"aBcd16b", [1, ?, 3, 4]>}

// -----

// Tests that run-time dims are stored in their logical order, the order the
// runtime receives them in.
// expected-error @+1 {{run-time layout dims 3 and 0 are stored out of order}}
func.func private @dynamic_order() -> () attributes {l = #aic.layout<"bdac", [?, 2, 3, ?]>}

// -----

// Tests that the layouts attribute has one entry per operand.
func.func @layout_count(%x: tensor<4xf32>, %e: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{has 1 layouts for 2 operands}}
  %0 = aic.relu %x outs(%e) {layouts = [unit]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Tests that a conv_transpose destination must have the transposed window's
// shape: (4 - 1) * 2 + (3 - 1) + 1 - 1 - 0 = 8.
func.func @conv_transpose_shape(%x: tensor<1x4x4x4xf32>, %w: tensor<4x3x3x3xf32>, %e: tensor<1x3x9x9xf32>) -> tensor<1x3x9x9xf32> {
  // expected-error @+1 {{expects result shape [1, 3, 8, 8], got [1, 3, 9, 9]}}
  %0 = aic.conv_transpose %x, %w outs(%e) {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 0>, group = 1 : i64} : (tensor<1x4x4x4xf32>, tensor<4x3x3x3xf32>, tensor<1x3x9x9xf32>) -> tensor<1x3x9x9xf32>
  return %0 : tensor<1x3x9x9xf32>
}

// -----

// Tests that conv_transpose pads may not be negative (output_padding is the
// importer's business).
func.func @conv_transpose_pads(%x: tensor<1x4x4x4xf32>, %w: tensor<4x3x3x3xf32>, %e: tensor<1x3x10x10xf32>) -> tensor<1x3x10x10xf32> {
  // expected-error @+1 {{expects positive strides and dilations and non-negative pads (spatial dim 0)}}
  %0 = aic.conv_transpose %x, %w outs(%e) {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, -1, -1>, group = 1 : i64} : (tensor<1x4x4x4xf32>, tensor<4x3x3x3xf32>, tensor<1x3x10x10xf32>) -> tensor<1x3x10x10xf32>
  return %0 : tensor<1x3x10x10xf32>
}

// -----

// Tests that conv_transpose weights are [C, OC/group, k...]: dim 0 is the
// input channels.
func.func @conv_transpose_weight(%x: tensor<1x4x4x4xf32>, %w: tensor<3x4x3x3xf32>, %e: tensor<1x8x6x6xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error @+1 {{expects weight dim 0 (3) to equal the input channels 4}}
  %0 = aic.conv_transpose %x, %w outs(%e) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 2 : i64} : (tensor<1x4x4x4xf32>, tensor<3x4x3x3xf32>, tensor<1x8x6x6xf32>) -> tensor<1x8x6x6xf32>
  return %0 : tensor<1x8x6x6xf32>
}

// -----

// Tests that a conv_transpose bias has one element per output channel
// (weight dim 1 x group).
func.func @conv_transpose_bias(%x: tensor<1x4x4x4xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<3xf32>, %e: tensor<1x6x6x6xf32>) -> tensor<1x6x6x6xf32> {
  // expected-error @+1 {{expects a bias of shape [6], got [3]}}
  %0 = aic.conv_transpose %x, %w, %b outs(%e) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 2 : i64} : (tensor<1x4x4x4xf32>, tensor<4x3x3x3xf32>, tensor<3xf32>, tensor<1x6x6x6xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}

// -----

// Tests that lrn takes odd sizes only (its window is centered).
func.func @lrn_even(%x: tensor<1x4x2x2xf32>, %e: tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32> {
  // expected-error @+1 {{expects a positive odd size, got 4}}
  %0 = aic.lrn %x outs(%e) {size = 4 : i64, alpha = 1.0 : f64, beta = 1.0 : f64, bias = 1.0 : f64} : (tensor<1x4x2x2xf32>, tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  return %0 : tensor<1x4x2x2xf32>
}

// -----

// Tests that rnn names a cell oneDNN has.
func.func @rnn_cell(%x: tensor<5x2x3xf32>, %w: tensor<3x1x6xf32>, %r: tensor<6x1x6xf32>, %b: tensor<1x6xf32>, %y: tensor<5x2x6xf32>, %h: tensor<2x6xf32>) -> tensor<2x6xf32> {
  // expected-error @+1 {{unknown cell 'rnn_gelu'}}
  %0:2 = aic.rnn %x, %w, %r, %b outs(%y, %h) {cell = "rnn_gelu"} : (tensor<5x2x3xf32>, tensor<3x1x6xf32>, tensor<6x1x6xf32>, tensor<1x6xf32>, tensor<5x2x6xf32>, tensor<2x6xf32>) -> (tensor<5x2x6xf32>, tensor<2x6xf32>)
  return %0#1 : tensor<2x6xf32>
}

// -----

// Tests that rnn checks its weights against the input and hidden sizes.
func.func @rnn_weights(%x: tensor<5x2x3xf32>, %w: tensor<4x4x6xf32>, %r: tensor<6x4x6xf32>, %b: tensor<4x6xf32>, %y: tensor<5x2x6xf32>, %h: tensor<2x6xf32>) -> tensor<2x6xf32> {
  // expected-error @+1 {{expects weights_layer [3, 4, 6], got [4, 4, 6]}}
  %0:3 = aic.rnn %x, %w, %r, %b outs(%y, %h, %h) {cell = "lstm"} : (tensor<5x2x3xf32>, tensor<4x4x6xf32>, tensor<6x4x6xf32>, tensor<4x6xf32>, tensor<5x2x6xf32>, tensor<2x6xf32>, tensor<2x6xf32>) -> (tensor<5x2x6xf32>, tensor<2x6xf32>, tensor<2x6xf32>)
  return %0#1 : tensor<2x6xf32>
}

// -----

// Tests that an lstm has three destinations.
func.func @rnn_dests(%x: tensor<5x2x3xf32>, %w: tensor<3x4x6xf32>, %r: tensor<6x4x6xf32>, %b: tensor<4x6xf32>, %y: tensor<5x2x6xf32>, %h: tensor<2x6xf32>) -> tensor<2x6xf32> {
  // expected-error @+1 {{expects 3 destinations}}
  %0:2 = aic.rnn %x, %w, %r, %b outs(%y, %h) {cell = "lstm"} : (tensor<5x2x3xf32>, tensor<3x4x6xf32>, tensor<6x4x6xf32>, tensor<4x6xf32>, tensor<5x2x6xf32>, tensor<2x6xf32>) -> (tensor<5x2x6xf32>, tensor<2x6xf32>)
  return %0#1 : tensor<2x6xf32>
}

// -----

// Tests that the integer form of matmul sums into i32 only.
func.func @integer_matmul_result(%a: tensor<2x3xi8>, %b: tensor<3x4xi8>, %e: tensor<2x4xi8>) -> tensor<2x4xi8> {
  // expected-error @+1 {{expects i8 operands and an i32 init in its integer form, got 'i8'}}
  %0 = aic.matmul %a, %b outs(%e) : (tensor<2x3xi8>, tensor<3x4xi8>, tensor<2x4xi8>) -> tensor<2x4xi8>
  return %0 : tensor<2x4xi8>
}

// -----

// Tests that the integer form of conv has no post-ops (the importer
// requantizes its sums in generated code).
func.func @integer_conv_post_ops(%x: tensor<1x3x8x8xi8>, %w: tensor<4x3x3x3xi8>, %e: tensor<1x4x6x6xi32>) -> tensor<1x4x6x6xi32> {
  // expected-error @+1 {{expects no bias, post-ops nor alpha in its integer form}}
  %0 = aic.conv %x, %w outs(%e) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64, post_ops = [#aic.eltwise<relu>]}
       : (tensor<1x3x8x8xi8>, tensor<4x3x3x3xi8>, tensor<1x4x6x6xi32>) -> tensor<1x4x6x6xi32>
  return %0 : tensor<1x4x6x6xi32>
}

// -----

// Tests that the integer form of matmul has no alpha.
func.func @integer_matmul_alpha(%a: tensor<2x3xi8>, %b: tensor<3x4xi8>, %e: tensor<2x4xi32>) -> tensor<2x4xi32> {
  // expected-error @+1 {{expects no bias, post-ops nor alpha in its integer form}}
  %0 = aic.matmul %a, %b outs(%e) {alpha = 2.0 : f64} : (tensor<2x3xi8>, tensor<3x4xi8>, tensor<2x4xi32>) -> tensor<2x4xi32>
  return %0 : tensor<2x4xi32>
}
