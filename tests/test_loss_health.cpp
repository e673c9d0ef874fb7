// Loss health: each class on constructed loss sequences, the parameter-norm check, the
// trivial baselines it compares with, and real runs (lr 1e12 ends as diverging; stop_on
// fails the run).
#include <gtest/gtest.h>

#include "test_util.h"

#include <cmath>
#include <limits>

#include "analysis/trivial_baselines.h"
#include "health/loss_health.h"
#include "run/event_log.h"
#include "util/json_io.h"

namespace acc {
namespace {

HealthThresholds small_windows() {
  HealthThresholds t;
  t.window = 10;
  t.plateau_windows = 2;
  return t;
}

// Feeds `losses` and returns the verdicts in order (one per closed window or bad loss).
std::vector<HealthVerdict> feed(LossHealthTracker& tracker, const std::vector<double>& losses) {
  std::vector<HealthVerdict> out;
  for (double loss : losses)
    if (auto v = tracker.add_loss(loss)) out.push_back(*v);
  return out;
}

std::vector<double> geometric(double start, double ratio, int n) {
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(start * std::pow(ratio, i));
  return v;
}

TEST(LossHealthTracker, DecreasingLossIsHealthyAndDecidedOncePerWindow) {
  LossHealthTracker tracker(small_windows(), /*trivial_loss=*/1.0);
  const auto verdicts = feed(tracker, geometric(0.5, 0.97, 50));
  ASSERT_EQ(verdicts.size(), 5u);
  for (const auto& v : verdicts) EXPECT_EQ(v.health, Health::kHealthy) << v.reason;
}

TEST(LossHealthTracker, FlatLossBecomesPlateauOnlyAfterTheComparisonWindow) {
  LossHealthTracker tracker(small_windows(), std::nullopt);
  const auto verdicts = feed(tracker, std::vector<double>(40, 0.3));
  ASSERT_EQ(verdicts.size(), 4u);
  // Windows 1 and 2 have nothing plateau_windows (2) back to compare with.
  EXPECT_EQ(verdicts[0].health, Health::kHealthy);
  EXPECT_EQ(verdicts[1].health, Health::kHealthy);
  EXPECT_EQ(verdicts[2].health, Health::kPlateau);
  EXPECT_NE(verdicts[2].reason.find("20 steps earlier"), std::string::npos) << verdicts[2].reason;
  EXPECT_EQ(verdicts[3].health, Health::kPlateau);
}

TEST(LossHealthTracker, ImprovingByMoreThanOnePercentIsNotPlateau) {
  LossHealthTracker tracker(small_windows(), std::nullopt);
  // 2% better per window, 4% over the two-window comparison: above the 1% threshold.
  std::vector<double> losses;
  for (int w = 0; w < 4; ++w) losses.insert(losses.end(), 10, std::pow(0.98, w));
  for (const auto& v : feed(tracker, losses)) EXPECT_EQ(v.health, Health::kHealthy) << v.reason;
}

TEST(LossHealthTracker, ReconstructionAtTheBaselineIsTrivialAndBelowItIsNot) {
  // Trivial loss 0.10 (e.g. L1 of the all-black image on MNIST): 0.098 is within 0.8x.
  LossHealthTracker stuck(small_windows(), 0.10);
  const auto stuck_verdicts = feed(stuck, std::vector<double>(10, 0.098));
  ASSERT_EQ(stuck_verdicts.size(), 1u);
  EXPECT_EQ(stuck_verdicts[0].health, Health::kTrivial);
  EXPECT_NE(stuck_verdicts[0].reason.find("all-black"), std::string::npos);

  LossHealthTracker learning(small_windows(), 0.10);
  const auto learning_verdicts = feed(learning, std::vector<double>(10, 0.079));
  ASSERT_EQ(learning_verdicts.size(), 1u);
  EXPECT_EQ(learning_verdicts[0].health, Health::kHealthy);
}

TEST(LossHealthTracker, TrivialOutranksPlateau) {
  LossHealthTracker tracker(small_windows(), 0.10);
  const auto verdicts = feed(tracker, std::vector<double>(40, 0.1));
  for (const auto& v : verdicts) EXPECT_EQ(v.health, Health::kTrivial);
}

TEST(LossHealthTracker, LossGrowingHundredfoldIsDiverging) {
  LossHealthTracker tracker(small_windows(), std::nullopt);
  std::vector<double> losses(10, 0.01);
  losses.insert(losses.end(), 10, 0.5);  // 50x: not yet
  losses.insert(losses.end(), 10, 2.0);  // 200x the lowest window
  const auto verdicts = feed(tracker, losses);
  ASSERT_EQ(verdicts.size(), 3u);
  EXPECT_NE(verdicts[1].health, Health::kDiverging);
  EXPECT_EQ(verdicts[2].health, Health::kDiverging);
  EXPECT_NE(verdicts[2].reason.find("200x its lowest"), std::string::npos) << verdicts[2].reason;
}

TEST(LossHealthTracker, NonFiniteLossIsDivergingAtOnce) {
  LossHealthTracker tracker(small_windows(), std::nullopt);
  EXPECT_FALSE(tracker.add_loss(0.3).has_value());
  auto nan = tracker.add_loss(std::numeric_limits<double>::quiet_NaN());
  ASSERT_TRUE(nan.has_value());
  EXPECT_EQ(nan->health, Health::kDiverging);
  EXPECT_EQ(nan->reason, "loss is NaN");
  auto inf = tracker.add_loss(std::numeric_limits<double>::infinity());
  ASSERT_TRUE(inf.has_value());
  EXPECT_EQ(inf->reason, "loss is infinite");
}

TEST(LossHealthParameterNorm, HundredfoldGrowthOrNonFiniteIsDiverging) {
  const HealthThresholds t;
  EXPECT_FALSE(check_parameter_norm(/*norm=*/99.0, /*initial=*/1.0, t).has_value());
  const auto grown = check_parameter_norm(100.0, 1.0, t);
  ASSERT_TRUE(grown.has_value());
  EXPECT_EQ(grown->health, Health::kDiverging);
  EXPECT_TRUE(check_parameter_norm(std::nan(""), 1.0, t).has_value());
}

TEST(LossHealthNames, RoundTripAndRejectUnknown) {
  for (Health h : {Health::kHealthy, Health::kPlateau, Health::kTrivial, Health::kDiverging})
    EXPECT_EQ(health_from_name(health_name(h)), h);
  EXPECT_FALSE(health_from_name("sick").has_value());
}

TEST(TrivialBaselines, BlackAndMeanImageScoresAreExact) {
  // Two 1x2 images: [1, 0] and [0, 0]. Black: L1 = 1/4, MSE = 1/4; per-image MSE 1/2 and 0
  // (floored at 1e-10 -> 100 dB), so PSNR = (3.0103 + 100) / 2. Mean image [0.5, 0]: L1 1/4,
  // MSE 1/8.
  const torch::Tensor images = torch::tensor({1.0f, 0.0f, 0.0f, 0.0f}).view({2, 1, 1, 2});
  const TrivialBaselines b = trivial_baselines(images, images);
  EXPECT_DOUBLE_EQ(b.black.l1, 0.25);
  EXPECT_DOUBLE_EQ(b.black.mse, 0.25);
  EXPECT_NEAR(b.black.psnr, (10 * std::log10(2.0) + 100.0) / 2, 1e-9);
  EXPECT_DOUBLE_EQ(b.mean_image.l1, 0.25);
  EXPECT_DOUBLE_EQ(b.mean_image.mse, 0.125);
}

// Real runs. lr 1e12 blows the weights up in one Adam step: the parameter norm is caught
// at step 1, the run warns on the terminal and (without stop_on) still completes.
constexpr const char* kDivergingRecipe = R"(name: diverging
seed: 1
ops:
  - {op: load_dataset, name: mnist, train_limit: 300, test_limit: 50}
  - {op: create_model, model: linear_ae}
  - {op: attach_task, task: reconstruction, name: recon, dataset: mnist}
  - {op: train, steps: 30, lr: 1e12, batch_size: 32, health_window: 10STOP}
)";

std::string diverging_recipe(const std::string& stop) {
  std::string text = kDivergingRecipe;
  text.replace(text.find("STOP"), 4, stop);
  return text;
}

// Runs the diverging recipe with `stop` appended to its train op, as run "d" in `dir`.
test::CommandResult run_diverging(const test::TempDir& dir, const std::string& stop) {
  test::write_text(dir / "d.yaml", diverging_recipe(stop));
  return test::run_acc("run " + (dir / "d.yaml").string() + " --runs " + dir.path().string() + " --run-id d -q --threads 1");
}

std::vector<nlohmann::json> health_events(const std::filesystem::path& run) {
  std::vector<nlohmann::json> out;
  for (const auto& e : read_events(run / "events.jsonl"))
    if (e.value("type", "") == "train.health") out.push_back(e["payload"]);
  return out;
}

TEST(LossHealthRun, HugeLearningRateEndsDivergingWithAWarning) {
  if (!test::mnist_available()) GTEST_SKIP() << "MNIST not fetched (make data)";
  test::TempDir dir;
  const auto r = run_diverging(dir, "");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("warning: task 'recon' is diverging at step 1: parameter norm"), std::string::npos)
      << r.output;
  const auto events = health_events(dir / "d");
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back()["health"], "diverging");
  EXPECT_EQ(events.back()["task"], "recon");
  EXPECT_TRUE(events.front()["previous"].is_null());
}

TEST(LossHealthRun, StopOnDivergingFailsTheRunNamingTheTask) {
  if (!test::mnist_available()) GTEST_SKIP() << "MNIST not fetched (make data)";
  test::TempDir dir;
  const auto r = run_diverging(dir, ", stop_on: [diverging]");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("error: train: task 'recon' is diverging at step 1"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("(stop_on: diverging)"), std::string::npos) << r.output;
  const auto summary = read_json_file(dir / "d" / "summary.json");
  EXPECT_EQ(summary["status"], "failed");
}

TEST(LossHealthRun, UnknownStopOnClassIsAUsageErrorBeforeAnythingRuns) {
  test::TempDir dir;
  const auto r = run_diverging(dir, ", stop_on: [sick]");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("field 'stop_on': 'sick' is not a loss-health class"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "d"));
}

}  // namespace
}  // namespace acc
