//===- AicToRuntime.h - convert-aic-to-runtime internals --------*- C++ -*-===//
//
// convert-aic-to-runtime is split by concern: AicToRuntime.cpp converts the
// library ops and builds aic_model_init and aic_model_run,
// AicToRuntimeBuffers.cpp lowers what is sized at run time (allocations,
// plans evaluated per shape, outputs handed over), and
// AicToRuntimeMetadata.cpp builds the aic_model_meta tables.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_PASSES_AICTORUNTIME_H
#define AIC_PASSES_AICTORUNTIME_H

#include "dialects/Aic/AicDialect.h"
#include "passes/PassDetail.h"
#include "passes/Passes.h"

#include "mlir/Conversion/LLVMCommon/MemRefBuilder.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace aic::lowering {
using namespace mlir;

inline constexpr llvm::StringLiteral kStatusCall = "aic.status";

/// The upstream LLVM type converter, plus the layout of a string element
/// (aic_string_t), which aic-lower-strings gives string buffers later.
inline void addStringConversion(LLVMTypeConverter &converter) {
  converter.addConversion([](StringType type) -> Type {
    MLIRContext *ctx = type.getContext();
    return LLVM::LLVMStructType::getLiteral(
        ctx, {LLVM::LLVMPointerType::get(ctx), IntegerType::get(ctx, 64)});
  });
}
inline constexpr llvm::StringLiteral kCreateFn = "aicrt_create";
inline constexpr llvm::StringLiteral kExecFn = "aicrt_exec";
inline constexpr llvm::StringLiteral kExecDimsFn = "aicrt_exec_dims";
inline constexpr llvm::StringLiteral kInputShapeFn = "aicrt_input_shape";
inline constexpr llvm::StringLiteral kPlanFn = "aicrt_plan";
inline constexpr llvm::StringLiteral kCheckFn = "aicrt_check";
inline constexpr llvm::StringLiteral kAllocFn = "aicrt_alloc";
inline constexpr llvm::StringLiteral kFreeFn = "aicrt_free";
inline constexpr llvm::StringLiteral kOutputFn = "aicrt_output";

/// One primitive created by aic_model_init.
struct PrimitiveRecord {
  std::string name;
  std::vector<int64_t> descriptor;
  Location loc;
};

/// `buffer`'s first element as an !llvm.ptr, read from its LLVM descriptor
/// (the cast folds away once the buffer's producer is lowered). Going
/// through memref.extract_aligned_pointer_as_index instead would lose the
/// byte shift of a memref.view: expand-strided-metadata rewrites it to the
/// view's source.
Value pointerOf(OpBuilder &b, Location loc, Value buffer,
                const LLVMTypeConverter &converter);

/// A graph output: an out-parameter (static shape) or a result (a run-time
/// dim), in the order of the graph's outputs.
struct OutputSlot {
  MemRefType type;
  DictionaryAttr attrs;
  /// The out-parameter's argument number, or -1 for a result.
  int64_t arg = -1;
};

class Lowering {
public:
  Lowering(ModuleOp module, func::FuncOp graph)
      : module(module), graph(graph), ctx(module.getContext()), b(ctx),
        ptrType(LLVM::LLVMPointerType::get(ctx)), i32(b.getI32Type()),
        i64(b.getI64Type()), typeConverter(ctx) {
    addStringConversion(typeConverter);
  }

  LogicalResult run();

private:
  func::FuncOp declare(StringRef name, TypeRange args);
  LLVM::GlobalOp constant(StringRef name, Type type, Attribute value);
  Value stringGlobal(OpBuilder &at, StringRef name, StringRef text);
  /// Splits the block after each status-returning call and branches to a
  /// block returning the status when it is not zero.
  void insertStatusChecks(func::FuncOp func);
  void buildInit();
  LogicalResult buildRun(unsigned numInputs);
  /// Input `index` of `run` at `ptr`, whose type has symbolic dims: their
  /// sizes from aicrt_input_shape.
  Value runtimeShapedInput(func::FuncOp run, unsigned index, MemRefType type,
                           Value ptr);
  /// A buffer of `type` at `ptr`, dense row-major, of the dims `sizes`
  /// (i64, one per dim).
  Value denseBuffer(OpBuilder &at, Location loc, MemRefType type, Value ptr,
                    ArrayRef<Value> sizes);
  LogicalResult buildMetadata(unsigned numInputs);
  /// The graph's outputs in order, from the `aic.output` attributes of
  /// @main_graph's out-parameters and results.
  LogicalResult collectOutputs();
  /// A stack slot of `count` values of `type` in @main_graph's entry block.
  Value entrySlot(Type type, int64_t count);
  /// Run-time sized buffers: memref.alloc becomes aicrt_alloc, memref.dealloc
  /// aicrt_free.
  LogicalResult lowerDynamicBuffers(Value state);
  /// The call of a plan evaluated per shape (kPlanFunc, from
  /// aic-plan-memory) becomes aicrt_plan, which returns the arena.
  LogicalResult lowerPlans(Value state);
  /// Each cf.assert (a run-time shape check the importer emits) becomes an
  /// aicrt_check, whose failure ends the run with its message.
  LogicalResult lowerChecks(Value state);
  /// Hands the results (outputs of a run-time shape) to the runtime with
  /// aicrt_output before `ret`, which then returns 0.
  void handOverResults(func::ReturnOp ret, Value state);
  /// The aic_model_value_meta array of @main_graph's attribute `attrName`
  /// (kind "input" or "output"), which must cover `numTensors` tensors;
  /// null with 0 values without the attribute.
  FailureOr<std::pair<LLVM::GlobalOp, unsigned>>
  buildValueTable(StringRef kind, StringRef attrName, unsigned numTensors);

  ModuleOp module;
  func::FuncOp graph;
  MLIRContext *ctx;
  OpBuilder b;
  Type ptrType;
  IntegerType i32, i64;
  LLVMTypeConverter typeConverter;
  std::vector<PrimitiveRecord> records;
  SmallVector<OutputSlot> outputs;
};

} // namespace aic::lowering

#endif // AIC_PASSES_AICTORUNTIME_H
