// Mixture health and sample grids; see mixture_artifacts.h.
#include "eval/mixture_artifacts.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "analysis/clustering_scores.h"
#include "analysis/mixture_usage.h"
#include "eval/cluster_artifacts.h"
#include "error.h"
#include "eval/image_grid.h"
#include "eval/json_numbers.h"

namespace acc {
namespace {

constexpr int64_t kGridColumns = 8;

nlohmann::json json_doubles(const std::vector<double>& values) {
  nlohmann::json out = nlohmann::json::array();
  for (double v : values) out.push_back(json_number(v));
  return out;
}

ModelOutputs eval_forward(Model& model, const torch::Tensor& images, const torch::Device& device) {
  TrainingModeGuard eval_mode(model);
  torch::NoGradGuard no_grad;
  return model.forward(images.to(device));
}

// `m` draws of N(mean, exp(logvar)) for one [D] mean, from a private generator.
torch::Tensor gaussian_draws(const torch::Tensor& mean, const torch::Tensor& logvar, int64_t m, uint64_t seed) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const torch::Tensor eps = at::randn({m, mean.size(0)}, gen, torch::TensorOptions().dtype(torch::kFloat));
  return mean.cpu().unsqueeze(0) + eps * torch::exp(0.5 * logvar.cpu()).unsqueeze(0);
}

double elapsed_ms(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// Writes the decoded grid and its JSON; `fields` gets the common keys.
void write_sample_grid(Model& model, const torch::Tensor& z, const std::string& name, nlohmann::json fields,
                       std::chrono::steady_clock::time_point start, const torch::Device& device, ArtifactSink& sink) {
  torch::Tensor images;
  {
    TrainingModeGuard eval_mode(model);
    torch::NoGradGuard no_grad;
    images = model.decode(z.to(device)).cpu();
  }
  const std::string png = sink.write_png("samples", name, tile_images(images, kGridColumns));
  fields["format"] = "acc.samples";
  fields["version"] = 1;
  fields["m"] = z.size(0);
  fields["columns"] = kGridColumns;
  fields["step"] = sink.step();
  fields["epoch"] = sink.epoch() ? nlohmann::json(*sink.epoch()) : nlohmann::json();
  fields["image"] = png;
  fields["compute_ms"] = json_number(elapsed_ms(start), 3);
  sink.write_json("samples", name, fields);
}

void check_index(const Dataset& dataset, int64_t index, const char* what) {
  if (index < 0 || index >= dataset.test.size())
    throw Error(std::string(what) + ": index " + std::to_string(index) + " is outside the test split of dataset '" +
                dataset.name + "' (0.." + std::to_string(dataset.test.size() - 1) + ")");
}

}  // namespace

bool has_mixture(const Model& model) {
  const auto outs = model.outputs();
  return outs.count(ModelOutput::QC_LOGITS) && outs.count(ModelOutput::COMPONENT_MU) &&
         outs.count(ModelOutput::COMPONENT_LOGVAR);
}

torch::Tensor mixture_posteriors(Model& model, const Split& split, int64_t count, const torch::Device& device) {
  if (!has_mixture(model)) throw Error("q(c|x): the model has no mixture components (QC_LOGITS); use gmvae");
  const int64_t total = split.size();
  const int64_t n = count <= 0 ? total : std::min(count, total);
  std::vector<torch::Tensor> probs;
  for (int64_t start = 0; start < n; start += 500) {
    const int64_t end = std::min(n, start + 500);
    const ModelOutputs out = eval_forward(model, split.images.slice(0, start, end), device);
    probs.push_back(torch::softmax(out.at(ModelOutput::QC_LOGITS), /*dim=*/1).cpu());
  }
  if (probs.empty()) return torch::empty({0, 0});
  return torch::cat(probs);
}

void write_mixture_health(Model& model, const Dataset& dataset, int64_t n, const torch::Device& device,
                          ArtifactSink& sink) {
  if (!has_mixture(model)) throw Error("mixture health: the model has no mixture components (QC_LOGITS); use gmvae");
  const int64_t total = dataset.test.size();
  if (total == 0) throw Error("mixture health: dataset '" + dataset.name + "' has no test images");
  const int64_t count = n <= 0 ? total : std::min(n, total);
  const torch::Tensor q = mixture_posteriors(model, dataset.test, count, device);
  const MixtureUsage u = mixture_usage(q);
  std::vector<int64_t> order(u.p.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = static_cast<int64_t>(k);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return u.p[a] > u.p[b]; });
  nlohmann::json top = nlohmann::json::array();
  for (size_t r = 0; r < order.size() && r < 5; ++r) top.push_back({{"component", order[r]}, {"p", json_number(u.p[order[r]])}});
  const std::string key = dataset.name + ":test[0:" + std::to_string(count) + ")";
  nlohmann::json clustering = nullptr;
  if (dataset.has_labels() && dataset.test.labels.defined())
    clustering = clustering_scores_json(clustering_scores(q.argmax(/*dim=*/1), dataset.test.labels.slice(0, 0, count),
                                                          q.size(1), dataset.num_classes));
  sink.write_json("mixture", "mixture_health",
                  {{"format", "acc.mixture"},
                   {"clustering", clustering},
                   {"version", 1},
                   {"type", "mixture_health"},
                   {"epoch", sink.epoch() ? nlohmann::json(*sink.epoch()) : nlohmann::json()},
                   {"step", sink.step()},
                   {"components", static_cast<int64_t>(u.p.size())},
                   {"n", count},
                   {"dataset", dataset.name},
                   {"split", "test"},
                   {"sample_key", key},
                   {"sample_indices_ref", {{"dataset", dataset.name}, {"split", "test"}, {"start", 0}, {"count", count}}},
                   {"p", json_doubles(u.p)},
                   {"psum", json_number(u.psum)},
                   {"entropy", json_number(u.entropy)},
                   {"neff", json_number(u.neff)},
                   {"pmax", json_number(u.pmax)},
                   {"top", top},
                   {"argmax_counts", u.argmax_counts},
                   {"argmax_neff", json_number(u.argmax_neff)},
                   {"qc_entropy_mean", json_number(u.qc_entropy_mean)}});
}

