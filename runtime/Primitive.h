//===- Primitive.h - Runtime primitives behind aicrt_create/aicrt_exec ----===//
//
// A Primitive is created once per loaded model (aicrt_create) and executed
// by many exec states, possibly concurrently, so it is immutable after
// creation except for the mutex-guarded cache of reordered constant weights.
// Everything an execution mutates lives in a per-(exec state, primitive)
// PrimState, created together with the exec state so that steady-state
// execution never allocates.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_RUNTIME_PRIMITIVE_H
#define AIC_RUNTIME_PRIMITIVE_H

#include "Descriptor.h"
#include "OpInfo.h"

#include "aic/abi.h"

#include <dnnl.hpp>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace aic::rt {

struct PrimState {
  virtual ~PrimState() = default;
};

class Primitive {
public:
  Primitive(std::string label, int numArgs)
      : label_(std::move(label)), numArgs_(numArgs) {}
  virtual ~Primitive() = default;

  /// "primitive 'NAME'", the prefix of every message about it.
  const std::string &label() const { return label_; }
  /// Number of aicrt_exec arguments.
  int numArgs() const { return numArgs_; }
  /// Bytes of user-managed scratchpad one execution needs.
  virtual size_t scratchpadBytes() const { return 0; }
  /// Bytes of staging buffer `stage` (kStageIn/kStageOut) it needs.
  virtual size_t stagingBytes(int stage) const {
    (void)stage;
    return 0;
  }
  /// State one exec state keeps for this primitive; may be null.
  virtual std::unique_ptr<PrimState> makeState(aicrt_exec_state &st) const {
    (void)st;
    return nullptr;
  }
  /// `args` has numArgs() non-null entries.
  virtual void exec(aicrt_exec_state &st, PrimState *ps, void *const *args) = 0;

  /// What profiles report about it, set by aicrt_create: the ONNX node's
  /// name, the kind ("CONV"), its tensors and arithmetic. Kept here rather
  /// than in tables of the metadata's primitive count, so that memory
  /// follows the primitives created, not the count a library claims.
  struct Profile {
    std::string name;
    const char *kind = "";
    OpInfo info;
  };
  const Profile &profile() const { return profile_; }
  void setProfile(Profile profile) { profile_ = std::move(profile); }

protected:
  std::string label_;
  int numArgs_;
  Profile profile_;
};

/// What every kind's factory gets besides its descriptor.
struct CreateInfo {
  std::string label; // "primitive 'NAME'"
  const char *kind;  // "CONV"
  const dnnl::engine &engine;
};

using PrimitivePtr = std::unique_ptr<Primitive>;

// One factory per kind of aic/primitives.def, e.g.
//   PrimitivePtr createConv(const contract::Conv &d, const CreateInfo &ci);
// It gets a descriptor that decoded cleanly and checks what the values mean
// (ranges, shapes, dtypes). Its exec arguments (slots) must follow the
// contract's order; aicrt_create checks their count.
#define AIC_PRIM(Name, KIND, code)                                             \
  PrimitivePtr create##Name(const contract::Name &d, const CreateInfo &ci);
#include "aic/primitives.def"

//===--- oneDNN-backed primitives -----------------------------------------===//

/// One aicrt_exec argument of a oneDNN primitive, in exec-argument order.
struct ArgSlot {
  ArgSlot(int dnnlArg, const dnnl::memory::desc &md)
      : dnnlArg(dnnlArg), md(md) {}

  enum class Kind {
    /// The caller's buffer is used as is.
    Direct,
    /// Constant weights the primitive wants in another layout: the caller's
    /// buffer (layout `userMd`) is reordered once and reused for every run,
    /// since the weights pointer of a compiled model never changes.
    Constant,
    /// Input staged through the exec state's staging buffer 0: reordered
    /// from `userMd` before every execution.
    StageIn,
    /// Output staged through staging buffer 1: reordered to `userMd` after
    /// every execution.
    StageOut,
    /// An output the primitive also reads (a sum post-op's accumulator),
    /// staged through buffer 1: reordered from `userMd` before and back
    /// after every execution.
    StageInOut,
  };

  int dnnlArg;
  dnnl::memory::desc md; // layout the primitive reads/writes
  Kind kind = Kind::Direct;
  dnnl::memory::desc userMd;

