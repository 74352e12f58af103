//===- aic-run.cpp - Run or benchmark a model -----------------------------===//
//
//   aic-run MODEL --inputs DIR --outputs OUTDIR
//   aic-run MODEL --bench [--inputs DIR] [--threads N] [--warmup W]
//           [--runs R] [--json] [--profile] [--trace FILE]
//
// Runs use --threads N threads, else OMP_NUM_THREADS, else all cores.
//
// DIR/input_K.pb holds graph input K: an ONNX TensorProto, or a
// SequenceProto / OptionalProto for a sequence or optional input (passed to
// the model as the tensors it holds, see aic_value_kind_t); output_K.pb is
// written the same way.
//
// MODEL is a compiled .so or an ONNX model (.onnx/.onnxtxt), compiled first
// into a cache keyed by the model's bytes and the compiler settings.
//
//===----------------------------------------------------------------------===//
#include "Profile.h"
#include "TensorIO.h"
#include "aic/Compiler.h"
#include "aic/runtime.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/xxhash.h"

#include <algorithm>
#include <chrono>
#include <random>

using namespace llvm;

static cl::OptionCategory toolOptions("aic-run options");

static cl::opt<std::string> modelPath(cl::Positional, cl::Required,
                                      cl::desc("<model.so|model.onnx>"),
                                      cl::cat(toolOptions));
static cl::opt<std::string>
    inputsDir("inputs", cl::desc("folder of input_N.pb"), cl::cat(toolOptions));
static cl::opt<std::string> outputsDir("outputs",
                                       cl::desc("folder to write output_N.pb"),
                                       cl::cat(toolOptions));
static cl::opt<bool> bench("bench", cl::desc("measure latency"),
                           cl::cat(toolOptions));
static cl::opt<int> warmup("warmup", cl::desc("untimed runs first"),
                           cl::init(10), cl::cat(toolOptions));
static cl::opt<int> runs("runs", cl::desc("timed runs"), cl::init(100),
                         cl::cat(toolOptions));
static cl::opt<bool>
    profile("profile",
            cl::desc("after the runs, time every primitive over as many "
                     "more runs and print a table keyed by ONNX node names"),
            cl::cat(toolOptions));
static cl::opt<std::string> traceFile(
    "trace",
    cl::desc("after the runs, trace as many more (every primitive call and "
             "run) and write a Chrome trace (JSON for Perfetto or "
             "chrome://tracing) to FILE"),
    cl::value_desc("FILE"), cl::cat(toolOptions));
static cl::opt<bool> jsonOutput("json", cl::desc("print one JSON object"),
                                cl::cat(toolOptions));
static cl::list<std::string>
    inputShapes("input-shape",
                cl::desc("when compiling: shape of an input with symbolic "
                         "dims, e.g. image=1x3x224x224 (repeatable)"),
                cl::value_desc("NAME=D0xD1..."), cl::cat(toolOptions));
static cl::opt<std::string> mcpu("mcpu", cl::desc("target CPU when compiling"),
                                 cl::init(""), cl::cat(toolOptions));
static cl::opt<std::string>
    cacheDir("cache-dir",
             cl::desc("where compiled models are kept "
                      "(default $AIC_CACHE_DIR or ~/.cache/aic)"),
             cl::cat(toolOptions));

static int fail(const Twine &message) {
  // One line: the model's names (inputs, outputs) may hold any character.
  errs() << "error: " << aic::escapeForDiagnostic(message.str()) << "\n";
  return 1;
}

/// The file of graph input `k` in --inputs.
static std::string inputPath(unsigned k) {
  SmallString<256> input(inputsDir);
  sys::path::append(input, "input_" + Twine(k) + ".pb");
  return std::string(input);
}

