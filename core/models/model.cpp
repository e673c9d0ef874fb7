// Out-of-line pieces of the Model interface: the one spelling of an image shape used in
// error messages and config files, the default latent grouping, and the eval-mode guard.
#include "models/model.h"

namespace acc {

std::string ImageShape::str() const {
  return std::to_string(channels) + "x" + std::to_string(height) + "x" + std::to_string(width);
}

std::vector<FactorGroup> Model::latent_groups() const {
  std::vector<FactorGroup> groups;
  for (int64_t d = 0; d < latent_dim(); ++d) groups.push_back({"z" + std::to_string(d), d, d + 1});
  return groups;
}

TrainingModeGuard::TrainingModeGuard(Model& model) : model_(model), was_training_(model.is_training()) {
  for (const auto& m : model.modules(/*include_self=*/false)) saved_.emplace_back(m, m->is_training());
  model.eval();
}

TrainingModeGuard::~TrainingModeGuard() {
  // train() recurses into children, and modules() lists parents before children, so
  // restoring in order leaves each module with its own saved flag.
  model_.train(was_training_);
  for (auto& [module, training] : saved_) module->train(training);
}

}  // namespace acc
