// RUN: aic-opt %s -split-input-file -one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" | FileCheck %s

// Tests that aic.reshape of a slice that only splits dims stays a strided
// view of the slice (a head split of one third of a fused projection).
// CHECK-LABEL: func @split_slice
// CHECK: %[[S:.*]] = memref.subview %{{.*}}[0, 0, 256] [64, 4, 256] [1, 1, 1]
// CHECK-NOT: memref.copy
// CHECK: %[[E:.*]] = memref.expand_shape %[[S]] {{\[}}[0], [1], [2, 3]] output_shape [64, 4, 4, 64] : memref<64x4x256xf32, strided<[3072, 768, 1], offset: 256>> into memref<64x4x4x64xf32, strided<[3072, 768, 64, 1], offset: 256>>
// CHECK: linalg.transpose ins(%[[E]]
func.func @split_slice(%x: tensor<64x4x768xf32>) -> tensor<4x4x64x64xf32> {
  %s = tensor.extract_slice %x[0, 0, 256] [64, 4, 256] [1, 1, 1] : tensor<64x4x768xf32> to tensor<64x4x256xf32>
  %r = aic.reshape %s : tensor<64x4x256xf32> -> tensor<64x4x4x64xf32>
  %e = tensor.empty() : tensor<4x4x64x64xf32>
  %t = linalg.transpose ins(%r : tensor<64x4x4x64xf32>) outs(%e : tensor<4x4x64x64xf32>) permutation = [1, 2, 0, 3]
  return %t : tensor<4x4x64x64xf32>
}

// -----

// Tests that aic.reshape of a slice that merges evenly spaced dims is a
// strided view too.
// CHECK-LABEL: func @merge_slice
// CHECK: %[[S:.*]] = memref.subview
// CHECK-NOT: memref.copy
// CHECK: memref.collapse_shape %[[S]] {{\[}}[0, 1], [2]] : memref<8x4x16xf32, strided<[128, 32, 1], offset: 16>> into memref<32x16xf32, strided<[32, 1], offset: 16>>
func.func @merge_slice(%x: tensor<8x4x32xf32>) -> tensor<32x16xf32> {
  %s = tensor.extract_slice %x[0, 0, 16] [8, 4, 16] [1, 1, 1] : tensor<8x4x32xf32> to tensor<8x4x16xf32>
  %r = aic.reshape %s : tensor<8x4x16xf32> -> tensor<32x16xf32>
  %e = tensor.empty() : tensor<32x16xf32>
  %c = linalg.copy ins(%r : tensor<32x16xf32>) outs(%e : tensor<32x16xf32>) -> tensor<32x16xf32>
  return %c : tensor<32x16xf32>
}

// -----

// Tests that any other reshape of a slice reshapes a dense copy: the
// heads of one third of a fused projection, (4, 256) -> (16, 64), cannot
// be one stride apart.
// CHECK-LABEL: func @regroup_slice
// CHECK: %[[S:.*]] = memref.subview
// CHECK: %[[D:.*]] = memref.alloc() {{.*}} : memref<64x4x256xf32>
// CHECK: memref.copy %[[S]], %[[D]]
// CHECK: memref.reinterpret_cast %[[D]] to offset: [0], sizes: [64, 16, 64], strides: [1024, 64, 1]
func.func @regroup_slice(%x: tensor<64x4x768xf32>) -> tensor<16x64x64xf32> {
  %s = tensor.extract_slice %x[0, 0, 256] [64, 4, 256] [1, 1, 1] : tensor<64x4x768xf32> to tensor<64x4x256xf32>
  %r = aic.reshape %s : tensor<64x4x256xf32> -> tensor<64x16x64xf32>
  %e = tensor.empty() : tensor<16x64x64xf32>
  %t = linalg.transpose ins(%r : tensor<64x16x64xf32>) outs(%e : tensor<16x64x64xf32>) permutation = [1, 0, 2]
  return %t : tensor<16x64x64xf32>
}

// -----

// Tests that a reshape of a dense buffer is a view of it.
// CHECK-LABEL: func @dense
// CHECK-NOT: memref.copy
// CHECK: memref.reinterpret_cast %{{.*}} to offset: [0], sizes: [2, 12], strides: [12, 1]
func.func @dense(%x: tensor<2x3x4xf32>) -> tensor<2x12xf32> {
  %r = aic.reshape %x : tensor<2x3x4xf32> -> tensor<2x12xf32>
  %e = tensor.empty() : tensor<2x12xf32>
  %c = linalg.copy ins(%r : tensor<2x12xf32>) outs(%e : tensor<2x12xf32>) -> tensor<2x12xf32>
  return %c : tensor<2x12xf32>
}
