//===- AicDialect.cpp - The aic dialect -----------------------------------===//
#include "dialects/Aic/AicDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace aic;

static_assert(kDynamicDim == ShapedType::kDynamic);

#include "dialects/Aic/AicDialect.cpp.inc"
#include "dialects/Aic/AicEnums.cpp.inc"

/// `[1, ?, 56, 56]`: the dims of #aic.layout, `?` for a run-time one.
static ParseResult parseLayoutDims(AsmParser &parser,
                                   SmallVector<int64_t> &dims) {
  return parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
    if (succeeded(parser.parseOptionalQuestion())) {
      dims.push_back(ShapedType::kDynamic);
      return ParseResult(success());
    }
    return parser.parseInteger(dims.emplace_back());
  });
}

static void printLayoutDims(AsmPrinter &printer, ArrayRef<int64_t> dims) {
  printer << '[';
  llvm::interleaveComma(dims, printer, [&](int64_t d) {
    if (ShapedType::isDynamic(d))
      printer << '?';
    else
      printer << d;
  });
  printer << ']';
}

#define GET_ATTRDEF_CLASSES
#include "dialects/Aic/AicAttrs.cpp.inc"
#define GET_TYPEDEF_CLASSES
#include "dialects/Aic/AicTypes.cpp.inc"

#include "dialects/Aic/AicInterfaces.cpp.inc"

LogicalResult LayoutAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 StringRef tag, ArrayRef<int64_t> dims) {
  std::string why;
  FailureOr<BlockedLayout> layout = BlockedLayout::parse(tag, &why);
  if (failed(layout))
    return emitError() << why;
  if (!layout->canStore(dims, &why))
    return emitError() << why;
  return success();
}

BlockedLayout LayoutAttr::getLayout() const {
  return *BlockedLayout::parse(getTag());
}

SmallVector<int64_t> LayoutAttr::getPhysicalShape() const {
  return getLayout().getPhysicalShape(getDims());
}

LayoutAttr aic::getOperandLayout(Operation *op, unsigned index) {
  auto layouts = op->getAttrOfType<ArrayAttr>(kLayoutsAttrName);
  if (!layouts || index >= layouts.size())
    return {};
  return dyn_cast<LayoutAttr>(layouts[index]);
}

LayoutAttr aic::getOperandLayout(Operation *op, Value value) {
  for (OpOperand &operand : op->getOpOperands())
    if (operand.get() == value)
      return getOperandLayout(op, operand.getOperandNumber());
  return {};
}

ShapedType aic::getLogicalType(Operation *op, Value value) {
  auto type = cast<ShapedType>(value.getType());
  if (LayoutAttr layout = getOperandLayout(op, value))
    return RankedTensorType::get(layout.getDims(), type.getElementType());
  return type;
}

bool aic::hasSumPostOp(Operation *op) {
  auto owner = dyn_cast<PostOpChainOwner>(op);
  return owner && llvm::any_of(owner.getPostOps(), [](Attribute a) {
           return isa<SumPostOpAttr>(a);
         });
}

bool aic::isBroadcastBatchOperand(Operation *op, OpOperand &operand) {
  auto dps = cast<DestinationStyleOpInterface>(op);
  if (dps.isDpsInit(&operand))
    return true;
  if (dps.getNumDpsInits() != 1)
    return false;
  ShapedType init = getLogicalType(op, dps.getDpsInits()[0]);
  ShapedType type = getLogicalType(op, operand.get());
  return type.getRank() == init.getRank() && type.getRank() > 0 &&
         !(type.getDimSize(0) == 1 && init.getDimSize(0) != 1);
}

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
  addTypes<
#define GET_TYPEDEF_LIST
#include "dialects/Aic/AicTypes.cpp.inc"
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
