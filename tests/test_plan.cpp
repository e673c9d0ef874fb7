// Planned runs (acc plan): how a recipe is cut into segments, several writers merging one
// run's summary, and the end-to-end claim of issue #7: `acc plan` + `make -j2` on a small
// sweep gives the same checkpoint tree, bitwise, as one sequential `acc run`.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <thread>

#include <ATen/CPUGeneratorImpl.h>

#include "recipe/node_state.h"
#include "recipe/runner.h"
#include "recipe/segments.h"
#include "run/checkpoint.h"
#include "run/event_log.h"
#include "run/run_dir.h"
#include "run/run_format.h"
#include "test_util.h"
#include "util/json_io.h"

namespace fs = std::filesystem;
using acc::test::run_acc;

namespace {

// A trunk, three lr branches from it (repeat), a branch of a branch, and a second model
// root: every kind of segment. Tiny: 200 images, a 16-unit linear AE, 8 steps per train.
const char* kSweep = R"(name: sweep
seed: 5
vars: {steps: 8, bad_lr: 0.003}
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
  - {op: attach_task, task: reconstruction, name: recon, dataset: thick}
  - {op: train, steps: "${steps}", batch_size: 16, log_every: 4}
  - op: save_checkpoint
    tag: root
  - op: repeat
    grid: {lr: [0.001, 0.002, "${bad_lr}"]}
    from: root
    tag: "lr=${lr}"
    ops:
      - {op: phase, name: "train ${lr}"}
      - {op: train, steps: "${steps}", lr: "${lr}", batch_size: 16, log_every: 4}
      - {op: save_checkpoint, tag: "end_${lr}"}
      - {op: evaluate}
  - op: log
    message: a branch of a branch
  - {op: fork, from: end_0.001, tag: more}
  - {op: train, steps: 4, batch_size: 16}
  - {op: save_checkpoint, tag: more_end}
  - op: set_seed
    seed: 11
  - op: create_model
    model: linear_ae
    hidden: 8
  - {op: attach_task, task: reconstruction, name: recon, dataset: thick}
  - {op: train, steps: "${steps}", batch_size: 16}
  - {op: save_checkpoint, tag: second_root}
)";

std::map<std::string, const acc::Segment*> by_name(const std::vector<acc::Segment>& segments) {
  std::map<std::string, const acc::Segment*> out;
  for (const auto& s : segments) out[s.name] = &s;
  return out;
}

// Nodes of a run by tag.
std::map<std::string, acc::NodeMeta> nodes_by_tag(const fs::path& run) {
  std::map<std::string, acc::NodeMeta> out;
  for (const auto& n : acc::CheckpointStore(run / "checkpoints", run.filename().string()).list()) out[n.tag] = n;
  return out;
}

std::string tag_of(const std::map<std::string, acc::NodeMeta>& nodes, const std::string& id) {
  for (const auto& [tag, n] : nodes)
    if (n.id == id) return tag;
  return "";
}

// Everything a node restores, in a fixed order: the model's parameters and buffers, each
// parameter's Adam moments and step, the branch step, lr, and the RNG state. (state.pt's
// bytes are not comparable: LibTorch keys optimiser state by tensor address.)
std::vector<torch::Tensor> restored_state(const fs::path& run, const acc::NodeMeta& node) {
  acc::TrainingState state;
  acc::restore_node_state(state, node, run / "checkpoints" / node.id / "state.pt", acc::load_node_datasets(node));
  std::vector<torch::Tensor> out;
  for (const auto& p : state.model().named_parameters()) out.push_back(p.value().detach().clone());
  for (const auto& b : state.model().named_buffers()) out.push_back(b.value().clone());
  auto& adam = state.optimizer().state();
  for (const auto& p : state.model().parameters()) {
    auto it = adam.find(c10::guts::to_string(p.unsafeGetTensorImpl()));
    if (it == adam.end()) {
      out.push_back(torch::tensor(-1));  // never stepped
      continue;
    }
    const auto& moments = static_cast<const torch::optim::AdamParamState&>(*it->second);
    out.push_back(moments.exp_avg().clone());
    out.push_back(moments.exp_avg_sq().clone());
    out.push_back(torch::tensor(moments.step()));
  }
  out.push_back(torch::tensor(state.step()));
  out.push_back(torch::tensor(state.lr(), torch::kFloat64));
  out.push_back(at::detail::getDefaultCPUGenerator().get_state());
  return out;
}

