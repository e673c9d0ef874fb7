// The checkpoint tree: forks are bitwise and cost the same whatever the model size, sugar
// expands to plain ops, dry-run refuses malformed trees, reproduce replays a node exactly,
// cancel/kill + resume finish with the weights an uninterrupted run would have.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <csignal>
#include <thread>

#include "error.h"
#include "models/registry.h"
#include "recipe/node_commands.h"
#include "recipe/runner.h"
#include "run/event_log.h"
#include "run/run_index.h"
#include "test_util.h"
#include "util/json_io.h"

namespace fs = std::filesystem;
using acc::test::run_acc;

namespace {

std::string tiny_recipe(int hidden, int steps_a, int steps_b) {
  return "name: tree\nseed: 5\nops:\n"
         "  - {op: load_dataset, name: thick, source: thickness, n: 200, image_size: 28}\n"
         "  - {op: create_model, model: linear_ae, hidden: " + std::to_string(hidden) + "}\n"
         "  - {op: attach_task, task: reconstruction, name: recon, dataset: thick}\n"
         "  - {op: save_checkpoint, tag: root}\n"
         "  - {op: fork, from: root, tag: a}\n"
         "  - {op: train, steps: " + std::to_string(steps_a) + ", batch_size: 16}\n"
         "  - {op: save_checkpoint, tag: a_done}\n"
         "  - {op: fork, from: root, tag: b}\n"
         "  - {op: train, steps: " + std::to_string(steps_b) + ", batch_size: 16}\n"
         "  - {op: save_checkpoint, tag: b_done}\n";
}

acc::RunResult tree_run_text(const acc::test::TempDir& dir, const std::string& text, const std::string& id) {
  acc::RunOptions options;
  options.runs_root = dir.path().string();
  options.run_id = id;
  return acc::run_recipe(acc::parse_recipe(text, id + ".yaml"), options);
}

std::vector<torch::Tensor> model_tensors(const acc::NodeAddress& at) {
  torch::serialize::InputArchive archive, nested;
  archive.load_from(at.state_path.string());
  archive.read("model", nested);
  auto model = acc::build_model_from_config(at.node.model);
  model->load(nested);
  std::vector<torch::Tensor> out;
  for (const auto& p : model->parameters()) out.push_back(p.detach().clone());
  return out;
}

bool equal(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!torch::equal(a[i], b[i])) return false;
  return true;
}

ino_t inode(const fs::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_ino;
}

}  // namespace

TEST(Tree, ForksStartBitwiseFromTheirParentAndFormTheTree) {
  torch::set_num_threads(1);
  acc::test::TempDir dir;
  tree_run_text(dir, tiny_recipe(16, 100, 100), "t");
  const auto root = acc::resolve_node(dir.path(), "t/root");
  const auto a = acc::resolve_node(dir.path(), "t/a"), b = acc::resolve_node(dir.path(), "t/b");
  const auto a_done = acc::resolve_node(dir.path(), "t/a_done"), b_done = acc::resolve_node(dir.path(), "t/b_done");
  EXPECT_EQ(a.node.parent, root.node.id);
  EXPECT_EQ(b.node.parent, root.node.id);
  EXPECT_EQ(a_done.node.parent, a.node.id);
  EXPECT_EQ(b_done.node.parent, b.node.id);
  EXPECT_TRUE(equal(model_tensors(a), model_tensors(root)));
  EXPECT_TRUE(equal(model_tensors(b), model_tensors(root)));
  EXPECT_FALSE(equal(model_tensors(a_done), model_tensors(root)));
  // Same parent state, same RNG state, same training: the two branches end identical.
  EXPECT_TRUE(equal(model_tensors(a_done), model_tensors(b_done)));
  EXPECT_EQ(a_done.node.step, 100);
  // Lineage: a_done's ops run from start through the fork of root.
  bool saw_fork = false;
  for (const auto& op : a_done.node.lineage) saw_fork = saw_fork || (op["op"] == "fork" && op["tag"] == "a");
  EXPECT_TRUE(saw_fork);
  // Addressing by unique id prefix finds the same node.
  EXPECT_EQ(acc::resolve_node(dir.path(), a.node.id.substr(0, 8)).node.tag, "a");
}

