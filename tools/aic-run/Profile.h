//===- Profile.h - aic-run's --profile table and --trace file ---*- C++ -*-===//
#ifndef AIC_TOOLS_AICRUN_PROFILE_H
#define AIC_TOOLS_AICRUN_PROFILE_H

#include "aic/runtime.h"

#include "llvm/Support/JSON.h"

#include <string>
#include <vector>

namespace aic {

/// Every primitive's profile (aic_model_get_profile_ops); false on failure
/// (message in aic_last_error()).
bool getProfile(aic_model_t *model, std::vector<aic_profile_op_t> &ops);

/// Prints the per-primitive table (slowest first: time per run, % of the
/// measured run time `wallMs`, GFLOP/s, kind, node, shapes) and a row for
/// the rest of the run, or adds it to `json` ("profile" rows,
/// "profile_run_ms") when given.
void printProfile(std::vector<aic_profile_op_t> ops, int runs, double wallMs,
                  llvm::json::Object *json);

/// Writes the model's trace events (aic_model_get_trace) as a Chrome trace
/// (Trace Event Format: complete "X" events, microseconds) to `path`.
bool writeChromeTrace(aic_model_t *model, const std::string &modelPath,
                      const std::vector<aic_profile_op_t> &ops,
                      const std::string &path, std::string &error);

} // namespace aic

#endif // AIC_TOOLS_AICRUN_PROFILE_H
