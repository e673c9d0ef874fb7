// Multi-head cross-attention with exposed, head-averaged weights.
#include "models/cross_attention.h"

#include <cmath>

namespace acc {

CrossAttentionImpl::CrossAttentionImpl(int64_t dim, int64_t heads)
    : dim_(dim),
      heads_(heads),
      to_q(dim, dim),
      to_k(dim, dim),
      to_v(dim, dim),
      to_out(dim, dim) {
  TORCH_CHECK(dim > 0 && heads > 0 && dim % heads == 0, "cross-attention: dim ", dim,
              " must be a positive multiple of heads ", heads);
  register_module("to_q", to_q);
  register_module("to_k", to_k);
  register_module("to_v", to_v);
  register_module("to_out", to_out);
}

torch::Tensor CrossAttentionImpl::split_heads(const torch::Tensor& x) const {
  return x.view({x.size(0), x.size(1), heads_, dim_ / heads_}).transpose(1, 2);
}

std::pair<torch::Tensor, torch::Tensor> CrossAttentionImpl::forward(const torch::Tensor& queries,
                                                                    const torch::Tensor& tokens) {
  TORCH_CHECK(tokens.dim() == 3 && tokens.size(2) == dim_, "cross-attention expects tokens [B, G, ",
              dim_, "], got ", tokens.sizes());
  TORCH_CHECK((queries.dim() == 2 || queries.dim() == 3) && queries.size(-1) == dim_,
              "cross-attention expects queries [Q, ", dim_, "] or [B, Q, ", dim_, "], got ",
              queries.sizes());
  const int64_t batch = tokens.size(0);
  // Queries shared by the batch are projected once and broadcast by matmul.
  const torch::Tensor q = split_heads(to_q(queries.dim() == 2 ? queries.unsqueeze(0) : queries));
  const torch::Tensor k = split_heads(to_k(tokens));  // [B, H, G, d]
  const torch::Tensor v = split_heads(to_v(tokens));
  const double scale = 1.0 / std::sqrt(static_cast<double>(dim_ / heads_));
  // [B, H, Q, G]: for each query, a distribution over the tokens.
  const torch::Tensor weights = torch::softmax(torch::matmul(q, k.transpose(-2, -1)) * scale, -1);
  const torch::Tensor mixed = torch::matmul(weights, v);  // [B, H, Q, d]
  const torch::Tensor out = to_out(mixed.transpose(1, 2).reshape({batch, -1, dim_}));
  return {out, weights.mean(/*dim=*/1)};
}

}  // namespace acc
