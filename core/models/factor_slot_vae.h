// factor_slot_vae: a VAE whose latent is partitioned into named factor groups ("digit",
// "thickness", "slant", "free") and whose decoder reads the groups as tokens through
// cross-attention, so each group's influence on each image region is visible.
//
// Encoder. `backbone` = two 3x3 stride-2 convolutions (1->32->64 channels, ReLU) giving a
// 64-channel grid of side s = image_size / 4 (8x8 at 32 px, 7x7 at 28 px). Two, not three:
// a third halving would leave 4x4 = 16 positions at 32 px, too coarse for attention maps
// to say where a factor acts. One Linear head per group, `heads.<group>`, reads the
// flattened grid (not a pooled one: pooling would discard where strokes are, which slant
// and digit identity depend on) and emits that group's mu and logvar. In training mode
// z = mu + eps * exp(logvar / 2) with eps from the global generator (the trainer seeds and
// checkpoints it); in eval mode z = mu.
//
// Decoder. `token_embed.<group>` embeds each group's slice of z as one token of token_dim,
// and `token_norm` (LayerNorm) normalises the tokens. `queries` holds one learned embedding
// per grid position (row-major, p = row * s + col). `attention` (CrossAttention, `heads`
// heads) lets every position attend over the G tokens; its output plus the position's own
// query (so positions keep their identity) goes through `decoder`: a pre-norm residual MLP
// per position, a final LayerNorm, then two stride-2 transposed convolutions back to
// [B, 1, H, W]. The LayerNorms keep the decoder's input scale fixed however large mu
// grows; in a 1000-step MNIST comparison at KL weight 0.01 the run without them stayed in
// posterior collapse and the run with them did not.
//
// Output range. The image is the last convolution clamped to [0, 1] with a straight-
// through gradient (forward clamp, backward identity), not a sigmoid. Under acc's L1
// reconstruction loss a sigmoid output went all-black within ~30 steps in every MNIST
// 32 px run tried (lr 1e-3 and 3e-4, KL weight 0 to 1): 9 in 10 pixels are background, L1
// pushes each down with constant force, and once pre-activations pass about -18 the
// sigmoid's gradient is below Adam's epsilon for good. With the clamp, background
// predicted as exactly 0 has zero L1 gradient, so ink pixels drive learning (test L1 0.053
// after 1000 steps, batch 64, KL weight 0.01; the all-black image scores 0.101). A plain
// clamp would give ink pixels predicted below 0 no gradient at all.
//
// Outputs. LATENT = z, MU, LOGVAR [B, latent_dim] (groups concatenated in order),
// RECONSTRUCTION [B, 1, H, W], ATTENTION [B, G, s*s]: ATTENTION[b, g, p] is the
// head-averaged weight position p gives token g; the softmax is over tokens, so for every
// (b, p) the G weights sum to 1. Reshape to [B, G, s, s] for heatmaps.
//
// detach_factor_grad (default false). When true, the values tasks read (LATENT, MU,
// LOGVAR) are produced by each head from a *detached* copy of the backbone features,
// while the decoder gets the same values (bit-identical, same eps) through an attached
// copy. Only gradient routing changes:
//   - a loss on group k's slice of LATENT / MU / LOGVAR (a probe, a regression, a
//     per-group KL) reaches only heads.<k>: zero gradient in the backbone and in every
//     other group's head, so one factor's task cannot reshape the features the other
//     factors read;
//   - reconstruction still trains everything (backbone, every head, tokens, attention,
//     decoder), and the decoder's attention still mixes all groups.
// When false, task gradients also flow into the shared backbone (ordinary multi-task
// training). The older Python model detached the factor tokens from the decoder instead;
// here the decoder reads nothing but the tokens, so that would cut the encoder off from
// reconstruction entirely (and leave groups without a task, like "free", to the KL alone). With the
// flag on, the heads run twice per forward pass (the second time on the detached features); they
// are single Linears, so this is cheap.
//
// Module paths: backbone.{conv1, conv2}, heads.<group>, token_embed.<group>, token_norm,
// attention.{to_q, to_k, to_v, to_out}, decoder.{norm, fc1, fc2, out_norm, deconv1,
// deconv2}; parameter `queries` [s*s, token_dim].
#pragma once

