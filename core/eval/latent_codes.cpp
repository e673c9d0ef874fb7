// Encoding a split to latent means; see latent_codes.h.
#include "eval/latent_codes.h"

#include <vector>

#include "error.h"
#include "tasks/task.h"

namespace acc {

namespace {

torch::Tensor cat_defined(const torch::Tensor& a, const torch::Tensor& b) {
  if (!a.defined() || !b.defined()) return {};
  return torch::cat({a, b});
}

}  // namespace

Split select_split(const Dataset& dataset, const std::string& split) {
  Split out;
  if (split == "test") out = dataset.test;
  else if (split == "train") out = dataset.train;
  else if (split == "all") {
    if (dataset.train.size() == 0) out = dataset.test;
    else if (dataset.test.size() == 0) out = dataset.train;
    else {
      out.images = torch::cat({dataset.train.images, dataset.test.images});
      out.labels = cat_defined(dataset.train.labels, dataset.test.labels);
      out.factors = cat_defined(dataset.train.factors, dataset.test.factors);
    }
  } else {
    throw Error("split '" + split + "' is not one of test, train, all");
  }
  if (out.size() == 0)
    throw Error("dataset '" + dataset.name + "' has no images in split '" + split + "'; choose another split");
  return out;
}

LatentCodes encode_split(Model& model, const Dataset& dataset, const std::string& split, const torch::Device& device) {
  const Split rows = select_split(dataset, split);
  LatentCodes codes;
  codes.dataset = dataset.name;
  codes.split = split;
  const bool has_mu = model.outputs().count(ModelOutput::MU) > 0;
  codes.source_output = has_mu ? "mu" : "latent";
  std::vector<torch::Tensor> chunks;
  for_each_eval_batch(model, rows, device, [&](const ModelOutputs& out, const Batch&) {
    chunks.push_back(out.at(has_mu ? ModelOutput::MU : ModelOutput::LATENT).to(torch::kCPU, torch::kFloat));
  });
  codes.means = torch::cat(chunks).contiguous();
  codes.index = torch::arange(rows.size(), torch::kLong);
  codes.labels = rows.labels.defined() ? rows.labels.to(torch::kCPU) : torch::Tensor();
  codes.factors = rows.factors.defined() ? rows.factors.to(torch::kCPU, torch::kFloat) : torch::Tensor();
  codes.images = rows.images.to(torch::kCPU, torch::kFloat);
  return codes;
}

}  // namespace acc