TEST(Tree, ForkCostDoesNotGrowWithModelSize) {
  acc::test::TempDir dir;
  tree_run_text(dir, tiny_recipe(8, 1, 1), "small");
  tree_run_text(dir, tiny_recipe(4096, 1, 1), "large");  // ~6.4M parameters, ~25 MB of state
  for (const char* run : {"small", "large"}) {
    const auto root = acc::resolve_node(dir.path(), std::string(run) + "/root");
    const auto fork = acc::resolve_node(dir.path(), std::string(run) + "/a");
    // The fork shares the parent's state file (a hard link): no bytes of weights copied.
    EXPECT_EQ(inode(fork.state_path), inode(root.state_path)) << run;
    EXPECT_LT(fs::file_size(fork.state_path.parent_path() / "meta.json"), 64u * 1024) << run;
  }
  EXPECT_GT(fs::file_size(acc::resolve_node(dir.path(), "large/root").state_path), 20u * 1000 * 1000);
}

TEST(Tree, SugarExpandsToPlainOps) {
  const std::string text =
      "name: s\nops:\n"
      "  - {op: load_dataset, name: thick, source: thickness, n: 100, image_size: 28}\n"
      "  - {op: create_model, model: linear_ae, hidden: 8}\n"
      "  - {op: save_checkpoint, tag: root}\n"
      "  - op: branches\n    from: root\n    branches:\n"
      "      - {tag: x, ops: [{op: attach_task, task: reconstruction, dataset: thick}]}\n"
      "      - {tag: y, ops: [{op: log, message: hi}]}\n"
      "  - op: repeat\n    grid: {seed: [1, 2], lr: [0.1, 0.01]}\n    from: root\n    tag: \"s${seed}_lr${lr}\"\n"
      "    ops:\n      - {op: set_seed, seed: \"${seed}\"}\n";
  const auto r = acc::parse_recipe(text, "s.yaml");
  std::vector<std::string> ops;
  for (const auto& op : r.ops) ops.push_back(op.op + (op.fields.contains("tag") ? ":" + op.fields["tag"].get<std::string>() : ""));
  const std::vector<std::string> expected = {
      "load_dataset", "create_model", "save_checkpoint:root", "fork:x", "attach_task", "fork:y", "log",
      "fork:s1_lr0.1", "set_seed", "fork:s1_lr0.01", "set_seed", "fork:s2_lr0.1", "set_seed", "fork:s2_lr0.01", "set_seed"};
  EXPECT_EQ(ops, expected);
  EXPECT_EQ(r.ops[14].fields["seed"], 2);
  EXPECT_NE(r.ops[3].origin.find("branch 'x'"), std::string::npos);
  const auto plan = acc::plan_recipe(r);
  EXPECT_NE(acc::format_plan(r, plan).find("[repeat seed=2, lr=0.01 at line"), std::string::npos);
}

TEST(Tree, DryRunRefusesMalformedTreesAndWritesNothing) {
  acc::test::TempDir dir;
  const std::string base = tiny_recipe(8, 5, 5);
  struct Case { std::string from, to, expected; };
  const std::vector<Case> cases = {
      {"{op: fork, from: root, tag: a}", "{op: fork, from: rot, tag: a}", "no node tagged 'rot' is saved before this op"},
      {"{op: fork, from: root, tag: b}", "{op: fork, from: root, tag: a}", "tag 'a' is already used"},
      {"{op: fork, from: root, tag: a}", "{op: fork, from: a, tag: a}", "cannot be forked from itself"},
      {"{op: fork, from: root, tag: a}", "{op: fork, from: b_done, tag: a}", "no node tagged 'b_done'"},
      {"name: recon, dataset: thick}", "name: recon, dataset: thick, latent_slice: [0, 99]}", "outside the model's latent"},
      {"steps: 5, batch_size: 16}", "steps: five, batch_size: 16}", "field 'steps' must be int"},
  };
  for (const auto& c : cases) {
    std::string text = base;
    const auto pos = text.find(c.from);
    ASSERT_NE(pos, std::string::npos) << c.from;
    text.replace(pos, c.from.size(), c.to);
    acc::test::write_text(dir / "bad.yaml", text);
    const auto r = run_acc("run " + (dir / "bad.yaml").string() + " --dry-run --runs " + (dir / "runs").string());
    EXPECT_EQ(r.exit_code, 2) << c.to << "\n" << r.output;
    EXPECT_NE(r.output.find(c.expected), std::string::npos) << c.to << "\n" << r.output;
    EXPECT_NE(r.output.find("bad.yaml:"), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(dir / "runs"));
  }
}

TEST(Tree, ReproduceReplaysABranchNodeBitwise) {
  torch::set_num_threads(1);
  acc::test::TempDir dir;
  tree_run_text(dir, tiny_recipe(16, 30, 40), "orig");
  const auto r = run_acc("reproduce orig/b_done --quiet --threads 1 --runs " + dir.path().string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("reproduced: orig/b_done"), std::string::npos) << r.output;
  // A tampered node is reported as not reproduced (exit 1): the check can fail.
  tree_run_text(dir, tiny_recipe(16, 31, 40), "other");  // one step more: different weights
  const fs::path tampered = acc::resolve_node(dir.path(), "orig/a_done").state_path;
  fs::remove(tampered);
  fs::copy_file(acc::resolve_node(dir.path(), "other/a_done").state_path, tampered);
  const auto bad = run_acc("reproduce orig/a_done --quiet --threads 1 --runs " + dir.path().string());
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_NE(bad.output.find("NOT reproduced"), std::string::npos) << bad.output;
}