  /// Makes the slot use `wanted` when it differs from the plain `md`.
  void adopt(const dnnl::memory::desc &wanted, Kind ifDifferent);
};

/// Staging buffers of an exec state, shared by all primitives of a run
/// because they execute one after another.
constexpr int kStageIn = 0, kStageOut = 1, kNumStages = 2;

class DnnlPrimitive : public Primitive {
public:
  DnnlPrimitive(std::string label, const dnnl::engine &engine,
                dnnl::primitive prim, std::vector<ArgSlot> slots,
                const dnnl::memory::desc &scratchpad);

  size_t scratchpadBytes() const override;
  size_t stagingBytes(int stage) const override;
  std::unique_ptr<PrimState> makeState(aicrt_exec_state &st) const override;
  void exec(aicrt_exec_state &st, PrimState *ps, void *const *args) override;

  /// The exec argument of oneDNN argument `dnnlArg` and the bytes of the
  /// caller's buffer there (in the caller's layout); false if it has none.
  bool findArg(int dnnlArg, size_t &index, size_t &bytes) const;

private:
  void *constantHandle(size_t slot, void *src, dnnl::stream &stream);

  struct Reordered {
    size_t slot;
    const void *src;
    dnnl::memory mem;
  };

  dnnl::engine engine_;
  dnnl::primitive prim_;
  std::vector<ArgSlot> slots_;
  // Per slot: the reorder into the staging buffer before execution and the
  // one out of it after (null where the slot is not staged that way).
  std::vector<dnnl::primitive> stageIn_, stageOut_;
  dnnl::memory::desc scratchpad_;
  std::mutex reorderMutex_;
  std::vector<Reordered> reordered_;
};

//===--- Helpers shared by the factories ----------------------------------===//

/// oneDNN type for an aic dtype, data_type::undef if it has none.
dnnl::memory::data_type toDnnl(int64_t dtype);
/// `dims` with 1s prepended up to `rank` (and at least rank 1, since oneDNN
/// has no scalars).
dnnl::memory::dims padDims(const std::vector<int64_t> &dims, int64_t rank);
dnnl::memory::dims rowMajorStrides(const dnnl::memory::dims &dims);
/// Descriptor of `t` in its layout; a dense row-major one may have its rank
/// padded to `rank`, a blocked one fails unless `rank` <= its rank.
dnnl::memory::desc tensorMd(const Tensor &t, int64_t rank = 0);
/// Fails with AIC_ERROR_UNSUPPORTED if a tensor has a blocked layout.
void requirePlain(const CreateInfo &ci,
                  std::initializer_list<const Tensor *> tensors);
/// Fails with AIC_ERROR_UNSUPPORTED unless every tensor is float32.
void requireF32(const CreateInfo &ci,
                std::initializer_list<const Tensor *> tensors);
/// Fails unless `v` has `n` entries, each in [lo, hi].
void requireInts(const CreateInfo &ci, const char *what,
                 const std::vector<int64_t> &v, size_t n, int64_t lo,
                 int64_t hi);
/// Fails unless `dst` has the dtype and shape of `src`.
void requireSameType(const CreateInfo &ci, const Tensor &src,
                     const Tensor &dst);
/// Fails unless `operand` (padded) broadcasts to `dst`.
void requireBroadcastable(const CreateInfo &ci, const char *what,
                          const dnnl::memory::dims &operand,
                          const dnnl::memory::dims &dst);
dnnl::algorithm eltwiseAlg(int64_t alg);
dnnl::algorithm binaryAlg(int64_t alg);
/// Appends the chain `ops` to `po`, adding one slot per binary operand.
void appendPostOps(const CreateInfo &ci, const std::vector<PostOp> &ops,
                   const dnnl::memory::dims &dstDims, dnnl::post_ops &po,
                   std::vector<ArgSlot> &slots);
/// Attributes with `po` and a user-managed scratchpad (so that concurrent
/// exec states never share one).
dnnl::primitive_attr makeAttr(const dnnl::post_ops &po = dnnl::post_ops());
[[noreturn]] void invalid(const CreateInfo &ci, const std::string &what);

} // namespace aic::rt

#endif // AIC_RUNTIME_PRIMITIVE_H
