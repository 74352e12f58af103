//===- StringRules.cpp - Import rules for STRING tensors ------------------===//
//
// The operators that look inside strings run in the runtime (libaicrt's
// STRING_CAST and STRING_NORMALIZER primitives): Cast/CastLike to or from
// STRING become aic.string_cast, StringNormalizer aic.string_normalizer.
// Data movement on strings needs no rule of its own: !aic.string tensors
// move like any other.
//
// StringNormalizer's output length depends on the input's values when it
// has stopwords; aic compiles for static shapes, so it then needs the
// input's value (a constant, --input-value or aic-run's input file), counts
// at compile time what remains, and the runtime checks that a run leaves as
// many. Case-insensitive matching there and at run time compares the
// strings lower-cased with the C.UTF-8 locale's Unicode simple case mapping.
//
//===----------------------------------------------------------------------===//
#include "Builders.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/ConvertUTF.h"

#include <cwctype>
#include <locale.h>
#include <set>

using namespace mlir;
using namespace aic;
using namespace aic::importer;

LogicalResult aic::importer::importStringCast(NodeImporter &imp, Value input,
                                              RankedTensorType type,
                                              bool numberIsUnsigned) {
  imp.setOutput(0, imp.create<StringCastOp>(type, input, imp.emptyTensor(type),
                                            numberIsUnsigned));
  return success();
}

//===----------------------------------------------------------------------===//
// StringNormalizer
//===----------------------------------------------------------------------===//

/// Locales whose case mapping is Unicode's locale-independent one.
static bool isSupportedLocale(StringRef locale) {
  return locale.empty() || locale == "C" || locale == "POSIX" ||
         locale.starts_with("C.") || locale == "en" ||
         locale.starts_with("en_") || locale.starts_with("en.");
}

namespace {
/// Lower-cases UTF-8 as the runtime does (see runtime/Strings.cpp).
class Folder {
public:
  Folder() : locale(newlocale(LC_CTYPE_MASK, "C.UTF-8", nullptr)) {}
  ~Folder() {
    if (locale)
      freelocale(locale);
  }
  bool ok() const { return locale != nullptr; }
  /// False if `s` is not valid UTF-8.
  bool fold(StringRef s, std::wstring &out) const {
    if (!llvm::ConvertUTF8toWide(s, out))
      return false;
    for (wchar_t &c : out)
      c = static_cast<wchar_t>(towlower_l(c, locale));
    return true;
  }

private:
  locale_t locale;
};
} // namespace

/// How many of `strings` are not stopwords, or failure after an error.
static FailureOr<int64_t> countKept(NodeImporter &imp,
                                    ArrayRef<std::string> strings,
                                    ArrayRef<std::string> stopwords,
                                    bool caseSensitive) {
  if (caseSensitive) {
    std::set<std::string> stop(stopwords.begin(), stopwords.end());
    return llvm::count_if(strings,
                          [&](const std::string &s) { return !stop.count(s); });
  }
  Folder folder;
  if (!folder.ok())
    return imp.emitError() << "case-insensitive matching needs the C.UTF-8 "
                              "locale, which is not available";
  std::set<std::wstring> stop;
  std::wstring folded;
  for (const std::string &s : stopwords) {
    if (!folder.fold(s, folded))
      return imp.emitError() << "stopword '" << s << "' is not valid UTF-8";
    stop.insert(folded);
  }
  int64_t kept = 0;
  for (auto [i, s] : llvm::enumerate(strings)) {
    if (!folder.fold(s, folded))
      return imp.emitError() << "input string " << i << " is not valid UTF-8";
    kept += !stop.count(folded);
  }
  return kept;
}

static LogicalResult importStringNormalizer(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  auto type = cast<RankedTensorType>(input->getType());
  ArrayRef<int64_t> shape = type.getShape();
  if (!(shape.size() == 1 || (shape.size() == 2 && shape[0] == 1)))
    return imp.emitError() << "expects an input of shape [C] or [1, C], got "
                           << formatShape(shape);
  std::string action = imp.getStringAttr("case_change_action", "NONE");
  int64_t caseChange = llvm::StringSwitch<int64_t>(action)
                           .Case("NONE", 0)
                           .Case("LOWER", 1)
                           .Case("UPPER", 2)
                           .Default(-1);
  if (caseChange < 0)
    return imp.emitError() << "unknown case_change_action '" << action
                           << "' (expected NONE, LOWER or UPPER)";
  bool caseSensitive = imp.getIntAttr("is_case_sensitive", 0) != 0;
  std::string locale = imp.getStringAttr("locale", "");
  if (!isSupportedLocale(locale))
    return imp.emitError()
           << "locale '" << locale
           << "' is not supported (aic maps case with Unicode's "
              "locale-independent simple case mapping: \"\", C, POSIX, "
              "C.* and en_* locales)";
  std::vector<std::string> stopwords;
  if (const onnx::AttributeProto *attr = imp.getAttr("stopwords"))
    stopwords.assign(attr->strings().begin(), attr->strings().end());

  int64_t kept = type.getNumElements();
  if (!stopwords.empty()) {
    const ConstTensor *value = imp.getConstantInput(0);
    if (!value)
      return imp.emitError()
             << "with stopwords, the output's length depends on the input's "
                "values, which aic needs at compile time (a constant, "
                "--input-value or aic-run's input file)";
    FailureOr<int64_t> count =
        countKept(imp, value->strings, stopwords, caseSensitive);
    if (failed(count))
      return failure();
    kept = *count;
  }
  // Nothing left: one empty string.
  SmallVector<int64_t> outShape(shape.begin(), shape.end());
  outShape.back() = std::max<int64_t>(kept, 1);
  auto outType = RankedTensorType::get(outShape, type.getElementType());
  FailureOr<RankedTensorType> declared = imp.getOutputTypeOr(0, outType);
  if (failed(declared))
    return failure();

  Value words;
  if (!stopwords.empty()) {
    ConstTensor tensor;
    tensor.type = RankedTensorType::get(
        {static_cast<int64_t>(stopwords.size())}, type.getElementType());
    tensor.strings = stopwords;
    words = imp.createConstant(tensor, "stopwords");
  }
  Builder &b = imp.getBuilder();
  imp.setOutput(0, imp.create<StringNormalizerOp>(
                       outType, *input, words, imp.emptyTensor(outType),
                       b.getI64IntegerAttr(caseChange),
                       b.getBoolAttr(caseSensitive)));
  return success();
}

//===----------------------------------------------------------------------===//
// Rule table
//===----------------------------------------------------------------------===//

ArrayRef<OpRuleInfo> aic::importer::getStringRules() {
  static const OpRuleInfo rules[] = {
      {"StringNormalizer", importStringNormalizer, 10, types::kString},
  };
  return rules;
}