bool bitwise_equal(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].sizes() != b[i].sizes() || a[i].dtype() != b[i].dtype() || !torch::equal(a[i], b[i])) return false;
  return true;
}


}  // namespace

TEST(Segments, TrunkBranchesChainsAndSecondRoots) {
  const auto recipe = acc::parse_recipe(kSweep, "sweep.yaml");
  const auto segments = acc::split_segments(recipe);
  std::vector<std::string> names;
  for (const auto& s : segments) names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"root", "lr_0.001", "lr_0.002", "lr_0.003", "more", "second_root"}));
  auto s = by_name(segments);
  EXPECT_EQ(s["root"]->begin, 0u);
  EXPECT_TRUE(s["root"]->depends.empty());
  EXPECT_EQ(s["lr_0.002"]->depends, std::vector<std::string>{"root"});
  EXPECT_EQ(s["lr_0.002"]->tags, (std::vector<std::string>{"lr=0.002", "end_0.002"}));
  // The log op before the fork travels with it; the fork's parent was made by a branch.
  EXPECT_EQ(recipe.ops[s["more"]->begin].op, "log");
  EXPECT_EQ(s["more"]->depends, (std::vector<std::string>{"root", "lr_0.001"}));
  EXPECT_EQ(recipe.ops[s["second_root"]->begin].op, "set_seed");
  EXPECT_EQ(s["second_root"]->depends, std::vector<std::string>{"root"});
  EXPECT_EQ(s["second_root"]->end, recipe.ops.size());
  for (size_t k = 1; k < segments.size(); ++k) EXPECT_EQ(segments[k].begin, segments[k - 1].end);
}

TEST(Segments, CreateModelWithoutSetSeedIsRefusedWithItsLine) {
  const char* recipe_text = R"(name: two_roots
ops:
  - {op: load_dataset, name: thick, source: thickness, n: 50}
  - {op: create_model, model: linear_ae}
  - {op: save_checkpoint, tag: a}
  - {op: phase, name: second}
  - {op: create_model, model: linear_ae}
  - {op: save_checkpoint, tag: b}
)";
  const std::string error = acc::test::error_of([&] { acc::split_segments(acc::parse_recipe(recipe_text, "two.yaml")); });
  EXPECT_NE(error.find("two.yaml:7: create_model"), std::string::npos) << error;
  EXPECT_NE(error.find("- op: set_seed"), std::string::npos) << error;
  EXPECT_EQ(std::count(error.begin(), error.end(), '\n'), 0) << error;
}

// `compare` (an op reading other nodes) waits for the segments making them; comparing every
// node is a barrier both ways, and what follows it may not need the branch state.
TEST(Segments, CompareWaitsForTheNodesItReads) {
  const char* recipe_text = R"(name: cmp
ops:
  - {op: create_model, model: linear_ae}
  - {op: save_checkpoint, tag: root}
  - {op: fork, from: root, tag: a}
  - {op: fork, from: root, tag: b}
  - {op: compare, nodes: [root, a]}
  - {op: fork, from: root, tag: c}
  - {op: log, message: done}
  - {op: compare}
  - {op: log, message: compared}
  - {op: fork, from: a, tag: d}
)";
  const auto segments = acc::split_segments(acc::parse_recipe(recipe_text, "cmp.yaml"));
  std::vector<std::string> names;
  for (const auto& seg : segments) names.push_back(seg.name);
  EXPECT_EQ(names, (std::vector<std::string>{"root", "a", "b", "compare", "c", "compare-2", "d"}));
  auto s = by_name(segments);
  EXPECT_EQ(s["compare"]->depends, (std::vector<std::string>{"root", "a"}));
  EXPECT_EQ(s["compare-2"]->depends, (std::vector<std::string>{"root", "a", "b", "compare", "c"}));
  EXPECT_EQ(s["compare-2"]->begin, 6u);  // the log before it travels with it
  EXPECT_EQ(s["d"]->depends, (std::vector<std::string>{"root", "compare-2", "a"}));

  const char* stateful_after = R"(name: cmp2
