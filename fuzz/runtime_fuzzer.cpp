//===- runtime_fuzzer.cpp - The C API on corrupt models and wrong buffers -===//
//
// Each input describes a model library and how it is called, as int64
// words (missing words read as 0):
//   metadata   abi_version (0: the current one), num_inputs, num_outputs,
//              num_primitives, arena_bytes, then per input and output
//              tensor: dtype, rank, dims, name kind, value kind
//   init       descriptors given to aicrt_create: count, then per
//              descriptor its id (0: its position), length and words
//   runs       count, then per run: flags (16: aic_model_run_alloc), a
//              tensor-count skew, and per tensor how the caller gets it
//              wrong (dtype, rank, a dim, a null pointer) or right
// runtime_host.so exports that metadata and calls back here for init and
// run, and aic_model_load loads it through dlopen like any model. A run
// executes every created primitive on buffers sized from its (decoded)
// descriptor, so an accepted descriptor must also execute safely. Every
// call must succeed or fail with a status and a one-line message.
//
// `AIC_FUZZ_WRITE_SEEDS=DIR runtime_fuzzer` writes seed inputs (a valid
// descriptor of every primitive kind, test/unit/runtime/models/
// SampleDescriptors.h) into DIR and exits.
//
//===----------------------------------------------------------------------===//
#include "Descriptor.h"
#include "Dtype.h"
#include "Errors.h"
#include "SampleDescriptors.h"

#include "aic/contract.h"
#include "aic/runtime.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <memory>
#include <string>
#include <vector>

using namespace aic;

// Huge arenas and buffers must fail as allocation errors, not abort.
extern "C" const char *__asan_default_options() {
  return "allocator_may_return_null=1";
}

