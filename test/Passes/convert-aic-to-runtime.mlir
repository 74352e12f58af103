// RUN: aic-opt %s -split-input-file -convert-aic-to-runtime | FileCheck %s

// Tests the whole contract on a planned two-primitive graph: @main_graph
// gets the exec state and returns a status; each primitive becomes an
// aicrt_exec call on an argument array of its buffers' pointers, followed by a
// branch returning a non-zero status; aic_model_init creates the primitives
// from constant descriptors named after their nodes; aic_model_run turns the
// caller's pointers into the graph's buffers; aic_model_meta describes it.

// CHECK-LABEL: func.func private @main_graph
// CHECK-SAME: (%[[X:[^:]*]]: memref<1x3x4x4xf32> {aic.name = "image"}, %[[N:[^:]*]]: memref<i64> {aic.name = "count", aic.unsigned, aic.value = dense<7> : tensor<i64>}, %[[Y:[^:]*]]: memref<1x2x2x2xf32> {aic.name = "probs", aic.output}, %[[ARENA:[^:]*]]: memref<1024xi8>, %[[STATE:[^:]*]]: !llvm.ptr) -> i32
// The argument arrays live in the entry block.
// CHECK-DAG: %[[ARGS1:.*]] = llvm.alloca %{{.*}} x !llvm.ptr : (i32) -> !llvm.ptr
// CHECK-DAG: %[[ARGS0:.*]] = llvm.alloca %{{.*}} x !llvm.ptr : (i32) -> !llvm.ptr
// CHECK: %[[W:.*]] = memref.view %{{.*}}[%{{.*}}][] : memref<512xi8> to memref<2x3x3x3xf32>
// CHECK: %[[B:.*]] = memref.view %{{.*}}[%{{.*}}][] : memref<512xi8> to memref<2xf32>
// CHECK: %[[T:.*]] = memref.view %[[ARENA]][%{{.*}}][] : memref<1024xi8> to memref<1x2x4x4xf32>
// Conv: src, wei, bias, dst; a pointer is the aligned pointer plus the
// offset of the buffer's descriptor (a view's byte shift).
// CHECK: %[[SLOT0:.*]] = llvm.getelementptr %[[ARGS0]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[XD:.*]] = builtin.unrealized_conversion_cast %[[X]] : memref<1x3x4x4xf32> to !llvm.struct<(ptr, ptr, i64, array<4 x i64>, array<4 x i64>)>
// CHECK: %[[XA:.*]] = llvm.extractvalue %[[XD]][1]
// CHECK: %[[XO:.*]] = llvm.extractvalue %[[XD]][2]
// CHECK: %[[XP:.*]] = llvm.getelementptr %[[XA]][%[[XO]]] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK: llvm.store %[[XP]], %[[SLOT0]] : !llvm.ptr, !llvm.ptr
// CHECK: llvm.getelementptr %[[ARGS0]][1]
// CHECK: builtin.unrealized_conversion_cast %[[W]]
// CHECK: llvm.getelementptr %[[ARGS0]][2]
// CHECK: builtin.unrealized_conversion_cast %[[B]]
// CHECK: llvm.getelementptr %[[ARGS0]][3]
// CHECK: builtin.unrealized_conversion_cast %[[T]]
// CHECK: %[[ID0:.*]] = arith.constant 0 : i32
// CHECK: %[[FOUR:.*]] = arith.constant 4 : i32
// CHECK: %[[RC0:.*]] = call @aicrt_exec(%[[STATE]], %[[ID0]], %[[ARGS0]], %[[FOUR]]) : (!llvm.ptr, i32, !llvm.ptr, i32) -> i32
// CHECK: %[[Z0:.*]] = arith.constant 0 : i32
// CHECK: %[[BAD0:.*]] = arith.cmpi ne, %[[RC0]], %[[Z0]] : i32
// CHECK: cf.cond_br %[[BAD0]], ^[[FAIL:bb[0-9]+]](%[[RC0]] : i32), ^[[NEXT:bb[0-9]+]]
// CHECK: ^[[NEXT]]:
// Pool: src, dst.
// CHECK: builtin.unrealized_conversion_cast %[[T]]
// CHECK: builtin.unrealized_conversion_cast %[[Y]]
// CHECK: %[[ID1:.*]] = arith.constant 1 : i32
// CHECK: %[[TWO:.*]] = arith.constant 2 : i32
// CHECK: %[[RC1:.*]] = call @aicrt_exec(%[[STATE]], %[[ID1]], %[[ARGS1]], %[[TWO]])
// CHECK: cf.cond_br %{{.*}}, ^[[FAIL]](%[[RC1]] : i32), ^[[DONE:bb[0-9]+]]
// CHECK: ^[[DONE]]:
// CHECK-NEXT: %[[OK:.*]] = arith.constant 0 : i32
// CHECK-NEXT: return %[[OK]] : i32
// CHECK: ^[[FAIL]](%[[RC:.*]]: i32):
// CHECK-NEXT: return %[[RC]] : i32

// CHECK: func.func private @aicrt_create(!llvm.ptr, i32, !llvm.ptr, i64, !llvm.ptr) -> i32
// CHECK: func.func private @aicrt_exec(!llvm.ptr, i32, !llvm.ptr, i32) -> i32

// CHECK-LABEL: func.func @aic_model_init
// CHECK-SAME: (%[[CTX:.*]]: !llvm.ptr) -> i32
// CHECK: %[[D0:.*]] = llvm.mlir.addressof @__aic_desc_0 : !llvm.ptr
// CHECK: %[[N0:.*]] = llvm.mlir.addressof @__aic_name_0 : !llvm.ptr
// CHECK: %[[I0:.*]] = arith.constant 0 : i32
// CHECK: %[[L0:.*]] = arith.constant 46 : i64
// CHECK: %[[C0:.*]] = call @aicrt_create(%[[CTX]], %[[I0]], %[[D0]], %[[L0]], %[[N0]])
// CHECK: cf.cond_br %{{.*}}, ^[[IFAIL:bb[0-9]+]](%[[C0]] : i32), ^{{bb[0-9]+}}
// CHECK: %[[D1:.*]] = llvm.mlir.addressof @__aic_desc_1 : !llvm.ptr
// CHECK: %[[N1:.*]] = llvm.mlir.addressof @__aic_name_1 : !llvm.ptr
// CHECK: %[[I1:.*]] = arith.constant 1 : i32
// CHECK: %[[L1:.*]] = arith.constant 31 : i64
// CHECK: %[[C1:.*]] = call @aicrt_create(%[[CTX]], %[[I1]], %[[D1]], %[[L1]], %[[N1]])
// CHECK: cf.cond_br %{{.*}}, ^[[IFAIL]](%[[C1]] : i32), ^{{bb[0-9]+}}
// CHECK-NOT: call @aicrt_create
// CHECK: ^[[IFAIL]](%[[IRC:.*]]: i32):
// CHECK-NEXT: return %[[IRC]] : i32

