// The artifact table and what every evaluation shares; see artifacts.h.
#include "eval/artifacts.h"

#include "eval/cluster_artifacts.h"
#include "eval/mixture_artifacts.h"

#include <algorithm>
#include <chrono>

#include "analysis/knn.h"
#include "error.h"
#include "eval/image_grid.h"
#include "eval/json_numbers.h"

namespace acc {

namespace {

std::string needs_attention(const Model& model, const Dataset&, const DatasetMap&, const ArtifactSettings&) {
  return model.outputs().count(ModelOutput::ATTENTION) ? "" : "needs a model with decoder attention (factor_slot_vae)";
}


std::string needs_factors(const Model& model, const Dataset&, const DatasetMap& datasets, const ArtifactSettings& s) {
  if (!s.factor_datasets.empty()) {
    for (const auto& name : s.factor_datasets) {
      const auto it = datasets.find(name);
      if (it == datasets.end()) return "factor dataset '" + name + "' is not loaded";
      if (!usable_factor_set(model, *it->second))
        return "dataset '" + name + "' has no ground-truth factors or test images of the model's shape " +
               model.input_shape().str();
    }
    return "";
  }
  for (const auto& [name, d] : datasets)
    if (usable_factor_set(model, *d)) return "";
  return "needs a dataset with ground-truth factors (shapes, thickness, slant, mnist's morphometry) of the model's image shape";
}

std::string always(const Model&, const Dataset&, const DatasetMap&, const ArtifactSettings&) { return ""; }

std::string needs_decoder(const Model& model, const Dataset&, const DatasetMap&, const ArtifactSettings&) {
  return model.outputs().count(ModelOutput::RECONSTRUCTION) ? "" : "needs a model that decodes (this one has no decoder)";
}

std::string needs_judge(const Model& model, const Dataset& dataset, const DatasetMap& datasets, const ArtifactSettings& s) {
  const std::string decoder = needs_decoder(model, dataset, datasets, s);
  if (!decoder.empty()) return decoder;
  if (s.judge.empty())
    return "needs a judge classifier: give the evaluate op field 'judge' (acc eval: --judge) the tag of a classifier "
           "node of this run (e.g. a cnn_classifier trained with logits_classification)";
  if (model.input_shape().channels != 1) return "measures grey images; the model's are " + model.input_shape().str();
  return dataset.has_labels() ? "" : "needs class labels on dataset '" + dataset.name + "' to score the judge";
}

std::string needs_mixture(const Model& model, const Dataset&, const DatasetMap&, const ArtifactSettings&) {
  return has_mixture(model) ? "" : "needs a mixture model (gmvae: QC_LOGITS and a mixture prior)";
}

std::string needs_labelled_mixture(const Model& model, const Dataset& dataset, const DatasetMap& datasets,
                                   const ArtifactSettings& settings) {
  const std::string mixture = needs_mixture(model, dataset, datasets, settings);
  if (!mixture.empty()) return mixture;
  return dataset.has_labels() ? "" : "needs class labels on dataset '" + dataset.name + "' to score clusters against";
}

void write_cluster_confusion_artifact(ArtifactRun& run) { write_cluster_confusion(run.model, run.dataset, run.device, run.sink); }
void write_cluster_baselines_artifact(ArtifactRun& run) { write_cluster_baselines(run.model, run.dataset, run.device, run.sink); }

void write_mixture_health_artifact(ArtifactRun& run) {
  write_mixture_health(run.model, run.dataset, kMixtureHealthImages, run.device, run.sink);
}

// Prior-component grids for every component, and posterior-local samples of the first
// visualisation image.
void write_mixture_samples(ArtifactRun& run) {
  write_prior_component_samples(run.model, run.dataset, kSamplesPerGrid, std::nullopt, run.device, run.sink);
  if (!run.sample_indices.empty())
    write_posterior_local_samples(run.model, run.dataset, run.sample_indices.front(), kSamplesPerGrid, std::nullopt,
                                  run.device, run.sink);
}

std::vector<ArtifactSpec> build_table() {
  return {
      {"reconstructions", "the fixed visualisation images next to their reconstructions (eval/)", needs_decoder,
       write_reconstructions},
      {"traversals",
       "per latent group: 5 fixed images x 9 values from -3 to +3 of the group's dims, decoded (eval/)", needs_decoder,
       write_traversals},
      {"traversal_effects",
       "per latent group: effect_images test images x the 9 traversal values, decoded and measured (morphometry: "
       "thickness, slant, length, width, height): slope and within-image R² per measure, and the share of images the "
       "judge classifier still reads as the same digit; JSON + plot (eval/)",
       needs_judge, write_traversal_effects},
      {"sort_by_activation", "per latent group: the 20 test images with the lowest and highest group mean (eval/)",
       always, write_sort_by_activation},
      {"attention", "decoder cross-attention per factor token over the image, for fixed images (eval/)",
       needs_attention, write_attention},
      {"pca",
       "PCA 2D/3D of the latent means (explained variance, trustworthiness) + latent kNN, density, distortion, "
       "thumbnails (projections/, neighbors/, density/, distortion/, samples/)",
       always, write_pca},
      {"umap", "UMAP 2D/3D of the latent means (n_neighbors 15, min_dist 0.1) + the same companions as pca", always,
       write_umap},
      {"disentanglement", "MIG, SAP, DCI and the slot-by-factor R² matrix on datasets with ground-truth factors (eval/)",
       needs_factors, write_disentanglement},
      {"mixture_health",
       "GM-VAE component usage on the first 1000 test images: p, entropy, neff, pmax, argmax counts (mixture/)",
       needs_mixture, write_mixture_health_artifact},
      {"mixture_samples",
       "GM-VAE: 16 decoded draws from each prior component p(z|c), and from q(z|x) of the first fixed image "
       "(samples/)",
       needs_mixture, write_mixture_samples},
      {"cluster_confusion",
       "GM-VAE: components x labels counts of argmax q(c|x) on the test split, with clustering accuracy (Hungarian), "
       "purity, NMI, components used, and a heatmap (clusters/)",
       needs_labelled_mixture, write_cluster_confusion_artifact},
      {"cluster_baselines",
       "GM-VAE against k-means (K components, k-means++, 10 restarts, seed 0; fitted on <= 10,000 train images) on raw "
       "pixels and on the latent means, same scores, one table (clusters/)",
       needs_labelled_mixture, write_cluster_baselines_artifact},
  };
}

}  // namespace

bool usable_factor_set(const Model& model, const Dataset& d) {
  const ImageShape s = model.input_shape();
  return d.has_factors() && d.test.size() > 0 && d.test.images.size(1) == s.channels &&
         d.test.images.size(2) == s.height && d.test.images.size(3) == s.width;
}

const std::vector<OptionSpec>& artifact_option_specs() {
  static const std::vector<OptionSpec> specs = {
      {"artifacts", OptionType::kAny, false, nlohmann::json::array(),
       "artifacts to write: a list of names or `all` (every one that applies); see Artifacts"},
      {"artifact_dataset", OptionType::kString, false, "",
       "dataset whose images the grids and projections use; default: the first reconstruction task's"},
      {"split", OptionType::kString, false, "test", "projections and sort-by-activation: `test`, `train` or `all`"},
      {"knn_k", OptionType::kInt, false, 15, "neighbours per point in the latent kNN graph"},
      {"factor_datasets", OptionType::kList, false, nlohmann::json::array(),
       "datasets with ground-truth factors for disentanglement; default: every one loaded"},
      {"judge", OptionType::kString, false, "",
       "traversal_effects: tag of a classifier node of this run (LOGITS output, same image shape) that judges "
       "which digit a decoded image shows"},
      {"effect_images", OptionType::kInt, false, 200, "traversal_effects: test images swept per latent group"},
  };
  return specs;
}

ArtifactSettings artifact_settings_from_fields(const nlohmann::json& f, const std::string& where) {
  ArtifactSettings s;
  const nlohmann::json& a = f.at("artifacts");
  std::vector<std::string> requested;
  if (a.is_string() && a.get<std::string>() == "all") s.all = true;
  else if (a.is_array()) {
    for (const auto& v : a) {
      if (!v.is_string()) throw Error(where + ": field 'artifacts' must be `all` or a list of names");
      if (v.get<std::string>() == "all") s.all = true;
      else if (!find_artifact(v)) throw Error(where + ": field 'artifacts': unknown artifact '" + v.get<std::string>() +
                                              "'; valid: all, " + artifact_names());
      else requested.push_back(v);
    }
  } else {
    throw Error(where + ": field 'artifacts' must be `all` or a list of names (" + artifact_names() + ")");
  }
  for (const auto& spec : artifact_registry())
    if (s.all || std::find(requested.begin(), requested.end(), spec.name) != requested.end())
      s.names.push_back(spec.name);
  s.dataset = f.at("artifact_dataset");
  s.split = f.at("split");
  if (s.split != "test" && s.split != "train" && s.split != "all")
    throw Error(where + ": field 'split': '" + s.split + "' is not one of test, train, all");
  s.knn_k = f.at("knn_k");
  if (s.knn_k < 1) throw Error(where + ": field 'knn_k' must be at least 1");
  s.judge = f.at("judge");
  s.effect_images = f.at("effect_images");
  if (s.effect_images < 1) throw Error(where + ": field 'effect_images' must be at least 1");
  for (const auto& v : f.at("factor_datasets")) {
    if (!v.is_string()) throw Error(where + ": field 'factor_datasets' must be a list of dataset names");
    s.factor_datasets.push_back(v);
  }
  return s;
}

const std::vector<ArtifactSpec>& artifact_registry() {
  static const std::vector<ArtifactSpec> table = build_table();
  return table;
}

const ArtifactSpec* find_artifact(const std::string& name) {
  for (const auto& spec : artifact_registry())
    if (spec.name == name) return &spec;
  return nullptr;
}

std::string artifact_names() {
  std::string out;
  for (const auto& spec : artifact_registry()) out += (out.empty() ? "" : ", ") + spec.name;
  return out;
}

std::vector<const ArtifactSpec*> check_artifacts(const Model& model, const DatasetMap& datasets,
                                                 const ArtifactSettings& settings, const std::string& where) {
  std::vector<const ArtifactSpec*> rows;
  if (settings.names.empty()) return rows;
  if (settings.dataset.empty())
    throw Error(where + ": artifacts need images: give field 'artifact_dataset' (no reconstruction task to take it from)");
  const auto it = datasets.find(settings.dataset);
  if (it == datasets.end()) throw Error(where + ": field 'artifact_dataset': no dataset named '" + settings.dataset + "' is loaded");
  const Dataset& d = *it->second;
  const ImageShape s = model.input_shape();
  const Split& any = d.test.size() > 0 ? d.test : d.train;
  if (any.size() == 0 || any.images.size(1) != s.channels || any.images.size(2) != s.height || any.images.size(3) != s.width)
    throw Error(where + ": field 'artifact_dataset': dataset '" + d.name + "' images do not match the model's input " +
                s.str() + "; load it with the model's image_size");
  if (d.test.size() == 0) throw Error(where + ": dataset '" + d.name + "' has no test images to draw grids from");
  const int64_t n = select_split(d, settings.split).size();
  if (n <= settings.knn_k + 1)
    throw Error(where + ": field 'knn_k': " + std::to_string(settings.knn_k) + " neighbours need more than " +
                std::to_string(n) + " points in split '" + settings.split + "'");
  for (const auto& name : settings.names) {
    const ArtifactSpec* spec = find_artifact(name);
    const std::string why = spec->unavailable(model, d, datasets, settings);
    if (why.empty()) rows.push_back(spec);
    else if (!settings.all) throw Error(where + ": artifact '" + name + "' " + why);
  }
  return rows;
}

ArtifactRun::ArtifactRun(Model& m, const DatasetMap& ds, const ArtifactSettings& s, std::vector<int64_t> samples,
                         torch::Device dev, ArtifactSink& out)
    : model(m), datasets(ds), settings(s), dataset(*ds.at(s.dataset)), sample_indices(std::move(samples)),
      device(dev), sink(out) {
  if (sample_indices.empty())
    for (int64_t i = 0; i < std::min<int64_t>(16, dataset.test.size()); ++i) sample_indices.push_back(i);
}

ArtifactRun::~ArtifactRun() = default;

const LatentCodes& ArtifactRun::test_codes() {
  if (settings.split == "test") return projection_codes();
  if (!test_codes_) test_codes_ = encode_split(model, dataset, "test", device);
  return *test_codes_;
}

const LatentCodes& ArtifactRun::projection_codes() {
  if (!projection_codes_) projection_codes_ = encode_split(model, dataset, settings.split, device);
  return *projection_codes_;
}

const Knn& ArtifactRun::latent_knn() {
  if (!knn_) {
    const LatentCodes& codes = projection_codes();
    knn_ = std::make_unique<Knn>(exact_knn(codes.means, settings.knn_k));
    nlohmann::json j = {{"format", "acc.knn"},
                        {"version", 1},
                        {"space", "latent"},
                        {"metric", "euclidean"},
                        {"exact", true},
                        {"dataset", codes.dataset},
                        {"split", codes.split},
                        {"source_output", codes.source_output},
                        {"n", codes.size()},
                        {"k", settings.knn_k},
                        {"indices", json_flat(knn_->indices)},
                        {"distances", json_flat(knn_->distances)},
                        {"kth_distance", json_flat(knn_->distances.select(1, settings.knn_k - 1))}};
    knn_path_ = sink.write_json("neighbors", "knn", j);
  }
  return *knn_;
}

const nlohmann::json& ArtifactRun::sprites() {
  if (sprites_.is_null()) {
    // Pages of 64 x 64 thumbnails at the image's own size (28 or 32 px): 4096 per page keeps
    // each PNG near 2k x 2k pixels, which every browser decodes, for any number of points.
    constexpr int64_t kColumns = 64, kPerPage = kColumns * kColumns;
    const LatentCodes& codes = projection_codes();
    const int64_t n = codes.size();
    nlohmann::json files = nlohmann::json::array();
    for (int64_t start = 0, page = 0; start < n; start += kPerPage, ++page) {
      const auto images = codes.images.narrow(0, start, std::min(kPerPage, n - start));
      const std::string file = "sprites_" + codes.dataset + "_" + codes.split + "_" + std::to_string(page) + ".png";
      // pad 0: cell (r, c) of a page starts at pixel (c * size, r * size).
      files.push_back(sink.write_shared_png("samples", file, tile_images(images, kColumns, /*pad=*/0)));
    }
    sprites_ = {{"files", files},
                {"columns", kColumns},
                {"per_page", kPerPage},
                {"thumb_width", codes.images.size(3)},
                {"thumb_height", codes.images.size(2)}};
  }
  return sprites_;
}

nlohmann::json write_artifacts(Model& model, const DatasetMap& datasets, const ArtifactSettings& settings,
                               const std::vector<int64_t>& sample_indices, const torch::Device& device,
                               ArtifactSink& sink, const std::function<void(const std::string&)>& log) {
  const auto rows = check_artifacts(model, datasets, settings, "artifacts");
  ArtifactRun run(model, datasets, settings, sample_indices, device, sink);
  for (const ArtifactSpec* spec : rows) {
    const auto start = std::chrono::steady_clock::now();
    const size_t before = sink.written().size();
    spec->write(run);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (log)
      log("artifact " + spec->name + ": " + std::to_string(sink.written().size() - before) + " files in " +
          std::to_string(static_cast<int64_t>(seconds * 1000)) + " ms");
  }
  if (log)
    for (const auto& note : run.notes) log(note);
  return run.metrics;
}

}  // namespace acc
