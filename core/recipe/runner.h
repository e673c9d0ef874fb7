// Running a recipe: plan (validate every op, load the data) before anything is written,
// then create the run directory, seed, and execute the ops in order. A recipe that fails
// validation leaves nothing on disk; a run that fails or is cancelled afterwards is marked
// so in summary.json and events.jsonl (a cancelled run also saves its state as a node).
#pragma once

#include <atomic>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "debug/debug_options.h"
#include "recipe/context.h"
#include "recipe/recipe.h"

namespace acc {

struct RunOptions {
  std::string runs_root;  // empty: default_runs_root()
  std::string run_id;     // empty: make_run_id(recipe.name)
  std::string data_root;  // empty: default_data_root()
  torch::Device device = torch::kCPU;
  std::vector<TrainObserver*> observers;  // front-end progress display
  RunListener* listener = nullptr;
  const std::atomic<bool>* cancel = nullptr;
  nlohmann::json invocation = nlohmann::json::object();  // command line, for config.json
  // The step-wise debugger (docs/debugger.md): attached to every train op and answering
  // `acc ctl` when set; nullopt = not attached at all.
  std::optional<DebugOptions> debug;
};

struct RunResult {
  std::string run_id;
  std::string dir;
  std::string status;  // completed | cancelled | failed
  std::string reason;
};

// Validates the whole recipe and loads its datasets; acc::Error on the first problem.
Plan plan_recipe(const Recipe& recipe, const std::string& data_root = "");
// The plan as text: one line per op, then totals.
std::string format_plan(const Recipe& recipe, const Plan& plan);
// Plans, then runs. Validation errors throw before anything is written. Errors during the
// run mark it failed and are rethrown (exit code kFailure for run-time failures).
RunResult run_recipe(const Recipe& recipe, const RunOptions& options);

// Continues a cancelled, failed or killed run in place: re-reads its stored recipe, restores
// the node created by the latest op, and executes the ops after it.
RunResult resume_run(const std::string& run_id, const RunOptions& options);

// Runs one segment (segments.h) of a planned run, one of several processes writing it
// (`acc run --segment`, the targets of acc plan's Makefile). The first segment creates the
// run (options.run_id is required); the others join it, run on its stored recipe (the one
// given must match) and restore their starting state from the checkpoint on disk. Node
// lineage and op_index are exactly a sequential run's. On success it writes the stamp
// <run>/.plan/<segment>.done. A completed segment is a no-op; a failed or cancelled one
// continues after its last node. Failures mark the segment (and so the run) failed.
RunResult run_segment(const Recipe& recipe, const std::string& segment, const RunOptions& options);

// Fixed test-split indices for visualisation grids: round-robin over classes when the
// dataset has labels (the first example of each class, then the second, ...), else evenly
// spaced. Independent of the seed, so every run and branch shows the same images.
std::vector<int64_t> visualization_indices(const Dataset& dataset, int64_t count = 16);

}  // namespace acc