// Descriptors (aic/primitives.def). CONV: src f32 [1,3,4,4], wei f32
// [2,3,3,3], bias f32 [2], dst f32 [1,2,4,4], strides, dilations, pads begin
// and end, 1 group, weights_const (a view of the constant weights blob), one
// post-op: eltwise clip(0, 6). POOL: max, src, dst, kernel, strides,
// dilations, pads. Every Tensor ends with its layout word, here 0 (dense
// row-major). Names come from the ONNX node's location (a fused location's
// first name, or a name location).
// CHECK: llvm.mlir.global internal constant @__aic_desc_0(dense<[1, 1, 4, 1, 3, 4, 4, 0, 1, 4, 2, 3, 3, 3, 0, 1, 1, 1, 2, 0, 1, 4, 1, 2, 4, 4, 0, 2, 1, 1, 2, 1, 1, 2, 1, 1, 2, 1, 1, 1, 1, 1, 1, 4, 0, 4618441417868443648]> : tensor<46xi64>) {addr_space = 0 : i32} : !llvm.array<46 x i64>
// CHECK: llvm.mlir.global internal constant @__aic_name_0("conv0\00")
// CHECK: llvm.mlir.global internal constant @__aic_desc_1(dense<[2, 0, 1, 4, 1, 2, 4, 4, 0, 1, 4, 1, 2, 2, 2, 0, 2, 2, 2, 2, 2, 2, 2, 1, 1, 2, 0, 0, 2, 0, 0]> : tensor<31xi64>)
// CHECK: llvm.mlir.global internal constant @__aic_name_1("pool\00")

// aic_model_run(state, inputs, outputs, arena): input i and output i are the
// i-th pointers of their tables; the arena is the last argument.
// CHECK-LABEL: func.func @aic_model_run
// CHECK-SAME: (%[[RSTATE:.*]]: !llvm.ptr, %[[INS:.*]]: !llvm.ptr, %[[OUTS:.*]]: !llvm.ptr, %[[RARENA:.*]]: !llvm.ptr) -> i32
// CHECK: %[[IN0S:.*]] = llvm.getelementptr %[[INS]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[IN0:.*]] = llvm.load %[[IN0S]] : !llvm.ptr -> !llvm.ptr
// CHECK: llvm.insertvalue %[[IN0]], %{{.*}}[1]
// CHECK: %[[M0:.*]] = builtin.unrealized_conversion_cast %{{.*}} : !llvm.struct<{{.*}}> to memref<1x3x4x4xf32>
// CHECK: %[[IN1S:.*]] = llvm.getelementptr %[[INS]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[M1:.*]] = builtin.unrealized_conversion_cast %{{.*}} : !llvm.struct<(ptr, ptr, i64)> to memref<i64>
// CHECK: %[[OUT0S:.*]] = llvm.getelementptr %[[OUTS]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[M2:.*]] = builtin.unrealized_conversion_cast %{{.*}} : !llvm.struct<{{.*}}> to memref<1x2x2x2xf32>
// CHECK: llvm.insertvalue %[[RARENA]], %{{.*}}[1]
// CHECK: %[[M3:.*]] = builtin.unrealized_conversion_cast %{{.*}} : !llvm.struct<{{.*}}> to memref<1024xi8>
// CHECK: %[[S:.*]] = call @main_graph(%[[M0]], %[[M1]], %[[M2]], %[[M3]], %[[RSTATE]])
// CHECK: return %[[S]] : i32

// The tensor tables: {name, dtype, rank, shape, value}; "count" is an
// unsigned int64 scalar (dtype 13, rank 0, no shape) compiled for the value
// 7 (--input-value), which it holds as the caller passes it.
// CHECK-LABEL: llvm.mlir.global internal constant @__aic_inputs() {{.*}} : !llvm.array<2 x struct<(ptr, i32, i32, ptr, ptr, ptr)>>
// CHECK-DAG: %[[NAME0:.*]] = llvm.mlir.addressof @__aic_input_0_name
// CHECK-DAG: %[[SHAPE0:.*]] = llvm.mlir.addressof @__aic_input_0_shape
// CHECK-DAG: %[[F32:.*]] = llvm.mlir.constant(1 : i32) : i32
// CHECK-DAG: %[[RANK4:.*]] = llvm.mlir.constant(4 : i32) : i32
// CHECK: llvm.insertvalue %[[NAME0]], %{{.*}}[0, 0]
// CHECK: llvm.insertvalue %[[F32]], %{{.*}}[0, 1]
// CHECK: llvm.insertvalue %[[RANK4]], %{{.*}}[0, 2]
// CHECK: llvm.insertvalue %[[SHAPE0]], %{{.*}}[0, 3]
// CHECK: llvm.insertvalue %{{.*}}, %{{.*}}[0, 4]
// CHECK-DAG: %[[NAME1:.*]] = llvm.mlir.addressof @__aic_input_1_name
// CHECK-DAG: %[[NOSHAPE:.*]] = llvm.mlir.zero : !llvm.ptr
// CHECK-DAG: %[[U64:.*]] = llvm.mlir.constant(13 : i32) : i32
// CHECK-DAG: %[[RANK0:.*]] = llvm.mlir.constant(0 : i32) : i32
// CHECK-DAG: %[[VALUE1:.*]] = llvm.mlir.addressof @__aic_input_1_value
// CHECK: llvm.insertvalue %[[NAME1]], %{{.*}}[1, 0]
// CHECK: llvm.insertvalue %[[U64]], %{{.*}}[1, 1]
// CHECK: llvm.insertvalue %[[RANK0]], %{{.*}}[1, 2]
// CHECK: llvm.insertvalue %[[NOSHAPE]], %{{.*}}[1, 3]
// CHECK: llvm.insertvalue %[[VALUE1]], %{{.*}}[1, 4]
// CHECK: llvm.mlir.global internal constant @__aic_input_0_name("image\00")
// CHECK: llvm.mlir.global internal constant @__aic_input_0_shape(dense<[1, 3, 4, 4]> : tensor<4xi64>)
// CHECK: llvm.mlir.global internal constant @__aic_input_1_name("count\00")
// CHECK-NOT: @__aic_input_1_shape
// CHECK: llvm.mlir.global internal constant @__aic_input_1_value(dense<[7, 0, 0, 0, 0, 0, 0, 0]> : tensor<8xi8>)
// CHECK: llvm.mlir.global internal constant @__aic_outputs() {{.*}} : !llvm.array<1 x struct<(ptr, i32, i32, ptr, ptr, ptr)>>
// CHECK: llvm.mlir.global internal constant @__aic_output_0_name("probs\00")
// CHECK: llvm.mlir.global internal constant @__aic_output_0_shape(dense<[1, 2, 2, 2]> : tensor<4xi64>)

