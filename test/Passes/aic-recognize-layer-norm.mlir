// RUN: aic-opt %s -split-input-file -aic-recognize-layer-norm | FileCheck %s

#id = affine_map<(d0, d1) -> (d0, d1)>
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#scalar = affine_map<(d0, d1, d2) -> ()>

// Tests PyTorch's LayerNorm at opset 13 as imported (ReduceMean as a sum, a
// division by the count and a reshape keeping the dim; Pow by 2; epsilon
// added; Sqrt; Div; Mul weight; Add bias): one aic.layer_norm of x writing
// where the bias add wrote.
// CHECK-LABEL: func @pytorch_layer_norm
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x4x8xf32>
// CHECK-NOT: aic.div
// CHECK: %[[Y:.*]] = aic.layer_norm %arg0, %arg1, %arg2 outs(%[[E]]) {epsilon = 9.9999997473787516E-6 : f64} : (tensor<1x4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
// CHECK-NEXT: return %[[Y]]
func.func @pytorch_layer_norm(%x: tensor<1x4x8xf32>, %gamma: tensor<8xf32>, %beta: tensor<8xf32>) -> tensor<1x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %n = arith.constant 8.0 : f32
  %two = arith.constant dense<2.0> : tensor<f32>
  %eps = arith.constant dense<9.99999974E-6> : tensor<f32>
  %e = tensor.empty() : tensor<1x4x8xf32>
  %e2 = tensor.empty() : tensor<1x4xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x4xf32>) -> tensor<1x4xf32>
  %s = linalg.reduce { arith.addf } ins(%x : tensor<1x4x8xf32>) outs(%z : tensor<1x4xf32>) dimensions = [2]
  %m = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%s : tensor<1x4xf32>) outs(%e2 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.divf %in, %n : f32
    linalg.yield %r : f32
  } -> tensor<1x4xf32>
  %mean = aic.reshape %m : tensor<1x4xf32> -> tensor<1x4x1xf32>
  %d = aic.sub %x, %mean outs(%e) : (tensor<1x4x8xf32>, tensor<1x4x1xf32>, tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
  %sq = linalg.generic {indexing_maps = [#id3, #scalar, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%d, %two : tensor<1x4x8xf32>, tensor<f32>) outs(%e : tensor<1x4x8xf32>) {
  ^bb0(%in: f32, %p: f32, %out: f32):
    %r = math.powf %in, %p : f32
    linalg.yield %r : f32
  } -> tensor<1x4x8xf32>
  %s2 = linalg.reduce { arith.addf } ins(%sq : tensor<1x4x8xf32>) outs(%z : tensor<1x4xf32>) dimensions = [2]
  %v = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%s2 : tensor<1x4xf32>) outs(%e2 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.divf %in, %n : f32
    linalg.yield %r : f32
  } -> tensor<1x4xf32>
  %var = aic.reshape %v : tensor<1x4xf32> -> tensor<1x4x1xf32>
  %e1 = tensor.empty() : tensor<1x4x1xf32>
  %ve = aic.add %var, %eps outs(%e1) : (tensor<1x4x1xf32>, tensor<f32>, tensor<1x4x1xf32>) -> tensor<1x4x1xf32>
  %std = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%ve : tensor<1x4x1xf32>) outs(%e1 : tensor<1x4x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.sqrt %in : f32
    linalg.yield %r : f32
  } -> tensor<1x4x1xf32>
  %nrm = aic.div %d, %std outs(%e) : (tensor<1x4x8xf32>, tensor<1x4x1xf32>, tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
  %g = aic.mul %nrm, %gamma outs(%e) : (tensor<1x4x8xf32>, tensor<8xf32>, tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
  %y = aic.add %g, %beta outs(%e) : (tensor<1x4x8xf32>, tensor<8xf32>, tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
  return %y : tensor<1x4x8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#scalar = affine_map<(d0, d1, d2) -> ()>

// Tests the same over a symbolic batch and sequence ([?, ?, 8], keepdims as
// expand_shape): the normalized dim is static, the primitive takes the
// others per shape.
// CHECK-LABEL: func @runtime_dims
// CHECK: %[[E:.*]] = tensor.empty(%{{.*}}, %{{.*}}) : tensor<?x?x8xf32>
// CHECK-NOT: aic.div
// CHECK: %[[Y:.*]] = aic.layer_norm %arg0, %arg1, %arg2 outs(%[[E]]) {epsilon = 9.9999997473787516E-6 : f64} : (tensor<?x?x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<?x?x8xf32>) -> tensor<?x?x8xf32>
// CHECK-NEXT: return %[[Y]]
func.func @runtime_dims(%x: tensor<?x?x8xf32>, %gamma: tensor<8xf32>, %beta: tensor<8xf32>) -> tensor<?x?x8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %b = tensor.dim %x, %c0 : tensor<?x?x8xf32>
  %l = tensor.dim %x, %c1 : tensor<?x?x8xf32>
  %zero = arith.constant 0.0 : f32
  %n = arith.constant 8.0 : f32
  %two = arith.constant dense<2.0> : tensor<f32>
  %eps = arith.constant dense<9.99999974E-6> : tensor<f32>
  %e = tensor.empty(%b, %l) : tensor<?x?x8xf32>
  %e2 = tensor.empty(%b, %l) : tensor<?x?xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e2 : tensor<?x?xf32>) -> tensor<?x?xf32>
  %s = linalg.reduce { arith.addf } ins(%x : tensor<?x?x8xf32>) outs(%z : tensor<?x?xf32>) dimensions = [2]
  %m = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%s : tensor<?x?xf32>) outs(%e2 : tensor<?x?xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.divf %in, %n : f32
    linalg.yield %r : f32
  } -> tensor<?x?xf32>
  %mean = tensor.expand_shape %m [[0], [1, 2]] output_shape [%b, %l, 1] : tensor<?x?xf32> into tensor<?x?x1xf32>
  %d = aic.sub %x, %mean outs(%e) : (tensor<?x?x8xf32>, tensor<?x?x1xf32>, tensor<?x?x8xf32>) -> tensor<?x?x8xf32>
  %sq = linalg.generic {indexing_maps = [#id3, #scalar, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%d, %two : tensor<?x?x8xf32>, tensor<f32>) outs(%e : tensor<?x?x8xf32>) {
  ^bb0(%in: f32, %p: f32, %out: f32):
    %r = math.powf %in, %p : f32
    linalg.yield %r : f32
  } -> tensor<?x?x8xf32>
  %s2 = linalg.reduce { arith.addf } ins(%sq : tensor<?x?x8xf32>) outs(%z : tensor<?x?xf32>) dimensions = [2]
  %v = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%s2 : tensor<?x?xf32>) outs(%e2 : tensor<?x?xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.divf %in, %n : f32
    linalg.yield %r : f32
  } -> tensor<?x?xf32>
  %var = tensor.expand_shape %v [[0], [1, 2]] output_shape [%b, %l, 1] : tensor<?x?xf32> into tensor<?x?x1xf32>
  %e1 = tensor.empty(%b, %l) : tensor<?x?x1xf32>
  %ve = aic.add %var, %eps outs(%e1) : (tensor<?x?x1xf32>, tensor<f32>, tensor<?x?x1xf32>) -> tensor<?x?x1xf32>
  %std = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%ve : tensor<?x?x1xf32>) outs(%e1 : tensor<?x?x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.sqrt %in : f32
    linalg.yield %r : f32
  } -> tensor<?x?x1xf32>
  %nrm = aic.div %d, %std outs(%e) : (tensor<?x?x8xf32>, tensor<?x?x1xf32>, tensor<?x?x8xf32>) -> tensor<?x?x8xf32>
  %g = aic.mul %nrm, %gamma outs(%e) : (tensor<?x?x8xf32>, tensor<8xf32>, tensor<?x?x8xf32>) -> tensor<?x?x8xf32>
  %y = aic.add %g, %beta outs(%e) : (tensor<?x?x8xf32>, tensor<8xf32>, tensor<?x?x8xf32>) -> tensor<?x?x8xf32>
  return %y : tensor<?x?x8xf32>
}

