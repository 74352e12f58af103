// RUN: aic-opt %s -split-input-file -aic-lower-strings | FileCheck %s
// RUN: aic-opt %s -split-input-file -aic-lower-strings -expand-strided-metadata -finalize-memref-to-llvm -convert-func-to-llvm -reconcile-unrealized-casts | FileCheck %s --check-prefix=LLVM

// Tests that a constant string global becomes its bytes and a table of
// {pointer, size} into them, that its use becomes a memref on the table,
// and that !aic.string becomes complex<i64> everywhere (arguments, loads,
// stores), which lowers to the {i64, i64} of aic_string_t.

// CHECK-DAG: llvm.mlir.global internal constant @__aic_str_words_bytes("abcd\00")
// CHECK-DAG: llvm.mlir.global internal constant @__aic_str_words_table() {addr_space = 0 : i32, alignment = 16 : i64} : !llvm.array<3 x struct<(ptr, i64)>>
// CHECK: %[[BYTES:.*]] = llvm.mlir.addressof @__aic_str_words_bytes
// CHECK: llvm.getelementptr %[[BYTES]][0]
// CHECK: llvm.mlir.constant(2 : i64)
// CHECK: llvm.insertvalue %{{.*}}[0, 0]
// CHECK: llvm.getelementptr %[[BYTES]][2]
// CHECK: llvm.mlir.constant(0 : i64)
// CHECK: llvm.getelementptr %[[BYTES]][2]
// CHECK: llvm.mlir.constant(2 : i64)
// CHECK: llvm.insertvalue %{{.*}}[2, 1]
// CHECK-NOT: memref.global
// CHECK-LABEL: func.func @copy
// CHECK-SAME: (%{{.*}}: memref<3xcomplex<i64>>)
// CHECK: %[[T:.*]] = llvm.mlir.addressof @__aic_str_words_table : !llvm.ptr
// CHECK: %[[M:.*]] = builtin.unrealized_conversion_cast %{{.*}} : !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)> to memref<3xcomplex<i64>>
// CHECK: memref.load %[[M]][%{{.*}}] : memref<3xcomplex<i64>>
// CHECK: memref.store %{{.*}}, %{{.*}}[%{{.*}}] : memref<3xcomplex<i64>>
// CHECK-NOT: !aic.string
// LLVM-LABEL: llvm.func @copy
// LLVM: llvm.load %{{.*}} : !llvm.ptr -> !llvm.struct<(i64, i64)>
// LLVM: llvm.store %{{.*}}, %{{.*}} : !llvm.struct<(i64, i64)>, !llvm.ptr
memref.global "private" constant @words : memref<3x!aic.string> = dense<["ab", "", "cd"]>
func.func @copy(%out: memref<3x!aic.string>) {
  %c1 = arith.constant 1 : index
  %0 = memref.get_global @words : memref<3x!aic.string>
  %1 = memref.load %0[%c1] : memref<3x!aic.string>
  memref.store %1, %out[%c1] : memref<3x!aic.string>
  return
}
