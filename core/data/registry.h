// Dataset sources: one table row per source (core/data/registry.cpp). A recipe's
// load_dataset op names a source and passes options; defaults and types are checked here.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "util/options.h"

namespace acc {

struct DatasetSourceSpec {
  std::string name;
  std::string description;
  bool has_labels;                         // class labels available
  std::vector<std::string> factor_names;   // ground-truth factors available
  std::vector<OptionSpec> options;
  // options have defaults filled in; data_root is ACC_DATA or ./data.
  std::function<Dataset(const nlohmann::json& options, const std::string& data_root)> load;
};

const std::vector<DatasetSourceSpec>& dataset_registry();
const DatasetSourceSpec* find_dataset_source(const std::string& name);
std::string dataset_source_names();
// Validates options (unknown / wrong type -> acc::Error naming `where` and the option),
// fills defaults. Does not load anything.
nlohmann::json resolve_dataset_options(const std::string& source, const nlohmann::json& options,
                                       const std::string& where);
// Loads and sets Dataset::name; `where` prefixes errors.
Dataset load_dataset(const std::string& name, const std::string& source,
                     const nlohmann::json& options, const std::string& data_root,
                     const std::string& where = "");
// ACC_DATA if set, else "./data".
std::string default_data_root();

}  // namespace acc
