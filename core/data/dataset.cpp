// Batch gathering shared by the trainer and evaluation.
#include "data/dataset.h"

namespace acc {

int64_t Dataset::factor_index(const std::string& factor) const {
  for (size_t i = 0; i < factor_names.size(); ++i)
    if (factor_names[i] == factor) return static_cast<int64_t>(i);
  return -1;
}

Batch gather_batch(const Split& split, const torch::Tensor& indices, const torch::Device& device) {
  Batch batch;
  batch.images = split.images.index_select(0, indices).to(device);
  if (split.labels.defined()) batch.labels = split.labels.index_select(0, indices).to(device);
  if (split.factors.defined()) batch.factors = split.factors.index_select(0, indices).to(device);
  return batch;
}

}  // namespace acc
