// Forward capture files; see forward_artifact.h.
#include "inspect/forward_artifact.h"

#include <ATen/CPUGeneratorImpl.h>

#include "eval/json_numbers.h"
#include "inspect/inspect_images.h"

namespace acc {

namespace {

// Population statistics (a 1-element vector has std 0, not NaN).
nlohmann::json stats_json(const torch::Tensor& t) {
  const auto x = t.to(torch::kDouble);
  return {{"min", json_number(x.min().item<double>())},
          {"max", json_number(x.max().item<double>())},
          {"mean", json_number(x.mean().item<double>())},
          {"std", json_number(x.std(/*unbiased=*/false).item<double>())}};
}

}  // namespace

torch::Tensor posterior_sample(const ForwardCapture& capture, uint64_t seed) {
  const torch::Tensor mu = capture.vector("mu"), logvar = capture.vector("logvar");
  if (!mu.defined() || !logvar.defined()) return {};
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  const torch::Tensor eps = torch::randn(mu.sizes(), generator, torch::kFloat);
  return mu + torch::exp(0.5 * logvar) * eps;
}

void write_forward(Model& model, const ForwardCapture& capture, const std::string& dataset, int64_t label,
                   uint64_t seed, ArtifactSink& sink) {
  const std::string dir = "forward/idx_" + std::to_string(capture.index) + "/";
  const std::string input = sink.write_png("network", dir + "input", capture.input);
  const std::string recon = sink.write_png("network", dir + "recon", capture.recon);

  nlohmann::json layers = nlohmann::json::array();
  for (const auto& layer : capture.layers) {
    const std::string ldir = dir + "layer_" + layer.id + "/";
    const nlohmann::json stats = stats_json(layer.maps);
    nlohmann::json summary = network_json("layer_summary");
    summary.update(stats);
    summary.update({{"id", layer.id}, {"kind", layer.spatial ? "spatial" : "vector"}, {"shape", layer.shape()}});
    nlohmann::json entry = {{"id", layer.id},
                            {"kind", layer.spatial ? "spatial" : "vector"},
                            {"shape", layer.shape()},
                            {"min", stats["min"]},
                            {"max", stats["max"]},
                            {"mean", stats["mean"]}};
    if (layer.spatial) entry["grid"] = sink.write_png("network", ldir + "grid", channel_grid(layer.maps));
    else entry["vector"] = sink.write_png("network", ldir + "vector", vector_strip(layer.maps.reshape({-1})));
    entry["summary"] = sink.write_json("network", ldir + "summary", summary);
    layers.push_back(entry);
  }
  nlohmann::json list = network_json("layers");
  list.update({{"index", capture.index}, {"input", input}, {"recon", recon}, {"layers", layers}});
  sink.write_json("network", dir + "layers", list);

  nlohmann::json latent = network_json("latent");
  latent["index"] = capture.index;
  for (const char* id : {"z", "mu", "logvar", "qc_probs"})
    if (const torch::Tensor v = capture.vector(id); v.defined()) latent[id] = json_flat(v);
  const torch::Tensor sample = posterior_sample(capture, seed);
  if (sample.defined()) {
    latent["z_sample"] = json_flat(sample);
    latent["seed"] = seed;
  }
  sink.write_json("network", dir + "latent", latent);

  nlohmann::json meta = network_json("forward_meta");
  meta.update({{"model", model.config().value("type", "")},
               {"step", sink.step()},
               {"index", capture.index},
               {"dataset", dataset},
               {"split", "test"},
               {"sample_id", dataset + "/test/" + std::to_string(capture.index)},
               {"label", label >= 0 ? nlohmann::json(label) : nlohmann::json()}});
  if (sink.epoch()) meta["epoch"] = *sink.epoch();
  if (sample.defined()) meta["seed"] = seed;
  if (const torch::Tensor qc = capture.vector("qc_probs"); qc.defined()) meta["qc_argmax"] = qc.argmax().item<int64_t>();
  sink.write_json("network", dir + "forward_meta", meta);
}

}  // namespace acc
