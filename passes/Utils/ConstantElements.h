//===- ConstantElements.h - Read and build constant tensors -----*- C++ -*-===//
//
// Graph passes that compute new constants (aic-fold-constants,
// aic-fold-batch-norm) read their inputs from either kind of elements
// attribute the importer makes (inline `dense` or `dense_resource` blobs) and
// write their results the way the importer does: splats and small tensors
// inline, large ones as blobs, so IR dumps stay readable and weights stay out
// of the attribute uniquer.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_PASSES_UTILS_CONSTANTELEMENTS_H
#define AIC_PASSES_UTILS_CONSTANTELEMENTS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/APInt.h"

#include <optional>
#include <string>
#include <vector>

namespace aic {

/// Tensors with more elements become dense_resource blobs: the importer's
/// threshold (lib/Importer/Tensors.cpp), so folded and imported constants
/// look alike.
inline constexpr int64_t kMaxInlineElements = 64;

/// Random access to the elements of a constant tensor of integers or floats,
/// stored inline (`dense<...>`, splat or not) or in a resource blob (packed
/// little-endian, one byte per boolean, as the importer writes them).
class ElementsReader {
public:
  /// A reader for `attr`, or nothing for other attribute kinds, other element
  /// types, or a blob that is missing or of the wrong size.
  static std::optional<ElementsReader> get(mlir::Attribute attr);
  /// A reader for the constant that defines `value`, if it is one.
  static std::optional<ElementsReader> of(mlir::Value value);

  mlir::ShapedType getType() const { return type; }
  mlir::Type getElementType() const { return type.getElementType(); }
  int64_t size() const { return type.getNumElements(); }
  /// All elements are one value (read it at index 0).
  bool isSplat() const { return splat; }

  /// Element `i` of a float tensor.
  llvm::APFloat getFloat(int64_t i) const;
  /// Element `i` of a float tensor, widened exactly to double.
  double getDouble(int64_t i) const;
  /// Element `i` of an integer tensor (i1 as a 1-bit APInt).
  llvm::APInt getInt(int64_t i) const;

private:
  friend class ElementsBuilder;
  ElementsReader(mlir::ShapedType type) : type(type) {}
  llvm::APInt getBits(int64_t i) const;

  mlir::ShapedType type;
  bool splat = false;
  /// Inline storage, read through its own accessors (booleans are packed).
  mlir::DenseElementsAttr dense;
  /// Blob bytes of a dense_resource.
  llvm::ArrayRef<char> raw;
};

/// Collects the elements of a new constant and makes the attribute.
class ElementsBuilder {
public:
  explicit ElementsBuilder(mlir::RankedTensorType type);

  mlir::RankedTensorType getType() const { return type; }
  /// Sets element `i` from its bit pattern (an APFloat's bitcastToAPInt() for
  /// floats).
  void setBits(int64_t i, const llvm::APInt &bits);
  void setFloat(int64_t i, const llvm::APFloat &value) {
    setBits(i, value.bitcastToAPInt());
  }
  /// Sets element `i` of a float tensor to `value` rounded to nearest even
  /// in the element type.
  void setDouble(int64_t i, double value);
  /// Sets element `i` to element `j` of `src`, which has this element type
  /// (a byte copy for blobs, fast enough for a model's weights).
  void copyElement(int64_t i, const ElementsReader &src, int64_t j);

  /// The constant: a splat when all elements are equal, `dense<...>` up to
  /// kMaxInlineElements, else a dense_resource blob whose name starts with
  /// `nameHint` (made unique by the context's blob manager).
  mlir::ElementsAttr build(llvm::StringRef nameHint) const;

private:
  mlir::RankedTensorType type;
  int64_t elementBytes;
  std::vector<char> data;
};

/// The splat of `type` whose elements have bit pattern `bits`.
mlir::DenseElementsAttr makeSplat(mlir::ShapedType type,
                                  const llvm::APInt &bits);

/// A dense_resource of `type` over the same blob as `attr` (a reshape that
/// copies nothing), or null if `attr` is not a dense_resource.
mlir::ElementsAttr reshapeResource(mlir::Attribute attr, mlir::ShapedType type);

/// A resource-name hint from a location: the ONNX node or initializer name
/// the importer put in it, else `fallback`.
std::string getNameHint(mlir::Location loc, llvm::StringRef fallback);

} // namespace aic

#endif // AIC_PASSES_UTILS_CONSTANTELEMENTS_H
