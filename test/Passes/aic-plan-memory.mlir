// RUN: aic-opt %s -split-input-file -aic-plan-memory | FileCheck %s
// RUN: aic-opt %s -split-input-file -aic-plan-memory=alignment=1024 | FileCheck %s --check-prefix=ALIGN

// Tests that a graph without any library op (here, an identity) still gets
// its result copied into the out-parameter: the pass creates the linalg.copy
// itself, whatever dialects the input uses.
// CHECK: module attributes {aic.arena_naive_size = 0 : i64, aic.arena_size = 0 : i64}
// CHECK-LABEL: func @main_graph
// CHECK-SAME: (%[[X:.*]]: memref<8xf32>, %[[Y:.*]]: memref<8xf32> {aic.output = {{[0-9]+}} : i64}, %{{.*}}: memref<1xi8>)
// CHECK: linalg.copy ins(%[[X]] : memref<8xf32>) outs(%[[Y]] : memref<8xf32>)
func.func @main_graph(%x: memref<8xf32>) -> memref<8xf32> {
  return %x : memref<8xf32>
}

// -----

// Tests that a chain reuses memory: every alloc becomes a view of the trailing
// arena argument, the third buffer takes the first one's place once it is
// dead, deallocations go away, and the result is computed straight into an
// out-parameter that keeps the result's attributes.
// CHECK: module attributes {aic.arena_naive_size = 768 : i64, aic.arena_size = 512 : i64}
// CHECK-LABEL: func @main_graph
// CHECK-SAME: (%[[X:.*]]: memref<64xf32> {aic.name = "x"}, %[[Y:.*]]: memref<64xf32> {aic.name = "y", aic.output = {{[0-9]+}} : i64}, %[[ARENA:.*]]: memref<512xi8>)
// CHECK-NOT: memref.alloc
// CHECK: %[[O0:.*]] = arith.constant 0 : index
// CHECK: %[[A:.*]] = memref.view %[[ARENA]][%[[O0]]][] : memref<512xi8> to memref<64xf32>
// CHECK: aic.relu %[[X]] outs(%[[A]])
// CHECK: %[[O1:.*]] = arith.constant 256 : index
// CHECK: %[[B:.*]] = memref.view %[[ARENA]][%[[O1]]][] : memref<512xi8> to memref<64xf32>
// CHECK: aic.sigmoid %[[A]] outs(%[[B]])
// CHECK: %[[O2:.*]] = arith.constant 0 : index
// CHECK: %[[C:.*]] = memref.view %[[ARENA]][%[[O2]]][] : memref<512xi8> to memref<64xf32>
// CHECK: aic.tanh %[[B]] outs(%[[C]])
// CHECK: aic.exp %[[C]] outs(%[[Y]])
// CHECK-NOT: memref.dealloc
// CHECK: return{{$}}
// With a 1 KiB alignment every buffer takes 1 KiB, the naive sum included.
// ALIGN: module attributes {aic.arena_naive_size = 3072 : i64, aic.arena_size = 2048 : i64}
// ALIGN: arith.constant 0 : index
// ALIGN: arith.constant 1024 : index
// ALIGN: arith.constant 0 : index
func.func @main_graph(%x: memref<64xf32> {aic.name = "x"}) -> (memref<64xf32> {aic.name = "y"}) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<64xf32>
  aic.relu %x outs(%a) : (memref<64xf32>, memref<64xf32>) -> ()
  %b = memref.alloc() {alignment = 64 : i64} : memref<64xf32>
  aic.sigmoid %a outs(%b) : (memref<64xf32>, memref<64xf32>) -> ()
  memref.dealloc %a : memref<64xf32>
  %c = memref.alloc() {alignment = 64 : i64} : memref<64xf32>
  aic.tanh %b outs(%c) : (memref<64xf32>, memref<64xf32>) -> ()
  memref.dealloc %b : memref<64xf32>
  %d = memref.alloc() {alignment = 64 : i64} : memref<64xf32>
  aic.exp %c outs(%d) : (memref<64xf32>, memref<64xf32>) -> ()
  memref.dealloc %c : memref<64xf32>
  return %d : memref<64xf32>
}

// -----

