// RUN: aic-opt %s -split-input-file -aic-plan-memory | FileCheck %s

// Tests that a chain reuses memory: the third tensor takes the first one's
// place, and the result is written straight into the output.
// CHECK: module attributes {aic.arena_naive_size = 768 : i64, aic.arena_size = 512 : i64}
// CHECK-LABEL: func @main_graph
// CHECK: aic.relu %arg0 {aic.offset = [[A:[0-9]+]] : i64}
// CHECK: aic.sigmoid %{{.*}} {aic.offset = [[B:[0-9]+]] : i64}
// CHECK: aic.tanh %{{.*}} {aic.offset = [[A]] : i64}
// CHECK: aic.exp %{{.*}} {aic.output = 0 : i64}
func.func @main_graph(%x: tensor<64xf32>) -> tensor<64xf32> {
  %0 = aic.relu %x : tensor<64xf32>
  %1 = aic.sigmoid %0 : tensor<64xf32>
  %2 = aic.tanh %1 : tensor<64xf32>
  %3 = aic.exp %2 : tensor<64xf32>
  return %3 : tensor<64xf32>
}

// -----

// Tests that a reshape aliases its operand and extends its live range, and
// that constants take no arena space.
// CHECK: module attributes {aic.arena_naive_size = 1024 : i64, aic.arena_size = 768 : i64}
// CHECK: aic.relu %arg0 {aic.offset = [[A:[0-9]+]] : i64}
// CHECK: aic.sigmoid %arg0 {aic.offset = [[B:[0-9]+]] : i64}
// CHECK-NOT: aic.offset = [[A]]
// CHECK: aic.tanh %{{.*}} {aic.offset = [[C:[0-9]+]] : i64}
// CHECK: aic.add {{.*}}aic.offset = [[B]]
// CHECK: aic.add {{.*}}aic.output = 0
func.func @main_graph(%x: tensor<2x32xf32>) -> tensor<64xf32> {
  %c = aic.constant dense<1.0> : tensor<64xf32>
  %0 = aic.relu %x : tensor<2x32xf32>
  %r = aic.reshape %0 : tensor<2x32xf32> -> tensor<64xf32>
  %1 = aic.sigmoid %x : tensor<2x32xf32>
  %2 = aic.tanh %1 : tensor<2x32xf32>
  %s = aic.reshape %2 : tensor<2x32xf32> -> tensor<64xf32>
  %3 = aic.add %r, %s : (tensor<64xf32>, tensor<64xf32>) -> tensor<64xf32>
  %4 = aic.add %3, %c : (tensor<64xf32>, tensor<64xf32>) -> tensor<64xf32>
  return %4 : tensor<64xf32>
}

// -----

// Tests that a value returned twice is computed into the first output only
// and that an input returned as an output needs no buffer.
// CHECK: module attributes {aic.arena_naive_size = 0 : i64, aic.arena_size = 0 : i64}
// CHECK: aic.relu %arg0 {aic.output = 0 : i64}
func.func @main_graph(%x: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %0 = aic.relu %x : tensor<8xf32>
  return %0, %0, %x : tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
}

