// Convolutional encoder/decoder blocks shared by the conv models.
#include "models/conv_blocks.h"

#include "error.h"

namespace acc {
namespace {
constexpr int64_t kChannels1 = 32;
constexpr int64_t kChannels2 = 64;

}  // namespace

torch::nn::Conv2dOptions halving_conv(int64_t in, int64_t out) {
  return torch::nn::Conv2dOptions(in, out, /*kernel_size=*/3).stride(2).padding(1);
}

// output_padding 1 makes each transposed conv exactly double the side (7->14->28).
torch::nn::ConvTranspose2dOptions doubling_deconv(int64_t in, int64_t out) {
  return torch::nn::ConvTranspose2dOptions(in, out, /*kernel_size=*/3)
      .stride(2)
      .padding(1)
      .output_padding(1);
}

int64_t conv_grid_size(int64_t image_size) {
  if (image_size < 4 || image_size % 4 != 0)
    throw Error("field 'image_size' = " + std::to_string(image_size) +
                " must be a positive multiple of 4 (the conv encoder halves it twice); use 28 "
                "or 32");
  return image_size / 4;
}

ConvEncoderImpl::ConvEncoderImpl(int64_t image_size, int64_t latent,
                                 const std::vector<std::string>& head_names,
                                 const std::vector<EncoderHead>& extra_heads)
    : image_size_(image_size),
      conv1(halving_conv(/*in=*/1, kChannels1)),
      conv2(halving_conv(kChannels1, kChannels2)) {
  const int64_t grid = conv_grid_size(image_size);
  register_module("conv1", conv1);
  register_module("conv2", conv2);
  for (const auto& name : head_names)
    heads_.push_back(register_module(name, torch::nn::Linear(kChannels2 * grid * grid, latent)));
  for (const auto& head : extra_heads)
    heads_.push_back(register_module(head.name, torch::nn::Linear(kChannels2 * grid * grid, head.size)));
}

std::vector<torch::Tensor> ConvEncoderImpl::forward(const torch::Tensor& x) {
  TORCH_CHECK(
      x.dim() == 4 && x.size(1) == 1 && x.size(2) == image_size_ && x.size(3) == image_size_,
      "conv encoder expects [B, 1, ", image_size_, ", ", image_size_, "] input, got ", x.sizes());
  const torch::Tensor h1 = taps_->tap("encoder.conv1", torch::relu(conv1(x)));
  const torch::Tensor features = taps_->tap("encoder.conv2", torch::relu(conv2(h1))).flatten(/*start_dim=*/1);
  std::vector<torch::Tensor> out;
  for (auto& head : heads_) out.push_back(head(features));
  return out;
}

ConvDecoderImpl::ConvDecoderImpl(int64_t image_size, int64_t latent, OutputActivation output)
    : grid_(conv_grid_size(image_size)),
      output_(output),
      fc_dec(latent, kChannels2 * grid_ * grid_),
      deconv1(doubling_deconv(kChannels2, kChannels1)),
      deconv2(doubling_deconv(kChannels1, /*out=*/1)) {
  register_module("fc_dec", fc_dec);
  register_module("deconv1", deconv1);
  register_module("deconv2", deconv2);
}

torch::Tensor ConvDecoderImpl::forward(const torch::Tensor& z) { return apply_output_activation(pre_activation(z), output_); }

torch::Tensor ConvDecoderImpl::pre_activation(const torch::Tensor& z) {
  const torch::Tensor grid = taps_->tap("decoder.fc_dec", torch::relu(fc_dec(z))).view({-1, kChannels2, grid_, grid_});
  return deconv2(taps_->tap("decoder.deconv1", torch::relu(deconv1(grid))));
}

void ConvEncoderImpl::attach_taps(ActivationTaps* taps) {
  taps_ = taps;
  taps->declare("encoder.conv1");
  taps->declare("encoder.conv2");
}

void ConvDecoderImpl::attach_taps(ActivationTaps* taps) {
  taps_ = taps;
  taps->declare("decoder.fc_dec");
  taps->declare("decoder.deconv1");
}

ConvModel::ConvModel(std::string type, int64_t image_size, int64_t latent, OutputActivation output,
                     const std::vector<std::string>& head_names, const std::vector<EncoderHead>& extra_heads)
    : encoder(image_size, latent, head_names, extra_heads),
      decoder(image_size, latent, output),
      type_(std::move(type)),
      image_size_(image_size),
      latent_(latent),
      output_(output) {
  register_module("encoder", encoder);
  register_module("decoder", decoder);
  encoder->attach_taps(&taps());
  decoder->attach_taps(&taps());
}

void ConvModel::add_reconstruction(ModelOutputs& out, const torch::Tensor& z) {
  acc::add_reconstruction(out, decoder->pre_activation(z), output_);
}

std::set<ModelOutput> ConvModel::with_reconstruction(std::set<ModelOutput> others) const {
  for (ModelOutput o : reconstruction_outputs(output_)) others.insert(o);
  return others;
}

nlohmann::json ConvModel::config() const {
  return {{"type", type_}, {"latent", latent_}, {"image_size", image_size_}, {"output", output_activation_name(output_)}};
}

}  // namespace acc
