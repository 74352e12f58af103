//===- EmitLibrary.cpp - Run the pipelines and emit the artifact ----------===//
//
// aic IR -> optimized aic IR -> lowered IR -> LLVM dialect -> LLVM IR ->
// object file (llvm::TargetMachine for the host CPU or --mcpu) -> shared
// library (linked by the system C compiler driver) or static archive
// (llvm::writeArchive). A header (--emit=header) needs only the import.
//
//===----------------------------------------------------------------------===//
#include "Progress.h"

#include "aic/Compiler.h"
#include "passes/PassDetail.h"

#include "aic/abi.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Object/ArchiveWriter.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

#include <optional>
#include <unistd.h>

using namespace mlir;

/// Where a compile's errors go (CompileOptions::errors).
static raw_ostream &errorsOf(const aic::CompileOptions &options) {
  return options.errors ? *options.errors : llvm::errs();
}

static LogicalResult
runPipeline(ModuleOp module, llvm::function_ref<void(OpPassManager &)> build,
            TimingScope &timing, aic::Progress &progress, StringRef name) {
  aic::Progress::Stage shown(progress, name);
  TimingScope stage = timing.nest(name);
  PassManager pm(module.getContext());
  pm.enableTiming(stage);
  // Fails only when the tool did not register the pass manager options.
  if (failed(applyPassManagerCLOptions(pm)))
    return module.emitError() << "pass manager command-line options are not "
                                 "registered";
  build(pm);
  return pm.run(module);
}

static LogicalResult writeText(StringRef path,
                               llvm::function_ref<void(raw_ostream &)> print,
                               raw_ostream &errors) {
  std::string error;
  auto out = openOutputFile(path, &error);
  if (!out) {
    errors << "error: " << path << ": " << error << "\n";
    return failure();
  }
  print(out->os());
  out->keep();
  return success();
}

/// Weights past this size go to the large read-only data section
/// (.lrodata), addressed with 64-bit offsets: x86-64's small code model
/// reaches only 2 GiB, and a larger .rodata between the code and the data
/// overflows even the C runtime's own relocations at link time.
constexpr size_t kLargeWeightsBytes = size_t(1) << 30;

/// Fills the weights declaration from the module's blob.
static LogicalResult attachWeights(ModuleOp module, llvm::Module &llvmModule) {
  auto attr = module->getAttrOfType<DenseResourceElementsAttr>("aic.weights");
  llvm::GlobalVariable *global =
      llvmModule.getGlobalVariable("__aic_weights", /*AllowInternal=*/true);
  if (!attr || !global)
    return module.emitError() << "lowered module has no weights";
  AsmResourceBlob *blob = attr.getRawHandle().getBlob();
  if (!blob)
    return module.emitError() << "weights resource has no data";
  ArrayRef<char> data = blob->getData();
  auto *init = llvm::ConstantDataArray::getRaw(
      StringRef(data.data(), data.size()), data.size(),
      llvm::Type::getInt8Ty(llvmModule.getContext()));
  if (init->getType() != global->getValueType())
    return module.emitError() << "weights size does not match its global";
  global->setInitializer(init);
  global->setLinkage(llvm::GlobalValue::InternalLinkage);
  global->setConstant(true);
  if (data.size() > kLargeWeightsBytes)
    global->setCodeModel(llvm::CodeModel::Large);
  return success();
}

/// With a model name, exports the aic/abi.h entry points as
/// aic_NAME_meta/init/run, so that several models link into one program; a
/// library also exports aic_model_name, by which aic_model_load finds them.
static LogicalResult nameEntryPoints(ModuleOp module, llvm::Module &llvmModule,
                                     const aic::CompileOptions &options) {
  if (options.name.empty())
    return success();
  const std::pair<const char *, const char *> entries[] = {
      {AIC_MODEL_META_SYMBOL, "meta"},
      {AIC_MODEL_INIT_SYMBOL, "init"},
      {AIC_MODEL_RUN_SYMBOL, "run"}};
  for (auto [abiName, suffix] : entries) {
    llvm::GlobalValue *global = llvmModule.getNamedValue(abiName);
    if (!global)
      return module.emitError() << "lowered module has no " << abiName;
    global->setName("aic_" + options.name + "_" + suffix);
  }
  if (options.emit == aic::EmitKind::Lib) {
    auto *name = llvm::ConstantDataArray::getString(llvmModule.getContext(),
                                                    options.name);
    new llvm::GlobalVariable(llvmModule, name->getType(), /*isConstant=*/true,
                             llvm::GlobalValue::ExternalLinkage, name,
                             AIC_MODEL_NAME_SYMBOL);
  }
  return success();
}

