// RUN: aic-opt %s -split-input-file -aic-pack-weights -verify-diagnostics

// Tests that a resource constant without data is an error, not garbage.
// expected-error @+1 {{constant resource has no data or the wrong size for 'memref<4xi32>'}}
memref.global "private" constant @r : memref<4xi32> = dense_resource<missing>

// -----

// Tests that a resource constant of the wrong size is an error.
// expected-error @+1 {{constant resource has no data or the wrong size for 'memref<2xi32>'}}
memref.global "private" constant @r : memref<2xi32> = dense_resource<blob1>
{-#
  dialect_resources: {
    builtin: {
      blob1: "0x04000000070000000900000001000000"
    }
  }
#-}

// -----

// Tests that a strided constant is rejected: the blob holds dense buffers.
// expected-error @+1 {{expects a dense, statically shaped constant}}
memref.global "private" constant @s : memref<2xf32, strided<[2]>> = dense<1.0>
