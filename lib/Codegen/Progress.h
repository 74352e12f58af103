//===- Progress.h - A line per compile stage on a terminal ------*- C++ -*-===//
//
// Compiling a large model takes minutes, mostly in a few stages (LLVM
// optimization, object emission). With CompileOptions::progress on, every
// stage prints "aic: [k/N] <stage> <seconds> s" on stderr once the compile
// has taken over a second, so small models stay quiet and big ones show
// where they are. On a terminal the running stage is shown as it starts and
// its line is completed when it ends.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_CODEGEN_PROGRESS_H
#define AIC_CODEGEN_PROGRESS_H

#include "aic/Compiler.h"

#include <chrono>
#include <string>
#include <vector>

namespace aic {

class Progress {
public:
  /// `numStages`: how many stages the compile will report.
  Progress(bool enabled, double after, unsigned numStages);

  /// Reports one stage from construction to destruction.
  class Stage {
  public:
    Stage(Progress &progress, llvm::StringRef name);
    ~Stage();
    Stage(const Stage &) = delete;
    Stage &operator=(const Stage &) = delete;

  private:
    Progress &progress;
  };

  /// Stages that compileModule runs for `emit` (the import not included).
  static unsigned countStages(EmitKind emit);

private:
  using Clock = std::chrono::steady_clock;
  void begin(llvm::StringRef name);
  void end();
  double seconds(Clock::time_point from) const;
  std::string prefix() const;

  bool enabled;
  double after; // seconds before lines appear
  unsigned numStages, current = 0;
  Clock::time_point start, stageStart;
  std::string stageName;
  bool terminal;         // show the running stage, then overwrite its line
  bool shown = false;    // lines are being printed (over a second)
  bool lineOpen = false; // the running stage's line awaits its time
  std::vector<std::string> held; // finished stages' lines of the first second
};

/// compileModule reporting its stages on `progress`.
mlir::LogicalResult compileModule(mlir::ModuleOp module,
                                  const CompileOptions &options,
                                  llvm::StringRef outputPath,
                                  Progress &progress);

} // namespace aic

#endif // AIC_CODEGEN_PROGRESS_H
