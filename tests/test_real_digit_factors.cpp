// Real digits as a factor dataset: MNIST carries its Morpho-MNIST measures as factors, the
// disentanglement, projection and export artifacts use them, and traversal_effects measures
// what a latent sweep does to decoded digits, judged by a classifier node of the run.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "data/registry.h"
#include "recipe/recipe.h"
#include "recipe/segments.h"
#include "test_util.h"
#include "util/json_io.h"

namespace acc {
namespace {

namespace fs = std::filesystem;
using test::run_acc;

// tests/fixtures/real_digits.yaml: a judge (cnn_classifier) and a small factor-slot VAE on a
// few hundred MNIST digits, evaluated with traversal_effects (24 images), disentanglement, pca.
std::string fixture_recipe() { return test::source_dir() + "/tests/fixtures/real_digits.yaml"; }

class RealDigits : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!test::mnist_available()) return;
    dir_ = new test::TempDir();
    const auto r = run_acc("run " + fixture_recipe() + " --runs " + dir_->path().string() + " --run-id r -q");
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (!test::mnist_available()) GTEST_SKIP() << "MNIST not fetched (make data)";
  }
  static fs::path run() { return dir_->path() / "r"; }
  static nlohmann::json latest(const std::string& kind, const std::string& name) {
    return read_json_file(run() / kind / "vae" / (name + "_latest.json"));
  }
  static test::TempDir* dir_;
};
test::TempDir* RealDigits::dir_ = nullptr;

TEST_F(RealDigits, MnistCarriesMorphometryAsFactorsWithTheMethodInConfig) {
  const nlohmann::json config = read_json_file(run() / "config.json");
  const std::string text = config.dump();
  EXPECT_NE(text.find("\"method\":\"morpho-mnist\""), std::string::npos);
  EXPECT_NE(text.find("\"skeleton\":\"zhang_suen\""), std::string::npos);

  const Dataset d = load_dataset("m", "mnist", {{"test_limit", 100}, {"train_limit", 10}}, default_data_root());
  EXPECT_EQ(d.factor_names, (std::vector<std::string>{"thickness", "slant", "length", "width", "height"}));
  ASSERT_TRUE(d.test.factors.defined());
  ASSERT_EQ(d.test.factors.sizes(), (std::vector<int64_t>{100, 5}));
  EXPECT_FALSE(torch::isnan(d.test.factors).any().item<bool>());
  // Handwritten digits at 28 px: strokes 1.5-6 px thick, slants within +-50 degrees,
  // heights of 10-22 px (Morpho-MNIST's ranges).
  const auto col = [&](int64_t k) { return d.test.factors.select(1, k); };
  EXPECT_GT(col(0).min().item<double>(), 1.0);
  EXPECT_LT(col(0).max().item<double>(), 8.0);
  EXPECT_LT(col(1).abs().max().item<double>(), 60.0);
  EXPECT_GT(col(4).mean().item<double>(), 12.0);
  EXPECT_LT(col(4).mean().item<double>(), 22.0);
  EXPECT_EQ(d.info["factors"]["scale"], 4);

  const Dataset none = load_dataset("m", "mnist", {{"test_limit", 10}, {"train_limit", 10}, {"factors", "none"}},
                                    default_data_root());
  EXPECT_FALSE(none.has_factors());
  const std::string bad = test::error_of(
      [] { load_dataset("m", "mnist", {{"factors", "thickness"}}, default_data_root(), "r.yaml:3: load_dataset"); });
  EXPECT_NE(bad.find("field 'factors' must be `morphometry` or `none`"), std::string::npos) << bad;
}

