// RUN: aic-opt %s -split-input-file -aic-parallelize-loops | FileCheck %s
// RUN: aic-opt %s -split-input-file -aic-parallelize-loops=min-work=1000000 | FileCheck %s --check-prefix=BIG
// RUN: not aic-opt %s -split-input-file -aic-parallelize-loops=min-work=0 2>&1 | FileCheck %s --check-prefix=ERR

// ERR: error: min-work must be at least 1, got 0

#id = affine_map<(d0) -> (d0)>

// Tests that a large elementwise op on views of the arena is outlined: its
// buffers cross in a context struct in the entry block, the body runs the
// iterations [begin, end), constants are cloned into it, and the grain is
// min-work over the body's one op.
// CHECK-LABEL: func.func private @aicrt_parallel_for((!llvm.ptr, i64, i64) -> (), !llvm.ptr, i64, i64)
// CHECK-LABEL: func @clip
// CHECK: %[[CTX:.*]] = llvm.alloca %{{.*}} x !llvm.struct<(struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>, struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>)>
// CHECK: %[[X:.*]] = memref.view %arg0
// CHECK: %[[Y:.*]] = memref.view %arg0
// CHECK-NOT: linalg.generic
// CHECK: %[[XD:.*]] = builtin.unrealized_conversion_cast %[[X]] : memref<262144xf32> to !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>
// CHECK: %[[S0:.*]] = llvm.insertvalue %[[XD]], %{{.*}}[0]
// CHECK: %[[YD:.*]] = builtin.unrealized_conversion_cast %[[Y]]
// CHECK: %[[S1:.*]] = llvm.insertvalue %[[YD]], %[[S0]][1]
// CHECK: llvm.store %[[S1]], %[[CTX]]
// CHECK-DAG: %[[N:.*]] = arith.constant 262144 : i64
// CHECK-DAG: %[[GRAIN:.*]] = arith.constant 32768 : i64
// CHECK-DAG: %[[F:.*]] = constant @clip_parallel : (!llvm.ptr, i64, i64) -> ()
// CHECK: call @aicrt_parallel_for(%[[F]], %[[CTX]], %[[N]], %[[GRAIN]])
// CHECK-NEXT: return
// CHECK-LABEL: func.func private @clip_parallel(%arg0: !llvm.ptr, %arg1: i64, %arg2: i64) attributes {llvm.linkage = #llvm.linkage<internal>}
// CHECK: %[[L:.*]] = llvm.load %arg0
// CHECK: %[[F0:.*]] = llvm.extractvalue %[[L]][0]
// CHECK: %[[IN:.*]] = builtin.unrealized_conversion_cast %[[F0]] {{.*}} to memref<262144xf32>
// CHECK: %[[F1:.*]] = llvm.extractvalue %[[L]][1]
// CHECK: %[[OUT:.*]] = builtin.unrealized_conversion_cast %[[F1]] {{.*}} to memref<262144xf32>
// CHECK: %[[SIX:.*]] = arith.constant 6.0
// CHECK: %[[B:.*]] = arith.index_cast %arg1 : i64 to index
// CHECK: %[[E:.*]] = arith.index_cast %arg2 : i64 to index
// CHECK: scf.for %[[I:.*]] = %[[B]] to %[[E]]
// CHECK:   %[[AT:.*]] = affine.apply #{{.*}}(%[[I]])
// CHECK:   memref.load %[[IN]][%[[AT]]]
// CHECK:   %[[M:.*]] = arith.minimumf %{{.*}}, %[[SIX]]
// CHECK:   memref.store %[[M]], %[[OUT]]
// BIG-LABEL: func @clip
// BIG: linalg.generic
func.func @clip(%arena: memref<2097152xi8>) {
  %c0 = arith.constant 0 : index
  %c1m = arith.constant 1048576 : index
  %six = arith.constant 6.0 : f32
  %x = memref.view %arena[%c0][] : memref<2097152xi8> to memref<262144xf32>
  %y = memref.view %arena[%c1m][] : memref<2097152xi8> to memref<262144xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : memref<262144xf32>) outs(%y : memref<262144xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.minimumf %in, %six : f32
    linalg.yield %m : f32
  }
  return
}

// -----

