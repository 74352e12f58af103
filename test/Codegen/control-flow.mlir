// RUN: aic-opt %s -aic-optimize -aic-lower-to-runtime | FileCheck %s --check-prefix=LOWERED
// RUN: aic-opt %s -aic-pipeline | FileCheck %s --check-prefix=LLVM
// RUN: aic-opt %s -aic-pipeline | FileCheck %s --check-prefix=NONE

// Compiled and run end to end, with an input taking each branch. aic-compile
// reads only ONNX, so the library is built from the LLVM dialect with the
// upstream tools (this works for graphs without weights: the object emitter
// is what fills the weights blob).
// RUN: rm -rf %t && mkdir -p %t/pos %t/neg
// RUN: aic-opt %s -aic-pipeline | mlir-translate --mlir-to-llvmir -o %t/m.ll
// RUN: llc -O2 -filetype=obj -relocation-model=pic %t/m.ll -o %t/m.o
// RUN: cc -shared %t/m.o -o %t/m.so
// RUN: %python %S/Inputs/tensor_pb.py write %t/pos/input_0.pb 4 1 -2 3 -4
// RUN: %python %S/Inputs/tensor_pb.py write %t/neg/input_0.pb 4 -1 2 -3 0
// RUN: %python %S/Inputs/tensor_pb.py write %t/pos/input_1.pb 2x3 1 2 3 4 5 6
// RUN: %python %S/Inputs/tensor_pb.py write %t/pos/input_2.pb 2x3 6 -5 4 -3 2 -1
// RUN: cp %t/pos/input_1.pb %t/pos/input_2.pb %t/neg/
// RUN: aic-run %t/m.so --inputs %t/pos --outputs %t/pos/out
// RUN: aic-run %t/m.so --inputs %t/neg --outputs %t/neg/out
// RUN: %python %S/Inputs/tensor_pb.py print %t/pos/out/output_0.pb | FileCheck %s --check-prefix=Y-RELU
// RUN: %python %S/Inputs/tensor_pb.py print %t/neg/out/output_0.pb | FileCheck %s --check-prefix=Y-SIGMOID
// RUN: %python %S/Inputs/tensor_pb.py print %t/pos/out/output_1.pb | FileCheck %s --check-prefix=OUT-SUM
// RUN: %python %S/Inputs/tensor_pb.py print %t/neg/out/output_1.pb | FileCheck %s --check-prefix=OUT-SUM
// RUN: %python %S/Inputs/tensor_pb.py print %t/pos/out/output_2.pb | FileCheck %s --check-prefix=OUT-PROD
// RUN: %python %S/Inputs/tensor_pb.py print %t/neg/out/output_2.pb | FileCheck %s --check-prefix=OUT-PROD

// Tests control flow and multi-result ops around library ops: an scf.if on
// a condition computed from an input (tensor.extract + arith.cmpf) runs
// aic.relu or aic.sigmoid, and a linalg.generic with two outputs feeds an
// aic.mul and is also returned.

