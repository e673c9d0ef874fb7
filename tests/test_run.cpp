// A recipe run end to end: the run directory, its events, summary, checkpoints and the
// failure paths (nothing written for invalid recipes; failed runs marked failed).
#include <gtest/gtest.h>

#include "error.h"
#include "models/registry.h"
#include "recipe/runner.h"
#include "run/event_log.h"
#include "run/run_format.h"
#include "test_util.h"
#include "util/json_io.h"

namespace fs = std::filesystem;

namespace {

const char* kRecipe = R"(name: synth
description: synthetic run
seed: 3
vars: {steps: 30, lr: 0.001}
ops:
  - op: phase
    name: setup
  - op: load_dataset
    name: thick
    source: thickness
    n: 200
    image_size: 28
  - op: create_model
    model: linear_ae
    hidden: 16
  - op: attach_task
    task: reconstruction
    name: recon
    dataset: thick
  - op: attach_task
    task: regression
    name: width
    dataset: thick
    latent_slice: [0, 4]
  - op: save_checkpoint
    tag: root
  - op: phase
    name: train
  - op: train
    steps: ${steps}
    lr: ${lr}
    batch_size: 16
    log_every: 10
  - op: save_checkpoint
    tag: trained
  - op: evaluate
)";

acc::RunResult run(const acc::test::TempDir& dir, const std::map<std::string, std::string>& sets = {},
                   const std::string& id = "r1") {
  acc::RunOptions options;
  options.runs_root = dir.path().string();
  options.run_id = id;
  return acc::run_recipe(acc::parse_recipe(kRecipe, "synth.yaml", sets), options);
}

}  // namespace

TEST(Run, WritesConfigEventsSummaryAndCheckpoints) {
  acc::test::TempDir dir;
  const auto result = run(dir);
  EXPECT_EQ(result.status, "completed");
  const fs::path rd = dir / "r1";

  const auto config = acc::read_json_file(rd / "config.json");
  EXPECT_EQ(config["format_version"], acc::run_format::kRunFormatVersion);
  EXPECT_EQ(config["seed"], 3);
  EXPECT_EQ(config["recipe"]["ops"][7]["steps"], 30);
  EXPECT_EQ(config["environment"]["threads"], torch::get_num_threads());
  EXPECT_FALSE(config["environment"]["libtorch_version"].get<std::string>().empty());
  EXPECT_EQ(config["visualization_samples"]["thick"].size(), 16u);
  EXPECT_TRUE(fs::exists(rd / "recipe.yaml"));

  const auto events = acc::read_events(rd / "events.jsonl");
  ASSERT_GE(events.size(), 8u);
  EXPECT_EQ(events.front()["type"], "run.created");
  EXPECT_EQ(events.back()["type"], "run.completed");
  int metrics = 0, saved = 0, evals = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i]["seq"], static_cast<int64_t>(i + 1));
    const std::string type = events[i]["type"];
    if (type == "train.metrics") {
      ++metrics;
      EXPECT_TRUE(events[i]["payload"]["losses"].contains("recon"));
      EXPECT_TRUE(events[i]["payload"]["losses"].contains("width"));
    }
    saved += type == "checkpoint.saved";
    evals += type == "eval.metrics";
  }
  EXPECT_EQ(metrics, 3);  // log_every 10 over 30 steps
  EXPECT_EQ(saved, 2);
  EXPECT_EQ(evals, 1);

  const auto summary = acc::read_json_file(rd / "summary.json");
  EXPECT_EQ(summary["status"], "completed");
  EXPECT_EQ(summary["phases_completed"], nlohmann::json({"setup", "train"}));
  EXPECT_EQ(summary["checkpoints"].size(), 2u);
  EXPECT_TRUE(summary["final_metrics"]["trained"]["recon"].contains("psnr"));
  EXPECT_TRUE(summary["final_metrics"]["trained"]["width"].contains("r2"));

  // Two nodes, trained's parent is root, metrics recorded on the evaluated node.
  int nodes = 0;
  std::string root_id;
  nlohmann::json trained;
  for (const auto& e : fs::directory_iterator(rd / "checkpoints")) {
    if (e.path().filename().string()[0] == '.') continue;  // .lock, .tmp-*
    ++nodes;
    const auto meta = acc::read_json_file(e.path() / "meta.json");
    EXPECT_TRUE(fs::exists(e.path() / "state.pt"));
    if (meta["tag"] == "root") root_id = meta["id"];
    else trained = meta;
  }
  EXPECT_EQ(nodes, 2);
  EXPECT_EQ(trained["parent"], root_id);
  EXPECT_EQ(trained["step"], 30);
  EXPECT_TRUE(trained["metrics"]["recon"].contains("l1"));
  EXPECT_EQ(trained["model"]["type"], "linear_ae");
  EXPECT_EQ(trained["datasets"]["thick"]["source"], "thickness");
}

TEST(Run, SameRecipeAndSeedGiveBitwiseIdenticalCheckpointWeights) {
  torch::set_num_threads(1);
  acc::test::TempDir dir;
  run(dir, {}, "a");
  run(dir, {}, "b");
  auto weights = [&](const std::string& id) {
    for (const auto& e : fs::directory_iterator(dir / id / "checkpoints"))
      if (e.path().filename().string()[0] != '.' && acc::read_json_file(e.path() / "meta.json")["tag"] == "trained") {
        torch::serialize::InputArchive archive, nested;
        archive.load_from((e.path() / "state.pt").string());
        archive.read("model", nested);
        auto model = acc::build_model_from_config(acc::read_json_file(e.path() / "meta.json")["model"]);
        model->load(nested);
        std::vector<torch::Tensor> out;
        for (const auto& p : model->parameters()) out.push_back(p.detach().clone());
        return out;
      }
    return std::vector<torch::Tensor>{};
  };
  const auto a = weights("a"), b = weights("b");
  ASSERT_EQ(a.size(), 4u);
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i], b[i]));
}

TEST(Run, InvalidRecipeWritesNothing) {
  acc::test::TempDir dir;
  EXPECT_THROW(run(dir, {{"steps", "0"}}), acc::Error);
  EXPECT_FALSE(fs::exists(dir / "r1"));
}

TEST(Run, NanDuringTrainingMarksTheRunFailedWithTheReason) {
  acc::test::TempDir dir;
  EXPECT_THROW(run(dir, {{"lr", "1e12"}, {"steps", "300"}}), acc::Error);
  const auto summary = acc::read_json_file(dir / "r1" / "summary.json");
  EXPECT_EQ(summary["status"], "failed");
  EXPECT_NE(summary["reason"].get<std::string>().find("at step"), std::string::npos);
  const auto events = acc::read_events(dir / "r1" / "events.jsonl");
  EXPECT_EQ(events.back()["type"], "run.failed");
}

TEST(Run, ExistingRunIdIsRefused) {
  acc::test::TempDir dir;
  run(dir);
  try {
    run(dir);
    FAIL();
  } catch (const acc::Error& e) {
    EXPECT_NE(std::string(e.what()).find("already exists"), std::string::npos);
  }
}
