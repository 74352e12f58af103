//===- DataPropagation.cpp - Shape values ONNX 1.12 does not follow -------===//
//
// ONNX's data propagation follows the values of small integer tensors
// computed from shapes, so that an operator reading one gets an output
// shape even where dims are symbolic: Expand(x, Shape(y)) has y's shape.
// ONNX 1.12 falls short on the shape arithmetic exporters write around
// attention, and without it a model with a symbolic batch or sequence length
// loses even the rank of every head split. This file completes it in ONNX's
// schema registry (addDataPropagation), for every version of:
//
// - Div, which ONNX does not follow (PyTorch's d // heads): known values
//   divide as integers, a product divided by one of its factors is the rest;
// - Mul, which ONNX follows for known values only: a symbolic dim times a
//   value or another symbolic dim is their product, spelled as a DimProduct
//   ("4*batch", "batch*seq"), as nn.MultiheadAttention folds the heads into
//   the batch;
// - Cast between integer types, which keeps the values;
// - Equal, Where, ConstantOfShape and Reshape to one dim, with which
//   PyTorch's expand(n, -1) turns its -1s into 1s: Where(Equal(shape, -1),
//   1, shape); a symbolic dim is no negative value;
// - Reshape, whose inference ONNX 1.12 does not let read propagated values
//   at all (its Expand does): a target known symbolically gives the output
//   its dims, 0 copying the input's dim and -1 the product of the input's
//   dims divided by that of the others;
// - Tile by repeats known symbolically: each dim times its repeat;
// - Range(0, n, 1) of a symbolic n, whose length ONNX leaves unknown: n;
// - the broadcasting operators aic takes run-time dims in, where a
//   symbolic dim meets an unknown one (a slice's run-time size): ONNX
//   leaves the output's dim unknown, since the other could be 1; aic checks
//   at run time that they are equal (checkRuntimeBroadcast), so the output
//   keeps the symbol, and reshapes after it stay provable.
//
// The importer runs the same propagation per node on the shapes it refines
// (propagateMissingData), and its Reshape rule reads the products to prove
// which input dims make up which output dims.
//
//===----------------------------------------------------------------------===//
#include "ImporterImpl.h"

#include "onnx/defs/schema.h"
#include "onnx/defs/shape_inference.h"
#include "onnx/defs/tensor_proto_util.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace {

bool isShapeDataType(const onnx::TypeProto *type) {
  if (!type || !type->has_tensor_type())
    return false;
  int32_t et = type->tensor_type().elem_type();
  return et == onnx::TensorProto::INT64 || et == onnx::TensorProto::INT32;
}

using Dim = onnx::TensorShapeProto::Dimension;

/// A value or a symbolic dim as a product; empty for unknown dims and
/// values a shape's dim cannot be.
std::optional<aic::importer::DimProduct> toProduct(const Dim &dim) {
  if (dim.has_dim_param())
    return aic::importer::parseDimProduct(dim.dim_param());
  if (!dim.has_dim_value() || dim.dim_value() < 0)
    return std::nullopt;
  aic::importer::DimProduct product;
  product.factor = dim.dim_value();
  return product;
}

void setDim(Dim &dim, const aic::importer::DimProduct &product) {
  if (product.names.empty())
    dim.set_dim_value(product.factor);
  else
    dim.set_dim_param(product.str());
}

/// Propagates an elementwise binary operator of shape values (numpy
/// broadcasting of a 1-element side) by `fn`, which sets the result dim.
template <typename Fn>
void propagateBinary(onnx::DataPropagationContext &ctx, Fn fn) {
  if (ctx.getNumInputs() != 2 || !isShapeDataType(ctx.getInputType(0)) ||
      !isShapeDataType(ctx.getInputType(1)))
    return;
  const onnx::TensorShapeProto *lhs = ctx.getInputData(0);
  const onnx::TensorShapeProto *rhs = ctx.getInputData(1);
  if (!lhs || !rhs)
    return;
  int n = lhs->dim_size(), m = rhs->dim_size();
  if (n == 0 || m == 0 || (n != m && n != 1 && m != 1))
    return;
  onnx::TensorShapeProto result;
  for (int i = 0, size = std::max(n, m); i < size; ++i)
    fn(lhs->dim(n == 1 ? 0 : i), rhs->dim(m == 1 ? 0 : i), *result.add_dim());
  ctx.addOutputData(0, std::move(result));
}

