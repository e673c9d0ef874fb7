// Multi-head cross-attention with exposed, head-averaged weights.
#include "models/cross_attention.h"

#include <cmath>

namespace acc {

CrossAttentionImpl::CrossAttentionImpl(int64_t dim, int64_t heads)
    : dim_(dim), heads_(heads), to_q(dim, dim), to_k(dim, dim), to_v(dim, dim), to_out(dim, dim) {
  TORCH_CHECK(dim > 0 && heads > 0 && dim % heads == 0, "cross-attention: dim ", dim,
              " must be a positive multiple of heads ", heads);
  register_module("to_q", to_q);
  register_module("to_k", to_k);
  register_module("to_v", to_v);
  register_module("to_out", to_out);
}

std::pair<torch::Tensor, torch::Tensor> CrossAttentionImpl::forward(const torch::Tensor& queries,
                                                                    const torch::Tensor& tokens) {
  TORCH_CHECK(queries.dim() == 2 && queries.size(1) == dim_, "cross-attention expects queries [Q, ",
              dim_, "], got ", queries.sizes());
  TORCH_CHECK(tokens.dim() == 3 && tokens.size(2) == dim_, "cross-attention expects tokens [B, G, ",
              dim_, "], got ", tokens.sizes());
  const int64_t batch = tokens.size(0), n_tokens = tokens.size(1), n_queries = queries.size(0);
  const int64_t head_dim = dim_ / heads_;
  const torch::Tensor q = to_q(queries).view({n_queries, heads_, head_dim}).transpose(0, 1);
  const torch::Tensor k = to_k(tokens).view({batch, n_tokens, heads_, head_dim});
  const torch::Tensor v = to_v(tokens).view({batch, n_tokens, heads_, head_dim});
  // The queries are shared by the batch, so each head is one matmul against every token of
  // every image: [H, Q, d] x [H, d, B*G], rather than broadcasting the queries over the
  // batch (which made attention the slowest part of a training step).
  const double scale = 1.0 / std::sqrt(static_cast<double>(head_dim));
  const torch::Tensor scores =
      torch::bmm(q, k.permute({2, 3, 0, 1}).reshape({heads_, head_dim, batch * n_tokens}));
  // [H, Q, B, G]: for each query, a distribution over the tokens of its image.
  const torch::Tensor weights =
      torch::softmax(scores.view({heads_, n_queries, batch, n_tokens}) * scale, /*dim=*/-1);
  // Weighted sum of values per (image, head): [B*H, Q, G] x [B*H, G, d] on contiguous
  // operands (a broadcast product summed over G measured 1.5-4x slower).
  const torch::Tensor mixed =
      torch::bmm(weights.permute({2, 0, 1, 3}).reshape({batch * heads_, n_queries, n_tokens}),
                 v.permute({0, 2, 1, 3}).reshape({batch * heads_, n_tokens, head_dim}));
  const torch::Tensor out = to_out(mixed.view({batch, heads_, n_queries, head_dim})
                                       .transpose(1, 2)
                                       .reshape({batch, n_queries, dim_}));
  return {out, weights.mean(/*dim=*/0).transpose(0, 1)};  // [Q, B, G] -> [B, Q, G]
}

}  // namespace acc
