// Principal component analysis of latent codes, as a pure function on tensors: the 2-D
// views of the latent space and the "how many directions carry the variance" numbers both
// come from here. Latent widths are small (D <= ~1024), so the covariance route (D x D
// matrix, then a symmetric eigendecomposition) is cheap and, unlike an SVD of the N x D
// data, needs only O(D^2) memory however many points there are.
#pragma once

#include <torch/torch.h>

namespace acc {

struct Pca {
  torch::Tensor mean;                      // float32 [D]
  // float32 [k, D], orthonormal rows in decreasing-variance order. Each row's sign is fixed
  // so its largest-|.| entry (first one on an exact tie) is positive, as sklearn's svd_flip
  // does on the components: the same data always gives the same axes, not mirrored ones.
  torch::Tensor components;
  torch::Tensor explained_variance;        // float32 [k], with the N - 1 denominator (sklearn)
  // float32 [k], share of the total variance (trace of the covariance, all D directions);
  // all zeros for constant data rather than 0/0.
  torch::Tensor explained_variance_ratio;
};

// Fits the top `k` components (1 <= k <= D) of `x` [N, D] (N >= 2), computed in float64.
Pca pca_fit(const torch::Tensor& x, int64_t k);

// Projects `x` [M, D] onto the components: (x - mean) components^T -> float32 [M, k].
torch::Tensor pca_transform(const Pca& pca, const torch::Tensor& x);

}  // namespace acc
