// RUN: aic-opt %s -split-input-file -aic-fuse-binary-into-loops | FileCheck %s

// Tests that a position add on an embedding lookup (a generic reading the
// table) becomes one more step of the lookup's body, the position read
// through the identity map and the add after the lookup.
// CHECK-LABEL: func @embedding_plus_position
// CHECK: %[[G:.*]] = linalg.generic {indexing_maps = [#[[IDS:.*]], #[[ID:.*]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%arg0, %arg2 : tensor<1x4xi64>, tensor<1x4x8xf32>) outs(%{{.*}} : tensor<1x4x8xf32>)
// CHECK: ^bb0(%[[ID_:.*]]: i64, %[[P:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[X:.*]] = tensor.extract %arg1
// CHECK: %[[S:.*]] = arith.addf %[[X]], %[[P]] : f32
// CHECK: linalg.yield %[[S]] : f32
// CHECK-NOT: aic.add
// CHECK: return %[[G]]
#ids = affine_map<(d0, d1, d2) -> (d0, d1)>
#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @embedding_plus_position(%ids: tensor<1x4xi64>, %table: tensor<10x8xf32>, %pos: tensor<1x4x8xf32>) -> tensor<1x4x8xf32> {
  %e = tensor.empty() : tensor<1x4x8xf32>
  %g = linalg.generic {indexing_maps = [#ids, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%ids : tensor<1x4xi64>) outs(%e : tensor<1x4x8xf32>) {
  ^bb0(%i: i64, %out: f32):
    %row = arith.index_cast %i : i64 to index
    %col = linalg.index 2 : index
    %x = tensor.extract %table[%row, %col] : tensor<10x8xf32>
    linalg.yield %x : f32
  } -> tensor<1x4x8xf32>
  %y = aic.add %g, %pos outs(%e) : (tensor<1x4x8xf32>, tensor<1x4x8xf32>, tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
  return %y : tensor<1x4x8xf32>
}

// -----

// Tests that the loop result may be either operand (the order of a sub is
// kept) and that the other operand broadcasts: a [4] vector along the last
// dim reads through (d0, d1) -> (d1), a [2, 1] one through (d0, d1) -> (d0, 0).
// CHECK-DAG: #[[LAST:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[ROWS:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func @broadcast_sides
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[LAST]], #{{.*}}]
// CHECK: %[[D:.*]] = arith.subf %{{.*}}, %{{.*}} : f32
// CHECK: linalg.yield %[[D]]
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[ROWS]], #{{.*}}]
// CHECK: ^bb0(%[[IN:.*]]: f32, %[[R:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[T:.*]] = math.tanh %[[IN]]
// CHECK: %[[Q:.*]] = arith.divf %[[R]], %[[T]] : f32
// CHECK: linalg.yield %[[Q]]
// CHECK-NOT: aic.
#m = affine_map<(d0, d1) -> (d0, d1)>
func.func @broadcast_sides(%x: tensor<2x4xf32>, %v: tensor<4xf32>, %r: tensor<2x1xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %e = tensor.empty() : tensor<2x4xf32>
  %a = linalg.generic {indexing_maps = [#m, #m], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<2x4xf32>
  %0 = aic.sub %a, %v outs(%e) : (tensor<2x4xf32>, tensor<4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %b = linalg.generic {indexing_maps = [#m, #m], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = math.tanh %in : f32
    linalg.yield %t : f32
  } -> tensor<2x4xf32>
  %1 = aic.div %r, %b outs(%e) : (tensor<2x1xf32>, tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0, %1 : tensor<2x4xf32>, tensor<2x4xf32>
}

// -----

// Tests what stays apart: a loop result with a second use, one the binary
// op broadcasts (the loop nest would not cover the result), an operand
// computed after the loop nest, a max (not one of the four), a binary op
// with post-ops, and a reduction.
// CHECK-LABEL: func @not_fused
// CHECK: aic.add
// CHECK: aic.add
// CHECK: aic.relu
// CHECK: aic.mul
// CHECK: aic.max
// CHECK: aic.add
// CHECK: aic.add
#m = affine_map<(d0, d1) -> (d0, d1)>
#r = affine_map<(d0, d1) -> (d0)>
func.func @not_fused(%x: tensor<2x4xf32>, %v: tensor<4xf32>, %row: tensor<1x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2xf32>, tensor<2x4xf32>) {
  %e = tensor.empty() : tensor<2x4xf32>
  %e1 = tensor.empty() : tensor<1x4xf32>
  %g = linalg.generic {indexing_maps = [#m, #m], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<2x4xf32>
  %0 = aic.add %g, %v outs(%e) : (tensor<2x4xf32>, tensor<4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %h = linalg.generic {indexing_maps = [#m, #m], iterator_types = ["parallel", "parallel"]} ins(%row : tensor<1x4xf32>) outs(%e1 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<1x4xf32>
  %1 = aic.add %h, %x outs(%e) : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %k = linalg.generic {indexing_maps = [#m, #m], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<2x4xf32>
  %late = aic.relu %x outs(%e) : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %2 = aic.mul %k, %late outs(%e) : (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %l = linalg.generic {indexing_maps = [#m, #m], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<2x4xf32>
  %3 = aic.max %l, %v outs(%e) : (tensor<2x4xf32>, tensor<4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %m2 = linalg.generic {indexing_maps = [#m, #m], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<2x4xf32>
  %4 = aic.add %m2, %v outs(%e) {post_ops = [#aic.eltwise<relu>]} : (tensor<2x4xf32>, tensor<4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %e2 = tensor.empty() : tensor<2xf32>
  %s = linalg.generic {indexing_maps = [#m, #r], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<2x4xf32>) outs(%e2 : tensor<2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.addf %in, %out : f32
    linalg.yield %a : f32
  } -> tensor<2xf32>
  %5 = aic.add %s, %s outs(%e2) : (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0, %1, %2, %3, %4, %5, %g : tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2xf32>, tensor<2x4xf32>
}

// -----

// Tests that a transpose is a loop nest the add joins (a sequence-first
// result transposed back and added to the residual: one pass, reading the
// result through the permutation), with run-time dims: the residual reads
// through the identity map, a [1, ?, 8] position through a 0 batch index.
// CHECK-DAG: #[[PERM:.*]] = affine_map<(d0, d1, d2) -> (d1, d0, d2)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[POS:.*]] = affine_map<(d0, d1, d2) -> (0, d1, d2)>
// CHECK-LABEL: func @transpose_plus_residual
// CHECK: %[[T:.*]] = linalg.generic {indexing_maps = [#[[PERM]], #[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%arg0, %arg1 : tensor<?x?x8xf32>, tensor<?x?x8xf32>)
// CHECK: ^bb0(%[[IN:.*]]: f32, %[[R:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[S:.*]] = arith.addf %[[R]], %[[IN]] : f32
// CHECK: linalg.yield %[[S]] : f32
// CHECK: linalg.generic {indexing_maps = [#[[PERM]], #[[POS]], #[[ID]]]
// CHECK-NOT: aic.add
// CHECK-NOT: linalg.transpose
func.func @transpose_plus_residual(%y: tensor<?x?x8xf32>, %x: tensor<?x?x8xf32>, %pos: tensor<1x?x8xf32>) -> (tensor<?x?x8xf32>, tensor<?x?x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %s = tensor.dim %y, %c0 : tensor<?x?x8xf32>
  %b = tensor.dim %y, %c1 : tensor<?x?x8xf32>
  %e = tensor.empty(%b, %s) : tensor<?x?x8xf32>
  %t = linalg.transpose ins(%y : tensor<?x?x8xf32>) outs(%e : tensor<?x?x8xf32>) permutation = [1, 0, 2]
  %0 = aic.add %x, %t outs(%e) : (tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>) -> tensor<?x?x8xf32>
  %t2 = linalg.transpose ins(%y : tensor<?x?x8xf32>) outs(%e : tensor<?x?x8xf32>) permutation = [1, 0, 2]
  %1 = aic.add %t2, %pos outs(%e) : (tensor<?x?x8xf32>, tensor<1x?x8xf32>, tensor<?x?x8xf32>) -> tensor<?x?x8xf32>
  return %0, %1 : tensor<?x?x8xf32>, tensor<?x?x8xf32>
}
