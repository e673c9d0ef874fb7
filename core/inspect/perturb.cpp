// Latent perturbation artifacts; see perturb.h.
#include "inspect/perturb.h"

#include <cstdio>

#include "eval/json_numbers.h"

namespace acc {

torch::Tensor perturbed_latent(const torch::Tensor& z, int64_t dim, double delta) {
  TORCH_CHECK(z.dim() == 1 && dim >= 0 && dim < z.size(0), "perturbed_latent: no dimension ", dim, " in ", z.sizes());
  torch::Tensor out = z.clone();
  out[dim] += delta;
  return out;
}

std::string delta_tag(double delta) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%g", delta < 0 ? -delta : delta);
  return std::string(delta < 0 ? "m" : "p") + buffer;
}

void write_perturb(Model& model, const ForwardCapture& capture, int64_t dim, double delta, const torch::Device& device,
                   ArtifactSink& sink) {
  const torch::Tensor base = capture.vector("z");
  TORCH_CHECK(base.defined(), "write_perturb: the capture has no latent z");
  const torch::Tensor moved = perturbed_latent(base, dim, delta);
  torch::Tensor recon;
  {
    TrainingModeGuard mode(model);
    torch::NoGradGuard no_grad;
    recon = model.decode(moved.unsqueeze(0).to(device))[0].to(torch::kCPU, torch::kFloat);
  }
  const std::string dir = "perturb/idx_" + std::to_string(capture.index) + "/vector_z/dim_" + std::to_string(dim) +
                          "/delta_" + delta_tag(delta) + "/";
  nlohmann::json meta = network_json("perturb");
  meta.update({{"index", capture.index},
               {"vector", "z"},
               {"dim", dim},
               {"delta", json_number(delta)},
               {"base_value", json_number(base[dim].item<double>())},
               {"new_value", json_number(moved[dim].item<double>())},
               {"base_vector", json_flat(base)},
               {"new_vector", json_flat(moved)},
               {"recon", sink.write_png("network", dir + "recon", recon)}});
  sink.write_json("network", dir + "meta", meta);
}

}  // namespace acc