static std::unique_ptr<llvm::TargetMachine>
createTargetMachine(const aic::CompileOptions &options) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  std::string triple = llvm::sys::getDefaultTargetTriple();
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target) {
    errorsOf(options) << "error: no target for " << triple << ": " << error
                      << "\n";
    return nullptr;
  }
  std::string cpu = options.mcpu;
  std::string features;
  if (cpu.empty() || cpu == "native") {
    cpu = llvm::sys::getHostCPUName().str();
    llvm::SubtargetFeatures f;
    for (auto &feature : llvm::sys::getHostCPUFeatures())
      f.AddFeature(feature.first(), feature.second);
    features = f.getString();
  } else if (!std::unique_ptr<llvm::MCSubtargetInfo>(
                  target->createMCSubtargetInfo(triple, cpu, ""))
                  ->isCPUStringValid(cpu)) {
    errorsOf(options) << "error: unknown --mcpu '" << cpu << "' for " << triple
                      << "\n";
    return nullptr;
  }
  llvm::CodeGenOptLevel level =
      options.optLevel == 0   ? llvm::CodeGenOptLevel::None
      : options.optLevel == 1 ? llvm::CodeGenOptLevel::Less
      : options.optLevel == 2 ? llvm::CodeGenOptLevel::Default
                              : llvm::CodeGenOptLevel::Aggressive;
  return std::unique_ptr<llvm::TargetMachine>(
      target->createTargetMachine(triple, cpu, features, llvm::TargetOptions(),
                                  llvm::Reloc::PIC_, std::nullopt, level));
}

FailureOr<std::string> aic::getDnnlIsa(StringRef mcpu, std::string &error) {
  if (mcpu.empty() || mcpu == "native")
    return std::string("host");
  llvm::InitializeNativeTarget();
  std::string triple = llvm::sys::getDefaultTargetTriple();
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return failure();
  std::unique_ptr<llvm::MCSubtargetInfo> sti(
      target->createMCSubtargetInfo(triple, mcpu, ""));
  if (!sti || !sti->isCPUStringValid(mcpu)) {
    error = "unknown --mcpu '" + mcpu.str() + "' for " + triple;
    return failure();
  }
  auto has = [&](StringRef f) { return sti->checkFeatures("+" + f.str()); };
  // The widest oneDNN ISA whose instructions the CPU has.
  bool avx512core =
      has("avx512f") && has("avx512bw") && has("avx512vl") && has("avx512dq");
  if (avx512core && has("amx-tile") && has("amx-bf16") && has("amx-int8"))
    return std::string("avx512_core_amx");
  if (avx512core && has("avx512bf16"))
    return std::string("avx512_core_bf16");
  if (avx512core && has("avx512vnni"))
    return std::string("avx512_core_vnni");
  if (avx512core)
    return std::string("avx512_core");
  if (has("avx2"))
    return std::string("avx2");
  if (has("avx"))
    return std::string("avx");
  // oneDNN's least ISA; a library for an older CPU can only run where
  // oneDNN does, and the runtime adapts to what it finds there.
  return std::string("sse41");
}

