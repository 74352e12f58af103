// RUN: aic-opt %s -split-input-file -aic-expand-math | FileCheck %s

// f32 exp, expm1, tanh and erf become arith: no math op or call is left.
// CHECK-LABEL: func @approximated
// CHECK-NOT: {{math\.(exp|expm1|tanh|erf) }}
// CHECK-NOT: call
// CHECK: math.fma
// CHECK-NOT: {{math\.(exp|expm1|tanh|erf) }}
// CHECK: return
func.func @approximated(%x: f32) -> (f32, f32, f32, f32) {
  %0 = math.exp %x : f32
  %1 = math.expm1 %x : f32
  %2 = math.tanh %x : f32
  %3 = math.erf %x : f32
  return %0, %1, %2, %3 : f32, f32, f32, f32
}

// -----

// f16 and bf16 are computed in f32.
// CHECK-LABEL: func @narrow
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK-NOT: math.tanh
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: arith.extf %{{.*}} : bf16 to f32
// CHECK-NOT: math.exp
// CHECK: arith.truncf %{{.*}} : f32 to bf16
func.func @narrow(%h: f16, %b: bf16) -> (f16, bf16) {
  %0 = math.tanh %h : f16
  %1 = math.exp %b : bf16
  return %0, %1 : f16, bf16
}

// -----

// An f32 log first scales subnormal operands by 2^24 and takes 24 ln 2 off
// the result (log2: 24).
// CHECK-LABEL: func @log_subnormals
// CHECK: %[[MIN:.*]] = arith.constant 1.17549435E-38 : f32
// CHECK: %[[SUB:.*]] = arith.cmpf olt, %[[X:.*]], %[[MIN]] : f32
// CHECK: %[[SCALE:.*]] = arith.constant 0x4B800000 : f32
// CHECK: %[[SCALED:.*]] = arith.mulf %[[X]], %[[SCALE]] : f32
// CHECK: arith.select %[[SUB]], %[[SCALED]], %[[X]] : f32
// CHECK-NOT: math.log
// CHECK: %[[SHIFT:.*]] = arith.constant 16.6355324 : f32
// CHECK: arith.subf %{{.*}}, %[[SHIFT]] : f32
// CHECK: arith.select %[[SUB]]
// CHECK: return
func.func @log_subnormals(%x: f32) -> f32 {
  %0 = math.log %x : f32
  return %0 : f32
}

// -----

// f64 expm1 and log1p call libm; other f64 math is left to the upstream
// conversions.
// CHECK-DAG: func.func private @log1p(f64) -> f64 attributes {llvm.readnone}
// CHECK-DAG: func.func private @expm1(f64) -> f64 attributes {llvm.readnone}
// CHECK-LABEL: func @f64
// CHECK: call @expm1(%{{.*}}) : (f64) -> f64
// CHECK: call @log1p(%{{.*}}) : (f64) -> f64
// CHECK: math.exp %{{.*}} : f64
func.func @f64(%x: f64) -> (f64, f64, f64) {
  %0 = math.expm1 %x : f64
  %1 = math.log1p %x : f64
  %2 = math.exp %x : f64
  return %0, %1, %2 : f64, f64, f64
}