// Tests that a view (the reinterpret_cast a bufferized aic.reshape becomes)
// keeps its source alive until the view's last use: %c may not take %a's
// place although %a itself is not used after the cast; %d takes dead %b's.
// CHECK: module attributes {aic.arena_naive_size = 1024 : i64, aic.arena_size = 768 : i64}
// CHECK-LABEL: func @main_graph
// CHECK: %[[OA:.*]] = arith.constant [[A:[0-9]+]] : index
// CHECK: %[[VA:.*]] = memref.view %{{.*}}[%[[OA]]][] : memref<768xi8> to memref<2x32xf32>
// CHECK: aic.relu %{{.*}} outs(%[[VA]])
// CHECK: %[[R:.*]] = memref.reinterpret_cast %[[VA]] to offset: [0], sizes: [64], strides: [1]
// CHECK: arith.constant [[B:[0-9]+]] : index
// CHECK: aic.sigmoid
// CHECK-NOT: arith.constant [[A]] : index
// CHECK: arith.constant [[C:[0-9]+]] : index
// CHECK: aic.tanh
// CHECK: memref.reinterpret_cast
// CHECK: arith.constant [[B]] : index
// CHECK: aic.add %[[R]]
func.func @main_graph(%x: memref<2x32xf32>) -> memref<64xf32> {
  %a = memref.alloc() : memref<2x32xf32>
  aic.relu %x outs(%a) : (memref<2x32xf32>, memref<2x32xf32>) -> ()
  %r = memref.reinterpret_cast %a to offset: [0], sizes: [64], strides: [1] : memref<2x32xf32> to memref<64xf32>
  %b = memref.alloc() : memref<2x32xf32>
  aic.sigmoid %x outs(%b) : (memref<2x32xf32>, memref<2x32xf32>) -> ()
  %c = memref.alloc() : memref<2x32xf32>
  aic.tanh %b outs(%c) : (memref<2x32xf32>, memref<2x32xf32>) -> ()
  %s = memref.reinterpret_cast %c to offset: [0], sizes: [64], strides: [1] : memref<2x32xf32> to memref<64xf32>
  %d = memref.alloc() : memref<64xf32>
  aic.add %r, %s outs(%d) : (memref<64xf32>, memref<64xf32>, memref<64xf32>) -> ()
  %k = memref.get_global @ones : memref<64xf32>
  %o = memref.alloc() : memref<64xf32>
  aic.add %d, %k outs(%o) : (memref<64xf32>, memref<64xf32>, memref<64xf32>) -> ()
  return %o : memref<64xf32>
}
memref.global "private" constant @ones : memref<64xf32> = dense<1.0>

// -----

// Tests that a buffer used only through a subview stays alive as long as the
// subview: %a is not used itself after the subview is taken, but %b, allocated
// afterwards, may not take its place, since the subview is written and read
// while %b is live.
// CHECK: module attributes {aic.arena_naive_size = 512 : i64, aic.arena_size = 512 : i64}
// CHECK-LABEL: func @main_graph
// CHECK: arith.constant [[A:[0-9]+]] : index
// CHECK: %[[SV:.*]] = memref.subview %{{.*}}[0, 0] [2, 16] [1, 1]
// CHECK-NOT: arith.constant [[A]] : index
// CHECK: %[[VB:.*]] = memref.view
// CHECK: aic.relu %{{.*}} outs(%[[VB]])
// CHECK: linalg.copy ins(%{{.*}} : {{.*}}) outs(%[[SV]] : {{.*}})
// CHECK: linalg.add ins(%{{.*}}, %[[SV]] : {{.*}}) outs(%arg1 : memref<2x16xf32>)
func.func @main_graph(%x: memref<4x16xf32>) -> memref<2x16xf32> {
  %a = memref.alloc() : memref<4x16xf32>
  %sv = memref.subview %a[0, 0] [2, 16] [1, 1] : memref<4x16xf32> to memref<2x16xf32, strided<[16, 1]>>
  %b = memref.alloc() : memref<4x16xf32>
  aic.relu %x outs(%b) : (memref<4x16xf32>, memref<4x16xf32>) -> ()
  %sub = memref.subview %x[0, 0] [2, 16] [1, 1] : memref<4x16xf32> to memref<2x16xf32, strided<[16, 1]>>
  linalg.copy ins(%sub : memref<2x16xf32, strided<[16, 1]>>) outs(%sv : memref<2x16xf32, strided<[16, 1]>>)
  %bsub = memref.subview %b[2, 0] [2, 16] [1, 1] : memref<4x16xf32> to memref<2x16xf32, strided<[16, 1], offset: 32>>
  %o = memref.alloc() : memref<2x16xf32>
  linalg.add ins(%bsub, %sv : memref<2x16xf32, strided<[16, 1], offset: 32>>, memref<2x16xf32, strided<[16, 1]>>) outs(%o : memref<2x16xf32>)
  return %o : memref<2x16xf32>
}

// -----