/// Mul: values multiply as ONNX's own propagation does; a symbolic dim
/// times a value or another symbolic dim is their product.
void propagateMul(onnx::DataPropagationContext &ctx) {
  propagateBinary(ctx, [](const Dim &x, const Dim &y, Dim &result) {
    int64_t product;
    if (x.has_dim_value() && y.has_dim_value()) {
      if (!llvm::MulOverflow(x.dim_value(), y.dim_value(), product))
        result.set_dim_value(product);
      return;
    }
    std::optional<aic::importer::DimProduct> a = toProduct(x), b = toProduct(y);
    if (!a || !b)
      return;
    if (std::optional<aic::importer::DimProduct> p = a->times(*b))
      setDim(result, *p);
  });
}

/// Div (integer): known values divide; a product divided by one of its
/// factors is the rest.
void propagateDiv(onnx::DataPropagationContext &ctx) {
  propagateBinary(ctx, [](const Dim &x, const Dim &y, Dim &result) {
    std::optional<aic::importer::DimProduct> a = toProduct(x), b = toProduct(y);
    if (!a || !b || (b->names.empty() && b->factor == 0))
      return;
    if (a->names.empty() && b->names.empty()) {
      result.set_dim_value(a->factor / b->factor);
      return;
    }
    if (std::optional<aic::importer::DimProduct> q = a->dividedBy(*b))
      setDim(result, *q);
  });
}

/// Cast between integer types: the same values (shape values fit both).
void propagateCast(onnx::DataPropagationContext &ctx) {
  const onnx::AttributeProto *to = ctx.getAttribute("to");
  if (ctx.getNumInputs() != 1 || !to || !isShapeDataType(ctx.getInputType(0)) ||
      (to->i() != onnx::TensorProto::INT64 &&
       to->i() != onnx::TensorProto::INT32))
    return;
  if (const onnx::TensorShapeProto *input = ctx.getInputData(0)) {
    onnx::TensorShapeProto copy = *input;
    ctx.addOutputData(0, std::move(copy));
  }
}

/// Equal of shape values: known values compare; a symbolic dim equals
/// itself and no negative value (a dim is at least 0). The booleans are
/// values 1 and 0, for Where to read.
void propagateEqual(onnx::DataPropagationContext &ctx) {
  propagateBinary(ctx, [](const Dim &x, const Dim &y, Dim &result) {
    if (x.has_dim_value() && y.has_dim_value())
      result.set_dim_value(x.dim_value() == y.dim_value());
    else if (x.has_dim_param() && y.has_dim_param() &&
             x.dim_param() == y.dim_param())
      result.set_dim_value(1);
    else if ((x.has_dim_param() && y.has_dim_value() && y.dim_value() < 0) ||
             (y.has_dim_param() && x.has_dim_value() && x.dim_value() < 0))
      result.set_dim_value(0);
  });
}

/// Where of shape values (`expand(n, -1)` replaces its -1s by 1s with
/// Where(Equal(shape, -1), 1, shape)): the chosen side's value where the
/// condition is known.
void propagateWhere(onnx::DataPropagationContext &ctx) {
  if (ctx.getNumInputs() != 3 || !isShapeDataType(ctx.getInputType(1)) ||
      !isShapeDataType(ctx.getInputType(2)))
    return;
  const onnx::TensorShapeProto *values[3];
  int size = 1;
  for (int i = 0; i < 3; ++i) {
    values[i] = ctx.getInputData(i);
    if (!values[i] || values[i]->dim_size() == 0)
      return;
    int n = values[i]->dim_size();
    if (n != 1 && size != 1 && n != size)
      return;
    size = std::max(size, n);
  }
  onnx::TensorShapeProto result;
  for (int k = 0; k < size; ++k) {
    auto at = [&](int i) -> const Dim & {
      return values[i]->dim(values[i]->dim_size() == 1 ? 0 : k);
    };
    Dim *dim = result.add_dim();
    if (at(0).has_dim_value())
      *dim = at(0).dim_value() ? at(1) : at(2);
  }
  ctx.addOutputData(0, std::move(result));
}

