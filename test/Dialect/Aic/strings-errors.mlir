// RUN: aic-opt %s -split-input-file -verify-diagnostics

// Tests that a string cast needs exactly one string side.
func.func @both_numbers(%x: tensor<2xf32>, %e: tensor<2xi32>) -> tensor<2xi32> {
  // expected-error @+1 {{expects exactly one of the input and the destination to hold strings}}
  %0 = aic.string_cast %x outs(%e) : (tensor<2xf32>, tensor<2xi32>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

// Tests that a string cast keeps the shape.
func.func @shape(%x: tensor<2x!aic.string>, %e: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{expects the input and the destination to have the same shape}}
  %0 = aic.string_cast %x outs(%e) : (tensor<2x!aic.string>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Tests that the normalizer takes [C] or [1, C].
func.func @rank(%x: tensor<2x2x!aic.string>, %e: tensor<2x2x!aic.string>) -> tensor<2x2x!aic.string> {
  // expected-error @+1 {{expects an input and a destination of shape [C] or [1, C]}}
  %0 = aic.string_normalizer %x outs(%e) {case_change = 0 : i64, case_sensitive = false} : (tensor<2x2x!aic.string>, tensor<2x2x!aic.string>) -> tensor<2x2x!aic.string>
  return %0 : tensor<2x2x!aic.string>
}

// -----

// Tests that the normalizer cannot give more strings than it takes.
func.func @longer(%x: tensor<2x!aic.string>, %e: tensor<3x!aic.string>) -> tensor<3x!aic.string> {
  // expected-error @+1 {{expects a destination of 1 to 2 strings}}
  %0 = aic.string_normalizer %x outs(%e) {case_change = 1 : i64, case_sensitive = false} : (tensor<2x!aic.string>, tensor<3x!aic.string>) -> tensor<3x!aic.string>
  return %0 : tensor<3x!aic.string>
}

// -----

// Tests the case actions.
func.func @action(%x: tensor<2x!aic.string>, %e: tensor<2x!aic.string>) -> tensor<2x!aic.string> {
  // expected-error @+1 {{expects case_change 0 (none), 1 (lower) or 2 (upper)}}
  %0 = aic.string_normalizer %x outs(%e) {case_change = 3 : i64, case_sensitive = false} : (tensor<2x!aic.string>, tensor<2x!aic.string>) -> tensor<2x!aic.string>
  return %0 : tensor<2x!aic.string>
}
