// Specialisation measures for one layer: how different its units' weights are, how many
// dimensions its weight matrix really uses, and how sparsely and evenly its channels fire.
// Pure functions on tensors, so tests can check them against hand computations; the
// evaluation-only tasks (tasks/layer_metrics.h) feed them a model's weights and activations.
#pragma once

#include <torch/torch.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace acc {

// A weight tensor as a matrix with one row per unit: dim 0 is kept, the rest flattened
// (a Linear's [out, in] as is, a conv's [out, in, kh, kw] as [out, in*kh*kw]: each row is
// one kernel), in double.
torch::Tensor weight_rows(const torch::Tensor& weight);

struct WeightCosine {
  double mean = 0;      // mean over pairs i != j of cos(w_i, w_j): 0 orthogonal, 1 duplicates
  double abs_mean = 0;  // mean |cos|: also counts anti-aligned rows as redundant
  double max = 0;       // largest off-diagonal cosine
  int64_t rows = 0;
};
// Pairwise cosine similarity of weight rows. A row of norm 0 has cosine 0 with everything.
// One row: all 0 (no pairs).
WeightCosine weight_cosine(const torch::Tensor& weight);
// The [rows, rows] cosine matrix itself (diagonal 1, or 0 for a zero row).
torch::Tensor cosine_matrix(const torch::Tensor& weight);

// Effective rank (Roy & Vetterli 2007): exp(H(p)) with p_i = s_i / sum(s), s the singular
// values — the singular values themselves, not their squares (squares would measure the
// energy spread instead and give a smaller number). Identity n x n -> n; rank 1 -> 1;
// the zero matrix -> 0.
double effective_rank(const torch::Tensor& weight);

// Accumulates a layer's activations batch by batch ([B, C] or [B, C, H, W]). Per image b
// and channel c the strength is m[b,c] = mean over spatial positions of |a[b,c,...]|.
class ActivationStats {
 public:
  void add(const torch::Tensor& activation);
  int64_t images() const { return images_; }
  // Scalars (images with every channel at 0 are "silent"):
  //   fraction_active     mean over images of the fraction of channels above that image's
  //                       mean strength (lower = sparser; silent images count 0)
  //   fraction_active_var variance over images of that fraction (population variance;
  //                       higher = different images use different subsets)
  //   hoyer               mean over non-silent images of Hoyer's sparsity
  //                       (sqrt(C) - |m|_1 / |m|_2) / (sqrt(C) - 1): 0 all equal, 1 one channel
  //   silent_fraction     fraction of silent images
  //   dead_fraction       fraction of channels that are 0 on every image (dead units)
  //   win_rate_max        largest per-channel win rate (1 = one channel wins every image:
  //                       winner-take-all collapse)
  //   winners_effective   exp(entropy of the win-rate distribution): how many channels
  //                       share the wins (C = perfectly even)
  // A channel wins an image when its strength is the image's largest (first on ties);
  // silent images have no winner.
  std::map<std::string, double> metrics() const;
  // Per channel: win_rate, usage (fraction of images where it is above the image's mean),
  // mean_strength, dead — the diagnostics behind the scalars.
  nlohmann::json per_channel() const;

 private:
  int64_t images_ = 0;
  int64_t silent_ = 0;
  double fraction_sum_ = 0, fraction_sq_sum_ = 0, hoyer_sum_ = 0;
  torch::Tensor wins_;          // [C] int64
  torch::Tensor usage_;         // [C] int64
  torch::Tensor strength_sum_;  // [C] double
  torch::Tensor max_strength_;  // [C] double
};

}  // namespace acc
