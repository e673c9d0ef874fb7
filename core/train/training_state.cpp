// TrainingState bookkeeping and (de)serialisation; see training_state.h.
#include "train/training_state.h"

#include <ATen/CPUGeneratorImpl.h>

#include "error.h"

namespace acc {


void TrainingState::set_model(ModelPtr model) {
  TORCH_CHECK(model != nullptr, "set_model: null model");
  plugins_.clear();
  // A new model starts a branch of its own: step 0 and a fresh state's learning rate,
  // whatever an earlier model left, so a recipe's second create_model gives the same node
  // whether the ops before it ran in this process or not (acc plan runs it in its own).
  step_ = 0;
  lr_ = TrainingState().lr();
  model_ = std::move(model);
  model_->to(device_);
  optimizer_ = std::make_unique<torch::optim::Adam>(model_->parameters(),
                                                   torch::optim::AdamOptions(lr_));
  tasks_.clear();
}

Model& TrainingState::model() {
  if (!model_) throw Error("no model: add a create_model op before this one");
  return *model_;
}

torch::optim::Adam& TrainingState::optimizer() {
  if (!optimizer_) throw Error("no model: add a create_model op before this one");
  return *optimizer_;
}

void TrainingState::attach(TaskPtr task, std::shared_ptr<const Dataset> dataset,
                           const std::string& where) {
  const std::string prefix = where.empty() ? "" : where + ": ";
  if (!model_) throw Error(prefix + "attach_task needs a model: add a create_model op before it");
  for (const auto& t : tasks_)
    if (t.task->name() == task->name())
      throw Error(prefix + "a task named '" + task->name() +
                  "' is already attached; give this one another name (or detach_all_tasks first)");
  task->check_compatible(*model_, *dataset);
  task->bind(*model_, *dataset, device_);
  AttachedTask attached;
  attached.head = task->head();
  if (attached.head)
    attached.optimizer = std::make_unique<torch::optim::Adam>(attached.head->parameters(),
                                                              torch::optim::AdamOptions(lr_));
  attached.task = std::move(task);
  attached.dataset = std::move(dataset);
  tasks_.push_back(std::move(attached));
}

void TrainingState::detach_all() { tasks_.clear(); }

void TrainingState::set_plugin(const std::string& name, std::unique_ptr<BranchPlugin> plugin) {
  plugins_.erase(name);
  if (plugin) plugins_.emplace(name, std::move(plugin));
}

const BranchPlugin* TrainingState::plugin(const std::string& name) const {
  auto it = plugins_.find(name);
  return it == plugins_.end() ? nullptr : it->second.get();
}

nlohmann::json TrainingState::plugin_states() const {
  nlohmann::json states = nlohmann::json::object();
  for (const auto& [name, plugin] : plugins_) states[name] = plugin->state();
  return states;
}

void TrainingState::set_lr(double lr) {
  lr_ = lr;
  auto apply = [lr](torch::optim::Adam& opt) {
    for (auto& group : opt.param_groups())
      static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
  };
  if (optimizer_) apply(*optimizer_);
  for (auto& t : tasks_)
    if (t.optimizer) apply(*t.optimizer);
}

void TrainingState::save_state(const std::string& path) const {
  TORCH_CHECK(model_ && optimizer_, "save_state without a model");
  torch::serialize::OutputArchive archive;
  torch::serialize::OutputArchive model_archive, optim_archive;
  model_->save(model_archive);
  optimizer_->save(optim_archive);
  archive.write("model", model_archive);
  archive.write("optimizer", optim_archive);
  for (const auto& t : tasks_) {
    if (!t.head) continue;
    torch::serialize::OutputArchive head_archive, head_optim_archive;
    t.head->save(head_archive);
    t.optimizer->save(head_optim_archive);
    archive.write("task." + t.task->name() + ".head", head_archive);
    archive.write("task." + t.task->name() + ".optimizer", head_optim_archive);
  }
  archive.write("step", torch::tensor(step_, torch::kInt64));
  archive.write("lr", torch::tensor(lr_, torch::kFloat64));
  {
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    archive.write("rng.cpu", gen.get_state());
  }
  archive.save_to(path);
}

void TrainingState::load_state(const std::string& path) {
  TORCH_CHECK(model_ && optimizer_, "load_state needs the model built first");
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path, device_);
  } catch (const c10::Error& e) {
    throw Error(path + ": cannot read checkpoint state (" + std::string(e.what_without_backtrace()) + ")",
                ExitCode::kFailure);
  }
  torch::serialize::InputArchive model_archive, optim_archive;
  archive.read("model", model_archive);
  archive.read("optimizer", optim_archive);
  model_->load(model_archive);
  optimizer_->load(optim_archive);
  for (auto& t : tasks_) {
    if (!t.head) continue;
    torch::serialize::InputArchive head_archive, head_optim_archive;
    archive.read("task." + t.task->name() + ".head", head_archive);
    archive.read("task." + t.task->name() + ".optimizer", head_optim_archive);
    t.head->load(head_archive);
    t.optimizer->load(head_optim_archive);
  }
  torch::Tensor step, lr, rng;
  archive.read("step", step);
  archive.read("lr", lr);
  archive.read("rng.cpu", rng);
  step_ = step.item<int64_t>();
  set_lr(lr.item<double>());
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(rng.cpu());
}

}  // namespace acc