// Tests buffers in regions: uses inside an scf.if count at the if, a buffer
// yielded from a branch (%b, %t) lives as long as the if's result, and a
// temporary of a branch (%t1) is dead after the if, so %e takes its place.
// CHECK: module attributes {aic.arena_naive_size = 1024 : i64, aic.arena_size = 768 : i64}
// CHECK-LABEL: func @main_graph
// CHECK: arith.constant [[B:[0-9]+]] : index
// CHECK: aic.relu
// CHECK: scf.if
// CHECK: arith.constant [[T1:[0-9]+]] : index
// CHECK: aic.sigmoid
// CHECK: arith.constant [[T:[0-9]+]] : index
// CHECK: aic.tanh
// CHECK: scf.yield
// CHECK: } else {
// CHECK: scf.yield
// CHECK: arith.constant [[T1]] : index
// CHECK: aic.exp
// CHECK: aic.add
func.func @main_graph(%x: memref<64xf32>, %c: i1) -> memref<64xf32> {
  %b = memref.alloc() : memref<64xf32>
  aic.relu %x outs(%b) : (memref<64xf32>, memref<64xf32>) -> ()
  %y = scf.if %c -> memref<64xf32> {
    %t1 = memref.alloc() : memref<64xf32>
    aic.sigmoid %b outs(%t1) : (memref<64xf32>, memref<64xf32>) -> ()
    %t = memref.alloc() : memref<64xf32>
    aic.tanh %t1 outs(%t) : (memref<64xf32>, memref<64xf32>) -> ()
    scf.yield %t : memref<64xf32>
  } else {
    scf.yield %b : memref<64xf32>
  }
  %e = memref.alloc() : memref<64xf32>
  aic.exp %x outs(%e) : (memref<64xf32>, memref<64xf32>) -> ()
  %o = memref.alloc() : memref<64xf32>
  aic.add %y, %e outs(%o) : (memref<64xf32>, memref<64xf32>, memref<64xf32>) -> ()
  return %o : memref<64xf32>
}

// -----

// Tests buffers in an scf.for: %t, a temporary of the body, has one slot
// for the whole loop, which no buffer live during the loop shares; %n, which
// the body carries into the next iteration, is copied into a carry buffer
// allocated before the loop, so the next iteration's %n does not overwrite
// the value it reads. The loop's result is the carry buffer.
// CHECK: module attributes {aic.arena_naive_size = 256 : i64, aic.arena_size = 256 : i64}
// CHECK-LABEL: func @main_graph
// CHECK: %[[A:.*]] = memref.view %{{.*}}[%{{.*}}][] : memref<256xi8> to memref<16xf32>
// CHECK: aic.relu %{{.*}} outs(%[[A]])
// CHECK: %[[O:.*]] = arith.constant [[CARRY:[0-9]+]] : index
// CHECK: %[[CARRY_BUF:.*]] = memref.view %{{.*}}[%[[O]]][]
// CHECK: %[[R:.*]] = scf.for {{.*}} iter_args(%[[V:.*]] = %[[A]])
// CHECK-NOT: arith.constant [[CARRY]] : index
// CHECK: %[[T:.*]] = memref.view
// CHECK: aic.sigmoid %[[V]] outs(%[[T]])
// CHECK-NOT: arith.constant [[CARRY]] : index
// CHECK: %[[N:.*]] = memref.view
// CHECK: aic.add %[[T]], %[[V]] outs(%[[N]])
// CHECK: linalg.copy ins(%[[N]] : memref<16xf32>) outs(%[[CARRY_BUF]] : memref<16xf32>)
// CHECK: scf.yield %[[CARRY_BUF]]
// CHECK: aic.tanh %[[R]]
func.func @main_graph(%x: memref<16xf32>) -> memref<16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %a = memref.alloc() : memref<16xf32>
  aic.relu %x outs(%a) : (memref<16xf32>, memref<16xf32>) -> ()
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%v = %a) -> (memref<16xf32>) {
    %t = memref.alloc() : memref<16xf32>
    aic.sigmoid %v outs(%t) : (memref<16xf32>, memref<16xf32>) -> ()
    %n = memref.alloc() : memref<16xf32>
    aic.add %t, %v outs(%n) : (memref<16xf32>, memref<16xf32>, memref<16xf32>) -> ()
    scf.yield %n : memref<16xf32>
  }
  %o = memref.alloc() : memref<16xf32>
  aic.tanh %r outs(%o) : (memref<16xf32>, memref<16xf32>) -> ()
  return %o : memref<16xf32>
}

// -----

