// Task types: one table row per type (core/tasks/registry.cpp). The fields every task
// shares (name, dataset, weight, latent_slice) are handled by the attach_task op; each
// row lists only its type-specific options.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "tasks/task.h"
#include "util/options.h"

namespace acc {

struct TaskSpec {
  std::string name;
  std::string description;
  std::vector<OptionSpec> options;
  std::function<TaskPtr(TaskConfig config)> build;  // config.options has defaults filled
};

const std::vector<TaskSpec>& task_registry();
const TaskSpec* find_task_spec(const std::string& type);
std::string task_type_names();
// Resolves options and builds; errors prefixed with `where`.
TaskPtr build_task(TaskConfig config, const std::string& where = "");

}  // namespace acc
