// How a loss collapses its per-element terms to one number: the `reduction` option of the
// reconstruction, kl and gmvae_kl tasks.
//
//   mean (default): the mean over every element of the batch (pixels, or latent dimensions);
//                   the loss's scale does not depend on the image size or the latent width.
//   sum:            summed over the elements of one image (its pixels, or its latent
//                   dimensions), then averaged over the batch: the per-image scale of a
//                   likelihood. `reconstruction` (bce) + `kl`, both with sum and weight 1,
//                   is exactly the negative ELBO of a VAE in nats per image.
#pragma once

#include <torch/torch.h>

#include <string>

#include <nlohmann/json.hpp>

namespace acc {

enum class Reduction { kMean, kSum };

// From options["reduction"] ("mean" when absent); acc::Error naming `where` and the field
// for any other value.
Reduction reduction_from_options(const nlohmann::json& options, const std::string& where);
std::string reduction_name(Reduction reduction);

// `terms` is [B, ...]: one row of per-element terms per image.
torch::Tensor reduce_terms(const torch::Tensor& terms, Reduction reduction);
// One loss per image: `terms` [N..., elements...] reduced (summed or averaged) over its dimensions
// from `first_element_dim` on, e.g. [B, K, C, H, W] with 2 gives [B, K].
torch::Tensor per_image_loss(const torch::Tensor& terms, Reduction reduction, int64_t first_element_dim = 1);

}  // namespace acc
