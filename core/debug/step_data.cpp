// The per-step key/value store; see step_data.h.
#include "debug/step_data.h"

#include "error.h"
#include "eval/json_numbers.h"

namespace acc {

void StepData::clear(int64_t step) {
  std::lock_guard lock(mutex_);
  values_.clear();
  step_ = step;
}

void StepData::put(const std::string& key, const torch::Tensor& value) {
  torch::Tensor copy = value.defined() ? value.detach().to(torch::kCPU).clone() : value;
  std::lock_guard lock(mutex_);
  values_[key] = std::move(copy);
}

void StepData::put(const std::string& key, nlohmann::json value) {
  std::lock_guard lock(mutex_);
  values_[key] = std::move(value);
}

int64_t StepData::step() const {
  std::lock_guard lock(mutex_);
  return step_;
}

std::vector<std::string> StepData::keys() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [k, v] : values_) out.push_back(k);
  return out;
}

bool StepData::has(const std::string& key) const {
  std::lock_guard lock(mutex_);
  return values_.count(key) > 0;
}

nlohmann::json StepData::value_json(const std::string& key) const {
  std::lock_guard lock(mutex_);
  const auto it = values_.find(key);
  if (it == values_.end()) {
    std::string known;
    for (const auto& [k, v] : values_) known += (known.empty() ? "" : ", ") + k;
    throw Error("no step data '" + key + "' at step " + std::to_string(step_) + "; keys: " +
                (known.empty() ? "(none: pause or step the run first)" : known));
  }
  if (const auto* j = std::get_if<nlohmann::json>(&it->second)) return *j;
  const torch::Tensor& t = std::get<torch::Tensor>(it->second);
  if (!t.defined()) return nullptr;
  return {{"shape", t.sizes().vec()},
          {"dtype", std::string(c10::toString(t.scalar_type()))},
          {"data", json_flat(t.to(torch::kCPU))}};
}

torch::Tensor StepData::tensor(const std::string& key) const {
  std::lock_guard lock(mutex_);
  const auto it = values_.find(key);
  if (it == values_.end()) return {};
  if (const auto* t = std::get_if<torch::Tensor>(&it->second)) return *t;
  return {};
}

}  // namespace acc