ops:
  - {op: create_model, model: linear_ae}
  - {op: save_checkpoint, tag: root}
  - {op: fork, from: root, tag: a}
  - {op: compare}
  - {op: save_checkpoint, tag: after}
)";
  const std::string error = acc::test::error_of([&] { acc::split_segments(acc::parse_recipe(stateful_after, "c2.yaml")); });
  EXPECT_NE(error.find("c2.yaml:7: save_checkpoint"), std::string::npos) << error;
  EXPECT_NE(error.find("start it with a fork"), std::string::npos) << error;
}

TEST(Segments, NamesAreSafeAndUnique) {
  const char* recipe_text = R"(name: names
ops:
  - {op: create_model, model: linear_ae}
  - {op: save_checkpoint, tag: all}
  - {op: fork, from: all, tag: "a b"}
  - {op: fork, from: all, tag: "a:b"}
  - {op: fork, from: all, tag: ".hidden"}
)";
  std::vector<std::string> names;
  for (const auto& s : acc::split_segments(acc::parse_recipe(recipe_text, "n.yaml"))) names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"all-2", "a_b", "a_b-2", "_.hidden"}));
}

TEST(Segments, LineageBeforeFollowsForksLikeARun) {
  const auto recipe = acc::parse_recipe(kSweep, "sweep.yaml");
  const auto segments = acc::split_segments(recipe);
  const auto& second = *by_name(segments)["second_root"];
  const auto lineage = acc::lineage_before(recipe, second.begin);
  // A sequential run reaches the second root on the lineage of `more_end`: the trunk, the
  // fork of end_0.001's branch, then the `more` fork and its ops.
  std::vector<std::string> tags;
  for (const auto& e : lineage)
    if (e.contains("tag")) tags.push_back(e["tag"]);
  EXPECT_EQ(tags, (std::vector<std::string>{"root", "lr=0.001", "end_0.001", "more", "more_end"}));
}

TEST(PlannedRunStatus, EndsWhenTheLastWriterDoes) {
  auto status = [](std::vector<std::string> states) {
    nlohmann::json segments = nlohmann::json::object();
    for (size_t i = 0; i < states.size(); ++i) segments["s" + std::to_string(i)] = {{"status", states[i]}};
    return acc::planned_run_status(segments);
  };
  EXPECT_EQ(status({"completed", "pending"}), "running");  // between make's jobs
  EXPECT_EQ(status({"failed", "running"}), "running");     // the other branch still writes
  EXPECT_EQ(status({"failed", "pending", "completed"}), "failed");
  EXPECT_EQ(status({"cancelled", "completed"}), "cancelled");
  EXPECT_EQ(status({"cancelled", "failed"}), "failed");
  EXPECT_EQ(status({"completed", "completed"}), "completed");
}

TEST(RunDirWriters, ConcurrentWritersMergeTheSummaryAndNumberEventsOnce) {
  acc::test::TempDir dir;
  { acc::RunDir::create(dir.path(), "r", {{"recipe", {{"name", "x"}}}}); }
  constexpr int kWriters = 4, kEach = 25;
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w)
    threads.emplace_back([&, w] {
      auto run = acc::RunDir::join(dir / "r");
      run->begin_segment("s" + std::to_string(w), {"s0", "s1", "s2", "s3"});
      for (int i = 0; i < kEach; ++i) {
        const std::string tag = "w" + std::to_string(w) + "_" + std::to_string(i);
        run->record_checkpoint({{"id", tag}, {"tag", tag}, {"step", i}});
        run->record_metrics(tag, {{"t", {{"m", i}}}});
        run->events().emit("log", {{"message", tag}});
      }
      run->finish_completed();
    });
  for (auto& t : threads) t.join();

  const auto summary = acc::read_json_file(dir / "r" / "summary.json");
  EXPECT_EQ(summary["status"], "completed");
  EXPECT_EQ(summary["checkpoints"].size(), static_cast<size_t>(kWriters * kEach));
  EXPECT_EQ(summary["final_metrics"].size(), static_cast<size_t>(kWriters * kEach));
  for (const auto& [name, segment] : summary["segments"].items()) EXPECT_EQ(segment["status"], "completed") << name;

  const auto events = acc::read_events(dir / "r" / "events.jsonl");
  std::set<std::string> logged;
  int completed = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i]["seq"], static_cast<int64_t>(i + 1));
    if (events[i]["type"] == "log") logged.insert(events[i]["payload"]["message"].get<std::string>());
    completed += events[i]["type"] == "run.completed";
  }
  EXPECT_EQ(logged.size(), static_cast<size_t>(kWriters * kEach));
  EXPECT_EQ(completed, 1);
  EXPECT_EQ(events.back()["type"], "run.completed");
}