#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// Tests that leading parallel loops are collapsed until they give enough
// iterations (1 * 64 * 56 = 3584), delinearized in the body; the innermost
// loop stays whole (grain: 32768 / 56 rounded up).
// CHECK-LABEL: func @nchw
// CHECK-DAG: %[[N:.*]] = arith.constant 3584 : i64
// CHECK-DAG: %[[GRAIN:.*]] = arith.constant 586 : i64
// CHECK: call @aicrt_parallel_for(%{{.*}}, %{{.*}}, %[[N]], %[[GRAIN]])
// CHECK-LABEL: func.func private @nchw_parallel
// CHECK-DAG: %[[C56:.*]] = arith.constant 56 : index
// CHECK-DAG: %[[C64:.*]] = arith.constant 64 : index
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step
// CHECK-NEXT: %[[W:.*]] = arith.remui %[[I]], %[[C56]]
// CHECK-NEXT: %[[R:.*]] = arith.divui %[[I]], %[[C56]]
// CHECK-NEXT: %[[C:.*]] = arith.remui %[[R]], %[[C64]]
// CHECK-NEXT: %[[B:.*]] = arith.divui %[[R]], %[[C64]]
// CHECK-NEXT: scf.for %[[J:.*]] =
// CHECK: arith.negf
// CHECK: memref.store %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : memref<1x64x56x56xf32>
// CHECK-NOT: scf.for
// CHECK: return
func.func @nchw(%arena: memref<2097152xi8>) {
  %c0 = arith.constant 0 : index
  %c1m = arith.constant 1048576 : index
  %x = memref.view %arena[%c0][] : memref<2097152xi8> to memref<1x64x56x56xf32>
  %y = memref.view %arena[%c1m][] : memref<2097152xi8> to memref<1x64x56x56xf32>
  linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : memref<1x64x56x56xf32>) outs(%y : memref<1x64x56x56xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.negf %in : f32
    linalg.yield %m : f32
  }
  return
}

// -----

#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>

// Tests that the innermost loop stays out of the range when the outer loops
// give enough iterations for the threads, if fewer than collapsing aims at
// (64 * 4 = 256): each range copies whole rows of 256, a loop LLVM
// vectorizes (a slice of a fused projection made contiguous).
// CHECK-LABEL: func @rows
// CHECK-DAG: %[[N:.*]] = arith.constant 256 : i64
// CHECK: call @aicrt_parallel_for(%{{.*}}, %{{.*}}, %[[N]], %{{.*}})
// CHECK-LABEL: func.func private @rows_parallel
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG: %[[C256:.*]] = arith.constant 256 : index
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step
// CHECK-NEXT: %[[H:.*]] = arith.remui %[[I]], %[[C4]]
// CHECK-NEXT: %[[T:.*]] = arith.divui %[[I]], %[[C4]]
// CHECK-NEXT: scf.for %{{.*}} = %{{.*}} to %[[C256]]
// CHECK-NOT: arith.remui
// CHECK: return
func.func @rows(%arena: memref<1048576xi8>) {
  %c0 = arith.constant 0 : index
  %c786k = arith.constant 786432 : index
  %x = memref.view %arena[%c0][] : memref<1048576xi8> to memref<64x4x768xf32>
  %y = memref.view %arena[%c786k][] : memref<1048576xi8> to memref<64x4x256xf32>
  %s = memref.subview %x[0, 0, 256] [64, 4, 256] [1, 1, 1] : memref<64x4x768xf32> to memref<64x4x256xf32, strided<[3072, 768, 1], offset: 256>>
  linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%s : memref<64x4x256xf32, strided<[3072, 768, 1], offset: 256>>) outs(%y : memref<64x4x256xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  return
}

// -----

#id2 = affine_map<(d0, d1) -> (d0, d1)>

// Tests that the innermost loop joins the range when the outer loops give
// too few iterations to share among threads (2).
// CHECK-LABEL: func @wide
// CHECK-DAG: %[[N:.*]] = arith.constant 262144 : i64
// CHECK: call @aicrt_parallel_for(%{{.*}}, %{{.*}}, %[[N]], %{{.*}})
// CHECK-LABEL: func.func private @wide_parallel
// CHECK: scf.for
// CHECK-NEXT: arith.remui
// CHECK-NEXT: arith.divui
// CHECK-NOT: scf.for
// CHECK: return
func.func @wide(%arena: memref<2097152xi8>) {
  %c0 = arith.constant 0 : index
  %c1m = arith.constant 1048576 : index
  %x = memref.view %arena[%c0][] : memref<2097152xi8> to memref<2x131072xf32>
  %y = memref.view %arena[%c1m][] : memref<2097152xi8> to memref<2x131072xf32>
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<2x131072xf32>) outs(%y : memref<2x131072xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.negf %in : f32
    linalg.yield %m : f32
  }
  return
}

// -----


#id = affine_map<(d0) -> (d0)>