TEST_F(RealDigits, TraversalEffectsAreConsistentAndJudged) {
  const nlohmann::json j = latest("eval", "traversal_effects_mnist");
  EXPECT_EQ(j["format"], "acc.traversal_effects");
  EXPECT_EQ(j["n"], 24);
  ASSERT_EQ(j["values"].size(), 9u);
  EXPECT_EQ(j["measures"].size(), 5u);
  ASSERT_EQ(j["groups"].size(), 3u);
  EXPECT_EQ(j["groups"][1]["name"], "thickness");

  // The judge's accuracy is the one its own evaluation recorded on the same test digits.
  const nlohmann::json judge_node = read_json_file(run() / "summary.json")["final_metrics"]["judge"];
  EXPECT_NEAR(j["judge"]["test_accuracy"].get<double>(), judge_node["digit"]["accuracy"].get<double>(), 1e-9);
  EXPECT_EQ(j["judge"]["tag"], "judge");
  EXPECT_EQ(j["judge"]["model"], "cnn_classifier");
  EXPECT_EQ(j["judge"]["meets_requirement"], j["judge"]["test_accuracy"].get<double>() >= 0.97);
  // 30 steps on 500 digits already put the classifier far above chance (0.1): it learns.
  EXPECT_GT(j["judge"]["test_accuracy"].get<double>(), 0.4);

  const auto values = j["values"].get<std::vector<double>>();
  for (const auto& g : j["groups"]) {
    ASSERT_EQ(g["mean"].size(), 5u);
    for (size_t k = 0; k < 5; ++k) {  // range = max - min of the mean curve
      const auto mean = g["mean"][k].get<std::vector<double>>();
      EXPECT_NEAR(g["range"][k].get<double>(), *std::max_element(mean.begin(), mean.end()) - *std::min_element(mean.begin(), mean.end()), 1e-4);
    }
    ASSERT_EQ(g["digit_kept"].size(), 9u);
    double kept = 0;
    for (const auto& k : g["digit_kept"]) {
      EXPECT_GE(k.get<double>(), 0.0);
      EXPECT_LE(k.get<double>(), 1.0);
      kept += k.get<double>() / 9;
    }
    EXPECT_NEAR(g["digit_kept_rate"].get<double>(), kept, 1e-5);
    // With no empty decoded image, the within-image slope is the slope of the mean curve.
    bool any_empty = false;
    for (const auto& e : g["empty"]) any_empty = any_empty || e.get<int64_t>() > 0;
    if (any_empty) continue;
    for (size_t k = 0; k < 5; ++k) {
      const auto mean = g["mean"][k].get<std::vector<double>>();
      double sxy = 0, sxx = 0;
      for (size_t s = 0; s < 9; ++s) sxy += values[s] * mean[s], sxx += values[s] * values[s];  // values centred on 0
      EXPECT_NEAR(g["slope"][k].get<double>(), sxy / sxx, 1e-4 + 1e-4 * std::abs(sxy / sxx)) << g["name"] << " measure " << k;
    }
  }
  EXPECT_TRUE(fs::exists(run() / j["plot"].get<std::string>()));
  const nlohmann::json node_metrics = read_json_file(run() / "summary.json")["final_metrics"]["vae"];
  EXPECT_TRUE(node_metrics["traversal_effects.mnist"].contains("thickness_thickness_r2"));
  EXPECT_TRUE(node_metrics["traversal_effects.mnist"].contains("judge_accuracy"));
  const std::string events = test::read_text(run() / "events.jsonl");
  EXPECT_NE(events.find("\"name\":\"traversal_effects_mnist\""), std::string::npos);
}

TEST_F(RealDigits, DisentanglementOnDigitsKeepsTheLabelForMigOnly) {
  const nlohmann::json d = latest("eval", "disentanglement_mnist");
  EXPECT_EQ(d["factors"].size(), 5u);
  EXPECT_EQ(d["mig_factors"].back(), "label");
  EXPECT_EQ(d["mig"]["per_factor"].size(), 6u);
  EXPECT_EQ(d["slot_r2"]["r2"][0].size(), 5u);
}