TEST(Plan, WritesAMakefileAndRefusesUnsafeRunsRoots) {
  acc::test::TempDir dir;
  acc::test::write_text(dir / "sweep.yaml", kSweep);
  const auto r = run_acc("plan " + (dir / "sweep.yaml").string() + " --set steps=2 --runs " + (dir / "runs").string() +
                         " --run-id p1 -o " + (dir / "sweep.mk").string() + " --slurm " + (dir / "submit.sh").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("6 segments"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("make -f " + (dir / "sweep.mk").string() + " -j2"), std::string::npos) << r.output;
  const std::string mk = acc::test::read_text(dir / "sweep.mk");
  EXPECT_NE(mk.find("RUN_ID := p1\n"), std::string::npos) << mk;
  EXPECT_NE(mk.find("THREADS := 1\n"), std::string::npos) << mk;
  EXPECT_NE(mk.find("--set 'steps=2'"), std::string::npos) << mk;
  EXPECT_NE(mk.find("$(STAMPS)/more.done: $(STAMPS)/root.done $(STAMPS)/lr_0.001.done\n"), std::string::npos) << mk;
  EXPECT_NE(mk.find("\t$(SEGMENT) second_root\n"), std::string::npos) << mk;
  const std::string sh = acc::test::read_text(dir / "submit.sh");
  EXPECT_NE(sh.find("job4=$(submit more \"$job0\" \"$job1\")"), std::string::npos) << sh;
  EXPECT_FALSE(fs::exists(dir / "runs" / "p1"));  // planning writes no run

  const auto bad = run_acc("plan " + (dir / "sweep.yaml").string() + " --runs '" + (dir / "my runs").string() + "'");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("--runs"), std::string::npos) << bad.output;
}

