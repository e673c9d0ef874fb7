// CrossAttention: multi-head scaled dot-product attention (Vaswani et al. 2017, eq. 1)
// from learned queries shared by the whole batch (one per decoder grid position) to a
// small set of tokens per image, returning the head-averaged attention weights with the
// output so models can expose them (ModelOutput::ATTENTION). Written out rather than
// LibTorch 1.13's MultiheadAttention (sequence-first, no batch_first) so the shared queries
// are projected once and each head is a single matmul over the batch: four Linear
// projections (to_q, to_k, to_v, to_out), `heads` heads of dim / heads channels each.
#pragma once

#include <torch/torch.h>

#include <utility>

namespace acc {

class CrossAttentionImpl : public torch::nn::Module {
 public:
  // `dim` must be divisible by `heads` (TORCH_CHECK; callers validate user options).
  CrossAttentionImpl(int64_t dim, int64_t heads);

  // queries [Q, D], shared by every image of the batch; tokens [B, G, D].
  // Returns {output [B, Q, D], weights [B, Q, G]}: weights are softmax over the G tokens
  // for each query (each row sums to 1), averaged over heads.
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& queries,
                                                  const torch::Tensor& tokens);

 private:
  int64_t dim_;
  int64_t heads_;
  torch::nn::Linear to_q;
  torch::nn::Linear to_k;
  torch::nn::Linear to_v;
  torch::nn::Linear to_out;
};
TORCH_MODULE(CrossAttention);

}  // namespace acc