TEST_F(RealDigits, ProjectionsCarryTheFactorsAndExportWritesThem) {
  const nlohmann::json p = latest("projections", "latent_2d_pca");
  ASSERT_TRUE(p["factors"].is_object());
  EXPECT_EQ(p["factors"]["names"][0], "thickness");
  EXPECT_EQ(p["factors"]["units"][1], "deg");
  EXPECT_EQ(p["factors"]["values"][0].size(), p["n"].get<size_t>());

  const fs::path out = dir_->path() / "export";
  const auto r = run_acc("export r/vae --runs " + dir_->path().string() + " --out " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_TRUE(fs::exists(out / "factors.npy"));
  const nlohmann::json manifest = read_json_file(out / "manifest.json");
  EXPECT_NE(manifest.dump().find("\"factor_names\":[\"thickness\",\"slant\",\"length\",\"width\",\"height\"]"),
            std::string::npos)
      << manifest.dump();
}

TEST_F(RealDigits, AccEvalBackfillsTraversalEffectsWithAJudge) {
  // On a copy, so the other tests keep reading the recipe's own files.
  const fs::path root = dir_->path() / "copy";
  fs::create_directories(root);
  fs::copy(run(), root / "r", fs::copy_options::recursive);
  const auto r = run_acc("eval r/vae --runs " + root.string() + " --artifacts traversal_effects --judge judge --effect-images 8");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const nlohmann::json j = read_json_file(root / "r" / "eval" / "vae" / "traversal_effects_mnist_latest.json");
  EXPECT_EQ(j["n"], 8);
  EXPECT_EQ(j["judge"]["tag"], "judge");
  const auto refused = run_acc("eval r/vae --runs " + root.string() + " --artifacts traversal_effects --judge vae");
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.output.find("--judge: field 'judge': node 'vae' cannot judge"), std::string::npos) << refused.output;
}

TEST(TraversalEffectsPlan, RefusesAMissingOrUnfitJudgeAtPlanTime) {
  if (!test::mnist_available()) GTEST_SKIP() << "MNIST not fetched (make data)";
  test::TempDir dir;
  const std::string head = R"(name: bad_judge
ops:
  - {op: load_dataset, name: mnist, image_size: 32, train_limit: 50, test_limit: 50}
  - {op: create_model, model: conv_ae, image_size: 32}
  - {op: attach_task, task: reconstruction, name: recon, dataset: mnist}
  - {op: save_checkpoint, tag: ae}
)";
  const auto dry = [&](const std::string& last) {
    test::write_text(dir / "b.yaml", head + last);
    return run_acc("run --dry-run --runs " + (dir / "runs").string() + " " + (dir / "b.yaml").string());
  };
  auto r = dry("  - {op: evaluate, artifacts: [traversal_effects]}\n");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("b.yaml:7: evaluate: artifact 'traversal_effects' needs a judge classifier"), std::string::npos)
      << r.output;
  r = dry("  - {op: evaluate, artifacts: [traversal_effects], judge: nobody}\n");
  EXPECT_NE(r.output.find("field 'judge': no node tagged 'nobody' is saved before this op"), std::string::npos) << r.output;
  r = dry("  - {op: evaluate, artifacts: [traversal_effects], judge: ae}\n");
  EXPECT_NE(r.output.find("node 'ae' cannot judge: model 'conv_ae' has no LOGITS output"), std::string::npos) << r.output;
  // `all` without a judge skips the artifact instead of refusing the recipe.
  r = dry("  - {op: evaluate, artifacts: all}\n");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("traversal_effects"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "runs"));
}

TEST(TraversalEffectsPlan, AnEvaluateWaitsForTheSegmentThatMadeItsJudge) {
  const char* text = R"(name: judged
ops:
  - {op: load_dataset, name: thick, source: thickness, n: 50}
  - {op: create_model, model: linear_ae, image_size: 32}
  - {op: save_checkpoint, tag: root}
  - {op: set_seed, seed: 3}
  - {op: create_model, model: cnn_classifier, image_size: 32}
  - {op: save_checkpoint, tag: judge}
  - {op: fork, from: root, tag: branch}
  - {op: evaluate, artifacts: [traversal_effects], judge: judge}
)";
  const auto segments = split_segments(parse_recipe(text, "j.yaml"));
  ASSERT_EQ(segments.size(), 3u);
  EXPECT_EQ(segments[2].name, "branch");
  EXPECT_EQ(segments[2].depends, (std::vector<std::string>{"root", "judge"}));
}

TEST(CnnClassifier, ClassifiesAndRefusesToDecode) {
  const test::TempDir dir;
  test::write_text(dir / "c.yaml", R"(name: cnn
ops:
  - {op: load_dataset, name: thick, source: thickness, n: 200}
  - {op: create_model, model: cnn_classifier, image_size: 32}
  - {op: evaluate, artifacts: [reconstructions], artifact_dataset: thick}
)");
  const auto r = run_acc("run --dry-run --runs " + (dir / "runs").string() + " " + (dir / "c.yaml").string());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("artifact 'reconstructions' needs a model that decodes"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace acc
