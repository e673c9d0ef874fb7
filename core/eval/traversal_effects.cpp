// The traversal_effects artifact: the numbers behind "this slot's traversal changes the
// thickness". For each latent group, N fixed test images (the run's visualisation images
// first, then the next test rows) are encoded, the group is swept over the traversal values
// (-3..+3, as `traversals`), every decoded image is measured (core/analysis/morphometry.h)
// and shown to a judge classifier. Per group and measured factor it reports
//   slope, R²   of the measure against the traversal value *within each image* (each
//               image's values and measures centred on their own means, one pooled fit):
//               how much of what the sweep changes it explains, free of the differences
//               between digits;
//   range       max - min of the mean measure over the traversal values: the size of the
//               effect without its sign (a latent axis's direction is arbitrary, so slopes
//               of different seeds must not be averaged; ranges and R² can be);
//   digit kept  the share of decoded images the judge gives the digit it gives the image's
//               undisturbed reconstruction (decode of its own code).
// A clean thickness slot: high thickness R², small slant slope, digit kept near 1.
// Empty decoded images (morphometry.h) are left out of the means and fits and counted.
#include <array>
#include <cmath>
#include <functional>

#include "analysis/morphometry.h"
#include "data/raster.h"
#include "error.h"
#include "eval/artifacts.h"
#include "eval/json_numbers.h"

