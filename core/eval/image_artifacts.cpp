// The image-grid artifacts (eval/): reconstructions, latent traversals, sort-by-activation
// and decoder attention maps. Every grid uses the run's fixed visualisation images, so
// branches of one run are compared on the same inputs.
#include <algorithm>
#include <cmath>

#include "eval/artifacts.h"
#include "eval/image_grid.h"
#include "eval/json_numbers.h"

namespace acc {

namespace {

constexpr int64_t kTraversalImages = 5;
constexpr int64_t kTraversalSteps = 9;
constexpr double kTraversalRange = 3.0;
constexpr int64_t kSortCount = 20;
constexpr int64_t kAttentionImages = 4;

torch::Tensor sample_images(ArtifactRun& run, int64_t count) {
  std::vector<int64_t> idx(run.sample_indices.begin(),
                           run.sample_indices.begin() + std::min<int64_t>(count, run.sample_indices.size()));
  return run.dataset.test.images.index_select(0, torch::tensor(idx, torch::kLong)).to(torch::kCPU, torch::kFloat);
}

std::vector<int64_t> first_samples(ArtifactRun& run, int64_t count) {
  return {run.sample_indices.begin(), run.sample_indices.begin() + std::min<int64_t>(count, run.sample_indices.size())};
}

// Model outputs for a small batch in eval mode, on CPU.
ModelOutputs forward_eval(ArtifactRun& run, const torch::Tensor& images) {
  TrainingModeGuard mode(run.model);
  torch::NoGradGuard no_grad;
  ModelOutputs out = run.model.forward(images.to(run.device));
  for (auto& [key, value] : out) value = value.to(torch::kCPU, torch::kFloat);
  return out;
}

torch::Tensor decode_eval(ArtifactRun& run, const torch::Tensor& z) {
  TrainingModeGuard mode(run.model);
  torch::NoGradGuard no_grad;
  return run.model.decode(z.to(run.device)).to(torch::kCPU, torch::kFloat);
}

torch::Tensor latent_means(const ModelOutputs& out) {
  return out.count(ModelOutput::MU) ? out.at(ModelOutput::MU) : out.at(ModelOutput::LATENT);
}

nlohmann::json group_json(const FactorGroup& g) { return {{"name", g.name}, {"start", g.start}, {"end", g.end}}; }

}  // namespace

torch::Tensor traversal_values() { return torch::linspace(-kTraversalRange, kTraversalRange, kTraversalSteps); }

std::pair<torch::Tensor, torch::Tensor> traversal_frame(ArtifactRun& run) {
  const int64_t d = run.model.latent_dim();
  // VAE latents are traversed in prior units (the prior is N(0, I)); a plain autoencoder's
  // latent has no fixed scale, so its values are in standard deviations of the test set
  // around the test-set mean, which keeps -3..+3 inside the region the decoder knows.
  if (run.model.outputs().count(ModelOutput::MU)) return {torch::zeros({d}), torch::ones({d})};
  const auto& means = run.test_codes().means;
  return {means.mean(0), means.std(0, /*unbiased=*/false).clamp_min(1e-6)};
}

torch::Tensor traversal_latents(const torch::Tensor& base, const FactorGroup& group, const torch::Tensor& values,
                                const torch::Tensor& centre, const torch::Tensor& scale) {
  TORCH_CHECK(base.dim() == 2 && group.start >= 0 && group.end <= base.size(1) && group.start < group.end,
              "traversal_latents: group [", group.start, ", ", group.end, ") outside a latent of ", base.size(1));
  const int64_t b = base.size(0), steps = values.size(0);
  auto z = base.unsqueeze(1).repeat({1, steps, 1});  // [B, S, D]
  const auto slice_centre = centre.narrow(0, group.start, group.size());
  const auto slice_scale = scale.narrow(0, group.start, group.size());
  const auto v = values.view({1, steps, 1}) * slice_scale.view({1, 1, -1}) + slice_centre.view({1, 1, -1});
  z.narrow(2, group.start, group.size()).copy_(v.expand({b, steps, group.size()}));
  return z.reshape({b * steps, base.size(1)});
}

void write_reconstructions(ArtifactRun& run) {
  const auto images = sample_images(run, 16);
  const auto recon = forward_eval(run, images).at(ModelOutput::RECONSTRUCTION);
  // Rows alternate: 8 inputs, then their 8 reconstructions.
  constexpr int64_t kColumns = 8;
  std::vector<torch::Tensor> rows;
  for (int64_t start = 0; start < images.size(0); start += kColumns) {
    const int64_t len = std::min(kColumns, images.size(0) - start);
    rows.push_back(images.narrow(0, start, len));
    rows.push_back(recon.narrow(0, start, len));
  }
  // Pad short rows so inputs and reconstructions stay in their own grid rows.
  for (auto& r : rows)
    if (r.size(0) < kColumns)
      r = torch::cat({r, torch::full({kColumns - r.size(0), r.size(1), r.size(2), r.size(3)}, 0.5)});
  const auto png = run.sink.write_png("eval", "reconstructions", tile_images(torch::cat(rows), kColumns));
  const auto l1 = (recon - images).abs().flatten(1).mean(1);
  run.sink.write_json("eval", "reconstructions",
                      {{"format", "acc.reconstructions"},
                       {"version", 1},
                       {"dataset", run.dataset.name},
                       {"sample_indices", first_samples(run, 16)},
                       {"columns", kColumns},
                       {"layout", "rows alternate: inputs, then their reconstructions"},
                       {"l1", json_flat(l1)},
                       {"image", png}});
}

void write_traversals(ArtifactRun& run) {
  const auto images = sample_images(run, kTraversalImages);
  const auto base = latent_means(forward_eval(run, images));
  const bool prior_units = run.model.outputs().count(ModelOutput::MU) > 0;  // see traversal_frame
  const auto [centre, scale] = traversal_frame(run);
  const auto values = traversal_values();
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& g : run.model.latent_groups()) {
    const auto z = traversal_latents(base, g, values, centre, scale);
    const auto decoded = decode_eval(run, z);
    const auto png = run.sink.write_png("eval", "traversal_" + g.name, tile_images(decoded, kTraversalSteps));
    auto j = group_json(g);
    j["image"] = png;
    groups.push_back(j);
  }
  run.sink.write_json("eval", "traversals",
                      {{"format", "acc.traversals"},
                       {"version", 1},
                       {"dataset", run.dataset.name},
                       {"sample_indices", first_samples(run, kTraversalImages)},
                       {"values", json_flat(values)},
                       {"units", prior_units ? "prior (absolute values of the group's dims)"
                                             : "test-set standard deviations around the test-set mean"},
                       {"centre", json_flat(centre)},
                       {"scale", json_flat(scale)},
                       {"layout", "one row per image, one column per value; every dim of the group set to the value"},
                       {"groups", groups}});
}

