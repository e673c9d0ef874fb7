// Every registered model learns: one table-driven test over model_registry(), so a model
// added later is covered without touching this file.
//
// For each model, the loss is the one its built-in recipes train it with: the first recipe
// in recipes/ (alphabetical) that creates the model gives its create_model options and the
// image-training tasks attached after it (reconstruction with its `loss`, kl, gmvae_kl,
// logits_classification, with their weights and options). A model no recipe uses trains
// with a plain reconstruction task (the task's default loss). The run is short — kSteps
// steps on kTrainImages MNIST images, one thread — and its test PSNR must beat both trivial
// outputs on the same test images, the all-black image and the mean training image, by
// kMarginDb. A network that ignores its input cannot do that; the sigmoid conv models under
// L1 did exactly that (models/output_activation.h).
#include <gtest/gtest.h>

#include "test_util.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "analysis/trivial_baselines.h"
#include "data/registry.h"
#include "models/registry.h"
#include "recipe/recipe.h"
#include "run/checkpoint.h"

namespace acc {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kSteps = 500;
constexpr int64_t kTrainImages = 2000;
constexpr int64_t kTestImages = 500;
constexpr double kMarginDb = 2.0;

// Tasks that train the model on its own images (not probes on other datasets).
const std::set<std::string> kImageTrainingTasks = {"reconstruction", "kl", "gmvae_kl", "logits_classification"};

struct LearnSetup {
  std::string recipe;  // "" when no built-in recipe uses the model
  nlohmann::json model_options = nlohmann::json::object();
  std::vector<nlohmann::json> tasks;  // attach_task fields, dataset renamed to "mnist"
};

std::string reconstruction_task_name(const LearnSetup& setup) {
  for (const auto& t : setup.tasks)
    if (t.value("task", "") == "reconstruction") return t.value("name", "reconstruction");
  return "";
}

LearnSetup setup_from_recipes(const std::string& model) {
  std::vector<fs::path> recipes;
  for (const auto& entry : fs::directory_iterator(fs::path(test::source_dir()) / "recipes"))
    if (entry.path().extension() == ".yaml") recipes.push_back(entry.path());
  std::sort(recipes.begin(), recipes.end());
  for (const auto& path : recipes) {
    const Recipe recipe = load_recipe(path.string());
    std::set<std::string> mnist_datasets;
    bool in_model = false;
    LearnSetup setup;
    for (const auto& op : recipe.ops) {
      if (op.op == "load_dataset" && op.fields.value("source", op.fields.value("name", "")) == "mnist")
        mnist_datasets.insert(op.fields.value("name", ""));
      if (op.op == "create_model") {
        if (in_model) break;  // only the tasks of the first such model
        in_model = op.fields.value("model", "") == model;
        if (in_model) {
          setup.recipe = path.filename().string();
          setup.model_options = op.fields;
          setup.model_options.erase("model");
        }
        continue;
      }
      if (!in_model || op.op != "attach_task") continue;
      if (!kImageTrainingTasks.count(op.fields.value("task", "")) || !mnist_datasets.count(op.fields.value("dataset", "")))
        continue;
      nlohmann::json task = op.fields;
      task["dataset"] = "mnist";
      setup.tasks.push_back(task);
    }
    // A recipe that trains the model on other data only (fashion_latents) says nothing
    // about its MNIST loss: look further.
    if (!setup.recipe.empty() && !reconstruction_task_name(setup).empty()) return setup;
  }
  LearnSetup fallback;
  fallback.tasks.push_back({{"task", "reconstruction"}, {"name", "recon"}, {"dataset", "mnist"}});
  return fallback;
}

// The image side the model is built for: its create_model option, else its default.
int64_t image_size_of(const std::string& model, const LearnSetup& setup) {
  if (setup.model_options.contains("image_size")) return setup.model_options["image_size"].get<int64_t>();
  for (const auto& option : find_model_spec(model)->options)
    if (option.name == "image_size") return option.default_value.get<int64_t>();
  return 28;
}

class ModelLearns : public ::testing::TestWithParam<std::string> {};

TEST_P(ModelLearns, BeatsBlackAndMeanImageByTwoDecibels) {
  if (!test::mnist_available()) GTEST_SKIP() << "MNIST not fetched (make data)";
  const std::string model = GetParam();
  const LearnSetup setup = setup_from_recipes(model);
  const std::string recon = reconstruction_task_name(setup);
  ASSERT_FALSE(recon.empty()) << model << ": its recipe " << setup.recipe << " trains no reconstruction task";
  const int64_t side = image_size_of(model, setup);

  nlohmann::json create = setup.model_options;
  create["op"] = "create_model";
  create["model"] = model;
  std::string ops = "  - {op: load_dataset, name: mnist, image_size: " + std::to_string(side) +
                    ", train_limit: " + std::to_string(kTrainImages) + ", test_limit: " + std::to_string(kTestImages) +
                    "}\n  - " + create.dump() + "\n";
  for (nlohmann::json task : setup.tasks) {
    task["op"] = "attach_task";
    ops += "  - " + task.dump() + "\n";
  }
  ops += "  - {op: train, steps: " + std::to_string(kSteps) + ", batch_size: 64, lr: 0.001, eval_every: 0}\n"
         "  - {op: save_checkpoint, tag: final}\n  - {op: evaluate}\n";
  test::TempDir dir;
  test::write_text(dir / "learn.yaml", "name: learns_" + model + "\nseed: 42\nops:\n" + ops);
  const auto r = test::run_acc("run " + (dir / "learn.yaml").string() + " --runs " + dir.path().string() +
                               " --run-id learn --threads 1 -q");
  ASSERT_EQ(r.exit_code, 0) << r.output << "\nrecipe:\n" << ops;

  const auto node = CheckpointStore(dir / "learn" / "checkpoints", "learn").find_tag("final");
  ASSERT_TRUE(node.has_value());
  const double psnr = node->metrics.at(recon).at("psnr").get<double>();

  const Dataset data = load_dataset("mnist", "mnist",
                                    {{"image_size", side}, {"train_limit", kTrainImages}, {"test_limit", kTestImages}},
                                    default_data_root());
  const TrivialBaselines baselines = trivial_baselines(data.train.images, data.test.images);
  const double best_trivial = std::max(baselines.black.psnr, baselines.mean_image.psnr);
  EXPECT_GE(psnr, best_trivial + kMarginDb)
      << model << " (loss of " << (setup.recipe.empty() ? "no recipe: plain reconstruction" : setup.recipe)
      << ") reaches test PSNR " << psnr << " dB after " << kSteps << " steps; all-black " << baselines.black.psnr
      << " dB, mean image " << baselines.mean_image.psnr << " dB";
}

std::vector<std::string> registered_models() {
  std::vector<std::string> names;
  // Models that reconstruct; a classifier without a decoder (cnn_classifier) is checked to
  // learn by its accuracy instead (test_real_digit_factors.cpp).
  for (const auto& spec : model_registry())
    if (build_model(spec.name, {})->outputs().count(ModelOutput::RECONSTRUCTION)) names.push_back(spec.name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(EveryRegisteredModel, ModelLearns, ::testing::ValuesIn(registered_models()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace acc
