// Validation and order of the network inspection pieces; see network_inspect.h.
#include "inspect/network_inspect.h"

#include <cmath>

#include "error.h"
#include "inspect/channel_inspect.h"
#include "inspect/conv_layers.h"
#include "inspect/conv_step.h"
#include "inspect/forward_artifact.h"
#include "inspect/forward_capture.h"
#include "inspect/kernels.h"
#include "inspect/perturb.h"
#include "eval/mixture_artifacts.h"
#include "inspect/topk.h"

namespace acc {

namespace {

std::string range(int64_t n) { return "0.." + std::to_string(n - 1); }

void check_inspect_index(const Dataset& dataset, int64_t index) {
  if (index < 0 || index >= dataset.test.size())
    throw Error("--index " + std::to_string(index) + " is outside the test split of '" + dataset.name + "' (rows " +
                range(dataset.test.size()) + "); choose a row in that range");
}

// The first activation point that qualifies for a conv step, for the error message.
std::string conv_step_layers(Model& model) {
  std::string out;
  for (const auto& p : model.taps().points())
    if (const auto conv = conv_layer(model, p); conv && conv_step_unsupported(*conv).empty())
      out += (out.empty() ? "" : ", ") + p;
  return out.empty() ? "none in this model" : out;
}

// Everything that can be wrong with the request, checked on the capture (for map sizes)
// before a file is written.
void validate_inspect_request(Model& model, const ForwardCapture& capture, const InspectRequest& r) {
  const bool needs_layer = r.channel || r.xy || r.topk || r.conv_step;
  if (!r.layer) {
    if (needs_layer)
      throw Error("--channel, --xy, --topk and --conv-step need --layer; choose one of: " + capture.layer_names());
  } else {
    const CapturedLayer* l = capture.find(*r.layer);
    if (!l) throw Error("--layer '" + *r.layer + "' is not a layer of this model; choose one of: " + capture.layer_names());
    const int64_t channels = l->maps.size(0), height = l->maps.size(1), width = l->maps.size(2);
    if (r.channel && (*r.channel < 0 || *r.channel >= channels))
      throw Error("--channel " + std::to_string(*r.channel) + " is out of range for layer " + *r.layer + " (" +
                  std::to_string(channels) + " channel" + (channels == 1 ? "" : "s") + ": " + range(channels) + ")" +
                  (l->spatial ? "" : "; a vector layer is one channel, probe its elements with --xy D,0"));
    if (r.xy && (r.xy->first < 0 || r.xy->first >= width || r.xy->second < 0 || r.xy->second >= height))
      throw Error("--xy " + std::to_string(r.xy->first) + "," + std::to_string(r.xy->second) + " is outside layer " +
                  *r.layer + "'s map (x in " + range(width) + ", y in " + range(height) + ")");
    if (r.conv_step) {
      const auto conv = conv_layer(model, *r.layer);
      const std::string why = conv ? conv_step_unsupported(*conv) : "it is not a convolution";
      if (!why.empty())
        throw Error("--conv-step: layer " + *r.layer + " does not qualify (" + why +
                    "); the single convolution step needs a Conv2d with one input channel and a 3x3 kernel: " +
                    conv_step_layers(model));
    }
  }
  if (r.perturb) {
    const int64_t dims = capture.vector("z").size(0);
    if (r.perturb->first < 0 || r.perturb->first >= dims)
      throw Error("--perturb dimension " + std::to_string(r.perturb->first) + " is out of range: the latent z has " +
                  std::to_string(dims) + " dimensions (" + range(dims) + ")");
    if (!std::isfinite(r.perturb->second)) throw Error("--perturb delta must be a finite number");
  }
  if (r.posterior_samples) {
    if (*r.posterior_samples < 1)
      throw Error("--posterior-samples " + std::to_string(*r.posterior_samples) + " must be at least 1");
    const auto outs = model.outputs();
    if (!outs.count(ModelOutput::MU) || !outs.count(ModelOutput::LOGVAR))
      throw Error("--posterior-samples needs a model with a posterior q(z|x) (MU, LOGVAR: conv_vae, gmvae); this one is " +
                  model.config().value("type", std::string("?")));
  }
  if (r.topk && *r.topk < 1) throw Error("--topk " + std::to_string(*r.topk) + " must be at least 1");
  if (r.topk_metric != "max" && r.topk_metric != "mean")
    throw Error("--topk-metric '" + r.topk_metric + "' is not a metric; use max or mean");
  if (r.topk_subset < 1) throw Error("--subset " + std::to_string(r.topk_subset) + " must be at least 1");
}

int64_t label_of(const Dataset& dataset, int64_t index) {
  return dataset.test.labels.defined() ? dataset.test.labels[index].item<int64_t>() : -1;
}

// The default z_sample seed: the index, so each example's sample differs and repeats.
uint64_t default_seed(int64_t index) { return static_cast<uint64_t>(index); }

}  // namespace

void write_network_forward(Model& model, const Dataset& dataset, int64_t index, const torch::Device& device,
                           ArtifactSink& sink) {
  check_inspect_index(dataset, index);
  const ForwardCapture capture = capture_forward(model, dataset, index, device);
  write_forward(model, capture, dataset.name, label_of(dataset, index), default_seed(index), sink);
}

void check_inspection(Model& model, const Dataset& dataset, const InspectRequest& r, const torch::Device& device) {
  check_inspect_index(dataset, r.index);
  validate_inspect_request(model, capture_forward(model, dataset, r.index, device), r);
}

nlohmann::json write_inspection(Model& model, const Dataset& dataset, const InspectRequest& r,
                                const torch::Device& device, ArtifactSink& sink) {
  check_inspect_index(dataset, r.index);
  const ForwardCapture capture = capture_forward(model, dataset, r.index, device);
  validate_inspect_request(model, capture, r);
  const size_t first = sink.written().size();

  write_forward(model, capture, dataset.name, label_of(dataset, r.index), r.seed.value_or(default_seed(r.index)), sink);
  if (r.layer) {
    const std::string& layer = *r.layer;
    const int64_t channel = r.channel.value_or(0);
    write_channel_inspect(model, capture, layer, channel, r.xy, sink);
    const auto conv = conv_layer(model, layer);
    if (conv) write_kernels(layer, *conv, channel, sink);
    if (r.conv_step) {
      // Default position: where the channel peaks, the most telling output to explain.
      std::pair<int64_t, int64_t> xy;
      if (r.xy) {
        xy = *r.xy;
      } else {
        const torch::Tensor map = capture.find(layer)->maps[channel];
        const int64_t at = map.flatten().argmax().item<int64_t>();
        xy = {at % map.size(1), at / map.size(1)};
      }
      write_conv_step(capture, layer, *conv, channel, xy.first, xy.second, sink);
    }
    if (r.topk) write_topk(model, dataset, layer, channel, r.topk_metric, r.topk_subset, *r.topk, device, sink);
  }
  if (r.perturb) write_perturb(model, capture, r.perturb->first, r.perturb->second, device, sink);
  if (r.posterior_samples)
    write_posterior_local_samples(model, dataset, r.index, *r.posterior_samples, r.seed, device, sink);

  nlohmann::json paths = nlohmann::json::array();
  for (size_t i = first; i < sink.written().size(); ++i) paths.push_back(sink.written()[i].path);
  return {{"paths", paths}};
}

}  // namespace acc
