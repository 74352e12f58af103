// REQUIRES: avx512
// RUN: aic-opt %s -aic-assign-layouts -canonicalize -cse | FileCheck %s
// RUN: aic-opt %s -aic-assign-layouts='isa=avx2' -canonicalize -cse | FileCheck %s --check-prefix=AVX2

// A grouped convolution with 8 channels per group (ResNeXt's) stores
// 8-channel blocks, for which oneDNN has AVX2 kernels only. The 1x1
// convolution after it would run its AVX2 kernel in them, at half the
// speed of its AVX-512 kernel in the layout it prefers: it takes that one,
// behind a reorder. With AVX2 as the target both kernels are AVX2 ones,
// and the value stays in the grouped convolution's layout.
// CHECK-LABEL: func @grouped_then_pointwise
// CHECK: %[[G:.*]] = aic.conv {{.*}}group = 32 : i64, layouts = [{{.*}}#aic.layout<"[[GL:[a-zA-Z0-9]+]]", [1, 256, 28, 28]>]
// CHECK: %[[R:.*]] = aic.reorder %[[G]] outs({{.*}}) {layouts = [#aic.layout<"[[GL]]", [1, 256, 28, 28]>, #aic.layout<"[[PL:[a-zA-Z0-9]+]]", [1, 256, 28, 28]>]}
// CHECK: aic.conv %[[R]], {{.*}}layouts = [#aic.layout<"[[PL]]", [1, 256, 28, 28]>

// AVX2-LABEL: func @grouped_then_pointwise
// AVX2: %[[G:.*]] = aic.conv {{.*}}group = 32 : i64, layouts = [{{.*}}#aic.layout<"[[GL:[a-zA-Z0-9]+]]", [1, 256, 28, 28]>]
// AVX2-NOT: aic.reorder
// AVX2: aic.conv %[[G]], {{.*}}layouts = [#aic.layout<"[[GL]]", [1, 256, 28, 28]>
func.func @grouped_then_pointwise(%x: tensor<1x256x28x28xf32>) -> tensor<1x512x28x28xf32> {
  %w1 = arith.constant dense<0.5> : tensor<256x8x3x3xf32>
  %w2 = arith.constant dense<0.25> : tensor<512x256x1x1xf32>
  %e1 = tensor.empty() : tensor<1x256x28x28xf32>
  %c1 = aic.conv %x, %w1 outs(%e1) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 32 : i64} : (tensor<1x256x28x28xf32>, tensor<256x8x3x3xf32>, tensor<1x256x28x28xf32>) -> tensor<1x256x28x28xf32>
  %e2 = tensor.empty() : tensor<1x512x28x28xf32>
  %c2 = aic.conv %c1, %w2 outs(%e2) {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x256x28x28xf32>, tensor<512x256x1x1xf32>, tensor<1x512x28x28xf32>) -> tensor<1x512x28x28xf32>
  return %c2 : tensor<1x512x28x28xf32>
}
