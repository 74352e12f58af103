//===- AicDialect.cpp - The aic dialect -----------------------------------===//
#include "dialects/Aic/AicDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace aic;

#include "dialects/Aic/AicDialect.cpp.inc"
#include "dialects/Aic/AicEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/Aic/AicAttrs.cpp.inc"

#include "dialects/Aic/AicInterfaces.cpp.inc"

Attribute EltwisePostOpAttr::parse(AsmParser &parser, Type) {
  std::string keyword;
  double alpha = 0.0, beta = 0.0;
  if (parser.parseLess() || parser.parseKeywordOrString(&keyword))
    return {};
  std::optional<EltwiseKind> kind = symbolizeEltwiseKind(keyword);
  if (!kind) {
    parser.emitError(parser.getCurrentLocation())
        << "unknown elementwise kind '" << keyword << "'";
    return {};
  }
  if (succeeded(parser.parseOptionalComma()) &&
      (parser.parseFloat(alpha) || parser.parseComma() ||
       parser.parseFloat(beta)))
    return {};
  if (parser.parseGreater())
    return {};
  return EltwisePostOpAttr::get(parser.getContext(), *kind, alpha, beta);
}

void EltwisePostOpAttr::print(AsmPrinter &printer) const {
  printer << "<" << stringifyEltwiseKind(getKind());
  if (!getAlpha().isZero() || !getBeta().isZero()) {
    printer << ", ";
    printer.printFloat(getAlpha());
    printer << ", ";
    printer.printFloat(getBeta());
  }
  printer << ">";
}

void AicDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/Aic/AicOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/Aic/AicAttrs.cpp.inc"
      >();
}

Operation *AicDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                           Type type, Location loc) {
  // Folded constants are upstream constants, like the importer's.
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return builder.create<arith::ConstantOp>(loc, elements);
}
