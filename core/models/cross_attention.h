// CrossAttention: multi-head scaled dot-product attention (Vaswani et al. 2017, eq. 1)
// from a set of queries to a small set of tokens, returning the head-averaged attention
// weights alongside the output so models can expose them (ModelOutput::ATTENTION).
// LibTorch 1.13's C++ MultiheadAttention has no batch_first and does not average weights
// the way we want to expose them, so this is written out: four Linear projections
// (to_q, to_k, to_v, to_out), `heads` heads of token_dim / heads channels each.
#pragma once

#include <torch/torch.h>

#include <utility>

namespace acc {

class CrossAttentionImpl : public torch::nn::Module {
 public:
  // `dim` must be divisible by `heads` (TORCH_CHECK; callers validate user options).
  CrossAttentionImpl(int64_t dim, int64_t heads);

  // queries [Q, D] (shared by the batch) or [B, Q, D]; tokens [B, G, D].
  // Returns {output [B, Q, D], weights [B, Q, G]}: weights are softmax over the G tokens
  // for each query (each row sums to 1), averaged over heads.
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& queries,
                                                  const torch::Tensor& tokens);

 private:
  // [N, L, D] -> [N, heads, L, D / heads]
  torch::Tensor split_heads(const torch::Tensor& x) const;

  int64_t dim_;
  int64_t heads_;
  torch::nn::Linear to_q;
  torch::nn::Linear to_k;
  torch::nn::Linear to_v;
  torch::nn::Linear to_out;
};
TORCH_MODULE(CrossAttention);

}  // namespace acc
