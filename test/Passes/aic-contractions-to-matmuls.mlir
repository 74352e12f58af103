// RUN: aic-opt %s -split-input-file -aic-contractions-to-matmuls | FileCheck %s

// Attention's scores, "bhid,bhjd->bhij": batch (b, h), rows i, columns j,
// contracted d; the keys are [batch, columns, contracted]: transpose_rhs.
// CHECK-LABEL: func @scores
// CHECK-DAG: %[[Q:.*]] = aic.reshape %arg0 : tensor<2x3x7x5xf32> -> tensor<6x7x5xf32>
// CHECK-DAG: %[[K:.*]] = aic.reshape %arg1 : tensor<2x3x9x5xf32> -> tensor<6x9x5xf32>
// CHECK: %[[P:.*]] = aic.matmul %[[Q]], %[[K]] outs(%{{.*}}) {transpose_rhs} : (tensor<6x7x5xf32>, tensor<6x9x5xf32>, tensor<6x7x9xf32>) -> tensor<6x7x9xf32>
// CHECK: %[[S:.*]] = aic.reshape %[[P]] : tensor<6x7x9xf32> -> tensor<2x3x7x9xf32>
// CHECK-NOT: linalg.generic
// CHECK: return %[[S]]
func.func @scores(%q: tensor<2x3x7x5xf32>, %k: tensor<2x3x9x5xf32>) -> tensor<2x3x7x9xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3x7x9xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3x7x9xf32>) -> tensor<2x3x7x9xf32>
  %s = linalg.generic {indexing_maps = [affine_map<(b, h, i, j, d) -> (b, h, i, d)>, affine_map<(b, h, i, j, d) -> (b, h, j, d)>, affine_map<(b, h, i, j, d) -> (b, h, i, j)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%q, %k : tensor<2x3x7x5xf32>, tensor<2x3x9x5xf32>) outs(%z : tensor<2x3x7x9xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  } -> tensor<2x3x7x9xf32>
  return %s : tensor<2x3x7x9xf32>
}

// -----

// "ji,jk->ik" by a 2-D product: the lhs is [contracted, rows]:
// transpose_lhs, nothing reshaped; the addition in the other order.
// CHECK-LABEL: func @transposed_lhs
// CHECK: %[[P:.*]] = aic.matmul %arg0, %arg1 outs(%{{.*}}) {transpose_lhs} : (tensor<8x6xf32>, tensor<8x5xf32>, tensor<6x5xf32>) -> tensor<6x5xf32>
// CHECK-NEXT: return %[[P]]
func.func @transposed_lhs(%x: tensor<8x6xf32>, %y: tensor<8x5xf32>) -> tensor<6x5xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<6x5xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<6x5xf32>) -> tensor<6x5xf32>
  %s = linalg.generic {indexing_maps = [affine_map<(i, k, j) -> (j, i)>, affine_map<(i, k, j) -> (j, k)>, affine_map<(i, k, j) -> (i, k)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %y : tensor<8x6xf32>, tensor<8x5xf32>) outs(%z : tensor<6x5xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %b, %a : f32
    %r = arith.addf %p, %acc : f32
    linalg.yield %r : f32
  } -> tensor<6x5xf32>
  return %s : tensor<6x5xf32>
}

// -----

// "abcd,adce->eab": contracted (c, d) in the lhs's order, so the rhs
// ([a, d, c, e]) is transposed to [a, c, d, e]; the product [a, b, e] is
// transposed to the output's order.
// CHECK-LABEL: func @transposes
// CHECK-DAG: %[[L:.*]] = aic.reshape %arg0 : tensor<2x3x4x5xf32> -> tensor<2x3x20xf32>
// CHECK-DAG: %[[T:.*]] = linalg.transpose ins(%arg1 : tensor<2x5x4x6xf32>) outs(%{{.*}} : tensor<2x4x5x6xf32>) permutation = [0, 2, 1, 3]
// CHECK: %[[R:.*]] = aic.reshape %[[T]] : tensor<2x4x5x6xf32> -> tensor<2x20x6xf32>
// CHECK: %[[P:.*]] = aic.matmul %[[L]], %[[R]] outs(%{{.*}}) : (tensor<2x3x20xf32>, tensor<2x20x6xf32>, tensor<2x3x6xf32>) -> tensor<2x3x6xf32>
// CHECK: %[[O:.*]] = linalg.transpose ins(%[[P]] : tensor<2x3x6xf32>) outs(%{{.*}} : tensor<6x2x3xf32>) permutation = [2, 0, 1]
// CHECK: return %[[O]]
func.func @transposes(%x: tensor<2x3x4x5xf32>, %y: tensor<2x5x4x6xf32>) -> tensor<6x2x3xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<6x2x3xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<6x2x3xf32>) -> tensor<6x2x3xf32>
  %s = linalg.generic {indexing_maps = [affine_map<(e, a, b, c, d) -> (a, b, c, d)>, affine_map<(e, a, b, c, d) -> (a, d, c, e)>, affine_map<(e, a, b, c, d) -> (e, a, b)>], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%x, %y : tensor<2x3x4x5xf32>, tensor<2x5x4x6xf32>) outs(%z : tensor<6x2x3xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  } -> tensor<6x2x3xf32>
  return %s : tensor<6x2x3xf32>
}

// -----

