// The CHECK runs cap oneDNN at AVX2: aic-assign-layouts (the last pass of
// aic-optimize) asks oneDNN for the conv's layouts on the CPU running the
// test, and the cap makes its answer, hence every descriptor word, the same
// on any AVX2 or newer x86 CPU. The NONE runs keep the host's answer.
// RUN: env ONEDNN_MAX_CPU_ISA=AVX2 aic-opt %s -aic-pipeline | FileCheck %s
// RUN: aic-opt %s -aic-pipeline | FileCheck %s --check-prefix=NONE
// The three stages, each replayed on the IR the previous one printed (with
// locations: they carry the node names), give the same result.
// RUN: env ONEDNN_MAX_CPU_ISA=AVX2 aic-opt %s -aic-optimize -mlir-print-debuginfo \
// RUN:   | aic-opt -aic-lower-to-runtime -mlir-print-debuginfo \
// RUN:   | aic-opt -aic-lower-to-llvm | FileCheck %s
// RUN: aic-opt %s -aic-optimize | aic-opt -aic-lower-to-runtime \
// RUN:   | aic-opt -aic-lower-to-llvm | FileCheck %s --check-prefix=NONE

// Tests that aic-pipeline takes an imported graph (tensors, destination-style
// aic ops, arith.constant weights, a linalg.transpose, an aic.reshape) all the
// way to the LLVM dialect: the ABI v4 entry points aic_model_init and
// aic_model_run, the aic_model_meta struct, one primitive per library op
// (the relus fused into the conv and the matmul) plus the reorder aic-assign-layouts puts
// where the blocked pool result must become dense row-major again (for the
// reshape), created by aicrt_create and executed by aicrt_exec with a status
// check, and the weights packed into one blob.

// With AVX2 oneDNN runs the conv in Acbd8a weights and an aBcd8b result (2
// channels padded to 8), and the pool keeps aBcd8b. The arena holds the
// conv's result (1x1x4x4x8 f32, 512 bytes) while the pool writes its own
// (1x1x2x2x8, 128 bytes): 640 bytes. Packing the 2 output channels of the
// conv weights into blocks of 8 would take 4x their size, so they stay
// dense (the runtime reorders them once at load). The weights blob is the
// bias (8 bytes at 0), the conv weights (2x1x3x3 f32, 72 bytes at 64) and
// the transposed fc weight (4x8 f32, 128 bytes at 192): 320 bytes.
// CHECK: module attributes {aic.arena_naive_size = {{[0-9]+}} : i64, aic.arena_size = 640 : i64, aic.weights = dense_resource<__aic_weights> : tensor<320xi8>}
// CHECK: llvm.mlir.global external constant @__aic_weights() {addr_space = 0 : i32, alignment = 64 : i64} : !llvm.array<320 x i8>

// The graph: an exec call per primitive, in order, each followed by a branch
// to the block returning a non-zero status.
// CHECK-LABEL: llvm.func {{.*}}@main_graph(
// CHECK-SAME: -> i32
// CHECK-COUNT-5: llvm.call @aicrt_exec(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) : (!llvm.ptr, i32, !llvm.ptr, i32) -> i32
// CHECK-NOT: llvm.call @aicrt_exec
// CHECK: ^[[FAIL:bb[0-9]+]](%[[RC:.*]]: i32):
// CHECK-NEXT: llvm.return %[[RC]] : i32

// CHECK-DAG: llvm.func @aicrt_create(!llvm.ptr, i32, !llvm.ptr, i64, !llvm.ptr) -> i32
// CHECK-DAG: llvm.func @aicrt_exec(!llvm.ptr, i32, !llvm.ptr, i32) -> i32

// CHECK-LABEL: llvm.func @aic_model_init(%{{.*}}: !llvm.ptr) -> i32
// CHECK-COUNT-5: llvm.call @aicrt_create(
// CHECK-NOT: llvm.call @aicrt_create

