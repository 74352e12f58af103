//===- Pipeline.cpp - The aic compilation pipelines -----------------------===//
//
// aic-compile runs these three stages in order (--emit= stops after one);
// aic-opt registers them as pass pipelines under the same names, so any
// stage can be replayed on IR printed by the previous one.
//
//===----------------------------------------------------------------------===//
#include "aic/Compiler.h"
#include "passes/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

/// The canonicalizer without scf.for's ForOpTensorCastFolder: it moves a
/// tensor.cast of a loop's initial value into the loop, taking the initial
/// value's static shape as the carried one, which is wrong for a value that
/// grows from one iteration to the next (an ONNX Loop that concatenates a
/// row per iteration to an empty tensor).
static std::unique_ptr<Pass> createAicCanonicalizerPass() {
  // The canonicalize pass's defaults.
  GreedyRewriteConfig config;
  config.useTopDownTraversal = true;
  return createCanonicalizerPass(
      config,
      /*disabledPatterns=*/{"(anonymous namespace)::ForOpTensorCastFolder"});
}

void aic::buildOptimizationPipeline(OpPassManager &pm, StringRef isa) {
  pm.addPass(createAicCanonicalizerPass());
  pm.addPass(createCSEPass());
  // Einsums that are matrix products become aic.matmul, their operand
  // transposes then folded on constants.
  pm.addNestedPass<func::FuncOp>(aic::createContractionsToMatmuls());
  // Constants first, so that batch norm parameters and conv weights computed
  // from constants (reshapes, casts, shape arithmetic) are constants when
  // aic-fold-batch-norm looks. What that pass creates is folded already
  // (new weights) or applies to the batch norm's input, a constant only for
  // a batch norm of a constant: no second aic-fold-constants. Batch norms
  // fold into plain convs before fusion gives those convs post-ops, and
  // fusion then merges each fallback scale-shift into one primitive.
  pm.addNestedPass<func::FuncOp>(aic::createFoldConstants());
  pm.addNestedPass<func::FuncOp>(aic::createFoldBatchNorm());
  // Formulas exporters spell out op by op, recognized while they are
  // still separate ops (fusion would merge their steps into chains).
  pm.addNestedPass<func::FuncOp>(aic::createRecognizeLayerNorm());
  pm.addNestedPass<func::FuncOp>(aic::createRecognizeGelu());
  pm.addNestedPass<func::FuncOp>(aic::createRecognizeHardSwish());
  // Matmuls in their final shape before fusion, which looks through the
  // reshapes this leaves behind collapsed matmuls.
  pm.addNestedPass<func::FuncOp>(aic::createNormalizeMatmuls());
  pm.addNestedPass<func::FuncOp>(aic::createFusePostOps());
  // What fusion left of binary ops on loop results (an embedding lookup's
  // position add) joins those loops.
  pm.addNestedPass<func::FuncOp>(aic::createFuseBinaryIntoLoops());
  // Products too small to pay for a library call become loops; after
  // fusion, which may still give them post-ops (they stay library calls).
  pm.addNestedPass<func::FuncOp>(aic::createInlineSmallMatmuls());
  // Per-channel input scales left after fusion (squeeze-and-excite) move
  // into the weights of the conv they feed.
  pm.addNestedPass<func::FuncOp>(aic::createFoldInputScale());
  pm.addPass(createAicCanonicalizerPass());
  // Binary post-ops that would put a matmul on oneDNN's reference kernel
  // run as their own primitives.
  aic::SplitSlowPostOpsOptions split;
  split.targetIsa = isa.str();
  pm.addNestedPass<func::FuncOp>(aic::createSplitSlowPostOps(split));
  // Layouts last: they depend on the final shape of every primitive, and
  // the canonicalizer then drops the constants packing replaced.
  aic::AssignLayoutsOptions layouts;
  layouts.targetIsa = isa.str();
  pm.addNestedPass<func::FuncOp>(aic::createAssignLayouts(layouts));
  // On the stored shapes that layouts gave.
  pm.addNestedPass<func::FuncOp>(aic::createPropagateNaN());
  pm.addPass(createAicCanonicalizerPass());
  pm.addPass(createCSEPass());
}

/// Copies between buffers as linalg.copy: they become loops, which need no
/// runtime library (memref.copy of strided buffers calls one).
static LogicalResult createCopy(OpBuilder &b, Location loc, Value from,
                                Value to) {
  b.create<linalg::CopyOp>(loc, from, to);
  return success();
}

void aic::buildRuntimeLoweringPipeline(OpPassManager &pm) {
  bufferization::OneShotBufferizationOptions options;
  options.bufferizeFunctionBoundaries = true;
  options.setFunctionBoundaryTypeConversion(
      bufferization::LayoutMapOption::IdentityLayoutMap);
  options.unknownTypeConverterFn =
      [](Value value, Attribute memorySpace,
         const bufferization::BufferizationOptions &) {
        return bufferization::getMemRefTypeWithStaticIdentityLayout(
            cast<TensorType>(value.getType()), memorySpace);
      };
  options.memCpyFn = createCopy;
  // A loop may yield a buffer it allocated (a loop-carried value computed
  // into a new buffer each iteration); aic-plan-memory gives such buffers
  // their own carry buffer.
  options.allowReturnAllocsFromLoops = true;
  pm.addNestedPass<func::FuncOp>(aic::createOwnDestinations());
  pm.addPass(aic::createConstantsToGlobals());
  pm.addPass(bufferization::createEmptyTensorToAllocTensorPass());
  pm.addPass(bufferization::createOneShotBufferizePass(options));
  pm.addPass(createAicCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(aic::createConcatInPlace());
  pm.addNestedPass<func::FuncOp>(aic::createTileConvChains());
  pm.addPass(aic::createPackWeights());
  pm.addPass(aic::createPlanMemory());
  // On the planned buffers, whose views into the arena tell which loops
  // may run in ranges at once; before the remaining linalg ops become
  // loops, as the ones outlined here do.
  pm.addPass(aic::createParallelizeLoops());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(aic::createVectorizeCopies());
  pm.addPass(aic::createVectorizeTransposes());
  pm.addPass(aic::createPrefetchNextSlices());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createConvertSCFToCFPass());
  pm.addPass(aic::createConvertAicToRuntime());
}

void aic::buildLLVMLoweringPipeline(OpPassManager &pm) {
  pm.addPass(aic::createLowerStrings());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(aic::createExpandMath());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createAicCanonicalizerPass());
}

void aic::registerPipelines() {
  PassPipelineRegistration<>(
      "aic-optimize",
      "aic-compile's graph optimization stage "
      "(--emit=opt)",
      [](OpPassManager &pm) { buildOptimizationPipeline(pm); });
  PassPipelineRegistration<>("aic-lower-to-runtime",
                             "aic-compile's bufferization, memory planning "
                             "and runtime lowering stage (--emit=lowered)",
                             buildRuntimeLoweringPipeline);
  PassPipelineRegistration<>("aic-lower-to-llvm",
                             "aic-compile's lowering to the LLVM dialect "
                             "(--emit=llvm)",
                             buildLLVMLoweringPipeline);
  PassPipelineRegistration<>("aic-pipeline",
                             "all of aic-compile's stages, imported IR to LLVM",
                             [](OpPassManager &pm) {
                               buildOptimizationPipeline(pm);
                               buildRuntimeLoweringPipeline(pm);
                               buildLLVMLoweringPipeline(pm);
                             });
}
