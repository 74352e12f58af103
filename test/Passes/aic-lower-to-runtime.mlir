// RUN: aic-opt %s -aic-plan-memory -aic-lower-to-runtime | FileCheck %s
// RUN: aic-opt %s -aic-plan-memory -aic-lower-to-runtime -convert-linalg-to-loops -lower-affine -convert-scf-to-cf -convert-arith-to-llvm -finalize-memref-to-llvm -convert-cf-to-llvm -convert-func-to-llvm -reconcile-unrealized-casts | FileCheck %s --check-prefix=LLVM

// Tests that primitives get constant descriptors created once in init and
// executed in run, that transpose becomes loops on memref views of the
// arena, and that the metadata names inputs and outputs.

// CHECK: module attributes {{{.*}}aic.weights = dense_resource<__aic_weights> : tensor<88xi8>}
// CHECK: func.func private @aicrt_create(!llvm.ptr, i32, !llvm.ptr, i64, !llvm.ptr) -> i32
// CHECK: func.func private @aicrt_exec(!llvm.ptr, i32, !llvm.ptr, i32) -> i32

// CHECK-LABEL: func.func @aic_model_init(%{{.*}}: !llvm.ptr) -> i32
// CHECK: %[[D0:.*]] = llvm.mlir.addressof @__aic_desc_0
// CHECK: %[[N0:.*]] = llvm.mlir.addressof @__aic_name_0
// CHECK: call @aicrt_create(%{{.*}}, %{{.*}}, %[[D0]], %{{.*}}, %[[N0]])
// CHECK: cf.cond_br
// CHECK: call @aicrt_create
// CHECK-NOT: call @aicrt_create
// CHECK: return

// CHECK-LABEL: func.func @aic_model_run
// CHECK-SAME: (%[[STATE:.*]]: !llvm.ptr, %[[IN:.*]]: !llvm.ptr, %[[OUT:.*]]: !llvm.ptr, %[[ARENA:.*]]: !llvm.ptr) -> i32
// CHECK: call @aicrt_exec(%[[STATE]], %{{.*}}, %{{.*}}, %{{.*}}) : (!llvm.ptr, i32, !llvm.ptr, i32) -> i32
// CHECK: linalg.transpose ins(%{{.*}} : memref<2x3xf32>) outs(%{{.*}} : memref<3x2xf32>) permutation = [1, 0]
// CHECK: call @aicrt_exec
// CHECK: return

// Descriptors (aic/abi.h): BINARY add, a/b/dst f32 [2,3], no post-ops; then
// MATMUL a f32 [3,2], b f32 [2,3], no bias, dst f32 [3,3], no transposes,
// alpha 1.0 as double bits, b not a constant, no post-ops.
// CHECK: llvm.mlir.global internal constant @__aic_desc_0(dense<[5, 1, 1, 2, 2, 3, 1, 2, 2, 3, 1, 2, 2, 3, 0]>
// CHECK: llvm.mlir.global internal constant @__aic_name_0("add0\00")
// CHECK: llvm.mlir.global internal constant @__aic_desc_1(dense<[3, 1, 2, 3, 2, 1, 2, 2, 3, 0, 1, 2, 3, 3, 0, 0, 4607182418800017408, 0, 0]>
// CHECK: llvm.mlir.global internal constant @__aic_name_1("node_1\00")
// CHECK: llvm.mlir.global external constant @aic_model_meta("aic-model 1\0Aarena 128\0Aprimitives 2\0Ainput 1 x 1 2 2 3\0Aoutput 5 y out 1 2 3 3\0A\00")
// CHECK: llvm.mlir.global external constant @__aic_weights() {addr_space = 0 : i32, alignment = 64 : i64} : !llvm.array<88 x i8>

// LLVM-NOT: linalg.
// LLVM-NOT: memref.
// LLVM: llvm.func @aic_model_run
// LLVM: llvm.load
// LLVM: llvm.store
func.func @main_graph(%x: tensor<2x3xf32> {aic.name = "x"}) -> (tensor<3x3xf32> {aic.name = "y out"}) {
  %c = aic.constant dense<2.0> : tensor<2x3xf32>
  %w = aic.constant dense<1.0> : tensor<3x2xf32>
  %0 = aic.add %x, %c : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32> loc("add0")
  %1 = aic.transpose %0 {perm = array<i64: 1, 0>} : tensor<2x3xf32> -> tensor<3x2xf32>
  %2 = aic.matmul %1, %x : (tensor<3x2xf32>, tensor<2x3xf32>) -> tensor<3x3xf32>
  return %2 : tensor<3x3xf32>
}