// Descriptors (aic/primitives.def), each Tensor ending with its layout
// word: 0 for dense row-major, or 1, the order of the outer dims and the
// inner blocks as (dim, size) pairs. CONV: src dense, wei dense, bias
// dense, dst aBcd8b (1; order 0 1 2 3; one block: dim 1 by 8),
// weights_const and the fused relu (oneDNN's, which the runtime guards for
// NaN). POOL max from
// aBcd8b to aBcd8b. REORDER of the pool's result from aBcd8b to dense, named
// "reorder of" the pool node whose result it converts. MATMUL with transpose_rhs (b,
// the transposed weight, is folded into a constant by aic-fold-constants)
// and the fused relu (without a post-op, a product this small would be
// generated code: aic-inline-small-matmuls). SOFTMAX on axis 1. Each is named after its node.
// CHECK-DAG: llvm.mlir.global internal constant @__aic_desc_0(dense<[1, 1, 4, 1, 1, 6, 6, 0, 1, 4, 2, 1, 3, 3, 0, 1, 1, 1, 2, 0, 1, 4, 1, 2, 4, 4, 1, 0, 1, 2, 3, 1, 1, 8, 2, 1, 1, 2, 1, 1, 2, 0, 0, 2, 0, 0, 1, 1, 1, 1, 1, 0, 0]> : tensor<53xi64>)
// CHECK-DAG: llvm.mlir.global internal constant @__aic_name_0("conv0\00")
// CHECK-DAG: llvm.mlir.global internal constant @__aic_desc_1(dense<[2, 0, 1, 4, 1, 2, 4, 4, 1, 0, 1, 2, 3, 1, 1, 8, 1, 4, 1, 2, 2, 2, 1, 0, 1, 2, 3, 1, 1, 8, 2, 2, 2, 2, 2, 2, 2, 1, 1, 2, 0, 0, 2, 0, 0]> : tensor<45xi64>)
// CHECK-DAG: llvm.mlir.global internal constant @__aic_name_1("pool0\00")
// CHECK-DAG: llvm.mlir.global internal constant @__aic_desc_2(dense<[10, 1, 4, 1, 2, 2, 2, 1, 0, 1, 2, 3, 1, 1, 8, 1, 4, 1, 2, 2, 2, 0]> : tensor<22xi64>)
// CHECK-DAG: llvm.mlir.global internal constant @__aic_name_2("reorder of pool0\00")
// CHECK-DAG: llvm.mlir.global internal constant @__aic_desc_3(dense<[3, 1, 2, 1, 8, 0, 1, 2, 4, 8, 0, 0, 1, 2, 1, 4, 0, 0, 1, 4607182418800017408, 1, 1, 1, 1, 0, 0]> : tensor<26xi64>)
// CHECK-DAG: llvm.mlir.global internal constant @__aic_name_3("fc\00")
// CHECK-DAG: llvm.mlir.global internal constant @__aic_desc_4(dense<[6, 1, 0, 1, 2, 1, 4, 0, 1, 2, 1, 4, 0]> : tensor<13xi64>)
// CHECK-DAG: llvm.mlir.global internal constant @__aic_name_4("softmax\00")

// CHECK-LABEL: llvm.func @aic_model_run(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr) -> i32
// CHECK: %[[STATUS:.*]] = llvm.call @main_graph(
// CHECK: llvm.return %[[STATUS]] : i32

// CHECK-DAG: llvm.mlir.global internal constant @__aic_input_0_name("image\00")
// CHECK-DAG: llvm.mlir.global internal constant @__aic_input_0_shape(dense<[1, 1, 6, 6]> : tensor<4xi64>)
// CHECK-DAG: llvm.mlir.global internal constant @__aic_output_0_name("probs\00")
// CHECK-DAG: llvm.mlir.global internal constant @__aic_output_0_shape(dense<[1, 4]> : tensor<2xi64>)