// After bufferization and scf-to-cf, each branch of the condition's
// cf.cond_br computes on x into y and joins: the relu as generated
// compare-selects (aic-propagate-nan: oneDNN's relu kernel drops NaN), the
// sigmoid as its primitive, whose status is checked; the generic's loops write its first result
// straight into the `sum` output and its second into the arena; the mul reads
// both and writes `prod`.
// LOWERED-LABEL: func.func private @main_graph
// LOWERED-SAME: (%[[X:[^:]*]]: memref<4xf32> {aic.name = "x"}, %[[A:[^:]*]]: memref<2x3xf32> {aic.name = "a"}, %[[B:[^:]*]]: memref<2x3xf32> {aic.name = "b"},
// LOWERED-SAME: %[[Y:[^:]*]]: memref<4xf32> {aic.name = "y", aic.output = {{[0-9]+}} : i64}, %[[SUM:[^:]*]]: memref<2x3xf32> {aic.name = "sum", aic.output = {{[0-9]+}} : i64}, %[[PROD:[^:]*]]: memref<2x3xf32> {aic.name = "prod", aic.output = {{[0-9]+}} : i64},
// LOWERED-SAME: %[[ARENA:[^:]*]]: memref<64xi8>, %[[STATE:[^:]*]]: !llvm.ptr) -> i32
// LOWERED: %[[X0:.*]] = memref.load %[[X]][%{{.*}}] : memref<4xf32>
// LOWERED: %[[COND:.*]] = arith.cmpf ogt, %[[X0]], %{{.*}} : f32
// LOWERED: cf.cond_br %[[COND]], ^[[TBB:bb[0-9]+]], ^[[EBB:bb[0-9]+]]
// LOWERED: ^[[TBB]]:
// LOWERED: %[[XV:.*]] = memref.load %[[X]]
// LOWERED-NEXT: %[[P:.*]] = arith.cmpf ugt, %[[XV]], %{{.*}} : f32
// LOWERED-NEXT: %[[R:.*]] = arith.select %[[P]], %[[XV]], %{{.*}} : f32
// LOWERED-NEXT: memref.store %[[R]], %[[Y]][
// LOWERED: cf.br ^[[JOIN:bb[0-9]+]]{{$}}
// LOWERED: ^[[EBB]]:
// LOWERED: builtin.unrealized_conversion_cast %[[X]] :
// LOWERED: builtin.unrealized_conversion_cast %[[Y]] :
// LOWERED: %[[SIG_ID:.*]] = arith.constant [[SIGMOID:[0-9]+]] : i32
// LOWERED-NEXT: %[[TWO2:.*]] = arith.constant 2 : i32
// LOWERED-NEXT: %[[RC1:.*]] = call @aicrt_exec(%[[STATE]], %[[SIG_ID]], %{{.*}}, %[[TWO2]])
// LOWERED: cf.cond_br %{{.*}}, ^[[FAIL:bb[0-9]+]](%[[RC1]] : i32), ^[[ELSE_OK:bb[0-9]+]]
// LOWERED: ^[[ELSE_OK]]:
// LOWERED-NEXT: cf.br ^[[JOIN]]
// LOWERED: ^[[JOIN]]:
// LOWERED: %[[MAX:.*]] = memref.view %[[ARENA]][%{{.*}}][] : memref<64xi8> to memref<2x3xf32>
// LOWERED: %[[AV:.*]] = memref.load %[[A]]
// LOWERED: %[[BV:.*]] = memref.load %[[B]]
// LOWERED-DAG: %[[S:.*]] = arith.addf %[[AV]], %[[BV]] : f32
// LOWERED-DAG: %[[M:.*]] = arith.maximumf %[[AV]], %[[BV]] : f32
// LOWERED-DAG: memref.store %[[S]], %[[SUM]][
// LOWERED-DAG: memref.store %[[M]], %[[MAX]][
// LOWERED: builtin.unrealized_conversion_cast %[[SUM]] :
// LOWERED: builtin.unrealized_conversion_cast %[[MAX]] :
// LOWERED: builtin.unrealized_conversion_cast %[[PROD]] :
// LOWERED: %[[MUL_ID:.*]] = arith.constant [[MUL:[0-9]+]] : i32
// LOWERED-NEXT: %[[THREE:.*]] = arith.constant 3 : i32
// LOWERED-NEXT: %[[RC2:.*]] = call @aicrt_exec(%[[STATE]], %[[MUL_ID]], %{{.*}}, %[[THREE]])
// LOWERED: cf.cond_br %{{.*}}, ^[[FAIL]](%[[RC2]] : i32), ^[[DONE:bb[0-9]+]]
// LOWERED: ^[[DONE]]:
// LOWERED: return %{{.*}} : i32
// LOWERED: ^[[FAIL]](%[[RC:.*]]: i32):
// LOWERED-NEXT: return %[[RC]] : i32
// Two primitives, created once whichever branch runs: ELTWISE sigmoid on
// f32 [4], BINARY mul on f32 [2,3], every tensor dense row-major (layout
// word 0): there is no conv, so aic-assign-layouts adds no reorder.
// LOWERED-LABEL: func.func @aic_model_init
// LOWERED-COUNT-2: call @aicrt_create(
// LOWERED-NOT: call @aicrt_create(
// LOWERED-DAG: llvm.mlir.global internal constant @__aic_desc_[[SIGMOID]](dense<[4, 2, 0, 0, 1, 1, 4, 0, 1, 1, 4, 0]> : tensor<12xi64>)
// LOWERED-DAG: llvm.mlir.global internal constant @__aic_desc_[[MUL]](dense<[5, 3, 1, 2, 2, 3, 0, 1, 2, 2, 3, 0, 1, 2, 2, 3, 0, 0]> : tensor<18xi64>)
// ABI version 13, three inputs and three outputs, 64 bytes of arena (the
// generic's second result), two primitives.
// LOWERED-LABEL: llvm.mlir.global external constant @aic_model_meta()
// LOWERED-NEXT: llvm.mlir.constant(13 : i32) : i32
// LOWERED-NEXT: llvm.mlir.constant(3 : i32) : i32
// LOWERED-NEXT: llvm.mlir.constant(3 : i32) : i32
// LOWERED-NEXT: llvm.mlir.constant(2 : i32) : i32
// LOWERED-NEXT: llvm.mlir.constant(64 : i64) : i64

