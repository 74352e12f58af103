// RUN: aic-opt %s -split-input-file -aic-inline-small-matmuls | FileCheck %s
// RUN: aic-opt %s -split-input-file -aic-inline-small-matmuls=max-macs=100 | FileCheck %s --check-prefix=LIMIT

// A 1x64 by 64x300 product (19200 MACs): zero, then per row two blocks of
// 128 columns in a loop and a tail of 44, each a vector carried through the
// loop over k.
// CHECK-LABEL: func @matvec
// CHECK-SAME: (%[[H:.*]]: tensor<1x64xf32>, %[[R:.*]]: tensor<64x300xf32>
// CHECK-NOT: aic.matmul
// CHECK: %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x300xf32>)
// CHECK: scf.for %[[M:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[O:.*]] = %[[Z]])
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[P:.*]] = %[[O]])
// CHECK: %[[N:.*]] = arith.muli %[[I]], %{{.*}} : index
// CHECK: %[[V:.*]] = vector.transfer_read %[[P]][%[[M]], %[[N]]], %{{.*}} {in_bounds = [true]} : tensor<1x300xf32>, vector<128xf32>
// CHECK: scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %[[V]]) -> (vector<128xf32>)
// CHECK: %[[A:.*]] = tensor.extract %[[H]][%[[M]], %[[K]]]
// CHECK: %[[B:.*]] = vector.broadcast %[[A]] : f32 to vector<128xf32>
// CHECK: %[[W:.*]] = vector.transfer_read %[[R]][%[[K]], %[[N]]]
// CHECK: vector.fma %[[B]], %[[W]], %[[ACC]] : vector<128xf32>
// CHECK: vector.transfer_write %{{.*}}, %[[P]][%[[M]], %[[N]]] {in_bounds = [true]} : vector<128xf32>, tensor<1x300xf32>
// CHECK: vector.transfer_read %{{.*}} : tensor<1x300xf32>, vector<44xf32>
// CHECK: vector.fma %{{.*}} : vector<44xf32>
// CHECK: vector.transfer_write %{{.*}} : vector<44xf32>, tensor<1x300xf32>
// LIMIT-LABEL: func @matvec
// LIMIT: aic.matmul
func.func @matvec(%h: tensor<1x64xf32>, %r: tensor<64x300xf32>, %e: tensor<1x300xf32>) -> tensor<1x300xf32> {
  %y = aic.matmul %h, %r outs(%e) : (tensor<1x64xf32>, tensor<64x300xf32>, tensor<1x300xf32>) -> tensor<1x300xf32>
  return %y : tensor<1x300xf32>
}

// -----

