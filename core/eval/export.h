// `acc export`: a node's evaluation set in latent space as NumPy files, so analysis can go on
// in Python or R. Writes into `out`:
//   latent_means.npy  float32 [N, D]  latent means (MU for VAEs, LATENT otherwise)
//   index.npy         int64 [N]       row of each point in the split ("all": train then test)
//   labels.npy        int64 [N]       class labels (when the dataset has them)
//   factors.npy       float32 [N, F]  ground-truth factors (when the dataset has them)
//   qc.npy            float32 [N, K]  q(c|x) of every point (mixture models: gmvae)
//   projection_<2d|3d>_<pca|umap>.npy float32 [N, dims]  coordinates from the node's
//                     projection artifacts with the same dataset and split, if written
//   manifest.json     what each file holds, the node, dataset, split, factor names
#pragma once

#include <torch/torch.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace acc {

struct ExportRequest {
  std::string address;   // RUN_ID/TAG or node id prefix
  std::filesystem::path out;
  std::string dataset;   // default: the first reconstruction task's dataset
  std::string split = "test";
  std::string data_root;  // default: the run's
};

// Returns the manifest. acc::Error when `out` exists and is not an empty directory.
nlohmann::json export_node(const std::filesystem::path& runs_root, const ExportRequest& request,
                           const torch::Device& device);

}  // namespace acc