TEST(Tree, ForkAndEvalFromTheCommandLine) {
  acc::test::TempDir dir;
  tree_run_text(dir, tiny_recipe(8, 10, 10), "cli");
  const auto f = run_acc("fork cli/a_done --tag a_more --runs " + dir.path().string());
  EXPECT_EQ(f.exit_code, 0) << f.output;
  const auto forked = acc::resolve_node(dir.path(), "cli/a_more");
  EXPECT_EQ(forked.node.parent, acc::resolve_node(dir.path(), "cli/a_done").node.id);
  const auto e = run_acc("eval cli/a_more --json --runs " + dir.path().string());
  EXPECT_EQ(e.exit_code, 0) << e.output;
  EXPECT_NE(e.output.find("psnr"), std::string::npos) << e.output;
  EXPECT_TRUE(acc::resolve_node(dir.path(), "cli/a_more").node.metrics["recon"].contains("psnr"));
  const auto probe = run_acc("eval cli/a_more --task '{task: classification, dataset: thick}' --runs " + dir.path().string());
  EXPECT_EQ(probe.exit_code, 2) << probe.output;
  const auto dup = run_acc("fork cli/a_done --tag a_more --runs " + dir.path().string());
  EXPECT_EQ(dup.exit_code, 2);
  EXPECT_NE(dup.output.find("already used"), std::string::npos) << dup.output;
}