// -----

#id = affine_map<(d0) -> (d0)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>

// Tests a variant: the square as d * d, epsilon on the left of its add, a
// weight [1, 8] on the left of its multiply and no bias; the division's
// other consumer (the centered values) keeps its ops.
// CHECK-LABEL: func @variant
// CHECK: %[[W:.*]] = aic.reshape %arg1 : tensor<1x8xf32> -> tensor<8xf32>
// CHECK: %[[Y:.*]] = aic.layer_norm %arg0, %[[W]] outs(%{{.*}}) {epsilon = 0.0010000000474974513 : f64} : (tensor<4x8xf32>, tensor<8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK: return %[[Y]], %{{.*}}
func.func @variant(%x: tensor<4x8xf32>, %w: tensor<1x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %n = arith.constant 8.0 : f32
  %eps = arith.constant dense<1.0e-3> : tensor<1xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %e2 = tensor.empty() : tensor<4xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e2 : tensor<4xf32>) -> tensor<4xf32>
  %s = linalg.reduce { arith.addf } ins(%x : tensor<4x8xf32>) outs(%z : tensor<4xf32>) dimensions = [1]
  %m = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%s : tensor<4xf32>) outs(%e2 : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.divf %in, %n : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  %mean = aic.reshape %m : tensor<4xf32> -> tensor<4x1xf32>
  %d = aic.sub %x, %mean outs(%e) : (tensor<4x8xf32>, tensor<4x1xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %sq = aic.mul %d, %d outs(%e) : (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %s2 = linalg.reduce { arith.addf } ins(%sq : tensor<4x8xf32>) outs(%z : tensor<4xf32>) dimensions = [1]
  %v = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%s2 : tensor<4xf32>) outs(%e2 : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.divf %in, %n : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  %var = aic.reshape %v : tensor<4xf32> -> tensor<4x1xf32>
  %e1 = tensor.empty() : tensor<4x1xf32>
  %ve = aic.add %eps, %var outs(%e1) : (tensor<1xf32>, tensor<4x1xf32>, tensor<4x1xf32>) -> tensor<4x1xf32>
  %std = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%ve : tensor<4x1xf32>) outs(%e1 : tensor<4x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.sqrt %in : f32
    linalg.yield %r : f32
  } -> tensor<4x1xf32>
  %nrm = aic.div %d, %std outs(%e) : (tensor<4x8xf32>, tensor<4x1xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = aic.mul %w, %nrm outs(%e) : (tensor<1x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y, %d : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

#id = affine_map<(d0) -> (d0)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>

// Tests that a normalization over another dim than the last (the mean over
// dim 0) and a variance of other values than the centered x are left alone.
// CHECK-LABEL: func @not_layer_norm
// CHECK-NOT: aic.layer_norm
// CHECK: return
func.func @not_layer_norm(%x: tensor<4x8xf32>, %other: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %n = arith.constant 8.0 : f32
  %eps = arith.constant dense<1.0e-5> : tensor<f32>
  %e = tensor.empty() : tensor<4x8xf32>
  %e2 = tensor.empty() : tensor<4xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e2 : tensor<4xf32>) -> tensor<4xf32>
  %s = linalg.reduce { arith.addf } ins(%x : tensor<4x8xf32>) outs(%z : tensor<4xf32>) dimensions = [1]
  %m = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%s : tensor<4xf32>) outs(%e2 : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.divf %in, %n : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  %mean = aic.reshape %m : tensor<4xf32> -> tensor<4x1xf32>
  %d = aic.sub %x, %mean outs(%e) : (tensor<4x8xf32>, tensor<4x1xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %sq = aic.mul %other, %other outs(%e) : (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %s2 = linalg.reduce { arith.addf } ins(%sq : tensor<4x8xf32>) outs(%z : tensor<4xf32>) dimensions = [1]
  %v = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%s2 : tensor<4xf32>) outs(%e2 : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.divf %in, %n : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  %var = aic.reshape %v : tensor<4xf32> -> tensor<4x1xf32>
  %e1 = tensor.empty() : tensor<4x1xf32>
  %ve = aic.add %var, %eps outs(%e1) : (tensor<4x1xf32>, tensor<f32>, tensor<4x1xf32>) -> tensor<4x1xf32>
  %std = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%ve : tensor<4x1xf32>) outs(%e1 : tensor<4x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.sqrt %in : f32
    linalg.yield %r : f32
  } -> tensor<4x1xf32>
  %nrm = aic.div %d, %std outs(%e) : (tensor<4x8xf32>, tensor<4x1xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %nrm : tensor<4x8xf32>
}