// The metadata: {abi_version 13, 2 inputs, 1 output, 2 primitives, the
// planned arena size, the tables, and no value tables (every tensor is a
// graph input or output of its own)}.
// CHECK-LABEL: llvm.mlir.global external constant @aic_model_meta() {{.*}} : !llvm.struct<(i32, i32, i32, i32, i64, ptr, ptr, i32, i32, ptr, ptr)> {
// CHECK-NEXT: %[[VER:.*]] = llvm.mlir.constant(13 : i32) : i32
// CHECK-NEXT: %[[NIN:.*]] = llvm.mlir.constant(2 : i32) : i32
// CHECK-NEXT: %[[NOUT:.*]] = llvm.mlir.constant(1 : i32) : i32
// CHECK-NEXT: %[[NPRIM:.*]] = llvm.mlir.constant(2 : i32) : i32
// CHECK-NEXT: %[[BYTES:.*]] = llvm.mlir.constant(1024 : i64) : i64
// CHECK-NEXT: %[[TIN:.*]] = llvm.mlir.addressof @__aic_inputs : !llvm.ptr
// CHECK-NEXT: %[[TOUT:.*]] = llvm.mlir.addressof @__aic_outputs : !llvm.ptr
// CHECK-NEXT: %[[NINV:.*]] = llvm.mlir.constant(0 : i32) : i32
// CHECK-NEXT: %[[NOUTV:.*]] = llvm.mlir.constant(0 : i32) : i32
// CHECK-NEXT: %[[TINV:.*]] = llvm.mlir.zero : !llvm.ptr
// CHECK-NEXT: %[[TOUTV:.*]] = llvm.mlir.zero : !llvm.ptr
// CHECK-NEXT: %[[U:.*]] = llvm.mlir.undef
// CHECK-NEXT: %[[F0:.*]] = llvm.insertvalue %[[VER]], %[[U]][0]
// CHECK-NEXT: %[[F1:.*]] = llvm.insertvalue %[[NIN]], %[[F0]][1]
// CHECK-NEXT: %[[F2:.*]] = llvm.insertvalue %[[NOUT]], %[[F1]][2]
// CHECK-NEXT: %[[F3:.*]] = llvm.insertvalue %[[NPRIM]], %[[F2]][3]
// CHECK-NEXT: %[[F4:.*]] = llvm.insertvalue %[[BYTES]], %[[F3]][4]
// CHECK-NEXT: %[[F5:.*]] = llvm.insertvalue %[[TIN]], %[[F4]][5]
// CHECK-NEXT: %[[F6:.*]] = llvm.insertvalue %[[TOUT]], %[[F5]][6]
// CHECK-NEXT: %[[F7:.*]] = llvm.insertvalue %[[NINV]], %[[F6]][7]
// CHECK-NEXT: %[[F8:.*]] = llvm.insertvalue %[[NOUTV]], %[[F7]][8]
// CHECK-NEXT: %[[F9:.*]] = llvm.insertvalue %[[TINV]], %[[F8]][9]
// CHECK-NEXT: %[[F10:.*]] = llvm.insertvalue %[[TOUTV]], %[[F9]][10]
// CHECK-NEXT: llvm.return %[[F10]]
module attributes {aic.arena_size = 1024 : i64, aic.arena_naive_size = 2048 : i64} {
  memref.global "public" constant @__aic_weights : memref<512xi8> {alignment = 64 : i64}
  func.func @main_graph(%x: memref<1x3x4x4xf32> {aic.name = "image"}, %n: memref<i64> {aic.name = "count", aic.unsigned, aic.value = dense<7> : tensor<i64>},
                        %y: memref<1x2x2x2xf32> {aic.name = "probs", aic.output}, %arena: memref<1024xi8>) {
    %c0 = arith.constant 0 : index
    %c256 = arith.constant 256 : index
    %blob = memref.get_global @__aic_weights : memref<512xi8>
    %w = memref.view %blob[%c0][] : memref<512xi8> to memref<2x3x3x3xf32>
    %b = memref.view %blob[%c256][] : memref<512xi8> to memref<2xf32>
    %t = memref.view %arena[%c0][] : memref<1024xi8> to memref<1x2x4x4xf32>
    aic.conv %x, %w, %b outs(%t) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1 : i64, post_ops = [#aic.eltwise<clip, 0.0, 6.0>]}
      : (memref<1x3x4x4xf32>, memref<2x3x3x3xf32>, memref<2xf32>, memref<1x2x4x4xf32>) -> () loc(fused<"Conv, opset 13">["conv0"("m.onnx":0:0)])
    aic.max_pool %t outs(%y) {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>}
      : (memref<1x2x4x4xf32>, memref<1x2x2x2xf32>) -> () loc("pool")
    return
  }
}

// -----

// Tests the descriptor and exec arguments of every other primitive kind
// (names default to node_<id>): MATMUL with transpose_rhs, alpha 0.5 and a
// bias, b not constant (an input); BINARY sub whose binary post-op operand is
// a fourth exec argument; ELTWISE sigmoid; SOFTMAX log on axis 1; CONCAT of
// two inputs; BATCH_NORM with epsilon 0.5. All tensors are dense (layout
// word 0).
// CHECK-LABEL: func.func private @main_graph
// Ids in order; exec argument counts 4, 4 (a, b, dst, post operand), 2, 2,
// 3, 6.
// CHECK: %[[J0:.*]] = arith.constant 0 : i32
// CHECK-NEXT: %[[K0:.*]] = arith.constant 4 : i32
// CHECK-NEXT: call @aicrt_exec(%{{.*}}, %[[J0]], %{{.*}}, %[[K0]]) :
// CHECK: %[[J1:.*]] = arith.constant 1 : i32
// CHECK-NEXT: %[[K1:.*]] = arith.constant 4 : i32
// CHECK-NEXT: call @aicrt_exec(%{{.*}}, %[[J1]], %{{.*}}, %[[K1]]) :
// CHECK: %[[J2:.*]] = arith.constant 2 : i32
// CHECK-NEXT: %[[K2:.*]] = arith.constant 2 : i32
// CHECK-NEXT: call @aicrt_exec(%{{.*}}, %[[J2]], %{{.*}}, %[[K2]]) :
// CHECK: %[[J3:.*]] = arith.constant 3 : i32
// CHECK-NEXT: %[[K3:.*]] = arith.constant 2 : i32
// CHECK-NEXT: call @aicrt_exec(%{{.*}}, %[[J3]], %{{.*}}, %[[K3]]) :
// CHECK: %[[J4:.*]] = arith.constant 4 : i32
// CHECK-NEXT: %[[K4:.*]] = arith.constant 3 : i32
// CHECK-NEXT: call @aicrt_exec(%{{.*}}, %[[J4]], %{{.*}}, %[[K4]]) :
// CHECK: %[[J5:.*]] = arith.constant 5 : i32
// CHECK-NEXT: %[[K5:.*]] = arith.constant 6 : i32
// CHECK-NEXT: call @aicrt_exec(%{{.*}}, %[[J5]], %{{.*}}, %[[K5]]) :
// CHECK-NOT: call @aicrt_exec
// CHECK-LABEL: func.func @aic_model_init
// CHECK: llvm.mlir.global internal constant @__aic_desc_0(dense<[3, 1, 2, 2, 3, 0, 1, 2, 4, 3, 0, 1, 1, 1, 4, 0, 1, 2, 2, 4, 0, 0, 1, 4602678819172646912, 0, 0]> : tensor<26xi64>)
// CHECK: llvm.mlir.global internal constant @__aic_name_0("node_0\00")
// CHECK: llvm.mlir.global internal constant @__aic_desc_1(dense<[5, 2, 1, 2, 2, 4, 0, 1, 1, 4, 0, 1, 2, 2, 4, 0, 2, 2, 3, 1, 2, 2, 4, 0, 1, 1, 0, 0]> : tensor<28xi64>)
// CHECK: llvm.mlir.global internal constant @__aic_desc_2(dense<[4, 2, 0, 0, 1, 2, 2, 4, 0, 1, 2, 2, 4, 0]> : tensor<14xi64>)
// CHECK: llvm.mlir.global internal constant @__aic_desc_3(dense<[6, 1, 1, 1, 2, 2, 4, 0, 1, 2, 2, 4, 0]> : tensor<13xi64>)
// CHECK: llvm.mlir.global internal constant @__aic_desc_4(dense<[7, 0, 2, 1, 2, 2, 4, 0, 1, 2, 2, 4, 0, 1, 2, 4, 4, 0]> : tensor<18xi64>)
// CHECK: llvm.mlir.global internal constant @__aic_desc_5(dense<[8, 1, 2, 1, 4, 0, 1, 1, 4, 0, 1, 1, 4, 0, 1, 1, 4, 0, 1, 1, 4, 0, 1, 2, 1, 4, 0, 4602678819172646912]> : tensor<28xi64>)
// CHECK: llvm.mlir.global internal constant @__aic_name_5("node_5\00")
// CHECK-LABEL: llvm.mlir.global external constant @aic_model_meta()
// CHECK-NEXT: llvm.mlir.constant(13 : i32) : i32
// CHECK-NEXT: llvm.mlir.constant(4 : i32) : i32
// CHECK-NEXT: llvm.mlir.constant(3 : i32) : i32
// CHECK-NEXT: llvm.mlir.constant(6 : i32) : i32
// CHECK-NEXT: llvm.mlir.constant(256 : i64) : i64
module attributes {aic.arena_size = 256 : i64} {
  func.func @main_graph(%a: memref<2x3xf32>, %w: memref<4x3xf32>, %bias: memref<4xf32>, %r: memref<2x4xf32>,
                        %y: memref<2x4xf32> {aic.output}, %z: memref<4x4xf32> {aic.output},
                        %n: memref<1x4xf32> {aic.output}, %arena: memref<256xi8>) {
    %c0 = arith.constant 0 : index
    %c64 = arith.constant 64 : index
    %t = memref.view %arena[%c0][] : memref<256xi8> to memref<2x4xf32>
    %u = memref.view %arena[%c64][] : memref<256xi8> to memref<2x4xf32>
    aic.matmul %a, %w, %bias outs(%t) {transpose_rhs, alpha = 0.5 : f64}
      : (memref<2x3xf32>, memref<4x3xf32>, memref<4xf32>, memref<2x4xf32>) -> ()
    aic.sub %t, %bias post(%r) outs(%u) {post_ops = [#aic.binary<mul>, #aic.eltwise<relu>]}
      : (memref<2x4xf32>, memref<4xf32>, memref<2x4xf32>, memref<2x4xf32>) -> ()
    aic.sigmoid %u outs(%t) : (memref<2x4xf32>, memref<2x4xf32>) -> ()
    aic.softmax %t outs(%y) {axis = 1 : i64, log} : (memref<2x4xf32>, memref<2x4xf32>) -> ()
    aic.concat %t, %u outs(%z) {axis = 0 : i64} : (memref<2x4xf32>, memref<2x4xf32>, memref<4x4xf32>) -> ()
    %v = memref.view %arena[%c0][] : memref<256xi8> to memref<1x4xf32>
    aic.batch_norm %v, %bias, %bias, %bias, %bias outs(%n) {epsilon = 0.5 : f64}
      : (memref<1x4xf32>, memref<4xf32>, memref<4xf32>, memref<4xf32>, memref<4xf32>, memref<1x4xf32>) -> ()
    return
  }
}

// -----

// Tests that primitives in the blocks of the graph's control flow become
// calls in their own blocks, all failing into the one status block.
// CHECK-LABEL: func.func private @main_graph
// CHECK: cf.cond_br %{{.*}}, ^[[T:bb[0-9]+]], ^[[E:bb[0-9]+]]
// CHECK: ^[[T]]:
// CHECK: %[[RT:.*]] = call @aicrt_exec(
// CHECK: cf.cond_br %{{.*}}, ^[[FAIL:bb[0-9]+]](%[[RT]] : i32), ^[[TOK:bb[0-9]+]]
// CHECK: ^[[TOK]]:
// CHECK-NEXT: cf.br ^[[JOIN:bb[0-9]+]]
// CHECK: ^[[E]]:
// CHECK: %[[RE:.*]] = call @aicrt_exec(
// CHECK: cf.cond_br %{{.*}}, ^[[FAIL]](%[[RE]] : i32), ^[[EOK:bb[0-9]+]]
// CHECK: ^[[EOK]]:
// CHECK-NEXT: cf.br ^[[JOIN]]
// CHECK: ^[[JOIN]]:
// CHECK-NEXT: %[[Z:.*]] = arith.constant 0 : i32
// CHECK-NEXT: return %[[Z]] : i32
// CHECK: ^[[FAIL]](%[[RC:.*]]: i32):
// CHECK-NEXT: return %[[RC]] : i32
// CHECK: llvm.mlir.global internal constant @__aic_name_0("then\00")
// CHECK: llvm.mlir.global internal constant @__aic_name_1("else\00")
module attributes {aic.arena_size = 0 : i64} {
  func.func @main_graph(%x: memref<4xf32>, %c: memref<i1>, %y: memref<4xf32> {aic.output}, %arena: memref<1xi8>) {
    %b = memref.load %c[] : memref<i1>
    cf.cond_br %b, ^relu, ^sigmoid
  ^relu:
    aic.relu %x outs(%y) : (memref<4xf32>, memref<4xf32>) -> () loc("then")
    cf.br ^done
  ^sigmoid:
    aic.sigmoid %x outs(%y) : (memref<4xf32>, memref<4xf32>) -> () loc("else")
    cf.br ^done
  ^done:
    return
  }
}

// -----

// Tests blocked layouts, REORDER and the sum post-op on the wire. A blocked
// Tensor ends with 1, the order of its outer dims and its inner blocks as
// (dim, size) pairs: aBcd16b is 1, 0 1 2 3, one block (1, 16); ABcd16b16a
// is 1, 0 1 2 3, two blocks (1, 16) (0, 16). REORDER (10) is src then dst.
// The conv accumulates into the reordered residual: a sum post-op is
// 3 0 alpha (1.0) and, having no operand, adds no exec argument (src, wei,
// dst: 3).
// CHECK-LABEL: func.func private @main_graph
// CHECK: %[[R0:.*]] = arith.constant 0 : i32
// CHECK-NEXT: %[[R0N:.*]] = arith.constant 2 : i32
// CHECK-NEXT: call @aicrt_exec(%{{.*}}, %[[R0]], %{{.*}}, %[[R0N]]) :
// CHECK: %[[R1:.*]] = arith.constant 1 : i32
// CHECK-NEXT: %[[R1N:.*]] = arith.constant 2 : i32
// CHECK-NEXT: call @aicrt_exec(%{{.*}}, %[[R1]], %{{.*}}, %[[R1N]]) :
// CHECK: %[[CV:.*]] = arith.constant 2 : i32
// CHECK-NEXT: %[[CVN:.*]] = arith.constant 3 : i32
// CHECK-NEXT: call @aicrt_exec(%{{.*}}, %[[CV]], %{{.*}}, %[[CVN]]) :
// CHECK: %[[R2:.*]] = arith.constant 3 : i32
// CHECK-NEXT: %[[R2N:.*]] = arith.constant 2 : i32
// CHECK-NEXT: call @aicrt_exec(%{{.*}}, %[[R2]], %{{.*}}, %[[R2N]]) :
// CHECK-NOT: call @aicrt_exec
// CHECK-LABEL: func.func @aic_model_init
// CHECK: arith.constant 22 : i64
// CHECK: arith.constant 22 : i64
// CHECK: arith.constant 68 : i64
// CHECK: arith.constant 22 : i64
// CHECK: llvm.mlir.global internal constant @__aic_desc_0(dense<[10, 1, 4, 1, 24, 5, 5, 0, 1, 4, 1, 24, 5, 5, 1, 0, 1, 2, 3, 1, 1, 16]> : tensor<22xi64>)
// CHECK: llvm.mlir.global internal constant @__aic_name_0("reorder of x_in\00")
// CHECK: llvm.mlir.global internal constant @__aic_desc_1(dense<[10, 1, 4, 1, 24, 5, 5, 0, 1, 4, 1, 24, 5, 5, 1, 0, 1, 2, 3, 1, 1, 16]> : tensor<22xi64>)
// CHECK: llvm.mlir.global internal constant @__aic_desc_2(dense<[1, 1, 4, 1, 24, 5, 5, 1, 0, 1, 2, 3, 1, 1, 16, 1, 4, 24, 24, 1, 1, 1, 0, 1, 2, 3, 2, 1, 16, 0, 16, 0, 1, 4, 1, 24, 5, 5, 1, 0, 1, 2, 3, 1, 1, 16, 2, 1, 1, 2, 1, 1, 2, 0, 0, 2, 0, 0, 1, 0, 2, 3, 0, 4607182418800017408, 1, 1, 0, 0]> : tensor<68xi64>)
// CHECK: llvm.mlir.global internal constant @__aic_name_2("conv\00")
// CHECK: llvm.mlir.global internal constant @__aic_desc_3(dense<[10, 1, 4, 1, 24, 5, 5, 1, 0, 1, 2, 3, 1, 1, 16, 1, 4, 1, 24, 5, 5, 0]> : tensor<22xi64>)
// CHECK: llvm.mlir.global internal constant @__aic_name_3("reorder of y_out\00")
module attributes {aic.arena_size = 6400 : i64} {
  func.func @main_graph(%x: memref<1x24x5x5xf32> {aic.name = "x"}, %r: memref<1x24x5x5xf32> {aic.name = "r"}, %w: memref<2x2x1x1x16x16xf32> {aic.name = "w"},
                        %y: memref<1x24x5x5xf32> {aic.name = "y", aic.output}, %arena: memref<6400xi8>) {
    %c0 = arith.constant 0 : index
    %c3200 = arith.constant 3200 : index
    %bx = memref.view %arena[%c0][] : memref<6400xi8> to memref<1x2x5x5x16xf32>
    %br = memref.view %arena[%c3200][] : memref<6400xi8> to memref<1x2x5x5x16xf32>
    aic.reorder %x outs(%bx) {layouts = [unit, #aic.layout<"aBcd16b", [1, 24, 5, 5]>]}
      : (memref<1x24x5x5xf32>, memref<1x2x5x5x16xf32>) -> () loc("x_in")
    aic.reorder %r outs(%br) {layouts = [unit, #aic.layout<"aBcd16b", [1, 24, 5, 5]>]}
      : (memref<1x24x5x5xf32>, memref<1x2x5x5x16xf32>) -> () loc("r_in")
    aic.conv %bx, %w outs(%br) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64, post_ops = [#aic.sum, #aic.eltwise<relu>],
                                layouts = [#aic.layout<"aBcd16b", [1, 24, 5, 5]>, #aic.layout<"ABcd16b16a", [24, 24, 1, 1]>, #aic.layout<"aBcd16b", [1, 24, 5, 5]>]}
      : (memref<1x2x5x5x16xf32>, memref<2x2x1x1x16x16xf32>, memref<1x2x5x5x16xf32>) -> () loc("conv")
    aic.reorder %br outs(%y) {layouts = [#aic.layout<"aBcd16b", [1, 24, 5, 5]>, unit]}
      : (memref<1x2x5x5x16xf32>, memref<1x24x5x5xf32>) -> () loc("y_out")
    return
  }
}

// -----

// Tests the descriptors of CONV_TRANSPOSE (11: src, wei, bias, dst, then
// strides, dilations, pads, 2 groups, weights not constant, a relu post-op),
// LRN (12: size 3, alpha, beta, k) and a LAYER_NORM without scale (9: src,
// no scale (0), no shift (0), dst, mean, var, epsilon), and their exec
// argument counts 4, 2 and 4.
// CHECK-LABEL: func.func private @main_graph
// CHECK: %[[J0:.*]] = arith.constant 0 : i32
// CHECK-NEXT: %[[K0:.*]] = arith.constant 4 : i32
// CHECK-NEXT: call @aicrt_exec(%{{.*}}, %[[J0]], %{{.*}}, %[[K0]]) :
// CHECK: %[[J1:.*]] = arith.constant 1 : i32
// CHECK-NEXT: %[[K1:.*]] = arith.constant 2 : i32
// CHECK-NEXT: call @aicrt_exec(%{{.*}}, %[[J1]], %{{.*}}, %[[K1]]) :
// CHECK: %[[J2:.*]] = arith.constant 2 : i32
// CHECK-NEXT: %[[K2:.*]] = arith.constant 4 : i32
// CHECK-NEXT: call @aicrt_exec(%{{.*}}, %[[J2]], %{{.*}}, %[[K2]]) :
// CHECK-NOT: call @aicrt_exec
// CHECK-LABEL: func.func @aic_model_init
// CHECK: llvm.mlir.global internal constant @__aic_desc_0(dense<[11, 1, 3, 1, 2, 3, 0, 1, 3, 2, 1, 2, 0, 1, 1, 1, 2, 0, 1, 3, 1, 2, 4, 0, 1, 1, 1, 1, 1, 0, 1, 0, 2, 0, 1, 1, 1, 0, 0]> : tensor<39xi64>)
// CHECK: llvm.mlir.global internal constant @__aic_desc_1(dense<[12, 1, 3, 1, 2, 3, 0, 1, 3, 1, 2, 3, 0, 3, 4602678819172646912, 4602678819172646912, 4611686018427387904]> : tensor<17xi64>)
// CHECK: llvm.mlir.global internal constant @__aic_desc_2(dense<[9, 1, 2, 2, 3, 0, 0, 0, 1, 2, 2, 3, 0, 1, 1, 1, 2, 0, 1, 1, 1, 2, 0, 4602678819172646912]> : tensor<24xi64>)
module attributes {aic.arena_size = 0 : i64} {
  func.func @main_graph(%x: memref<1x2x3xf32>, %w: memref<2x1x2xf32>, %b: memref<2xf32>, %y: memref<1x2x4xf32> {aic.output},
                        %l: memref<1x2x3xf32> {aic.output}, %n: memref<2x3xf32> {aic.output},
                        %m: memref<2xf32> {aic.output}, %v: memref<2xf32> {aic.output}, %arena: memref<1xi8>) {
    aic.conv_transpose %x, %w, %b outs(%y) {strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 0, 0>, group = 2 : i64, post_ops = [#aic.eltwise<relu>]}
      : (memref<1x2x3xf32>, memref<2x1x2xf32>, memref<2xf32>, memref<1x2x4xf32>) -> ()
    aic.lrn %x outs(%l) {size = 3 : i64, alpha = 0.5 : f64, beta = 0.5 : f64, bias = 2.0 : f64}
      : (memref<1x2x3xf32>, memref<1x2x3xf32>) -> ()
    %r = memref.collapse_shape %x [[0, 1], [2]] : memref<1x2x3xf32> into memref<2x3xf32>
    aic.layer_norm %r outs(%n, %m, %v) {epsilon = 0.5 : f64}
      : (memref<2x3xf32>, memref<2x3xf32>, memref<2xf32>, memref<2xf32>) -> ()
    return
  }
}

// -----

// Tests the value tables of a graph with a sequence input "xs" of two
// tensors, an absent optional input "o" (no tensor) and a sequence output
// "ys" of one tensor: {name, kind, elem_dtype, present, first, count}, the
// first tensor of each counted from aic.input_values / aic.output_values.
// CHECK-LABEL: llvm.mlir.global internal constant @__aic_input_values() {{.*}} : !llvm.array<2 x struct<(ptr, i32, i32, i32, i32, i32)>>
// CHECK-DAG: %[[XS:.*]] = llvm.mlir.addressof @__aic_input_value_0 : !llvm.ptr
// CHECK-DAG: %[[SEQ:.*]] = llvm.mlir.constant(1 : i32) : i32
// CHECK-DAG: %[[FIRST0:.*]] = llvm.mlir.constant(0 : i32) : i32
// CHECK-DAG: %[[COUNT2:.*]] = llvm.mlir.constant(2 : i32) : i32
// CHECK: llvm.insertvalue %[[XS]], %{{.*}}[0, 0]
// CHECK: llvm.insertvalue %[[SEQ]], %{{.*}}[0, 1]
// CHECK: llvm.insertvalue %{{.*}}, %{{.*}}[0, 2]
// CHECK: llvm.insertvalue %{{.*}}, %{{.*}}[0, 3]
// CHECK: llvm.insertvalue %[[FIRST0]], %{{.*}}[0, 4]
// CHECK: llvm.insertvalue %[[COUNT2]], %{{.*}}[0, 5]
// CHECK-DAG: %[[O:.*]] = llvm.mlir.addressof @__aic_input_value_1 : !llvm.ptr
// CHECK-DAG: %[[OPT:.*]] = llvm.mlir.constant(2 : i32) : i32
// CHECK-DAG: %[[I64:.*]] = llvm.mlir.constant(7 : i32) : i32
// CHECK-DAG: %[[ABSENT:.*]] = llvm.mlir.constant(0 : i32) : i32
// CHECK-DAG: %[[FIRST2:.*]] = llvm.mlir.constant(2 : i32) : i32
// CHECK-DAG: %[[COUNT0:.*]] = llvm.mlir.constant(0 : i32) : i32
// CHECK: llvm.insertvalue %[[O]], %{{.*}}[1, 0]
// CHECK: llvm.insertvalue %[[OPT]], %{{.*}}[1, 1]
// CHECK: llvm.insertvalue %[[I64]], %{{.*}}[1, 2]
// CHECK: llvm.insertvalue %[[ABSENT]], %{{.*}}[1, 3]
// CHECK: llvm.insertvalue %[[FIRST2]], %{{.*}}[1, 4]
// CHECK: llvm.insertvalue %[[COUNT0]], %{{.*}}[1, 5]
// CHECK: llvm.mlir.global internal constant @__aic_input_value_0("xs\00")
// CHECK: llvm.mlir.global internal constant @__aic_input_value_1("o\00")
// CHECK-LABEL: llvm.mlir.global internal constant @__aic_output_values() {{.*}} : !llvm.array<1 x struct<(ptr, i32, i32, i32, i32, i32)>>
// CHECK: llvm.mlir.global internal constant @__aic_output_value_0("ys\00")
// CHECK-LABEL: llvm.mlir.global external constant @aic_model_meta()
// CHECK: llvm.mlir.addressof @__aic_outputs : !llvm.ptr
// CHECK-NEXT: %[[NINV:.*]] = llvm.mlir.constant(2 : i32) : i32
// CHECK-NEXT: %[[NOUTV:.*]] = llvm.mlir.constant(1 : i32) : i32
// CHECK-NEXT: %[[TINV:.*]] = llvm.mlir.addressof @__aic_input_values : !llvm.ptr
// CHECK-NEXT: %[[TOUTV:.*]] = llvm.mlir.addressof @__aic_output_values : !llvm.ptr
// CHECK: llvm.insertvalue %[[NINV]], %{{.*}}[7]
// CHECK: llvm.insertvalue %[[NOUTV]], %{{.*}}[8]
// CHECK: llvm.insertvalue %[[TINV]], %{{.*}}[9]
// CHECK: llvm.insertvalue %[[TOUTV]], %{{.*}}[10]
module attributes {aic.arena_size = 0 : i64} {
  func.func @main_graph(%x0: memref<2xf32> {aic.name = "xs[0]"}, %x1: memref<3xf32> {aic.name = "xs[1]"},
                        %y: memref<2xf32> {aic.name = "ys[0]", aic.output}, %arena: memref<1xi8>)
      attributes {aic.input_values = [{name = "xs", kind = 1 : i32, elem_dtype = 1 : i32, present = true, count = 2 : i64},
                                      {name = "o", kind = 2 : i32, elem_dtype = 7 : i32, present = false, count = 0 : i64}],
                  aic.output_values = [{name = "ys", kind = 1 : i32, elem_dtype = 1 : i32, present = true, count = 1 : i64}]} {
    memref.copy %x0, %y : memref<2xf32> to memref<2xf32>
    return
  }
}

// -----

// Tests a graph whose only output holds no tensor (an empty sequence): no
// output tensors, one output value.
// CHECK-LABEL: func.func @aic_model_run
// CHECK: call @main_graph(%{{.*}}, %{{.*}}, %{{.*}})
// CHECK-LABEL: llvm.mlir.global external constant @aic_model_meta()
// CHECK-NEXT: llvm.mlir.constant(13 : i32) : i32
// CHECK-NEXT: llvm.mlir.constant(1 : i32) : i32
// CHECK-NEXT: llvm.mlir.constant(0 : i32) : i32
// CHECK: llvm.mlir.addressof @__aic_inputs : !llvm.ptr
// CHECK-NEXT: llvm.mlir.zero : !llvm.ptr
// CHECK-NEXT: llvm.mlir.constant(0 : i32) : i32
// CHECK-NEXT: llvm.mlir.constant(1 : i32) : i32
// CHECK-NEXT: llvm.mlir.zero : !llvm.ptr
// CHECK-NEXT: llvm.mlir.addressof @__aic_output_values : !llvm.ptr
module attributes {aic.arena_size = 0 : i64} {
  func.func @main_graph(%x: memref<2xf32> {aic.name = "x"}, %arena: memref<1xi8>)
      attributes {aic.output_values = [{name = "empty", kind = 1 : i32, elem_dtype = 1 : i32, present = true, count = 0 : i64}]} {
    return
  }
}

// -----

// Tests buffers and outputs of a run-time shape: each memref.alloc becomes
// an aicrt_alloc of its byte size (element bytes times the dims) into a
// stack slot, whose pointer a memref descriptor of dense strides wraps; a
// memref.dealloc becomes an aicrt_free of the allocated pointer; the result
// is handed over by aicrt_output with its output index (0: outputs are in
// `aic.output` order, the out-parameter is output 1) and its dims; every
// call's status is checked. The metadata gives the run-time dim as -1 and
// the run function reads the out-parameter from slot 1 of the outputs.
// CHECK-LABEL: func.func private @main_graph
// CHECK-SAME: (%{{.*}}: memref<8xf32> {aic.name = "x"}, %{{.*}}: memref<8xf32> {aic.name = "s", aic.output = 1 : i64}, %{{.*}}: memref<64xi8>, %[[STATE:.*]]: !llvm.ptr) -> i32
// CHECK: %[[SHAPE:.*]] = llvm.alloca %{{.*}} x i64 : (i32) -> !llvm.ptr
// CHECK: %[[N:.*]] = arith.index_cast %c3 : index to i64
// CHECK: %[[BYTES:.*]] = arith.muli %c4_i64, %[[N]] : i64
// CHECK: %[[RC:.*]] = call @aicrt_alloc(%[[STATE]], %[[BYTES]], %[[SLOT:.*]]) :
// CHECK: arith.cmpi ne, %[[RC]]
// CHECK: %[[PTR:.*]] = llvm.load %[[SLOT]] : !llvm.ptr -> !llvm.ptr
// CHECK: llvm.insertvalue %[[PTR]], %{{.*}}[0]
// CHECK: llvm.insertvalue %[[PTR]], %{{.*}}[1]
// CHECK: %[[ALLOCATED:.*]] = llvm.extractvalue %{{.*}}[0]
// CHECK: call @aicrt_free(%[[STATE]], %[[ALLOCATED]])
// CHECK: call @aicrt_alloc(%[[STATE]], %{{.*}}, %{{.*}})
// CHECK: call @aicrt_exec(
// CHECK: %[[D0:.*]] = memref.dim %{{.*}}, %c0 : memref<?x2xi64>
// CHECK: %[[D0I:.*]] = arith.index_cast %[[D0]] : index to i64
// CHECK: llvm.store %[[D0I]], %{{.*}} : i64, !llvm.ptr
// CHECK: %[[OUTPTR:.*]] = llvm.extractvalue %{{.*}}[0]
// CHECK: call @aicrt_output(%[[STATE]], %c0_i32{{.*}}, %[[OUTPTR]], %[[SHAPE]])
// CHECK: func.func private @aicrt_alloc(!llvm.ptr, i64, !llvm.ptr) -> i32
// CHECK: func.func private @aicrt_free(!llvm.ptr, !llvm.ptr) -> i32
// CHECK: func.func private @aicrt_output(!llvm.ptr, i32, !llvm.ptr, !llvm.ptr) -> i32
// CHECK-LABEL: func.func @aic_model_run
// CHECK: llvm.getelementptr %arg2[1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: llvm.mlir.global internal constant @__aic_output_0_name("d\00")
// CHECK: llvm.mlir.global internal constant @__aic_output_0_shape(dense<[-1, 2]> : tensor<2xi64>)
// CHECK: llvm.mlir.global internal constant @__aic_output_1_name("s\00")
module attributes {aic.arena_size = 64 : i64} {
  func.func @main_graph(%x: memref<8xf32> {aic.name = "x"}, %s: memref<8xf32> {aic.name = "s", aic.output = 1 : i64}, %arena: memref<64xi8>) -> (memref<?x2xi64> {aic.name = "d", aic.output = 0 : i64, aic.unsigned}) {
    %c3 = arith.constant 3 : index
    %t = memref.alloc(%c3) : memref<?xf32>
    memref.dealloc %t : memref<?xf32>
    %u = memref.alloc(%c3) : memref<?x2xi64>
    aic.relu %x outs(%s) : (memref<8xf32>, memref<8xf32>) -> ()
    return %u : memref<?x2xi64>
  }
}

// -----

// Tests symbolic dims: the run function reads the dims of an input with a
// run-time dim through aicrt_input_shape into a dense descriptor; a
// primitive with run-time dims is executed by aicrt_exec_dims with the
// values of those dims (per argument, in order); the plan call becomes
// aicrt_plan, whose arena slot and size (the offsets' last entry) make the
// arena buffer; the input's dim names and -1 dims go into the metadata.
// CHECK-LABEL: func.func private @main_graph
// CHECK-SAME: (%[[X:.*]]: memref<?x4xf32> {aic.dim_names = ["batch", ""], aic.name = "x"}, %{{.*}}: memref<1xi8>, %[[STATE:.*]]: !llvm.ptr) -> i32
// CHECK: %[[RANGES:.*]] = llvm.mlir.addressof @__aic_plan_ranges_0 : !llvm.ptr
// CHECK: %[[RC:.*]] = call @aicrt_plan(%[[STATE]], %{{.*}}, %[[RANGES]], %c1_i32, %c64_i64, %{{.*}}, %[[SLOT:.*]]) :
// CHECK: arith.cmpi ne, %[[RC]]
// CHECK: llvm.load %[[SLOT]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[D0:.*]] = memref.dim %[[X]], %c0{{.*}} : memref<?x4xf32>
// CHECK: %[[D0I:.*]] = arith.index_cast %[[D0]] : index to i64
// CHECK: %[[D1:.*]] = memref.dim %{{.*}}, %c0{{.*}} : memref<?x4xf32>
// CHECK: %[[D1I:.*]] = arith.index_cast %[[D1]] : index to i64
// CHECK: llvm.store %[[D0I]], %{{.*}} : i64, !llvm.ptr
// CHECK: llvm.store %[[D1I]], %{{.*}} : i64, !llvm.ptr
// CHECK: call @aicrt_exec_dims(%[[STATE]], %c0_i32{{.*}}, %{{.*}}, %c2_i32{{.*}}, %{{.*}}, %c2_i32{{.*}})
// CHECK: call @aicrt_alloc(
// CHECK: call @aicrt_exec_dims(%[[STATE]], %c1_i32{{.*}}, %{{.*}}, %c2_i32{{.*}}, %{{.*}}, %c2_i32{{.*}})
// CHECK: call @aicrt_output(
// CHECK: func.func private @aicrt_plan(!llvm.ptr, !llvm.ptr, !llvm.ptr, i32, i64, !llvm.ptr, !llvm.ptr) -> i32
// CHECK: llvm.mlir.global internal constant @__aic_plan_ranges_0(dense<[3, 4]> : tensor<2xi64>)
// CHECK: func.func private @aicrt_exec_dims(!llvm.ptr, i32, !llvm.ptr, i32, !llvm.ptr, i32) -> i32
// CHECK: func.func private @aicrt_input_shape(!llvm.ptr, i32, !llvm.ptr) -> i32
// CHECK-NOT: @__aic_plan(
// CHECK-LABEL: func.func @aic_model_run
// CHECK: %[[SHAPE:.*]] = llvm.alloca %{{.*}} x i64
// CHECK: call @aicrt_input_shape(%arg0, %c0_i32{{.*}}, %[[SHAPE]])
// CHECK: llvm.getelementptr %[[SHAPE]][0] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: llvm.load
// CHECK: llvm.mlir.addressof @__aic_input_0_dim_names : !llvm.ptr
// CHECK: llvm.mlir.global internal constant @__aic_input_0_shape(dense<[-1, 4]> : tensor<2xi64>)
// CHECK: llvm.mlir.global internal constant @__aic_input_0_dim_names() {{.*}} : !llvm.array<2 x ptr>
// CHECK: llvm.mlir.addressof @__aic_input_0_dim_0 : !llvm.ptr
// CHECK: llvm.mlir.zero : !llvm.ptr
// CHECK: llvm.mlir.global internal constant @__aic_input_0_dim_0("batch\00")
module attributes {aic.arena_size = 0 : i64, aic.arena_per_shape} {
  func.func private @__aic_plan(memref<1xi64>, memref<2xi64>) -> memref<?xi8>
  func.func @main_graph(%x: memref<?x4xf32> {aic.name = "x", aic.dim_names = ["batch", ""]}, %arena: memref<1xi8>) -> (memref<?x4xf32> {aic.name = "y", aic.output = 0 : i64}) {
    %c0 = arith.constant 0 : index
    %n = memref.dim %x, %c0 : memref<?x4xf32>
    %sizes = memref.alloca() : memref<1xi64>
    %offsets = memref.alloca() : memref<2xi64>
    %a = call @__aic_plan(%sizes, %offsets) {aic.plan_alignment = 64 : i64, aic.plan_ranges = array<i64: 3, 4>} : (memref<1xi64>, memref<2xi64>) -> memref<?xi8>
    %o = memref.load %offsets[%c0] : memref<2xi64>
    %oi = arith.index_cast %o : i64 to index
    %t = memref.view %a[%oi][%n] : memref<?xi8> to memref<?x4xf32>
    aic.relu %x outs(%t) : (memref<?x4xf32>, memref<?x4xf32>) -> ()
    %y = memref.alloc(%n) : memref<?x4xf32>
    aic.relu %t outs(%y) : (memref<?x4xf32>, memref<?x4xf32>) -> ()
    return %y : memref<?x4xf32>
  }
}

// -----

// Tests a run-time shape check: cf.assert (which would abort the host
// process if the LLVM lowering took it) becomes a call of aicrt_check with
// the condition as an i32 and the message as a constant string; its status
// is checked like any runtime call's, so a failed check ends the run.
// CHECK-LABEL: func.func private @main_graph
// CHECK-SAME: %[[STATE:[^:]*]]: !llvm.ptr) -> i32
// CHECK: %[[EQ:.*]] = arith.cmpi eq
// CHECK: %[[OK:.*]] = arith.extui %[[EQ]] : i1 to i32
// CHECK: %[[MSG:.*]] = llvm.mlir.addressof @__aic_check_0 : !llvm.ptr
// CHECK: %[[RC:.*]] = call @aicrt_check(%[[STATE]], %[[OK]], %[[MSG]]) : (!llvm.ptr, i32, !llvm.ptr) -> i32
// CHECK: arith.cmpi ne, %[[RC]]
// CHECK-NOT: cf.assert
// CHECK-DAG: func.func private @aicrt_check(!llvm.ptr, i32, !llvm.ptr) -> i32
// CHECK-DAG: llvm.mlir.global internal constant @__aic_check_0("node 'y' (Add, opset 13): dims differ\00")
module attributes {aic.arena_size = 0 : i64} {
  func.func @main_graph(%x: memref<?x4xf32> {aic.name = "x", aic.dim_names = ["a", ""]}, %z: memref<?x4xf32> {aic.name = "z", aic.dim_names = ["b", ""]}, %arena: memref<1xi8>) -> (memref<?x4xf32> {aic.name = "y", aic.output = 0 : i64}) {
    %c0 = arith.constant 0 : index
    %a = memref.dim %x, %c0 : memref<?x4xf32>
    %b = memref.dim %z, %c0 : memref<?x4xf32>
    %eq = arith.cmpi eq, %a, %b : index
    cf.assert %eq, "node 'y' (Add, opset 13): dims differ"
    %t = memref.alloc(%a) : memref<?x4xf32>
    aic.add %x, %z outs(%t) : (memref<?x4xf32>, memref<?x4xf32>, memref<?x4xf32>) -> ()
    return %t : memref<?x4xf32>
  }
}