// The issue's test: the same tree from `make -j2` as from one process.
TEST(Plan, MakeJ2GivesTheTreeOfASequentialRun) {
  acc::test::TempDir dir;
  acc::test::write_text(dir / "sweep.yaml", kSweep);
  const std::string recipe = (dir / "sweep.yaml").string();
  const auto seq = run_acc("run " + recipe + " --runs " + (dir / "seq").string() + " --run-id s --threads 1 --quiet");
  ASSERT_EQ(seq.exit_code, 0) << seq.output;
  const auto plan = run_acc("plan " + recipe + " --runs " + (dir / "par").string() + " --run-id p -o " +
                            (dir / "sweep.mk").string());
  ASSERT_EQ(plan.exit_code, 0) << plan.output;
  const auto make = acc::test::run_shell("/usr/bin/make -f " + (dir / "sweep.mk").string() + " -j2");
  ASSERT_EQ(make.exit_code, 0) << make.output;

  const fs::path s_run = dir / "seq" / "s", p_run = dir / "par" / "p";
  const auto s_nodes = nodes_by_tag(s_run), p_nodes = nodes_by_tag(p_run);
  ASSERT_EQ(s_nodes.size(), 10u);
  ASSERT_EQ(p_nodes.size(), s_nodes.size());
  for (const auto& [tag, s] : s_nodes) {
    ASSERT_TRUE(p_nodes.count(tag)) << tag;
    const auto& p = p_nodes.at(tag);
    EXPECT_EQ(tag_of(p_nodes, p.parent), tag_of(s_nodes, s.parent)) << tag;
    EXPECT_EQ(p.step, s.step) << tag;
    EXPECT_EQ(p.op_index, s.op_index) << tag;
    EXPECT_EQ(p.lineage, s.lineage) << tag;
    EXPECT_EQ(p.metrics, s.metrics) << tag;
    EXPECT_TRUE(bitwise_equal(restored_state(p_run, p), restored_state(s_run, s))) << tag;
  }
  // The comparison can tell branches apart.
  EXPECT_FALSE(bitwise_equal(restored_state(s_run, s_nodes.at("end_0.001")), restored_state(s_run, s_nodes.at("end_0.002"))));

  // One log for six processes: seq 1..N, every segment's events, the run's end last.
  const auto events = acc::read_events(p_run / "events.jsonl");
  const auto s_events = acc::read_events(s_run / "events.jsonl");
  std::map<std::string, int> count, s_count;
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i]["seq"], static_cast<int64_t>(i + 1));
    ++count[events[i]["type"]];
  }
  for (const auto& e : s_events) ++s_count[e["type"]];
  for (const char* type : {"checkpoint.saved", "train.metrics", "eval.metrics", "phase.started", "log"})
    EXPECT_EQ(count[type], s_count[type]) << type;
  EXPECT_EQ(count["segment.started"], 6);
  EXPECT_EQ(count["segment.ended"], 6);
  EXPECT_EQ(count["run.completed"], 1);
  EXPECT_EQ(events.back()["type"], "run.completed");

  const auto summary = acc::read_json_file(p_run / "summary.json");
  EXPECT_EQ(summary["status"], "completed");
  EXPECT_EQ(summary["reason"], "");
  std::set<std::string> tags;
  for (const auto& c : summary["checkpoints"]) tags.insert(c["tag"].get<std::string>());
  EXPECT_EQ(tags.size(), s_nodes.size());
  EXPECT_EQ(summary["final_metrics"], acc::read_json_file(s_run / "summary.json")["final_metrics"]);
  EXPECT_EQ(summary["segments"].size(), 6u);
  for (const char* seg : {"root", "lr_0.001", "lr_0.002", "lr_0.003", "more", "second_root"})
    EXPECT_TRUE(fs::exists(p_run / ".plan" / (std::string(seg) + ".done"))) << seg;

  // make again: nothing to do.
  const auto again = acc::test::run_shell("/usr/bin/make -f " + (dir / "sweep.mk").string() + " -j2");
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(acc::read_events(p_run / "events.jsonl").size(), events.size());
  // acc itself: a completed segment is a no-op, and a changed recipe cannot join the run.
  const std::string join = "run " + recipe + " --runs " + (dir / "par").string() + " --run-id p --segment lr_0.001";
  const auto done = run_acc(join);
  EXPECT_EQ(done.exit_code, 0) << done.output;
  EXPECT_NE(done.output.find("already completed"), std::string::npos) << done.output;
  const auto changed = run_acc(join + " --set steps=9");
  EXPECT_EQ(changed.exit_code, 2) << changed.output;
  EXPECT_NE(changed.output.find("is not the one run p was started with"), std::string::npos) << changed.output;
  EXPECT_EQ(acc::read_events(p_run / "events.jsonl").size(), events.size());
}