// Tests that a carried value that may be the one the iteration received
// (an scf.if keeping it) goes through a temporary before the carry buffer:
// no copy reads a carry buffer another copy already overwrote.
// CHECK-LABEL: func @main_graph
// CHECK: %[[CARRY:.*]] = memref.view
// CHECK: scf.for {{.*}} iter_args(%[[V:.*]] = %arg0)
// CHECK: %[[Y:.*]] = scf.if
// CHECK: } else {
// CHECK: %[[TEMP:.*]] = memref.view
// CHECK: linalg.copy ins(%[[Y]] : memref<16xf32>) outs(%[[TEMP]] : memref<16xf32>)
// CHECK: linalg.copy ins(%[[TEMP]] : memref<16xf32>) outs(%[[CARRY]] : memref<16xf32>)
// CHECK: scf.yield %[[CARRY]]
func.func @main_graph(%x: memref<16xf32>, %c: i1) -> memref<16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%v = %x) -> (memref<16xf32>) {
    %y = scf.if %c -> memref<16xf32> {
      %n = memref.alloc() : memref<16xf32>
      aic.relu %v outs(%n) : (memref<16xf32>, memref<16xf32>) -> ()
      scf.yield %n : memref<16xf32>
    } else {
      scf.yield %v : memref<16xf32>
    }
    scf.yield %y : memref<16xf32>
  }
  return %r : memref<16xf32>
}

// -----

// Tests an scf.while: the buffer its body yields back to the condition
// region is carried through a carry buffer too.
// CHECK-LABEL: func @main_graph
// CHECK: %[[CARRY:.*]] = memref.view
// CHECK: scf.while
// CHECK: scf.condition
// CHECK: } do {
// CHECK: %[[T:.*]] = memref.view
// CHECK: aic.relu %{{.*}} outs(%[[T]])
// CHECK: linalg.copy ins(%[[T]] : memref<16xf32>) outs(%[[CARRY]] : memref<16xf32>)
// CHECK: scf.yield %{{.*}}, %[[CARRY]]
func.func @main_graph(%x: memref<16xf32>, %n: i64) -> memref<16xf32> {
  %c0 = arith.constant 0 : i64
  %c1 = arith.constant 1 : i64
  %r:2 = scf.while (%i = %c0, %v = %x) : (i64, memref<16xf32>) -> (i64, memref<16xf32>) {
    %go = arith.cmpi slt, %i, %n : i64
    scf.condition(%go) %i, %v : i64, memref<16xf32>
  } do {
  ^bb0(%j: i64, %w: memref<16xf32>):
    %t = memref.alloc() : memref<16xf32>
    aic.relu %w outs(%t) : (memref<16xf32>, memref<16xf32>) -> ()
    %next = arith.addi %j, %c1 : i64
    scf.yield %next, %t : i64, memref<16xf32>
  }
  return %r#1 : memref<16xf32>
}

// -----

// Tests nested loops: the inner loop's carry buffer is allocated in the
// outer body, which carries the inner result through a carry buffer of its
// own; the three buffers of the nest live as long as it.
// CHECK: module attributes {aic.arena_naive_size = 256 : i64, aic.arena_size = 256 : i64}
// CHECK-LABEL: func @main_graph
// CHECK: %[[OUTER:.*]] = memref.view
// CHECK: scf.for
// CHECK: %[[INNER:.*]] = memref.view
// CHECK: %[[R:.*]] = scf.for
// CHECK: %[[T:.*]] = memref.view
// CHECK: aic.relu %{{.*}} outs(%[[T]])
// CHECK: linalg.copy ins(%[[T]] : memref<16xf32>) outs(%[[INNER]] : memref<16xf32>)
// CHECK: scf.yield %[[INNER]]
// CHECK: linalg.copy ins(%[[R]] : memref<16xf32>)
// CHECK: linalg.copy ins(%{{.*}} : memref<16xf32>) outs(%[[OUTER]] : memref<16xf32>)
// CHECK: scf.yield %[[OUTER]]
func.func @main_graph(%x: memref<16xf32>) -> memref<16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%v = %x) -> (memref<16xf32>) {
    %s = scf.for %k = %c0 to %c4 step %c1 iter_args(%w = %v) -> (memref<16xf32>) {
      %t = memref.alloc() : memref<16xf32>
      aic.relu %w outs(%t) : (memref<16xf32>, memref<16xf32>) -> ()
      scf.yield %t : memref<16xf32>
    }
    scf.yield %s : memref<16xf32>
  }
  return %r : memref<16xf32>
}

// -----

