// How a Gaussian-mixture model uses its components, from soft responsibilities q(c|x) of N
// images ([N, K], rows summing to 1). Shared by the gmvae_kl task's per-step diagnostics and
// the mixture-health artifact, so the training log and the artifact mean the same thing:
//   p            = mean over images of q(c|x)             (empirical component weights, [K])
//   psum         = sum of p (1 up to rounding; a check)
//   entropy      = H(p) = -sum_k p_k log p_k             (nats; 0 log 0 = 0)
//   neff         = exp(entropy): components in use, 1 (collapse) .. K (uniform)
//   pmax         = max_k p_k
//   argmax_counts[k] = images whose most probable component is k (ties: lowest k)
//   argmax_neff  = exp(H(argmax_counts / N))
//   qc_entropy_mean = mean over images of H(q(c|x)): 0 = confident assignments, log K = none
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace acc {

struct MixtureUsage {
  std::vector<double> p;
  double psum = 0, entropy = 0, neff = 0, pmax = 0;
  std::vector<int64_t> argmax_counts;
  double argmax_neff = 0;
  double qc_entropy_mean = 0;
};

// Entropy in nats of each row of probabilities [.., K] (0 log 0 = 0).
torch::Tensor row_entropy(const torch::Tensor& probs);

MixtureUsage mixture_usage(const torch::Tensor& qc_probs);

}  // namespace acc
