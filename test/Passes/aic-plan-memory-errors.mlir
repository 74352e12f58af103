// RUN: aic-opt %s -split-input-file -aic-plan-memory -verify-diagnostics
// RUN: not aic-opt %s -split-input-file -aic-plan-memory=alignment=48 2>&1 | FileCheck %s --check-prefix=ALIGN

// Tests that the graph function must exist.
// expected-error @+1 {{expects a func.func @main_graph with a body}}
module {
  func.func @other(%x: memref<8xf32>) -> memref<8xf32> {
    return %x : memref<8xf32>
  }
}

// -----

// Tests that a buffer allocated in a loop whose iterations may run at the
// same time is rejected: one arena slot could not hold the buffers of two
// iterations.
func.func @main_graph(%x: memref<8xf32>) -> memref<8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %o = memref.alloc() : memref<8xf32>
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    // expected-error @+1 {{buffers allocated inside 'scf.parallel' loops are not supported}}
    %t = memref.alloc() : memref<8xf32>
    aic.relu %x outs(%t) : (memref<8xf32>, memref<8xf32>) -> ()
    aic.add %t, %x outs(%o) : (memref<8xf32>, memref<8xf32>, memref<8xf32>) -> ()
    scf.reduce
  }
  return %o : memref<8xf32>
}

// -----

// Tests that a buffer of a strided layout is rejected.
func.func @main_graph(%x: memref<8xf32>) -> memref<8xf32> {
  // expected-error @+1 {{expects a dense buffer, got 'memref<8xf32, strided<[2]>>'}}
  %t = memref.alloc() : memref<8xf32, strided<[2]>>
  %o = memref.alloc() : memref<8xf32>
  aic.relu %x outs(%o) : (memref<8xf32>, memref<8xf32>) -> ()
  return %o : memref<8xf32>
}

// -----

// Tests that a buffer of a run-time shape partly computed in the arena
// cannot be carried across loop iterations: its carry buffer would need its
// size before the loop.
func.func @main_graph(%x: memref<8xf32>, %n: index) -> memref<8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %init = memref.alloc(%n) : memref<?xf32>
  // expected-error @+1 {{cannot carry a buffer of a run-time shape computed partly in the arena across iterations}}
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%a = %init) -> (memref<?xf32>) {
    %t = memref.alloc() : memref<8xf32>
    %d = memref.cast %t : memref<8xf32> to memref<?xf32>
    scf.yield %d : memref<?xf32>
  }
  %o = memref.alloc() : memref<8xf32>
  aic.relu %x outs(%o) : (memref<8xf32>, memref<8xf32>) -> ()
  return %o : memref<8xf32>
}

// -----

// Tests that the graph must be in one block: the plan orders ops in it.
// expected-error @+1 {{expects a bufferized, single-block graph}}
func.func @main_graph(%x: memref<8xf32>) -> memref<8xf32> {
  cf.br ^next
^next:
  return %x : memref<8xf32>
}

// -----

// Tests that the alignment must be a power of two (the ALIGN run; this graph
// plans fine with the default).
// ALIGN: error: alignment must be a power of two
func.func @main_graph(%x: memref<8xf32>) -> memref<8xf32> {
  %o = memref.alloc() : memref<8xf32>
  aic.relu %x outs(%o) : (memref<8xf32>, memref<8xf32>) -> ()
  return %o : memref<8xf32>
}