// The metadata: {abi_version 13, 1 input, 1 output, 5 primitives, arena 640
// bytes, the input and output tables, no value tables}.
// CHECK-LABEL: llvm.mlir.global external constant @aic_model_meta() {{.*}} : !llvm.struct<(i32, i32, i32, i32, i64, ptr, ptr, i32, i32, ptr, ptr)> {
// CHECK-DAG: %[[VERSION:.*]] = llvm.mlir.constant(13 : i32) : i32
// CHECK-DAG: %[[PRIMS:.*]] = llvm.mlir.constant(5 : i32) : i32
// CHECK-DAG: %[[ONE:.*]] = llvm.mlir.constant(1 : i32) : i32
// CHECK-DAG: %[[ARENA:.*]] = llvm.mlir.constant(640 : i64) : i64
// CHECK-DAG: %[[INS:.*]] = llvm.mlir.addressof @__aic_inputs : !llvm.ptr
// CHECK-DAG: %[[OUTS:.*]] = llvm.mlir.addressof @__aic_outputs : !llvm.ptr
// CHECK: %[[M0:.*]] = llvm.insertvalue %[[VERSION]], %{{.*}}[0]
// CHECK: %[[M1:.*]] = llvm.insertvalue %[[ONE]], %[[M0]][1]
// CHECK: %[[M2:.*]] = llvm.insertvalue %[[ONE]], %[[M1]][2]
// CHECK: %[[M3:.*]] = llvm.insertvalue %[[PRIMS]], %[[M2]][3]
// CHECK: %[[M4:.*]] = llvm.insertvalue %[[ARENA]], %[[M3]][4]
// CHECK: %[[M5:.*]] = llvm.insertvalue %[[INS]], %[[M4]][5]
// CHECK: %[[M6:.*]] = llvm.insertvalue %[[OUTS]], %[[M5]][6]
// CHECK: %[[M7:.*]] = llvm.insertvalue %[[ZERO:.*]], %[[M6]][7]
// CHECK: %[[M8:.*]] = llvm.insertvalue %[[ZERO]], %[[M7]][8]
// CHECK: %[[M9:.*]] = llvm.insertvalue %[[NULL:.*]], %[[M8]][9]
// CHECK: %[[M10:.*]] = llvm.insertvalue %[[NULL]], %[[M9]][10]
// CHECK: llvm.return %[[M10]]

// Nothing but the LLVM dialect is left.
// NONE-NOT: {{^ *(%[^ ]+ = )?(aic|memref|linalg|scf|cf|arith|math|tensor|bufferization|affine|func|builtin)\.}}
// NONE-NOT: unrealized_conversion_cast

func.func @main_graph(%x: tensor<1x1x6x6xf32> {aic.name = "image"}) -> (tensor<1x4xf32> {aic.name = "probs"}) {
  %w = arith.constant dense<0.5> : tensor<2x1x3x3xf32>
  %b = arith.constant dense<[0.1, -0.1]> : tensor<2xf32>
  %e0 = tensor.empty() : tensor<1x2x4x4xf32>
  %c = aic.conv %x, %w, %b outs(%e0) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64}
       : (tensor<1x1x6x6xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("conv0")
  %e1 = tensor.empty() : tensor<1x2x4x4xf32>
  %r = aic.relu %c outs(%e1) : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("relu0")
  %e2 = tensor.empty() : tensor<1x2x2x2xf32>
  %p = aic.max_pool %r outs(%e2) {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>}
       : (tensor<1x2x4x4xf32>, tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> loc("pool0")
  %f = aic.reshape %p : tensor<1x2x2x2xf32> -> tensor<1x8xf32>
  %fc = arith.constant dense<0.25> : tensor<8x4xf32>
  %e3 = tensor.empty() : tensor<4x8xf32>
  %t = linalg.transpose ins(%fc : tensor<8x4xf32>) outs(%e3 : tensor<4x8xf32>) permutation = [1, 0]
  %e4 = tensor.empty() : tensor<1x4xf32>
  %m = aic.matmul %f, %t outs(%e4) {transpose_rhs} : (tensor<1x8xf32>, tensor<4x8xf32>, tensor<1x4xf32>) -> tensor<1x4xf32> loc("fc")
  %e6 = tensor.empty() : tensor<1x4xf32>
  %mr = aic.relu %m outs(%e6) : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32> loc("fc_relu")
  %e5 = tensor.empty() : tensor<1x4xf32>
  %s = aic.softmax %mr outs(%e5) {axis = 1 : i64} : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32> loc("softmax")
  return %s : tensor<1x4xf32>
}
