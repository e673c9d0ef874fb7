// Mixture usage statistics; definitions in mixture_usage.h.
#include "analysis/mixture_usage.h"

#include <cmath>

namespace acc {

torch::Tensor row_entropy(const torch::Tensor& probs) {
  // xlogy(p, p) is 0 where p is 0, so empty components add nothing (not NaN).
  return -torch::xlogy(probs, probs).sum(/*dim=*/-1);
}

MixtureUsage mixture_usage(const torch::Tensor& qc_probs) {
  const torch::Tensor q = qc_probs.detach().to(torch::kDouble).cpu();
  TORCH_CHECK(q.dim() == 2 && q.size(0) > 0, "mixture_usage expects [N, K] probabilities with N > 0, got ", q.sizes());
  const int64_t n = q.size(0), k = q.size(1);
  MixtureUsage u;
  const torch::Tensor p = q.mean(/*dim=*/0);
  u.p.assign(p.data_ptr<double>(), p.data_ptr<double>() + k);
  u.psum = p.sum().item<double>();
  u.entropy = row_entropy(p).item<double>();
  u.neff = std::exp(u.entropy);
  u.pmax = p.max().item<double>();
  // argmax returns the first maximum, so ties go to the lowest component index.
  const torch::Tensor counts = torch::bincount(q.argmax(/*dim=*/1), /*weights=*/{}, /*minlength=*/k);
  u.argmax_counts.assign(counts.data_ptr<int64_t>(), counts.data_ptr<int64_t>() + k);
  u.argmax_neff = std::exp(row_entropy(counts.to(torch::kDouble) / static_cast<double>(n)).item<double>());
  u.qc_entropy_mean = row_entropy(q).mean().item<double>();
  return u;
}

}  // namespace acc