// In the LLVM dialect the condition still selects between the primitives
// (the branches may be merged into one exec call on a block argument).
// LLVM-LABEL: llvm.func {{.*}}@main_graph(
// LLVM: %[[V:.*]] = llvm.load %{{.*}} : !llvm.ptr -> f32
// LLVM: %[[C:.*]] = llvm.fcmp "ogt" %[[V]], %{{.*}} : f32
// LLVM: llvm.cond_br %[[C]]
// LLVM: llvm.call @aicrt_exec(
// LLVM: llvm.fadd
// LLVM: llvm.intr.maximum
// LLVM: llvm.call @aicrt_exec(
// LLVM-LABEL: llvm.func @aic_model_init(
// LLVM-COUNT-2: llvm.call @aicrt_create(
// LLVM: llvm.mlir.global external constant @aic_model_meta()

// NONE-NOT: {{^ *(%[^ ]+ = )?(aic|memref|linalg|scf|cf|arith|math|tensor|bufferization|affine|func|builtin)\.}}

// x = [1, -2, 3, -4] takes the then branch (relu), x = [-1, 2, -3, 0] the
// else branch (sigmoid); sum = a + b and prod = (a + b) * max(a, b) either way.
// Y-RELU: [4] 1 0 3 0
// Y-SIGMOID: [4] 0.26894 0.8808 0.047426 0.5
// OUT-SUM: [2, 3] 7 -3 7 1 7 5
// OUT-PROD: [2, 3] 42 -6 28 4 35 30

#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @main_graph(%x: tensor<4xf32> {aic.name = "x"}, %a: tensor<2x3xf32> {aic.name = "a"}, %b: tensor<2x3xf32> {aic.name = "b"})
    -> (tensor<4xf32> {aic.name = "y"}, tensor<2x3xf32> {aic.name = "sum"}, tensor<2x3xf32> {aic.name = "prod"}) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %x0 = tensor.extract %x[%c0] : tensor<4xf32>
  %cond = arith.cmpf ogt, %x0, %zero : f32
  %e = tensor.empty() : tensor<4xf32>
  %y = scf.if %cond -> tensor<4xf32> {
    %r = aic.relu %x outs(%e) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    scf.yield %r : tensor<4xf32>
  } else {
    %s = aic.sigmoid %x outs(%e) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    scf.yield %s : tensor<4xf32>
  }
  %e1 = tensor.empty() : tensor<2x3xf32>
  %e2 = tensor.empty() : tensor<2x3xf32>
  %sum, %max = linalg.generic {indexing_maps = [#id, #id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : tensor<2x3xf32>, tensor<2x3xf32>) outs(%e1, %e2 : tensor<2x3xf32>, tensor<2x3xf32>) {
  ^bb0(%p: f32, %q: f32, %o1: f32, %o2: f32):
    %s = arith.addf %p, %q : f32
    %m = arith.maximumf %p, %q : f32
    linalg.yield %s, %m : f32, f32
  } -> (tensor<2x3xf32>, tensor<2x3xf32>)
  %e3 = tensor.empty() : tensor<2x3xf32>
  %prod = aic.mul %sum, %max outs(%e3) : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y, %sum, %prod : tensor<4xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}