TEST(Plan, AFailingBranchFailsMakeAndTheRun) {
  acc::test::TempDir dir;
  acc::test::write_text(dir / "sweep.yaml", kSweep);
  // lr 1e30: the weights blow up and the loss turns infinite at the branch's second step.
  const auto plan = run_acc("plan " + (dir / "sweep.yaml").string() + " --set bad_lr=1e30 --set steps=3 --runs " +
                            (dir / "runs").string() + " --run-id f -o " + (dir / "sweep.mk").string());
  ASSERT_EQ(plan.exit_code, 0) << plan.output;
  const auto make = acc::test::run_shell("/usr/bin/make -f " + (dir / "sweep.mk").string() + " -j2");
  EXPECT_NE(make.exit_code, 0) << make.output;
  EXPECT_NE(make.output.find("loss is"), std::string::npos) << make.output;

  const fs::path run = dir / "runs" / "f";
  const auto summary = acc::read_json_file(run / "summary.json");
  EXPECT_EQ(summary["status"], "failed");
  EXPECT_EQ(summary["segments"]["lr_1e_30"]["status"], "failed") << summary.dump(2);
  EXPECT_NE(summary["reason"].get<std::string>().find("segment lr_1e_30"), std::string::npos) << summary["reason"];
  EXPECT_FALSE(fs::exists(run / ".plan" / "lr_1e_30.done"));
  EXPECT_TRUE(fs::exists(run / ".plan" / "root.done"));
  const auto events = acc::read_events(run / "events.jsonl");
  EXPECT_EQ(events.back()["type"], "run.failed");
}

// A recipe that forks from an epoch node (`<branch>_epoch_<E>`, saved by `train: {epochs}`):
// acc plan knows which segment makes it, and make -j2 builds the tree a sequential run does.
const char* kEpochFork = R"(name: epoch_fork
seed: 5
ops:
  - {op: load_dataset, name: thick, source: thickness, n: 80}
  - {op: create_model, model: linear_ae, hidden: 8, image_size: 32}
  - {op: attach_task, task: reconstruction, name: recon, dataset: thick}
  - {op: save_checkpoint, tag: init}
  - {op: train, epochs: 3, batch_size: 32}
  - {op: fork, from: init_epoch_2, tag: from_epoch_2}
  - {op: train, steps: 3, batch_size: 32}
  - {op: save_checkpoint, tag: more}
)";

TEST(Segments, AForkFromAnEpochNodeWaitsForTheSegmentThatTrainsIt) {
  const auto recipe = acc::parse_recipe(kEpochFork, "e.yaml");
  // Without the plan's epoch tags the fork's parent is unknown, as before.
  EXPECT_NE(acc::test::error_of([&] { acc::split_segments(recipe); }).find("no node tagged \"init_epoch_2\""),
            std::string::npos);
  const acc::Plan plan = acc::plan_recipe(recipe);
  const auto segments = acc::split_segments(recipe, plan.implicit_tags);
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_EQ(segments[0].tags, (std::vector<std::string>{"init", "init_epoch_1", "init_epoch_2", "init_epoch_3"}));
  EXPECT_EQ(segments[1].name, "from_epoch_2");
  EXPECT_EQ(segments[1].depends, std::vector<std::string>{"init"});
}

TEST(Plan, MakeJ2ForksFromAnEpochNodeAsASequentialRun) {
  acc::test::TempDir dir;
  acc::test::write_text(dir / "e.yaml", kEpochFork);
  const std::string recipe = (dir / "e.yaml").string();
  const auto seq = run_acc("run " + recipe + " --runs " + (dir / "seq").string() + " --run-id s --threads 1 --quiet");
  ASSERT_EQ(seq.exit_code, 0) << seq.output;
  const auto plan = run_acc("plan " + recipe + " --runs " + (dir / "par").string() + " --run-id p -o " +
                            (dir / "e.mk").string());
  ASSERT_EQ(plan.exit_code, 0) << plan.output;
  const auto make = acc::test::run_shell("/usr/bin/make -f " + (dir / "e.mk").string() + " -j2");
  ASSERT_EQ(make.exit_code, 0) << make.output;
  const auto s_nodes = nodes_by_tag(dir / "seq" / "s"), p_nodes = nodes_by_tag(dir / "par" / "p");
  ASSERT_EQ(p_nodes.size(), s_nodes.size());
  EXPECT_EQ(tag_of(p_nodes, p_nodes.at("from_epoch_2").parent), "init_epoch_2");
  for (const auto& [tag, s] : s_nodes) {
    ASSERT_TRUE(p_nodes.count(tag)) << tag;
    EXPECT_EQ(p_nodes.at(tag).step, s.step) << tag;
    EXPECT_TRUE(bitwise_equal(restored_state(dir / "par" / "p", p_nodes.at(tag)), restored_state(dir / "seq" / "s", s)))
        << tag;
  }
}