static LogicalResult emitObject(ModuleOp module,
                                const aic::CompileOptions &options,
                                StringRef path, TimingScope &timing,
                                aic::Progress &progress) {
  raw_ostream &errors = errorsOf(options);
  auto tm = createTargetMachine(options);
  if (!tm)
    return failure();
  llvm::LLVMContext llvmContext;
  std::optional<aic::Progress::Stage> shown;
  shown.emplace(progress, "Translation to LLVM IR");
  TimingScope translation = timing.nest("Translation to LLVM IR");
  auto llvmModule = translateModuleToLLVMIR(module, llvmContext, "aic_model");
  if (!llvmModule)
    return module.emitError() << "translation to LLVM IR failed";
  if (failed(attachWeights(module, *llvmModule)) ||
      failed(nameEntryPoints(module, *llvmModule, options)))
    return failure();
  llvmModule->setDataLayout(tm->createDataLayout());
  llvmModule->setTargetTriple(tm->getTargetTriple().getTriple());
  // LLVM vectorizes for 256-bit registers on CPUs with AVX-512 unless told
  // otherwise (wider instructions once lowered the clock of some chips);
  // oneDNN's kernels between the generated loops run 512-bit anyway, and
  // loops over a recurrent cell's gates take 10% less time at full width.
  if (tm->getMCSubtargetInfo()->checkFeatures("+avx512f"))
    for (llvm::Function &f : *llvmModule)
      if (!f.isDeclaration())
        f.addFnAttr("prefer-vector-width", "512");
  translation.stop();
  shown.emplace(progress, "LLVM optimization");
  TimingScope optimization = timing.nest("LLVM optimization");
  if (auto err = makeOptimizingTransformer(options.optLevel, 0,
                                           tm.get())(llvmModule.get())) {
    errors << "error: LLVM optimization failed: "
           << llvm::toString(std::move(err)) << "\n";
    return failure();
  }
  optimization.stop();
  shown.reset();
  if (options.emit == aic::EmitKind::LLVM)
    return writeText(
        path, [&](raw_ostream &os) { llvmModule->print(os, nullptr); }, errors);

  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec) {
    errors << "error: " << path << ": " << ec.message() << "\n";
    return failure();
  }
  shown.emplace(progress, "Object emission");
  TimingScope objectTiming = timing.nest("Object emission");
  llvm::legacy::PassManager codegen;
  if (tm->addPassesToEmitFile(codegen, os, nullptr,
                              llvm::CodeGenFileType::ObjectFile)) {
    errors << "error: the target cannot emit object files\n";
    return failure();
  }
  codegen.run(*llvmModule);
  os.close();
  return success(!os.has_error());
}

static LogicalResult linkSharedLibrary(StringRef object, StringRef output,
                                       raw_ostream &errors) {
  auto driver = llvm::sys::findProgramByName("cc");
  if (!driver)
    driver = llvm::sys::findProgramByName("gcc");
  if (!driver) {
    errors << "error: no C compiler driver (cc) on PATH to link " << output
           << "\n";
    return failure();
  }
  // A soname lets build systems link the library into a program (whose
  // NAME_load() of the generated header then finds it).
  std::string soname = "-Wl,-soname," + llvm::sys::path::filename(output).str();
  SmallVector<StringRef> args{*driver,        "-shared", "-Wl,-z,noexecstack",
                              "-Wl,-z,relro", soname,    "-o",
                              output,         object};
  std::string error;
  int rc =
      llvm::sys::ExecuteAndWait(*driver, args, std::nullopt, {}, 0, 0, &error);
  if (rc != 0) {
    errors << "error: linking " << output << " failed"
           << (error.empty() ? "" : ": " + error) << "\n";
    return failure();
  }
  return success();
}

/// Writes a static archive of one object, named `member` inside.
static LogicalResult writeStaticArchive(StringRef object, StringRef member,
                                        StringRef output, raw_ostream &errors) {
  auto file = llvm::NewArchiveMember::getFile(object,
                                              /*Deterministic=*/true);
  if (!file) {
    errors << "error: " << object << ": " << llvm::toString(file.takeError())
           << "\n";
    return failure();
  }
  file->MemberName = member;
  std::vector<llvm::NewArchiveMember> members;
  members.push_back(std::move(*file));
  if (auto err = llvm::writeArchive(output, members,
                                    llvm::SymtabWritingMode::NormalSymtab,
                                    llvm::object::Archive::K_GNU,
                                    /*Deterministic=*/true, /*Thin=*/false)) {
    errors << "error: " << output << ": " << llvm::toString(std::move(err))
           << "\n";
    return failure();
  }
  return success();
}

