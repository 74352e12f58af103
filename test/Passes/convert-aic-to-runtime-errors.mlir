// RUN: aic-opt %s -split-input-file -convert-aic-to-runtime -verify-diagnostics

// Tests that the memory plan must have run.
// expected-error @+1 {{expects the memory plan (run aic-plan-memory first)}}
module {
  func.func @main_graph(%x: memref<4xf32>, %y: memref<4xf32> {aic.output}, %arena: memref<1xi8>) {
    aic.relu %x outs(%y) : (memref<4xf32>, memref<4xf32>) -> ()
    return
  }
}

// -----

// Tests that the graph must have its outputs as out-parameters.
module attributes {aic.arena_size = 0 : i64} {
  // expected-error @+1 {{expects inputs, outputs and the arena as arguments, and outputs of a run-time shape as results (run aic-plan-memory first)}}
  func.func @main_graph(%x: memref<4xf32>, %y: memref<4xf32>) {
    aic.relu %x outs(%y) : (memref<4xf32>, memref<4xf32>) -> ()
    return
  }
}

// -----

// Tests that a graph returning buffers that are not outputs of a run-time
// shape is rejected.
module attributes {aic.arena_size = 0 : i64} {
  // expected-error @+1 {{result #0 is not an output buffer (run aic-plan-memory first)}}
  func.func @main_graph(%x: memref<4xf32>, %y: memref<4xf32> {aic.output}, %arena: memref<1xi8>) -> memref<4xf32> {
    return %x : memref<4xf32>
  }
}

// -----

// Tests that an element type the runtime does not compute in is an error at
// the op, not a bad descriptor.
module attributes {aic.arena_size = 0 : i64} {
  func.func @main_graph(%x: memref<4xi64>, %y: memref<4xi64> {aic.output}, %arena: memref<1xi8>) {
    // expected-error @+2 {{element type 'i64' is not supported by the runtime (only f32 is)}}
    // expected-error @+1 {{failed to legalize operation 'aic.add'}}
    aic.add %x, %x outs(%y) : (memref<4xi64>, memref<4xi64>, memref<4xi64>) -> ()
    return
  }
}

// -----

// Tests that primitives must not be left in structured control flow: their
// status checks need blocks.
module attributes {aic.arena_size = 0 : i64} {
  func.func @main_graph(%x: memref<4xf32>, %c: i1, %y: memref<4xf32> {aic.output}, %arena: memref<1xi8>) {
    scf.if %c {
      // expected-error @+1 {{expects the graph's control flow in blocks (run convert-scf-to-cf first)}}
      aic.relu %x outs(%y) : (memref<4xf32>, memref<4xf32>) -> ()
    }
    return
  }
}

// -----

// Tests that a graph argument the runtime cannot pass as a dense buffer is
// rejected.
module attributes {aic.arena_size = 0 : i64} {
  // expected-error @+1 {{argument #0 has type 'memref<4xf32, strided<[2]>>', which the runtime cannot pass}}
  func.func @main_graph(%s: memref<4xf32, strided<[2]>>, %x: memref<4xf32>, %y: memref<4xf32> {aic.output}, %arena: memref<1xi8>) {
    aic.relu %x outs(%y) : (memref<4xf32>, memref<4xf32>) -> ()
    return
  }
}

// -----

// Tests that the value tables must be well-formed and cover the tensors.
module attributes {aic.arena_size = 0 : i64} {
  // expected-error @+1 {{'aic.input_values' entry #0 is not {name, kind, elem_dtype, present, count}}}
  func.func @main_graph(%x: memref<4xf32>, %y: memref<4xf32> {aic.output}, %arena: memref<1xi8>)
      attributes {aic.input_values = [{name = "x", kind = 0 : i32}]} {
    memref.copy %x, %y : memref<4xf32> to memref<4xf32>
    return
  }
}

// -----

module attributes {aic.arena_size = 0 : i64} {
  // expected-error @+1 {{'aic.output_values' covers 2 tensors, the graph has 1 outputs}}
  func.func @main_graph(%x: memref<4xf32>, %y: memref<4xf32> {aic.output}, %arena: memref<1xi8>)
      attributes {aic.output_values = [{name = "ys", kind = 1 : i32, elem_dtype = 1 : i32, present = true, count = 2 : i64}]} {
    memref.copy %x, %y : memref<4xf32> to memref<4xf32>
    return
  }
}

// -----

// Tests that a primitive never gets a buffer whose elements are not one
// dense range (its descriptor describes dense ones): every other row here.
// A slice of one row of such a view (extent 1 in the strided dim) is one.
module attributes {aic.arena_size = 0 : i64} {
  func.func @main_graph(%x: memref<4x4xf32>, %y: memref<2x4xf32> {aic.output}, %arena: memref<1xi8>) {
    %rows = memref.subview %x[0, 0] [2, 4] [2, 1] : memref<4x4xf32> to memref<2x4xf32, strided<[8, 1]>>
    %row = memref.subview %x[2, 0] [1, 4] [1, 1] : memref<4x4xf32> to memref<1x4xf32, strided<[4, 1], offset: 8>>
    %out = memref.subview %y[0, 0] [1, 4] [1, 1] : memref<2x4xf32> to memref<1x4xf32, strided<[4, 1]>>
    aic.relu %row outs(%out) : (memref<1x4xf32, strided<[4, 1], offset: 8>>, memref<1x4xf32, strided<[4, 1]>>) -> ()
    // expected-error @+2 {{passes argument #0 of type 'memref<2x4xf32, strided<[8, 1]>>', which is not one dense range as its primitive's descriptor says}}
    // expected-error @+1 {{failed to legalize operation 'aic.relu'}}
    aic.relu %rows outs(%y) : (memref<2x4xf32, strided<[8, 1]>>, memref<2x4xf32>) -> ()
    return
  }
}