namespace acc {

namespace traversal_effects_detail {

constexpr int64_t kBatch = 512;
constexpr double kRequiredJudgeAccuracy = 0.97;
const char* const kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

// The run's visualisation rows first, then test rows in order, `count` in all.
std::vector<int64_t> effect_rows(const ArtifactRun& run, int64_t count) {
  const int64_t n = std::min(count, run.dataset.test.size());
  std::vector<int64_t> rows;
  std::vector<bool> used(static_cast<size_t>(run.dataset.test.size()), false);
  for (const int64_t r : run.sample_indices)
    if (static_cast<int64_t>(rows.size()) < n && r >= 0 && r < run.dataset.test.size() && !used[static_cast<size_t>(r)])
      rows.push_back(r), used[static_cast<size_t>(r)] = true;
  for (int64_t r = 0; static_cast<int64_t>(rows.size()) < n; ++r)
    if (!used[static_cast<size_t>(r)]) rows.push_back(r), used[static_cast<size_t>(r)] = true;
  return rows;
}

// fn over `x` in batches, in eval mode without gradients, results concatenated on CPU.
torch::Tensor batched(Model& model, const torch::Tensor& x, const torch::Device& device,
                      const std::function<torch::Tensor(const torch::Tensor&)>& fn) {
  TrainingModeGuard mode(model);
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> parts;
  for (int64_t start = 0; start < x.size(0); start += kBatch)
    parts.push_back(fn(x.narrow(0, start, std::min(kBatch, x.size(0) - start)).to(device)).to(torch::kCPU));
  return torch::cat(parts);
}

torch::Tensor classify(const Judge& judge, const torch::Tensor& images, const torch::Device& device) {
  return batched(*judge.model, images, device,
                 [&](const torch::Tensor& x) { return judge.model->forward(x).at(ModelOutput::LOGITS).argmax(1); });
}

struct Fit {
  double slope = NAN, r2 = NAN;
};

// measures [N, S] at traversal values [S], valid [N, S]: one least-squares line through every
// image's points after centring each image's values and measures on their own means.
Fit within_image_fit(const torch::Tensor& measures, const torch::Tensor& values, const torch::Tensor& valid) {
  const auto m = measures.accessor<float, 2>();
  const auto v = values.accessor<float, 1>();
  const auto ok = valid.accessor<bool, 2>();
  double sxy = 0, sxx = 0, syy = 0;
  for (int64_t i = 0; i < measures.size(0); ++i) {
    double n = 0, mx = 0, my = 0;
    for (int64_t s = 0; s < measures.size(1); ++s)
      if (ok[i][s]) n += 1, mx += v[s], my += m[i][s];
    if (n < 2) continue;
    mx /= n, my /= n;
    for (int64_t s = 0; s < measures.size(1); ++s)
      if (ok[i][s]) {
        const double x = v[s] - mx, y = m[i][s] - my;
        sxy += x * y, sxx += x * x, syy += y * y;
      }
  }
  Fit f;
  if (sxx <= 0) return f;
  f.slope = sxy / sxx;
  if (syy > 0) f.r2 = 1 - (syy - f.slope * sxy) / syy;  // SS_res = SS_yy - slope * SS_xy
  return f;
}

std::array<float, 3> rgb(const char* hex) {
  const auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  std::array<float, 3> out{};
  for (int k = 0; k < 3; ++k) out[static_cast<size_t>(k)] = float(nibble(hex[1 + 2 * k]) * 16 + nibble(hex[2 + 2 * k])) / 255;
  return out;
}

// Paints an anti-aliased polyline (points in panel pixels) onto `canvas` [3, H, W] at (x0, 0).
void paint(torch::Tensor& canvas, const std::vector<std::pair<double, double>>& points, double width,
           const std::array<float, 3>& colour, int64_t x0, int64_t size) {
  if (points.size() < 2) return;
  auto segments = torch::zeros({1, static_cast<int64_t>(points.size()) - 1, 4});
  for (size_t k = 0; k + 1 < points.size(); ++k)
    segments[0][static_cast<int64_t>(k)] = torch::tensor({points[k].first, points[k].second, points[k + 1].first, points[k + 1].second});
  const auto alpha = render_strokes(segments, torch::tensor({float(width)}), size)[0];
  auto panel = canvas.narrow(2, x0, size);
  for (int64_t c = 0; c < 3; ++c) panel[c] = panel[c] * (1 - alpha) + colour[static_cast<size_t>(c)] * alpha;
}

// One square panel per measure and one for digit kept, each the mean curve per group over the
// traversal values, on a shared y range per panel (stated in the JSON), white background.
torch::Tensor plot(const std::vector<std::vector<std::vector<double>>>& curves, const std::vector<std::pair<double, double>>& ranges,
                   int64_t steps) {
  constexpr int64_t kSize = 120, kGap = 8, kMargin = 6;
  const int64_t panels = static_cast<int64_t>(ranges.size());
  auto canvas = torch::ones({3, kSize, panels * kSize + (panels - 1) * kGap});
  const std::array<float, 3> grey = {0.6f, 0.6f, 0.6f};
  for (int64_t p = 0; p < panels; ++p) {
    const int64_t x0 = p * (kSize + kGap);
    const double lo = kMargin, hi = kSize - kMargin;
    paint(canvas, {{lo, lo}, {hi, lo}, {hi, hi}, {lo, hi}, {lo, lo}}, 1.0, grey, x0, kSize);
    paint(canvas, {{kSize / 2.0, lo}, {kSize / 2.0, hi}}, 0.6, grey, x0, kSize);  // traversal value 0
    const auto [ymin, ymax] = ranges[static_cast<size_t>(p)];
    for (size_t g = 0; g < curves.size(); ++g) {
      std::vector<std::pair<double, double>> points;
      for (int64_t s = 0; s < steps; ++s) {
        const double y = curves[g][static_cast<size_t>(p)][static_cast<size_t>(s)];
        if (!std::isfinite(y)) continue;
        const double fx = double(s) / double(steps - 1), fy = ymax > ymin ? (y - ymin) / (ymax - ymin) : 0.5;
        points.emplace_back(lo + fx * (hi - lo), hi - fy * (hi - lo));
      }
      paint(canvas, points, 1.6, rgb(kPalette[g % 10]), x0, kSize);
    }
  }
  return canvas;
}

double mean_of(const std::vector<double>& v) {
  double s = 0;
  int64_t n = 0;
  for (const double x : v)
    if (std::isfinite(x)) s += x, ++n;
  return n ? s / double(n) : NAN;
}

}  // namespace traversal_effects_detail

void write_traversal_effects(ArtifactRun& run) {
  using namespace traversal_effects_detail;
  if (!run.settings.judge_model)
    throw Error("traversal_effects: judge node '" + run.settings.judge + "' was not restored (a bug: the caller loads it)");
  const Judge& judge = *run.settings.judge_model;
  const Dataset& d = run.dataset;
  const auto& names = morphometry_names();
  const int64_t measures = static_cast<int64_t>(names.size());

  // The judge's own accuracy on the whole test split: a judge that cannot read real digits
  // cannot say whether a decoded one kept its digit.
  const auto judged = classify(judge, d.test.images, run.device);
  const double judge_accuracy = judged.eq(d.test.labels.to(torch::kCPU)).to(torch::kDouble).mean().item<double>();
  if (judge_accuracy < kRequiredJudgeAccuracy)
    run.notes.push_back("traversal_effects: judge '" + judge.tag + "' reaches only " + std::to_string(judge_accuracy) +
                        " test accuracy (< 0.97); digit-kept rates are not trustworthy");

  const std::vector<int64_t> rows = effect_rows(run, run.settings.effect_images);
  const int64_t n = static_cast<int64_t>(rows.size());
  const auto images = d.test.images.index_select(0, torch::tensor(rows, torch::kLong)).to(torch::kCPU, torch::kFloat);
  const auto base = batched(run.model, images, run.device, [&](const torch::Tensor& x) {
    const ModelOutputs out = run.model.forward(x);
    return out.count(ModelOutput::MU) ? out.at(ModelOutput::MU) : out.at(ModelOutput::LATENT);
  });
  const auto decode = [&](const torch::Tensor& z) {
    return batched(run.model, z, run.device, [&](const torch::Tensor& b) { return run.model.decode(b); }).to(torch::kFloat);
  };
  const auto reconstruction = decode(base);
  const auto reference_digit = classify(judge, reconstruction, run.device);
  const Morphometry undisturbed = measure_morphometry(reconstruction);

  const auto [centre, scale] = traversal_frame(run);
  const auto values = traversal_values();
  const int64_t steps = values.size(0);
  nlohmann::json groups = nlohmann::json::array();
  nlohmann::json metrics = {{"judge_accuracy", judge_accuracy}};
  std::vector<std::vector<std::vector<double>>> curves;  // group -> panel -> step
  for (const auto& g : run.model.latent_groups()) {
    const auto decoded = decode(traversal_latents(base, g, values, centre, scale));  // rows image * steps + s
    const Morphometry m = measure_morphometry(decoded);
    const auto kept = classify(judge, decoded, run.device).view({n, steps}).eq(reference_digit.view({n, 1}));
    const auto valid = m.empty.logical_not().view({n, steps});
    nlohmann::json mean = nlohmann::json::array(), sd = nlohmann::json::array(), slope = nlohmann::json::array(),
                   r2 = nlohmann::json::array(), range = nlohmann::json::array();
    std::vector<std::vector<double>> panels;
    for (int64_t k = 0; k < measures; ++k) {
      const auto column = m.values.select(1, k).view({n, steps});
      std::vector<double> per_step_mean, per_step_sd;
      for (int64_t s = 0; s < steps; ++s) {
        const auto picked = column.select(1, s).masked_select(valid.select(1, s)).to(torch::kDouble);
        per_step_mean.push_back(picked.numel() ? picked.mean().item<double>() : NAN);
        per_step_sd.push_back(picked.numel() > 1 ? picked.std(/*unbiased=*/false).item<double>() : NAN);
      }
      const Fit fit = within_image_fit(column.contiguous(), values, valid.contiguous());
      double lo = INFINITY, hi = -INFINITY;
      for (const double y : per_step_mean)
        if (std::isfinite(y)) lo = std::min(lo, y), hi = std::max(hi, y);
      const double extent = hi >= lo ? hi - lo : NAN;
      range.push_back(json_number(extent));
      metrics[g.name + "_" + names[static_cast<size_t>(k)] + "_range"] = json_number(extent);
      mean.push_back(json_flat(torch::tensor(per_step_mean, torch::kDouble)));
      sd.push_back(json_flat(torch::tensor(per_step_sd, torch::kDouble)));
      slope.push_back(json_number(fit.slope));
      r2.push_back(json_number(fit.r2));
      metrics[g.name + "_" + names[static_cast<size_t>(k)] + "_slope"] = json_number(fit.slope);
      metrics[g.name + "_" + names[static_cast<size_t>(k)] + "_r2"] = json_number(fit.r2);
      panels.push_back(per_step_mean);
    }
    const auto kept_per_step = kept.to(torch::kDouble).mean(0);
    const double kept_rate = kept.to(torch::kDouble).mean().item<double>();
    panels.emplace_back(kept_per_step.data_ptr<double>(), kept_per_step.data_ptr<double>() + steps);
    curves.push_back(panels);
    metrics[g.name + "_digit_kept"] = kept_rate;
    groups.push_back({{"name", g.name},
                      {"start", g.start},
                      {"end", g.end},
                      {"mean", mean},
                      {"std", sd},
                      {"slope", slope},
                      {"r2", r2},
                      {"range", range},
                      {"digit_kept", json_flat(kept_per_step)},
                      {"digit_kept_rate", kept_rate},
                      {"empty", json_flat(m.empty.view({n, steps}).sum(0))}});
  }

  // Panel y ranges: every group's mean curve fits; digit kept is a share.
  std::vector<std::pair<double, double>> ranges;
  nlohmann::json y_ranges = nlohmann::json::array();
  for (int64_t k = 0; k <= measures; ++k) {
    double lo = INFINITY, hi = -INFINITY;
    for (const auto& c : curves)
      for (const double y : c[static_cast<size_t>(k)])
        if (std::isfinite(y)) lo = std::min(lo, y), hi = std::max(hi, y);
    if (k == measures) lo = 0, hi = 1;
    if (!std::isfinite(lo)) lo = 0, hi = 1;
    const double pad = hi > lo ? 0.05 * (hi - lo) : 0.5;
    ranges.emplace_back(lo - pad, hi + pad);
    y_ranges.push_back({lo - pad, hi + pad});
  }
  nlohmann::json panels = names;
  panels.push_back("digit_kept");
  nlohmann::json colours = nlohmann::json::array();
  for (size_t g = 0; g < curves.size(); ++g) colours.push_back(kPalette[g % 10]);
  const std::string png = run.sink.write_png("eval", "traversal_effects_" + d.name, plot(curves, ranges, steps));

  std::vector<double> reference_means;
  for (int64_t k = 0; k < measures; ++k) {
    const auto picked = undisturbed.values.select(1, k).masked_select(undisturbed.empty.logical_not());
    reference_means.push_back(picked.numel() ? picked.to(torch::kDouble).mean().item<double>() : NAN);
  }
  run.sink.write_json("eval", "traversal_effects_" + d.name,
                      {{"format", "acc.traversal_effects"},
                       {"version", 1},
                       {"dataset", d.name},
                       {"split", "test"},
                       {"n", n},
                       {"rows", rows},
                       {"values", json_flat(values)},
                       {"measures", names},
                       {"units", morphometry_units()},
                       {"morphometry", morphometry_info(MorphometryOptions{})},
                       {"fit", "least squares of measure on traversal value within each image (both centred per image)"},
                       {"judge",
                        {{"tag", judge.tag},
                         {"node", judge.node_id},
                         {"model", judge.model_type},
                         {"test_accuracy", judge_accuracy},
                         {"n_test", d.test.size()},
                         {"required_accuracy", kRequiredJudgeAccuracy},
                         {"meets_requirement", judge_accuracy >= kRequiredJudgeAccuracy}}},
                       {"reconstruction", {{"mean", json_flat(torch::tensor(reference_means, torch::kDouble))}, {"empty", undisturbed.empty.sum().item<int64_t>()}}},
                       {"groups", groups},
                       {"plot", png},
                       {"plot_layout", {{"panels", panels}, {"colors", colours}, {"y_ranges", y_ranges}}}});
  nlohmann::json clean = nlohmann::json::object();
  for (const auto& [k, v] : metrics.items())
    if (v.is_number()) clean[k] = v;
  run.metrics["traversal_effects." + d.name] = clean;
}

}  // namespace acc
