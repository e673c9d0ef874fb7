// The convolutional encoder and decoder shared by conv_ae and conv_vae, and ConvModel, the
// base both derive from, so the two models differ only in what sits between encoder and
// decoder (one latent head, or a mean/log-variance pair and the reparameterisation).
// Two stride-2 convolutions halve the image twice, so the image side must be a multiple
// of 4: 28 px gives a 7x7 grid, 32 px an 8x8 grid.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "models/model.h"
#include "models/output_activation.h"

namespace acc {

// 3x3, stride 2, padding 1: halves the side (28->14, 32->16). Shared by every conv model.
torch::nn::Conv2dOptions halving_conv(int64_t in, int64_t out);
// 3x3, stride 2, padding 1, output_padding 1: exactly doubles the side.
torch::nn::ConvTranspose2dOptions doubling_deconv(int64_t in, int64_t out);

// Side of the 64-channel feature grid for `image_size`; acc::Error (naming the
// `image_size` field) when the encoder cannot halve it twice exactly.
int64_t conv_grid_size(int64_t image_size);

// A Linear head of the encoder with its own width (gmvae's fc_qc: one logit per component).
struct EncoderHead {
  std::string name;
  int64_t size;
};

// conv1 -> ReLU -> conv2 -> ReLU -> flatten, then one Linear head per name, each mapping
// the features to `latent` values, then the `extra_heads` with their own widths. Heads live
// here (not in the model) so that gating "encoder" covers everything that produces the latent.
class ConvEncoderImpl : public torch::nn::Module {
 public:
  ConvEncoderImpl(int64_t image_size, int64_t latent, const std::vector<std::string>& head_names,
                  const std::vector<EncoderHead>& extra_heads = {});
  // One [B, latent] tensor per head, in the order of `head_names`, then one [B, size] per
  // extra head.
  std::vector<torch::Tensor> forward(const torch::Tensor& x);
  // Declares encoder.conv1 and encoder.conv2 (post-ReLU) on the model's taps.
  void attach_taps(ActivationTaps* taps);

 private:
  ActivationTaps* taps_ = nullptr;
  int64_t image_size_;
  torch::nn::Conv2d conv1;
  torch::nn::Conv2d conv2;
  std::vector<torch::nn::Linear> heads_;
};
TORCH_MODULE(ConvEncoder);

// fc_dec -> ReLU -> reshape to the grid -> deconv1 -> ReLU -> deconv2 -> output activation
// (straight-through clamp by default, or sigmoid: models/output_activation.h).
class ConvDecoderImpl : public torch::nn::Module {
 public:
  ConvDecoderImpl(int64_t image_size, int64_t latent, OutputActivation output);
  torch::Tensor forward(const torch::Tensor& z);  // [B, latent] -> [B, 1, H, W] in [0, 1]
  // deconv2's output before the output activation (the logits under output: sigmoid).
  torch::Tensor pre_activation(const torch::Tensor& z);
  OutputActivation output_activation() const { return output_; }
  // Declares decoder.fc_dec and decoder.deconv1 (post-ReLU) on the model's taps.
  void attach_taps(ActivationTaps* taps);

 private:
  ActivationTaps* taps_ = nullptr;
  int64_t grid_;
  OutputActivation output_;
  torch::nn::Linear fc_dec;
  torch::nn::ConvTranspose2d deconv1;
  torch::nn::ConvTranspose2d deconv2;
};
TORCH_MODULE(ConvDecoder);

// Everything conv_ae and conv_vae have in common: the encoder (with the heads named by the
// derived model), the decoder, decode(), sizes and config(). Registered as `encoder` and
// `decoder`, so module paths are encoder.conv1, ..., decoder.deconv2 in both models.
class ConvModel : public Model {
 public:
  torch::Tensor decode(const torch::Tensor& z) override { return decoder(z); }
  int64_t latent_dim() const override { return latent_; }
  ImageShape input_shape() const override { return {/*channels=*/1, image_size_, image_size_}; }
  nlohmann::json config() const override;

 protected:
  // `type` is the registry name written into config().
  ConvModel(std::string type, int64_t image_size, int64_t latent, OutputActivation output,
            const std::vector<std::string>& head_names, const std::vector<EncoderHead>& extra_heads = {});

  // Decodes `z` into `out`: RECONSTRUCTION, plus RECONSTRUCTION_LOGITS under output: sigmoid.
  void add_reconstruction(ModelOutputs& out, const torch::Tensor& z);
  // `others` plus what add_reconstruction produces.
  std::set<ModelOutput> with_reconstruction(std::set<ModelOutput> others) const;

  ConvEncoder encoder;
  ConvDecoder decoder;

 private:
  std::string type_;
  int64_t image_size_;
  int64_t latent_;
  OutputActivation output_;
};

}  // namespace acc
