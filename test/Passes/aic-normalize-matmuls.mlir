// RUN: aic-opt %s -split-input-file -aic-normalize-matmuls | FileCheck %s

// Tests PyTorch's sequence-first projection: the transpose moves only a unit
// dim (a reshape), and the matmul of [64, 1, 256] rows by a 2-D weight is
// one 2-D matmul of 64 rows, its destination and full-shape post operand
// reshaped alike and its broadcast bias kept.
// CHECK-LABEL: func @seq_first_projection
// CHECK-NOT: linalg.transpose
// CHECK-DAG: %[[A:.*]] = aic.reshape %arg0 : tensor<1x64x256xf32> -> tensor<64x256xf32>
// CHECK-DAG: %[[I:.*]] = aic.reshape %{{.*}} : tensor<64x1x768xf32> -> tensor<64x768xf32>
// CHECK-DAG: %[[R:.*]] = aic.reshape %arg3 : tensor<64x1x768xf32> -> tensor<64x768xf32>
// CHECK: %[[M:.*]] = aic.matmul %[[A]], %arg1 post(%arg2, %[[R]]) outs(%[[I]]) {post_ops = [#aic.binary<add>, #aic.binary<mul>]} : (tensor<64x256xf32>, tensor<256x768xf32>, tensor<768xf32>, tensor<64x768xf32>, tensor<64x768xf32>) -> tensor<64x768xf32>
// CHECK: %[[Y:.*]] = aic.reshape %[[M]] : tensor<64x768xf32> -> tensor<64x1x768xf32>
// CHECK: return %[[Y]]
func.func @seq_first_projection(%x: tensor<1x64x256xf32>, %w: tensor<256x768xf32>, %b: tensor<768xf32>, %r: tensor<64x1x768xf32>) -> tensor<64x1x768xf32> {
  %e = tensor.empty() : tensor<64x1x256xf32>
  %t = linalg.transpose ins(%x : tensor<1x64x256xf32>) outs(%e : tensor<64x1x256xf32>) permutation = [1, 0, 2]
  %e1 = tensor.empty() : tensor<64x1x768xf32>
  %y = aic.matmul %t, %w post(%b, %r) outs(%e1) {post_ops = [#aic.binary<add>, #aic.binary<mul>]} : (tensor<64x1x256xf32>, tensor<256x768xf32>, tensor<768xf32>, tensor<64x1x768xf32>, tensor<64x1x768xf32>) -> tensor<64x1x768xf32>
  return %y : tensor<64x1x768xf32>
}

// -----

// Tests the projection of sequence-first attention over a symbolic batch:
// the transpose of [B, S, D] to [S, B, D] moves run-time dims and stays,
// but the matmul of its S x B rows by a 2-D weight is one 2-D matmul: its
// operand, destination and full-shape post operand are collapsed views
// (tensor.collapse_shape) and its result is reshaped back to the run-time
// sizes of the destination (a tensor.reshape: MLIR 19 cannot bufferize an
// expand_shape with two run-time dims in one group).
// CHECK-LABEL: func @seq_first_projection_symbolic
// CHECK: %[[T:.*]] = linalg.transpose
// CHECK-DAG: %[[A:.*]] = tensor.collapse_shape %[[T]] {{\[}}[0, 1], [2]] : tensor<?x?x256xf32> into tensor<?x256xf32>
// CHECK-DAG: %[[I:.*]] = tensor.collapse_shape %[[E:.*]] {{\[}}[0, 1], [2]] : tensor<?x?x768xf32> into tensor<?x768xf32>
// CHECK-DAG: %[[R:.*]] = tensor.collapse_shape %arg3 {{\[}}[0, 1], [2]] : tensor<?x?x768xf32> into tensor<?x768xf32>
// CHECK: %[[M:.*]] = aic.matmul %[[A]], %arg1 post(%arg2, %[[R]]) outs(%[[I]]) {post_ops = [#aic.binary<add>, #aic.binary<mul>]} : (tensor<?x256xf32>, tensor<256x768xf32>, tensor<768xf32>, tensor<?x768xf32>, tensor<?x768xf32>) -> tensor<?x768xf32>
// CHECK-DAG: %[[S:.*]] = tensor.dim %[[E]], %c0
// CHECK-DAG: %[[B:.*]] = tensor.dim %[[E]], %c1
// CHECK: %[[SH:.*]] = tensor.from_elements %[[S]], %[[B]], %c768 : tensor<3xindex>
// CHECK: %[[Y:.*]] = tensor.reshape %[[M]](%[[SH]]) : (tensor<?x768xf32>, tensor<3xindex>) -> tensor<?x?x768xf32>
// CHECK: return %[[Y]]
func.func @seq_first_projection_symbolic(%x: tensor<?x?x256xf32>, %w: tensor<256x768xf32>, %b: tensor<768xf32>, %r: tensor<?x?x768xf32>) -> tensor<?x?x768xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %bs = tensor.dim %x, %c0 : tensor<?x?x256xf32>
  %s = tensor.dim %x, %c1 : tensor<?x?x256xf32>
  %e = tensor.empty(%s, %bs) : tensor<?x?x256xf32>
  %t = linalg.transpose ins(%x : tensor<?x?x256xf32>) outs(%e : tensor<?x?x256xf32>) permutation = [1, 0, 2]
  %e1 = tensor.empty(%s, %bs) : tensor<?x?x768xf32>
  %y = aic.matmul %t, %w post(%b, %r) outs(%e1) {post_ops = [#aic.binary<add>, #aic.binary<mul>]} : (tensor<?x?x256xf32>, tensor<256x768xf32>, tensor<768xf32>, tensor<?x?x768xf32>, tensor<?x?x768xf32>) -> tensor<?x?x768xf32>
  return %y : tensor<?x?x768xf32>
}

// -----

// Tests that one run-time dim among the collapsed ones expands back with a
// tensor.expand_shape.
// CHECK-LABEL: func @symbolic_batch_rows
// CHECK: %[[A:.*]] = tensor.collapse_shape %arg0 {{\[}}[0, 1], [2]] : tensor<?x64x16xf32> into tensor<?x16xf32>
// CHECK: %[[M:.*]] = aic.matmul %[[A]], %arg1 outs(%{{.*}}) : (tensor<?x16xf32>, tensor<16x8xf32>, tensor<?x8xf32>) -> tensor<?x8xf32>
// CHECK: tensor.expand_shape %[[M]] {{\[}}[0, 1], [2]] output_shape [%{{.*}}, 64, 8] : tensor<?x8xf32> into tensor<?x64x8xf32>
func.func @symbolic_batch_rows(%x: tensor<?x64x16xf32>, %w: tensor<16x8xf32>) -> tensor<?x64x8xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x64x16xf32>
  %e = tensor.empty(%n) : tensor<?x64x8xf32>
  %y = aic.matmul %x, %w outs(%e) : (tensor<?x64x16xf32>, tensor<16x8xf32>, tensor<?x64x8xf32>) -> tensor<?x64x8xf32>
  return %y : tensor<?x64x8xf32>
}

// -----

// Tests that a post operand with a unit dim where the result has a
// run-time one keeps a symbolic matmul batched: it would broadcast.
// CHECK-LABEL: func @symbolic_partial_broadcast
// CHECK-NOT: collapse_shape
// CHECK: aic.matmul %arg0, %arg1 post(%arg2) {{.*}} -> tensor<?x64x8xf32>
func.func @symbolic_partial_broadcast(%x: tensor<?x64x16xf32>, %w: tensor<16x8xf32>, %p: tensor<1x64x8xf32>) -> tensor<?x64x8xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x64x16xf32>
  %e = tensor.empty(%n) : tensor<?x64x8xf32>
  %y = aic.matmul %x, %w post(%p) outs(%e) {post_ops = [#aic.binary<add>]} : (tensor<?x64x16xf32>, tensor<16x8xf32>, tensor<1x64x8xf32>, tensor<?x64x8xf32>) -> tensor<?x64x8xf32>
  return %y : tensor<?x64x8xf32>
}

// -----

// Tests that a transpose that reorders non-unit dims stays a transpose, and
// that a right operand with batch dims keeps the matmul batched.
// CHECK-LABEL: func @batched
// CHECK: linalg.transpose
// CHECK: aic.matmul %{{.*}}, %arg1 outs(%{{.*}}) : (tensor<2x3x4xf32>, tensor<2x4x5xf32>, tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
// CHECK-NOT: aic.reshape
func.func @batched(%x: tensor<3x2x4xf32>, %w: tensor<2x4x5xf32>) -> tensor<2x3x5xf32> {
  %e = tensor.empty() : tensor<2x3x4xf32>
  %t = linalg.transpose ins(%x : tensor<3x2x4xf32>) outs(%e : tensor<2x3x4xf32>) permutation = [1, 0, 2]
  %e1 = tensor.empty() : tensor<2x3x5xf32>
  %y = aic.matmul %t, %w outs(%e1) : (tensor<2x3x4xf32>, tensor<2x4x5xf32>, tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  return %y : tensor<2x3x5xf32>
}

// -----

// Tests that a post operand broadcast along only one of two batch dims
// keeps the matmul batched (the rows would not line up), while a right
// operand with unit batch dims does not block it by itself.
// CHECK-LABEL: func @partial_broadcast
// CHECK-NOT: aic.reshape
// CHECK: aic.matmul %arg0, %arg1 post(%arg2) {{.*}} -> tensor<2x3x4x5xf32>
func.func @partial_broadcast(%x: tensor<2x3x4x6xf32>, %w: tensor<1x1x6x5xf32>, %p: tensor<3x1x5xf32>) -> tensor<2x3x4x5xf32> {
  %e = tensor.empty() : tensor<2x3x4x5xf32>
  %y = aic.matmul %x, %w post(%p) outs(%e) {post_ops = [#aic.binary<add>]} : (tensor<2x3x4x6xf32>, tensor<1x1x6x5xf32>, tensor<3x1x5xf32>, tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32>
  return %y : tensor<2x3x4x5xf32>
}

// -----

// Tests that a transposed left operand keeps its batch (its rows are not
// contiguous), and that a transpose swapping the last two dims of a matmul
// operand becomes the operand's transpose flag.
// CHECK-LABEL: func @transposed_rhs
// CHECK-NOT: linalg.transpose
// CHECK: aic.matmul %arg0, %arg1 outs(%{{.*}}) {transpose_lhs, transpose_rhs} : (tensor<2x6x4xf32>, tensor<2x5x6xf32>, tensor<2x4x5xf32>) -> tensor<2x4x5xf32>
func.func @transposed_rhs(%x: tensor<2x6x4xf32>, %w: tensor<2x5x6xf32>) -> tensor<2x4x5xf32> {
  %e = tensor.empty() : tensor<2x6x5xf32>
  %t = linalg.transpose ins(%w : tensor<2x5x6xf32>) outs(%e : tensor<2x6x5xf32>) permutation = [0, 2, 1]
  %e1 = tensor.empty() : tensor<2x4x5xf32>
  %y = aic.matmul %x, %t outs(%e1) {transpose_lhs} : (tensor<2x6x4xf32>, tensor<2x6x5xf32>, tensor<2x4x5xf32>) -> tensor<2x4x5xf32>
  return %y : tensor<2x4x5xf32>
}

// -----

// Tests the key of sequence-first attention: K as [S, H, D] transposed to
// [H, D, S] is copied as [H, S, D] (whole rows) and read transposed; the
// query's scale 1/8 moves into alpha.
// CHECK-LABEL: func @attention_scores
// CHECK: %[[K:.*]] = linalg.transpose ins(%arg1 : tensor<16x4x8xf32>) outs(%{{.*}} : tensor<4x16x8xf32>) permutation = [1, 0, 2]
// CHECK-NOT: aic.div
// CHECK: aic.matmul %arg0, %[[K]] outs(%{{.*}}) {alpha = 1.250000e-01 : f64, transpose_rhs}
func.func @attention_scores(%q: tensor<4x16x8xf32>, %k: tensor<16x4x8xf32>) -> tensor<4x16x16xf32> {
  %c = arith.constant dense<8.0> : tensor<f32>
  %e = tensor.empty() : tensor<4x16x8xf32>
  %qs = aic.div %q, %c outs(%e) : (tensor<4x16x8xf32>, tensor<f32>, tensor<4x16x8xf32>) -> tensor<4x16x8xf32>
  %e1 = tensor.empty() : tensor<4x8x16xf32>
  %kt = linalg.transpose ins(%k : tensor<16x4x8xf32>) outs(%e1 : tensor<4x8x16xf32>) permutation = [1, 2, 0]
  %e2 = tensor.empty() : tensor<4x16x16xf32>
  %s = aic.matmul %qs, %kt outs(%e2) : (tensor<4x16x8xf32>, tensor<4x8x16xf32>, tensor<4x16x16xf32>) -> tensor<4x16x16xf32>
  return %s : tensor<4x16x16xf32>
}

// -----

// Tests that a scale of the result (BERT's scores / sqrt(d)) moves into
// alpha, times a scale of an operand, but not past a bias, and that a scale
// that broadcasts its operand to a bigger shape stays.
// CHECK-LABEL: func @result_scale
// CHECK: %[[M:.*]] = aic.matmul %arg0, %arg1 outs(%{{.*}}) : (tensor<4x8xf32>
// CHECK-NOT: aic.mul
// CHECK: return %[[M]]
// CHECK-LABEL: func @scale_after_bias
// CHECK: aic.matmul %arg0, %arg1, %arg2
// CHECK: aic.div
// CHECK-LABEL: func @broadcasting_scale
// CHECK: aic.mul
// CHECK: aic.matmul
func.func @result_scale(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>) -> tensor<4x4xf32> {
  %c = arith.constant dense<2.0> : tensor<1xf32>
  %h = arith.constant dense<0.5> : tensor<f32>
  %e = tensor.empty() : tensor<4x8xf32>
  %a2 = aic.mul %c, %a outs(%e) : (tensor<1xf32>, tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %e1 = tensor.empty() : tensor<4x4xf32>
  %m = aic.matmul %a2, %b outs(%e1) : (tensor<4x8xf32>, tensor<8x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %y = aic.mul %m, %h outs(%e1) : (tensor<4x4xf32>, tensor<f32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  return %y : tensor<4x4xf32>
}
func.func @scale_after_bias(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>, %bias: tensor<4xf32>) -> tensor<4x4xf32> {
  %c = arith.constant dense<2.0> : tensor<f32>
  %e1 = tensor.empty() : tensor<4x4xf32>
  %m = aic.matmul %a, %b, %bias outs(%e1) : (tensor<4x8xf32>, tensor<8x4xf32>, tensor<4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %y = aic.div %m, %c outs(%e1) : (tensor<4x4xf32>, tensor<f32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  return %y : tensor<4x4xf32>
}
func.func @broadcasting_scale(%a: tensor<8xf32>, %b: tensor<8x4xf32>) -> tensor<4x4xf32> {
  %c = arith.constant dense<2.0> : tensor<4x8xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %a2 = aic.mul %a, %c outs(%e) : (tensor<8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %e1 = tensor.empty() : tensor<4x4xf32>
  %m = aic.matmul %a2, %b outs(%e1) : (tensor<4x8xf32>, tensor<8x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  return %m : tensor<4x4xf32>
}

// -----

// Tests the head split of the K third of a fused QKV projection: the slice
// moves behind a reshape of the whole projection (a view), so only the
// transpose copies; a reshape read by a library op keeps its dense copy.
// CHECK-LABEL: func @qkv_heads
// CHECK: %[[W:.*]] = aic.reshape %arg0 : tensor<16x1x96xf32> -> tensor<16x3x4x8xf32>
// CHECK: %[[K:.*]] = tensor.extract_slice %[[W]][0, 1, 0, 0] [16, 1, 4, 8] [1, 1, 1, 1] : tensor<16x3x4x8xf32> to tensor<16x4x8xf32>
// CHECK: linalg.transpose ins(%[[K]] : tensor<16x4x8xf32>)
// CHECK: %[[V:.*]] = tensor.extract_slice %arg0[0, 0, 64] [16, 1, 32] [1, 1, 1]
// CHECK: aic.reshape %[[V]] : tensor<16x1x32xf32> -> tensor<16x4x8xf32>
// CHECK: aic.relu
func.func @qkv_heads(%qkv: tensor<16x1x96xf32>) -> (tensor<4x16x8xf32>, tensor<16x4x8xf32>) {
  %k = tensor.extract_slice %qkv[0, 0, 32] [16, 1, 32] [1, 1, 1] : tensor<16x1x96xf32> to tensor<16x1x32xf32>
  %kh = aic.reshape %k : tensor<16x1x32xf32> -> tensor<16x4x8xf32>
  %e = tensor.empty() : tensor<4x16x8xf32>
  %t = linalg.transpose ins(%kh : tensor<16x4x8xf32>) outs(%e : tensor<4x16x8xf32>) permutation = [1, 0, 2]
  %v = tensor.extract_slice %qkv[0, 0, 64] [16, 1, 32] [1, 1, 1] : tensor<16x1x96xf32> to tensor<16x1x32xf32>
  %vh = aic.reshape %v : tensor<16x1x32xf32> -> tensor<16x4x8xf32>
  %e1 = tensor.empty() : tensor<16x4x8xf32>
  %r = aic.relu %vh outs(%e1) : (tensor<16x4x8xf32>, tensor<16x4x8xf32>) -> tensor<16x4x8xf32>
  return %t, %r : tensor<4x16x8xf32>, tensor<16x4x8xf32>
}

// -----

// Tests separate Q, K and V projections of one input (as HF BERT exports
// them): one matmul by the weights side by side, whose column slices replace
// the three results, and one add of the biases side by side; the rows of the
// [1, 4, 6] input are collapsed after the merge.
// CHECK-LABEL: func @qkv_separate
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[}}[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00], {{.*}}> : tensor<6x5xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<[1.000000e+00, 1.000000e+00, 2.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<5xf32>
// CHECK: %[[M:.*]] = aic.matmul %{{.*}}, %[[W]] outs(%{{.*}}) : (tensor<4x6xf32>, tensor<6x5xf32>, tensor<4x5xf32>) -> tensor<4x5xf32>
// CHECK: %[[R:.*]] = aic.reshape %[[M]] : tensor<4x5xf32> -> tensor<1x4x5xf32>
// CHECK: %[[A:.*]] = aic.add %[[R]], %[[B]]
// CHECK-DAG: tensor.extract_slice %[[A]][0, 0, 0] [1, 4, 2] [1, 1, 1]
// CHECK-DAG: tensor.extract_slice %[[A]][0, 0, 2] [1, 4, 2] [1, 1, 1]
// CHECK-DAG: tensor.extract_slice %[[A]][0, 0, 4] [1, 4, 1] [1, 1, 1]
// CHECK-NOT: aic.matmul
func.func @qkv_separate(%x: tensor<1x4x6xf32>) -> (tensor<1x4x2xf32>, tensor<1x4x2xf32>, tensor<1x4x1xf32>) {
  %wq = arith.constant dense<[[1.0, 2.0], [6.0, 7.0], [1.0, 1.0], [1.0, 1.0], [1.0, 1.0], [1.0, 1.0]]> : tensor<6x2xf32>
  %wk = arith.constant dense<[[3.0, 4.0], [8.0, 9.0], [1.0, 1.0], [1.0, 1.0], [1.0, 1.0], [1.0, 1.0]]> : tensor<6x2xf32>
  %wv = arith.constant dense<[[5.0], [10.0], [1.0], [1.0], [1.0], [1.0]]> : tensor<6x1xf32>
  %bq = arith.constant dense<1.0> : tensor<2xf32>
  %bk = arith.constant dense<2.0> : tensor<2xf32>
  %bv = arith.constant dense<3.0> : tensor<1xf32>
  %e2 = tensor.empty() : tensor<1x4x2xf32>
  %e1 = tensor.empty() : tensor<1x4x1xf32>
  %q = aic.matmul %x, %wq outs(%e2) : (tensor<1x4x6xf32>, tensor<6x2xf32>, tensor<1x4x2xf32>) -> tensor<1x4x2xf32>
  %qb = aic.add %q, %bq outs(%e2) : (tensor<1x4x2xf32>, tensor<2xf32>, tensor<1x4x2xf32>) -> tensor<1x4x2xf32>
  %k = aic.matmul %x, %wk outs(%e2) : (tensor<1x4x6xf32>, tensor<6x2xf32>, tensor<1x4x2xf32>) -> tensor<1x4x2xf32>
  %kb = aic.add %bk, %k outs(%e2) : (tensor<2xf32>, tensor<1x4x2xf32>, tensor<1x4x2xf32>) -> tensor<1x4x2xf32>
  %v = aic.matmul %x, %wv outs(%e1) : (tensor<1x4x6xf32>, tensor<6x1xf32>, tensor<1x4x1xf32>) -> tensor<1x4x1xf32>
  %vb = aic.add %v, %bv outs(%e1) : (tensor<1x4x1xf32>, tensor<1xf32>, tensor<1x4x1xf32>) -> tensor<1x4x1xf32>
  return %qb, %kb, %vb : tensor<1x4x2xf32>, tensor<1x4x2xf32>, tensor<1x4x1xf32>
}

// -----

// Tests that siblings merge without biases when one of them has none, and
// that a transposed sibling stays apart.
// CHECK-LABEL: func @siblings_without_bias
// CHECK: %[[M:.*]] = aic.matmul %arg0, %{{.*}} outs(%{{.*}}) : (tensor<4x6xf32>, tensor<6x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
// CHECK: %[[S:.*]] = tensor.extract_slice %[[M]][0, 0] [4, 2] [1, 1]
// CHECK: aic.add %[[S]]
// CHECK: aic.matmul %arg0, %arg1 outs(%{{.*}}) {transpose_rhs}
func.func @siblings_without_bias(%x: tensor<4x6xf32>, %wt: tensor<2x6xf32>) -> (tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>) {
  %wq = arith.constant dense<1.0> : tensor<6x2xf32>
  %wk = arith.constant dense<2.0> : tensor<6x2xf32>
  %bq = arith.constant dense<1.0> : tensor<2xf32>
  %e = tensor.empty() : tensor<4x2xf32>
  %q = aic.matmul %x, %wq outs(%e) : (tensor<4x6xf32>, tensor<6x2xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
  %qb = aic.add %q, %bq outs(%e) : (tensor<4x2xf32>, tensor<2xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
  %k = aic.matmul %x, %wk outs(%e) : (tensor<4x6xf32>, tensor<6x2xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
  %t = aic.matmul %x, %wt outs(%e) {transpose_rhs} : (tensor<4x6xf32>, tensor<2x6xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
  return %qb, %k, %t : tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>
}

// -----

// Tests the head split of the Q third of a fused QKV projection over a
// run-time batch and sequence ([S, B, 768] -> [S, B, 256] -> [S, B*4, 64]
// -> [B*4, S, 64]): the merged B*4 dim of a slice has no stride, so the
// transpose reads the slice split into [S, B, 4, 64] (a view) and writes
// [B, 4, S, 64], which collapses into [B*4, S, 64] as a view.
// CHECK-LABEL: func @head_split
// CHECK-SAME: (%[[P:.*]]: tensor<?x?x768xf32>)
// CHECK: %[[Q:.*]] = tensor.extract_slice %[[P]]
// CHECK: %[[SPLIT:.*]] = tensor.expand_shape %[[Q]] {{\[}}[0], [1], [2, 3]] output_shape [%{{.*}}, %{{.*}}, 4, 64] : tensor<?x?x256xf32> into tensor<?x?x4x64xf32>
// CHECK: %[[T:.*]] = linalg.transpose ins(%[[SPLIT]] : tensor<?x?x4x64xf32>) outs(%{{.*}} : tensor<?x4x?x64xf32>) permutation = [1, 2, 0, 3]
// CHECK: %[[R:.*]] = tensor.collapse_shape %[[T]] {{\[}}[0, 1], [2], [3]] : tensor<?x4x?x64xf32> into tensor<?x?x64xf32>
// CHECK: return %[[R]]
func.func @head_split(%p: tensor<?x?x768xf32>) -> tensor<?x?x64xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %s = tensor.dim %p, %c0 : tensor<?x?x768xf32>
  %b = tensor.dim %p, %c1 : tensor<?x?x768xf32>
  %q = tensor.extract_slice %p[0, 0, 0] [%s, %b, 256] [1, 1, 1] : tensor<?x?x768xf32> to tensor<?x?x256xf32>
  %flat = tensor.collapse_shape %q [[0], [1, 2]] : tensor<?x?x256xf32> into tensor<?x?xf32>
  %bh = arith.muli %b, %c4 : index
  %heads = tensor.expand_shape %flat [[0], [1, 2]] output_shape [%s, %bh, 64] : tensor<?x?xf32> into tensor<?x?x64xf32>
  %e = tensor.empty(%bh, %s) : tensor<?x?x64xf32>
  %t = linalg.transpose ins(%heads : tensor<?x?x64xf32>) outs(%e : tensor<?x?x64xf32>) permutation = [1, 0, 2]
  return %t : tensor<?x?x64xf32>
}

// -----

// Tests that a transpose of a slice regrouped in a way the sizes do not
// determine (a run-time dim merged with one and split into two others) is
// left alone.
// CHECK-LABEL: func @ambiguous
// CHECK: tensor.collapse_shape
// CHECK: tensor.expand_shape
// CHECK: linalg.transpose ins(%{{.*}} : tensor<?x?xf32>)
func.func @ambiguous(%p: tensor<?x6xf32>, %m: index, %n: index) -> tensor<?x?xf32> {
  %c0 = arith.constant 0 : index
  %r = tensor.dim %p, %c0 : tensor<?x6xf32>
  %q = tensor.extract_slice %p[0, 0] [%r, 4] [1, 1] : tensor<?x6xf32> to tensor<?x4xf32>
  %flat = tensor.collapse_shape %q [[0, 1]] : tensor<?x4xf32> into tensor<?xf32>
  %two = tensor.expand_shape %flat [[0, 1]] output_shape [%m, %n] : tensor<?xf32> into tensor<?x?xf32>
  %e = tensor.empty(%n, %m) : tensor<?x?xf32>
  %t = linalg.transpose ins(%two : tensor<?x?xf32>) outs(%e : tensor<?x?xf32>) permutation = [1, 0]
  return %t : tensor<?x?xf32>
}

// -----

// Tests the same head split at a static batch of 4, where it is an
// aic.reshape of the slice: [64, 4, 256] -> [64, 16, 64] -> [16, 64, 64].
// CHECK-LABEL: func @static_head_split
// CHECK: %[[Q:.*]] = tensor.extract_slice
// CHECK: %[[SPLIT:.*]] = tensor.expand_shape %[[Q]] {{\[}}[0], [1], [2, 3]] output_shape [64, 4, 4, 64] : tensor<64x4x256xf32> into tensor<64x4x4x64xf32>
// CHECK: %[[T:.*]] = linalg.transpose ins(%[[SPLIT]] : tensor<64x4x4x64xf32>) outs(%{{.*}} : tensor<4x4x64x64xf32>) permutation = [1, 2, 0, 3]
// CHECK: %[[R:.*]] = tensor.collapse_shape %[[T]] {{\[}}[0, 1], [2], [3]] : tensor<4x4x64x64xf32> into tensor<16x64x64xf32>
// CHECK: return %[[R]]
func.func @static_head_split(%p: tensor<64x4x768xf32>) -> tensor<16x64x64xf32> {
  %q = tensor.extract_slice %p[0, 0, 0] [64, 4, 256] [1, 1, 1] : tensor<64x4x768xf32> to tensor<64x4x256xf32>
  %heads = aic.reshape %q : tensor<64x4x256xf32> -> tensor<64x16x64xf32>
  %e = tensor.empty() : tensor<16x64x64xf32>
  %t = linalg.transpose ins(%heads : tensor<64x16x64xf32>) outs(%e : tensor<16x64x64xf32>) permutation = [1, 0, 2]
  return %t : tensor<16x64x64xf32>
}

// -----

// Tests that a transpose of a slice is left alone where the refinement
// would split one run-time dim of the slice into two run-time dims (here
// [?, 2, 4] -> [m, n, 8]: the ? splits into m and n), which bufferization
// cannot rebuild, although the reshape merges dims (2 and 4 into 8).
// CHECK-LABEL: func @split_runtime
// CHECK: tensor.collapse_shape
// CHECK: tensor.expand_shape
// CHECK: linalg.transpose ins(%{{.*}} : tensor<?x?x8xf32>)
func.func @split_runtime(%p: tensor<?x2x6xf32>, %m: index, %n: index) -> tensor<?x?x8xf32> {
  %c0 = arith.constant 0 : index
  %r = tensor.dim %p, %c0 : tensor<?x2x6xf32>
  %q = tensor.extract_slice %p[0, 0, 0] [%r, 2, 4] [1, 1, 1] : tensor<?x2x6xf32> to tensor<?x2x4xf32>
  %flat = tensor.collapse_shape %q [[0, 1, 2]] : tensor<?x2x4xf32> into tensor<?xf32>
  %three = tensor.expand_shape %flat [[0, 1, 2]] output_shape [%m, %n, 8] : tensor<?xf32> into tensor<?x?x8xf32>
  %e = tensor.empty(%n, %m) : tensor<?x?x8xf32>
  %t = linalg.transpose ins(%three : tensor<?x?x8xf32>) outs(%e : tensor<?x?x8xf32>) permutation = [1, 0, 2]
  return %t : tensor<?x?x8xf32>
}