/// ConstantOfShape of an integer value and a known length (a small 1-D
/// result): that many copies of the value.
void propagateConstantOfShape(onnx::DataPropagationContext &ctx) {
  const onnx::TensorShapeProto *shape =
      ctx.getNumInputs() == 1 ? ctx.getInputData(0) : nullptr;
  const onnx::AttributeProto *value = ctx.getAttribute("value");
  if (!shape || shape->dim_size() != 1 || !shape->dim(0).has_dim_value() ||
      shape->dim(0).dim_value() > 64 || !value || !value->has_t())
    return;
  const onnx::TensorProto &t = value->t();
  int64_t v;
  if (t.data_type() == onnx::TensorProto::INT64 && t.int64_data_size() == 1)
    v = t.int64_data(0);
  else if (t.data_type() == onnx::TensorProto::INT64 &&
           t.raw_data().size() == sizeof(int64_t))
    std::memcpy(&v, t.raw_data().data(), sizeof(v));
  else
    return;
  onnx::TensorShapeProto result;
  for (int64_t k = 0; k < shape->dim(0).dim_value(); ++k)
    result.add_dim()->set_dim_value(v);
  ctx.addOutputData(0, std::move(result));
}

/// Reshape of a shape value to one dim (PyTorch flattens the shape it
/// builds for expand): the same values.
void propagateReshape(onnx::DataPropagationContext &ctx) {
  if (ctx.getNumInputs() != 2 || !isShapeDataType(ctx.getInputType(0)))
    return;
  const onnx::TensorShapeProto *data = ctx.getInputData(0);
  const onnx::TensorShapeProto *target = ctx.getInputData(1);
  if (!data || !target || target->dim_size() != 1 ||
      !target->dim(0).has_dim_value() ||
      (target->dim(0).dim_value() != -1 &&
       target->dim(0).dim_value() != data->dim_size()))
    return;
  onnx::TensorShapeProto copy = *data;
  ctx.addOutputData(0, std::move(copy));
}

/// The -1 dim of a Reshape from `in` to `out` (whose dim `skip` is the -1):
/// the product of the input's dims divided by that of the output's others;
/// unknown if that is not a product.
Dim inferRemainingDim(const onnx::TensorShapeProto &in,
                      const onnx::TensorShapeProto &out, int skip) {
  Dim result;
  aic::importer::DimProduct inProduct, outProduct;
  for (const Dim &dim : in.dim()) {
    std::optional<aic::importer::DimProduct> p = toProduct(dim);
    if (!p || !(p = inProduct.times(*p)))
      return result;
    inProduct = *p;
  }
  for (int i = 0; i < out.dim_size(); ++i) {
    if (i == skip)
      continue;
    std::optional<aic::importer::DimProduct> p = toProduct(out.dim(i));
    if (!p || !(p = outProduct.times(*p)))
      return result;
    outProduct = *p;
  }
  if (outProduct.names.empty() && outProduct.factor == 0)
    return result;
  if (std::optional<aic::importer::DimProduct> q =
          inProduct.dividedBy(outProduct))
    setDim(result, *q);
  return result;
}

/// Reshape's output dims ONNX leaves unknown when its target is known only
/// symbolically, or its input's dims are (a -1 over a symbolic batch).
void inferSymbolicReshape(onnx::InferenceContext &ctx) {
  if (ctx.getNumInputs() != 2 || ctx.getNumOutputs() != 1)
    return;
  const onnx::TensorShapeProto *target = ctx.getSymbolicInput(1);
  // A constant target: ONNX infers its -1 only from an input of values.
  onnx::TensorShapeProto constant;
  if (const onnx::TensorProto *data = ctx.getInputData(1)) {
    if (data->data_type() != onnx::TensorProto::INT64)
      return;
    for (int64_t v : onnx::ParseData<int64_t>(data))
      constant.add_dim()->set_dim_value(v);
    target = &constant;
  }
  const onnx::TypeProto *in = ctx.getInputType(0);
  onnx::TypeProto *out = ctx.getOutputType(0);
  if (!target || !in || !in->has_tensor_type() ||
      !in->tensor_type().has_shape() || !out || !out->has_tensor_type())
    return;
  const onnx::AttributeProto *allowZero = ctx.getAttribute("allowzero");
  bool copyZero = !allowZero || allowZero->i() == 0;
  const onnx::TensorShapeProto &inShape = in->tensor_type().shape();
  onnx::TensorShapeProto shape;
  int remaining = -1;
  for (int i = 0; i < target->dim_size(); ++i) {
    const onnx::TensorShapeProto::Dimension &dim = target->dim(i);
    onnx::TensorShapeProto::Dimension *result = shape.add_dim();
    if (dim.has_dim_param()) {
      result->set_dim_param(dim.dim_param());
    } else if (!dim.has_dim_value()) {
      continue;
    } else if (dim.dim_value() == 0 && copyZero) {
      if (i >= inShape.dim_size())
        return;
      *result = inShape.dim(i);
    } else if (dim.dim_value() == -1) {
      if (remaining >= 0)
        return;
      remaining = i;
    } else if (dim.dim_value() < 0) {
      return;
    } else {
      result->set_dim_value(dim.dim_value());
    }
  }
  if (remaining >= 0)
    *shape.mutable_dim(remaining) =
        inferRemainingDim(inShape, shape, remaining);
  // ONNX's own inference may have typed some dims: fill in the others.
  onnx::TensorShapeProto *typed = out->mutable_tensor_type()->mutable_shape();
  if (!out->tensor_type().has_shape() ||
      typed->dim_size() != shape.dim_size()) {
    *typed = std::move(shape);
    return;
  }
  for (int d = 0; d < shape.dim_size(); ++d)
    if (!typed->dim(d).has_dim_value() && !typed->dim(d).has_dim_param())
      *typed->mutable_dim(d) = shape.dim(d);
}

