// Mean / per-image-sum reductions of loss terms; see reduction.h.
#include "tasks/reduction.h"

#include "error.h"

namespace acc {

Reduction reduction_from_options(const nlohmann::json& options, const std::string& where) {
  const std::string name = options.value("reduction", "mean");
  if (name == "mean") return Reduction::kMean;
  if (name == "sum") return Reduction::kSum;
  throw Error(where + ": field 'reduction' must be mean (default: averaged over elements) or sum (summed per image, "
                      "averaged over the batch: the ELBO scale), got '" + name + "'");
}

std::string reduction_name(Reduction reduction) { return reduction == Reduction::kSum ? "sum" : "mean"; }

torch::Tensor reduce_terms(const torch::Tensor& terms, Reduction reduction) {
  if (reduction == Reduction::kMean) return terms.mean();
  return per_image_loss(terms, reduction).mean();
}

torch::Tensor per_image_loss(const torch::Tensor& terms, Reduction reduction, int64_t first_element_dim) {
  const torch::Tensor flat = terms.flatten(/*start_dim=*/first_element_dim);
  return reduction == Reduction::kSum ? flat.sum(/*dim=*/first_element_dim) : flat.mean(/*dim=*/first_element_dim);
}

}  // namespace acc
