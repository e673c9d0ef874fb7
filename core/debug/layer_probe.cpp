// LayerProbe; see layer_probe.h.
#include "debug/layer_probe.h"

#include "error.h"

namespace acc {

LayerProbe::LayerProbe(Model& model, std::string layer) : model_(model), layer_(std::move(layer)) {
  handle_ = model_.taps().add(
      layer_,
      [this](const torch::Tensor& a) {
        // The first forward of the step only (one per dataset; periodic evaluation runs
        // after the update, when recording has stopped).
        if (!recording_ || activation_.defined()) return;
        activation_ = a.detach();
        if (a.requires_grad()) a.register_hook([this](const torch::Tensor& g) { plain_grad_ = g.detach().clone(); });
      },
      /*first=*/true);
  const auto parameters = model_.named_parameters();
  if (const torch::Tensor* w = parameters.find(layer_ + ".weight"); w && w->dim() >= 2) weight_ = *w;
  find_first_layer_module(model_);
}

LayerProbe::~LayerProbe() { model_.taps().remove(handle_); }

void LayerProbe::find_first_layer_module(Model& model) {
  const ImageShape in = model.input_shape();
  std::shared_ptr<torch::nn::Module> module;
  for (const auto& item : model.named_modules())
    if (item.key() == layer_) module = item.value();
  if (auto linear = std::dynamic_pointer_cast<torch::nn::LinearImpl>(module)) {
    if (linear->options.in_features() == in.numel()) {
      module_ = module;
      tile_h_ = in.channels * in.height;
      tile_w_ = in.width;
      return;
    }
  } else if (auto conv = std::dynamic_pointer_cast<torch::nn::Conv2dImpl>(module)) {
    if (conv->options.in_channels() == in.channels) {
      module_ = module;
      const auto k = conv->options.kernel_size();
      tile_h_ = in.channels * k->at(0);
      tile_w_ = k->at(1);
      return;
    }
  }
  force_unavailable_ = "the force view needs a first layer (a Linear on the flattened image or a Conv2d on the "
                       "image); '" + layer_ + "' is not one";
}

void LayerProbe::begin_step() {
  activation_ = plain_grad_ = gate_ = input_ = weight_grad_ = applied_ = torch::Tensor();
  plain_weight_grad_ = gated_weight_grad_ = torch::Tensor();
  weight_before_ = weight_.defined() ? weight_.detach().clone() : torch::Tensor();
  recording_ = true;
}

void LayerProbe::set_input(const torch::Tensor& images) {
  if (recording_ && !input_.defined()) input_ = images;
}

// dL/dW of the layer for a given dL/da: ReLU's derivative (a > 0) times dL/da, pulled back
// through a fresh forward of the layer on the recorded input. autograd::grad does not touch
// .grad, so the optimiser's gradients are unchanged.
torch::Tensor LayerProbe::weight_gradient_for(const torch::Tensor& activation_grad) const {
  torch::Tensor x = input_;
  torch::Tensor pre;
  if (auto linear = std::dynamic_pointer_cast<torch::nn::LinearImpl>(module_)) {
    x = x.flatten(/*start_dim=*/1);
    pre = linear->forward(x);
  } else {
    pre = std::dynamic_pointer_cast<torch::nn::Conv2dImpl>(module_)->forward(x);
  }
  const torch::Tensor delta = activation_grad * (activation_ > 0).to(activation_grad.scalar_type());
  return torch::autograd::grad({pre}, {weight_}, {delta}, /*retain_graph=*/false, /*create_graph=*/false,
                               /*allow_unused=*/true)[0];
}

void LayerProbe::end_backward(const GatingConfig* gating, bool with_force) {
  recording_ = false;
  if (!activation_.defined()) return;
  if (gating)
    for (const auto& l : gating->layers)
      if (l.layer == layer_) gate_ = competitive_gate(activation_, gating->temperature, l.strength);
  if (weight_.defined() && weight_.grad().defined()) weight_grad_ = weight_.grad().detach().clone();
  if (with_force && module_ && input_.defined() && plain_grad_.defined()) {
    torch::AutoGradMode enable(true);
    plain_weight_grad_ = weight_gradient_for(plain_grad_);
    if (gate_.defined()) {
      std::vector<int64_t> shape(static_cast<size_t>(activation_.dim()), 1);
      shape[0] = gate_.size(0);
      shape[1] = gate_.size(1);
      gated_weight_grad_ = weight_gradient_for(plain_grad_ * gate_.view(shape));
    } else {
      gated_weight_grad_ = plain_weight_grad_;
    }
  }
}

void LayerProbe::end_step(double /*lr*/) {
  if (weight_before_.defined()) applied_ = weight_.detach() - weight_before_;
}

FeatureColumns LayerProbe::columns() const { return feature_columns(activation_, plain_grad_, gate_, weight_before_); }

std::optional<ForceView> LayerProbe::force(double lr) const {
  if (!plain_weight_grad_.defined() || !applied_.defined()) return std::nullopt;
  return force_view(weight_before_, -lr * plain_weight_grad_, -lr * gated_weight_grad_, applied_, tile_h_, tile_w_);
}

}  // namespace acc
