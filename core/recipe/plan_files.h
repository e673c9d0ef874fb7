// The files `acc plan` writes: a Makefile with one target per segment (segments.h), so
// `make -j N` runs a sweep's branches as N parallel acc processes on one run, and
// optionally a shell script that submits the same targets as Slurm jobs chained by
// --dependency=afterok. Both only call `acc run --segment`; every rule of what a segment
// does lives in the runner.
#pragma once

#include <string>
#include <vector>

#include "recipe/segments.h"

namespace acc {

struct PlanSettings {
  std::string acc;          // the acc binary (absolute)
  std::string recipe;       // the recipe file (absolute)
  std::string recipe_name;
  std::vector<std::string> sets;  // --set name=value, as given
  std::string runs_root;    // absolute; appears in make targets (check_make_path)
  std::string run_id;
  std::string data_root;    // absolute; exported as ACC_DATA
  std::string workdir;      // where acc runs (relative paths inside the recipe)
  std::string makefile;     // where the Makefile goes (absolute; the Slurm script calls it)
  int threads = 1;
};

// acc::Error naming `what` when `path` cannot be part of a make target (spaces, ':', '#',
// '$', '%', '\', quotes).
void check_make_path(const std::string& path, const std::string& what);
std::string plan_makefile(const std::vector<Segment>& segments, const Recipe& recipe, const PlanSettings& settings);
std::string plan_slurm_script(const std::vector<Segment>& segments, const PlanSettings& settings);
// One line per segment: name, ops, recipe lines, what it needs (for acc plan's summary
// and the Makefile's header).
std::vector<std::string> describe_segments(const std::vector<Segment>& segments, const Recipe& recipe);

}  // namespace acc
