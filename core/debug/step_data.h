// StepData: a key/value store for one training step, the generic way to ask questions
// about the step the debugger stopped at. Any hook may put() into it while the step runs
// (the debugger clears it when a captured step begins and fills it before it pauses).
// Tensors are kept as tensors (detached copies) and serialised only when someone asks
// (value_json: `acc ctl RUN data KEY`, or the capture writer), so a step costs no JSON.
// Thread-safe: the training thread writes, the control thread reads.
#pragma once

#include <torch/torch.h>

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

namespace acc {

class StepData {
 public:
  void clear(int64_t step);
  void put(const std::string& key, const torch::Tensor& value);  // stored as a detached clone
  void put(const std::string& key, nlohmann::json value);

  int64_t step() const;
  std::vector<std::string> keys() const;
  bool has(const std::string& key) const;
  // A tensor as {shape, dtype, data (flat, row-major)}; JSON as stored. acc::Error naming
  // the available keys when `key` is missing.
  nlohmann::json value_json(const std::string& key) const;
  // The stored tensor (undefined when missing or when the key holds JSON).
  torch::Tensor tensor(const std::string& key) const;

 private:
  mutable std::mutex mutex_;
  int64_t step_ = -1;
  std::map<std::string, std::variant<torch::Tensor, nlohmann::json>> values_;
};

}  // namespace acc
