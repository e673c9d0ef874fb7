// `acc export`; see export.h.
#include "eval/export.h"

#include "error.h"
#include "eval/latent_codes.h"
#include "eval/mixture_artifacts.h"
#include "eval/npy.h"
#include "recipe/node_loader.h"
#include "util/json_io.h"

namespace acc {

namespace fs = std::filesystem;

nlohmann::json export_node(const fs::path& runs_root, const ExportRequest& request, const torch::Device& device) {
  if (fs::exists(request.out) && (!fs::is_directory(request.out) || !fs::is_empty(request.out)))
    throw Error("export: " + request.out.string() + " exists and is not an empty directory; choose a new --out");
  const LoadedNode loaded = load_node(runs_root, request.address, device, request.data_root);
  const NodeAddress& at = loaded.at;
  const std::string dataset = loaded.dataset_name(request.dataset, "export");
  const LatentCodes codes = encode_split(loaded.state->model(), *loaded.datasets.at(dataset), request.split, device);

  fs::create_directories(request.out);
  nlohmann::json files = nlohmann::json::object();
  auto add = [&](const std::string& file, const torch::Tensor& t, const std::string& meaning) {
    write_npy(request.out / file, t);
    std::vector<int64_t> shape(t.sizes().begin(), t.sizes().end());
    files[file] = {{"shape", shape}, {"dtype", t.is_floating_point() ? "float32" : "int64"}, {"meaning", meaning}};
  };
  add("latent_means.npy", codes.means, "latent means (" + codes.source_output + ") of every point");
  add("index.npy", codes.index, "row of each point in the split");
  if (codes.labels.defined()) add("labels.npy", codes.labels, "class label of each point");
  if (codes.factors.defined()) add("factors.npy", codes.factors, "ground-truth factors, columns as factor_names");
  Model& model = loaded.state->model();
  if (has_mixture(model))
    add("qc.npy", mixture_posteriors(model, select_split(*loaded.datasets.at(dataset), request.split), 0, device),
        "q(c|x) of every point over the mixture's components (rows sum to 1)");

  // Projected coordinates come from the node's artifacts, never recomputed here, so the
  // export matches what the viewer shows.
  for (const char* dims : {"2d", "3d"})
    for (const char* method : {"pca", "umap"}) {
      const fs::path file = at.run.dir / "projections" / at.node.tag / (std::string("latent_") + dims + "_" + method + "_latest.json");
      if (!fs::exists(file)) continue;
      const nlohmann::json p = read_json_file(file);
      if (p.value("dataset", "") != dataset || p.value("split", "") != request.split || p.value("n", int64_t{-1}) != codes.size())
        continue;
      const auto coords = torch::tensor(p["coords"].get<std::vector<float>>()).view({codes.size(), p["dims"].get<int64_t>()});
      add(std::string("projection_") + dims + "_" + method + ".npy", coords,
          std::string(method) + " " + dims + " coordinates from " + fs::relative(file, at.run.dir).string());
    }
  const Dataset& d = *loaded.datasets.at(dataset);
  nlohmann::json manifest = {{"node", at.node.id},
                             {"run", at.run.id},
                             {"tag", at.node.tag},
                             {"step", at.node.step},
                             {"dataset", dataset},
                             {"split", request.split},
                             {"source_output", codes.source_output},
                             {"n", codes.size()},
                             {"factor_names", d.factor_names},
                             {"files", files}};
  write_json_atomic(request.out / "manifest.json", manifest);
  return manifest;
}

}  // namespace acc
