//===- ParallelizeLoops.cpp - Generated loops on the run's thread team ----===//
//
// The ops without a library primitive run as loops aic generates; oneDNN's
// primitives use the run's threads, these loops would use one. Each
// linalg op on buffers with enough work whose outer loops are parallel
// becomes a call of aicrt_parallel_for (aic/abi.h): its loop nest is
// outlined into a private function that runs a range of the (collapsed)
// outer parallel loops, and reads the values it captures from a context
// struct the caller fills on its stack. Descriptors of memrefs cross as
// their LLVM structs through unrealized casts, which reconcile away after
// the LLVM conversion. Reduction loops stay whole inside each range, so
// the results are those of the serial loops, bit for bit.
//
//===----------------------------------------------------------------------===//
#include "passes/PassDetail.h"
#include "passes/Passes.h"

#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

#include <limits>

namespace aic {
#define GEN_PASS_DEF_PARALLELIZELOOPS
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;
using namespace aic;

namespace {

constexpr StringLiteral kParallelForFn = "aicrt_parallel_for";
/// Outer iterations worth collapsing into the range split: beyond this
/// many, a further loop only adds index arithmetic.
constexpr int64_t kEnoughOuterIterations = 1024;
/// Outer iterations too few to keep the threads busy: below this many, the
/// innermost loop joins the range split too.
constexpr int64_t kFewOuterIterations = 64;

/// Scalar operations per iteration of `op`'s loop nest: its body's ops,
/// at least one (a copy).
int64_t bodyCost(linalg::LinalgOp op) {
  int64_t cost = 0;
  op->getRegion(0).walk(
      [&](Operation *inner) { cost += !isa<linalg::YieldOp>(inner); });
  return std::max<int64_t>(cost, 1);
}

/// Whether the body of `op` only computes and reads memory: no calls, no
/// writes, no ops whose effects are unknown.
bool onlyReads(linalg::LinalgOp op) {
  WalkResult result = op->getRegion(0).walk([](Operation *inner) {
    if (isa<CallOpInterface>(inner))
      return WalkResult::interrupt();
    if (inner->hasTrait<OpTrait::HasRecursiveMemoryEffects>())
      return WalkResult::advance(); // the walk visits the nested ops
    auto iface = dyn_cast<MemoryEffectOpInterface>(inner);
    if (!iface)
      return WalkResult::interrupt();
    SmallVector<MemoryEffects::EffectInstance> effects;
    iface.getEffects(effects);
    for (const MemoryEffects::EffectInstance &effect : effects)
      if (!isa<MemoryEffects::Read>(effect.getEffect()))
        return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return !result.wasInterrupted();
}

/// The memory a buffer value covers: a range of bytes of a root buffer,
/// when the chain of views from the root says which.
struct Footprint {
  const void *root = nullptr;
  bool identified = false; // a function argument, alloc or global
  bool exact = false;      // [begin, end) known
  int64_t begin = 0, end = 0;
  // A buffer of a memory plan evaluated per shape: slot `slot` of the
  // plan call `root` (its range is then relative to the slot).
  int64_t slot = -1;
};

/// The slot of a memory plan evaluated per shape (aic-plan-memory's call
/// of kPlanFunc) that `view` takes: its byte shift is entry k of the
/// call's offsets. The planner never overlaps two buffers live at a common
/// step, and every operand of an op is live at its step.
std::optional<std::pair<func::CallOp, int64_t>> planSlot(memref::ViewOp view) {
  auto call = view.getSource().getDefiningOp<func::CallOp>();
  if (!call || call.getCallee() != kPlanFunc || call.getNumOperands() != 2)
    return std::nullopt;
  Value shift = view.getByteShift();
  if (auto cast = shift.getDefiningOp<arith::IndexCastOp>())
    shift = cast.getIn();
  auto load = shift.getDefiningOp<memref::LoadOp>();
  if (!load || load.getMemRef() != call.getOperand(1) ||
      load.getIndices().size() != 1)
    return std::nullopt;
  std::optional<int64_t> k = getConstantIntValue(load.getIndices()[0]);
  if (!k)
    return std::nullopt;
  return std::make_pair(call, *k);
}

Footprint footprintOf(Value v) {
  Footprint f;
  bool known = false;   // range relative to `v` so far
  bool partial = false; // a view of an unknown part was passed
  while (true) {
    Operation *def = v.getDefiningOp();
    if (auto view = dyn_cast_or_null<memref::ViewOp>(def)) {
      std::optional<int64_t> shift = getConstantIntValue(view.getByteShift());
      auto type = view.getType();
      if (!shift) {
        if (auto slot = planSlot(view)) {
          f.root = slot->first.getOperation();
          f.slot = slot->second;
          f.identified = true;
          // Only reshapes from the slot's whole view: the whole slot (its
          // size known at run time only), like every such view of it.
          if (!known && !partial && type.getLayout().isIdentity()) {
            f.begin = 0;
            f.end = std::numeric_limits<int64_t>::max();
            known = true;
          }
          f.exact = known;
          return f;
        }
        f.exact = known = false;
        partial = true;
        v = view.getSource();
        continue;
      }
      if (!known && type.hasStaticShape() && type.getLayout().isIdentity() &&
          type.getElementType().isIntOrFloat()) {
        f.begin = *shift;
        f.end = *shift + getNumBytes(type);
        f.exact = known = true;
      } else if (known) {
        f.begin += *shift;
        f.end += *shift;
      }
      v = view.getSource();
      continue;
    }
    // Reshapes and casts cover the same memory as their source.
    if (isa_and_nonnull<memref::CollapseShapeOp, memref::ExpandShapeOp,
                        memref::CastOp>(def)) {
      v = def->getOperand(0);
      continue;
    }
    // Other views cover an unknown part of their source.
    if (auto viewLike = dyn_cast_or_null<ViewLikeOpInterface>(def)) {
      f.exact = known = false;
      partial = true;
      v = viewLike.getViewSource();
      continue;
    }
    break;
  }
  if (auto global = v.getDefiningOp<memref::GetGlobalOp>()) {
    f.root = global.getNameAttr().getAsOpaquePointer();
    f.identified = true;
    return f;
  }
  f.root = v.getAsOpaquePointer();
  if (auto arg = dyn_cast<BlockArgument>(v))
    f.identified = isa<FunctionOpInterface>(arg.getOwner()->getParentOp());
  else
    f.identified =
        isa_and_nonnull<memref::AllocOp, memref::AllocaOp>(v.getDefiningOp());
  return f;
}

/// Whether distinct indices of `type` address distinct elements: dims
/// ordered by stride each step over all of the smaller ones. Dynamic
/// strides or sizes only in the identity layout.
bool injective(MemRefType type) {
  if (type.getLayout().isIdentity())
    return true;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (!type.hasStaticShape() ||
      failed(getStridesAndOffset(type, strides, offset)) ||
      llvm::any_of(strides, ShapedType::isDynamic))
    return false;
  SmallVector<std::pair<int64_t, int64_t>> dims; // (stride, size)
  for (auto [stride, size] : llvm::zip(strides, type.getShape()))
    if (size > 1)
      dims.push_back({stride, size});
  llvm::sort(dims);
  int64_t covered = 1;
  for (auto [stride, size] : dims) {
    if (stride < covered)
      return false;
    covered = stride * size;
  }
  return true;
}

bool disjoint(const Footprint &a, const Footprint &b) {
  if (!a.identified || !b.identified)
    return false;
  if (a.root != b.root)
    return true;
  // The plan's arena itself (not a slot) may hold any slot.
  if ((a.slot < 0) != (b.slot < 0))
    return false;
  if (a.slot != b.slot)
    return true;
  return a.exact && b.exact && (a.end <= b.begin || b.end <= a.begin);
}

bool sameView(Value a, Value b) {
  if (a == b)
    return true;
  if (a.getType() != b.getType())
    return false;
  Footprint fa = footprintOf(a), fb = footprintOf(b);
  return fa.identified && fa.exact && fb.exact && fa.root == fb.root &&
         fa.slot == fb.slot && fa.begin == fb.begin;
}

/// A linalg op the pass splits: its outer `outer` loops (parallel) are the
/// range aicrt_parallel_for divides; `captures`, the values its loop nest
/// needs from the function, cross in the context struct.
struct Candidate {
  linalg::LinalgOp op;
  unsigned outer = 0;
  SetVector<Value> captures;
  // Buffers that are the same view as a capture: they cross once, so that
  // the body sees one pointer (LLVM vectorizes an op in place on equal
  // pointers; on two it would find them overlapping at run time).
  DenseMap<Value, Value> sameAs;
  SmallVector<Operation *> constants; // cloned into the body instead
  LLVM::LLVMStructType context;
};

class Parallelizer {
public:
  Parallelizer(ModuleOp module, int64_t minWork)
      : module(module), symbols(module), minWork(minWork),
        converter(module.getContext()) {}

  /// Null if `op` stays serial.
  std::optional<Candidate> analyze(linalg::LinalgOp op);
  LogicalResult outline(Candidate &c);

private:
  bool capturable(Type type);
  FailureOr<func::FuncOp> buildBody(Candidate &c);
  func::FuncOp parallelForDecl();

  ModuleOp module;
  SymbolTable symbols;
  int64_t minWork;
  LLVMTypeConverter converter;
  func::FuncOp decl;
};

bool Parallelizer::capturable(Type type) {
  if (auto memref = dyn_cast<MemRefType>(type)) {
    Type element = memref.getElementType();
    if (!element.isIntOrIndexOrFloat() || !isStrided(memref))
      return false;
  } else if (!type.isIntOrIndexOrFloat()) {
    return false;
  }
  Type converted = converter.convertType(type);
  return converted && LLVM::isCompatibleType(converted);
}

std::optional<Candidate> Parallelizer::analyze(linalg::LinalgOp op) {
  if (!op.hasPureBufferSemantics() || op->getNumRegions() != 1 ||
      op->getParentOfType<linalg::LinalgOp>() || !onlyReads(op))
    return std::nullopt;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  // Work known at compile time must fill two ranges of minWork.
  int64_t cost = bodyCost(op);
  bool dynamic = llvm::any_of(ranges, ShapedType::isDynamic);
  if (!dynamic) {
    uint64_t work = cost;
    for (int64_t r : ranges)
      work = llvm::SaturatingMultiply(work, static_cast<uint64_t>(r));
    if (work < 2 * static_cast<uint64_t>(minWork))
      return std::nullopt;
  }

  // Outer parallel loops, each indexing every output by itself: distinct
  // outer iterations then write distinct elements. The innermost loop stays
  // a loop inside each range unless the outer ones give too few iterations:
  // delinearizing it would cost a division per element and keep LLVM from
  // vectorizing it.
  auto outputs = op.getDpsInitsMutable();
  // A transpose of 32-bit elements that moves the innermost dim keeps the
  // loop that reads along the source's innermost dim, and those inside it,
  // whole: aic-vectorize-transposes moves them in 16x16 tiles.
  unsigned limit = iterators.size();
  if (auto transpose = dyn_cast<linalg::TransposeOp>(op.getOperation())) {
    ArrayRef<int64_t> perm = transpose.getPermutation();
    Type element = getElementTypeOrSelf(transpose.getInit().getType());
    int64_t last = static_cast<int64_t>(perm.size()) - 1;
    if (last > 0 && perm.back() != last && element.isIntOrFloat() &&
        element.getIntOrFloatBitWidth() == 32)
      limit = llvm::find(perm, last) - perm.begin();
  }
  unsigned outer = 0;
  int64_t iterations = 1;
  while (outer < limit && iterators[outer] == utils::IteratorType::parallel &&
         (outer + 1 < iterators.size() || iterations < kFewOuterIterations)) {
    bool indexes = llvm::all_of(outputs, [&](OpOperand &init) {
      AffineMap map = op.getMatchingIndexingMap(&init);
      return llvm::any_of(map.getResults(), [&](AffineExpr e) {
        auto dim = dyn_cast<AffineDimExpr>(e);
        return dim && dim.getPosition() == outer;
      });
    });
    if (!indexes)
      break;
    ++outer;
    if (ShapedType::isDynamic(ranges[outer - 1]))
      break;
    iterations *= ranges[outer - 1];
    if (iterations >= kEnoughOuterIterations)
      break;
  }
  if (outer == 0 || (limit < iterators.size() && iterations < 2))
    return std::nullopt;

  // Outputs: distinct indices address distinct elements, and no overlap
  // with anything else the loops read or write, except the same view read
  // at the same index (an elementwise op in place).
  Candidate c;
  c.op = op;
  c.outer = outer;
  for (OpOperand &operand : op->getOpOperands())
    c.captures.insert(operand.get());
  SetVector<Value> above;
  getUsedValuesDefinedAbove(op->getRegions(), above);
  for (Value v : above) {
    Operation *def = v.getDefiningOp();
    if (def && def->hasTrait<OpTrait::ConstantLike>())
      c.constants.push_back(def);
    else
      c.captures.insert(v);
  }
  for (OpOperand &init : outputs) {
    if (!injective(cast<MemRefType>(init.get().getType())))
      return std::nullopt;
    Footprint written = footprintOf(init.get());
    AffineMap map = op.getMatchingIndexingMap(&init);
    for (Value v : c.captures) {
      if (!isa<MemRefType>(v.getType()))
        continue;
      // Read at the output's index only: as operands of the op with its
      // indexing map, never from the body.
      bool sameIndex =
          !above.contains(v) &&
          llvm::all_of(op->getOpOperands(), [&](OpOperand &other) {
            return other.get() != v || op.getMatchingIndexingMap(&other) == map;
          });
      if (!(sameIndex && sameView(v, init.get())) &&
          !disjoint(written, footprintOf(v)))
        return std::nullopt;
    }
  }

  SetVector<Value> distinct;
  for (Value v : c.captures) {
    auto same = llvm::find_if(distinct, [&](Value d) {
      return isa<MemRefType>(v.getType()) && sameView(v, d);
    });
    if (same != distinct.end())
      c.sameAs[v] = *same;
    else
      distinct.insert(v);
  }
  c.captures = std::move(distinct);
  SmallVector<Type> fields;
  for (Value v : c.captures) {
    if (!capturable(v.getType()))
      return std::nullopt;
    fields.push_back(converter.convertType(v.getType()));
  }
  c.context = LLVM::LLVMStructType::getLiteral(module.getContext(), fields);
  return c;
}

func::FuncOp Parallelizer::parallelForDecl() {
  if (decl)
    return decl;
  MLIRContext *ctx = module.getContext();
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  auto i64 = IntegerType::get(ctx, 64);
  auto bodyType = FunctionType::get(ctx, {ptr, i64, i64}, {});
  auto type = FunctionType::get(ctx, {bodyType, ptr, i64, i64}, {});
  decl = module.lookupSymbol<func::FuncOp>(kParallelForFn);
  if (!decl) {
    OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
    decl = b.create<func::FuncOp>(module.getLoc(), kParallelForFn, type);
    decl.setPrivate();
  }
  return decl;
}

/// The outlined loop nest: (ctx, begin, end) runs the outer iterations
/// [begin, end), each delinearized into the outer loops' indices.
FailureOr<func::FuncOp> Parallelizer::buildBody(Candidate &c) {
  MLIRContext *ctx = module.getContext();
  Location loc = c.op.getLoc();
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  auto i64 = IntegerType::get(ctx, 64);
  auto parent = c.op->getParentOfType<func::FuncOp>();
  OpBuilder b(ctx);
  auto body =
      b.create<func::FuncOp>(loc, (parent.getSymName() + "_parallel").str(),
                             FunctionType::get(ctx, {ptr, i64, i64}, {}));
  body.setPrivate();
  // func-to-llvm keeps this linkage (a private func.func would still
  // become an external symbol).
  body->setAttr("llvm.linkage",
                LLVM::LinkageAttr::get(ctx, LLVM::Linkage::Internal));
  symbols.insert(body, std::next(Block::iterator(parent)));
  Block *entry = body.addEntryBlock();
  b.setInsertionPointToStart(entry);

  IRMapping mapping;
  Value context = b.create<LLVM::LoadOp>(loc, c.context, entry->getArgument(0));
  for (auto [i, v] : llvm::enumerate(c.captures)) {
    Value field = b.create<LLVM::ExtractValueOp>(loc, context, i);
    if (field.getType() != v.getType())
      field = b.create<UnrealizedConversionCastOp>(loc, v.getType(), field)
                  .getResult(0);
    mapping.map(v, field);
  }
  for (auto [v, same] : c.sameAs)
    mapping.map(v, mapping.lookup(same));
  for (Operation *constant : c.constants)
    b.clone(*constant, mapping);
  Value begin = b.create<arith::IndexCastOp>(loc, b.getIndexType(),
                                             entry->getArgument(1));
  Value end = b.create<arith::IndexCastOp>(loc, b.getIndexType(),
                                           entry->getArgument(2));
  Value one = b.create<arith::ConstantIndexOp>(loc, 1);
  auto cloned = cast<linalg::LinalgOp>(b.clone(*c.op, mapping));
  b.create<func::ReturnOp>(loc);

  IRRewriter rewriter(b);
  rewriter.setInsertionPoint(cloned);
  FailureOr<linalg::LinalgLoops> loops =
      linalg::linalgOpToLoops(rewriter, cloned);
  rewriter.eraseOp(cloned);
  if (failed(loops) || loops->size() < c.outer ||
      !llvm::all_of(*loops, [](Operation *l) { return isa<scf::ForOp>(l); }))
    return c.op->emitError() << "could not lower the loops of '"
                             << c.op->getName() << "' to outline them";
  // One scf.for per loop of the op, outermost first, perfectly nested;
  // their bounds computed before the outermost.
  auto outermost = cast<scf::ForOp>((*loops)[0]);
  auto innermost = cast<scf::ForOp>((*loops)[c.outer - 1]);
  rewriter.setInsertionPoint(outermost);
  auto range = rewriter.create<scf::ForOp>(loc, begin, end, one);
  rewriter.setInsertionPointToStart(range.getBody());
  SmallVector<Value> index(c.outer);
  Value rest = range.getInductionVar();
  for (unsigned j = c.outer - 1; j > 0; --j) {
    Value size = cast<scf::ForOp>((*loops)[j]).getUpperBound();
    index[j] = rewriter.create<arith::RemUIOp>(loc, rest, size);
    rest = rewriter.create<arith::DivUIOp>(loc, rest, size);
  }
  index[0] = rest;
  Block *from = innermost.getBody();
  range.getBody()->getOperations().splice(std::prev(range.getBody()->end()),
                                          from->getOperations(), from->begin(),
                                          std::prev(from->end()));
  for (unsigned j = 0; j < c.outer; ++j)
    cast<scf::ForOp>((*loops)[j])
        .getInductionVar()
        .replaceAllUsesWith(index[j]);
  rewriter.eraseOp(outermost);
  return body;
}

LogicalResult Parallelizer::outline(Candidate &c) {
  MLIRContext *ctx = module.getContext();
  linalg::LinalgOp op = c.op;
  Location loc = op.getLoc();
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  auto i64 = IntegerType::get(ctx, 64);
  func::FuncOp callee = parallelForDecl();
  FailureOr<func::FuncOp> built = buildBody(c);
  if (failed(built))
    return failure();
  func::FuncOp body = *built;

  // The context in the entry block, so that a loop around the op does not
  // grow the stack.
  OpBuilder b(ctx);
  auto parent = op->getParentOfType<func::FuncOp>();
  b.setInsertionPointToStart(&parent.getBody().front());
  Value count = b.create<LLVM::ConstantOp>(loc, i64, 1);
  Value context = b.create<LLVM::AllocaOp>(loc, ptr, c.context, count);

  b.setInsertionPoint(op);
  Value fields = b.create<LLVM::UndefOp>(loc, c.context);
  for (auto [i, v] : llvm::enumerate(c.captures)) {
    Type type = c.context.getBody()[i];
    Value field = v;
    if (type != v.getType())
      field = b.create<UnrealizedConversionCastOp>(loc, type, v).getResult(0);
    fields = b.create<LLVM::InsertValueOp>(loc, fields, field, i);
  }
  b.create<LLVM::StoreOp>(loc, fields, context);

  // n: the outer iterations; grain: how many of them make minWork.
  SmallVector<Range> ranges = op.createLoopRanges(b, loc);
  auto product = [&](unsigned from, unsigned to, int64_t factor) {
    Value p = b.create<arith::ConstantIndexOp>(loc, factor);
    for (unsigned j = from; j < to; ++j) {
      Value size = getValueOrCreateConstantIndexOp(b, loc, ranges[j].size);
      p = isConstantIntValue(p, 1)
              ? size
              : b.createOrFold<arith::MulIOp>(loc, p, size);
    }
    return p;
  };
  Value n = product(0, c.outer, 1);
  Value inner = product(c.outer, ranges.size(), bodyCost(op));
  // A loop of no iterations makes no work: one range then.
  Value one = b.create<arith::ConstantIndexOp>(loc, 1);
  inner = b.createOrFold<arith::MaxUIOp>(loc, inner, one);
  Value work = b.create<arith::ConstantIndexOp>(loc, minWork);
  // ceil(work / inner), in ops the LLVM lowering knows (inner >= 1).
  Value grain = b.createOrFold<arith::DivUIOp>(
      loc,
      b.createOrFold<arith::AddIOp>(
          loc, work, b.createOrFold<arith::SubIOp>(loc, inner, one)),
      inner);
  Value fn = b.create<func::ConstantOp>(loc, body.getFunctionType(),
                                        SymbolRefAttr::get(body));
  b.create<func::CallOp>(
      loc, callee,
      ValueRange{fn, context, b.createOrFold<arith::IndexCastOp>(loc, i64, n),
                 b.createOrFold<arith::IndexCastOp>(loc, i64, grain)});
  op->erase();
  return success();
}

struct ParallelizeLoopsPass
    : public aic::impl::ParallelizeLoopsBase<ParallelizeLoopsPass> {
  using ParallelizeLoopsBase::ParallelizeLoopsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (minWork < 1) {
      module.emitError() << "min-work must be at least 1, got "
                         << static_cast<int64_t>(minWork);
      return signalPassFailure();
    }
    Parallelizer parallelizer(module, minWork);
    SmallVector<Candidate> candidates;
    for (auto func : module.getOps<func::FuncOp>())
      func.walk([&](linalg::LinalgOp op) {
        if (std::optional<Candidate> c = parallelizer.analyze(op))
          candidates.push_back(std::move(*c));
      });
    for (Candidate &c : candidates)
      if (failed(parallelizer.outline(c)))
        return signalPassFailure();
  }
};

} // namespace