/// Compiles an ONNX model into the cache unless an up-to-date copy is there.
static bool compileToCache(StringRef model, std::string &library) {
  auto buffer = MemoryBuffer::getFile(model);
  if (!buffer) {
    errs() << "error: " << model << ": " << buffer.getError().message() << "\n";
    return false;
  }
  SmallString<256> dir(cacheDir);
  if (dir.empty()) {
    if (auto env = sys::Process::GetEnv("AIC_CACHE_DIR"))
      dir = *env;
    else if (!sys::path::cache_directory(dir))
      dir = sys::path::parent_path(model);
    else
      sys::path::append(dir, "aic");
  }
  // A rebuilt compiler (new executable time stamp) invalidates the cache.
  sys::fs::file_status self;
  std::string exe = sys::fs::getMainExecutable(nullptr, (void *)&fail);
  sys::fs::status(exe, self);
  std::string key =
      ((*buffer)->getBuffer() + "|" + mcpu + "|" + sys::path::extension(model) +
       "|" + exe + "|" +
       Twine(self.getLastModificationTime().time_since_epoch().count()))
          .str();
  for (const std::string &spec : inputShapes)
    key += "|" + spec;
  // The inputs' shapes fix the model's symbolic dims. (The files of
  // sequence and optional inputs, which are not TensorProtos, count below.)
  for (unsigned k = 0; !inputsDir.empty(); ++k) {
    std::string input = inputPath(k);
    aic::HostTensor tensor;
    std::string error;
    if (!sys::fs::exists(input))
      break;
    key += "|";
    if (!aic::readTensorProto(input, tensor, error))
      continue;
    key += std::to_string(tensor.dtype) + ":";
    for (int64_t d : tensor.shape)
      key += std::to_string(d) + "x";
  }
  // A model whose shapes depend on input values (--inputs) is compiled for
  // the values it was given, and one with sequence or optional inputs for
  // their lengths, presence and element shapes. The library's name then
  // also hashes those inputs' files (values) or structure, which a side file
  // lists ("K" for a specialized input, "K composite" for a sequence or
  // optional), so that other values or lengths of those inputs compile anew
  // and any other input's values reuse the library.
  SmallString<256> base(dir);
  sys::path::append(base, utohexstr(xxh3_64bits(key)));
  std::string specializedList = (base + ".specialized").str();
  auto libraryFor = [&](ArrayRef<unsigned> specialized,
                        ArrayRef<unsigned> composite) {
    std::string full = key;
    for (unsigned k : specialized) {
      auto contents = MemoryBuffer::getFile(inputPath(k));
      full += "|" + std::to_string(k) + "=" +
              (contents ? (*contents)->getBuffer().str() : "");
    }
    for (unsigned k : composite)
      full += "|" + std::to_string(k) + ":" +
              aic::describeCompositeFile(inputPath(k));
    SmallString<256> path(dir);
    sys::path::append(path, utohexstr(xxh3_64bits(full)) + ".so");
    return std::string(path);
  };
  SmallVector<unsigned> specialized, composite;
  bool listed = false;
  if (auto list = MemoryBuffer::getFile(specializedList)) {
    listed = true;
    SmallVector<StringRef> lines;
    (*list)->getBuffer().split(lines, '\n', -1, /*KeepEmpty=*/false);
    for (StringRef line : lines) {
      auto [number, tag] = line.split(' ');
      unsigned k;
      if (number.getAsInteger(10, k))
        continue;
      if (tag.empty())
        specialized.push_back(k);
      else if (tag == "composite")
        composite.push_back(k);
    }
  }
  library = libraryFor(specialized, composite);
  if ((listed || inputsDir.empty()) && sys::fs::exists(library))
    return true;
  if (auto ec = sys::fs::create_directories(dir)) {
    errs() << "error: " << dir << ": " << ec.message() << "\n";
    return false;
  }
  aic::CompileOptions options;
  options.mcpu = mcpu;
  options.progress = sys::Process::StandardErrIsDisplayed();
  for (const std::string &spec : inputShapes) {
    std::string error;
    if (!aic::parseInputShape(spec, options.import, error)) {
      errs() << "error: " << error << "\n";
      return false;
    }
  }
  options.import.inputValuesDir = inputsDir;
  // Compile beside the final name and rename, so a concurrent run never
  // loads a half-written library.
  std::string temporary =
      base.str().str() + ".tmp" + std::to_string(sys::Process::getProcessId());
  aic::CompileResult result;
  if (failed(aic::compileOnnxFile(model, options, temporary, &result))) {
    sys::fs::remove(temporary);
    return false;
  }
  if (!inputsDir.empty()) {
    library = libraryFor(result.specializedInputs, result.compositeInputs);
    std::string text;
    for (unsigned k : result.specializedInputs)
      text += std::to_string(k) + "\n";
    for (unsigned k : result.compositeInputs)
      text += std::to_string(k) + " composite\n";
    std::error_code ec;
    std::string listTemporary =
        specializedList + ".tmp" + std::to_string(sys::Process::getProcessId());
    raw_fd_ostream out(listTemporary, ec);
    if (!ec) {
      out << text;
      out.close();
      sys::fs::rename(listTemporary, specializedList);
    }
  }
  if (auto ec = sys::fs::rename(temporary, library)) {
    errs() << "error: " << library << ": " << ec.message() << "\n";
    return false;
  }
  return true;
}

