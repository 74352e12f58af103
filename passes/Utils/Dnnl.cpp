//===- Dnnl.cpp - Questions to oneDNN at compile time ---------------------===//
#include "passes/Utils/Dnnl.h"

#include "mlir/IR/BuiltinTypes.h"

#include <mutex>

using namespace mlir;
using namespace aic;
using dnnl::memory;

FailureOr<dnnl::engine *> aic::getDnnlEngine(StringRef isa, Operation *op) {
  static std::once_flag once;
  static std::string cappedTo;
  static bool capFailed = false;
  std::call_once(once, [&] {
    cappedTo = isa.str();
    if (isa == "host")
      return;
    static const std::pair<StringRef, dnnl::cpu_isa> isas[] = {
        {"sse41", dnnl::cpu_isa::sse41},
        {"avx", dnnl::cpu_isa::avx},
        {"avx2", dnnl::cpu_isa::avx2},
        {"avx512_core", dnnl::cpu_isa::avx512_core},
        {"avx512_core_vnni", dnnl::cpu_isa::avx512_core_vnni},
        {"avx512_core_bf16", dnnl::cpu_isa::avx512_core_bf16},
        {"avx512_core_amx", dnnl::cpu_isa::avx512_core_amx}};
    auto it = llvm::find_if(isas, [&](auto &p) { return p.first == isa; });
    try {
      if (it == std::end(isas))
        capFailed = true;
      else
        dnnl::set_max_cpu_isa(it->second);
    } catch (const dnnl::error &) {
      capFailed = true;
    }
  });
  if (capFailed || cappedTo != isa) {
    op->emitError() << "cannot ask oneDNN about ISA '" << isa
                    << "' (known: host, sse41, avx, avx2, avx512_core, "
                       "avx512_core_vnni, avx512_core_bf16, avx512_core_amx; "
                       "one per process)";
    return failure();
  }
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return &engine;
}

dnnl::algorithm aic::toDnnl(EltwiseKind kind) {
  switch (kind) {
  case EltwiseKind::relu:
    return dnnl::algorithm::eltwise_relu;
  case EltwiseKind::sigmoid:
    return dnnl::algorithm::eltwise_logistic;
  case EltwiseKind::tanh:
    return dnnl::algorithm::eltwise_tanh;
  case EltwiseKind::clip:
    return dnnl::algorithm::eltwise_clip_v2;
  case EltwiseKind::exp:
    return dnnl::algorithm::eltwise_exp;
  case EltwiseKind::linear:
    return dnnl::algorithm::eltwise_linear;
  case EltwiseKind::swish:
    return dnnl::algorithm::eltwise_swish;
  case EltwiseKind::hardswish:
    return dnnl::algorithm::eltwise_hardswish;
  case EltwiseKind::gelu_erf:
    return dnnl::algorithm::eltwise_gelu_erf;
  case EltwiseKind::gelu_tanh:
    return dnnl::algorithm::eltwise_gelu_tanh;
  case EltwiseKind::elu:
    return dnnl::algorithm::eltwise_elu;
  case EltwiseKind::abs:
    return dnnl::algorithm::eltwise_abs;
  }
  return dnnl::algorithm::eltwise_linear;
}

dnnl::algorithm aic::toDnnl(BinaryKind kind) {
  switch (kind) {
  case BinaryKind::add:
    return dnnl::algorithm::binary_add;
  case BinaryKind::sub:
    return dnnl::algorithm::binary_sub;
  case BinaryKind::mul:
    return dnnl::algorithm::binary_mul;
  case BinaryKind::div:
    return dnnl::algorithm::binary_div;
  case BinaryKind::max:
    return dnnl::algorithm::binary_max;
  case BinaryKind::min:
    return dnnl::algorithm::binary_min;
  }
  return dnnl::algorithm::binary_add;
}

memory::dims aic::toDims(ArrayRef<int64_t> shape) {
  return memory::dims(shape.begin(), shape.end());
}

SmallVector<int64_t> aic::representative(ArrayRef<int64_t> shape,
                                         int64_t runtimeSize) {
  SmallVector<int64_t> dims(shape);
  for (int64_t &d : dims)
    if (ShapedType::isDynamic(d))
      d = runtimeSize;
  return dims;
}

memory::desc aic::plainDesc(ArrayRef<int64_t> shape) {
  memory::dims dims = toDims(shape), strides(dims.size());
  int64_t s = 1;
  for (size_t i = dims.size(); i-- > 0;) {
    strides[i] = s;
    s *= std::max<int64_t>(dims[i], 1);
  }
  return memory::desc(dims, memory::data_type::f32, strides);
}

void aic::appendPostOps(dnnl::post_ops &po, ArrayRef<Attribute> chain,
                        ValueRange operands, int64_t rank,
                        function_ref<SmallVector<int64_t>(Value)> dims) {
  unsigned next = 0;
  for (Attribute entry : chain) {
    if (isa<SumPostOpAttr>(entry)) {
      po.append_sum(1.0f);
    } else if (auto e = dyn_cast<EltwisePostOpAttr>(entry)) {
      po.append_eltwise(1.0f, toDnnl(e.getKind()),
                        e.getAlpha().convertToFloat(),
                        e.getBeta().convertToFloat());
    } else {
      SmallVector<int64_t> given = dims(operands[next++]);
      SmallVector<int64_t> shape(rank - given.size(), 1);
      llvm::append_range(shape, given);
      po.append_binary(toDnnl(cast<BinaryPostOpAttr>(entry).getKind()),
                       plainDesc(shape));
    }
  }
}

bool aic::isReference(StringRef impl) { return impl.starts_with("ref"); }