/// Gives each output dim ONNX left unknown the symbol of the inputs' dims at
/// that position (aligned from the end) when they have exactly one symbol
/// and no static extent but 1.
void inferBroadcastSymbols(onnx::InferenceContext &ctx) {
  onnx::TypeProto *out =
      ctx.getNumOutputs() == 1 ? ctx.getOutputType(0) : nullptr;
  if (!out || !out->has_tensor_type() || !out->tensor_type().has_shape())
    return;
  onnx::TensorShapeProto *shape = out->mutable_tensor_type()->mutable_shape();
  int rank = shape->dim_size();
  for (int d = 0; d < rank; ++d) {
    Dim *dim = shape->mutable_dim(d);
    if (dim->has_dim_value() || dim->has_dim_param())
      continue;
    std::string symbol;
    bool usable = true;
    for (size_t i = 0; i < ctx.getNumInputs() && usable; ++i) {
      const onnx::TypeProto *in = ctx.getInputType(i);
      if (!in || !in->has_tensor_type() || !in->tensor_type().has_shape()) {
        usable = false;
        break;
      }
      const onnx::TensorShapeProto &inShape = in->tensor_type().shape();
      int k = d - (rank - inShape.dim_size());
      if (k < 0)
        continue;
      const Dim &inDim = inShape.dim(k);
      if (inDim.has_dim_value())
        usable = inDim.dim_value() == 1;
      else if (inDim.has_dim_param()) {
        usable = symbol.empty() || symbol == inDim.dim_param();
        symbol = inDim.dim_param();
      }
    }
    if (usable && !symbol.empty())
      dim->set_dim_param(symbol);
  }
}

/// The integer value of scalar input `i`: a constant's, or a propagated
/// value's; nullopt if unknown.
std::optional<int64_t> getScalarValue(onnx::InferenceContext &ctx, size_t i) {
  if (const onnx::TensorProto *t = ctx.getInputData(i)) {
    if (t->data_type() == onnx::TensorProto::INT64 && t->int64_data_size() == 1)
      return t->int64_data(0);
    if (t->data_type() == onnx::TensorProto::INT32 && t->int32_data_size() == 1)
      return t->int32_data(0);
    int64_t v64;
    int32_t v32;
    if (t->data_type() == onnx::TensorProto::INT64 &&
        t->raw_data().size() == sizeof(v64)) {
      std::memcpy(&v64, t->raw_data().data(), sizeof(v64));
      return v64;
    }
    if (t->data_type() == onnx::TensorProto::INT32 &&
        t->raw_data().size() == sizeof(v32)) {
      std::memcpy(&v32, t->raw_data().data(), sizeof(v32));
      return v32;
    }
    return std::nullopt;
  }
  const onnx::TensorShapeProto *data = ctx.getSymbolicInput(i);
  if (data && data->dim_size() == 1 && data->dim(0).has_dim_value())
    return data->dim(0).dim_value();
  return std::nullopt;
}

/// Range(0, n, 1) of a symbolic n (`arange(seq)`, position ids): ONNX
/// leaves its length unknown; it is n.
void inferSymbolicRange(onnx::InferenceContext &ctx) {
  onnx::TypeProto *out =
      ctx.getNumOutputs() == 1 ? ctx.getOutputType(0) : nullptr;
  if (ctx.getNumInputs() != 3 || !out || !out->has_tensor_type() ||
      !isShapeDataType(ctx.getInputType(1)))
    return;
  onnx::TensorShapeProto *shape = out->mutable_tensor_type()->mutable_shape();
  if (shape->dim_size() != 1 || shape->dim(0).has_dim_value() ||
      shape->dim(0).has_dim_param())
    return;
  std::optional<int64_t> start = getScalarValue(ctx, 0);
  std::optional<int64_t> delta = getScalarValue(ctx, 2);
  const onnx::TensorShapeProto *limit = ctx.getSymbolicInput(1);
  if (start == 0 && delta == 1 && limit && limit->dim_size() == 1 &&
      limit->dim(0).has_dim_param())
    shape->mutable_dim(0)->set_dim_param(limit->dim(0).dim_param());
}

