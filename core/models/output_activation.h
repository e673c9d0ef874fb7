// How a decoder turns its last layer into pixel values in [0, 1].
//
// kClamp (the default of every conv model): value clamp(pre, 0, 1), gradient
// of the identity (straight-through). kSigmoid: sigmoid(pre), the conv models' only output
// before the `output` option existed; kept so older checkpoints rebuild exactly (a node's
// model config without `output` means sigmoid) and so the old behaviour can be asked for.
//
// Why clamp. Under acc's default L1 reconstruction loss, MNIST's optimum for a network
// that ignores its input is the per-pixel median, which is black: ~80% of pixels are
// background and L1 pushes each one down with a constant force. With a sigmoid, the shared
// output bias and the decoder's last layer are driven to large negative pre-activations
// within a few hundred steps, where the sigmoid's gradient (< 1e-7) no longer carries the
// ink pixels' error back: every conv model then outputs an all-black image (PSNR 10.91 dB
// at 32 px) and never recovers (measured in docs/models.md, "Output activation"). With the
// clamp, background predicted as exactly 0 has zero L1 gradient, so ink pixels drive
// learning; unlike a plain clamp, ink predicted below 0 still receives gradient.
#pragma once

#include <torch/torch.h>

#include <optional>
#include <string>

namespace acc {

enum class OutputActivation { kClamp, kSigmoid };

torch::Tensor apply_output_activation(const torch::Tensor& pre, OutputActivation activation);

std::string output_activation_name(OutputActivation activation);  // "clamp" | "sigmoid"
// acc::Error naming field 'output' for anything but "clamp" or "sigmoid".
OutputActivation output_activation_from_name(const std::string& name);

}  // namespace acc
