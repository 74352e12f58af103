// RUN: aic-opt %s -split-input-file -aic-inline-small-matmuls | FileCheck %s
// RUN: aic-opt %s -split-input-file -aic-inline-small-matmuls=max-macs=100 | FileCheck %s --check-prefix=LIMIT

// A 1x64 by 64x300 product (19200 MACs): zero, then per row two blocks of
// 128 columns in a loop and a tail of 44, each a vector carried through the
// loop over k.
// CHECK-LABEL: func @matvec
// CHECK-SAME: (%[[H:.*]]: tensor<1x64xf32>, %[[R:.*]]: tensor<64x300xf32>
// CHECK-NOT: aic.matmul
// CHECK: %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x300xf32>)
// CHECK: scf.for %[[M:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[O:.*]] = %[[Z]])
// CHECK: scf.for %[[N:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[P:.*]] = %[[O]])
// CHECK: %[[V:.*]] = vector.transfer_read %[[P]][%[[M]], %[[N]]], %{{.*}} {in_bounds = [true]} : tensor<1x300xf32>, vector<128xf32>
// CHECK: scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %[[V]]) -> (vector<128xf32>)
// CHECK: %[[A:.*]] = tensor.extract %[[H]][%[[M]], %[[K]]]
// CHECK: %[[B:.*]] = vector.broadcast %[[A]] : f32 to vector<128xf32>
// CHECK: %[[W:.*]] = vector.transfer_read %[[R]][%[[K]], %[[N]]]
// CHECK: vector.fma %[[B]], %[[W]], %[[ACC]] : vector<128xf32>
// CHECK: vector.transfer_write %{{.*}}, %[[P]][%[[M]], %[[N]]] {in_bounds = [true]} : vector<128xf32>, tensor<1x300xf32>
// CHECK: vector.transfer_read %{{.*}} : tensor<1x300xf32>, vector<44xf32>
// CHECK: vector.fma %{{.*}} : vector<44xf32>
// CHECK: vector.transfer_write %{{.*}} : vector<44xf32>, tensor<1x300xf32>
// LIMIT-LABEL: func @matvec
// LIMIT: aic.matmul
func.func @matvec(%h: tensor<1x64xf32>, %r: tensor<64x300xf32>, %e: tensor<1x300xf32>) -> tensor<1x300xf32> {
  %y = aic.matmul %h, %r outs(%e) : (tensor<1x64xf32>, tensor<64x300xf32>, tensor<1x300xf32>) -> tensor<1x300xf32>
  return %y : tensor<1x300xf32>
}

// -----

// Gemm form: the bias broadcast starts the output, a transposed left operand
// is read transposed, a constant transposed right operand is transposed at
// compile time, and alpha scales the result.
// CHECK-LABEL: func @gemm
// CHECK-SAME: (%[[X:.*]]: tensor<3x2xf32>, %[[BIAS:.*]]: tensor<4xf32>
// CHECK: %[[WT:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 3.000000e+00, 5.000000e+00, 7.000000e+00], [2.000000e+00, 4.000000e+00, 6.000000e+00, 8.000000e+00], [9.000000e+00, 1.000000e+01, 1.100000e+01, 1.200000e+01]]> : tensor<3x4xf32>
// CHECK: %[[INIT:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel"]} ins(%[[BIAS]] : tensor<4xf32>)
// CHECK: scf.for %[[M:[a-z0-9]+]] =
// CHECK: vector.transfer_read {{.*}} vector<4xf32>
// CHECK: scf.for %[[K:[a-z0-9]+]] =
// CHECK: tensor.extract %[[X]][%[[K]], %[[M]]] : tensor<3x2xf32>
// CHECK: vector.transfer_read %[[WT]][%[[K]], %{{.*}}]
// CHECK: %[[SCALE:.*]] = arith.constant 5.000000e-01 : f32
// CHECK: linalg.generic
// CHECK: arith.mulf %{{.*}}, %[[SCALE]] : f32
func.func @gemm(%x: tensor<3x2xf32>, %b: tensor<4xf32>, %e: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 9.0], [3.0, 4.0, 10.0], [5.0, 6.0, 11.0], [7.0, 8.0, 12.0]]> : tensor<4x3xf32>
  %y = aic.matmul %x, %w, %b outs(%e) {transpose_lhs, transpose_rhs, alpha = 0.5 : f64} : (tensor<3x2xf32>, tensor<4x3xf32>, tensor<4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// Not inlined: post-ops (a library chain), a non-constant transposed right
// operand, batched operands.
// CHECK-LABEL: func @kept
// CHECK-COUNT-3: aic.matmul
func.func @kept(%a: tensor<1x8xf32>, %b: tensor<8x8xf32>, %c: tensor<2x1x8xf32>, %d: tensor<2x8x8xf32>, %e: tensor<1x8xf32>, %f: tensor<2x1x8xf32>) -> (tensor<1x8xf32>, tensor<1x8xf32>, tensor<2x1x8xf32>) {
  %0 = aic.matmul %a, %b outs(%e) {post_ops = [#aic.eltwise<relu>]} : (tensor<1x8xf32>, tensor<8x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  %1 = aic.matmul %a, %b outs(%e) {transpose_rhs} : (tensor<1x8xf32>, tensor<8x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  %2 = aic.matmul %c, %d outs(%f) : (tensor<2x1x8xf32>, tensor<2x8x8xf32>, tensor<2x1x8xf32>) -> tensor<2x1x8xf32>
  return %0, %1, %2 : tensor<1x8xf32>, tensor<1x8xf32>, tensor<2x1x8xf32>
}

// -----

// A run-time M (a symbolic batch): inline for runs of at most
// 32768 / (10 x 512) = 6 rows, the library call otherwise. The row loop runs
// to M; LIMIT (100 MACs) is below one row, so the call stays unguarded.
// CHECK-LABEL: func @batch
// CHECK-SAME: (%[[X:.*]]: tensor<?x512xf32>, %[[W:.*]]: tensor<512x10xf32>, %[[E:.*]]: tensor<?x10xf32>)
// CHECK: %[[M:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x512xf32>
// CHECK: %[[C6:.*]] = arith.constant 6 : index
// CHECK: %[[SMALL:.*]] = arith.cmpi ule, %[[M]], %[[C6]] : index
// CHECK: %[[Y:.*]] = scf.if %[[SMALL]] -> (tensor<?x10xf32>) {
// CHECK: %[[EMPTY:.*]] = tensor.empty(%[[M]]) : tensor<?x10xf32>
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%[[EMPTY]] : tensor<?x10xf32>)
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[M]] step
// CHECK: vector.fma %{{.*}} : vector<10xf32>
// CHECK: scf.yield %{{.*}} : tensor<?x10xf32>
// CHECK: } else {
// CHECK: %[[LIB:.*]] = aic.matmul %[[X]], %[[W]] outs(%[[E]])
// CHECK: scf.yield %[[LIB]] : tensor<?x10xf32>
// CHECK: return %[[Y]]
// LIMIT-LABEL: func @batch
// LIMIT-NOT: scf.if
// LIMIT: aic.matmul
func.func @batch(%x: tensor<?x512xf32>, %w: tensor<512x10xf32>, %e: tensor<?x10xf32>) -> tensor<?x10xf32> {
  %y = aic.matmul %x, %w outs(%e) : (tensor<?x512xf32>, tensor<512x10xf32>, tensor<?x10xf32>) -> tensor<?x10xf32>
  return %y : tensor<?x10xf32>
}
