// RUN: aic-opt %s -split-input-file -aic-split-slow-post-ops | FileCheck %s
// RUN: aic-opt %s -split-input-file -aic-split-slow-post-ops='isa=avx2' | FileCheck %s

// oneDNN's optimized matmul kernels (brgemm with AVX-512, gemm with AVX2)
// take no binary post-op broadcast along the batch only: Swin's relative
// position bias, added to the scaled scores of every window. The add moves
// into its own op, with what follows it in the chain.
// CHECK-LABEL: func @window_bias
// CHECK-SAME: (%[[Q:.*]]: tensor<64x3x49x32xf32>, %[[K:.*]]: tensor<64x3x49x32xf32>, %[[B:.*]]: tensor<1x3x49x49xf32>)
// CHECK: %[[S:.*]] = aic.matmul %[[Q]], %[[K]] outs(%{{.*}}) {alpha = {{.*}}, transpose_rhs}
// CHECK: %[[E:.*]] = tensor.empty() : tensor<64x3x49x49xf32>
// CHECK: %[[Y:.*]] = aic.add %[[S]], %[[B]] outs(%[[E]]) {post_ops = [#aic.eltwise<relu>]}
// CHECK: return %[[Y]]
func.func @window_bias(%q: tensor<64x3x49x32xf32>, %k: tensor<64x3x49x32xf32>, %bias: tensor<1x3x49x49xf32>) -> tensor<64x3x49x49xf32> {
  %e = tensor.empty() : tensor<64x3x49x49xf32>
  %s = aic.matmul %q, %k post(%bias) outs(%e) {transpose_rhs, alpha = 0.17677669529663687 : f64, post_ops = [#aic.binary<add>, #aic.eltwise<relu>]} : (tensor<64x3x49x32xf32>, tensor<64x3x49x32xf32>, tensor<1x3x49x49xf32>, tensor<64x3x49x49xf32>) -> tensor<64x3x49x49xf32>
  return %s : tensor<64x3x49x49xf32>
}

// -----

// Entries before the slow one stay fused; its operand is the second.
// CHECK-LABEL: func @after_a_fast_one
// CHECK-SAME: (%{{.*}}: tensor<64x3x49x32xf32>, %{{.*}}: tensor<64x3x49x32xf32>, %[[FULL:.*]]: tensor<64x3x49x49xf32>, %[[B:.*]]: tensor<1x3x49x49xf32>)
// CHECK: %[[S:.*]] = aic.matmul %{{.*}}, %{{.*}} post(%[[FULL]]) outs(%{{.*}}) {post_ops = [#aic.binary<mul>], transpose_rhs}
// CHECK: %[[Y:.*]] = aic.sub %[[S]], %[[B]] outs(%{{.*}}) :
// CHECK: return %[[Y]]
func.func @after_a_fast_one(%q: tensor<64x3x49x32xf32>, %k: tensor<64x3x49x32xf32>, %full: tensor<64x3x49x49xf32>, %bias: tensor<1x3x49x49xf32>) -> tensor<64x3x49x49xf32> {
  %e = tensor.empty() : tensor<64x3x49x49xf32>
  %s = aic.matmul %q, %k post(%full, %bias) outs(%e) {transpose_rhs, post_ops = [#aic.binary<mul>, #aic.binary<sub>]} : (tensor<64x3x49x32xf32>, tensor<64x3x49x32xf32>, tensor<64x3x49x49xf32>, tensor<1x3x49x49xf32>, tensor<64x3x49x49xf32>) -> tensor<64x3x49x49xf32>
  return %s : tensor<64x3x49x49xf32>
}

// -----

// A run-time batch: the new op's destination takes its size from the
// matmul's.
// CHECK-LABEL: func @runtime_batch
// CHECK: %[[D:.*]] = tensor.empty(%{{.*}}) : tensor<?x3x49x49xf32>
// CHECK: %[[S:.*]] = aic.matmul %{{.*}}, %{{.*}} outs(%[[D]]) {transpose_rhs}
// CHECK: %[[N:.*]] = tensor.dim %[[D]], %c0
// CHECK: %[[E:.*]] = tensor.empty(%[[N]]) : tensor<?x3x49x49xf32>
// CHECK: aic.add %[[S]], %{{.*}} outs(%[[E]])
func.func @runtime_batch(%q: tensor<?x3x49x32xf32>, %k: tensor<?x3x49x32xf32>, %bias: tensor<1x3x49x49xf32>, %n: index) -> tensor<?x3x49x49xf32> {
  %e = tensor.empty(%n) : tensor<?x3x49x49xf32>
  %s = aic.matmul %q, %k post(%bias) outs(%e) {transpose_rhs, post_ops = [#aic.binary<add>]} : (tensor<?x3x49x32xf32>, tensor<?x3x49x32xf32>, tensor<1x3x49x49xf32>, tensor<?x3x49x49xf32>) -> tensor<?x3x49x49xf32>
  return %s : tensor<?x3x49x49xf32>
}

// -----

// Broadcasts the optimized kernels take stay fused: a row of the output
// (a bias along N) and the whole output.
// CHECK-LABEL: func @fast_broadcasts
// CHECK: aic.matmul %{{.*}}, %{{.*}} post(%{{.*}}, %{{.*}}) outs(%{{.*}}) {post_ops = [#aic.binary<add>, #aic.binary<add>]}
// CHECK-NOT: aic.add
func.func @fast_broadcasts(%a: tensor<196x384xf32>, %w: tensor<384x1536xf32>, %row: tensor<1536xf32>, %full: tensor<196x1536xf32>) -> tensor<196x1536xf32> {
  %e = tensor.empty() : tensor<196x1536xf32>
  %s = aic.matmul %a, %w post(%row, %full) outs(%e) {post_ops = [#aic.binary<add>, #aic.binary<add>]} : (tensor<196x384xf32>, tensor<384x1536xf32>, tensor<1536xf32>, tensor<196x1536xf32>, tensor<196x1536xf32>) -> tensor<196x1536xf32>
  return %s : tensor<196x1536xf32>
}

// -----

// A sum after the slow entry accumulates into the matmul's destination:
// the chain is left as it is.
// CHECK-LABEL: func @sum_after
// CHECK: aic.matmul {{.*}} {post_ops = [#aic.binary<add>, #aic.sum], transpose_rhs}
// CHECK-NOT: aic.add
func.func @sum_after(%q: tensor<64x3x49x32xf32>, %k: tensor<64x3x49x32xf32>, %bias: tensor<1x3x49x49xf32>, %acc: tensor<64x3x49x49xf32>) -> tensor<64x3x49x49xf32> {
  %s = aic.matmul %q, %k post(%bias) outs(%acc) {transpose_rhs, post_ops = [#aic.binary<add>, #aic.sum]} : (tensor<64x3x49x32xf32>, tensor<64x3x49x32xf32>, tensor<1x3x49x49xf32>, tensor<64x3x49x49xf32>) -> tensor<64x3x49x49xf32>
  return %s : tensor<64x3x49x49xf32>
}