// Tests the results: one computed into its own buffer is computed straight
// into the first out-parameter for it; the same buffer returned again, an
// input returned as a result and a view of a result are copied into theirs.
// Every out-parameter keeps the result's attributes and gets aic.output, its
// index among the outputs; no buffer is left for the arena, which keeps a
// minimal size.
// CHECK: module attributes {aic.arena_naive_size = 0 : i64, aic.arena_size = 0 : i64}
// CHECK-LABEL: func @main_graph
// CHECK-SAME: (%[[X:.*]]: memref<8xf32> {aic.name = "x"}, %[[A:.*]]: memref<8xf32> {aic.name = "a", aic.output = 0 : i64}, %[[B:.*]]: memref<8xf32> {aic.name = "b", aic.output = 1 : i64, aic.unsigned}, %[[C:.*]]: memref<8xf32> {aic.name = "c", aic.output = 2 : i64}, %[[D:.*]]: memref<2x4xf32> {aic.name = "d", aic.output = 3 : i64}, %{{.*}}: memref<1xi8>)
// CHECK-NOT: ->
// CHECK: aic.relu %[[X]] outs(%[[A]])
// CHECK: %[[R:.*]] = memref.reinterpret_cast %[[A]]
// CHECK-DAG: linalg.copy ins(%[[A]] : memref<8xf32>) outs(%[[B]] : memref<8xf32>)
// CHECK-DAG: linalg.copy ins(%[[X]] : memref<8xf32>) outs(%[[C]] : memref<8xf32>)
// CHECK-DAG: linalg.copy ins(%[[R]] : memref<2x4xf32>) outs(%[[D]] : memref<2x4xf32>)
// CHECK: return{{$}}
func.func @main_graph(%x: memref<8xf32> {aic.name = "x"})
    -> (memref<8xf32> {aic.name = "a"}, memref<8xf32> {aic.name = "b", aic.unsigned},
        memref<8xf32> {aic.name = "c"}, memref<2x4xf32> {aic.name = "d"}) {
  %0 = memref.alloc() : memref<8xf32>
  aic.relu %x outs(%0) : (memref<8xf32>, memref<8xf32>) -> ()
  %r = memref.reinterpret_cast %0 to offset: [0], sizes: [2, 4], strides: [4, 1] : memref<8xf32> to memref<2x4xf32>
  return %0, %0, %x, %r : memref<8xf32>, memref<8xf32>, memref<8xf32>, memref<2x4xf32>
}

// -----

