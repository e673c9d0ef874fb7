// cnn_classifier; see cnn_classifier.h.
#include "models/cnn_classifier.h"

#include "error.h"

namespace acc {

namespace {

// Two 2x2 max-pools: the side must halve twice exactly.
int64_t pooled_side(int64_t image_size) {
  if (image_size < 4 || image_size % 4 != 0)
    throw Error("field 'image_size': cnn_classifier pools twice by 2, so the side must be a multiple of 4 (28, 32), got " +
                std::to_string(image_size));
  return image_size / 4;
}

}  // namespace

CnnClassifierImpl::CnnClassifierImpl(int64_t image_size, int64_t hidden, int64_t classes)
    : shape_{1, image_size, image_size},
      hidden_(hidden),
      classes_(classes),
      conv1(torch::nn::Conv2dOptions(1, 32, 3).padding(1)),
      conv2(torch::nn::Conv2dOptions(32, 64, 3).padding(1)),
      fc1(64 * pooled_side(image_size) * pooled_side(image_size), hidden),
      fc2(hidden, classes) {
  register_module("conv1", conv1);
  register_module("conv2", conv2);
  register_module("fc1", fc1);
  register_module("fc2", fc2);
  for (const char* point : {"conv1", "conv2", "fc1"}) taps().declare(point);
}

ModelOutputs CnnClassifierImpl::forward(const torch::Tensor& x) {
  TORCH_CHECK(x.dim() == 4 && x.size(1) == 1 && x.size(2) == shape_.height && x.size(3) == shape_.width,
              "cnn_classifier expects [B, ", shape_.str(), "] input, got ", x.sizes());
  torch::Tensor h = torch::max_pool2d(taps().tap("conv1", torch::relu(conv1(x))), 2);
  h = torch::max_pool2d(taps().tap("conv2", torch::relu(conv2(h))), 2);
  torch::Tensor features = taps().tap("fc1", torch::relu(fc1(h.flatten(/*start_dim=*/1))));
  return {{ModelOutput::LATENT, features}, {ModelOutput::LOGITS, fc2(features)}};
}

torch::Tensor CnnClassifierImpl::decode(const torch::Tensor&) {
  throw Error("cnn_classifier has no decoder: it classifies images and cannot turn a latent back into one");
}

nlohmann::json CnnClassifierImpl::config() const {
  return {{"type", "cnn_classifier"}, {"image_size", shape_.height}, {"hidden", hidden_}, {"classes", classes_}};
}

}  // namespace acc
