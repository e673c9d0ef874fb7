// The model registry: one table row per model (core/models/registry.cpp). Adding a
// model = one new file + one row + one CMake line.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/model.h"
#include "util/options.h"

namespace acc {

struct ModelSpec {
  std::string name;
  std::string description;
  std::vector<OptionSpec> options;  // documented in the recipe reference (docs/recipes.md)
  // options: the recipe fields with defaults already filled in.
  std::function<ModelPtr(const nlohmann::json& options)> build;
};

const std::vector<ModelSpec>& model_registry();
const ModelSpec* find_model_spec(const std::string& name);
// Fills defaults, rejects unknown options and wrong types (acc::Error naming the option),
// and builds. `where` prefixes error messages ("recipe.yaml:12: create_model").
ModelPtr build_model(const std::string& name, const nlohmann::json& options,
                     const std::string& where = "");
// Rebuild from Model::config() (checkpoints).
ModelPtr build_model_from_config(const nlohmann::json& config);
std::string model_names();  // "linear_ae, conv_ae, conv_vae"

}  // namespace acc
