// GM-VAE artifacts: mixture health and decoded samples (docs/run-format.md, "GM-VAE").
// Written at every epoch end of a train op (train op field `epoch_artifacts`, sink in epoch
// mode), by `evaluate` ops (artifacts mixture_health, mixture_samples) and on demand by
// `acc inspect --posterior-samples`. All sampling uses local generators, never the global
// one, so writing an artifact cannot change a training run.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <optional>

#include "data/dataset.h"
#include "eval/artifact_sink.h"
#include "models/model.h"

namespace acc {

// Images per mixture-health estimate (the first N of the test split) unless told otherwise.
inline constexpr int64_t kMixtureHealthImages = 1000;
// Samples per grid, and the default base seed of every sample grid.
inline constexpr int64_t kSamplesPerGrid = 16;
inline constexpr uint64_t kDefaultSampleSeed = 0;

// True when the model is a mixture model (has QC_LOGITS and the component parameters).
bool has_mixture(const Model& model);

// q(c|x) [n, K] (float32, CPU) of the first `count` rows of `split` (0 or more than the
// split = all), eval mode. acc::Error when the model is no mixture model.
torch::Tensor mixture_posteriors(Model& model, const Split& split, int64_t count, const torch::Device& device);

// mixture/<label>/mixture_health: usage numbers (analysis/mixture_usage.h) of the soft
// q(c|x) over test rows [0, n) of `dataset` (n clipped to the split; 0 = all), and when
// the split has labels the clustering scores (analysis/clustering_scores.h) of the argmax
// component on the same rows under "clustering".
void write_mixture_health(Model& model, const Dataset& dataset, int64_t n, const torch::Device& device,
                          ArtifactSink& sink);

// samples/<label>/prior_component_c_<c>_m_<m>: for every component c, m draws z ~ p(z|c)
// decoded, from a generator seeded with seed + c. `dataset` only provides one image to read
// the prior's parameters through the model's outputs.
void write_prior_component_samples(Model& model, const Dataset& dataset, int64_t m, std::optional<uint64_t> seed,
                                   const torch::Device& device, ArtifactSink& sink);

// samples/<label>/posterior_local_idx_<i>_m_<m>: m draws z ~ q(z|x_i) for test row i
// decoded, from a generator seeded with seed + i. Needs MU and LOGVAR (any VAE).
void write_posterior_local_samples(Model& model, const Dataset& dataset, int64_t index, int64_t m,
                                   std::optional<uint64_t> seed, const torch::Device& device, ArtifactSink& sink);

}  // namespace acc
