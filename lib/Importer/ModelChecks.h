//===- ModelChecks.h - What must hold before ONNX reads a model -*- C++ -*-===//
//
// Checks of a parsed model that ONNX's checker leaves out and its shape
// inference relies on (ModelChecks.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef AIC_LIB_IMPORTER_MODELCHECKS_H
#define AIC_LIB_IMPORTER_MODELCHECKS_H

#include "mlir/IR/Location.h"
#include "mlir/Support/LogicalResult.h"
#include "onnx/onnx_pb.h"

namespace aic::importer {

/// Errors on a declared shape in `graph` or its subgraphs (inputs, outputs,
/// value_info) with a dim below 0 or more than 2^62 elements: ONNX's
/// checker lets them through and its inference indexes with such dims
/// unchecked (ModelChecks.cpp).
mlir::LogicalResult checkDeclaredDims(const onnx::GraphProto &graph,
                                      mlir::Location loc);
/// Errors on a tensor of `graph` or its subgraphs (initializers, tensor
/// attributes) whose payload disagrees with its dims, or whose dims are
/// below 0: ONNX's inference parses payloads unchecked (ModelChecks.cpp).
mlir::LogicalResult checkTensorPayloads(const onnx::GraphProto &graph,
                                        mlir::Location loc);

} // namespace aic::importer

#endif // AIC_LIB_IMPORTER_MODELCHECKS_H
