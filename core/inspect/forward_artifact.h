// The forward capture of one example as files: input and reconstruction, per-layer summary
// and picture, the latent vectors (with a reproducible posterior sample for VAEs) and the
// context needed to recompute it (forward/idx_<i>/...; docs/run-format.md).
#pragma once

#include <cstdint>
#include <string>

#include "eval/artifact_sink.h"
#include "inspect/forward_capture.h"

namespace acc {

// z_sample = mu + exp(logvar / 2) * eps, eps ~ N(0, I) from a generator of its own seeded
// with `seed`: the global generator is never touched, because training's reproducibility
// (and resume) depends on its exact state. Undefined when the capture has no mu/logvar.
torch::Tensor posterior_sample(const ForwardCapture& capture, uint64_t seed);

void write_forward(Model& model, const ForwardCapture& capture, const std::string& dataset, int64_t label,
                   uint64_t seed, ArtifactSink& sink);

}  // namespace acc
