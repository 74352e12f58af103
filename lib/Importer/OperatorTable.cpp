//===- OperatorTable.cpp - The supported operators, from the registry -----===//
//
// Prints the rule registry as the Markdown table the README carries
// (`aic-compile --list-ops`; test/Importer/operator-table.test checks that
// the README's copy is current). For each operator: the opsets whose form
// aic imports, and the element types of its main input that both the rule
// accepts and ONNX allows in those opsets.
//
//===----------------------------------------------------------------------===//
#include "ImporterImpl.h"
#include "aic/Compiler.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/raw_ostream.h"

#include "onnx/defs/schema.h"

using namespace aic::importer;

/// The newest default-domain opset aic imports.
static constexpr int kNewestOpset = 17;

/// Element types in the table's order, with their short names.
static const std::pair<int32_t, const char *> kTypeNames[] = {
    {onnx::TensorProto::FLOAT, "f32"},   {onnx::TensorProto::DOUBLE, "f64"},
    {onnx::TensorProto::FLOAT16, "f16"}, {onnx::TensorProto::BFLOAT16, "bf16"},
    {onnx::TensorProto::INT8, "i8"},     {onnx::TensorProto::INT16, "i16"},
    {onnx::TensorProto::INT32, "i32"},   {onnx::TensorProto::INT64, "i64"},
    {onnx::TensorProto::UINT8, "u8"},    {onnx::TensorProto::UINT16, "u16"},
    {onnx::TensorProto::UINT32, "u32"},  {onnx::TensorProto::UINT64, "u64"},
    {onnx::TensorProto::BOOL, "bool"},   {onnx::TensorProto::STRING, "string"},
};

/// The ONNX element type named by a type string "tensor(float)", or
/// UNDEFINED.
static int32_t parseTensorType(llvm::StringRef text) {
  using DT = onnx::TensorProto;
  if (!text.consume_front("tensor(") || !text.consume_back(")"))
    return DT::UNDEFINED;
  return llvm::StringSwitch<int32_t>(text)
      .Case("float", DT::FLOAT)
      .Case("double", DT::DOUBLE)
      .Case("float16", DT::FLOAT16)
      .Case("bfloat16", DT::BFLOAT16)
      .Case("int8", DT::INT8)
      .Case("int16", DT::INT16)
      .Case("int32", DT::INT32)
      .Case("int64", DT::INT64)
      .Case("uint8", DT::UINT8)
      .Case("uint16", DT::UINT16)
      .Case("uint32", DT::UINT32)
      .Case("uint64", DT::UINT64)
      .Case("bool", DT::BOOL)
      .Case("string", DT::STRING)
      .Default(DT::UNDEFINED);
}

/// The element types ONNX allows for the main input (or output) of one
/// operator version.
static TypeSet getSchemaTypes(const onnx::OpSchema &schema) {
  const auto &formals =
      schema.inputs().empty() ? schema.outputs() : schema.inputs();
  if (formals.empty())
    return 0;
  const std::string &typeStr = formals.front().GetTypeStr();
  TypeSet types = 0;
  auto add = [&](llvm::StringRef text) {
    int32_t type = parseTensorType(text);
    if (type != onnx::TensorProto::UNDEFINED)
      types |= TypeSet(1) << type;
  };
  bool constrained = false;
  for (const auto &constraint : schema.typeConstraintParams()) {
    if (constraint.type_param_str != typeStr)
      continue;
    constrained = true;
    for (const std::string &allowed : constraint.allowed_type_strs)
      add(allowed);
  }
  if (!constrained)
    add(typeStr);
  return types;
}

void aic::printOperatorTable(llvm::raw_ostream &os) {
  os << "| Operator | Opsets | Element types |\n|---|---|---|\n";
  // The newest version of each non-default domain ONNX knows.
  const auto &domains =
      onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map();
  for (const OpRuleInfo &info : getOpRules()) {
    // The opsets from the rule's first one up to the newest, while ONNX
    // still defines the operator.
    int64_t first = 0, last = 0;
    TypeSet allowed = 0;
    std::string domain = normalizeDomain(info.domain).str();
    auto range = domains.find(domain);
    int64_t newest = domain.empty() || range == domains.end()
                         ? kNewestOpset
                         : range->second.second;
    for (int64_t opset = info.sinceOpset; opset <= newest; ++opset) {
      const onnx::OpSchema *schema =
          onnx::OpSchemaRegistry::Schema(info.opType, opset, domain);
      if (!schema && !first)
        continue; // the operator is newer than the rule
      if (!schema || schema->Deprecated())
        break;
      first = first
                  ? first
                  : std::max(info.sinceOpset, int64_t(schema->SinceVersion()));
      last = opset;
      allowed |= getSchemaTypes(*schema);
    }
    if (!first)
      continue;
    os << "| " << (domain.empty() ? "" : domain + ".") << info.opType << " | "
       << first;
    if (last != first)
      os << "-" << last;
    os << " | ";
    TypeSet types = info.types & allowed;
    llvm::interleave(
        llvm::make_filter_range(
            kTypeNames,
            [&](const auto &entry) { return (types >> entry.first) & 1; }),
        os, [&](const auto &entry) { os << entry.second; }, " ");
    os << " |\n";
  }
}