namespace {
// Starts `acc run` in the background; returns its pid.
int start_background(const std::string& args, const fs::path& log) {
  const std::string cmd = std::string(ACC_BINARY) + " " + args + " > " + log.string() + " 2>&1 & echo $!";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  int pid = 0;
  if (pipe) {
    if (std::fscanf(pipe, "%d", &pid) != 1) pid = 0;
    ::pclose(pipe);
  }
  return pid;
}

// Nodes appear atomically on disk, without the event log's ~1 s buffering.
bool wait_for_node(const fs::path& run_dir, const std::string& tag, double seconds) {
  for (int i = 0; i < seconds * 100; ++i) {
    if (fs::exists(run_dir / "checkpoints"))
      for (const auto& node : acc::CheckpointStore(run_dir / "checkpoints", "").list())
        if (node.tag == tag) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

bool wait_exit(int pid, double seconds) {
  for (int i = 0; i < seconds * 20; ++i) {
    if (::kill(pid, 0) != 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

const char* kLong = "name: long\nseed: 9\nops:\n"
                    "  - {op: load_dataset, name: thick, source: thickness, n: 200, image_size: 28}\n"
                    "  - {op: create_model, model: linear_ae, hidden: 64}\n"
                    "  - {op: attach_task, task: reconstruction, name: recon, dataset: thick}\n"
                    "  - {op: train, steps: 200, batch_size: 64}\n"
                    "  - {op: save_checkpoint, tag: mid}\n"
                    "  - {op: train, steps: 4000, batch_size: 64, log_every: 10}\n"
                    "  - {op: save_checkpoint, tag: end}\n";
}  // namespace

TEST(Tree, CancelThenResumeEqualsAnUninterruptedRun) {
  acc::test::TempDir dir;
  acc::test::write_text(dir / "long.yaml", kLong);
  const std::string common = (dir / "long.yaml").string() + " --threads 1 --runs " + dir.path().string();
  const int pid = start_background("run " + common + " --run-id c", dir / "c.log");
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(wait_for_node(dir / "c", "mid", 60));
  const auto cancel = run_acc("cancel c --runs " + dir.path().string());
  EXPECT_EQ(cancel.exit_code, 0) << cancel.output;
  ASSERT_TRUE(wait_exit(pid, 60));
  const auto summary = acc::read_json_file(dir / "c" / "summary.json");
  EXPECT_EQ(summary["status"], "cancelled") << acc::test::read_text(dir / "c.log");
  EXPECT_EQ(acc::read_events(dir / "c" / "events.jsonl").back()["type"], "run.cancelled");
  const auto not_live = run_acc("cancel c --runs " + dir.path().string());
  EXPECT_EQ(not_live.exit_code, 2);

  const auto resumed = run_acc("run --resume c --quiet --threads 1 --runs " + dir.path().string());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_EQ(acc::read_json_file(dir / "c" / "summary.json")["status"], "completed");

  const auto straight = run_acc("run " + common + " --run-id s --quiet");
  ASSERT_EQ(straight.exit_code, 0) << straight.output;
  EXPECT_TRUE(equal(model_tensors(acc::resolve_node(dir.path(), "c/end")),
                    model_tensors(acc::resolve_node(dir.path(), "s/end"))));
  EXPECT_EQ(acc::resolve_node(dir.path(), "c/end").node.step, 4200);
}

TEST(Tree, KilledRunResumesWithNothingCorrupt) {
  acc::test::TempDir dir;
  acc::test::write_text(dir / "long.yaml", kLong);
  const int pid = start_background("run " + (dir / "long.yaml").string() + " --threads 1 --run-id k --runs " +
                                       dir.path().string(), dir / "k.log");
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(wait_for_node(dir / "k", "mid", 60));
  ::kill(pid, SIGKILL);
  ASSERT_TRUE(wait_exit(pid, 10));
  // Every node on disk is complete; the summary still says running.
  for (const auto& node : acc::CheckpointStore(dir / "k" / "checkpoints", "k").list())
    EXPECT_TRUE(fs::exists(dir / "k" / "checkpoints" / node.id / "state.pt"));
  const auto resumed = run_acc("run --resume k --quiet --threads 1 --runs " + dir.path().string());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  const auto events = acc::read_events(dir / "k" / "events.jsonl");
  for (size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i]["seq"], static_cast<int64_t>(i + 1));
  EXPECT_EQ(events.back()["type"], "run.completed");
  EXPECT_EQ(acc::resolve_node(dir.path(), "k/end").node.step, 4200);
}

TEST(Tree, MnistFactorExperimentRunsEndToEnd) {
  ASSERT_TRUE(acc::test::mnist_available()) << "MNIST missing: run `make data`";
  acc::test::TempDir dir;
  const auto r = run_acc("run mnist_factor_experiment --set steps=4 --set synthetic_n=200 --set batch_size=16 "
                         "--set judge_epochs=1 --set train_limit=256 --set test_limit=64 --set effect_images=8 "
                         "--quiet --run-id fx --runs " + dir.path().string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto root = acc::resolve_node(dir.path(), "fx/experiment_root");
  EXPECT_TRUE(acc::resolve_node(dir.path(), "fx/judge").node.metrics["digit_judge"].contains("accuracy"));
  for (const std::string seed : {"42", "123", "456"}) {
    const auto mnist_only = acc::resolve_node(dir.path(), "fx/mnist_only_s" + seed + "_end");
    const auto curriculum = acc::resolve_node(dir.path(), "fx/curriculum_s" + seed + "_end");
    EXPECT_EQ(acc::resolve_node(dir.path(), "fx/mnist_only_s" + seed).node.parent, root.node.id);
    EXPECT_EQ(acc::resolve_node(dir.path(), "fx/curriculum_s" + seed).node.parent, root.node.id);
    EXPECT_TRUE(mnist_only.node.metrics.contains("digit"));
    EXPECT_FALSE(mnist_only.node.metrics.contains("thickness"));
    EXPECT_TRUE(curriculum.node.metrics["thickness"].contains("r2"));
    EXPECT_TRUE(curriculum.node.metrics["slant"].contains("r2"));
    EXPECT_TRUE(curriculum.node.metrics["kl_thickness"].contains("active_units"));
    // Scored on the real digits: slot R² against MNIST morphometry, traversal effects judged.
    EXPECT_TRUE(curriculum.node.metrics["disentanglement.mnist"].contains("r2_thickness_thickness"));
    EXPECT_TRUE(mnist_only.node.metrics["traversal_effects.mnist"].contains("thickness_digit_kept"));
  }
  // Every branch forks the same weights.
  EXPECT_TRUE(equal(model_tensors(acc::resolve_node(dir.path(), "fx/curriculum_s123")), model_tensors(root)));
  EXPECT_TRUE(equal(model_tensors(acc::resolve_node(dir.path(), "fx/mnist_only_s456")), model_tensors(root)));
  // The compare op groups the seeds of each branch and differences them.
  const auto comparison = acc::read_json_file(dir / "fx" / "comparison" / "run" / "factor_experiment_latest.json");
  ASSERT_EQ(comparison["seed_groups"].size(), 2u);
  EXPECT_EQ(comparison["seed_groups"][1]["members"].size(), 3u);
  ASSERT_EQ(comparison["group_differences"].size(), 1u);
  EXPECT_TRUE(comparison["group_differences"][0]["stats"].contains("digit.accuracy"));
}
