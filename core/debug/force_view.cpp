// The force view; see force_view.h.
#include "debug/force_view.h"

#include <cmath>

#include "debug/diverging.h"
#include "eval/json_numbers.h"

namespace acc {

namespace {

double cosine(const torch::Tensor& a, const torch::Tensor& b) {
  const double na = a.norm().item<double>(), nb = b.norm().item<double>();
  if (na == 0 || nb == 0) return 0;
  return (a * b).sum().item<double>() / (na * nb);
}

}  // namespace

torch::Tensor feature_sheet(const torch::Tensor& rows, int64_t tile_h, int64_t tile_w, int64_t columns) {
  const int64_t features = rows.size(0);
  const int64_t sheet_rows = (features + columns - 1) / columns;
  torch::Tensor sheet = torch::zeros({sheet_rows * tile_h, columns * tile_w}, torch::kFloat);
  const torch::Tensor r = rows.detach().to(torch::kCPU, torch::kFloat).reshape({features, tile_h, tile_w});
  for (int64_t f = 0; f < features; ++f) {
    const double scale = r[f].abs().max().item<double>();
    const int64_t y = (f / columns) * tile_h, x = (f % columns) * tile_w;
    sheet.slice(0, y, y + tile_h).slice(1, x, x + tile_w).copy_(scale > 0 ? r[f] / scale : r[f]);
  }
  return diverging_rgb(sheet);
}

ForceView force_view(const torch::Tensor& weight, const torch::Tensor& plain, const torch::Tensor& gated,
                     const torch::Tensor& applied, int64_t tile_h, int64_t tile_w) {
  const int64_t features = weight.size(0);
  const auto rows = [&](const torch::Tensor& t) { return t.detach().to(torch::kCPU, torch::kDouble).reshape({features, -1}); };
  const torch::Tensor w = rows(weight), p = rows(plain), g = rows(gated), a = rows(applied);
  const int64_t columns = static_cast<int64_t>(std::ceil(std::sqrt(static_cast<double>(features))));

  ForceView view;
  nlohmann::json per_feature = nlohmann::json::array();
  int64_t agree = 0, oppose = 0, neutral = 0;
  for (int64_t f = 0; f < features; ++f) {
    const double c = cosine(p[f], g[f]);
    if (c > kForceNeutral) ++agree;
    else if (c < -kForceNeutral) ++oppose;
    else ++neutral;
    per_feature.push_back({{"feature", f},
                           {"cos_plain_gated", json_number(c)},
                           {"cos_gated_applied", json_number(cosine(g[f], a[f]))},
                           {"norm",
                            {{"weight", json_number(w[f].norm().item<double>())},
                             {"plain", json_number(p[f].norm().item<double>())},
                             {"gated", json_number(g[f].norm().item<double>())},
                             {"applied", json_number(a[f].norm().item<double>())}}}});
  }
  view.json = {{"tile", {{"w", tile_w}, {"h", tile_h}}},
               {"sheet", {{"cols", columns}, {"rows", (features + columns - 1) / columns}}},
               {"features", per_feature},
               {"summary", {{"agree", agree}, {"oppose", oppose}, {"neutral", neutral}}}};
  view.weight_sheet = feature_sheet(w, tile_h, tile_w, columns);
  view.plain_sheet = feature_sheet(p, tile_h, tile_w, columns);
  view.gated_sheet = feature_sheet(g, tile_h, tile_w, columns);
  view.applied_sheet = feature_sheet(a, tile_h, tile_w, columns);
  return view;
}

}  // namespace acc
