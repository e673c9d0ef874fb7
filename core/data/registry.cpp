// The dataset source table: one row per source a recipe's load_dataset op can name. Adding a
// source = one loader file + one row here (+ its CMake line).
#include "data/registry.h"

#include <cstdlib>

#include "analysis/morphometry.h"
#include "data/mnist.h"
#include "data/synthetic.h"
#include "error.h"

namespace acc {

namespace {

const char* const kMnistHint =
    "run `make data` (scripts/fetch_mnist.sh) or set ACC_DATA / the dataset's `path:` to a "
    "directory holding the official MNIST IDX files";
const char* const kFashionHint =
    "install Debian package dataset-fashion-mnist (scripts/setup.sh does) or set the "
    "dataset's `path:` to a directory holding the Fashion-MNIST IDX files";

std::vector<OptionSpec> idx_options(const std::string& default_path, const std::string& path_doc,
                                    const std::string& default_factors) {
  return {
      {"path", OptionType::kString, false, default_path, path_doc},
      {"image_size", OptionType::kInt, false, 28,
       "output image side in px; 28 -> 32 zero-pads 2 px per side, other sizes resample "
       "bilinearly"},
      {"train_limit", OptionType::kInt, false, 0,
       "keep only the first N training images (0 = all); handy for quick tests"},
      {"test_limit", OptionType::kInt, false, 0,
       "keep only the first N test images (0 = all); evaluation and artifacts then see only these"},
      {"factors", OptionType::kString, false, default_factors,
       "ground-truth factors computed at load: `morphometry` (Morpho-MNIST stroke thickness, slant, length, width, "
       "height of each image, in its own pixels; docs/data.md) or `none`"},
  };
}

// Morpho-MNIST measures of both splits as the dataset's factors, the method in its info.
void add_morphometry(Dataset& ds) {
  const MorphometryOptions method;
  for (Split* split : {&ds.train, &ds.test})
    if (split->size() > 0) split->factors = measure_morphometry(split->images, method).values;
  ds.factor_names = morphometry_names();
  ds.info["factors"] = morphometry_info(method);
}

std::vector<OptionSpec> synthetic_options() {
  return {
      {"n", OptionType::kInt, false, 5000, "total number of images (train + test)"},
      {"seed", OptionType::kInt, false, 0, "generator seed; same seed, same images"},
      {"image_size", OptionType::kInt, false, 32, "image side in px (16 to 1024)"},
      {"test_fraction", OptionType::kFloat, false, 0.2,
       "share of the images held out as the test split, in (0, 1)"},
  };
}

// An empty `path` means $ACC_DATA/<subdir>.
std::function<Dataset(const nlohmann::json&, const std::string&)> idx_loader(std::string subdir,
                                                                             std::string hint) {
  return [=](const nlohmann::json& o, const std::string& data_root) {
    MnistLoadOptions load;
    load.dir = o.at("path");
    if (load.dir.empty()) load.dir = data_root + "/" + subdir;
    load.image_size = o.at("image_size");
    load.train_limit = o.at("train_limit");
    load.test_limit = o.at("test_limit");
    load.missing_hint = hint;
    Dataset ds = load_mnist_dir(load);
    if (o.at("factors") == "morphometry") add_morphometry(ds);
    return ds;
  };
}

std::function<Dataset(const nlohmann::json&, const std::string&)> synthetic_loader(
    Dataset (*make)(const SyntheticOptions&)) {
  return [make](const nlohmann::json& o, const std::string&) {
    SyntheticOptions s;
    s.n = o.at("n");
    s.seed = o.at("seed");
    s.image_size = o.at("image_size");
    s.test_fraction = o.at("test_fraction");
    return make(s);
  };
}

// Range checks shared by every source that has these fields; types were checked already.
void check_ranges(const nlohmann::json& o, const std::string& prefix) {
  const auto bad = [&](const std::string& field, const std::string& rule) {
    throw Error(prefix + "field '" + field + "' must be " + rule + ", got " + o[field].dump());
  };
  if (o.contains("image_size") && (o["image_size"] < 1 || o["image_size"] > 1024))
    bad("image_size", "between 1 and 1024");
  if (o.contains("train_limit") && o["train_limit"] < 0) bad("train_limit", "0 (all) or more");
  if (o.contains("test_limit") && o["test_limit"] < 0) bad("test_limit", "0 (all) or more");
  if (o.contains("n") && o["n"] < 2) bad("n", "at least 2 (one train and one test image)");
  if (o.contains("factors") && o["factors"] != "morphometry" && o["factors"] != "none")
    bad("factors", "`morphometry` or `none`");
  if (o.contains("test_fraction") && !(o["test_fraction"] > 0 && o["test_fraction"] < 1))
    bad("test_fraction", "strictly between 0 and 1");
}

}  // namespace

const std::vector<DatasetSourceSpec>& dataset_registry() {
  static const std::vector<DatasetSourceSpec> table = {
      {"mnist",
       "MNIST handwritten digits from IDX files (scripts/fetch_mnist.sh); with `factors: morphometry` (the default) "
       "each image's Morpho-MNIST measures, in its own pixels and degrees, are its ground-truth factors",
       /*has_labels=*/true,
       morphometry_names(),
       idx_options("", "directory with the four MNIST IDX files; \"\" = $ACC_DATA/mnist", "morphometry"),
       idx_loader("mnist", kMnistHint)},
      {"fashion_mnist",
       "Fashion-MNIST clothing images (Debian dataset-fashion-mnist)",
       /*has_labels=*/true,
       {},
       idx_options(
           "/usr/share/datasets/fashion-mnist",
           "directory with the four Fashion-MNIST IDX files; \"\" = $ACC_DATA/fashion_mnist", "none"),
       idx_loader("fashion_mnist", kFashionHint)},
      {"shapes",
       "white square/circle/triangle on black with position and scale factors",
       /*has_labels=*/true,
       {"x", "y", "scale", "shape"},
       synthetic_options(),
       synthetic_loader(make_shapes)},
      {"thickness",
       "one MNIST-like stroke per image at a controlled width (1-5 px at 32 px)",
       /*has_labels=*/false,
       {"thickness"},
       synthetic_options(),
       synthetic_loader(make_thickness)},
      {"slant",
       "upright glyphs italicised by -45..+45 degrees",
       /*has_labels=*/false,
       {"slant"},
       synthetic_options(),
       synthetic_loader(make_slant)},
  };
  return table;
}

const DatasetSourceSpec* find_dataset_source(const std::string& name) {
  for (const auto& spec : dataset_registry())
    if (spec.name == name) return &spec;
  return nullptr;
}

std::string dataset_source_names() {
  std::string out;
  for (const auto& spec : dataset_registry()) out += (out.empty() ? "" : ", ") + spec.name;
  return out;
}

namespace {

const DatasetSourceSpec& require_source(const std::string& source, const std::string& prefix) {
  const DatasetSourceSpec* spec = find_dataset_source(source);
  if (!spec)
    throw Error(prefix + "unknown dataset source '" + source +
                "'; valid sources: " + dataset_source_names());
  return *spec;
}

std::string prefix_of(const std::string& where) { return where.empty() ? "" : where + ": "; }

}  // namespace

nlohmann::json resolve_dataset_options(const std::string& source, const nlohmann::json& options,
                                       const std::string& where) {
  const DatasetSourceSpec& spec = require_source(source, prefix_of(where));
  const std::string field_where = (where.empty() ? "" : where + ": ") + "dataset '" + source + "'";
  nlohmann::json resolved = resolve_options(spec.options, options, field_where);
  check_ranges(resolved, field_where + ": ");
  return resolved;
}

Dataset load_dataset(const std::string& name, const std::string& source,
                     const nlohmann::json& options, const std::string& data_root,
                     const std::string& where) {
  const DatasetSourceSpec& spec = require_source(source, prefix_of(where));
  const nlohmann::json resolved = resolve_dataset_options(source, options, where);
  Dataset ds;
  try {
    ds = spec.load(resolved, data_root);
  } catch (const Error& e) {
    // File errors already name the file; `where` says which recipe step asked for it.
    throw Error(prefix_of(where) + e.what(), e.code());
  }
  ds.name = name;
  ds.source = source;
  nlohmann::json info = ds.info.is_object() ? ds.info : nlohmann::json::object();
  info["source"] = source;
  info["options"] = resolved;
  info["train_size"] = ds.train.size();
  info["test_size"] = ds.test.size();
  info["image_size"] = ds.image_size();
  info["num_classes"] = ds.num_classes;
  info["factor_names"] = ds.factor_names;
  ds.info = std::move(info);
  return ds;
}

std::string default_data_root() {
  const char* env = std::getenv("ACC_DATA");
  return (env && *env) ? std::string(env) : std::string("./data");
}

}  // namespace acc
