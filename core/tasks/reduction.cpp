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
  return terms.flatten(/*start_dim=*/1).sum(/*dim=*/1).mean();
}

}  // namespace acc
