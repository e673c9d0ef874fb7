// What one latent dimension does to the decoded image: the example's latent vector `z`
// (the eval-mode LATENT — the posterior mean for VAEs) with dimension d moved by delta,
// decoded. Everything else about the vector stays as encoded.
#pragma once

#include <torch/torch.h>

#include <string>

#include "eval/artifact_sink.h"
#include "inspect/forward_capture.h"

namespace acc {

// z [D] with z[dim] += delta (a copy).
torch::Tensor perturbed_latent(const torch::Tensor& z, int64_t dim, double delta);

// The directory-safe spelling of delta: 1.5 -> "p1.5", -0.5 -> "m0.5", 0 -> "p0".
std::string delta_tag(double delta);

// perturb/idx_<i>/vector_z/dim_<d>/delta_<tag>/recon.png and meta.json.
void write_perturb(Model& model, const ForwardCapture& capture, int64_t dim, double delta, const torch::Device& device,
                   ArtifactSink& sink);

}  // namespace acc
