// RUN: aic-opt %s -aic-optimize -aic-lower-to-runtime | FileCheck %s
// RUN: rm -rf %t && mkdir -p %t/in
// RUN: aic-opt %s -aic-pipeline | mlir-translate --mlir-to-llvmir -o %t/m.ll
// RUN: llc -O2 -filetype=obj -relocation-model=pic %t/m.ll -o %t/m.o
// RUN: cc -shared %t/m.o -o %t/m.so
// RUN: %python %S/Inputs/tensor_pb.py write %t/in/input_0.pb 4x4 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
// RUN: %python %S/Inputs/tensor_pb.py write %t/in/input_1.pb 2x3 1 -2 3 4 5 -6
// RUN: aic-run %t/m.so --inputs %t/in --outputs %t/out
// RUN: %python %S/Inputs/tensor_pb.py print %t/out/output_0.pb | FileCheck %s --check-prefix=SLICE
// RUN: %python %S/Inputs/tensor_pb.py print %t/out/output_1.pb | FileCheck %s --check-prefix=INSERT

// Tests that library ops on slices compute on the right elements. A
// primitive's descriptor describes dense row-major buffers, so a slice of a
// buffer (a strided memref.subview, which bufferization makes of
// tensor.extract_slice, or of the destination of an in-place
// tensor.insert_slice) must never be passed to aicrt_exec as it is: it has
// to be copied to or from a dense buffer.
// CHECK-LABEL: func.func private @main_graph
// CHECK-NOT: builtin.unrealized_conversion_cast %{{.*}} : memref<{{[^>]*}}strided
// CHECK: call @aicrt_exec
// CHECK-NOT: builtin.unrealized_conversion_cast %{{.*}} : memref<{{[^>]*}}strided
// CHECK: call @aicrt_exec
// CHECK-NOT: builtin.unrealized_conversion_cast %{{.*}} : memref<{{[^>]*}}strided
// CHECK-LABEL: func.func @aic_model_init

// 2 * x[1:3, 1:4] for x = 0..15 is [[10, 12, 14], [18, 20, 22]] (aic.add of
// the slice to itself).
// SLICE: [2, 3] 10 12 14 18 20 22
// 2 * [[1, -2, 3], [4, 5, -6]] inserted at column 1 of a zero 2x4 tensor.
// INSERT: [2, 4] 0 2 -4 6 0 8 10 -12

func.func @main_graph(%x: tensor<4x4xf32> {aic.name = "x"}, %w: tensor<2x3xf32> {aic.name = "w"})
    -> (tensor<2x3xf32> {aic.name = "slice"}, tensor<2x4xf32> {aic.name = "insert"}) {
  %s = tensor.extract_slice %x[1, 1] [2, 3] [1, 1] : tensor<4x4xf32> to tensor<2x3xf32>
  %e = tensor.empty() : tensor<2x3xf32>
  %r = aic.add %s, %s outs(%e) : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %zero = arith.constant 0.0 : f32
  %e2 = tensor.empty() : tensor<2x4xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e2 : tensor<2x4xf32>) -> tensor<2x4xf32>
  %d = tensor.extract_slice %z[0, 1] [2, 3] [1, 1] : tensor<2x4xf32> to tensor<2x3xf32>
  %q = aic.add %w, %w outs(%d) : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %y = tensor.insert_slice %q into %z[0, 1] [2, 3] [1, 1] : tensor<2x3xf32> into tensor<2x4xf32>
  return %r, %y : tensor<2x3xf32>, tensor<2x4xf32>
}
