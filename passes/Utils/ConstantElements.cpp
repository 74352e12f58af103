//===- ConstantElements.cpp - Read and build constant tensors -------------===//
#include "passes/Utils/ConstantElements.h"
#include "dialects/Aic/ResourceBlob.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/StringExtras.h"

#include <cstring>

using namespace mlir;
using namespace aic;

/// Bytes one element takes in a blob; booleans take one byte.
static int64_t getElementBytes(Type elementType) {
  unsigned bits = elementType.getIntOrFloatBitWidth();
  return bits < 8 ? 1 : bits / 8;
}

static bool isSupportedElementType(Type t) {
  return (isa<FloatType>(t) || isa<IntegerType>(t)) &&
         t.getIntOrFloatBitWidth() <= 64;
}

//===----------------------------------------------------------------------===//
// ElementsReader
//===----------------------------------------------------------------------===//

std::optional<ElementsReader> ElementsReader::of(Value value) {
  Attribute attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  return get(attr);
}

std::optional<ElementsReader> ElementsReader::get(Attribute attr) {
  auto typed = dyn_cast_or_null<TypedAttr>(attr);
  auto type = typed ? dyn_cast<ShapedType>(typed.getType()) : ShapedType();
  if (!type || !type.hasStaticShape() ||
      !isSupportedElementType(type.getElementType()))
    return std::nullopt;
  ElementsReader reader(type);
  if (auto dense = dyn_cast<DenseIntOrFPElementsAttr>(attr)) {
    reader.dense = dense;
    reader.splat = dense.isSplat();
    return reader;
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    reader.raw = blob->getData();
    if (static_cast<int64_t>(reader.raw.size()) !=
        type.getNumElements() * getElementBytes(type.getElementType()))
      return std::nullopt;
    return reader;
  }
  return std::nullopt;
}

APInt ElementsReader::getBits(int64_t i) const {
  Type et = getElementType();
  unsigned bits = et.getIntOrFloatBitWidth();
  if (dense) {
    if (splat)
      i = 0;
    if (isa<FloatType>(et))
      return (*(dense.getValues<APFloat>().begin() + i)).bitcastToAPInt();
    return *(dense.getValues<APInt>().begin() + i);
  }
  int64_t bytes = getElementBytes(et);
  uint64_t word = 0;
  // Blobs are little-endian, as is every host aic targets.
  std::memcpy(&word, raw.data() + i * bytes, bytes);
  if (bits == 1)
    return APInt(1, word != 0);
  return APInt(bits, word);
}

APFloat ElementsReader::getFloat(int64_t i) const {
  auto ft = cast<FloatType>(getElementType());
  return APFloat(ft.getFloatSemantics(), getBits(i));
}

double ElementsReader::getDouble(int64_t i) const {
  Type et = getElementType();
  // Fast paths for the weights of a whole model.
  if (et.isF32() && !dense) {
    float f;
    std::memcpy(&f, raw.data() + i * sizeof(float), sizeof(float));
    return f;
  }
  if (et.isF32())
    return *(dense.getValues<float>().begin() + (splat ? 0 : i));
  APFloat f = getFloat(i);
  bool losesInfo;
  f.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &losesInfo);
  return f.convertToDouble();
}

APInt ElementsReader::getInt(int64_t i) const { return getBits(i); }

//===----------------------------------------------------------------------===//
// ElementsBuilder
//===----------------------------------------------------------------------===//

ElementsBuilder::ElementsBuilder(RankedTensorType type)
    : type(type), elementBytes(getElementBytes(type.getElementType())),
      data(type.getNumElements() * elementBytes) {}

void ElementsBuilder::setBits(int64_t i, const APInt &bits) {
  uint64_t word = bits.getZExtValue();
  std::memcpy(data.data() + i * elementBytes, &word, elementBytes);
}

void ElementsBuilder::copyElement(int64_t i, const ElementsReader &src,
                                  int64_t j) {
  if (!src.dense && !type.getElementType().isInteger(1)) {
    std::memcpy(data.data() + i * elementBytes,
                src.raw.data() + j * elementBytes, elementBytes);
    return;
  }
  setBits(i, src.getBits(j));
}

void ElementsBuilder::setDouble(int64_t i, double value) {
  Type et = type.getElementType();
  if (et.isF32()) {
    float f = static_cast<float>(value);
    std::memcpy(data.data() + i * sizeof(float), &f, sizeof(float));
    return;
  }
  APFloat f(value);
  bool losesInfo;
  f.convert(cast<FloatType>(et).getFloatSemantics(),
            APFloat::rmNearestTiesToEven, &losesInfo);
  setFloat(i, f);
}

/// Resource keys are printed bare: identifier characters only (as the
/// importer's ResourceNamer does).
static std::string sanitizeResourceName(StringRef hint) {
  std::string name;
  for (char c : hint)
    name.push_back(llvm::isAlnum(c) || c == '_' || c == '.' ? c : '_');
  if (name.empty() || !(llvm::isAlpha(name[0]) || name[0] == '_'))
    name.insert(name.begin(), '_');
  return name;
}

ElementsAttr ElementsBuilder::build(StringRef nameHint) const {
  int64_t n = type.getNumElements();
  bool isBool = type.getElementType().isInteger(1);
  bool allEqual = true;
  for (int64_t i = 1; i < n && allEqual; ++i)
    allEqual = std::memcmp(data.data(), data.data() + i * elementBytes,
                           elementBytes) == 0;
  if (isBool && (allEqual || n <= kMaxInlineElements)) {
    SmallVector<bool> bits;
    for (int64_t i = 0; i < (allEqual ? std::min<int64_t>(n, 1) : n); ++i)
      bits.push_back(data[i] != 0);
    if (allEqual && n > 0)
      return DenseElementsAttr::get(type, bits.front());
    return DenseElementsAttr::get(type, ArrayRef<bool>(bits));
  }
  if (n > 0 && allEqual)
    return DenseElementsAttr::getFromRawBuffer(
        type, ArrayRef<char>(data.data(), elementBytes));
  if (n <= kMaxInlineElements)
    return DenseElementsAttr::getFromRawBuffer(type, data);
  int64_t align = std::max<int64_t>(elementBytes, alignof(uint64_t));
  AsmResourceBlob blob = aic::copyToImmutableBlob(ArrayRef<char>(data), align);
  // The blob manager appends _1, _2, ... when the name is taken.
  return DenseResourceElementsAttr::get(type, sanitizeResourceName(nameHint),
                                        std::move(blob));
}

//===----------------------------------------------------------------------===//
// Free functions
//===----------------------------------------------------------------------===//

DenseElementsAttr aic::makeSplat(ShapedType type, const APInt &bits) {
  Type et = type.getElementType();
  if (auto ft = dyn_cast<FloatType>(et))
    return DenseElementsAttr::get(type, APFloat(ft.getFloatSemantics(), bits));
  if (et.isInteger(1))
    return DenseElementsAttr::get(type, !bits.isZero());
  return DenseElementsAttr::get(type, bits);
}

ElementsAttr aic::reshapeResource(Attribute attr, ShapedType type) {
  auto resource = dyn_cast_or_null<DenseResourceElementsAttr>(attr);
  if (!resource ||
      resource.getType().getElementType() != type.getElementType() ||
      resource.getType().getNumElements() != type.getNumElements())
    return {};
  return DenseResourceElementsAttr::get(type, resource.getRawHandle());
}

std::string aic::getNameHint(Location loc, StringRef fallback) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location child : fused.getLocations()) {
      std::string hint = getNameHint(child, "");
      if (!hint.empty())
        return hint;
    }
  return fallback.str();
}