// Tests that an op with too little work stays serial.
// CHECK-LABEL: func @small
// CHECK-NOT: aicrt_parallel_for
// CHECK: linalg.generic
func.func @small(%x: memref<1000xf32>, %y: memref<1000xf32>) {
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : memref<1000xf32>) outs(%y : memref<1000xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.negf %in : f32
    linalg.yield %m : f32
  }
  return
}

// -----

#row = affine_map<(d0, d1) -> (d0, d1)>
#d0 = affine_map<(d0, d1) -> (d0)>
#d1 = affine_map<(d0, d1) -> (d1)>

// Tests that a reduction inside parallel rows is split by rows, each row's
// sum whole in one range; a reduction outermost, and parallel loops that do
// not index the output (iterations writing one element), stay serial.
// CHECK-LABEL: func @row_sum
// CHECK: call @aicrt_parallel_for
// CHECK-LABEL: func.func private @row_sum_parallel
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step
// CHECK-NEXT: scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step
// CHECK: %[[AI:.*]] = affine.apply #{{.*}}(%[[I]])
// CHECK: %[[AK:.*]] = affine.apply #{{.*}}(%[[K]])
// CHECK: memref.load %{{.*}}[%[[AI]], %[[AK]]]
// CHECK: arith.addf
// CHECK: memref.store %{{.*}} : memref<512xf32>
func.func @row_sum(%x: memref<512x1024xf32>, %y: memref<512xf32>) {
  linalg.generic {indexing_maps = [#row, #d0], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<512x1024xf32>) outs(%y : memref<512xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  }
  return
}

// CHECK-LABEL: func @col_sum
// CHECK-NOT: aicrt_parallel_for
// CHECK: linalg.generic
func.func @col_sum(%x: memref<512x1024xf32>, %y: memref<1024xf32>) {
  linalg.generic {indexing_maps = [#row, #d1], iterator_types = ["reduction", "parallel"]}
      ins(%x : memref<512x1024xf32>) outs(%y : memref<1024xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  }
  return
}

// CHECK-LABEL: func @broadcast_write
// CHECK-NOT: aicrt_parallel_for
// CHECK: linalg.generic
func.func @broadcast_write(%x: memref<512x1024xf32>, %y: memref<1024xf32>) {
  linalg.generic {indexing_maps = [#row, #d1], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<512x1024xf32>) outs(%y : memref<1024xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  return
}

// -----

#id = affine_map<(d0) -> (d0)>

// Tests that a body with a call stays serial: it may do anything.
// CHECK-LABEL: func @calls
// CHECK-NOT: aicrt_parallel_for
// CHECK: linalg.generic
// CHECK: func.call @ext
func.func private @ext(f32) -> f32
func.func @calls(%x: memref<262144xf32>, %y: memref<262144xf32>) {
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : memref<262144xf32>) outs(%y : memref<262144xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = func.call @ext(%in) : (f32) -> f32
    linalg.yield %m : f32
  }
  return
}

// -----

#id = affine_map<(d0) -> (d0)>

// Tests that an output overlapping its input one element further stays
// serial (a range would read what another one wrote), while the same view
// read and written in place is split, crossing once (the body reads and
// writes one buffer).
// CHECK-LABEL: func @overlap
// CHECK-NOT: aicrt_parallel_for
// CHECK: linalg.generic
// CHECK-LABEL: func @in_place
// CHECK: llvm.alloca %{{.*}} x !llvm.struct<(struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>)>
// CHECK-NOT: linalg.generic
// CHECK: call @aicrt_parallel_for
// CHECK-LABEL: func.func private @in_place_parallel
// CHECK: %[[BUF:.*]] = builtin.unrealized_conversion_cast %{{.*}} to memref<262144xf32>
// CHECK: memref.load %[[BUF]]
// CHECK: memref.store %{{.*}}, %[[BUF]]
func.func @overlap(%arena: memref<2097152xi8>) {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %x = memref.view %arena[%c0][] : memref<2097152xi8> to memref<262144xf32>
  %y = memref.view %arena[%c4][] : memref<2097152xi8> to memref<262144xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : memref<262144xf32>) outs(%y : memref<262144xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.negf %in : f32
    linalg.yield %m : f32
  }
  return
}

func.func @in_place(%arena: memref<2097152xi8>) {
  %c64 = arith.constant 64 : index
  %x = memref.view %arena[%c64][] : memref<2097152xi8> to memref<1x262144xf32>
  %a = memref.collapse_shape %x [[0, 1]] : memref<1x262144xf32> into memref<262144xf32>
  %b = memref.collapse_shape %x [[0, 1]] : memref<1x262144xf32> into memref<262144xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%a : memref<262144xf32>) outs(%b : memref<262144xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.negf %in : f32
    linalg.yield %m : f32
  }
  return
}

// -----

#row = affine_map<(d0, d1) -> (d0, d1)>
#tr = affine_map<(d0, d1) -> (d1, d0)>

// Tests that a buffer read at another index than it is written (a
// transpose in place, a load from the output in the body) and an output
// layout whose indices share elements keep the op serial.
// CHECK-LABEL: func @transpose_in_place
// CHECK-NOT: aicrt_parallel_for
// CHECK: linalg.generic
func.func @transpose_in_place(%x: memref<512x512xf32>) {
  linalg.generic {indexing_maps = [#tr, #row], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<512x512xf32>) outs(%x : memref<512x512xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  return
}

// CHECK-LABEL: func @reads_output
// CHECK-NOT: aicrt_parallel_for
// CHECK: linalg.generic
func.func @reads_output(%x: memref<512x512xf32>, %y: memref<512x512xf32>) {
  linalg.generic {indexing_maps = [#row, #row], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<512x512xf32>) outs(%y : memref<512x512xf32>) {
  ^bb0(%in: f32, %out: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %v = memref.load %y[%j, %i] : memref<512x512xf32>
    %s = arith.addf %in, %v : f32
    linalg.yield %s : f32
  }
  return
}

// CHECK-LABEL: func @overlapping_layout
// CHECK-NOT: aicrt_parallel_for
// CHECK: linalg.generic
func.func @overlapping_layout(%x: memref<512x512xf32>, %y: memref<512x512xf32, strided<[1, 1]>>) {
  linalg.generic {indexing_maps = [#row, #row], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<512x512xf32>) outs(%y : memref<512x512xf32, strided<[1, 1]>>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  return
}

// -----

#row = affine_map<(d0, d1) -> (d0, d1)>

// Tests that dynamic trip counts are decided at run time: n and the grain
// come from the buffers' dims.
// CHECK-LABEL: func @dynamic
// CHECK-DAG: %[[ROWS:.*]] = memref.dim %arg0, %c0
// CHECK-DAG: %[[COLS:.*]] = memref.dim %arg0, %c1
// CHECK: %[[INNER:.*]] = arith.maxui %[[COLS]], %{{.*}}
// CHECK: %[[WORK:.*]] = arith.constant 32768 : index
// CHECK: %[[SUB:.*]] = arith.subi %[[INNER]], %{{.*}}
// CHECK: %[[SUM:.*]] = arith.addi %[[SUB]], %[[WORK]]
// CHECK: %[[GRAIN:.*]] = arith.divui %[[SUM]], %[[INNER]]
// CHECK-DAG: %[[N64:.*]] = arith.index_cast %[[ROWS]] : index to i64
// CHECK-DAG: %[[G64:.*]] = arith.index_cast %[[GRAIN]] : index to i64
// CHECK: call @aicrt_parallel_for(%{{.*}}, %{{.*}}, %[[N64]], %[[G64]])
func.func @dynamic(%x: memref<?x?xf32>, %y: memref<?x?xf32>) {
  linalg.generic {indexing_maps = [#row, #row], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<?x?xf32>) outs(%y : memref<?x?xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.negf %in : f32
    linalg.yield %m : f32
  }
  return
}

// -----

#d0 = affine_map<(d0, d1) -> (d0)>
#row = affine_map<(d0, d1) -> (d0, d1)>

// Tests that a gather (loads from a captured table, a scalar from the
// function) is outlined: both cross in the context, the scalar as itself.
// CHECK-LABEL: func @gather
// CHECK: llvm.alloca {{.*}} x !llvm.struct<({{.*}}, f32)>
// CHECK: llvm.insertvalue %arg3, %{{.*}}[3]
// CHECK: call @aicrt_parallel_for
// CHECK-LABEL: func.func private @gather_parallel
// CHECK: %[[SCALE:.*]] = llvm.extractvalue %{{.*}}[3]
// CHECK: %[[T:.*]] = memref.load %{{.*}}[%{{.*}}, %{{.*}}] : memref<10000x64xf32>
// CHECK: arith.mulf %[[T]], %[[SCALE]]
func.func @gather(%table: memref<10000x64xf32>, %ids: memref<4096xi64>, %y: memref<4096x64xf32>, %scale: f32) {
  linalg.generic {indexing_maps = [#d0, #row], iterator_types = ["parallel", "parallel"]}
      ins(%ids : memref<4096xi64>) outs(%y : memref<4096x64xf32>) {
  ^bb0(%id: i64, %out: f32):
    %i = arith.index_cast %id : i64 to index
    %j = linalg.index 1 : index
    %v = memref.load %table[%i, %j] : memref<10000x64xf32>
    %s = arith.mulf %v, %scale : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#id = affine_map<(d0) -> (d0)>

// Tests that an op inside a loop is outlined with the loop's values
// captured, its context still allocated once in the entry block.
// CHECK-LABEL: func @in_loop
// CHECK-NEXT: llvm.mlir.constant(1 : i64)
// CHECK-NEXT: llvm.alloca
// CHECK: scf.for %[[K:.*]] =
// CHECK: %[[KD:.*]] = builtin.unrealized_conversion_cast %[[K]] : index to i64
// CHECK: llvm.insertvalue %[[KD]]
// CHECK: call @aicrt_parallel_for
func.func @in_loop(%x: memref<262144xf32>, %y: memref<262144xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.for %k = %c0 to %c4 step %c1 {
    linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
        ins(%x : memref<262144xf32>) outs(%y : memref<262144xf32>) {
    ^bb0(%in: f32, %out: f32):
      %i = linalg.index 0 : index
      %s = arith.addi %i, %k : index
      %f = arith.index_cast %s : index to i32
      %g = arith.sitofp %f : i32 to f32
      %m = arith.addf %in, %g : f32
      linalg.yield %m : f32
    }
  }
  return
}

// -----

#flat = affine_map<(d0) -> (d0)>

// Tests buffers of a memory plan evaluated per shape (symbolic dims): each
// is a view of the plan's arena at an offset only the run knows. Slots 0
// and 1 are distinct buffers (the planner never overlaps two buffers live
// at one op), and two reshapes of slot 1's whole view are the same view:
// the copy from slot 0 into slot 1 and the op in place on slot 1 are both
// outlined. A loop reading the arena itself, or two parts of one slot, is
// not.
// CHECK-LABEL: func @plan_slots
// CHECK: call @aicrt_parallel_for
// CHECK: call @aicrt_parallel_for
// CHECK-NOT: call @aicrt_parallel_for
// CHECK: return
func.func private @__aic_plan(memref<2xi64>, memref<3xi64>) -> memref<?xi8>
func.func @plan_slots(%n: index, %sizes: memref<2xi64>, %offsets: memref<3xi64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %a = call @__aic_plan(%sizes, %offsets) {aic.plan_alignment = 64 : i64, aic.plan_ranges = array<i64: 0, 1, 1, 2>} : (memref<2xi64>, memref<3xi64>) -> memref<?xi8>
  %o0 = memref.load %offsets[%c0] : memref<3xi64>
  %i0 = arith.index_cast %o0 : i64 to index
  %s0 = memref.view %a[%i0][%n] : memref<?xi8> to memref<?x4096xf32>
  %o1 = memref.load %offsets[%c1] : memref<3xi64>
  %i1 = arith.index_cast %o1 : i64 to index
  %s1 = memref.view %a[%i1][%n] : memref<?xi8> to memref<?x4096xf32>
  %f0 = memref.collapse_shape %s0 [[0, 1]] : memref<?x4096xf32> into memref<?xf32>
  %f1 = memref.collapse_shape %s1 [[0, 1]] : memref<?x4096xf32> into memref<?xf32>
  %g1 = memref.collapse_shape %s1 [[0, 1]] : memref<?x4096xf32> into memref<?xf32>
  linalg.generic {indexing_maps = [#flat, #flat], iterator_types = ["parallel"]}
      ins(%f0 : memref<?xf32>) outs(%f1 : memref<?xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.generic {indexing_maps = [#flat, #flat], iterator_types = ["parallel"]}
      ins(%g1 : memref<?xf32>) outs(%f1 : memref<?xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.negf %in : f32
    linalg.yield %m : f32
  }
  %whole = memref.view %a[%c0][%n] : memref<?xi8> to memref<?xf32>
  linalg.generic {indexing_maps = [#flat, #flat], iterator_types = ["parallel"]}
      ins(%whole : memref<?xf32>) outs(%f1 : memref<?xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  %part = memref.subview %f1[%n] [%n] [1] : memref<?xf32> to memref<?xf32, strided<[1], offset: ?>>
  linalg.generic {indexing_maps = [#flat, #flat], iterator_types = ["parallel"]}
      ins(%part : memref<?xf32, strided<[1], offset: ?>>) outs(%f1 : memref<?xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  return
}
