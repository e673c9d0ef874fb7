// How a decoder turns its last layer into pixel values in [0, 1].
//
// kClamp (the default of linear_ae and every conv model): value clamp(pre, 0, 1), gradient
// of the identity (straight-through). kSigmoid: sigmoid(pre), the only output of linear_ae and the conv models
// before the `output` option existed; kept so older checkpoints rebuild exactly (a node's
// model config without `output` means sigmoid) and so the old behaviour can be asked for.
//
// Why clamp. Under acc's default L1 reconstruction loss, MNIST's optimum for a network
// that ignores its input is the per-pixel median, which is black: ~80% of pixels are
// background and L1 pushes each one down with a constant force. Through a sigmoid that push
// drove conv_ae (32 px, 1,500 steps) to one all-black output for every image (PSNR 10.91
// dB, a third of decoder.deconv1 dead) and kept linear_ae below the mean image; the
// sigmoid's vanishing gradient there leaves the ink pixels nothing to pull with. With the
// clamp, background predicted as exactly 0 has zero L1 gradient, so ink pixels drive
// learning (conv_ae: 21.16 dB); unlike a plain clamp, ink predicted below 0 still receives
// gradient. Measurements: docs/models.md.
#pragma once

#include <torch/torch.h>

#include <optional>
#include <set>
#include <string>

#include "models/model_output.h"

namespace acc {

enum class OutputActivation { kClamp, kSigmoid };

torch::Tensor apply_output_activation(const torch::Tensor& pre, OutputActivation activation);

// Puts RECONSTRUCTION = activation(pre) into `out` and, for kSigmoid, also
// RECONSTRUCTION_LOGITS = pre: then the decoder's pre-activation is exactly the logit of a
// Bernoulli likelihood, which `reconstruction` with `loss: bce` needs. A clamp output has no
// such logit, so it exports none.
void add_reconstruction(ModelOutputs& out, const torch::Tensor& pre, OutputActivation activation);
// The outputs add_reconstruction produces for `activation`.
std::set<ModelOutput> reconstruction_outputs(OutputActivation activation);

std::string output_activation_name(OutputActivation activation);  // "clamp" | "sigmoid"
// acc::Error naming field 'output' for anything but "clamp" or "sigmoid".
OutputActivation output_activation_from_name(const std::string& name);

}  // namespace acc