LogicalResult aic::compileModule(ModuleOp module, const CompileOptions &options,
                                 StringRef outputPath) {
  Progress progress(options.progress, options.progressAfter,
                    Progress::countStages(options.emit));
  return compileModule(module, options, outputPath, progress);
}

LogicalResult aic::compileModule(ModuleOp module, const CompileOptions &options,
                                 StringRef outputPath, Progress &progress) {
  raw_ostream &errors = errorsOf(options);
  std::string nameError;
  bool needsName =
      options.emit == EmitKind::Static || options.emit == EmitKind::Header;
  if ((needsName || !options.name.empty()) &&
      !isValidModelName(options.name, nameError))
    return module.emitError() << nameError;
  // --mlir-timing reports every stage, LLVM's included, in one tree.
  DefaultTimingManager timingManager;
  applyDefaultTimingManagerCLOptions(timingManager);
  TimingScope timing = timingManager.getRootScope();
  auto printModule = [&] {
    return writeText(
        outputPath,
        [&](raw_ostream &os) {
          // Flags come from the command line (e.g.
          // --mlir-elide-resource-strings-if-larger=N to leave out weights).
          module->print(os, OpPrintingFlags());
          os << "\n";
        },
        errors);
  };
  if (failed(module.verify()))
    return failure();
  if (options.emit == EmitKind::Aic)
    return printModule();
  if (options.emit == EmitKind::Header) {
    std::string header;
    llvm::raw_string_ostream os(header);
    if (failed(emitHeader(module, options.name, os)))
      return failure();
    return writeText(
        outputPath, [&](raw_ostream &out) { out << header; }, errors);
  }
  std::string error;
  FailureOr<std::string> isa = getDnnlIsa(options.mcpu, error);
  if (failed(isa)) {
    errors << "error: " << error << "\n";
    return failure();
  }
  if (failed(runPipeline(
          module,
          [&](OpPassManager &pm) { buildOptimizationPipeline(pm, *isa); },
          timing, progress, "Graph optimization")))
    return failure();
  if (options.emit == EmitKind::Opt)
    return printModule();
  if (failed(runPipeline(module, buildRuntimeLoweringPipeline, timing, progress,
                         "Memory planning and runtime lowering")))
    return failure();
  if (options.verbose) {
    auto peak = module->getAttrOfType<IntegerAttr>(kArenaSizeAttr);
    auto naive = module->getAttrOfType<IntegerAttr>(kArenaNaiveSizeAttr);
    if (module->hasAttr(kArenaPerShapeAttr)) {
      errors << "memory plan: evaluated per shape at run time (buffer sizes "
                "follow symbolic dims)\n";
    } else if (peak && naive) {
      double saved =
          naive.getInt()
              ? 100.0 * (1.0 - double(peak.getInt()) / naive.getInt())
              : 0.0;
      errors << llvm::format(
          "memory plan: peak arena %lld bytes; sum of intermediate tensors "
          "%lld bytes (reuse saves %.1f%%)\n",
          (long long)peak.getInt(), (long long)naive.getInt(), saved);
    }
  }
  if (options.emit == EmitKind::Lowered)
    return printModule();
  if (failed(runPipeline(module, buildLLVMLoweringPipeline, timing, progress,
                         "Lowering to the LLVM dialect")))
    return failure();
  if (options.emit == EmitKind::LLVM || options.emit == EmitKind::Obj)
    return emitObject(module, options, outputPath, timing, progress);

  // A library or archive: object in a temporary file, then link or pack.
  SmallString<128> object;
  int fd;
  if (auto ec =
          llvm::sys::fs::createTemporaryFile("aic-model", "o", fd, object)) {
    errors << "error: cannot create a temporary file: " << ec.message() << "\n";
    return failure();
  }
  ::close(fd);
  llvm::FileRemover remover(object);
  if (failed(emitObject(module, options, object, timing, progress)))
    return failure();
  Progress::Stage shown(progress, "Linking");
  TimingScope link = timing.nest("Linking");
  if (options.emit == EmitKind::Static)
    return writeStaticArchive(object, options.name + ".o", outputPath, errors);
  return linkSharedLibrary(object, outputPath, errors);
}