// Gemm form: the bias broadcast starts the output, a transposed left operand
// is read transposed, a constant transposed right operand is transposed at
// compile time, and alpha scales the result.
// CHECK-LABEL: func @gemm
// CHECK-SAME: (%[[X:.*]]: tensor<3x2xf32>, %[[BIAS:.*]]: tensor<4xf32>
// CHECK: %[[WT:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 3.000000e+00, 5.000000e+00, 7.000000e+00], [2.000000e+00, 4.000000e+00, 6.000000e+00, 8.000000e+00], [9.000000e+00, 1.000000e+01, 1.100000e+01, 1.200000e+01]]> : tensor<3x4xf32>
// CHECK: %[[INIT:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel"]} ins(%[[BIAS]] : tensor<4xf32>)
// CHECK: scf.for %[[M:[a-z0-9]+]] =
// CHECK: vector.transfer_read {{.*}} vector<4xf32>
// CHECK: scf.for %[[K:[a-z0-9]+]] =
// CHECK: tensor.extract %[[X]][%[[K]], %[[M]]] : tensor<3x2xf32>
// CHECK: vector.transfer_read %[[WT]][%[[K]], %{{.*}}]
// CHECK: %[[SCALE:.*]] = arith.constant 5.000000e-01 : f32
// CHECK: linalg.generic
// CHECK: arith.mulf %{{.*}}, %[[SCALE]] : f32
func.func @gemm(%x: tensor<3x2xf32>, %b: tensor<4xf32>, %e: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 9.0], [3.0, 4.0, 10.0], [5.0, 6.0, 11.0], [7.0, 8.0, 12.0]]> : tensor<4x3xf32>
  %y = aic.matmul %x, %w, %b outs(%e) {transpose_lhs, transpose_rhs, alpha = 0.5 : f64} : (tensor<3x2xf32>, tensor<4x3xf32>, tensor<4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// Not inlined: post-ops (a library chain), a non-constant transposed right
// operand, batched operands.
// CHECK-LABEL: func @kept
// CHECK-COUNT-3: aic.matmul
func.func @kept(%a: tensor<1x8xf32>, %b: tensor<8x8xf32>, %c: tensor<2x1x8xf32>, %d: tensor<2x8x8xf32>, %e: tensor<1x8xf32>, %f: tensor<2x1x8xf32>) -> (tensor<1x8xf32>, tensor<1x8xf32>, tensor<2x1x8xf32>) {
  %0 = aic.matmul %a, %b outs(%e) {post_ops = [#aic.eltwise<relu>]} : (tensor<1x8xf32>, tensor<8x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  %1 = aic.matmul %a, %b outs(%e) {transpose_rhs} : (tensor<1x8xf32>, tensor<8x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  %2 = aic.matmul %c, %d outs(%f) : (tensor<2x1x8xf32>, tensor<2x8x8xf32>, tensor<2x1x8xf32>) -> tensor<2x1x8xf32>
  return %0, %1, %2 : tensor<1x8xf32>, tensor<1x8xf32>, tensor<2x1x8xf32>
}

// -----

// A run-time M (a symbolic batch): inline for runs of at most
// 32768 / (10 x 512) = 6 rows, the library call otherwise. The row loop runs
// to M; LIMIT (100 MACs) is below one row, so the call stays unguarded.
// CHECK-LABEL: func @batch
// CHECK-SAME: (%[[X:.*]]: tensor<?x512xf32>, %[[W:.*]]: tensor<512x10xf32>, %[[E:.*]]: tensor<?x10xf32>)
// CHECK: %[[M:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x512xf32>
// CHECK: %[[C6:.*]] = arith.constant 6 : index
// CHECK: %[[SMALL:.*]] = arith.cmpi ule, %[[M]], %[[C6]] : index
// CHECK: %[[Y:.*]] = scf.if %[[SMALL]] -> (tensor<?x10xf32>) {
// CHECK: %[[EMPTY:.*]] = tensor.empty(%[[M]]) : tensor<?x10xf32>
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%[[EMPTY]] : tensor<?x10xf32>)
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[M]] step
// CHECK: vector.fma %{{.*}} : vector<10xf32>
// CHECK: scf.yield %{{.*}} : tensor<?x10xf32>
// CHECK: } else {
// CHECK: %[[LIB:.*]] = aic.matmul %[[X]], %[[W]] outs(%[[E]])
// CHECK: scf.yield %[[LIB]] : tensor<?x10xf32>
// CHECK: return %[[Y]]
// LIMIT-LABEL: func @batch
// LIMIT-NOT: scf.if
// LIMIT: aic.matmul
func.func @batch(%x: tensor<?x512xf32>, %w: tensor<512x10xf32>, %e: tensor<?x10xf32>) -> tensor<?x10xf32> {
  %y = aic.matmul %x, %w outs(%e) : (tensor<?x512xf32>, tensor<512x10xf32>, tensor<?x10xf32>) -> tensor<?x10xf32>
  return %y : tensor<?x10xf32>
}

// -----

// A constant right operand in a loop (a recurrent cell's weights): stored
// block by block, [2 blocks, K, 128] and the tail [K, 4], and odd steps of
// the loop take the blocks in reverse order.
// CHECK-LABEL: func @recurrent
// CHECK-DAG: %[[BLOCKS:.*]] = arith.constant dense_resource<{{.*}}> : tensor<2x2x128xf32>
// CHECK-DAG: %[[TAIL:.*]] = arith.constant dense<{{\[\[}}2.560000e+02, 2.570000e+02, 2.580000e+02, 2.590000e+02], [5.160000e+02, 5.170000e+02, 5.180000e+02, 5.190000e+02]]> : tensor<2x4xf32>
// CHECK: scf.for %[[STEP:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[H:.*]] = %{{.*}})
// CHECK: %[[ITER:.*]] = arith.divui %{{.*}}, %{{.*}} : index
// CHECK: %[[PARITY:.*]] = arith.remui %[[ITER]], %{{.*}} : index
// CHECK: %[[ODD:.*]] = arith.cmpi eq, %[[PARITY]], %{{.*}} : index
// CHECK: scf.for %[[ROW:.*]] = %{{.*}} to %{{.*}} step
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step
// CHECK: %[[REV:.*]] = arith.subi %{{.*}}, %[[I]] : index
// CHECK: %[[B:.*]] = arith.select %[[ODD]], %[[REV]], %[[I]] : index
// CHECK: vector.transfer_read %[[BLOCKS]][%[[B]], %{{.*}}, %{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<2x2x128xf32>, vector<128xf32>
// CHECK: vector.transfer_read %[[TAIL]][%{{.*}}, %c0{{(_[0-9]+)?}}], %{{.*}} {in_bounds = [true]} : tensor<2x4xf32>, vector<4xf32>
func.func @recurrent(%h0: tensor<1x2xf32>, %e: tensor<1x260xf32>) -> tensor<1x2xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %w = arith.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0, 33.0, 34.0, 35.0, 36.0, 37.0, 38.0, 39.0, 40.0, 41.0, 42.0, 43.0, 44.0, 45.0, 46.0, 47.0, 48.0, 49.0, 50.0, 51.0, 52.0, 53.0, 54.0, 55.0, 56.0, 57.0, 58.0, 59.0, 60.0, 61.0, 62.0, 63.0, 64.0, 65.0, 66.0, 67.0, 68.0, 69.0, 70.0, 71.0, 72.0, 73.0, 74.0, 75.0, 76.0, 77.0, 78.0, 79.0, 80.0, 81.0, 82.0, 83.0, 84.0, 85.0, 86.0, 87.0, 88.0, 89.0, 90.0, 91.0, 92.0, 93.0, 94.0, 95.0, 96.0, 97.0, 98.0, 99.0, 100.0, 101.0, 102.0, 103.0, 104.0, 105.0, 106.0, 107.0, 108.0, 109.0, 110.0, 111.0, 112.0, 113.0, 114.0, 115.0, 116.0, 117.0, 118.0, 119.0, 120.0, 121.0, 122.0, 123.0, 124.0, 125.0, 126.0, 127.0, 128.0, 129.0, 130.0, 131.0, 132.0, 133.0, 134.0, 135.0, 136.0, 137.0, 138.0, 139.0, 140.0, 141.0, 142.0, 143.0, 144.0, 145.0, 146.0, 147.0, 148.0, 149.0, 150.0, 151.0, 152.0, 153.0, 154.0, 155.0, 156.0, 157.0, 158.0, 159.0, 160.0, 161.0, 162.0, 163.0, 164.0, 165.0, 166.0, 167.0, 168.0, 169.0, 170.0, 171.0, 172.0, 173.0, 174.0, 175.0, 176.0, 177.0, 178.0, 179.0, 180.0, 181.0, 182.0, 183.0, 184.0, 185.0, 186.0, 187.0, 188.0, 189.0, 190.0, 191.0, 192.0, 193.0, 194.0, 195.0, 196.0, 197.0, 198.0, 199.0, 200.0, 201.0, 202.0, 203.0, 204.0, 205.0, 206.0, 207.0, 208.0, 209.0, 210.0, 211.0, 212.0, 213.0, 214.0, 215.0, 216.0, 217.0, 218.0, 219.0, 220.0, 221.0, 222.0, 223.0, 224.0, 225.0, 226.0, 227.0, 228.0, 229.0, 230.0, 231.0, 232.0, 233.0, 234.0, 235.0, 236.0, 237.0, 238.0, 239.0, 240.0, 241.0, 242.0, 243.0, 244.0, 245.0, 246.0, 247.0, 248.0, 249.0, 250.0, 251.0, 252.0, 253.0, 254.0, 255.0, 256.0, 257.0, 258.0, 259.0], [260.0, 261.0, 262.0, 263.0, 264.0, 265.0, 266.0, 267.0, 268.0, 269.0, 270.0, 271.0, 272.0, 273.0, 274.0, 275.0, 276.0, 277.0, 278.0, 279.0, 280.0, 281.0, 282.0, 283.0, 284.0, 285.0, 286.0, 287.0, 288.0, 289.0, 290.0, 291.0, 292.0, 293.0, 294.0, 295.0, 296.0, 297.0, 298.0, 299.0, 300.0, 301.0, 302.0, 303.0, 304.0, 305.0, 306.0, 307.0, 308.0, 309.0, 310.0, 311.0, 312.0, 313.0, 314.0, 315.0, 316.0, 317.0, 318.0, 319.0, 320.0, 321.0, 322.0, 323.0, 324.0, 325.0, 326.0, 327.0, 328.0, 329.0, 330.0, 331.0, 332.0, 333.0, 334.0, 335.0, 336.0, 337.0, 338.0, 339.0, 340.0, 341.0, 342.0, 343.0, 344.0, 345.0, 346.0, 347.0, 348.0, 349.0, 350.0, 351.0, 352.0, 353.0, 354.0, 355.0, 356.0, 357.0, 358.0, 359.0, 360.0, 361.0, 362.0, 363.0, 364.0, 365.0, 366.0, 367.0, 368.0, 369.0, 370.0, 371.0, 372.0, 373.0, 374.0, 375.0, 376.0, 377.0, 378.0, 379.0, 380.0, 381.0, 382.0, 383.0, 384.0, 385.0, 386.0, 387.0, 388.0, 389.0, 390.0, 391.0, 392.0, 393.0, 394.0, 395.0, 396.0, 397.0, 398.0, 399.0, 400.0, 401.0, 402.0, 403.0, 404.0, 405.0, 406.0, 407.0, 408.0, 409.0, 410.0, 411.0, 412.0, 413.0, 414.0, 415.0, 416.0, 417.0, 418.0, 419.0, 420.0, 421.0, 422.0, 423.0, 424.0, 425.0, 426.0, 427.0, 428.0, 429.0, 430.0, 431.0, 432.0, 433.0, 434.0, 435.0, 436.0, 437.0, 438.0, 439.0, 440.0, 441.0, 442.0, 443.0, 444.0, 445.0, 446.0, 447.0, 448.0, 449.0, 450.0, 451.0, 452.0, 453.0, 454.0, 455.0, 456.0, 457.0, 458.0, 459.0, 460.0, 461.0, 462.0, 463.0, 464.0, 465.0, 466.0, 467.0, 468.0, 469.0, 470.0, 471.0, 472.0, 473.0, 474.0, 475.0, 476.0, 477.0, 478.0, 479.0, 480.0, 481.0, 482.0, 483.0, 484.0, 485.0, 486.0, 487.0, 488.0, 489.0, 490.0, 491.0, 492.0, 493.0, 494.0, 495.0, 496.0, 497.0, 498.0, 499.0, 500.0, 501.0, 502.0, 503.0, 504.0, 505.0, 506.0, 507.0, 508.0, 509.0, 510.0, 511.0, 512.0, 513.0, 514.0, 515.0, 516.0, 517.0, 518.0, 519.0]]> : tensor<2x260xf32>
  %r = scf.for %i = %c0 to %c8 step %c1 iter_args(%h = %h0) -> (tensor<1x2xf32>) {
    %y = aic.matmul %h, %w outs(%e) : (tensor<1x2xf32>, tensor<2x260xf32>, tensor<1x260xf32>) -> tensor<1x260xf32>
    %n = tensor.extract_slice %y[0, 0] [1, 2] [1, 1] : tensor<1x260xf32> to tensor<1x2xf32>
    scf.yield %n : tensor<1x2xf32>
  }
  return %r : tensor<1x2xf32>
}
