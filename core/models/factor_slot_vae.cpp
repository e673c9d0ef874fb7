// factor_slot_vae: per-group posterior heads on a conv backbone, a cross-attention decoder
// over one token per group. See the header for the architecture and detach_factor_grad.
#include "models/factor_slot_vae.h"

#include "error.h"
#include "models/conv_blocks.h"

namespace acc {
namespace {
constexpr int64_t kBackboneChannels1 = 32;
constexpr int64_t kMlpExpansion = 2;  // hidden width of the per-position MLP / token_dim
// Standard normal, like an embedding table. Position must dominate the decoder's input at
// first: with std 0.1 or 0.5 most seeds sat on the all-black plateau for over 100 steps
// on random rectangles (batch 16, lr 2e-3), with std 1 none of six did.
constexpr double kQueryInitStd = 1.0;


// User errors (acc::Error naming the field) before any module is built.
FactorSlotVAEOptions checked(FactorSlotVAEOptions o) {
  conv_grid_size(o.image_size);
  validate_factor_groups(o.groups);
  auto require_positive = [](const std::string& field, int64_t value) {
    if (value <= 0)
      throw Error("field '" + field + "' must be a positive integer, got " + std::to_string(value));
  };
  require_positive("token_dim", o.token_dim);
  require_positive("heads", o.heads);
  if (o.token_dim % o.heads != 0)
    throw Error("field 'heads' = " + std::to_string(o.heads) + " must divide 'token_dim' = " +
                std::to_string(o.token_dim) + " (each head gets token_dim / heads channels)");
  return o;
}
}  // namespace

std::vector<FactorGroup> FactorSlotVAEOptions::default_groups() {
  return {{"digit", 0, 4}, {"thickness", 4, 7}, {"slant", 7, 10}, {"free", 10, 16}};
}

FactorBackboneImpl::FactorBackboneImpl()
    : conv1(halving_conv(/*in=*/1, kBackboneChannels1)),
      conv2(halving_conv(kBackboneChannels1, kChannels)) {
  register_module("conv1", conv1);
  register_module("conv2", conv2);
}

torch::Tensor FactorBackboneImpl::forward(const torch::Tensor& x) {
  const torch::Tensor h1 = taps_->tap("backbone.conv1", torch::relu(conv1(x)));
  return taps_->tap("backbone.conv2", torch::relu(conv2(h1)));
}

void FactorBackboneImpl::attach_taps(ActivationTaps* taps) {
  taps_ = taps;
  taps->declare("backbone.conv1");
  taps->declare("backbone.conv2");
}

TokenGridDecoderImpl::TokenGridDecoderImpl(int64_t grid, int64_t token_dim)
    : grid_(grid),
      token_dim_(token_dim),
      norm(torch::nn::LayerNormOptions({token_dim})),
      out_norm(torch::nn::LayerNormOptions({token_dim})),
      fc1(token_dim, kMlpExpansion * token_dim),
      fc2(kMlpExpansion * token_dim, token_dim),
      deconv1(doubling_deconv(token_dim, kBackboneChannels1)),
      deconv2(doubling_deconv(kBackboneChannels1, /*out=*/1)) {
  register_module("norm", norm);
  register_module("out_norm", out_norm);
  register_module("fc1", fc1);
  register_module("fc2", fc2);
  register_module("deconv1", deconv1);
  register_module("deconv2", deconv2);
}

torch::Tensor TokenGridDecoderImpl::forward(const torch::Tensor& positions) {
  const torch::Tensor h = out_norm(positions + fc2(torch::relu(fc1(norm(positions)))));
  // [B, s*s, D] with row-major positions -> [B, D, s, s].
  const torch::Tensor grid = h.transpose(1, 2).reshape({-1, token_dim_, grid_, grid_});
  const torch::Tensor pre = deconv2(torch::relu(deconv1(grid)));
  // Straight-through clamp, not a sigmoid: see the header and models/output_activation.h.
  return apply_output_activation(pre, OutputActivation::kClamp);
}

FactorSlotVAEImpl::FactorSlotVAEImpl(FactorSlotVAEOptions options)
    : options_(checked(std::move(options))),
      grid_(conv_grid_size(options_.image_size)),
      latent_dim_(factor_groups_latent_dim(options_.groups)),
      backbone(),
      token_norm(torch::nn::LayerNormOptions({options_.token_dim})),
      queries(torch::randn({grid_ * grid_, options_.token_dim}) * kQueryInitStd),
      attention(options_.token_dim, options_.heads),
      decoder(grid_, options_.token_dim) {
  register_module("backbone", backbone);
  backbone->attach_taps(&taps());
  const int64_t features = FactorBackboneImpl::kChannels * grid_ * grid_;
  std::vector<std::pair<std::string, std::shared_ptr<torch::nn::Module>>> named_heads, named_tokens;
  for (const auto& g : options_.groups) {
    head_list_.emplace_back(features, 2 * g.size());  // [mu, logvar]
    token_list_.emplace_back(g.size(), options_.token_dim);
    named_heads.emplace_back(g.name, head_list_.back().ptr());
    named_tokens.emplace_back(g.name, token_list_.back().ptr());
  }
  heads->update(named_heads);
  token_embed->update(named_tokens);
  register_module("heads", heads);
  register_module("token_embed", token_embed);
  register_module("token_norm", token_norm);
  queries = register_parameter("queries", queries);
  register_module("attention", attention);
  register_module("decoder", decoder);
}

std::pair<torch::Tensor, torch::Tensor> FactorSlotVAEImpl::posterior(
    const torch::Tensor& features) {
  std::vector<torch::Tensor> mus, logvars;
  for (size_t i = 0; i < head_list_.size(); ++i) {
    const std::vector<torch::Tensor> stats = head_list_[i](features).chunk(2, /*dim=*/1);
    mus.push_back(stats[0]);
    logvars.push_back(stats[1]);
  }
  return {torch::cat(mus, /*dim=*/1), torch::cat(logvars, /*dim=*/1)};
}

ModelOutputs FactorSlotVAEImpl::forward(const torch::Tensor& x) {
  const int64_t side = options_.image_size;
  TORCH_CHECK(x.dim() == 4 && x.size(1) == 1 && x.size(2) == side && x.size(3) == side,
              "factor_slot_vae expects [B, 1, ", side, ", ", side, "] input, got ", x.sizes());
  const torch::Tensor features = backbone(x).flatten(/*start_dim=*/1);
  const auto [mu, logvar] = posterior(features);
  // eps comes from the global generator on purpose: the trainer seeds and checkpoints it.
  const torch::Tensor eps = is_training() ? torch::randn_like(mu) : torch::Tensor();
  auto sample = [&](const torch::Tensor& m, const torch::Tensor& lv) {
    return eps.defined() ? m + eps * torch::exp(0.5 * lv) : m;
  };
  const torch::Tensor z = sample(mu, logvar);
  const auto [reconstruction, attention_weights] = decode_with_attention(z);

  ModelOutputs out = {{ModelOutput::RECONSTRUCTION, reconstruction},
                      {ModelOutput::ATTENTION, attention_weights}};
  if (options_.detach_factor_grad) {
    // Same values, but task losses on these reach only their own group's head.
    const auto [task_mu, task_logvar] = posterior(features.detach());
    out[ModelOutput::LATENT] = sample(task_mu, task_logvar);
    out[ModelOutput::MU] = task_mu;
    out[ModelOutput::LOGVAR] = task_logvar;
  } else {
    out[ModelOutput::LATENT] = z;
    out[ModelOutput::MU] = mu;
    out[ModelOutput::LOGVAR] = logvar;
  }
  return out;
}

std::pair<torch::Tensor, torch::Tensor> FactorSlotVAEImpl::decode_with_attention(
    const torch::Tensor& z) {
  TORCH_CHECK(z.dim() == 2 && z.size(1) == latent_dim_, "factor_slot_vae decodes [B, ", latent_dim_,
              "] latents, got ", z.sizes());
  std::vector<torch::Tensor> tokens;
  for (size_t i = 0; i < token_list_.size(); ++i) {
    const FactorGroup& g = options_.groups[i];
    tokens.push_back(token_list_[i](z.slice(/*dim=*/1, g.start, g.end)));
  }
  const auto [mixed, weights] = attention(queries, token_norm(torch::stack(tokens, /*dim=*/1)));
  const torch::Tensor reconstruction = decoder(mixed + queries);
  return {reconstruction, weights.transpose(1, 2)};  // weights [B, s*s, G] -> [B, G, s*s]
}

std::set<ModelOutput> FactorSlotVAEImpl::outputs() const {
  return {ModelOutput::LATENT, ModelOutput::RECONSTRUCTION, ModelOutput::MU, ModelOutput::LOGVAR,
          ModelOutput::ATTENTION};
}

nlohmann::json FactorSlotVAEImpl::config() const {
  return {{"type", "factor_slot_vae"},
          {"image_size", options_.image_size},
          {"groups", factor_groups_to_json(options_.groups)},
          {"token_dim", options_.token_dim},
          {"heads", options_.heads},
          {"detach_factor_grad", options_.detach_factor_grad}};
}

}  // namespace acc
