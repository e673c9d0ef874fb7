// Capture files; see capture_writer.h.
#include "debug/capture_writer.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "analysis/specialisation.h"
#include "debug/diverging.h"
#include "eval/image_grid.h"
#include "eval/json_numbers.h"
#include "util/json_io.h"

namespace acc {

namespace fs = std::filesystem;

namespace {

void announce(EventLog* events, const std::string& path, const std::string& name, const std::string& from, int64_t step,
              const std::string& format) {
  if (!events) return;
  events->emit("artifact.created", {{"kind", "debug"}, {"name", name}, {"node", ""}, {"tag", from}, {"step", step},
                                    {"path", path}, {"latest", ""}, {"format", format}});
}

void write_debug_png(const fs::path& run_dir, EventLog* events, const std::string& path, const std::string& from,
                     int64_t step, const torch::Tensor& image) {
  fs::create_directories((run_dir / path).parent_path());
  write_file_atomic(run_dir / path, encode_png(image));
  announce(events, path, fs::path(path).stem().string(), from, step, "png");
}

// Features by `values`, largest first (ties by feature index).
std::vector<int64_t> order_by(const torch::Tensor& values) {
  const auto v = values.to(torch::kDouble).contiguous();
  std::vector<int64_t> order(static_cast<size_t>(v.size(0)));
  std::iota(order.begin(), order.end(), 0);
  const double* p = v.data_ptr<double>();
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return p[a] > p[b]; });
  return order;
}

}  // namespace

void write_debug_json(const fs::path& run_dir, EventLog* events, const std::string& path, const std::string& from,
                      int64_t step, const nlohmann::json& value) {
  fs::create_directories((run_dir / path).parent_path());
  write_file_atomic(run_dir / path, value.dump() + "\n");
  announce(events, path, fs::path(path).stem().string(), from, step, "json");
}

nlohmann::json cosine_json(const torch::Tensor& matrix, const FeatureColumns& columns) {
  const torch::Tensor m = matrix.to(torch::kDouble);
  const int64_t n = m.size(0);
  double mean = 0, std = 0, max = 0;
  if (n > 1) {
    const torch::Tensor off = m.masked_select(~torch::eye(n, torch::kBool));
    mean = off.mean().item<double>();
    std = off.std(/*unbiased=*/false).item<double>();
    max = off.max().item<double>();
  }
  return {{"n", n},
          {"matrix", json_nested(m, 4)},
          {"stats", {{"mean", json_number(mean)}, {"std", json_number(std)}, {"max", json_number(max)}}},
          {"orders",
           {{"win_rate", order_by(columns.win_rate)},
            {"usage", order_by(columns.usage)},
            {"grad_magnitude", order_by(columns.grad_magnitude)}}}};
}

torch::Tensor cosine_png(const torch::Tensor& matrix) { return diverging_rgb(matrix); }

std::string write_capture(const CaptureContext& ctx, const CapturedBatch& batch,
                          const std::vector<const LayerProbe*>& probes) {
  // "_" for training before the first saved node (no tag yet).
  const std::string dir = "debug/" + (ctx.from.empty() ? std::string("_") : ctx.from) + "/step_" + std::to_string(ctx.step);
  std::vector<std::string> files;
  const auto json_file = [&](const std::string& name, const nlohmann::json& value) {
    write_debug_json(ctx.run_dir, ctx.events, dir + "/" + name, ctx.from, ctx.step, value);
    files.push_back(dir + "/" + name);
  };
  const auto png_file = [&](const std::string& name, const torch::Tensor& image) {
    write_debug_png(ctx.run_dir, ctx.events, dir + "/" + name, ctx.from, ctx.step, image);
    files.push_back(dir + "/" + name);
  };

  if (batch.images.defined()) {
    const int64_t size = batch.images.size(0);
    const int64_t cols = std::min<int64_t>(size, 16), rows = (size + cols - 1) / cols;
    png_file("batch.png", tile_images(batch.images.to(torch::kCPU, torch::kFloat), cols));
    nlohmann::json losses = nlohmann::json::object();
    for (const auto& [task, value] : ctx.losses) losses[task] = json_number(value);
    json_file("batch.json", {{"step", ctx.step},
                             {"from", ctx.from},
                             {"dataset", batch.dataset},
                             {"size", size},
                             {"cols", cols},
                             {"rows", rows},
                             {"cell", {{"w", batch.images.size(3)}, {"h", batch.images.size(2)}, {"pad", 2}}},
                             {"image", "batch.png"},
                             {"indices", batch.indices.defined() ? json_flat(batch.indices) : nlohmann::json()},
                             {"labels", batch.labels.defined() ? json_flat(batch.labels) : nlohmann::json()},
                             {"losses", losses},
                             {"loss", json_number(ctx.loss)}});
  }

  nlohmann::json layers = nlohmann::json::array();
  for (const LayerProbe* probe : probes) {
    if (!probe->recorded()) continue;
    const std::string& layer = probe->layer();
    const FeatureColumns columns = probe->columns();
    nlohmann::json table = feature_table_json(columns);
    table["layer"] = layer;
    table["step"] = ctx.step;
    table["from"] = ctx.from;
    table["gated"] = probe->gate().defined();
    json_file("features." + layer + ".json", table);
    nlohmann::json entry = {{"layer", layer}, {"features", dir + "/features." + layer + ".json"}};

    if (auto force = probe->force(ctx.lr)) {
      nlohmann::json images;
      const std::pair<const char*, const torch::Tensor*> sheets[] = {
          {"weight", &force->weight_sheet}, {"plain", &force->plain_sheet},
          {"gated", &force->gated_sheet}, {"applied", &force->applied_sheet}};
      for (const auto& [what, sheet] : sheets) {
        const std::string name = "force." + layer + "." + what + ".png";
        png_file(name, *sheet);
        images[what] = name;
      }
      force->json["layer"] = layer;
      force->json["step"] = ctx.step;
      force->json["lr"] = ctx.lr;
      force->json["images"] = images;
      json_file("force." + layer + ".json", force->json);
      entry["force"] = dir + "/force." + layer + ".json";
    } else {
      entry["force_unavailable"] = probe->force_unavailable().empty() ? "no gradient reached the layer this step"
                                                                       : probe->force_unavailable();
    }

    const std::pair<const char*, torch::Tensor> sources[] = {
        {"weights", probe->weight_before()},
        {"gradients", probe->weight_grad()}};
    for (const auto& [source, tensor] : sources) {
      if (!tensor.defined()) continue;
      const torch::Tensor m = cosine_matrix(tensor.to(torch::kCPU));
      nlohmann::json cj = cosine_json(m, columns);
      cj["layer"] = layer;
      cj["source"] = source;
      cj["step"] = ctx.step;
      const std::string base = "cosine." + layer + "." + source;
      png_file(base + ".png", cosine_png(m));
      cj["image"] = base + ".png";
      json_file(base + ".json", cj);
      entry[std::string("cosine_") + source] = dir + "/" + base + ".json";
    }
    layers.push_back(entry);
  }
  if (ctx.events)
    ctx.events->emit("debug.capture",
                     {{"step", ctx.step}, {"from", ctx.from}, {"dir", dir}, {"files", files}, {"layers", layers}});
  return dir;
}

}  // namespace acc