void write_prior_component_samples(Model& model, const Dataset& dataset, int64_t m, std::optional<uint64_t> seed,
                                   const torch::Device& device, ArtifactSink& sink) {
  if (!has_mixture(model)) throw Error("prior-component samples: the model has no mixture prior; use gmvae");
  if (m < 1) throw Error("prior-component samples: m must be >= 1, got " + std::to_string(m));
  check_index(dataset, 0, "prior-component samples");
  const ModelOutputs out = eval_forward(model, dataset.test.images.slice(0, 0, 1), device);
  const torch::Tensor means = out.at(ModelOutput::COMPONENT_MU).cpu();
  const torch::Tensor logvars = out.at(ModelOutput::COMPONENT_LOGVAR).cpu();
  const uint64_t base = seed.value_or(kDefaultSampleSeed);
  for (int64_t c = 0; c < means.size(0); ++c) {
    const auto start = std::chrono::steady_clock::now();
    const uint64_t s = base + static_cast<uint64_t>(c);
    write_sample_grid(model, gaussian_draws(means[c], logvars[c], m, s),
                      "prior_component_c_" + std::to_string(c) + "_m_" + std::to_string(m),
                      {{"kind", "prior_component"}, {"component", c}, {"seed", s}, {"base_seed", base},
                       {"seed_override", seed.has_value()}},
                      start, device, sink);
  }
}

void write_posterior_local_samples(Model& model, const Dataset& dataset, int64_t index, int64_t m,
                                   std::optional<uint64_t> seed, const torch::Device& device, ArtifactSink& sink) {
  const auto outs = model.outputs();
  if (!outs.count(ModelOutput::MU) || !outs.count(ModelOutput::LOGVAR))
    throw Error("posterior-local samples: the model has no posterior q(z|x) (MU, LOGVAR); use a VAE (conv_vae, gmvae)");
  if (m < 1) throw Error("posterior-local samples: m must be >= 1, got " + std::to_string(m));
  check_index(dataset, index, "posterior-local samples");
  const auto start = std::chrono::steady_clock::now();
  const ModelOutputs out = eval_forward(model, dataset.test.images.slice(0, index, index + 1), device);
  const torch::Tensor mu = out.at(ModelOutput::MU)[0].cpu(), logvar = out.at(ModelOutput::LOGVAR)[0].cpu();
  const uint64_t base = seed.value_or(kDefaultSampleSeed);
  const uint64_t s = base + static_cast<uint64_t>(index);
  nlohmann::json fields = {{"kind", "posterior_local"}, {"index", index},        {"dataset", dataset.name},
                           {"split", "test"},           {"seed", s},             {"base_seed", base},
                           {"seed_override", seed.has_value()}, {"mu", json_flat(mu)}, {"logvar", json_flat(logvar)}};
  if (out.count(ModelOutput::QC_LOGITS))
    fields["qc_probs"] = json_flat(torch::softmax(out.at(ModelOutput::QC_LOGITS)[0], /*dim=*/0).cpu());
  write_sample_grid(model, gaussian_draws(mu, logvar, m, s),
                    "posterior_local_idx_" + std::to_string(index) + "_m_" + std::to_string(m), fields, start, device,
                    sink);
}

}  // namespace acc
