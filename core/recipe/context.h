// The state recipe ops work on, in its two forms:
//  - Plan: the dry run. Ops check their fields and their meaning against what earlier ops
//    set up (datasets loaded, a model built, tasks compatible, tags unique) and describe
//    what they will do. Datasets are really loaded here (cheap, and it proves the files
//    exist and parse) and handed to the run, so nothing is loaded twice.
//  - RecipeContext: the real run — the training state, the run directory, the checkpoint
//    store, the current node and its lineage.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "debug/debug_options.h"
#include "eval/artifacts.h"
#include "recipe/recipe.h"
#include "run/checkpoint.h"
#include "run/run_dir.h"
#include "train/trainer.h"

namespace acc {

// Callbacks for a front-end (the CLI prints them); all optional.
class RunListener {
 public:
  virtual ~RunListener() = default;
  virtual void on_run_created(const std::string& /*run_id*/, const std::string& /*dir*/) {}
  virtual void on_phase(const std::string& /*name*/) {}
  virtual void on_log(const std::string& /*message*/) {}
  // A one-line warning the user must see even with --quiet (loss health: "warning: task
  // 'recon' is trivial at step 400: ...").
  virtual void on_warning(const std::string& /*message*/) {}
  virtual void on_checkpoint(const NodeMeta& /*node*/) {}
  virtual void on_eval(const std::string& /*node_tag*/, const nlohmann::json& /*metrics*/) {}
};

// Thrown by the train op when the cancel flag stopped training; the runner saves the
// state and ends the run as cancelled.
struct RunCancelled {};

// What the plan knows about a saved node, so a later fork can continue validating from it.
struct PlanNode {
  ModelPtr model;
  std::vector<std::string> task_names;
  bool has_training_task = false;
  std::string artifact_dataset;
  std::string train_dataset;
  int64_t step = 0;
};

struct Plan {
  std::string data_root;
  DatasetMap datasets;  // loaded for real, reused by the run
  ModelPtr model;       // built to check shapes and outputs; the run builds its own
  std::vector<std::string> task_names;
  bool has_training_task = false;
  std::string artifact_dataset;  // the first attached reconstruction task's dataset
  std::set<std::string> tags;
  std::map<std::string, PlanNode> nodes;  // by tag
  int64_t total_steps = 0;
  std::string train_dataset;  // the first attached training task's dataset (epochs count its images)
  int64_t step = 0;           // the current branch's global step
  std::string current_tag;    // the node the branch last saved or forked, as RecipeContext::current_tag
  std::vector<std::string> lines;  // the printed plan, one line per op
  size_t op_index = 0;             // the op being planned (plan_recipe sets it)
  // Nodes an op saves that are not named by its own fields: a train op's epoch nodes
  // (`<branch>_epoch_<E>`), by op index, so acc plan knows which segment makes them.
  std::map<size_t, std::vector<std::string>> implicit_tags;
  PlanNode node_here(int64_t at_step) const {
    return {model, task_names, has_training_task, artifact_dataset, train_dataset, at_step};
  }
  void describe(const RecipeOp& op, const std::string& text);
};

// The dataset artifacts draw by default: the first attached reconstruction task's, or "".
std::string default_artifact_dataset(const TrainingState& state);

struct RecipeContext {
  explicit RecipeContext(torch::Device device) : state(device) {}

  TrainingState state;
  DatasetMap datasets;
  RunDir* run = nullptr;
  std::unique_ptr<CheckpointStore> store;
  std::string current_node;  // id of the node the state was last saved as or loaded from
  std::string current_tag;
  nlohmann::json lineage = nlohmann::json::array();  // ops applied since run start
  int64_t op_index = -1;                             // index of the op being executed
  std::vector<TrainObserver*> observers;            // from the front-end (progress)
  const std::atomic<bool>* cancel = nullptr;
  std::optional<DebugOptions> debug;  // attach the step-wise debugger (runner.h)
  RunListener* listener = nullptr;
  nlohmann::json visualization_samples = nlohmann::json::object();  // {dataset: [test rows]} (config.json)

  // Saves the state as a node whose parent is the current node and makes it current.
  NodeMeta save_node(const std::string& tag);
  // Forks the node tagged `from` (in this run) as `tag`: restores its state bitwise
  // (weights, optimiser, heads, step, RNG), continues its lineage, and makes it current.
  NodeMeta fork_node(const std::string& from, const std::string& tag, const nlohmann::json& fork_entry);
  // Evaluates attached tasks (all, or those named) and writes the requested artifacts
  // (labelled with the node's tag, or "<tag>+step_<N>" when the state has trained past it),
  // emits eval.metrics, records the metrics (and artifact scores) on the current node when
  // the state is exactly that node's, and in the summary.
  nlohmann::json evaluate(const std::vector<std::string>& task_names, const ArtifactSettings& artifacts = {});
};

}  // namespace acc