static std::string shapeString(const int64_t *shape, int32_t rank) {
  std::string s = "[";
  for (int32_t i = 0; i < rank; ++i)
    s += (i ? "," : "") + (shape[i] == AIC_DIM_DYNAMIC
                               ? std::string("?")
                               : std::to_string(shape[i]));
  return s + "]";
}

/// Zeros of `info`'s type; a symbolic dim (an input's AIC_DIM_DYNAMIC)
/// gets size 1 unless a file gives the input.
static aic::HostTensor allocate(const aic_tensor_info_t &info) {
  aic::HostTensor t;
  t.dtype = info.dtype;
  for (int32_t d = 0; d < info.rank; ++d)
    t.shape.push_back(info.shape[d] == AIC_DIM_DYNAMIC ? 1 : info.shape[d]);
  t.bytes.assign(t.numElements() * aic_dtype_size(info.dtype), 0);
  return t;
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  // libLLVM registers its own "threads" option; ours replaces it.
  if (cl::Option *other = cl::getRegisteredOptions().lookup("threads"))
    other->removeArgument();
  static cl::opt<int> threads(
      "threads",
      cl::desc("threads per run (0: all cores; default: OMP_NUM_THREADS, "
               "else all cores)"),
      cl::init(0), cl::cat(toolOptions));
  mlir::registerPassManagerCLOptions();
  aic::hideUnrelatedOptions(toolOptions);
  cl::ParseCommandLineOptions(argc, argv, "run or benchmark an aic model\n");
  if (!bench && !profile && (inputsDir.empty() || outputsDir.empty()))
    return fail("give --inputs DIR and --outputs DIR, or --bench/--profile");
  if (threads < 0 || warmup < 0 || runs < 1)
    return fail("--threads and --warmup must be >= 0 and --runs >= 1");

  std::string library = modelPath;
  StringRef ext = sys::path::extension(modelPath);
  if (ext == ".onnx" || ext == ".onnxtxt")
    if (!compileToCache(modelPath, library))
      return 1;

  aic_model_t *model = nullptr;
  if (aic_model_load(library.c_str(), &model) != AIC_OK)
    return fail(Twine(modelPath) + ": " + aic_last_error());
  struct Free {
    aic_model_t *m;
    ~Free() { aic_model_free(m); }
  } freeModel{model};
  // Without --threads the model keeps the count it was loaded with, which
  // honours OMP_NUM_THREADS.
  if (threads.getNumOccurrences() &&
      aic_model_set_num_threads(model, threads) != AIC_OK)
    return fail(aic_last_error());

  // Inputs: from DIR/input_N.pb, else (bench only) seeded random values.
  size_t numInputs = aic_model_num_inputs(model);
  std::vector<aic::HostTensor> inputs(numInputs);
  std::mt19937 rng(0);
  for (size_t i = 0; i < numInputs && inputsDir.empty(); ++i) {
    aic_tensor_info_t info;
    aic_model_input_info(model, i, &info);
    inputs[i] = allocate(info);
    if (info.dtype == AIC_DTYPE_FLOAT32) {
      std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
      float *p = reinterpret_cast<float *>(inputs[i].bytes.data());
      for (int64_t k = 0; k < inputs[i].numElements(); ++k)
        p[k] = dist(rng);
    }
  }
  // File k is graph input k: a tensor, or a sequence or optional passed as
  // the tensors it holds.
  size_t numInputValues = aic_model_num_input_values(model);
  for (size_t k = 0; k < numInputValues && !inputsDir.empty(); ++k) {
    aic_value_info_t value;
    aic_model_input_value_info(model, k, &value);
    std::string path = inputPath(k);
    std::vector<aic::HostTensor> tensors;
    bool present;
    std::string error;
    if (!aic::readValueFile(path, value.kind, tensors, present, error))
      return fail(error);
    std::string what =
        Twine(path + ": input '" + value.name + "' (#" + Twine(k) + ")").str();
    if (present != (value.present != 0))
      return fail(what + ": the model was compiled for " +
                  (value.present ? "a present" : "an absent") +
                  " optional, the file has " +
                  (present ? "a present" : "an absent") + " one");
    if (tensors.size() != value.count)
      return fail(what + ": the model was compiled for a sequence of " +
                  Twine(value.count) + " tensors, the file has " +
                  Twine(tensors.size()));
    for (size_t j = 0; j < tensors.size(); ++j) {
      size_t i = value.first + j;
      aic_tensor_info_t info;
      aic_model_input_info(model, i, &info);
      inputs[i] = std::move(tensors[j]);
      aic::adoptInputType(inputs[i], info.dtype);
      // A symbolic dim (AIC_DIM_DYNAMIC) takes the file's size; the
      // runtime checks that dims of one name agree.
      bool fits = inputs[i].dtype == info.dtype &&
                  inputs[i].shape.size() == size_t(info.rank);
      for (int32_t d = 0; fits && d < info.rank; ++d)
        fits = info.shape[d] == AIC_DIM_DYNAMIC ||
               inputs[i].shape[d] == info.shape[d];
      if (!fits)
        return fail(
            Twine(path) + ": input '" + info.name + "' (#" + Twine(i) +
            ") expects " + aic_dtype_name(info.dtype) + " " +
            shapeString(info.shape, info.rank) + ", the file has " +
            aic_dtype_name(inputs[i].dtype) + " " +
            shapeString(inputs[i].shape.data(), inputs[i].shape.size()));
    }
  }
  if (!inputsDir.empty() && sys::fs::exists(inputPath(numInputValues)))
    return fail(Twine(inputPath(numInputValues)) + ": the model has only " +
                Twine(numInputValues) + " inputs");
  size_t numOutputs = aic_model_num_outputs(model);
  std::vector<aic::HostTensor> outputs(numOutputs);
  // Outputs whose shape depends on the data (AIC_DIM_DYNAMIC) come back in
  // memory the runtime allocates (aic_model_run_alloc), kept until the next
  // run; other models run on buffers allocated here.
  bool runtimeShapes = false;
  for (size_t i = 0; i < numOutputs; ++i) {
    aic_tensor_info_t info;
    aic_model_output_info(model, i, &info);
    if (std::find(info.shape, info.shape + info.rank, AIC_DIM_DYNAMIC) !=
        info.shape + info.rank)
      runtimeShapes = true;
  }
  for (size_t i = 0; i < numOutputs && !runtimeShapes; ++i) {
    aic_tensor_info_t info;
    aic_model_output_info(model, i, &info);
    outputs[i] = allocate(info);
  }
  std::vector<aic_tensor_t> inViews, outViews;
  for (auto &t : inputs)
    inViews.push_back(t.view());
  for (auto &t : outputs)
    outViews.push_back(t.view());
  std::vector<aic_tensor_t> allocated(numOutputs);
  auto freeAllocated = [&] {
    for (aic_tensor_t &t : allocated)
      aic_tensor_free(&t);
  };
  auto allocatedGuard = llvm::make_scope_exit(freeAllocated);
  // Owns the bytes of STRING outputs until the next run.
  aic_run_context_t *context = nullptr;
  if (aic_run_context_create(&context) != AIC_OK)
    return fail(aic_last_error());
  auto contextGuard =
      llvm::make_scope_exit([&] { aic_run_context_free(context); });
  auto runOnce = [&] {
    if (!runtimeShapes)
      return aic_model_run_in(model, context, inViews.data(), inViews.size(),
                              outViews.data(), outViews.size());
    freeAllocated();
    return aic_model_run_alloc(model, inViews.data(), inViews.size(),
                               allocated.data(), allocated.size());
  };

  json::Object report;
  if (bench) {
    for (int i = 0; i < warmup; ++i)
      if (runOnce() != AIC_OK)
        return fail(Twine(modelPath) + ": " + aic_last_error());
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i) {
      auto start = std::chrono::steady_clock::now();
      if (runOnce() != AIC_OK)
        return fail(Twine(modelPath) + ": " + aic_last_error());
      ms.push_back(std::chrono::duration<double, std::milli>(
                       std::chrono::steady_clock::now() - start)
                       .count());
    }
    std::sort(ms.begin(), ms.end());
    double median = ms[ms.size() / 2];
    double p90 = ms[std::min(ms.size() - 1, ms.size() * 9 / 10)];
    if (jsonOutput) {
      report =
          json::Object{{"model", modelPath.getValue()},
                       {"median_ms", median},
                       {"p90_ms", p90},
                       {"min_ms", ms.front()},
                       {"runs", runs.getValue()},
                       {"warmup", warmup.getValue()},
                       {"threads", aic_model_num_threads(model)},
                       {"arena_bytes", (int64_t)aic_model_arena_bytes(model)}};
    } else {
      outs() << format("%s: median %.4f ms, p90 %.4f ms, min %.4f ms over %d "
                       "runs (%d threads)\n",
                       modelPath.c_str(), median, p90, ms.front(),
                       runs.getValue(), aic_model_num_threads(model));
    }
  } else if (runOnce() != AIC_OK) {
    return fail(Twine(modelPath) + ": " + aic_last_error());
  }

  if (profile || !traceFile.empty()) {
    // Separate runs, so that timing each primitive does not skew --bench.
    int profiledRuns = bench ? runs.getValue() : 1;
    if (aic_model_set_profiling(model, traceFile.empty()
                                           ? AIC_PROFILE_COUNTERS
                                           : AIC_PROFILE_TRACE) != AIC_OK)
      return fail(aic_last_error());
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < profiledRuns; ++i)
      if (runOnce() != AIC_OK)
        return fail(Twine(modelPath) + ": " + aic_last_error());
    double wallMs = std::chrono::duration<double, std::milli>(
                        std::chrono::steady_clock::now() - start)
                        .count() /
                    profiledRuns;
    std::vector<aic_profile_op_t> ops;
    if (!aic::getProfile(model, ops))
      return fail(aic_last_error());
    if (!traceFile.empty()) {
      std::string error;
      if (!aic::writeChromeTrace(model, modelPath, ops, traceFile, error))
        return fail(error);
    }
    aic_model_set_profiling(model, 0);
    if (profile)
      aic::printProfile(ops, profiledRuns, wallMs,
                        jsonOutput ? &report : nullptr);
  }
  if (jsonOutput && !report.empty())
    outs() << json::Value(std::move(report)) << "\n";

  if (!outputsDir.empty()) {
    // The last run's outputs (STRING elements point into `allocated`).
    for (size_t i = 0; i < numOutputs && runtimeShapes; ++i) {
      const aic_tensor_t &t = allocated[i];
      outputs[i].dtype = t.dtype;
      outputs[i].shape.assign(t.shape, t.shape + t.rank);
      const auto *data = static_cast<const uint8_t *>(t.data);
      outputs[i].bytes.assign(data, data + outputs[i].numElements() *
                                               aic_dtype_size(t.dtype));
    }
    if (auto ec = sys::fs::create_directories(outputsDir))
      return fail(Twine(outputsDir) + ": " + ec.message());
    for (size_t k = 0, e = aic_model_num_output_values(model); k < e; ++k) {
      aic_value_info_t value;
      aic_model_output_value_info(model, k, &value);
      std::vector<const aic::HostTensor *> tensors;
      for (size_t j = 0; j < value.count; ++j)
        tensors.push_back(&outputs[value.first + j]);
      SmallString<256> path(outputsDir);
      sys::path::append(path, "output_" + Twine(k) + ".pb");
      std::string error;
      if (!aic::writeValueFile(std::string(path), value.name, value.kind,
                               value.present != 0, tensors, error))
        return fail(error);
    }
  }
  return 0;
}