#include <torch/torch.h>

#include <utility>
#include <vector>

#include "models/cross_attention.h"
#include "models/factor_group.h"
#include "models/model.h"

namespace acc {

struct FactorSlotVAEOptions {
  int64_t image_size = 32;
  std::vector<FactorGroup> groups = default_groups();
  int64_t token_dim = 64;
  int64_t heads = 4;
  bool detach_factor_grad = false;

  // digit [0, 4), thickness [4, 7), slant [7, 10), free [10, 16).
  static std::vector<FactorGroup> default_groups();
};

// conv1 -> ReLU -> conv2 -> ReLU: [B, 1, H, W] -> [B, 64, H/4, W/4].
class FactorBackboneImpl : public torch::nn::Module {
 public:
  FactorBackboneImpl();
  torch::Tensor forward(const torch::Tensor& x);
  static constexpr int64_t kChannels = 64;
  // Declares backbone.conv1 and backbone.conv2 (post-ReLU) on the model's taps.
  void attach_taps(ActivationTaps* taps);

 private:
  ActivationTaps* taps_ = nullptr;
  torch::nn::Conv2d conv1;
  torch::nn::Conv2d conv2;
};
TORCH_MODULE(FactorBackbone);

// Per-position residual MLP and LayerNorm on [B, s*s, D], then [B, D, s, s] -> deconvs ->
// [B, 1, 4s, 4s] in [0, 1].
class TokenGridDecoderImpl : public torch::nn::Module {
 public:
  TokenGridDecoderImpl(int64_t grid, int64_t token_dim);
  torch::Tensor forward(const torch::Tensor& positions);

 private:
  int64_t grid_;
  int64_t token_dim_;
  torch::nn::LayerNorm norm;
  torch::nn::LayerNorm out_norm;
  torch::nn::Linear fc1;
  torch::nn::Linear fc2;
  torch::nn::ConvTranspose2d deconv1;
  torch::nn::ConvTranspose2d deconv2;
};
TORCH_MODULE(TokenGridDecoder);

class FactorSlotVAEImpl : public Model {
 public:
  // acc::Error naming the field for an image_size not divisible by 4, invalid groups,
  // or heads not dividing token_dim.
  explicit FactorSlotVAEImpl(FactorSlotVAEOptions options);

  ModelOutputs forward(const torch::Tensor& x) override;
  torch::Tensor decode(const torch::Tensor& z) override { return decode_with_attention(z).first; }
  // {RECONSTRUCTION [B, 1, H, W], ATTENTION [B, G, s*s]} for a latent batch [B, latent_dim].
  std::pair<torch::Tensor, torch::Tensor> decode_with_attention(const torch::Tensor& z);

  std::set<ModelOutput> outputs() const override;
  int64_t latent_dim() const override { return latent_dim_; }
  ImageShape input_shape() const override {
    return {/*channels=*/1, options_.image_size, options_.image_size};
  }
  nlohmann::json config() const override;

  const std::vector<FactorGroup>& groups() const { return options_.groups; }
  std::vector<FactorGroup> latent_groups() const override { return options_.groups; }
  int64_t grid_size() const { return grid_; }  // s: ATTENTION has s*s positions

 private:
  // Concatenated (mu, logvar) of every head applied to `features` [B, F].
  std::pair<torch::Tensor, torch::Tensor> posterior(const torch::Tensor& features);

  FactorSlotVAEOptions options_;
  int64_t grid_;
  int64_t latent_dim_;
  FactorBackbone backbone;
  torch::nn::ModuleDict heads;
  torch::nn::ModuleDict token_embed;
  torch::nn::LayerNorm token_norm;
  torch::Tensor queries;
  CrossAttention attention;
  TokenGridDecoder decoder;
  // The Linears of `heads` and `token_embed` in group order, to avoid name look-ups.
  std::vector<torch::nn::Linear> head_list_;
  std::vector<torch::nn::Linear> token_list_;
};
TORCH_MODULE(FactorSlotVAE);

}  // namespace acc