namespace {

struct AicFuzzHooks {
  aic_model_init_fn init;
  aic_model_run_fn run;
};

constexpr int kMaxTensors = 8;          // tensors described per table
constexpr int64_t kMaxBuffer = 1 << 26; // bytes of one run's buffers
constexpr int64_t kMaxDescs = 64, kMaxDescWords = 4096;

[[noreturn]] void finding(const std::string &message) {
  std::fprintf(stderr, "aic-fuzz finding: %s\n", message.c_str());
  std::abort();
}

class Words {
public:
  Words(const uint8_t *data, size_t size) : data_(data), size_(size) {}
  int64_t next() {
    int64_t w = 0;
    size_t n = std::min<size_t>(8, size_ - pos_);
    std::memcpy(&w, data_ + pos_, n);
    pos_ += n;
    return w;
  }
  /// A word in [0, n).
  int64_t below(int64_t n) {
    uint64_t w = static_cast<uint64_t>(next());
    return static_cast<int64_t>(w % static_cast<uint64_t>(n));
  }

private:
  const uint8_t *data_;
  size_t size_, pos_ = 0;
};

/// 64-byte aligned, zeroed, at least 64 bytes.
struct Buffer {
  explicit Buffer(int64_t bytes)
      : p(std::aligned_alloc(64,
                             (std::max<int64_t>(bytes, 1) + 63) / 64 * 64)) {
    if (!p)
      finding("out of memory for a " + std::to_string(bytes) + "-byte buffer");
    std::memset(p, 0, (std::max<int64_t>(bytes, 1) + 63) / 64 * 64);
  }
  ~Buffer() { std::free(p); }
  Buffer(const Buffer &) = delete;
  Buffer &operator=(const Buffer &) = delete;
  void *p;
};

/// Bytes of a Tensor as stored (blocked layouts pad their blocked dims).
int64_t storageBytes(const contract::Tensor &t) {
  int64_t bytes = static_cast<int64_t>(rt::dtypeSize(t.dtype));
  for (int64_t i = 0; i < t.rank(); ++i) {
    int64_t block = 1;
    for (const contract::Block &b : t.blocks)
      if (b.dim == i)
        block *= b.size;
    int64_t padded = (t.dims[i] + block - 1) / block * block;
    if (padded != 0 && bytes > kMaxBuffer / padded)
      return -1;
    bytes *= padded;
  }
  return bytes;
}

/// The aicrt_exec arguments of a decoded descriptor, in contract order.
template <class D> std::vector<contract::Tensor> execTensors(const D &d) {
  std::vector<contract::Tensor> tensors, postOps;
  d.forEachField([&](const char *, const auto &v) {
    using T = std::decay_t<decltype(v)>;
    if constexpr (std::is_same_v<T, contract::Tensor>)
      tensors.push_back(v);
    else if constexpr (std::is_same_v<T, std::optional<contract::Tensor>>) {
      if (v)
        tensors.push_back(*v);
    } else if constexpr (std::is_same_v<T, std::vector<contract::Tensor>>)
      tensors.insert(tensors.end(), v.begin(), v.end());
    else if constexpr (std::is_same_v<T, std::vector<contract::PostOp>>)
      for (const contract::PostOp &op : v)
        if (op.kind == AIC_POSTOP_BINARY)
          postOps.push_back(op.operand);
  });
  tensors.insert(tensors.end(), postOps.begin(), postOps.end());
  return tensors;
}

std::vector<contract::Tensor> decodeExecTensors(const std::vector<int64_t> &w) {
  int64_t len = static_cast<int64_t>(w.size());
  switch (w.empty() ? 0 : w[0]) {
#define AIC_PRIM(Name, KIND, code)                                             \
  case code:                                                                   \
    return execTensors(rt::decode<contract::Name>(w.data(), len, "fuzz",       \
                                                  /*allowDynamicDims=*/true));
#include "aic/primitives.def"
  default:
    rt::fail(AIC_ERROR_INVALID_MODEL, "unknown kind");
  }
}

/// One input: the model it describes and the calls to make.
struct Case {
  aic_model_meta meta{};
  std::vector<aic_model_tensor_meta> tensors[2];
  std::vector<std::vector<int64_t>> shapes;
  std::vector<std::unique_ptr<Buffer>> values;
  std::string longName = std::string(AIC_MAX_NAME_BYTES + 10, 'n');
  std::vector<std::string> names;
  struct Desc {
    int32_t id;
    std::vector<int64_t> words;
  };
  std::vector<Desc> descs;
  std::vector<char> created;
};

Case *current = nullptr;

void readTensorTable(Words &in, Case &c, int which, int64_t count) {
  // The runtime may read up to AIC_MAX_MODEL_TENSORS entries of a valid
  // count; beyond the described ones they are plain f32 scalars.
  int64_t entries =
      std::max<int64_t>(0, std::min<int64_t>(count, AIC_MAX_MODEL_TENSORS + 1));
  std::vector<aic_model_tensor_meta> &table = c.tensors[which];
  table.resize(entries);
  c.names.reserve(2 * (AIC_MAX_MODEL_TENSORS + 1));
  c.shapes.reserve(2 * kMaxTensors);
  for (int64_t i = 0; i < entries; ++i) {
    c.names.push_back((which ? "y" : "x") + std::to_string(i));
    aic_model_tensor_meta &t = table[i];
    t = {c.names.back().c_str(), AIC_DTYPE_FLOAT32, 0, nullptr, nullptr};
    if (i >= kMaxTensors)
      continue;
    t.dtype = static_cast<int32_t>(in.next());
    t.rank = static_cast<int32_t>(in.next());
    // Beyond AIC_MAX_RANK the runtime must stop before reading the dims.
    int64_t dims =
        std::max<int64_t>(0, std::min<int64_t>(t.rank, AIC_MAX_RANK));
    c.shapes.emplace_back();
    for (int64_t d = 0; d < dims; ++d)
      c.shapes.back().push_back(in.next());
    t.shape = dims ? c.shapes.back().data() : nullptr;
    switch (in.below(4)) {
    case 1:
      t.name = "";
      break;
    case 2:
      t.name = nullptr;
      break;
    case 3:
      t.name = c.longName.c_str();
      break;
    default:
      break;
    }
    if (in.below(2) && which == 0) {
      // A compiled-for value sized as the tensor says (if it can be).
      int64_t bytes = static_cast<int64_t>(rt::dtypeSize(t.dtype));
      for (int64_t d : c.shapes.back())
        bytes = d >= 0 && bytes >= 0 && (d == 0 || bytes <= kMaxBuffer / d)
                    ? bytes * d
                    : -1;
      if (bytes >= 0 && bytes <= AIC_MAX_VALUE_BYTES && t.rank == dims) {
        c.values.push_back(std::make_unique<Buffer>(bytes));
        t.value = c.values.back()->p;
      }
    }
  }
}

int32_t hookInit(aicrt_context *ctx) {
  Case &c = *current;
  c.created.assign(c.descs.size(), 0);
  for (size_t i = 0; i < c.descs.size(); ++i) {
    const Case::Desc &d = c.descs[i];
    std::string name = "p" + std::to_string(i);
    int32_t rc =
        aicrt_create(ctx, d.id, d.words.data(),
                     static_cast<int64_t>(d.words.size()), name.c_str());
    if (rc != 0)
      return rc;
    c.created[i] = 1;
  }
  return 0;
}

int32_t hookRun(aicrt_exec_state *st, void *const *, void *const *, void *) {
  Case &c = *current;
  for (size_t i = 0; i < c.descs.size(); ++i) {
    if (!c.created[i])
      continue;
    std::vector<contract::Tensor> tensors;
    try {
      tensors = decodeExecTensors(c.descs[i].words);
    } catch (const std::exception &e) {
      finding(std::string("a created descriptor does not decode: ") + e.what());
    }
    int64_t total = 0;
    for (const contract::Tensor &t : tensors) {
      int64_t bytes = storageBytes(t);
      if (bytes < 0 || total > kMaxBuffer - bytes)
        return 0; // too big to execute here
      total += bytes;
    }
    std::vector<std::unique_ptr<Buffer>> buffers;
    std::vector<void *> args;
    for (const contract::Tensor &t : tensors) {
      buffers.push_back(std::make_unique<Buffer>(storageBytes(t)));
      args.push_back(buffers.back()->p);
    }
    int32_t rc = aicrt_exec(st, c.descs[i].id, args.data(),
                            static_cast<int32_t>(args.size()));
    if (rc != 0)
      return rc;
  }
  // A primitive that does not exist, and a wrong argument count.
  void *none = nullptr;
  if (aicrt_exec(st, static_cast<int32_t>(c.descs.size()) + 1000, &none, 1) ==
      0)
    finding("aicrt_exec accepted a primitive id that does not exist");
  for (size_t i = 0; i < c.descs.size(); ++i)
    if (c.created[i] && aicrt_exec(st, c.descs[i].id, &none, 1000) == 0)
      finding("aicrt_exec accepted 1000 arguments");
  return 0;
}

/// Checks the C API's error contract after a call.
/// With AIC_FUZZ_PRINT_ERRORS set, every failure is printed.
void checkStatus(aic_status_t st, const char *call) {
  if (std::getenv("AIC_FUZZ_PRINT_ERRORS"))
    std::fprintf(stderr, "%s: %s %s\n", call, aic_status_string(st),
                 st == AIC_OK ? "" : aic_last_error());
  if (st == AIC_OK)
    return;
  const char *message = aic_last_error();
  if (!message || !*message || std::strchr(message, '\n'))
    finding(std::string(call) + " failed without a one-line message: '" +
            (message ? message : "(null)") + "'");
}

void runCase(Words &in, aic_model_t *model) {
  size_t numIn = aic_model_num_inputs(model),
         numOut = aic_model_num_outputs(model);
  for (int64_t runs = in.below(4); runs > 0; --runs) {
    int64_t flags = in.next();
    if (flags & 4)
      checkStatus(aic_model_set_profiling(model, (flags >> 3) & 1),
                  "aic_model_set_profiling");
    int64_t skew = in.below(3) - 1; // one tensor too few, right, too many
    std::vector<std::vector<int64_t>> shapes;
    std::vector<std::unique_ptr<Buffer>> buffers;
    std::vector<aic_tensor_t> tensors[2];
    for (int which = 0; which < 2; ++which) {
      size_t n = which ? numOut : numIn;
      size_t passed = static_cast<size_t>(std::max<int64_t>(0, n + skew));
      shapes.reserve(numIn + numOut + 2);
      for (size_t i = 0; i < passed; ++i) {
        aic_tensor_info_t info{};
        if (i < n)
          checkStatus(which ? aic_model_output_info(model, i, &info)
                            : aic_model_input_info(model, i, &info),
                      "aic_model_*_info");
        else
          info = {"extra", AIC_DTYPE_FLOAT32, 0, nullptr};
        shapes.emplace_back(info.shape, info.shape + info.rank);
        std::vector<int64_t> &shape = shapes.back();
        aic_tensor_t t{nullptr, info.dtype, info.rank, nullptr};
        bool nullData = false, nullShape = false;
        switch (in.below(10)) {
        case 1:
          t.dtype = static_cast<aic_dtype_t>(t.dtype + 1);
          break;
        case 2:
          if (!shape.empty())
            shape.pop_back();
          break;
        case 3:
          shape.push_back(1);
          break;
        case 4:
          if (!shape.empty()) {
            int64_t &d = shape[in.below(shape.size())];
            d = d <= std::numeric_limits<int64_t>::max() / 2 ? d * 2 : d;
          }
          break;
        case 5:
          nullData = true;
          break;
        case 6:
          nullShape = !shape.empty();
          break;
        case 7:
          if (!shape.empty())
            shape[in.below(shape.size())] = -1;
          break;
        default:
          break;
        }
        t.rank = static_cast<int32_t>(shape.size());
        t.shape = nullShape ? nullptr : shape.data();
        // The caller's buffer always holds what its own shape says; a shape
        // too large to allocate (or with a negative dim) comes without data,
        // as no caller has such a buffer (the runtime reads input strings).
        int64_t bytes = static_cast<int64_t>(aic_dtype_size(t.dtype));
        for (int64_t d : shape)
          bytes = d >= 0 && bytes >= 0 && (d == 0 || bytes <= kMaxBuffer / d)
                      ? bytes * d
                      : -1;
        buffers.push_back(std::make_unique<Buffer>(bytes < 0 ? 64 : bytes));
        t.data = nullData || bytes < 0 ? nullptr : buffers.back()->p;
        tensors[which].push_back(t);
      }
    }
    if (flags & 16) {
      // The runtime allocates the outputs; a failed run leaves them empty.
      // A caller asks for that only if it can hold them: static outputs
      // larger than the run's buffer budget are left out (the runtime would
      // allocate them, as it should).
      bool fits = true;
      for (size_t i = 0; i < numOut; ++i) {
        aic_tensor_info_t info{};
        if (aic_model_output_info(model, i, &info) != AIC_OK)
          continue;
        int64_t bytes = static_cast<int64_t>(aic_dtype_size(info.dtype));
        for (int32_t d = 0; d < info.rank; ++d)
          bytes = info.shape[d] >= 0 && bytes >= 0 &&
                          (info.shape[d] == 0 ||
                           bytes <= kMaxBuffer / info.shape[d])
                      ? bytes * info.shape[d]
                      : (info.shape[d] == AIC_DIM_DYNAMIC ? bytes : -1);
        fits &= bytes >= 0;
      }
      if (!fits)
        continue;
      std::vector<aic_tensor_t> outs(tensors[1].size());
      aic_status_t st = aic_model_run_alloc(
          model, (flags & 1) ? nullptr : tensors[0].data(), tensors[0].size(),
          (flags & 2) ? nullptr : outs.data(), outs.size());
      checkStatus(st, "aic_model_run_alloc");
      for (aic_tensor_t &t : outs)
        aic_tensor_free(&t);
      continue;
    }
    aic_status_t st = aic_model_run(
        model, (flags & 1) ? nullptr : tensors[0].data(), tensors[0].size(),
        (flags & 2) ? nullptr : tensors[1].data(), tensors[1].size());
    checkStatus(st, "aic_model_run");
  }
}

std::string hostPath;
AicFuzzHooks *hooks = nullptr;
aic_model_meta *hostMeta = nullptr;

//===--- Seeds ------------------------------------------------------------===//

void writeSeeds(const char *dir) {
  std::vector<std::vector<int64_t>> descs = aictest::validDescriptors();
  for (size_t k = 0; k <= descs.size(); ++k) {
    // Seed k < n: descriptor k alone; seed n: all of them.
    std::vector<std::vector<int64_t>> chosen =
        k < descs.size() ? std::vector<std::vector<int64_t>>{descs[k]} : descs;
    std::vector<int64_t> w = {0, 1, 1, static_cast<int64_t>(chosen.size()),
                              4096};
    for (int table = 0; table < 2; ++table)
      w.insert(w.end(), {AIC_DTYPE_FLOAT32, 2, 2, 5, 0, 0});
    w.push_back(static_cast<int64_t>(chosen.size()));
    for (const std::vector<int64_t> &d : chosen) {
      w.push_back(0);
      w.push_back(static_cast<int64_t>(d.size()));
      w.insert(w.end(), d.begin(), d.end());
    }
    w.insert(w.end(), {1, 0, 1, 0, 0});
    std::string path = std::string(dir) + "/seed-" + std::to_string(k);
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char *>(w.data()),
               static_cast<std::streamsize>(w.size() * sizeof(int64_t)));
  }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***argv) {
  if (const char *dir = std::getenv("AIC_FUZZ_WRITE_SEEDS")) {
    writeSeeds(dir);
    std::exit(0);
  }
  // runtime_host.so sits beside this program.
  std::string self = (*argv)[0];
  size_t slash = self.rfind('/');
  hostPath = (slash == std::string::npos ? "." : self.substr(0, slash)) +
             "/runtime_host.so";
  void *handle = dlopen(hostPath.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    finding("cannot load " + hostPath + ": " + dlerror());
  hooks = static_cast<AicFuzzHooks *>(dlsym(handle, "aic_fuzz_hooks"));
  hostMeta =
      static_cast<aic_model_meta *>(dlsym(handle, AIC_MODEL_META_SYMBOL));
  if (!hooks || !hostMeta)
    finding(hostPath + " lacks the fuzz hooks");
  hooks->init = hookInit;
  hooks->run = hookRun;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Words in(data, size);
  Case c;
  int64_t version = in.next();
  c.meta.abi_version =
      version == 0 ? AIC_ABI_VERSION : static_cast<int32_t>(version);
  c.meta.num_inputs = static_cast<int32_t>(in.next());
  c.meta.num_outputs = static_cast<int32_t>(in.next());
  c.meta.num_primitives = static_cast<int32_t>(in.next());
  int64_t arena = in.next();
  // Any size the machine can allocate; the runtime must reject the rest.
  c.meta.arena_bytes = arena > kMaxBuffer ? arena % kMaxBuffer : arena;
  readTensorTable(in, c, 0, c.meta.num_inputs);
  readTensorTable(in, c, 1, c.meta.num_outputs);
  c.meta.inputs = c.tensors[0].empty() ? nullptr : c.tensors[0].data();
  c.meta.outputs = c.tensors[1].empty() ? nullptr : c.tensors[1].data();
  for (int64_t n = in.below(kMaxDescs + 1), i = 0; i < n; ++i) {
    Case::Desc d;
    int64_t id = in.next();
    d.id = id == 0 ? static_cast<int32_t>(i) : static_cast<int32_t>(id);
    for (int64_t len = in.below(kMaxDescWords + 1); len > 0; --len)
      d.words.push_back(in.next());
    c.descs.push_back(std::move(d));
  }
  *hostMeta = c.meta;
  current = &c;
  aic_model_t *model = nullptr;
  aic_status_t st = aic_model_load(hostPath.c_str(), &model);
  checkStatus(st, "aic_model_load");
  if (st == AIC_OK) {
    runCase(in, model);
    aic_model_free(model);
  } else if (model) {
    finding("aic_model_load failed but returned a model");
  }
  current = nullptr;
  return 0;
}