void write_sort_by_activation(ArtifactRun& run) {
  const LatentCodes& codes = run.test_codes();
  const int64_t n = codes.size();
  const int64_t count = std::min(kSortCount, n);
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& g : run.model.latent_groups()) {
    const auto score = codes.means.narrow(1, g.start, g.size()).mean(1);
    // Stable sort so equal scores keep dataset order: the same inputs give the same grid.
    const auto order = std::get<1>(score.sort(/*stable=*/true, /*dim=*/0, /*descending=*/false));
    const auto lowest = order.narrow(0, 0, count);
    const auto highest = order.narrow(0, n - count, count).flip(0);
    auto j = group_json(g);
    for (const auto& [end, idx] : {std::pair{"lowest", lowest}, std::pair{"highest", highest}}) {
      const auto png = run.sink.write_png("eval", std::string("sort_") + end + "_" + g.name,
                                          tile_images(codes.images.index_select(0, idx), 10));
      j[end] = {{"image", png}, {"indices", json_flat(codes.index.index_select(0, idx))},
                {"scores", json_flat(score.index_select(0, idx))}};
    }
    groups.push_back(j);
  }
  run.sink.write_json("eval", "sort_by_activation",
                      {{"format", "acc.sort_by_activation"},
                       {"version", 1},
                       {"dataset", run.dataset.name},
                       {"split", "test"},
                       {"source_output", codes.source_output},
                       {"score", "mean of the group's slice of the latent mean"},
                       {"count", count},
                       {"columns", 10},
                       {"groups", groups}});
}

void write_attention(ArtifactRun& run) {
  const auto images = sample_images(run, kAttentionImages);
  const auto attention = forward_eval(run, images).at(ModelOutput::ATTENTION);  // [B, G, P]
  const int64_t b = attention.size(0), g = attention.size(1), p = attention.size(2);
  const auto side = static_cast<int64_t>(std::lround(std::sqrt(static_cast<double>(p))));
  TORCH_CHECK(side * side == p, "attention: ", p, " positions do not form a square grid");
  const auto groups = run.model.latent_groups();
  TORCH_CHECK(static_cast<int64_t>(groups.size()) == g, "attention: ", g, " tokens but ", groups.size(), " groups");
  std::vector<torch::Tensor> cells;
  for (int64_t i = 0; i < b; ++i) {
    cells.push_back(to_rgb(images[i]));
    for (int64_t t = 0; t < g; ++t) cells.push_back(heatmap_overlay(images[i], attention[i][t].view({side, side})));
  }
  const auto png = run.sink.write_png("eval", "attention", tile_images(torch::stack(cells), g + 1));
  nlohmann::json tokens = nlohmann::json::array();
  for (const auto& group : groups) tokens.push_back(group.name);
  run.sink.write_json("eval", "attention",
                      {{"format", "acc.attention"},
                       {"version", 1},
                       {"dataset", run.dataset.name},
                       {"sample_indices", first_samples(run, kAttentionImages)},
                       {"tokens", tokens},
                       {"grid_size", side},
                       {"layout", "one row per image: the input, then one overlay per token (weights normalised "
                                  "by each map's max)"},
                       {"weights", json_nested(attention.view({b, g, side, side}), 4)},
                       {"image", png}});
}

}  // namespace acc
