// The trainer: bitwise determinism from the seed, multi-dataset steps, NaN detection,
// cancellation, and the checkpoint round trip of everything training depends on.
#include <gtest/gtest.h>

#include <ATen/CPUGeneratorImpl.h>

#include "data/registry.h"
#include "error.h"
#include "models/registry.h"
#include "run/checkpoint.h"
#include "tasks/registry.h"
#include "test_util.h"
#include "train/trainer.h"

namespace {

std::shared_ptr<const acc::Dataset> thickness(int64_t n = 200) {
  static std::map<int64_t, std::shared_ptr<const acc::Dataset>> cache;
  auto& d = cache[n];
  if (!d) d = std::make_shared<acc::Dataset>(acc::load_dataset("thick", "thickness", {{"n", n}, {"image_size", 28}}, ""));
  return d;
}

acc::TaskPtr task(const std::string& type, const std::string& name, double weight = 1.0) {
  acc::TaskConfig c;
  c.type = type;
  c.name = name;
  c.dataset = "thick";
  c.weight = weight;
  return acc::build_task(c);
}

// linear_ae + reconstruction + a thickness regression probe, built after seeding.
std::unique_ptr<acc::TrainingState> make_state(uint64_t seed) {
  torch::manual_seed(seed);
  auto state = std::make_unique<acc::TrainingState>();
  state->set_model(acc::build_model("linear_ae", {{"hidden", 16}}));
  state->attach(task("reconstruction", "recon"), thickness());
  state->attach(task("regression", "thick"), thickness());
  return state;
}

bool same_parameters(acc::Model& a, acc::Model& b) {
  auto pa = a.named_parameters(), pb = b.named_parameters();
  if (pa.size() != pb.size()) return false;
  for (const auto& item : pa)
    if (!torch::equal(item.value(), pb[item.key()])) return false;
  return true;
}

struct Counter : acc::TrainObserver {
  int steps = 0;
  std::atomic<bool>* cancel_at_3 = nullptr;
  void on_step_end(const acc::StepReport& r, acc::TrainingState&) override {
    ++steps;
    EXPECT_EQ(r.task_losses.size(), 2u);
    if (cancel_at_3 && r.phase_step == 3) cancel_at_3->store(true);
  }
};

}  // namespace

TEST(Trainer, SameSeedGivesBitwiseIdenticalWeights) {
  torch::set_num_threads(1);
  auto a = make_state(11), b = make_state(11), c = make_state(12);
  const acc::TrainSpec spec{30, 16, 1e-3};
  torch::manual_seed(5);
  acc::train(*a, spec);
  torch::manual_seed(5);
  acc::train(*b, spec);
  torch::manual_seed(5);
  acc::train(*c, spec);
  EXPECT_TRUE(same_parameters(a->model(), b->model()));
  EXPECT_FALSE(same_parameters(a->model(), c->model()));
  EXPECT_EQ(a->step(), 30);
}

TEST(Trainer, ObserversSeeEveryStepAndCancelStopsAfterTheCurrentStep) {
  auto state = make_state(1);
  std::atomic<bool> cancel{false};
  Counter counter;
  counter.cancel_at_3 = &cancel;
  const auto outcome = acc::train(*state, {50, 8, 1e-3}, {&counter}, &cancel);
  EXPECT_EQ(outcome.status, acc::TrainStatus::kCancelled);
  EXPECT_EQ(outcome.steps_done, 3);
  EXPECT_EQ(counter.steps, 3);
  EXPECT_EQ(state->step(), 3);
}

TEST(Trainer, NanLossFailsNamingTaskAndStep) {
  auto state = make_state(1);
  // A huge learning rate drives the linear probe's loss to inf/NaN quickly.
  try {
    acc::train(*state, {200, 16, 1e12});
    FAIL() << "expected a NaN/inf failure";
  } catch (const acc::Error& e) {
    const std::string m = e.what();
    EXPECT_TRUE(m.find("NaN") != std::string::npos || m.find("infinite") != std::string::npos) << m;
    EXPECT_NE(m.find(" at step "), std::string::npos) << m;
    EXPECT_NE(m.find("task '"), std::string::npos) << m;
    EXPECT_EQ(e.code(), acc::ExitCode::kFailure);
  }
}

TEST(Trainer, RefusesTrainingWithoutTasksOrSteps) {
  auto state = make_state(1);
  EXPECT_THROW(acc::train(*state, {0, 8, 1e-3}), acc::Error);
  state->detach_all();
  EXPECT_THROW(acc::train(*state, {5, 8, 1e-3}), acc::Error);
}

TEST(Checkpoint, SaveLoadRoundTripIsBitwiseAndResumesIdentically) {
  torch::set_num_threads(1);
  acc::test::TempDir dir;
  auto a = make_state(3);
  acc::train(*a, {20, 16, 1e-3});  // non-trivial Adam moments
  acc::CheckpointStore store(dir.path(), "run1");
  const acc::NodeMeta node = store.save(*a, "mid", "", nlohmann::json::array());
  EXPECT_EQ(node.step, 20);
  EXPECT_EQ(store.read(node.id).tag, "mid");
  EXPECT_EQ(store.read(node.id).tasks.size(), 2u);

  // Continue the original, then load the node into a differently-initialised state with
  // the same structure (with a scrambled RNG) and continue it: bitwise-identical results
  // mean weights, optimiser moments, probe heads, step and RNG all came back.
  acc::train(*a, {10, 16, 1e-3});
  auto b = make_state(99);
  EXPECT_FALSE(same_parameters(a->model(), b->model()));
  torch::manual_seed(12345);
  b->load_state(store.state_path(node.id).string());
  EXPECT_EQ(b->step(), 20);
  acc::train(*b, {10, 16, 1e-3});
  EXPECT_TRUE(same_parameters(a->model(), b->model()));
  EXPECT_TRUE(torch::equal(a->tasks()[1].head->parameters()[0], b->tasks()[1].head->parameters()[0]));
  EXPECT_EQ(b->step(), 30);
}

TEST(Checkpoint, LoadRestoresTheSavedWeightsExactly) {
  acc::test::TempDir dir;
  auto a = make_state(3);
  acc::train(*a, {5, 16, 1e-3});
  acc::CheckpointStore store(dir.path(), "run1");
  const acc::NodeMeta node = store.save(*a, "n", "", nlohmann::json::array());
  auto b = make_state(4);
  b->load_state(store.state_path(node.id).string());
  EXPECT_TRUE(same_parameters(a->model(), b->model()));
  EXPECT_TRUE(torch::equal(a->tasks()[1].head->parameters()[1], b->tasks()[1].head->parameters()[1]));
}

TEST(Checkpoint, TagsAreUniqueAndPartialNodesAreIgnored) {
  acc::test::TempDir dir;
  auto s = make_state(3);
  acc::CheckpointStore store(dir.path(), "run1");
  store.save(*s, "a", "", nlohmann::json::array());
  EXPECT_THROW(store.save(*s, "a", "", nlohmann::json::array()), acc::Error);
  std::filesystem::create_directories(dir / ".tmp-deadbeef");  // a killed writer's leftovers
  EXPECT_EQ(store.list().size(), 1u);
  store.record_metrics(store.list()[0].id, {{"recon", {{"l1", 0.5}}}});
  EXPECT_DOUBLE_EQ(store.list()[0].metrics["recon"]["l1"].get<double>(), 0.5);
}
