// TrainingState: everything that defines "where training is" on one branch of the
// checkpoint tree — the model and its Adam optimiser, the attached tasks with their probe
// heads and the heads' optimisers, the global step, and the device. A checkpoint saves
// exactly this (plus the torch RNG state); a fork restores it bitwise.
//
// Probe heads get their own Adam rather than joining the model's parameter groups so that
// detaching and attaching tasks never reshapes the model optimiser's state (Adam is
// per-parameter, so the update is the same as one optimiser over everything).
#pragma once

#include <torch/torch.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "models/model.h"
#include "tasks/task.h"
#include "train/branch_plugin.h"

namespace acc {

struct AttachedTask {
  TaskPtr task;
  std::shared_ptr<const Dataset> dataset;
  std::shared_ptr<torch::nn::Module> head;         // null for tasks without parameters
  std::unique_ptr<torch::optim::Adam> optimizer;   // for head, null when head is null
};

class TrainingState {
 public:
  explicit TrainingState(torch::Device device = torch::kCPU) : device_(device) {}

  // Moves the model to the device and gives it a fresh Adam; step and lr restart at a
  // fresh state's (0, 1e-3), whatever an earlier model left.
  void set_model(ModelPtr model);
  // Checks compatibility (acc::Error on mismatch or a duplicate task name), binds probe
  // heads on the device and gives them an Adam.
  void attach(TaskPtr task, std::shared_ptr<const Dataset> dataset, const std::string& where = "");
  void detach_all();
  void set_lr(double lr);
  // Installs `plugin` under `name` (replacing, and first destroying, any plug-in of that
  // name), or with nullptr removes it. Plug-ins are part of the branch's state: a
  // checkpoint saves each one's state() in meta.json, restoring a node rebuilds them
  // (recipe/plugin_registry.h). A new model (set_model) starts without plug-ins.
  void set_plugin(const std::string& name, std::unique_ptr<BranchPlugin> plugin);
  const BranchPlugin* plugin(const std::string& name) const;
  // {name: state()} of every installed plug-in (empty object when none).
  nlohmann::json plugin_states() const;

  bool has_model() const { return model_ != nullptr; }
  Model& model();
  ModelPtr model_ptr() const { return model_; }
  torch::optim::Adam& optimizer();
  std::vector<AttachedTask>& tasks() { return tasks_; }
  const std::vector<AttachedTask>& tasks() const { return tasks_; }
  const torch::Device& device() const { return device_; }
  double lr() const { return lr_; }
  int64_t step() const { return step_; }
  void set_step(int64_t step) { step_ = step; }

  // Serialises model, optimiser, task heads + optimisers, step and the CPU RNG state into
  // one file; load_state requires the same model type and attached tasks (same names).
  void save_state(const std::string& path) const;
  void load_state(const std::string& path);

 private:
  torch::Device device_;
  ModelPtr model_;
  std::map<std::string, std::unique_ptr<BranchPlugin>> plugins_;  // after model_: removed before it is destroyed
  std::unique_ptr<torch::optim::Adam> optimizer_;
  std::vector<AttachedTask> tasks_;
  int64_t step_ = 0;
  double lr_ = 1e-3;
};

}  // namespace acc
