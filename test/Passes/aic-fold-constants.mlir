// RUN: aic-opt %s -split-input-file -aic-fold-constants | FileCheck %s
// RUN: aic-opt %s -split-input-file -aic-fold-constants=max-elements=4 | FileCheck %s --check-prefix=LIMIT

// Tests that aic binary ops on constants fold with numpy broadcasting, and
// that their destinations do not outlive them.
// CHECK-LABEL: func @binary
// CHECK-DAG: %[[A:.*]] = arith.constant dense<{{\[\[}}1.100000e+01, 2.200000e+01], [1.300000e+01, 2.400000e+01]]> : tensor<2x2xf32>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<{{\[\[}}-9.000000e+00, -1.800000e+01], [-7.000000e+00, -1.600000e+01]]> : tensor<2x2xf32>
// CHECK-DAG: %[[M:.*]] = arith.constant dense<{{\[\[}}1.000000e+01, 4.000000e+01], [3.000000e+01, 8.000000e+01]]> : tensor<2x2xf32>
// CHECK-DAG: %[[D:.*]] = arith.constant dense<{{\[\[}}1.000000e-01, 1.000000e-01], [3.000000e-01, 2.000000e-01]]> : tensor<2x2xf32>
// CHECK-DAG: %[[X:.*]] = arith.constant dense<{{\[\[}}1.000000e+01, 2.000000e+01], [1.000000e+01, 2.000000e+01]]> : tensor<2x2xf32>
// CHECK-DAG: %[[N:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK-NOT: tensor.empty
// CHECK-NOT: aic.
// CHECK: return %[[A]], %[[S]], %[[M]], %[[D]], %[[X]], %[[N]]
// With at most 4 elements, a 2x2 result still folds.
// LIMIT-LABEL: func @binary
// LIMIT-NOT: aic.
// LIMIT: return
func.func @binary() -> (tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>) {
  %a = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %b = arith.constant dense<[10.0, 20.0]> : tensor<2xf32>
  %e0 = tensor.empty() : tensor<2x2xf32>
  %0 = aic.add %a, %b outs(%e0) : (tensor<2x2xf32>, tensor<2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %e1 = tensor.empty() : tensor<2x2xf32>
  %1 = aic.sub %a, %b outs(%e1) : (tensor<2x2xf32>, tensor<2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %e2 = tensor.empty() : tensor<2x2xf32>
  %2 = aic.mul %a, %b outs(%e2) : (tensor<2x2xf32>, tensor<2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %e3 = tensor.empty() : tensor<2x2xf32>
  %3 = aic.div %a, %b outs(%e3) : (tensor<2x2xf32>, tensor<2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %e4 = tensor.empty() : tensor<2x2xf32>
  %4 = aic.max %a, %b outs(%e4) : (tensor<2x2xf32>, tensor<2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %e5 = tensor.empty() : tensor<2x2xf32>
  %5 = aic.min %a, %b outs(%e5) : (tensor<2x2xf32>, tensor<2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>
}

// -----

// Tests that division rounds like the runtime's f32 division (1/3 is not
// computed in double and printed as 0.333...33).
// CHECK-LABEL: func @f32_rounding
// CHECK: arith.constant dense<0.333333343> : tensor<4xf32>
func.func @f32_rounding() -> tensor<4xf32> {
  %one = arith.constant dense<1.0> : tensor<4xf32>
  %three = arith.constant dense<3.0> : tensor<4xf32>
  %e = tensor.empty() : tensor<4xf32>
  %0 = aic.div %one, %three outs(%e) : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Tests that a binary op with a post-op chain is not folded, nor one whose
// operand is not a constant.
// CHECK-LABEL: func @binary_not_folded
// CHECK: aic.add {{.*}}post_ops = [#aic.eltwise<relu>]
// CHECK: aic.mul %arg0
func.func @binary_not_folded(%x: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  %a = arith.constant dense<[1.0, -2.0]> : tensor<2xf32>
  %e0 = tensor.empty() : tensor<2xf32>
  %0 = aic.add %a, %a outs(%e0) {post_ops = [#aic.eltwise<relu>]} : (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %e1 = tensor.empty() : tensor<2xf32>
  %1 = aic.mul %x, %a outs(%e1) : (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0, %1 : tensor<2xf32>, tensor<2xf32>
}

// -----

// Tests the unary ops with oneDNN's formulas in f32: relu (+0 below zero,
// as oneDNN's max(x, 0)), clip, exp, sigmoid, tanh.
// CHECK-LABEL: func @unary
// CHECK-DAG: %[[R:.*]] = arith.constant dense<[0.000000e+00, 0.000000e+00, 2.000000e+00]> : tensor<3xf32>
// CHECK-DAG: %[[C:.*]] = arith.constant dense<[-5.000000e-01, 0.000000e+00, 1.000000e+00]> : tensor<3xf32>
// CHECK-DAG: %[[E:.*]] = arith.constant dense<[0.36787945, 1.000000e+00, 7.3890562]> : tensor<3xf32>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<[0.268941432, 5.000000e-01, 8.807970e-01]> : tensor<3xf32>
// CHECK-DAG: %[[T:.*]] = arith.constant dense<[-0.761594176, 0.000000e+00, 0.964027583]> : tensor<3xf32>
// CHECK-NOT: aic.
// CHECK: return %[[R]], %[[C]], %[[E]], %[[S]], %[[T]]
func.func @unary() -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %x = arith.constant dense<[-1.0, 0.0, 2.0]> : tensor<3xf32>
  %e0 = tensor.empty() : tensor<3xf32>
  %0 = aic.relu %x outs(%e0) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %e1 = tensor.empty() : tensor<3xf32>
  %1 = aic.clip %x outs(%e1) {min = -0.5 : f64, max = 1.0 : f64} : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %e2 = tensor.empty() : tensor<3xf32>
  %2 = aic.exp %x outs(%e2) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %e3 = tensor.empty() : tensor<3xf32>
  %3 = aic.sigmoid %x outs(%e3) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %e4 = tensor.empty() : tensor<3xf32>
  %4 = aic.tanh %x outs(%e4) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0, %1, %2, %3, %4 : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// Tests that folded relu and clip keep NaN (ONNX's max and min propagate
// it) and that relu(-inf) is 0, not -inf * 0.
// CHECK-LABEL: func @unary_nan
// CHECK-DAG: %[[R:.*]] = arith.constant dense<[0x7FC00000, 0.000000e+00]> : tensor<2xf32>
// CHECK-DAG: %[[C:.*]] = arith.constant dense<[0x7FC00000, -5.000000e-01]> : tensor<2xf32>
// CHECK: return %[[R]], %[[C]]
func.func @unary_nan() -> (tensor<2xf32>, tensor<2xf32>) {
  %x = arith.constant dense<[0x7FC00000, 0xFF800000]> : tensor<2xf32>
  %e0 = tensor.empty() : tensor<2xf32>
  %0 = aic.relu %x outs(%e0) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %e1 = tensor.empty() : tensor<2xf32>
  %1 = aic.clip %x outs(%e1) {min = -0.5 : f64, max = 1.0 : f64} : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0, %1 : tensor<2xf32>, tensor<2xf32>
}

// -----

// Tests the size limit: a non-splat result over max-elements is not folded,
// a splat of any size is (it is one value in the IR), and a result over 64
// elements becomes a dense_resource blob named after its node.
// CHECK-LABEL: func @limit
// CHECK-DAG: arith.constant dense<3.000000e+00> : tensor<16x16xf32>
// CHECK-DAG: arith.constant dense_resource<iota_plus_two> : tensor<8x9xf32>
// CHECK-NOT: aic.add
// LIMIT-LABEL: func @limit
// LIMIT-DAG: arith.constant dense<3.000000e+00> : tensor<16x16xf32>
// LIMIT-DAG: aic.add %{{.*}} : (tensor<8x9xf32>, tensor<f32>, tensor<8x9xf32>) -> tensor<8x9xf32>
// CHECK: iota_plus_two: "0x08000000000000400000404000008040
func.func @limit(%iota: tensor<8x9xf32>) -> (tensor<16x16xf32>, tensor<8x9xf32>) {
  %one = arith.constant dense<1.0> : tensor<16x16xf32>
  %two = arith.constant dense<2.0> : tensor<f32>
  %e0 = tensor.empty() : tensor<16x16xf32>
  %0 = aic.add %one, %two outs(%e0) : (tensor<16x16xf32>, tensor<f32>, tensor<16x16xf32>) -> tensor<16x16xf32>
  %big = arith.constant dense_resource<iota> : tensor<8x9xf32>
  %e1 = tensor.empty() : tensor<8x9xf32>
  %1 = aic.add %big, %two outs(%e1) : (tensor<8x9xf32>, tensor<f32>, tensor<8x9xf32>) -> tensor<8x9xf32> loc("iota_plus_two")
  return %0, %1 : tensor<16x16xf32>, tensor<8x9xf32>
}

{-#
  dialect_resources: {
    builtin: {
      iota: "0x04000000000000000000803F0000004000004040000080400000A0400000C0400000E0400000004100001041000020410000304100004041000050410000604100007041000080410000884100009041000098410000A0410000A8410000B0410000B8410000C0410000C8410000D0410000D8410000E0410000E8410000F0410000F84100000042000004420000084200000C4200001042000014420000184200001C4200002042000024420000284200002C4200003042000034420000384200003C4200004042000044420000484200004C4200005042000054420000584200005C4200006042000064420000684200006C4200007042000074420000784200007C42000080420000824200008442000086420000884200008A4200008C4200008E42"
    }
  }
#-}

// -----

// Tests that the importer's shape arithmetic folds: an elementwise
// linalg.generic on i64 with a broadcast (constant 0) index, its payload
// evaluated by the arith folders.
// CHECK-LABEL: func @generic_shape_arith
// CHECK: %[[C:.*]] = arith.constant dense<{{\[\[}}2, 9], [3, 13]]> : tensor<2x2xi64>
// CHECK-NOT: linalg.generic
// CHECK-NOT: tensor.empty
// CHECK: return %[[C]]
#bcast = affine_map<(d0, d1) -> (0, d1)>
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @generic_shape_arith() -> tensor<2x2xi64> {
  %a = arith.constant dense<[[1, 2], [2, 3]]> : tensor<2x2xi64>
  %b = arith.constant dense<[[1, 4]]> : tensor<1x2xi64>
  %e = tensor.empty() : tensor<2x2xi64>
  %0 = linalg.generic {indexing_maps = [#id, #bcast, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : tensor<2x2xi64>, tensor<1x2xi64>) outs(%e : tensor<2x2xi64>) {
  ^bb0(%x: i64, %y: i64, %out: i64):
    %c1 = arith.constant 1 : i64
    %m = arith.muli %x, %y : i64
    %s = arith.addi %m, %c1 : i64
    %d = arith.maxsi %s, %y : i64
    linalg.yield %d : i64
  } -> tensor<2x2xi64>
  return %0 : tensor<2x2xi64>
}

// -----

// Tests a float payload that widens f16 to f32 and back, as the importer
// does for half-precision math, and a payload that cannot fold (a division
// by zero is left to the runtime).
// CHECK-LABEL: func @generic_f16
// CHECK-DAG: arith.constant dense<[1.500000e+00, 3.000000e+00]> : tensor<2xf16>
// CHECK-DAG: linalg.generic
#id1 = affine_map<(d0) -> (d0)>
func.func @generic_f16() -> (tensor<2xf16>, tensor<2xi32>) {
  %a = arith.constant dense<[1.0, 2.0]> : tensor<2xf16>
  %e = tensor.empty() : tensor<2xf16>
  %0 = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}
      ins(%a : tensor<2xf16>) outs(%e : tensor<2xf16>) {
  ^bb0(%x: f16, %out: f16):
    %w = arith.extf %x : f16 to f32
    %h = arith.constant 1.5 : f32
    %m = arith.mulf %w, %h : f32
    %n = arith.truncf %m : f32 to f16
    linalg.yield %n : f16
  } -> tensor<2xf16>
  %i = arith.constant dense<[1, 0]> : tensor<2xi32>
  %ei = tensor.empty() : tensor<2xi32>
  %1 = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}
      ins(%i : tensor<2xi32>) outs(%ei : tensor<2xi32>) {
  ^bb0(%x: i32, %out: i32):
    %c = arith.constant 7 : i32
    %q = arith.divsi %c, %x : i32
    linalg.yield %q : i32
  } -> tensor<2xi32>
  return %0, %1 : tensor<2xf16>, tensor<2xi32>
}

// -----

// Tests linalg.transpose of an inline constant (upstream's folder) and of
// a dense_resource (aic's), and linalg.broadcast.
// CHECK-LABEL: func @transpose_broadcast
// CHECK-DAG: arith.constant dense<{{\[\[}}1, 3], [2, 4]]> : tensor<2x2xi32>
// CHECK-DAG: arith.constant dense<{{\[\[}}0.000000e+00, 2.000000e+00], [1.000000e+00, 3.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG: arith.constant dense<{{\[\[}}5, 6], [5, 6], [5, 6]]> : tensor<3x2xi32>
// CHECK-NOT: linalg.
// LIMIT-LABEL: func @transpose_broadcast
// LIMIT: linalg.broadcast
func.func @transpose_broadcast() -> (tensor<2x2xi32>, tensor<2x2xf32>, tensor<3x2xi32>) {
  %a = arith.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi32>
  %e0 = tensor.empty() : tensor<2x2xi32>
  %0 = linalg.transpose ins(%a : tensor<2x2xi32>) outs(%e0 : tensor<2x2xi32>) permutation = [1, 0]
  %r = arith.constant dense_resource<r> : tensor<2x2xf32>
  %e1 = tensor.empty() : tensor<2x2xf32>
  %1 = linalg.transpose ins(%r : tensor<2x2xf32>) outs(%e1 : tensor<2x2xf32>) permutation = [1, 0]
  %b = arith.constant dense<[5, 6]> : tensor<2xi32>
  %e2 = tensor.empty() : tensor<3x2xi32>
  %2 = linalg.broadcast ins(%b : tensor<2xi32>) outs(%e2 : tensor<3x2xi32>) dimensions = [0]
  return %0, %1, %2 : tensor<2x2xi32>, tensor<2x2xf32>, tensor<3x2xi32>
}

{-#
  dialect_resources: {
    builtin: {
      r: "0x04000000000000000000803F0000004000004040"
    }
  }
#-}

// -----

// Tests that a linalg.fill read as an input folds into a splat, and that one
// used as a destination (an accumulator) stays.
// CHECK-LABEL: func @fill
// CHECK-DAG: %[[S:.*]] = arith.constant dense<4.000000e+00> : tensor<2x3xf32>
// CHECK-DAG: %[[F:.*]] = linalg.fill
// CHECK: linalg.matmul ins(%arg0, %arg1 : {{.*}}) outs(%[[F]] : tensor<2x3xf32>)
// CHECK-NOT: linalg.generic
func.func @fill(%a: tensor<2x4xf32>, %b: tensor<4x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %zero = arith.constant 0.0 : f32
  %two = arith.constant 2.0 : f32
  %e0 = tensor.empty() : tensor<2x3xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e0 : tensor<2x3xf32>) -> tensor<2x3xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<2x4xf32>, tensor<4x3xf32>) outs(%acc : tensor<2x3xf32>) -> tensor<2x3xf32>
  %e1 = tensor.empty() : tensor<2x3xf32>
  %t = linalg.fill ins(%two : f32) outs(%e1 : tensor<2x3xf32>) -> tensor<2x3xf32>
  %e2 = tensor.empty() : tensor<2x3xf32>
  %1 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%t : tensor<2x3xf32>) outs(%e2 : tensor<2x3xf32>) {
  ^bb0(%x: f32, %out: f32):
    %s = arith.addf %x, %x : f32
    linalg.yield %s : f32
  } -> tensor<2x3xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// Tests tensor.extract_slice of an inline and of a resource constant, with
// offsets, strides and a dropped unit dim.
// CHECK-LABEL: func @extract_slice
// CHECK-DAG: arith.constant dense<[2, 4]> : tensor<2xi32>
// CHECK-DAG: arith.constant dense<{{\[\[}}1.000000e+00], [3.000000e+00]]> : tensor<2x1xf32>
// CHECK-NOT: tensor.extract_slice
func.func @extract_slice() -> (tensor<2xi32>, tensor<2x1xf32>) {
  %a = arith.constant dense<[[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]]> : tensor<2x5xi32>
  %0 = tensor.extract_slice %a[0, 1] [1, 2] [1, 2] : tensor<2x5xi32> to tensor<2xi32>
  %r = arith.constant dense_resource<r> : tensor<2x2xf32>
  %1 = tensor.extract_slice %r[0, 1] [2, 1] [1, 1] : tensor<2x2xf32> to tensor<2x1xf32>
  return %0, %1 : tensor<2xi32>, tensor<2x1xf32>
}

{-#
  dialect_resources: {
    builtin: {
      r: "0x04000000000000000000803F0000004000004040"
    }
  }
#-}

// -----

// Tests that a linalg.generic without loops becomes its payload on scalars:
// Gather of dim 1 out of a Shape (a rank-0 generic over a constant index,
// clamped, extracting from the shape) folds to the input's dim, so that a
// slice sized by it is sized by the dim itself. One reading a run-time
// tensor keeps the read, as a tensor.extract.
// CHECK-LABEL: func @rank_zero_generic
// CHECK-SAME: (%[[X:.*]]: tensor<?x?xf32>, %[[I:.*]]: tensor<i64>)
// CHECK-NOT: linalg.generic
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x?xf32>
// CHECK: %[[DI:.*]] = arith.index_cast %[[D]] : index to i64
// CHECK: %[[S:.*]] = tensor.from_elements %[[DI]] : tensor<i64>
// CHECK: %[[V:.*]] = tensor.extract %[[I]][] : tensor<i64>
// CHECK: %[[SUM:.*]] = arith.addi %[[V]], %[[DI]] : i64
// CHECK: %[[T:.*]] = tensor.from_elements %[[SUM]] : tensor<i64>
// CHECK: return %[[S]], %[[T]]
func.func @rank_zero_generic(%x: tensor<?x?xf32>, %i: tensor<i64>) -> (tensor<i64>, tensor<i64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %d0 = tensor.dim %x, %c0 : tensor<?x?xf32>
  %d1 = tensor.dim %x, %c1 : tensor<?x?xf32>
  %a = arith.index_cast %d0 : index to i64
  %b = arith.index_cast %d1 : index to i64
  %shape = tensor.from_elements %a, %b : tensor<2xi64>
  %index = arith.constant dense<1> : tensor<i64>
  %e = tensor.empty() : tensor<i64>
  %g = linalg.generic {indexing_maps = [affine_map<() -> ()>, affine_map<() -> ()>], iterator_types = []} ins(%index : tensor<i64>) outs(%e : tensor<i64>) {
  ^bb0(%in: i64, %out: i64):
    %k = arith.index_cast %in : i64 to index
    %neg = arith.cmpi slt, %k, %c0 : index
    %wrapped = arith.addi %k, %c2 : index
    %sel = arith.select %neg, %wrapped, %k : index
    %v = tensor.extract %shape[%sel] : tensor<2xi64>
    linalg.yield %v : i64
  } -> tensor<i64>
  %h = linalg.generic {indexing_maps = [affine_map<() -> ()>, affine_map<() -> ()>, affine_map<() -> ()>], iterator_types = []} ins(%i, %g : tensor<i64>, tensor<i64>) outs(%e : tensor<i64>) {
  ^bb0(%p: i64, %q: i64, %out: i64):
    %s = arith.addi %p, %q : i64
    linalg.yield %s : i64
  } -> tensor<i64>
  return %g, %h : tensor<i64>, tensor<i64>
}

// -----

// Tests that a reshape of a single-use dense_resource reuses its blob, and
// that one of a constant with another user stays (two constants over one
// blob would be stored twice).
// CHECK-LABEL: func @reshape_resource
// CHECK-DAG: arith.constant dense_resource<r> : tensor<4xf32>
// CHECK-DAG: arith.constant dense_resource<s> : tensor<2x1x2xf32>
// CHECK-DAG: %[[T:.*]] = arith.constant dense_resource<t> : tensor<2x2xf32>
// CHECK-DAG: tensor.collapse_shape %[[T]]
// CHECK-NOT: aic.reshape
// CHECK-NOT: tensor.expand_shape
func.func @reshape_resource() -> (tensor<4xf32>, tensor<2x1x2xf32>, tensor<4xf32>, tensor<2x2xf32>) {
  %r = arith.constant dense_resource<r> : tensor<2x2xf32>
  %0 = aic.reshape %r : tensor<2x2xf32> -> tensor<4xf32>
  %s = arith.constant dense_resource<s> : tensor<2x2xf32>
  %1 = tensor.expand_shape %s [[0], [1, 2]] output_shape [2, 1, 2] : tensor<2x2xf32> into tensor<2x1x2xf32>
  %t = arith.constant dense_resource<t> : tensor<2x2xf32>
  %2 = tensor.collapse_shape %t [[0, 1]] : tensor<2x2xf32> into tensor<4xf32>
  return %0, %1, %2, %t : tensor<4xf32>, tensor<2x1x2xf32>, tensor<4xf32>, tensor<2x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      r: "0x04000000000000000000803F0000004000004040",
      s: "0x04000000000000000000803F0000004000004040",
      t: "0x04000000000000000000803F0000004000004040"
    }
  }
#-}
