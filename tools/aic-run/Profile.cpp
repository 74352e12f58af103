//===- Profile.cpp - aic-run's --profile table and --trace file -----------===//
#include "Profile.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <unistd.h>

using namespace llvm;

bool aic::getProfile(aic_model_t *model, std::vector<aic_profile_op_t> &ops) {
  size_t count = 0;
  if (aic_model_get_profile_ops(model, nullptr, 0, &count) != AIC_OK)
    return false;
  ops.resize(count);
  return aic_model_get_profile_ops(model, ops.data(), count, &count) == AIC_OK;
}

/// GFLOP/s of `op` at `ms` per call; 0 when it has no arithmetic.
static double gflops(const aic_profile_op_t &op, double msPerCall) {
  return op.flops > 0 && msPerCall > 0 ? op.flops / (msPerCall * 1e6) : 0;
}

void aic::printProfile(std::vector<aic_profile_op_t> ops, int runs,
                       double wallMs, json::Object *json) {
  double primitivesMs = 0;
  for (const aic_profile_op_t &op : ops)
    primitivesMs += op.total_ms / runs;
  auto percent = [&](double ms) { return wallMs > 0 ? 100 * ms / wallMs : 0; };
  auto perCall = [](const aic_profile_op_t &op) {
    return op.calls ? op.total_ms / op.calls : 0.0;
  };
  if (json) {
    json::Array rows;
    for (const aic_profile_op_t &op : ops) {
      double ms = op.total_ms / runs;
      rows.push_back(json::Object{{"name", op.name},
                                  {"kind", op.kind},
                                  {"shapes", op.shapes},
                                  {"flops", op.flops},
                                  {"calls", static_cast<int64_t>(op.calls)},
                                  {"ms_per_run", ms},
                                  {"percent", percent(ms)},
                                  {"gflops", gflops(op, perCall(op))}});
    }
    (*json)["profile"] = std::move(rows);
    (*json)["profile_run_ms"] = wallMs;
    (*json)["profile_primitives_ms"] = primitivesMs;
    return;
  }
  std::stable_sort(ops.begin(), ops.end(),
                   [](auto &a, auto &b) { return a.total_ms > b.total_ms; });
  size_t nameWidth = 4;
  for (const aic_profile_op_t &op : ops)
    nameWidth = std::max(nameWidth, std::string(op.name).size());
  nameWidth = std::min<size_t>(nameWidth, 48);
  outs() << format("profile over %d runs: %.4f ms per run, %.4f ms in %zu "
                   "primitives\n",
                   runs, wallMs, primitivesMs, ops.size());
  outs() << "    ms/run      %   GFLOP/s  kind            "
         << left_justify("node", nameWidth) << "  shapes\n";
  for (const aic_profile_op_t &op : ops) {
    double ms = op.total_ms / runs;
    double rate = gflops(op, perCall(op));
    outs() << format("%10.4f %5.1f%%  ", ms, percent(ms));
    if (rate > 0)
      outs() << format("%8.2f", rate);
    else
      outs().indent(8);
    outs() << "  " << left_justify(op.kind, 14) << "  "
           << left_justify(op.name, nameWidth) << "  " << op.shapes << "\n";
  }
  double other = std::max(0.0, wallMs - primitivesMs);
  outs() << format("%10.4f %5.1f%%  ", other, percent(other))
         << std::string(8, ' ') << "  "
         << "other           (compiled loops, copies, runtime overhead)\n";
}

bool aic::writeChromeTrace(aic_model_t *model, const std::string &modelPath,
                           const std::vector<aic_profile_op_t> &ops,
                           const std::string &path, std::string &error) {
  size_t count = 0;
  std::vector<aic_trace_event_t> events;
  if (aic_model_get_trace(model, nullptr, 0, &count) == AIC_OK) {
    events.resize(count);
    if (aic_model_get_trace(model, events.data(), count, &count) != AIC_OK)
      count = 0;
  }
  events.resize(count);
  int64_t pid = getpid();
  json::Array trace;
  trace.push_back(
      json::Object{{"name", "process_name"},
                   {"ph", "M"},
                   {"pid", pid},
                   {"args", json::Object{{"name", "aic-run " + modelPath}}}});
  std::vector<uint64_t> threads;
  for (const aic_trace_event_t &e : events) {
    if (std::find(threads.begin(), threads.end(), e.thread) == threads.end()) {
      threads.push_back(e.thread);
      trace.push_back(json::Object{
          {"name", "thread_name"},
          {"ph", "M"},
          {"pid", pid},
          {"tid", static_cast<int64_t>(e.thread)},
          {"args",
           json::Object{{"name", "caller " + std::to_string(e.thread)}}}});
    }
    json::Object event{{"ph", "X"},
                       {"ts", e.start_us},
                       {"dur", e.dur_us},
                       {"pid", pid},
                       {"tid", static_cast<int64_t>(e.thread)}};
    if (e.op < 0 || static_cast<size_t>(e.op) >= ops.size()) {
      event["name"] = "run";
      event["cat"] = "run";
      event["args"] = json::Object{{"model", modelPath}};
    } else {
      const aic_profile_op_t &op = ops[e.op];
      event["name"] = op.name;
      event["cat"] = op.kind;
      json::Object args{
          {"kind", op.kind}, {"shapes", op.shapes}, {"flops", op.flops}};
      if (op.flops > 0 && e.dur_us > 0)
        args["GFLOP/s"] = op.flops / (e.dur_us * 1e3);
      event["args"] = std::move(args);
    }
    trace.push_back(std::move(event));
  }
  std::error_code ec;
  raw_fd_ostream out(path, ec);
  if (ec) {
    error = path + ": " + ec.message();
    return false;
  }
  out << json::Value(json::Object{{"traceEvents", std::move(trace)},
                                  {"displayTimeUnit", "ms"}})
      << "\n";
  out.close();
  if (out.has_error()) {
    error = path + ": " + out.error().message();
    return false;
  }
  return true;
}