// Tests that a ResNet-style plan saves memory: two residual blocks keep at
// most three activations alive (a block's input, the conv in flight and its
// output) instead of one buffer per activation. The block outputs %c and the
// final result are 1x4x8x8 f32 (1 KiB each).
// CHECK: module attributes {aic.arena_naive_size = 5120 : i64, aic.arena_size = 3072 : i64}
// CHECK-LABEL: func @main_graph
// CHECK-SAME: %{{.*}}: memref<3072xi8>)
func.func @main_graph(%x: memref<1x4x8x8xf32>, %w: memref<4x4x3x3xf32>, %bias: memref<4xf32>) -> memref<1x4x8x8xf32> {
  %a = memref.alloc() : memref<1x4x8x8xf32>
  aic.conv %x, %w, %bias outs(%a) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1 : i64, post_ops = [#aic.eltwise<relu>]} : (memref<1x4x8x8xf32>, memref<4x4x3x3xf32>, memref<4xf32>, memref<1x4x8x8xf32>) -> ()
  %b = memref.alloc() : memref<1x4x8x8xf32>
  aic.conv %a, %w, %bias outs(%b) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1 : i64} : (memref<1x4x8x8xf32>, memref<4x4x3x3xf32>, memref<4xf32>, memref<1x4x8x8xf32>) -> ()
  %c = memref.alloc() : memref<1x4x8x8xf32>
  aic.add %b, %x outs(%c) {post_ops = [#aic.eltwise<relu>]} : (memref<1x4x8x8xf32>, memref<1x4x8x8xf32>, memref<1x4x8x8xf32>) -> ()
  %d = memref.alloc() : memref<1x4x8x8xf32>
  aic.conv %c, %w, %bias outs(%d) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1 : i64, post_ops = [#aic.eltwise<relu>]} : (memref<1x4x8x8xf32>, memref<4x4x3x3xf32>, memref<4xf32>, memref<1x4x8x8xf32>) -> ()
  %e = memref.alloc() : memref<1x4x8x8xf32>
  aic.conv %d, %w, %bias outs(%e) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1 : i64} : (memref<1x4x8x8xf32>, memref<4x4x3x3xf32>, memref<4xf32>, memref<1x4x8x8xf32>) -> ()
  %f = memref.alloc() : memref<1x4x8x8xf32>
  aic.add %e, %c outs(%f) {post_ops = [#aic.eltwise<relu>]} : (memref<1x4x8x8xf32>, memref<1x4x8x8xf32>, memref<1x4x8x8xf32>) -> ()
  return %f : memref<1x4x8x8xf32>
}

// -----

// Tests buffers of a run-time shape: they take no arena space; one that is
// not returned is released after the top-level op of its last use; a
// result of a run-time shape that is its own buffer stays a result (marked
// with its output index) while the static one becomes an out-parameter.
// CHECK: module attributes {aic.arena_naive_size = 0 : i64, aic.arena_size = 0 : i64}
// CHECK-LABEL: func @main_graph
// CHECK-SAME: (%[[X:.*]]: memref<8xf32> {aic.name = "x"}, %{{.*}}: memref<i64>, %[[S:.*]]: memref<8xf32> {aic.name = "s", aic.output = 0 : i64}, %{{.*}}: memref<1xi8>) -> (memref<?xf32> {aic.name = "d", aic.output = 1 : i64})
// CHECK: %[[T:.*]] = memref.alloc(%[[K:.*]]) : memref<?xf32>
// CHECK: %[[U:.*]] = memref.alloc(%[[K]]) : memref<?xf32>
// CHECK: linalg.copy ins(%[[T]] : memref<?xf32>) outs(%[[U]] : memref<?xf32>)
// CHECK-NEXT: memref.dealloc %[[T]] : memref<?xf32>
// CHECK: aic.relu %[[X]] outs(%[[S]])
// CHECK-NOT: memref.dealloc
// CHECK: return %[[U]] : memref<?xf32>
func.func @main_graph(%x: memref<8xf32> {aic.name = "x"}, %n: memref<i64>) -> (memref<8xf32> {aic.name = "s"}, memref<?xf32> {aic.name = "d"}) {
  %c = memref.load %n[] : memref<i64>
  %k = arith.index_cast %c : i64 to index
  %t = memref.alloc(%k) : memref<?xf32>
  %u = memref.alloc(%k) : memref<?xf32>
  linalg.copy ins(%t : memref<?xf32>) outs(%u : memref<?xf32>)
  %s = memref.alloc() : memref<8xf32>
  aic.relu %x outs(%s) : (memref<8xf32>, memref<8xf32>) -> ()
  return %s, %u : memref<8xf32>, memref<?xf32>
}

// -----

// Tests that a result of a run-time shape that is a view, or a buffer
// returned twice, is copied into a buffer of its own (the runtime takes
// each over and frees it).
// CHECK-LABEL: func @main_graph
// CHECK-SAME: -> (memref<?xf32> {aic.output = 0 : i64}, memref<?xf32> {aic.output = 1 : i64}, memref<?xf32> {aic.output = 2 : i64})
// CHECK: %[[CAST:.*]] = memref.cast
// CHECK: %[[U:.*]] = memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK: %[[D0:.*]] = memref.dim %[[CAST]], %{{.*}} : memref<?xf32>
// CHECK: %[[A0:.*]] = memref.alloc(%[[D0]]) : memref<?xf32>
// CHECK: linalg.copy ins(%[[CAST]] : memref<?xf32>) outs(%[[A0]] : memref<?xf32>)
// CHECK: %[[D2:.*]] = memref.dim %[[U]], %{{.*}} : memref<?xf32>
// CHECK: %[[A2:.*]] = memref.alloc(%[[D2]]) : memref<?xf32>
// CHECK: linalg.copy ins(%[[U]] : memref<?xf32>) outs(%[[A2]] : memref<?xf32>)
// CHECK: return %[[A0]], %[[U]], %[[A2]]
func.func @main_graph(%x: memref<8xf32>, %k: index) -> (memref<?xf32>, memref<?xf32>, memref<?xf32>) {
  %v = memref.subview %x[0] [%k] [1] : memref<8xf32> to memref<?xf32, strided<[1]>>
  %c = memref.cast %v : memref<?xf32, strided<[1]>> to memref<?xf32>
  %u = memref.alloc(%k) : memref<?xf32>
  linalg.copy ins(%v : memref<?xf32, strided<[1]>>) outs(%u : memref<?xf32>)
  return %c, %u, %u : memref<?xf32>, memref<?xf32>, memref<?xf32>
}

// -----

// Tests buffers whose sizes follow a symbolic input dim: with the static
// ones, they are placed by a plan evaluated per shape. Their sizes are
// computed at the function's start from the input's dims (memref.dim of
// an alloc is its size), @__aic_plan gets them with each buffer's live
// range and returns the arena, and each alloc becomes a view at the offset
// the plan gives it. The output stays a run-time allocation.
// CHECK-LABEL: func @main_graph
// CHECK-SAME: (%[[X:.*]]: memref<?x4xf32> {aic.name = "x"}, %{{.*}}: memref<1xi8>) -> (memref<?x4xf32> {aic.name = "y", aic.output = 0 : i64})
// CHECK: %[[N:.*]] = memref.dim %[[X]], %{{.*}} : memref<?x4xf32>
// CHECK: %[[SIZES:.*]] = memref.alloca() : memref<3xi64>
// CHECK: %[[OFFSETS:.*]] = memref.alloca() : memref<4xi64>
// CHECK: memref.store %{{.*}}, %[[SIZES]][%{{.*}}] : memref<3xi64>
// CHECK: %[[A:.*]] = call @__aic_plan(%[[SIZES]], %[[OFFSETS]]) {aic.plan_alignment = 64 : i64, aic.plan_ranges = array<i64: 5, 6, 7, 11, 10, 13>} : (memref<3xi64>, memref<4xi64>) -> memref<?xi8>
// CHECK: memref.view %[[A]][%{{.*}}][] : memref<?xi8> to memref<16xf32>
// CHECK: memref.view %[[A]][%{{.*}}][%{{.*}}] : memref<?xi8> to memref<?x4xf32>
// CHECK: memref.view %[[A]][%{{.*}}][%{{.*}}] : memref<?xi8> to memref<?x4xf32>
// CHECK: %[[Y:.*]] = memref.alloc(%{{.*}}) : memref<?x4xf32>
// CHECK-NOT: memref.dealloc
// CHECK: return %[[Y]]
// CHECK: func.func private @__aic_plan(memref<3xi64>, memref<4xi64>) -> memref<?xi8>
func.func @main_graph(%x: memref<?x4xf32> {aic.name = "x"}) -> (memref<?x4xf32> {aic.name = "y"}) {
  %c0 = arith.constant 0 : index
  %f = arith.constant 0.0 : f32
  %n = memref.dim %x, %c0 : memref<?x4xf32>
  %s = memref.alloc() : memref<16xf32>
  linalg.fill ins(%f : f32) outs(%s : memref<16xf32>)
  %t = memref.alloc(%n) : memref<?x4xf32>
  aic.relu %x outs(%t) : (memref<?x4xf32>, memref<?x4xf32>) -> ()
  %m = memref.dim %t, %c0 : memref<?x4xf32>
  %u = memref.alloc(%m) : memref<?x4xf32>
  aic.relu %t outs(%u) : (memref<?x4xf32>, memref<?x4xf32>) -> ()
  %y = memref.alloc(%n) : memref<?x4xf32>
  aic.relu %u outs(%y) : (memref<?x4xf32>, memref<?x4xf32>) -> ()
  return %y : memref<?x4xf32>
}

// -----

// Tests that the checks of the run's shapes precede the plan: at a length
// shorter than the window, the buffer's size (n - 4) * 4 would be negative,
// and the run must fail with the node's message, not the plan's. A check
// of data read at run time stays where it was.
// CHECK-LABEL: func @main_graph
// CHECK: %[[N:.*]] = memref.dim %{{.*}}, %{{.*}} : memref<?xf32>
// CHECK: memref.store
// CHECK: %[[OK:.*]] = arith.cmpi sge, %[[N]], %{{.*}} : index
// CHECK: cf.assert %[[OK]], "node 'conv': the input is smaller than the window"
// CHECK: call @__aic_plan
// CHECK: memref.load
// CHECK: cf.assert %{{.*}}, "node 'gather': an index is out of range"
func.func @main_graph(%x: memref<?xf32> {aic.name = "x"}, %i: memref<i1> {aic.name = "i"}) -> (memref<?xf32> {aic.name = "y"}) {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %n = memref.dim %x, %c0 : memref<?xf32>
  %ok = arith.cmpi sge, %n, %c4 : index
  cf.assert %ok, "node 'conv': the input is smaller than the window"
  %m = arith.subi %n, %c4 : index
  %t = memref.alloc(%m) : memref<?xf32>
  %sub = memref.subview %x[0] [%m] [1] : memref<?xf32> to memref<?xf32, strided<[1]>>
  aic.relu %sub outs(%t) : (memref<?xf32, strided<[1]>>, memref<?xf32>) -> ()
  %in = memref.load %i[] : memref<i1>
  cf.assert %in, "node 'gather': an index is out of range"
  %y = memref.alloc(%m) : memref<?xf32>
  aic.relu %t outs(%y) : (memref<?xf32>, memref<?xf32>) -> ()
  return %y : memref<?xf32>
}

// -----

// Tests sizes taken from views of buffers: the dims of a collapsed or
// expanded shape, a cast, a transpose and a subview are computed at the
// function's start from the buffers they view, so every buffer joins the
// plan (the product of a collapsed group, an expanded dim's output size,
// the permuted dim, the subview's size). A size read from memory keeps
// its buffer a run-time allocation.
// CHECK-LABEL: func @main_graph
// CHECK-SAME: (%[[X:.*]]: memref<?x?xf32> {aic.name = "x"}, %[[K:.*]]: memref<index> {aic.name = "k"}, %{{.*}}: memref<1xi8>)
// CHECK: %[[N:.*]] = memref.dim %[[X]], %{{.*}} : memref<?x?xf32>
// CHECK: %[[M:.*]] = memref.dim %[[X]], %{{.*}} : memref<?x?xf32>
// CHECK: %[[N1:.*]] = arith.muli %{{.*}}, %[[N]] : index
// CHECK: %[[NM:.*]] = arith.muli %[[N1]], %[[M]] : index
// CHECK: %[[HALF:.*]] = arith.divui %[[NM]], %{{.*}} : index
// CHECK: %[[SIZES:.*]] = memref.alloca() : memref<5xi64>
// The collapsed buffer: 4 x n x m bytes.
// CHECK: %[[B:.*]] = arith.muli %{{.*}}, %[[NM]] : index
// CHECK: %[[BI:.*]] = arith.index_cast %[[B]] : index to i64
// CHECK: memref.store %[[BI]], %[[SIZES]]
// The expanded one: 4 x (n x m / 2) x 2.
// CHECK: %[[C:.*]] = arith.muli %{{.*}}, %[[HALF]] : index
// CHECK: arith.muli %[[C]], %{{.*}} : index
// The transposed one: 4 x m x n.
// CHECK: %[[D:.*]] = arith.muli %{{.*}}, %[[M]] : index
// CHECK: arith.muli %[[D]], %[[N]] : index
// The subview's row, through a cast: 4 x m.
// CHECK: arith.muli %{{.*}}, %[[M]] : index
// CHECK: call @__aic_plan(%{{.*}}, %{{.*}}) {{.*}} : (memref<5xi64>, memref<6xi64>) -> memref<?xi8>
// CHECK-NOT: memref.alloc(
// CHECK: %[[KV:.*]] = memref.load %[[K]][]
// CHECK: %[[G:.*]] = memref.alloc(%[[KV]]) : memref<?xf32>
// CHECK: memref.dealloc %[[G]]
// CHECK: %[[Y:.*]] = memref.alloc(%{{.*}}, %{{.*}}) : memref<?x?xf32>
// CHECK: return %[[Y]]
func.func @main_graph(%x: memref<?x?xf32> {aic.name = "x"}, %k: memref<index> {aic.name = "k"}) -> (memref<?x?xf32> {aic.name = "y"}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %n = memref.dim %x, %c0 : memref<?x?xf32>
  %m = memref.dim %x, %c1 : memref<?x?xf32>
  %a = memref.alloc(%n, %m) : memref<?x?xf32>
  aic.relu %x outs(%a) : (memref<?x?xf32>, memref<?x?xf32>) -> ()
  %flat = memref.collapse_shape %a [[0, 1]] : memref<?x?xf32> into memref<?xf32>
  %f = memref.dim %flat, %c0 : memref<?xf32>
  %b = memref.alloc(%f) : memref<?xf32>
  aic.relu %flat outs(%b) : (memref<?xf32>, memref<?xf32>) -> ()
  %half = arith.divui %f, %c2 : index
  %pairs = memref.expand_shape %b [[0, 1]] output_shape [%half, 2] : memref<?xf32> into memref<?x2xf32>
  %p = memref.dim %pairs, %c0 : memref<?x2xf32>
  %c = memref.alloc(%p) : memref<?x2xf32>
  aic.relu %pairs outs(%c) : (memref<?x2xf32>, memref<?x2xf32>) -> ()
  %t = memref.transpose %a (i, j) -> (j, i) : memref<?x?xf32> to memref<?x?xf32, affine_map<(d0, d1)[s0] -> (d1 * s0 + d0)>>
  %tm = memref.dim %t, %c0 : memref<?x?xf32, affine_map<(d0, d1)[s0] -> (d1 * s0 + d0)>>
  %tn = memref.dim %t, %c1 : memref<?x?xf32, affine_map<(d0, d1)[s0] -> (d1 * s0 + d0)>>
  %d = memref.alloc(%tm, %tn) : memref<?x?xf32>
  %row = memref.subview %a[0, 0] [1, %m] [1, 1] : memref<?x?xf32> to memref<?xf32, strided<[1]>>
  %cast = memref.cast %row : memref<?xf32, strided<[1]>> to memref<?xf32, strided<[?], offset: ?>>
  %r = memref.dim %cast, %c0 : memref<?xf32, strided<[?], offset: ?>>
  %e = memref.alloc(%r) : memref<?xf32>
  aic.relu %row outs(%e) : (memref<?xf32, strided<[1]>>, memref<?xf32>) -> ()
  %kv = memref.load %k[] : memref<index>
  %g = memref.alloc(%kv) : memref<?xf32>
  %gs = memref.subview %e[0] [%kv] [1] : memref<?xf32> to memref<?xf32, strided<[1]>>
  aic.relu %gs outs(%g) : (memref<?xf32, strided<[1]>>, memref<?xf32>) -> ()
  %y = memref.alloc(%m, %n) : memref<?x?xf32>
  aic.relu %d outs(%y) : (memref<?x?xf32>, memref<?x?xf32>) -> ()
  return %y : memref<?x?xf32>
}