/// ConstantOfShape of a shape known only symbolically (PyTorch's zero
/// initial states, `zeros(layers, x.size(1), hidden)`): ONNX types its
/// output from a constant shape only; the known entries, values and
/// symbols, are its dims.
void inferSymbolicConstantOfShape(onnx::InferenceContext &ctx) {
  onnx::TypeProto *out =
      ctx.getNumOutputs() == 1 ? ctx.getOutputType(0) : nullptr;
  const onnx::TensorShapeProto *shape =
      ctx.getNumInputs() == 1 ? ctx.getSymbolicInput(0) : nullptr;
  if (!out || !out->has_tensor_type() || !shape)
    return;
  onnx::TensorShapeProto *typed = out->mutable_tensor_type()->mutable_shape();
  if (typed->dim_size() == 0)
    for (int d = 0; d < shape->dim_size(); ++d)
      typed->add_dim();
  if (typed->dim_size() != shape->dim_size())
    return;
  for (int d = 0; d < shape->dim_size(); ++d) {
    const Dim &entry = shape->dim(d);
    Dim *dim = typed->mutable_dim(d);
    if (dim->has_dim_value() || dim->has_dim_param())
      continue;
    if (entry.has_dim_value() && entry.dim_value() >= 0)
      dim->set_dim_value(entry.dim_value());
    else if (entry.has_dim_param())
      dim->set_dim_param(entry.dim_param());
  }
}

/// The operands of Expand and Tile: the input's shape and the symbolic
/// values of input 1, and the output's dims for an inference to fill in (as
/// many as `rank` of them gives, added where ONNX gave none); false where
/// any is missing or ONNX gave the output another rank.
bool getShapeOperands(onnx::InferenceContext &ctx,
                      const onnx::TensorShapeProto *&inShape,
                      const onnx::TensorShapeProto *&values,
                      onnx::TensorShapeProto *&typed,
                      int (*rank)(int inRank, int valuesRank)) {
  onnx::TypeProto *out =
      ctx.getNumOutputs() == 1 ? ctx.getOutputType(0) : nullptr;
  values = ctx.getNumInputs() == 2 ? ctx.getSymbolicInput(1) : nullptr;
  const onnx::TypeProto *in = ctx.getInputType(0);
  if (!out || !out->has_tensor_type() || !values || !in ||
      !in->has_tensor_type() || !in->tensor_type().has_shape())
    return false;
  inShape = &in->tensor_type().shape();
  int n = rank(inShape->dim_size(), values->dim_size());
  if (n < 0)
    return false;
  typed = out->mutable_tensor_type()->mutable_shape();
  if (typed->dim_size() == 0)
    for (int d = 0; d < n; ++d)
      typed->add_dim();
  return typed->dim_size() == n;
}

/// Expand to a shape known only symbolically: each output dim ONNX left
/// unknown is the target's entry where the input's dim (aligned from the
/// end) is absent or 1, or the input's where the entry is 1.
void inferSymbolicExpand(onnx::InferenceContext &ctx) {
  const onnx::TensorShapeProto *in, *target;
  onnx::TensorShapeProto *typed;
  if (!getShapeOperands(ctx, in, target, typed, [](int inRank, int targetRank) {
        return std::max(inRank, targetRank);
      }))
    return;
  const onnx::TensorShapeProto &inShape = *in;
  int rank = typed->dim_size();
  for (int d = 0; d < rank; ++d) {
    Dim *dim = typed->mutable_dim(d);
    if (dim->has_dim_value() || dim->has_dim_param())
      continue;
    int k = d - (rank - inShape.dim_size()),
        t = d - (rank - target->dim_size());
    const Dim *inDim = k >= 0 ? &inShape.dim(k) : nullptr;
    const Dim *entry = t >= 0 ? &target->dim(t) : nullptr;
    bool inIsOne =
        !inDim || (inDim->has_dim_value() && inDim->dim_value() == 1);
    bool entryIsOne =
        !entry || (entry->has_dim_value() && entry->dim_value() == 1);
    const Dim *from = inIsOne ? entry : entryIsOne ? inDim : nullptr;
    if (!from)
      continue;
    if (from->has_dim_value() && from->dim_value() >= 0)
      dim->set_dim_value(from->dim_value());
    else if (from->has_dim_param())
      dim->set_dim_param(from->dim_param());
  }
}

