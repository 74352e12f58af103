// RUN: not aic-opt %s -aic-plan-memory 2>&1 | FileCheck %s

// Tests that the graph function must exist.
// CHECK: error: expects a func.func @main_graph
func.func @other(%x: tensor<8xf32>) -> tensor<8xf32> {
  return %x : tensor<8xf32>
}
