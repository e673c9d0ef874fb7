// The step-wise debugger: controller semantics on a real training loop (pause blocks at a
// step boundary, step N advances exactly N, resume continues, cancel wins over a pause),
// the batch is cloned, step data is per step, the per-feature table and force view against
// hand computations and autograd, trajectories bounded, the control channel, and a whole
// run paused, stepped and resumed through the run directory with its files on disk.
#include <gtest/gtest.h>

#include "test_util.h"

#include <chrono>
#include <fstream>
#include <future>
#include <thread>

#include "data/registry.h"
#include "debug/control_channel.h"
#include "debug/debug_controller.h"
#include "debug/feature_table.h"
#include "gating/gating_state.h"
#include "debug/layer_probe.h"
#include "debug/trajectories.h"
#include "models/registry.h"
#include "recipe/runner.h"
#include "tasks/registry.h"
#include "util/json_io.h"

namespace acc {
namespace {

using test::error_of;
using test::TempDir;

std::shared_ptr<const Dataset> shapes() {
  static auto d = std::make_shared<Dataset>(load_dataset("shapes", "shapes", {{"n", 64}, {"image_size", 28}}, ""));
  return d;
}

std::unique_ptr<TrainingState> make_debug_state(bool gated = false) {
  torch::manual_seed(1);
  auto state = std::make_unique<TrainingState>();
  state->set_model(build_model("linear_ae", {{"hidden", 8}}));
  TaskConfig c;
  c.type = "reconstruction";
  c.name = "recon";
  c.dataset = "shapes";
  state->attach(build_task(c), shapes());
  if (gated) set_gating(*state, GatingConfig{1.0, {{"encoder", 1.0}}});
  return state;
}

struct Harness {
  explicit Harness(DebugOptions options = {}, bool gated = false)
      : state(make_debug_state(gated)), controller(options, dir.path(), nullptr, &from, &cancel) {}
  // Trains `steps` on a thread with the controller (and `extra` observers after it).
  std::future<TrainOutcome> start(int64_t steps, std::vector<TrainObserver*> extra = {}) {
    std::vector<TrainObserver*> observers = {&controller};
    observers.insert(observers.end(), extra.begin(), extra.end());
    return std::async(std::launch::async, [this, steps, observers] {
      return train(*state, TrainSpec{steps, 16, 1e-3}, observers, &cancel);
    });
  }
  TempDir dir;
  std::string from = "root";
  std::atomic<bool> cancel{false};
  std::unique_ptr<TrainingState> state;
  DebugController controller;
};

int64_t state_step(const DebugController& c) { return c.state()["step"].get<int64_t>(); }

TEST(DebugController, PauseBlocksAtAStepBoundaryStepAdvancesExactlyNAndResumeFinishes) {
  Harness h;
  auto done = h.start(400);
  h.controller.pause();
  ASSERT_TRUE(h.controller.wait_until_paused(30));
  const int64_t at = state_step(h.controller);
  EXPECT_GT(at, 0);
  EXPECT_EQ(h.state->step(), at);  // the trainer is stopped exactly there
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  EXPECT_EQ(h.state->step(), at);
  EXPECT_TRUE(h.controller.state()["has_batch"].get<bool>());

  h.controller.step(3);
  ASSERT_TRUE(h.controller.wait_until_paused(30));
  EXPECT_EQ(state_step(h.controller), at + 3);
  EXPECT_EQ(h.state->step(), at + 3);
  EXPECT_EQ(h.controller.step_data().step(), at + 3);  // the last stepped batch is the one captured

  h.controller.step(1);
  ASSERT_TRUE(h.controller.wait_until_paused(30));
  EXPECT_EQ(h.state->step(), at + 4);

  h.controller.resume();
  const TrainOutcome outcome = done.get();
  EXPECT_EQ(outcome.status, TrainStatus::kCompleted);
  EXPECT_EQ(outcome.steps_done, 400);
  EXPECT_FALSE(h.controller.paused());
}

TEST(DebugController, PauseAtStopsAtThatStepAndCancelWinsOverThePause) {
  DebugOptions o;
  o.pause_at = 5;
  Harness h(o);
  auto done = h.start(50);
  ASSERT_TRUE(h.controller.wait_until_paused(30));
  EXPECT_EQ(h.state->step(), 5);
  EXPECT_TRUE(h.controller.state()["has_batch"].get<bool>());
  h.cancel.store(true);  // what acc cancel / Ctrl-C / `acc ctl cancel` raise
  ASSERT_EQ(done.wait_for(std::chrono::seconds(30)), std::future_status::ready) << "a paused run must wake for cancel";
  const TrainOutcome outcome = done.get();
  EXPECT_EQ(outcome.status, TrainStatus::kCancelled);
  EXPECT_EQ(outcome.steps_done, 5);
}

TEST(DebugController, RefusesStepUnlessPausedAndBadCounts) {
  Harness h;
  EXPECT_NE(error_of([&] { h.controller.step(1); }).find("not paused; pause it first"), std::string::npos);
  EXPECT_NE(error_of([&] { h.controller.step(0); }).find("positive"), std::string::npos);
  EXPECT_NE(error_of([&] { h.controller.handle("jump", {}); }).find("known: state, pause"), std::string::npos);
  EXPECT_NE(error_of([&] { h.controller.handle("watch", {{"features", {-1}}}); }).find("non-negative"), std::string::npos);
}

// Zeroes the batch in place after the controller saw it: a captured reference would change.
struct BatchVandal : TrainObserver {
  void on_batch(const Dataset&, const Batch& batch, TrainingState&) override { batch.images.zero_(); }
};

// Puts a key into the step data on one step only.
struct OneStepNote : TrainObserver {
  explicit OneStepNote(DebugController& c) : controller(c) {}
  void on_step_end(const StepReport& r, TrainingState&) override {
    if (StepData* d = controller.capturing_step_data(); d && r.step == 3) d->put("note", nlohmann::json("step 3"));
  }
  DebugController& controller;
};

TEST(DebugController, CapturesAClonedBatchAndClearsStepDataEachStep) {
  DebugOptions o;
  o.pause_at = 3;
  Harness h(o);
  BatchVandal vandal;
  // The note is put after the controller's on_step_end has already paused, so it lands in
  // step 3's data only while that step is still the current one.
  auto done = h.start(10, {&vandal});
  ASSERT_TRUE(h.controller.wait_until_paused(30));
  const torch::Tensor images = h.controller.step_data().tensor("batch.images");
  ASSERT_TRUE(images.defined());
  EXPECT_EQ(images.sizes(), (std::vector<int64_t>{16, 1, 28, 28}));
  EXPECT_GT(images.abs().sum().item<double>(), 0) << "the capture must be a copy, not the trainer's tensor";
  const auto keys = h.controller.keys()["keys"].get<std::vector<std::string>>();
  for (const char* k : {"batch.images", "losses", "encoder.activation", "encoder.grad", "encoder.features",
                        "encoder.weight_grad", "encoder.applied"})
    EXPECT_NE(std::find(keys.begin(), keys.end(), k), keys.end()) << k;
  EXPECT_EQ(h.controller.data("encoder.activation")["value"]["shape"], nlohmann::json({16, 8}));
  EXPECT_NE(error_of([&] { h.controller.data("nope"); }).find("keys: "), std::string::npos);

  h.controller.step(1);
  ASSERT_TRUE(h.controller.wait_until_paused(30));
  EXPECT_EQ(h.controller.step_data().step(), 4);
  EXPECT_FALSE(h.controller.step_data().has("note"));
  h.controller.resume();
  done.get();
}

TEST(DebugController, StepDataTakesAnyHooksKeyDuringTheStep) {
  DebugOptions o;
  o.pause_at = 3;
  Harness h(o);
  OneStepNote note(h.controller);
  // The note observer runs after the controller; put it first so it writes before the pause.
  std::vector<TrainObserver*> observers = {&note, &h.controller};
  auto done = std::async(std::launch::async, [&] { return train(*h.state, TrainSpec{6, 16, 1e-3}, observers, &h.cancel); });
  ASSERT_TRUE(h.controller.wait_until_paused(30));
  EXPECT_EQ(h.controller.data("note")["value"], "step 3");
  h.controller.step(1);
  ASSERT_TRUE(h.controller.wait_until_paused(30));
  EXPECT_FALSE(h.controller.step_data().has("note"));  // cleared when step 4 began
  h.controller.resume();
  done.get();
}

TEST(DebugFeatureTable, MatchesAHandComputation) {
  // 3 images, 3 features: feature 0 wins images 0 and 2, feature 1 wins image 1, feature 2
  // never fires (dead).
  const torch::Tensor a = torch::tensor({{1.0, 0.0, 0.0}, {0.0, 2.0, 0.0}, {3.0, 0.0, 0.0}}, torch::kDouble);
  const torch::Tensor g = torch::tensor({{1.0, -2.0, 0.0}, {0.5, 0.5, 0.0}, {-1.0, 0.0, 4.0}}, torch::kDouble);
  const torch::Tensor gate = torch::tensor({{2.0, 0.5, 0.5}, {1.0, 1.0, 1.0}, {1.0, 1.0, 1.0}}, torch::kDouble);
  const torch::Tensor w = torch::tensor({{1.0, 0.0}, {1.0, 0.0}, {0.0, 1.0}}, torch::kDouble);
  const FeatureColumns c = feature_columns(a, g, gate, w);
  EXPECT_NEAR(c.win_rate[0].item<double>(), 2.0 / 3, 1e-12);
  EXPECT_NEAR(c.win_rate[1].item<double>(), 1.0 / 3, 1e-12);
  EXPECT_NEAR(c.win_rate[2].item<double>(), 0.0, 1e-12);
  EXPECT_NEAR(c.grad_magnitude[0].item<double>(), (1 + 0.5 + 1) / 3, 1e-12);
  EXPECT_NEAR(c.gate[0].item<double>(), (2 + 1 + 1) / 3.0, 1e-12);
  EXPECT_NEAR(c.gated_grad_magnitude[0].item<double>(), (2 * 1 + 0.5 + 1) / 3, 1e-12);
  EXPECT_NEAR(c.activation_mean[0].item<double>(), 4.0 / 3, 1e-12);
  EXPECT_FALSE(c.dead[0].item<bool>());
  EXPECT_TRUE(c.dead[2].item<bool>());
  EXPECT_NEAR(c.novelty[0].item<double>(), 0.0, 1e-12);  // a duplicate of feature 1
  EXPECT_NEAR(c.novelty[2].item<double>(), 1.0, 1e-12);  // orthogonal to both

  const nlohmann::json t = feature_table_json(c);
  EXPECT_EQ(t["rows"][0]["status"], "winner");  // 2/3 >= 2/C
  EXPECT_EQ(t["rows"][1]["status"], "contender");
  EXPECT_EQ(t["rows"][2]["status"], "dead");
  EXPECT_EQ(t["summary"]["counts"]["dead"], 1);
  EXPECT_NEAR(t["summary"]["max"]["win_rate"].get<double>(), 2.0 / 3, 1e-6);

  // Conv activations: the per-feature gradient is the L2 norm over positions.
  const torch::Tensor a4 = torch::ones({2, 2, 2, 2}, torch::kDouble);
  const torch::Tensor g4 = torch::full({2, 2, 2, 2}, 3.0, torch::kDouble);
  EXPECT_NEAR(feature_columns(a4, g4, {}, {}).grad_magnitude[0].item<double>(), 6.0, 1e-12);
}

// The probe's plain and gated weight gradients against autograd: with gating on the layer,
// the gated one is what the optimiser received; the plain one is what an ungated twin with
// the same weights gets.
TEST(DebugLayerProbe, ForceGradientsEqualAutogradWithAndWithoutTheGate) {
  for (const char* model_name : {"linear_ae", "conv_ae"}) {
    SCOPED_TRACE(model_name);
    torch::manual_seed(2);
    const nlohmann::json options = std::string(model_name) == "linear_ae" ? nlohmann::json{{"hidden", 6}}
                                                                           : nlohmann::json{{"latent", 4}};
    ModelPtr gated = build_model(model_name, options);
    ModelPtr plain = build_model(model_name, options);
    for (auto& p : plain->named_parameters()) p.value().detach().copy_(gated->named_parameters()[p.key()]);
    const std::string layer = std::string(model_name) == "linear_ae" ? "encoder" : "encoder.conv1";
    GatingConfig config{0.7, {{layer, 0.8}}};
    CompetitiveGradientGating gating(*gated, config);
    LayerProbe probe(*gated, layer);
    ASSERT_TRUE(probe.force_unavailable().empty()) << probe.force_unavailable();

    const torch::Tensor x = torch::rand({5, 1, 28, 28});
    probe.begin_step();
    probe.set_input(x);
    (gated->forward(x).at(ModelOutput::RECONSTRUCTION) - x).pow(2).mean().backward();
    probe.end_backward(&config);
    (plain->forward(x).at(ModelOutput::RECONSTRUCTION) - x).pow(2).mean().backward();

    const torch::Tensor w_gated = gated->named_parameters()[layer + ".weight"].grad();
    const torch::Tensor w_plain = plain->named_parameters()[layer + ".weight"].grad();
    ASSERT_TRUE(probe.gated_weight_grad().defined());
    EXPECT_TRUE(torch::allclose(probe.gated_weight_grad(), w_gated, 1e-5, 1e-7));
    EXPECT_TRUE(torch::allclose(probe.plain_weight_grad(), w_plain, 1e-5, 1e-7));
    EXPECT_FALSE(torch::allclose(w_plain, w_gated, 1e-3, 1e-6)) << "the gate should matter here";
    EXPECT_TRUE(probe.gate().defined());
    EXPECT_TRUE(torch::allclose(probe.gate(), competitive_gate(probe.activation(), 0.7, 0.8)));
  }
  // Not a first layer: no force view, and the reason says so.
  torch::manual_seed(2);
  ModelPtr conv = build_model("conv_ae", {{"latent", 4}});
  LayerProbe second(*conv, "encoder.conv2");
  EXPECT_NE(second.force_unavailable().find("first layer"), std::string::npos);
  EXPECT_NE(error_of([&] { LayerProbe bad(*conv, "encoder.conv9"); }).find("valid layers: encoder.conv1"),
            std::string::npos);
}

TEST(DebugForceView, SheetsTileEachFeatureAndCountAgreement) {
  const torch::Tensor w = torch::randn({5, 4});
  const torch::Tensor plain = torch::tensor({1., 0., 0., 0., 1., 0., 0., 0., 1., 0., 0., 0., 0., 1., 0., 0., 1., 1., 0., 0.}).view({5, 4});
  const torch::Tensor gated = torch::tensor({2., 0., 0., 0., -1., 0., 0., 0., 0., 1., 0., 0., 0., 3., 0., 0., 1., 1., 0., 0.}).view({5, 4});
  const ForceView v = force_view(w, plain, gated, gated * 0.5, 2, 2);
  EXPECT_EQ(v.json["sheet"]["cols"], 3);
  EXPECT_EQ(v.json["sheet"]["rows"], 2);
  EXPECT_EQ(v.weight_sheet.sizes(), (std::vector<int64_t>{3, 4, 6}));
  EXPECT_EQ(v.json["summary"]["agree"], 3);
  EXPECT_EQ(v.json["summary"]["oppose"], 1);
  EXPECT_EQ(v.json["summary"]["neutral"], 1);
  EXPECT_NEAR(v.json["features"][1]["cos_plain_gated"].get<double>(), -1.0, 1e-9);
  // Feature 4's tile (column 1, row 1) holds its row scaled to max |value| 1: red (1, 0, 0)
  // at its positive entries.
  EXPECT_NEAR(v.plain_sheet[0][2][2].item<double>(), 1.0, 1e-6);
  EXPECT_NEAR(v.plain_sheet[1][2][2].item<double>(), 0.0, 1e-6);
}

TEST(DebugTrajectories, StayUnderTheCapByThinningAndRestartOnRewatch) {
  Trajectories t(10);
  const torch::Tensor w = torch::eye(3, torch::kDouble);
  t.watch({0, 2}, w, 0);
  EXPECT_NE(error_of([&] { t.watch({3}, w, 0); }).find("features 0..2"), std::string::npos);
  const torch::Tensor ones = torch::ones({3}, torch::kDouble);
  for (int64_t s = 1; s <= 100; ++s) t.record(s, w, ones * 0.5, ones * s, ones);
  EXPECT_LE(t.points(0), 10u);
  EXPECT_GE(t.points(0), 5u);
  const nlohmann::json j = t.to_json(w, 100);
  const auto& pts = j["features"]["0"]["points"];
  EXPECT_EQ(pts[0]["step"], 1);
  const int64_t stride = j["features"]["0"]["stride"];
  EXPECT_EQ(stride & (stride - 1), 0) << "the stride doubles";
  for (size_t i = 1; i < pts.size(); ++i)
    EXPECT_EQ(pts[i]["step"].get<int64_t>() - pts[i - 1]["step"].get<int64_t>(),
              pts[1]["step"].get<int64_t>() - pts[0]["step"].get<int64_t>());  // evenly spaced
  EXPECT_EQ(pts[0]["weight_cos_to_init"], 1.0);
  EXPECT_EQ(j["pairwise"]["matrix"], nlohmann::json({{1.0, 0.0}, {0.0, 1.0}}));

  t.unwatch({0});
  EXPECT_EQ(t.watched(), (std::vector<int64_t>{2}));
  const size_t kept = t.points(0);
  t.record(101, w, ones, ones, ones);
  EXPECT_EQ(t.points(0), kept);  // unwatched: kept, not extended
}

TEST(DebugControlChannel, AnswersWhileLiveAndSaysNotLiveAfter) {
  TempDir dir;
  EXPECT_NE(error_of([&] { send_control(dir.path(), "state"); }).find("is not live"), std::string::npos);
  {
    ControlServer server(dir.path(), [](const std::string& cmd, const nlohmann::json& args) -> nlohmann::json {
      if (cmd == "boom") throw Error("boom: refused");
      return {{"cmd", cmd}, {"args", args}};
    });
    EXPECT_TRUE(control_is_live(dir.path()));
    EXPECT_EQ(send_control(dir.path(), "state", {{"x", 1}}), nlohmann::json({{"cmd", "state"}, {"args", {{"x", 1}}}}));
    EXPECT_EQ(error_of([&] { send_control(dir.path(), "boom"); }), "boom: refused");
    EXPECT_NE(error_of([&] { ControlServer second(dir.path(), {}); }).find("already controls"), std::string::npos);
  }
  EXPECT_FALSE(control_is_live(dir.path()));
  EXPECT_NE(error_of([&] { send_control(dir.path(), "state"); }).find("is not live"), std::string::npos);
}

const char* kDebugRecipe = R"(name: debug_test
seed: 3
ops:
  - {op: load_dataset, name: shapes, n: 64, image_size: 28}
  - {op: create_model, model: linear_ae, hidden: 8}
  - {op: attach_task, task: reconstruction, name: recon, dataset: shapes}
  - {op: save_checkpoint, tag: root}
  - {op: gate_gradients, layers: [encoder], gate_strength: 1.0, temperature: 1.0}
  - {op: train, steps: 30, batch_size: 16}
  - {op: save_checkpoint, tag: trained}
)";

// A whole run through the run directory, as `acc ctl` drives it: paused by --pause-at,
// stepped twice, a feature watched, resumed to completion; every capture on disk.
TEST(DebugRun, PausedSteppedAndResumedThroughTheRunDirectory) {
  TempDir dir;
  test::write_text(dir / "d.yaml", kDebugRecipe);
  RunOptions options;
  options.runs_root = dir.path().string();
  options.run_id = "dbg";
  options.debug = DebugOptions{4, {}};
  const Recipe recipe = load_recipe((dir / "d.yaml").string());
  auto done = std::async(std::launch::async, [&] { return run_recipe(recipe, options); });
  const auto run = dir / "dbg";
  const auto wait_for = [&](const std::function<bool(const nlohmann::json&)>& ok) {
    for (int i = 0; i < 600; ++i) {
      try {
        const nlohmann::json s = send_control(run, "state");
        if (ok(s)) return s;
      } catch (const Error&) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return nlohmann::json();
  };
  nlohmann::json s = wait_for([](const nlohmann::json& s) { return s["paused"].get<bool>(); });
  ASSERT_FALSE(s.is_null()) << "never paused";
  EXPECT_EQ(s["step"], 4);
  EXPECT_EQ(s["from"], "root");
  EXPECT_EQ(s["layers"], nlohmann::json({"encoder"}));  // the gated layer by default
  EXPECT_TRUE(s["has_batch"].get<bool>());

  EXPECT_EQ(send_control(run, "watch", {{"features", {1, 5}}})["features"], nlohmann::json({1, 5}));
  send_control(run, "step", {{"n", 2}});
  s = wait_for([](const nlohmann::json& s) { return s["paused"].get<bool>() && s["step"] == 6; });
  ASSERT_FALSE(s.is_null()) << "step 2 did not pause at step 6";
  EXPECT_NE(error_of([&] { send_control(run, "step", {{"n", 0}}); }).find("positive"), std::string::npos);
  send_control(run, "resume");
  const RunResult result = done.get();
  EXPECT_EQ(result.status, "completed");
  EXPECT_FALSE(control_is_live(run));

  for (int step : {4, 5, 6}) {
    const auto d = run / "debug" / "root" / ("step_" + std::to_string(step));
    for (const char* f : {"batch.png", "batch.json", "features.encoder.json", "force.encoder.json",
                          "force.encoder.plain.png", "cosine.encoder.weights.json", "cosine.encoder.gradients.png"})
      EXPECT_TRUE(std::filesystem::exists(d / f)) << d / f;
  }
  EXPECT_FALSE(std::filesystem::exists(run / "debug" / "root" / "step_7")) << "running steps are not written";
  const nlohmann::json batch = read_json_file(run / "debug/root/step_5/batch.json");
  EXPECT_EQ(batch["size"], 16);
  EXPECT_EQ(batch["step"], 5);
  EXPECT_TRUE(batch["losses"].contains("recon"));
  const nlohmann::json table = read_json_file(run / "debug/root/step_5/features.encoder.json");
  EXPECT_EQ(table["rows"].size(), 8u);
  EXPECT_TRUE(table["gated"].get<bool>());
  const nlohmann::json force = read_json_file(run / "debug/root/step_5/force.encoder.json");
  EXPECT_EQ(force["tile"], nlohmann::json({{"w", 28}, {"h", 28}}));
  const nlohmann::json traj = read_json_file(run / "debug/trajectories.json");
  EXPECT_EQ(traj["watched"], nlohmann::json({1, 5}));
  // Watched from step 6 on (applied at the next step begin) to the end of training.
  EXPECT_GE(traj["features"]["1"]["points"].size(), 20u);
  EXPECT_EQ(traj["features"]["1"]["points"].back()["step"], 30);

  // The log: paused at 4 (pause_at), stepping, paused at 6 (step), running; captures 4, 5, 6.
  std::vector<std::string> states;
  std::vector<int64_t> captures;
  std::ifstream in(run / "events.jsonl");
  for (std::string line; std::getline(in, line);) {
    const auto e = nlohmann::json::parse(line);
    if (e["type"] == "debug.state") states.push_back(e["payload"]["state"].get<std::string>() + "@" +
                                                     std::to_string(e["payload"]["step"].get<int64_t>()));
    if (e["type"] == "debug.capture") captures.push_back(e["payload"]["step"]);
  }
  EXPECT_EQ(states, (std::vector<std::string>{"paused@4", "stepping@4", "paused@6", "running@6"}));
  EXPECT_EQ(captures, (std::vector<int64_t>{4, 5, 6}));
}

TEST(DebugRun, AnUnknownDebugLayerIsRefusedBeforeAnythingIsWritten) {
  TempDir dir;
  test::write_text(dir / "d.yaml", kDebugRecipe);
  RunOptions options;
  options.runs_root = dir.path().string();
  options.run_id = "bad";
  options.debug = DebugOptions{-1, {"decoder"}};
  const std::string e = error_of([&] { run_recipe(load_recipe((dir / "d.yaml").string()), options); });
  EXPECT_NE(e.find("--debug-layer 'decoder' is not an activation point"), std::string::npos) << e;
  EXPECT_NE(e.find("valid layers: encoder"), std::string::npos) << e;
  EXPECT_FALSE(std::filesystem::exists(dir / "bad"));
}

// `acc ctl` from another process against a live `acc run`, as a user in a second terminal.
TEST(DebugCli, AccCtlDrivesALiveRunAndSaysWhenItIsNotLive) {
  TempDir dir;
  test::write_text(dir / "d.yaml", kDebugRecipe);
  const std::string runs = " --runs " + dir.path().string();
  test::run_shell("(" + test::acc_binary() + " run " + (dir / "d.yaml").string() + runs +
                  " --run-id live --pause-at 3 -q > " + (dir / "run.log").string() + " 2>&1 < /dev/null &)");
  const auto poll = [&](const std::string& args, const std::string& want) {
    test::CommandResult r;
    for (int i = 0; i < 600; ++i) {
      r = test::run_acc("ctl live " + args + runs);
      if (r.exit_code == 0 && r.output.find(want) != std::string::npos) return r;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "acc ctl live " << args << " never printed " << want << "; last output: " << r.output
                  << "\nrun log: " << test::read_text(dir / "run.log");
    return r;
  };
  poll("state", "\"paused\": true");
  EXPECT_NE(poll("state", "\"step\": 3").output.find("\"from\": \"root\""), std::string::npos);
  EXPECT_EQ(test::run_acc("ctl live step 2" + runs).exit_code, 0);
  poll("state", "\"step\": 5");
  poll("state", "\"paused\": true");
  EXPECT_NE(test::run_acc("ctl live data losses" + runs).output.find("recon"), std::string::npos);
  const auto bad = test::run_acc("ctl live step 0" + runs);
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_EQ(test::run_acc("ctl live resume" + runs).exit_code, 0);
  for (int i = 0; i < 600 && control_is_live(dir / "live"); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto after = test::run_acc("ctl live state" + runs);
  EXPECT_NE(after.exit_code, 0);
  EXPECT_NE(after.output.find("not live"), std::string::npos) << after.output;
  EXPECT_EQ(read_json_file(dir / "live" / "summary.json")["status"], "completed");
}

}  // namespace
}  // namespace acc
