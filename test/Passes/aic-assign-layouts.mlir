// RUN: aic-opt %s -split-input-file -aic-assign-layouts -canonicalize -cse | FileCheck %s
// RUN: aic-opt %s -split-input-file -aic-assign-layouts='isa=avx2' -canonicalize -cse | FileCheck %s --check-prefix=AVX2

// The layouts are oneDNN's choice for the CPU running the test, so the
// checks match any format tag: what must hold is where reorders are. The
// run with isa=avx2 asks about a CPU with 8-wide vectors, whose blocks are
// at most 8 (and so never the 16-wide blocks of AVX-512).

// A ResNet bottleneck block: 1x1 reduce, 3x3, 1x1 expand accumulated into
// the block's input (sum post-op), as aic-fuse-post-ops leaves it. The only
// reorders are the block input into the conv layout and the result back.
// CHECK-LABEL: func @bottleneck
// CHECK-SAME: (%[[X:.*]]: tensor<1x256x14x14xf32>)
// CHECK-NOT: aic.reorder
// CHECK: %[[IN:.*]] = aic.reorder %[[X]] outs({{.*}}) {layouts = [unit, #aic.layout<"[[ACT:[a-zA-Z0-9]+]]", [1, 256, 14, 14]>]}
// CHECK-NOT: aic.reorder
// CHECK: %[[C1:.*]] = aic.conv %[[IN]], %{{.*}} outs({{.*}}) {{.*}}layouts = [#aic.layout<"[[ACT]]", [1, 256, 14, 14]>, #aic.layout<"{{[a-zA-Z0-9]+}}", [64, 256, 1, 1]>, unit, #aic.layout<"[[ACT]]", [1, 64, 14, 14]>]
// CHECK-NOT: aic.reorder
// CHECK: %[[C2:.*]] = aic.conv %[[C1]], %{{.*}} outs({{.*}}) {{.*}}#aic.layout<"[[ACT]]", [1, 64, 14, 14]>]
// CHECK-NOT: aic.reorder
// CHECK: %[[C3:.*]] = aic.conv %[[C2]], %{{.*}} outs(%[[IN]]) {{.*}}#aic.layout<"[[ACT]]", [1, 256, 14, 14]>], {{.*}}post_ops = [#aic.sum, #aic.eltwise<relu>]
// CHECK-NOT: aic.reorder
// CHECK: %[[OUT:.*]] = aic.reorder %[[C3]] outs({{.*}}) {layouts = [#aic.layout<"[[ACT]]", [1, 256, 14, 14]>, unit]} : ({{.*}}, tensor<1x256x14x14xf32>)
// CHECK-NOT: aic.reorder
// CHECK: return %[[OUT]]
// AVX2-LABEL: func @bottleneck
// AVX2-NOT: 16{{[a-e]}}"
// AVX2: return
func.func @bottleneck(%x: tensor<1x256x14x14xf32>) -> tensor<1x256x14x14xf32> {
  %w1 = arith.constant dense<0.01> : tensor<64x256x1x1xf32>
  %w2 = arith.constant dense<0.02> : tensor<64x64x3x3xf32>
  %w3 = arith.constant dense<0.03> : tensor<256x64x1x1xf32>
  %b = arith.constant dense<0.1> : tensor<64xf32>
  %e1 = tensor.empty() : tensor<1x64x14x14xf32>
  %c1 = aic.conv %x, %w1, %b outs(%e1) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64, post_ops = [#aic.eltwise<relu>]} : (tensor<1x256x14x14xf32>, tensor<64x256x1x1xf32>, tensor<64xf32>, tensor<1x64x14x14xf32>) -> tensor<1x64x14x14xf32>
  %c2 = aic.conv %c1, %w2, %b outs(%e1) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1 : i64, post_ops = [#aic.eltwise<relu>]} : (tensor<1x64x14x14xf32>, tensor<64x64x3x3xf32>, tensor<64xf32>, tensor<1x64x14x14xf32>) -> tensor<1x64x14x14xf32>
  %c3 = aic.conv %c2, %w3 outs(%x) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64, post_ops = [#aic.sum, #aic.eltwise<relu>]} : (tensor<1x64x14x14xf32>, tensor<256x64x1x1xf32>, tensor<1x256x14x14xf32>) -> tensor<1x256x14x14xf32>
  return %c3 : tensor<1x256x14x14xf32>
}

// -----

// A MobileNetV2 inverted residual block: 1x1 expand to 144 with ReLU6, 3x3
// depthwise (144 groups) with ReLU6, 1x1 project to 24 accumulated into the
// input. 24 channels are padded in a blocked layout; the depthwise weights
// get oneDNN's grouped dims [144, 1, 1, 3, 3]. Again only the input and the
// result are reordered.
// CHECK-LABEL: func @inverted_residual
// CHECK-NOT: aic.reorder
// CHECK: %[[IN:.*]] = aic.reorder %arg0
// CHECK-NOT: aic.reorder
// CHECK: %[[E:.*]] = aic.conv %[[IN]]
// CHECK-NOT: aic.reorder
// CHECK: %[[D:.*]] = aic.conv %[[E]], %{{.*}} outs({{.*}}) {{.*}}group = 144 : i64, layouts = [{{.*}}, #aic.layout<"{{[a-zA-Z0-9]+}}", [144, 1, 1, 3, 3]>, {{.*}}]
// CHECK-NOT: aic.reorder
// CHECK: %[[P:.*]] = aic.conv %[[D]], %{{.*}} outs(%[[IN]])
// CHECK-NOT: aic.reorder
// CHECK: %[[OUT:.*]] = aic.reorder %[[P]]
// CHECK-NOT: aic.reorder
// CHECK: return %[[OUT]]
func.func @inverted_residual(%x: tensor<1x24x28x28xf32>) -> tensor<1x24x28x28xf32> {
  %w1 = arith.constant dense<0.01> : tensor<144x24x1x1xf32>
  %w2 = arith.constant dense<0.02> : tensor<144x1x3x3xf32>
  %w3 = arith.constant dense<0.03> : tensor<24x144x1x1xf32>
  %e1 = tensor.empty() : tensor<1x144x28x28xf32>
  %c1 = aic.conv %x, %w1 outs(%e1) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64, post_ops = [#aic.eltwise<clip, 0.0, 6.0>]} : (tensor<1x24x28x28xf32>, tensor<144x24x1x1xf32>, tensor<1x144x28x28xf32>) -> tensor<1x144x28x28xf32>
  %c2 = aic.conv %c1, %w2 outs(%e1) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 144 : i64, post_ops = [#aic.eltwise<clip, 0.0, 6.0>]} : (tensor<1x144x28x28xf32>, tensor<144x1x3x3xf32>, tensor<1x144x28x28xf32>) -> tensor<1x144x28x28xf32>
  %c3 = aic.conv %c2, %w3 outs(%x) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64, post_ops = [#aic.sum]} : (tensor<1x144x28x28xf32>, tensor<24x144x1x1xf32>, tensor<1x24x28x28xf32>) -> tensor<1x24x28x28xf32>
  return %c3 : tensor<1x24x28x28xf32>
}

// -----

// MobileNetV3's first block: a depthwise conv of 16 channels (16 groups, one
// block of 16) between two convs. oneDNN's weights layout for it has an
// outer group dim of extent 1, whose stride does not matter: it is a
// blocked layout like any other, and the depthwise conv stays in the
// activations' layout (left plain, oneDNN runs it as a slow gemm).
// CHECK-LABEL: func @depthwise16
// CHECK: %[[IN:.*]] = aic.reorder %arg0
// CHECK-NOT: aic.reorder
// CHECK: %[[D:.*]] = aic.conv {{.*}}group = 16 : i64, layouts = [{{.*}}, #aic.layout<"{{[a-zA-Z0-9]+}}", [16, 1, 1, 3, 3]>, {{.*}}]
// CHECK-NOT: aic.reorder
// CHECK: aic.conv %[[D]]
// CHECK-NOT: aic.reorder
// CHECK: %[[OUT:.*]] = aic.reorder
// CHECK-NOT: aic.reorder
// CHECK: return %[[OUT]]
func.func @depthwise16(%x: tensor<1x16x56x56xf32>) -> tensor<1x16x56x56xf32> {
  %w1 = arith.constant dense<0.01> : tensor<16x16x1x1xf32>
  %w2 = arith.constant dense<0.02> : tensor<16x1x3x3xf32>
  %w3 = arith.constant dense<0.03> : tensor<16x16x1x1xf32>
  %e = tensor.empty() : tensor<1x16x56x56xf32>
  %c1 = aic.conv %x, %w1 outs(%e) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64, post_ops = [#aic.eltwise<relu>]} : (tensor<1x16x56x56xf32>, tensor<16x16x1x1xf32>, tensor<1x16x56x56xf32>) -> tensor<1x16x56x56xf32>
  %c2 = aic.conv %c1, %w2 outs(%e) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 16 : i64, post_ops = [#aic.eltwise<relu>]} : (tensor<1x16x56x56xf32>, tensor<16x1x3x3xf32>, tensor<1x16x56x56xf32>) -> tensor<1x16x56x56xf32>
  %c3 = aic.conv %c2, %w3 outs(%e) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64} : (tensor<1x16x56x56xf32>, tensor<16x16x1x1xf32>, tensor<1x16x56x56xf32>) -> tensor<1x16x56x56xf32>
  return %c3 : tensor<1x16x56x56xf32>
}

// -----

// A squeeze-and-excitation scale (per channel) times a conv's result, the
// scale first as PyTorch exports RegNet's: the product takes the
// activations first, so that the scale can take a blocked broadcast
// layout. 104 channels: oneDNN may block the conv's result by 8, for which
// it has no JIT binary kernel on AVX-512; the product then runs plain
// (which of the two depends on the CPU, so it is not checked here).
// CHECK-LABEL: func @scale_first
// CHECK: %[[C:.*]] = aic.conv
// CHECK: aic.mul %[[C]], %{{.*}} outs
// AVX2-LABEL: func @scale_first
// AVX2: %[[C:.*]] = aic.conv
// AVX2-NOT: aic.reorder
// AVX2: aic.mul %[[C]], %{{.*}} outs({{.*}}) {layouts = [#aic.layout<"[[ACT:[a-zA-Z0-9]+]]", [1, 104, 8, 8]>, #aic.layout<"[[ACT]]", [1, 104, 1, 1]>, #aic.layout<"[[ACT]]", [1, 104, 8, 8]>]}
func.func @scale_first(%x: tensor<1x32x8x8xf32>, %s: tensor<1x104x1x1xf32>) -> tensor<1x104x8x8xf32> {
  %w = arith.constant dense<0.01> : tensor<104x32x1x1xf32>
  %e = tensor.empty() : tensor<1x104x8x8xf32>
  %c = aic.conv %x, %w outs(%e) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64, post_ops = [#aic.eltwise<relu>]} : (tensor<1x32x8x8xf32>, tensor<104x32x1x1xf32>, tensor<1x104x8x8xf32>) -> tensor<1x104x8x8xf32>
  %m = aic.mul %s, %c outs(%e) : (tensor<1x104x1x1xf32>, tensor<1x104x8x8xf32>, tensor<1x104x8x8xf32>) -> tensor<1x104x8x8xf32>
  return %m : tensor<1x104x8x8xf32>
}

// -----

// Pooling, elementwise and binary ops and concat keep the blocked layout of
// their input; a broadcast operand stays plain; a reshape needs plain.
// CHECK-LABEL: func @followers
// CHECK: aic.reorder %arg0
// CHECK: %[[C:.*]] = aic.conv
// CHECK-NOT: aic.reorder
// CHECK: %[[P:.*]] = aic.max_pool %[[C]] {{.*}}layouts = [#aic.layout<"[[ACT:[a-zA-Z0-9]+]]", [1, 32, 8, 8]>, #aic.layout<"[[ACT]]", [1, 32, 4, 4]>]
// CHECK-NOT: aic.reorder
// CHECK: %[[M:.*]] = aic.mul %[[P]], %{{.*}} {{.*}}layouts = [#aic.layout<"[[ACT]]", [1, 32, 4, 4]>, unit, #aic.layout<"[[ACT]]", [1, 32, 4, 4]>]
// CHECK-NOT: aic.reorder
// CHECK: %[[S:.*]] = aic.sigmoid %[[M]]
// CHECK-NOT: aic.reorder
// CHECK: %[[K:.*]] = aic.concat %[[S]], %[[M]] {{.*}}#aic.layout<"[[ACT]]", [1, 64, 4, 4]>]
// CHECK: %[[R:.*]] = aic.reorder %[[K]]
// CHECK: aic.reshape %[[R]]
func.func @followers(%x: tensor<1x16x8x8xf32>) -> tensor<1x1024xf32> {
  %w = arith.constant dense<0.5> : tensor<32x16x3x3xf32>
  %s = arith.constant dense<2.0> : tensor<32x1x1xf32>
  %e0 = tensor.empty() : tensor<1x32x8x8xf32>
  %c = aic.conv %x, %w outs(%e0) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1 : i64} : (tensor<1x16x8x8xf32>, tensor<32x16x3x3xf32>, tensor<1x32x8x8xf32>) -> tensor<1x32x8x8xf32>
  %e1 = tensor.empty() : tensor<1x32x4x4xf32>
  %p = aic.max_pool %c outs(%e1) {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x32x8x8xf32>, tensor<1x32x4x4xf32>) -> tensor<1x32x4x4xf32>
  %m = aic.mul %p, %s outs(%e1) : (tensor<1x32x4x4xf32>, tensor<32x1x1xf32>, tensor<1x32x4x4xf32>) -> tensor<1x32x4x4xf32>
  %g = aic.sigmoid %m outs(%e1) : (tensor<1x32x4x4xf32>, tensor<1x32x4x4xf32>) -> tensor<1x32x4x4xf32>
  %e2 = tensor.empty() : tensor<1x64x4x4xf32>
  %k = aic.concat %g, %m outs(%e2) {axis = 1 : i64} : (tensor<1x32x4x4xf32>, tensor<1x32x4x4xf32>, tensor<1x64x4x4xf32>) -> tensor<1x64x4x4xf32>
  %r = aic.reshape %k : tensor<1x64x4x4xf32> -> tensor<1x1024xf32>
  return %r : tensor<1x1024xf32>
}

// -----

// The constant weights of a matmul are packed at compile time into the
// layout oneDNN asks for, as the logical [K, N] operand (a transposed
// Gemm weight is transposed while packing). Activations stay plain.
// CHECK-LABEL: func @gemm
// CHECK: %[[W:.*]] = arith.constant dense_resource<{{.*}}> : tensor<{{.*}}xf32>
// CHECK: aic.matmul %arg0, %[[W]], %{{.*}} outs(%{{.*}}) {layouts = [unit, #aic.layout<"{{[a-zA-Z0-9]+}}", [256, 100]>, unit, unit]}
// CHECK-NOT: transpose_rhs
// CHECK-NOT: aic.reorder
func.func @gemm(%x: tensor<2x256xf32>) -> tensor<2x100xf32> {
  %w = arith.constant dense<0.5> : tensor<100x256xf32>
  %b = arith.constant dense<0.1> : tensor<100xf32>
  %e = tensor.empty() : tensor<2x100xf32>
  %y = aic.matmul %x, %w, %b outs(%e) {transpose_rhs} : (tensor<2x256xf32>, tensor<100x256xf32>, tensor<100xf32>, tensor<2x100xf32>) -> tensor<2x100xf32>
  return %y : tensor<2x100xf32>
}

// -----

// Layouts that store every element at the same offset need no reorder: the
// 1x1 result of a global pooling is alike in NHWC and NCHW (on AVX-512 this
// is a view, folded into the flatten), while a blocked layout (AVX2's
// nChw8c) still needs a reorder.
// CHECK-LABEL: func @pooled
// CHECK: %[[P:.*]] = aic.avg_pool
// CHECK: aic.{{reshape|reorder}} %[[P]]
// CHECK: -> tensor<1x32xf32>
// AVX2-LABEL: func @pooled
// AVX2: %[[P:.*]] = aic.avg_pool
// AVX2: %[[R:.*]] = aic.reorder %[[P]]
// AVX2: aic.reshape %[[R]] : tensor<1x32x1x1xf32> -> tensor<1x32xf32>
func.func @pooled(%x: tensor<1x16x8x8xf32>) -> tensor<1x32xf32> {
  %w = arith.constant dense<0.5> : tensor<32x16x3x3xf32>
  %e0 = tensor.empty() : tensor<1x32x8x8xf32>
  %c = aic.conv %x, %w outs(%e0) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1 : i64} : (tensor<1x16x8x8xf32>, tensor<32x16x3x3xf32>, tensor<1x32x8x8xf32>) -> tensor<1x32x8x8xf32>
  %e1 = tensor.empty() : tensor<1x32x1x1xf32>
  %p = aic.avg_pool %c outs(%e1) {kernel = array<i64: 8, 8>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x32x8x8xf32>, tensor<1x32x1x1xf32>) -> tensor<1x32x1x1xf32>
  %r = aic.reshape %p : tensor<1x32x1x1xf32> -> tensor<1x32xf32>
  return %r : tensor<1x32xf32>
}

// -----

// A transposed convolution takes dense row-major operands: the blocked
// result of the conv before it is reordered back to plain, and its own
// result and weights stay plain.
// CHECK-LABEL: func @conv_transpose
// CHECK: %[[C:.*]] = aic.conv {{.*}}layouts = [#aic.layout<"[[ACT:[a-zA-Z0-9]+]]"
// CHECK: %[[P:.*]] = aic.reorder %[[C]] outs({{.*}}) {layouts = [#aic.layout<"[[ACT]]", [1, 32, 8, 8]>, unit]} : ({{.*}}, tensor<1x32x8x8xf32>)
// CHECK: %[[T:.*]] = aic.conv_transpose %[[P]], %{{.*}} outs(%{{.*}}) {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x32x8x8xf32>, tensor<32x16x4x4xf32>, tensor<1x16x16x16xf32>) -> tensor<1x16x16x16xf32>
// CHECK-NOT: aic.reorder
// CHECK: return %[[T]]
func.func @conv_transpose(%x: tensor<1x32x8x8xf32>) -> tensor<1x16x16x16xf32> {
  %w = arith.constant dense<0.01> : tensor<32x32x3x3xf32>
  %wt = arith.constant dense<0.02> : tensor<32x16x4x4xf32>
  %e = tensor.empty() : tensor<1x32x8x8xf32>
  %c = aic.conv %x, %w outs(%e) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1 : i64, post_ops = [#aic.eltwise<relu>]} : (tensor<1x32x8x8xf32>, tensor<32x32x3x3xf32>, tensor<1x32x8x8xf32>) -> tensor<1x32x8x8xf32>
  %e2 = tensor.empty() : tensor<1x16x16x16xf32>
  %t = aic.conv_transpose %c, %wt outs(%e2) {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1 : i64} : (tensor<1x32x8x8xf32>, tensor<32x16x4x4xf32>, tensor<1x16x16x16xf32>) -> tensor<1x16x16x16xf32>
  return %t : tensor<1x16x16x16xf32>
}

// -----

// A SqueezeNet fire module: two convs whose results a channel concat of one
// image takes. In NHWC-like layouts the concat would interleave its inputs;
// in a channel-blocked layout (blocks dividing 32 channels) it places them
// one after another, which aic-concat-in-place turns into no work at all,
// so the convs write that layout, and the conv after the concat keeps it
// instead of reordering back into oneDNN's default. The squeeze conv before
// them, on the plain input, writes oneDNN's default, reordered once.
// CHECK-LABEL: func @fire
// CHECK: aic.reorder %arg0
// CHECK: %[[S:.*]] = aic.conv
// CHECK: %[[R:.*]] = aic.reorder %[[S]] {{.*}}#aic.layout<"[[ACT:aBcd(16|8)b]]", [1, 16, 8, 8]>]}
// CHECK-NOT: aic.reorder
// CHECK: %[[A:.*]] = aic.conv %[[R]], {{.*}} layouts = [#aic.layout<"[[ACT]]", [1, 16, 8, 8]>, {{.*}}, #aic.layout<"[[ACT]]", [1, 32, 8, 8]>]
// CHECK-NOT: aic.reorder
// CHECK: %[[B:.*]] = aic.conv %[[R]], {{.*}} layouts = [#aic.layout<"[[ACT]]", [1, 16, 8, 8]>, {{.*}}, #aic.layout<"[[ACT]]", [1, 32, 8, 8]>]
// CHECK-NOT: aic.reorder
// CHECK: %[[K:.*]] = aic.concat %[[A]], %[[B]] {{.*}}#aic.layout<"[[ACT]]", [1, 64, 8, 8]>]
// CHECK-NOT: aic.reorder
// CHECK: %[[N:.*]] = aic.conv %[[K]], {{.*}} layouts = [#aic.layout<"[[ACT]]", [1, 64, 8, 8]>, {{.*}}, #aic.layout<"[[ACT]]", [1, 16, 8, 8]>]
// CHECK: aic.reorder %[[N]]
// CHECK-NOT: aic.reorder
// CHECK: return
// AVX2-LABEL: func @fire
// AVX2: aic.concat {{.*}}#aic.layout<"aBcd8b", [1, 64, 8, 8]>]
func.func @fire(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
  %ws = arith.constant dense<0.01> : tensor<16x16x1x1xf32>
  %w1 = arith.constant dense<0.02> : tensor<32x16x1x1xf32>
  %w3 = arith.constant dense<0.03> : tensor<32x16x3x3xf32>
  %wn = arith.constant dense<0.04> : tensor<16x64x1x1xf32>
  %e16 = tensor.empty() : tensor<1x16x8x8xf32>
  %s = aic.conv %x, %ws outs(%e16) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64, post_ops = [#aic.eltwise<relu>]} : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>, tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
  %e = tensor.empty() : tensor<1x32x8x8xf32>
  %a = aic.conv %s, %w1 outs(%e) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64, post_ops = [#aic.eltwise<relu>]} : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>, tensor<1x32x8x8xf32>) -> tensor<1x32x8x8xf32>
  %b = aic.conv %s, %w3 outs(%e) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1 : i64, post_ops = [#aic.eltwise<relu>]} : (tensor<1x16x8x8xf32>, tensor<32x16x3x3xf32>, tensor<1x32x8x8xf32>) -> tensor<1x32x8x8xf32>
  %e2 = tensor.empty() : tensor<1x64x8x8xf32>
  %k = aic.concat %a, %b outs(%e2) {axis = 1 : i64} : (tensor<1x32x8x8xf32>, tensor<1x32x8x8xf32>, tensor<1x64x8x8xf32>) -> tensor<1x64x8x8xf32>
  %n = aic.conv %k, %wn outs(%e16) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64} : (tensor<1x64x8x8xf32>, tensor<16x64x1x1xf32>, tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
  return %n : tensor<1x16x8x8xf32>
}

// -----

// The same with a batch known only at run time: each image holds its part
// of both inputs one after another, and aic-concat-in-place runs the convs
// per image into them, so the convs still write the channel-blocked layout.
// CHECK-LABEL: func @fire_runtime_batch
// CHECK: %[[A:.*]] = aic.conv {{.*}} layouts = [#aic.layout<"[[ACT:aBcd(16|8)b]]", [?, 16, 8, 8]>, {{.*}}, #aic.layout<"[[ACT]]", [?, 32, 8, 8]>]
// CHECK: %[[B:.*]] = aic.conv {{.*}} layouts = [#aic.layout<"[[ACT]]", [?, 16, 8, 8]>, {{.*}}, #aic.layout<"[[ACT]]", [?, 32, 8, 8]>]
// CHECK: aic.concat %[[A]], %[[B]] {{.*}}#aic.layout<"[[ACT]]", [?, 64, 8, 8]>]
func.func @fire_runtime_batch(%x: tensor<?x16x8x8xf32>) -> tensor<?x64x8x8xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x16x8x8xf32>
  %w1 = arith.constant dense<0.02> : tensor<32x16x1x1xf32>
  %w3 = arith.constant dense<0.03> : tensor<32x16x3x3xf32>
  %e = tensor.empty(%n) : tensor<?x32x8x8xf32>
  %a = aic.conv %x, %w1 outs(%e) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64, post_ops = [#aic.eltwise<relu>]} : (tensor<?x16x8x8xf32>, tensor<32x16x1x1xf32>, tensor<?x32x8x8xf32>) -> tensor<?x32x8x8xf32>
  %b = aic.conv %x, %w3 outs(%e) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1 : i64, post_ops = [#aic.eltwise<relu>]} : (tensor<?x16x8x8xf32>, tensor<32x16x3x3xf32>, tensor<?x32x8x8xf32>) -> tensor<?x32x8x8xf32>
  %e2 = tensor.empty(%n) : tensor<?x64x8x8xf32>
  %k = aic.concat %a, %b outs(%e2) {axis = 1 : i64} : (tensor<?x32x8x8xf32>, tensor<?x32x8x8xf32>, tensor<?x64x8x8xf32>) -> tensor<?x64x8x8xf32>
  return %k : tensor<?x64x8x8xf32>
}

// -----

// A DenseNet block: a concat of the block's input (pooled, in the layout
// oneDNN chose for the first conv: NHWC-like on AVX-512) and a conv's features,
// then an inference BatchNorm as a per-channel mul. The concat takes the
// layout of the input that places its inputs one after another in each
// image (the conv feeding it writes channel blocks), whatever the layout of
// its first input; the mul's per-channel operand is packed in the same
// blocked layout, as oneDNN broadcasts it over a blocked operand only then.
// CHECK-LABEL: func @dense
// CHECK: %[[F:.*]] = aic.conv {{.*}}#aic.layout<"[[ACT:aBcd(16|8)b]]", [1, 32, 8, 8]>]
// CHECK: %[[K:.*]] = aic.concat %{{.*}}, %[[F]] {{.*}}layouts = [#aic.layout<"[[ACT]]", [1, 64, 8, 8]>, #aic.layout<"[[ACT]]", [1, 32, 8, 8]>, #aic.layout<"[[ACT]]", [1, 96, 8, 8]>]
// CHECK: aic.mul %[[K]], %{{.*}} {{.*}}layouts = [#aic.layout<"[[ACT]]", [1, 96, 8, 8]>, #aic.layout<"[[ACT]]", [1, 96, 1, 1]>, #aic.layout<"[[ACT]]", [1, 96, 8, 8]>]
func.func @dense(%x: tensor<1x3x16x16xf32>) -> tensor<1x96x8x8xf32> {
  %w0 = arith.constant dense<0.01> : tensor<64x3x3x3xf32>
  %w1 = arith.constant dense<0.02> : tensor<32x64x3x3xf32>
  %s = arith.constant dense<0.5> : tensor<96x1x1xf32>
  %e64x16 = tensor.empty() : tensor<1x64x16x16xf32>
  %c = aic.conv %x, %w0 outs(%e64x16) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1 : i64, post_ops = [#aic.eltwise<relu>]} : (tensor<1x3x16x16xf32>, tensor<64x3x3x3xf32>, tensor<1x64x16x16xf32>) -> tensor<1x64x16x16xf32>
  %e64 = tensor.empty() : tensor<1x64x8x8xf32>
  %c0 = aic.max_pool %c outs(%e64) {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x64x16x16xf32>, tensor<1x64x8x8xf32>) -> tensor<1x64x8x8xf32>
  %e32 = tensor.empty() : tensor<1x32x8x8xf32>
  %f = aic.conv %c0, %w1 outs(%e32) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1 : i64} : (tensor<1x64x8x8xf32>, tensor<32x64x3x3xf32>, tensor<1x32x8x8xf32>) -> tensor<1x32x8x8xf32>
  %e96 = tensor.empty() : tensor<1x96x8x8xf32>
  %k = aic.concat %c0, %f outs(%e96) {axis = 1 : i64} : (tensor<1x64x8x8xf32>, tensor<1x32x8x8xf32>, tensor<1x96x8x8xf32>) -> tensor<1x96x8x8xf32>
  %m = aic.mul %k, %s outs(%e96) : (tensor<1x96x8x8xf32>, tensor<96x1x1xf32>, tensor<1x96x8x8xf32>) -> tensor<1x96x8x8xf32>
  return %m : tensor<1x96x8x8xf32>
}

// -----

// Weights computed at run time (scaled by aic-fold-input-scale) that are
// much smaller than the input are reordered on every run into oneDNN's
// layout; the scaling runs on the plain weights. Weights as large as the
// input stay plain.
// CHECK-LABEL: func @computed_weights
// CHECK: %[[WS:.*]] = aic.mul %{{.*}}, %arg1 outs(%{{.*}}) : (tensor<24x96x1x1xf32>
// CHECK: %[[WB:.*]] = aic.reorder %[[WS]] outs(%{{.*}}) {layouts = [unit, #aic.layout<"[[WL:[a-zA-Z0-9]+]]", [24, 96, 1, 1]>]}
// CHECK: aic.conv %{{.*}}, %[[WB]] outs(%{{.*}}) {{.*}}layouts = [#aic.layout<"{{[a-zA-Z0-9]+}}", [1, 96, 56, 56]>, #aic.layout<"[[WL]]", [24, 96, 1, 1]>,
// CHECK: aic.conv %{{.*}}, %arg2 outs(%{{.*}}) {{.*}}layouts = [#aic.layout<"{{[a-zA-Z0-9]+}}", [1, 24, 8, 8]>, unit,
func.func @computed_weights(%x: tensor<1x96x56x56xf32>, %s: tensor<96x1x1xf32>, %w2: tensor<24x24x3x3xf32>, %x2: tensor<1x24x8x8xf32>) -> (tensor<1x24x56x56xf32>, tensor<1x24x8x8xf32>) {
  %w = arith.constant dense<0.5> : tensor<24x96x1x1xf32>
  %ew = tensor.empty() : tensor<24x96x1x1xf32>
  %ws = aic.mul %w, %s outs(%ew) : (tensor<24x96x1x1xf32>, tensor<96x1x1xf32>, tensor<24x96x1x1xf32>) -> tensor<24x96x1x1xf32>
  %e = tensor.empty() : tensor<1x24x56x56xf32>
  %c = aic.conv %x, %ws outs(%e) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64} : (tensor<1x96x56x56xf32>, tensor<24x96x1x1xf32>, tensor<1x24x56x56xf32>) -> tensor<1x24x56x56xf32>
  %e2 = tensor.empty() : tensor<1x24x8x8xf32>
  %c2 = aic.conv %x2, %w2 outs(%e2) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1 : i64} : (tensor<1x24x8x8xf32>, tensor<24x24x3x3xf32>, tensor<1x24x8x8xf32>) -> tensor<1x24x8x8xf32>
  return %c, %c2 : tensor<1x24x56x56xf32>, tensor<1x24x8x8xf32>
}

// -----

// A symbolic batch: oneDNN is asked about batch 1, and the layouts keep the
// batch a run-time dim (never blocked). Values stay blocked from the input's
// reorder through both convs (the second accumulating into it) and the
// pooling to the result's reorder; the blocked destinations take the batch
// from the input.
// CHECK-LABEL: func @symbolic_batch
// CHECK-SAME: (%[[X:.*]]: tensor<?x64x14x14xf32>)
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %c0
// CHECK-NOT: aic.reorder
// CHECK: %[[E:.*]] = tensor.empty(%[[N]]) : tensor<?x{{[0-9x]+}}xf32>
// CHECK: %[[IN:.*]] = aic.reorder %[[X]] outs(%[[E]]) {layouts = [unit, #aic.layout<"[[ACT:[a-zA-Z0-9]+]]", [?, 64, 14, 14]>]}
// CHECK-NOT: aic.reorder
// CHECK: %[[C1:.*]] = aic.conv %[[IN]], {{.*}}layouts = [#aic.layout<"[[ACT]]", [?, 64, 14, 14]>, #aic.layout<"{{[a-zA-Z0-9]+}}", [64, 64, 3, 3]>, unit, #aic.layout<"[[ACT]]", [?, 64, 14, 14]>]
// CHECK-NOT: aic.reorder
// CHECK: %[[C2:.*]] = aic.conv %[[C1]], %{{.*}} outs(%[[IN]])
// CHECK-NOT: aic.reorder
// CHECK: %[[P:.*]] = aic.max_pool %[[C2]] outs(%{{.*}}) {{.*}}layouts = [#aic.layout<"[[ACT]]", [?, 64, 14, 14]>, #aic.layout<"[[ACT]]", [?, 64, 7, 7]>]
// CHECK: %[[OUT:.*]] = aic.reorder %[[P]] outs({{.*}}) {layouts = [#aic.layout<"[[ACT]]", [?, 64, 7, 7]>, unit]} : (tensor<?x{{[0-9x]+}}xf32>, tensor<?x64x7x7xf32>)
// CHECK: return %[[OUT]]
func.func @symbolic_batch(%x: tensor<?x64x14x14xf32>) -> tensor<?x64x7x7xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x64x14x14xf32>
  %w = arith.constant dense<0.01> : tensor<64x64x3x3xf32>
  %b = arith.constant dense<0.1> : tensor<64xf32>
  %e = tensor.empty(%n) : tensor<?x64x14x14xf32>
  %c1 = aic.conv %x, %w, %b outs(%e) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1 : i64, post_ops = [#aic.eltwise<relu>]} : (tensor<?x64x14x14xf32>, tensor<64x64x3x3xf32>, tensor<64xf32>, tensor<?x64x14x14xf32>) -> tensor<?x64x14x14xf32>
  %c2 = aic.conv %c1, %w outs(%x) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1 : i64, post_ops = [#aic.sum, #aic.eltwise<relu>]} : (tensor<?x64x14x14xf32>, tensor<64x64x3x3xf32>, tensor<?x64x14x14xf32>) -> tensor<?x64x14x14xf32>
  %ep = tensor.empty(%n) : tensor<?x64x7x7xf32>
  %p = aic.max_pool %c2 outs(%ep) {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<?x64x14x14xf32>, tensor<?x64x7x7xf32>) -> tensor<?x64x7x7xf32>
  return %p : tensor<?x64x7x7xf32>
}

// -----

// A matmul of a run-time M (the classifier of a CNN with a symbolic batch)
// gets its constant weights packed as for M = 1.
// CHECK-LABEL: func @gemm_symbolic_batch
// CHECK: %[[W:.*]] = arith.constant dense_resource<{{.*}}> : tensor<{{.*}}xf32>
// CHECK: aic.matmul %arg0, %[[W]], %{{.*}} outs(%{{.*}}) {layouts = [unit, #aic.layout<"{{[a-zA-Z0-9]+}}", [256, 100]>, unit, unit]} : (tensor<?x256xf32>
// CHECK-NOT: transpose_rhs
func.func @gemm_symbolic_batch(%x: tensor<?x256xf32>) -> tensor<?x100xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x256xf32>
  %w = arith.constant dense<0.5> : tensor<100x256xf32>
  %b = arith.constant dense<0.1> : tensor<100xf32>
  %e = tensor.empty(%n) : tensor<?x100xf32>
  %y = aic.matmul %x, %w, %b outs(%e) {transpose_rhs} : (tensor<?x256xf32>, tensor<100x256xf32>, tensor<100xf32>, tensor<?x100xf32>) -> tensor<?x100xf32>
  return %y : tensor<?x100xf32>
}

// -----

// Weights computed at run time, over a symbolic batch: whether they are
// worth a layout is judged at batch 1 (here they are much smaller than the
// input, so they get one and are reordered on each run).
// CHECK-LABEL: func @symbolic_batch_runtime_weights
// CHECK: aic.conv {{.*}}layouts = [#aic.layout<"{{[a-zA-Z0-9]+}}", [?, 64, 56, 56]>, #aic.layout<"{{[a-zA-Z0-9]+}}", [64, 64, 1, 1]>
func.func @symbolic_batch_runtime_weights(%x: tensor<?x64x56x56xf32>, %w: tensor<64x64x1x1xf32>) -> tensor<?x64x56x56xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x64x56x56xf32>
  %e = tensor.empty(%n) : tensor<?x64x56x56xf32>
  %c = aic.conv %x, %w outs(%e) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64} : (tensor<?x64x56x56xf32>, tensor<64x64x1x1xf32>, tensor<?x64x56x56xf32>) -> tensor<?x64x56x56xf32>
  return %c : tensor<?x64x56x56xf32>
}
