//===- Progress.cpp - A line per compile stage on a terminal --------------===//
#include "Progress.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace aic;

Progress::Progress(bool enabled, double after, unsigned numStages)
    : enabled(enabled), after(after), numStages(numStages),
      terminal(llvm::errs().is_displayed()), start(Clock::now()) {}

unsigned Progress::countStages(EmitKind emit) {
  switch (emit) {
  case EmitKind::Aic:
  case EmitKind::Header:
    return 0;
  case EmitKind::Opt:
    return 1;
  case EmitKind::Lowered:
    return 2;
  case EmitKind::LLVM:
    return 5; // + LLVM dialect, translation, LLVM optimization
  case EmitKind::Obj:
    return 6; // + object emission
  case EmitKind::Lib:
  case EmitKind::Static:
    return 7; // + linking or archiving
  }
  return 0;
}

double Progress::seconds(Clock::time_point from) const {
  return std::chrono::duration<double>(Clock::now() - from).count();
}

std::string Progress::prefix() const {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "aic: [" << current << "/" << std::max(numStages, current) << "] "
     << stageName;
  return s;
}

void Progress::begin(llvm::StringRef name) {
  if (!enabled)
    return;
  ++current;
  stageName = name.str();
  stageStart = Clock::now();
  if (!shown && seconds(start) >= after) {
    for (const std::string &line : held)
      llvm::errs() << line << "\n";
    held.clear();
    shown = true;
  }
  if (shown && terminal) {
    llvm::errs() << prefix() << " ...";
    llvm::errs().flush();
    lineOpen = true;
  }
}

void Progress::end() {
  if (!enabled)
    return;
  std::string line = prefix();
  llvm::raw_string_ostream(line)
      << llvm::format(" %.2f s", seconds(stageStart));
  if (lineOpen) {
    // Overwrite "<stage> ..." with the finished line.
    llvm::errs() << "\r" << line << "\n";
    llvm::errs().flush();
    lineOpen = false;
    return;
  }
  if (!shown && seconds(start) < after) {
    held.push_back(line);
    return;
  }
  for (const std::string &earlier : held)
    llvm::errs() << earlier << "\n";
  held.clear();
  shown = true;
  llvm::errs() << line << "\n";
  llvm::errs().flush();
}

Progress::Stage::Stage(Progress &progress, llvm::StringRef name)
    : progress(progress) {
  progress.begin(name);
}

Progress::Stage::~Stage() { progress.end(); }