// Left alone: a diagonal ("ii,ij->ij"), a broadcast operand dim, an
// accumulation into a non-zero output, a dot product per row ("ij,ij->i":
// no rows or columns), f64, and another body (a difference).
// CHECK-LABEL: func @left_alone
// CHECK-NOT: aic.matmul
// CHECK-COUNT-6: linalg.generic
// CHECK-NOT: aic.matmul
#mac = {indexing_maps = [affine_map<(i, j) -> (i, i)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
func.func @left_alone(%x: tensor<5x5xf32>, %y: tensor<5x4xf32>, %w: tensor<1x4xf32>, %d: tensor<5x5xf64>) -> (tensor<5x4xf32>, tensor<5x4xf32>, tensor<5x4xf32>, tensor<5xf32>, tensor<5x5xf64>, tensor<5x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<5x4xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<5x4xf32>) -> tensor<5x4xf32>
  %diag = linalg.generic #mac ins(%x, %y : tensor<5x5xf32>, tensor<5x4xf32>) outs(%z : tensor<5x4xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  } -> tensor<5x4xf32>
  %bcast = linalg.generic {indexing_maps = [affine_map<(i, k, j) -> (i, j)>, affine_map<(i, k, j) -> (0, k)>, affine_map<(i, k, j) -> (i, k)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : tensor<5x5xf32>, tensor<1x4xf32>) outs(%z : tensor<5x4xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  } -> tensor<5x4xf32>
  %o = linalg.fill ins(%one : f32) outs(%e : tensor<5x4xf32>) -> tensor<5x4xf32>
  %acc1 = linalg.generic {indexing_maps = [affine_map<(i, k, j) -> (i, j)>, affine_map<(i, k, j) -> (j, k)>, affine_map<(i, k, j) -> (i, k)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %y : tensor<5x5xf32>, tensor<5x4xf32>) outs(%o : tensor<5x4xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  } -> tensor<5x4xf32>
  %e1 = tensor.empty() : tensor<5xf32>
  %z1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<5xf32>) -> tensor<5xf32>
  %dot = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]} ins(%x, %x : tensor<5x5xf32>, tensor<5x5xf32>) outs(%z1 : tensor<5xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  } -> tensor<5xf32>
  %zd = arith.constant 0.0 : f64
  %ed = tensor.empty() : tensor<5x5xf64>
  %fd = linalg.fill ins(%zd : f64) outs(%ed : tensor<5x5xf64>) -> tensor<5x5xf64>
  %f64 = linalg.generic {indexing_maps = [affine_map<(i, k, j) -> (i, j)>, affine_map<(i, k, j) -> (j, k)>, affine_map<(i, k, j) -> (i, k)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%d, %d : tensor<5x5xf64>, tensor<5x5xf64>) outs(%fd : tensor<5x5xf64>) {
  ^bb0(%a: f64, %b: f64, %acc: f64):
    %p = arith.mulf %a, %b : f64
    %r = arith.addf %acc, %p : f64
    linalg.yield %r : f64
  } -> tensor<5x5xf64>
  %sub = linalg.generic {indexing_maps = [affine_map<(i, k, j) -> (i, j)>, affine_map<(i, k, j) -> (j, k)>, affine_map<(i, k, j) -> (i, k)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %y : tensor<5x5xf32>, tensor<5x4xf32>) outs(%z : tensor<5x4xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.subf %acc, %p : f32
    linalg.yield %r : f32
  } -> tensor<5x4xf32>
  return %diag, %bcast, %acc1, %dot, %f64, %sub : tensor<5x4xf32>, tensor<5x4xf32>, tensor<5x4xf32>, tensor<5xf32>, tensor<5x5xf64>, tensor<5x4xf32>
}

// -----

// Run-time sizes ("bqd,bkd->kbq" over a symbolic batch and sequence): no
// reshapes, the batch dim stays a dim of the product; the result
// transposed to the output's order, its sizes read from the operands.
// CHECK-LABEL: func @runtime_sizes
// CHECK-NOT: aic.reshape
// CHECK: %[[P:.*]] = aic.matmul %arg0, %arg1 outs(%{{.*}}) {transpose_rhs} : (tensor<?x?x4xf32>, tensor<?x5x4xf32>, tensor<?x?x5xf32>) -> tensor<?x?x5xf32>
// CHECK-DAG: %[[B:.*]] = tensor.dim %arg0, %c0
// CHECK-DAG: %[[Q:.*]] = tensor.dim %arg0, %c1
// CHECK: %[[E:.*]] = tensor.empty(%[[B]], %[[Q]]) : tensor<5x?x?xf32>
// CHECK: %[[T:.*]] = linalg.transpose ins(%[[P]] : tensor<?x?x5xf32>) outs(%[[E]] : tensor<5x?x?xf32>) permutation = [2, 0, 1]
// CHECK: return %[[T]]
func.func @runtime_sizes(%q: tensor<?x?x4xf32>, %k: tensor<?x5x4xf32>) -> tensor<5x?x?xf32> {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %b = tensor.dim %q, %c0 : tensor<?x?x4xf32>
  %n = tensor.dim %q, %c1 : tensor<?x?x4xf32>
  %e = tensor.empty(%b, %n) : tensor<5x?x?xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<5x?x?xf32>) -> tensor<5x?x?xf32>
  %s = linalg.generic {indexing_maps = [affine_map<(k, b, q, d) -> (b, q, d)>, affine_map<(k, b, q, d) -> (b, k, d)>, affine_map<(k, b, q, d) -> (k, b, q)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%q, %k : tensor<?x?x4xf32>, tensor<?x5x4xf32>) outs(%z : tensor<5x?x?xf32>) {
  ^bb0(%a: f32, %bb: f32, %acc: f32):
    %p = arith.mulf %a, %bb : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  } -> tensor<5x?x?xf32>
  return %s : tensor<5x?x?xf32>
}