/// Tile's output dims ONNX leaves unknown when its repeats are known only
/// symbolically (x.repeat(y.size(0), 1)): each is the input's dim times its
/// repeat, a product when either is symbolic.
void inferSymbolicTile(onnx::InferenceContext &ctx) {
  const onnx::TensorShapeProto *inShape, *repeats;
  onnx::TensorShapeProto *typed;
  if (!getShapeOperands(ctx, inShape, repeats, typed,
                        [](int inRank, int repeatsRank) {
                          return inRank == repeatsRank ? inRank : -1;
                        }))
    return;
  int rank = typed->dim_size();
  for (int d = 0; d < rank; ++d) {
    Dim *dim = typed->mutable_dim(d);
    if (dim->has_dim_value() || dim->has_dim_param())
      continue;
    std::optional<aic::importer::DimProduct> a = toProduct(inShape->dim(d)),
                                             b = toProduct(repeats->dim(d));
    if (!a || !b)
      continue;
    if (a->factor == 0 || b->factor == 0)
      dim->set_dim_value(0);
    else if (std::optional<aic::importer::DimProduct> p = a->times(*b))
      setDim(*dim, *p);
  }
}

/// The versions of `op` in the default domain.
std::vector<onnx::OpSchema *> getVersions(const std::string &op) {
  std::vector<int> versions;
  for (const onnx::OpSchema &schema :
       onnx::OpSchemaRegistry::get_all_schemas_with_history())
    if (schema.domain().empty() && schema.Name() == op)
      versions.push_back(schema.SinceVersion());
  std::vector<onnx::OpSchema *> schemas;
  for (int version : versions) {
    auto *schema = const_cast<onnx::OpSchema *>(
        onnx::OpSchemaRegistry::Schema(op, version));
    if (schema && schema->SinceVersion() == version)
      schemas.push_back(schema);
  }
  return schemas;
}

/// Runs `extra` after ONNX's inference of every version of `op` from
/// `sinceVersion` on.
void extendInference(const char *op, void (*extra)(onnx::InferenceContext &),
                     int sinceVersion = 1) {
  for (onnx::OpSchema *schema : getVersions(op)) {
    onnx::InferenceFunction original =
        schema->GetTypeAndShapeInferenceFunction();
    if (!original || schema->SinceVersion() < sinceVersion)
      continue;
    schema->TypeAndShapeInferenceFunction(
        [original, extra](onnx::InferenceContext &ctx) {
          original(ctx);
          extra(ctx);
        });
  }
}

} // namespace

void aic::importer::addDataPropagation() {
  for (onnx::OpSchema *schema : getVersions("Div"))
    schema->PartialDataPropagationFunction(propagateDiv);
  for (onnx::OpSchema *schema : getVersions("Mul"))
    schema->PartialDataPropagationFunction(propagateMul);
  for (onnx::OpSchema *schema : getVersions("Cast"))
    if (!schema->has_data_propagation_function())
      schema->PartialDataPropagationFunction(propagateCast);
  for (auto [op, fn] : {std::pair<const char *, onnx::DataPropagationFunction>(
                            "Equal", propagateEqual),
                        {"Where", propagateWhere},
                        {"Reshape", propagateReshape},
                        {"ConstantOfShape", propagateConstantOfShape}})
    for (onnx::OpSchema *schema : getVersions(op))
      if (!schema->has_data_propagation_function())
        schema->PartialDataPropagationFunction(fn);
  for (const char *op :
       {"Add", "Sub", "Mul", "Div", "Pow", "Equal", "Less", "LessOrEqual",
        "Greater", "GreaterOrEqual", "And", "Or", "Xor", "PRelu", "Where"})
    extendInference(op, inferBroadcastSymbols);
  extendInference("Range", inferSymbolicRange);
  extendInference("ConstantOfShape", inferSymbolicConstantOfShape);
  extendInference("Expand", inferSymbolicExpand);
  extendInference("Tile", inferSymbolicTile, /*sinceVersion=*/6);
  // Reshape-1 takes its target from an attribute.
  extendInference("Reshape", inferSymbolicReshape, /*sinceVersion=*/5);
}
