// Evaluation artifacts: the PNG/JSON files that let the viewer draw everything about a node
// without recomputing anything. One table row per artifact (artifacts.cpp); each row says
// when it applies to a model/dataset and writes its files through an ArtifactSink.
// Adding an artifact = one writer function + one row + (if new) one CMake line.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "eval/artifact_sink.h"
#include "eval/latent_codes.h"
#include "models/model.h"
#include "util/options.h"

namespace acc {

struct Knn;

// A classifier that judges decoded images for traversal_effects: which digit does this
// image show? A node of the run (any model with LOGITS, e.g. cnn_classifier), restored by
// the caller (recipe/judge.h) from the tag in ArtifactSettings::judge.
struct Judge {
  ModelPtr model;
  std::string tag, node_id, model_type;
};

// The fields an evaluate op (or `acc eval --artifacts`) gives, resolved.
struct ArtifactSettings {
  std::vector<std::string> names;            // requested artifacts, in table order; "all" expanded
  bool all = false;                          // "all": rows that do not apply are skipped, not refused
  std::string dataset;                       // images for grids and projections
  std::string split = "test";                // projections and sort-by-activation: test | train | all
  int64_t knn_k = 15;
  std::vector<std::string> factor_datasets;  // disentanglement; empty = every dataset with factors
  std::string judge;                         // traversal_effects: tag of the judge node ("" = none)
  int64_t effect_images = 200;               // traversal_effects: test images per group
  std::shared_ptr<const Judge> judge_model;  // `judge` restored (by the caller), or null
};

// The option rows of the artifact fields (shared by the evaluate op and the CLI).
const std::vector<OptionSpec>& artifact_option_specs();
// From resolved fields (defaults filled). acc::Error naming `where` for an unknown artifact.
ArtifactSettings artifact_settings_from_fields(const nlohmann::json& fields, const std::string& where);

using DatasetMap = std::map<std::string, std::shared_ptr<Dataset>>;

// Everything a writer reads, plus caches shared by the writers of one evaluation (the
// latent codes of the evaluation set and their kNN are computed once).
class ArtifactRun {
 public:
  ArtifactRun(Model& model, const DatasetMap& datasets, const ArtifactSettings& settings,
              std::vector<int64_t> sample_indices, torch::Device device, ArtifactSink& sink);
  ~ArtifactRun();

  Model& model;
  const DatasetMap& datasets;
  const ArtifactSettings& settings;
  const Dataset& dataset;               // settings.dataset
  std::vector<int64_t> sample_indices;  // fixed visualisation images (test rows) of `dataset`
  torch::Device device;
  ArtifactSink& sink;
  nlohmann::json metrics = nlohmann::json::object();  // scores to record on the node
  std::vector<std::string> notes;                     // one line per skipped piece, for the log

  // The test split encoded (sort-by-activation, traversal bases).
  const LatentCodes& test_codes();
  // settings.split encoded (projections).
  const LatentCodes& projection_codes();
  // Exact latent-space kNN of projection_codes(), written once to neighbors/.
  const Knn& latent_knn();
  // Path of the neighbours artifact (after latent_knn()).
  const std::string& knn_path() const { return knn_path_; }
  // Sprite sheet index of projection_codes()'s images (written once per dataset and split).
  const nlohmann::json& sprites();

 private:
  std::optional<LatentCodes> test_codes_, projection_codes_;
  std::unique_ptr<Knn> knn_;
  std::string knn_path_;
  nlohmann::json sprites_;
};

struct ArtifactSpec {
  std::string name;
  std::string description;
  // Empty when the artifact applies, else why not ("needs a model with ATTENTION output").
  std::function<std::string(const Model&, const Dataset& dataset, const DatasetMap& datasets,
                            const ArtifactSettings&)> unavailable;
  std::function<void(ArtifactRun&)> write;
};

// True when `d` has ground-truth factors and test images of the model's input shape: a
// dataset the disentanglement scores can use.
bool usable_factor_set(const Model& model, const Dataset& d);

const std::vector<ArtifactSpec>& artifact_registry();
const ArtifactSpec* find_artifact(const std::string& name);
std::string artifact_names();

// Checks the request against a model and datasets without computing anything: the dataset
// exists with the model's image shape, every explicitly named artifact applies. acc::Error
// naming `where` otherwise. Returns the rows that will run.
std::vector<const ArtifactSpec*> check_artifacts(const Model& model, const DatasetMap& datasets,
                                                 const ArtifactSettings& settings, const std::string& where);

// Writes every applicable requested artifact; returns the scores to record on the node
// ({"disentanglement.<dataset>": {...}}). `log` receives one line per artifact and note.
nlohmann::json write_artifacts(Model& model, const DatasetMap& datasets, const ArtifactSettings& settings,
                               const std::vector<int64_t>& sample_indices, const torch::Device& device,
                               ArtifactSink& sink, const std::function<void(const std::string&)>& log = {});

// Writers, one per file (image_artifacts.cpp, projection_artifacts.cpp, disentanglement_artifact.cpp).
void write_reconstructions(ArtifactRun& run);
void write_traversals(ArtifactRun& run);
void write_sort_by_activation(ArtifactRun& run);
void write_attention(ArtifactRun& run);
void write_pca(ArtifactRun& run);
void write_umap(ArtifactRun& run);
void write_disentanglement(ArtifactRun& run);
void write_traversal_effects(ArtifactRun& run);  // traversal_effects.cpp

// The traversal values of `traversals` and `traversal_effects`: 9 values from -3 to +3.
torch::Tensor traversal_values();
// Per-dim centre and scale of traversal values: VAE latents in prior units (0, 1); a plain
// autoencoder's in standard deviations of its test-set codes around their mean.
std::pair<torch::Tensor, torch::Tensor> traversal_frame(ArtifactRun& run);

// Traversal latents for one group: rows b*steps + s are base[b] with the group's dims set to
// values[s] (scaled per dim: value * scale[d] + centre[d]) and every other dim unchanged.
torch::Tensor traversal_latents(const torch::Tensor& base, const FactorGroup& group, const torch::Tensor& values,
                                const torch::Tensor& centre, const torch::Tensor& scale);

}  // namespace acc
