//===- TypeBindings.cpp - Type parameters bound once per node -------------===//
//
// An operator schema names the type of each formal input by a type parameter
// ("T"), and every input with the same parameter must have the same type.
// ONNX 1.12's check (OpSchema::CheckInputOutputType) stops at the number of
// formal inputs, so the extra inputs of a variadic one go unchecked: Concat
// of a float and an int16 tensor passes the checker and shape inference and
// would become invalid IR. This checks every actual input, a variadic
// formal's extra inputs included when the formal is homogeneous.
//
//===----------------------------------------------------------------------===//
#include "ImporterImpl.h"

#include "onnx/defs/data_type_utils.h"
#include "onnx/defs/schema.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <exception>
#include <string>

using namespace mlir;
using namespace aic::importer;

/// ONNX's name of the type of `name` ("tensor(float)"), or "" if unknown.
static std::string onnxTypeName(StringRef name, const GraphState &state) {
  onnx::TypeProto tensor;
  const onnx::TypeProto *type = state.getOnnxType(name);
  if (!type || type->value_case() == onnx::TypeProto::VALUE_NOT_SET) {
    int32_t elem = state.getOnnxElementType(name);
    if (elem <= onnx::TensorProto::UNDEFINED)
      return "";
    tensor.mutable_tensor_type()->set_elem_type(elem);
    type = &tensor;
  }
  if (type->has_tensor_type() &&
      type->tensor_type().elem_type() <= onnx::TensorProto::UNDEFINED)
    return "";
  try {
    return *onnx::Utils::DataTypeUtils::ToType(*type);
  } catch (const std::exception &) {
    return ""; // a type ONNX cannot name was rejected before
  }
}

LogicalResult aic::importer::checkTypeBindings(const onnx::NodeProto &node,
                                               const GraphState &state,
                                               Location loc) {
  StringRef domain = normalizeDomain(node.domain());
  const onnx::OpSchema *schema = getRelaxedSchemaRegistry()->GetSchema(
      node.op_type(), static_cast<int>(state.getOpsetFor(domain)),
      domain.str());
  if (!schema || schema->inputs().empty())
    return success();
  const auto &formals = schema->inputs();
  llvm::StringSet<> params;
  for (const auto &constraint : schema->typeConstraintParams())
    params.insert(constraint.type_param_str);
  // Type parameter -> (type, the input that bound it).
  llvm::StringMap<std::pair<std::string, std::string>> bound;
  for (int i = 0; i < node.input_size(); ++i) {
    const std::string &name = node.input(i);
    if (name.empty())
      continue;
    bool extra = static_cast<size_t>(i) >= formals.size();
    const onnx::OpSchema::FormalParameter &formal =
        extra ? formals.back() : formals[i];
    if (extra && (formal.GetOption() !=
                      onnx::OpSchema::FormalParameterOption::Variadic ||
                  !formal.GetIsHomogeneous()))
      continue;
    const std::string &param = formal.GetTypeStr();
    if (!params.contains(param))
      continue; // a fixed type, not a parameter
    std::string type = onnxTypeName(name, state);
    if (type.empty())
      continue;
    auto [it, inserted] = bound.try_emplace(param, type, name);
    if (!inserted && it->second.first != type)
      return emitError(loc)
             << "input '" << name << "' has the type " << type << ", but '"
             << param << "' is " << it->second.first << " (input '"
             << it->second.second << "'); " << node.op_type()
             << " takes one type for all of them";
  }
  return success();
}
