//===- Recurrent.h - Shared pieces of the RNN, GRU and LSTM rules -*- C++
//-*-===//
//
// Internal to lib/Importer: what the recurrent rules (RecurrentRules.cpp)
// read from an RNN, GRU or LSTM node, and the generated-code path every
// form of the operators can take.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_LIB_IMPORTER_RECURRENT_H
#define AIC_LIB_IMPORTER_RECURRENT_H

#include "Builders.h"

#include <optional>

namespace aic {
namespace importer {

enum class RnnCell { Rnn, Gru, Lstm };

/// One activation of ONNX's `activations` list with its alpha and beta.
struct RnnActivation {
  enum class Fn {
    Relu,
    Tanh,
    Sigmoid,
    Affine,
    LeakyRelu,
    ThresholdedRelu,
    ScaledTanh,
    HardSigmoid,
    Elu,
    Softsign,
    Softplus,
  };
  Fn fn;
  double alpha, beta;
};

/// An RNN, GRU or LSTM node's attributes and sizes.
struct RnnSpec {
  RnnCell cell = RnnCell::Rnn;
  int64_t gates = 1;
  int64_t numDirections = 1;
  /// direction = "reverse".
  bool reverseOnly = false;
  /// layout = 1: X, Y, the states are batch-major.
  bool batchFirst = false;
  std::optional<double> clip;
  bool linearBeforeReset = false;
  bool inputForget = false;
  /// sequence_lens is given and may be shorter than the sequence.
  bool hasSeqLens = false;
  /// seq and batch may be run-time dims (ShapedType::kDynamic). batch is
  /// X's, or the static one sequence_lens or an initial state has.
  int64_t seq = 0, batch = 0, input = 0, hidden = 0;
  /// seq and batch as sizes: an index attribute, or for a run-time dim the
  /// size read from X (set by the rule before any builder).
  mlir::OpFoldResult seqSize, batchSize;
  mlir::Type elementType;
  /// f (RNN), f, g (GRU) or f, g, h (LSTM) per direction, forward first.
  llvm::SmallVector<RnnActivation> activations;
};

/// `act` of x.
mlir::Value applyRnnActivation(ScalarBuilder &s, const RnnActivation &act,
                               mlir::Value x);

/// Y [seq, dirs, batch, hidden] (layout 1: [batch, seq, dirs, hidden])
/// from each direction's [seq, batch, hidden] one.
mlir::Value assembleRnnY(NodeImporter &imp, const RnnSpec &spec,
                         llvm::ArrayRef<mlir::Value> ys);
/// Y_h or Y_c [dirs, batch, hidden] (layout 1: [batch, dirs, hidden]) from
/// each direction's [batch, hidden] one.
mlir::Value assembleRnnStates(NodeImporter &imp, const RnnSpec &spec,
                              llvm::ArrayRef<mlir::Value> states);

/// A tensor.empty of `sizes` (static or run-time) of the node's type.
mlir::Value emptyRnnTensor(NodeImporter &imp, const RnnSpec &spec,
                           llvm::ArrayRef<mlir::OpFoldResult> sizes);

/// X as [seq, batch, input] (transposed from layout 1).
mlir::Value getRnnInput(NodeImporter &imp, const RnnSpec &spec, mlir::Value x);
/// Direction `dir`'s [batch, hidden] slice of initial state input `input`,
/// or null if the node has none.
mlir::FailureOr<mlir::Value> getRnnInitialState(NodeImporter &imp,
                                                const RnnSpec &spec, int input,
                                                int64_t dir);
/// Sets the node's outputs that are read from each direction's Y [seq,
/// batch, hidden] and final states [batch, hidden].
mlir::LogicalResult setRnnOutputs(NodeImporter &imp, const RnnSpec &spec,
                                  llvm::ArrayRef<mlir::Value> ys,
                                  llvm::ArrayRef<mlir::Value> hs,
                                  llvm::ArrayRef<mlir::Value> cs);

/// Imports the node as aic.rnn ops (oneDNN), one per direction, if oneDNN
/// computes it: f32, constant weights, no clip, no input_forget, no
/// sequence lengths shorter than the sequence, and the activations of one
/// of its cells. False if it does not.
mlir::FailureOr<bool> importRecurrentLibrary(NodeImporter &imp,
                                             const RnnSpec &spec);

/// Imports the node as an scf.for over the time steps per direction.
mlir::LogicalResult importRecurrentGenerated(NodeImporter &imp,
                                             const RnnSpec &spec);

} // namespace importer
} // namespace aic

#endif // AIC_LIB_IMPORTER_RECURRENT_H
