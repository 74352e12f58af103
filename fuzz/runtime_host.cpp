//===- runtime_host.cpp - The model library runtime_fuzzer loads ----------===//
//
// A stand-in for a compiled model whose metadata and entry points the
// harness controls: runtime_fuzzer writes the exported metadata object and
// the hooks before each aic_model_load of this library, so libaicrt loads a
// different (mostly corrupt) model every time through the real dlopen path.
//
//===----------------------------------------------------------------------===//
#include "aic/abi.h"

extern "C" {

/// What the harness sets before each load.
struct AicFuzzHooks {
  aic_model_init_fn init;
  aic_model_run_fn run;
};

__attribute__((visibility("default"))) AicFuzzHooks aic_fuzz_hooks;

// Mutable, unlike a compiled model's, so that the harness can rewrite it.
extern aic_model_meta aicFuzzMeta __asm__(AIC_MODEL_META_SYMBOL);
__attribute__((visibility("default"))) aic_model_meta aicFuzzMeta;

__attribute__((visibility("default"))) int32_t
aicFuzzInit(aicrt_context *ctx) __asm__(AIC_MODEL_INIT_SYMBOL);
int32_t aicFuzzInit(aicrt_context *ctx) {
  return aic_fuzz_hooks.init ? aic_fuzz_hooks.init(ctx) : 1;
}

__attribute__((visibility("default"))) int32_t
aicFuzzRun(aicrt_exec_state *st, void *const *in, void *const *out,
           void *arena) __asm__(AIC_MODEL_RUN_SYMBOL);
int32_t aicFuzzRun(aicrt_exec_state *st, void *const *in, void *const *out,
                   void *arena) {
  return aic_fuzz_hooks.run ? aic_fuzz_hooks.run(st, in, out, arena) : 1;
}

} // extern "C"
