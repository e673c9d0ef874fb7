// Makefile and Slurm script for a planned run; see plan_files.h.
#include "recipe/plan_files.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "error.h"
#include "version.h"
#include "util/json_io.h"

namespace acc {

namespace {

// One word for sh: single-quoted, with embedded quotes closed and reopened.
std::string shell_word(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// A make variable's value: '$' would expand and '#' would start a comment.
std::string make_value(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '$' ? std::string("$$") : c == '#' ? std::string("\\#") : std::string(1, c);
  return out;
}

std::string set_words(const std::vector<std::string>& sets) {
  std::string out;
  for (const auto& s : sets) out += (out.empty() ? "" : " ") + std::string("--set ") + shell_word(s);
  return out;
}

std::string stamp(const Segment& s) { return "$(STAMPS)/" + s.name + ".done"; }

}  // namespace

void check_make_path(const std::string& path, const std::string& what) {
  for (char c : path)
    if (std::isspace(static_cast<unsigned char>(c)) || std::string(":#$%\\'\"*?[]").find(c) != std::string::npos)
      throw Error(what + " '" + path + "': make targets cannot contain '" + std::string(1, c) +
                  "'; choose a path of letters, digits, '/', '_', '-' and '.'");
}

std::vector<std::string> describe_segments(const std::vector<Segment>& segments, const Recipe& recipe) {
  size_t width = 0;
  for (const auto& s : segments) width = std::max(width, s.name.size());
  std::vector<std::string> lines;
  for (const auto& s : segments) {
    std::ostringstream os;
    // min/max, not first/last: an op from a YAML alias (*train) carries its anchor's line.
    int first = recipe.ops[s.begin].line, last = first;
    for (size_t i = s.begin; i < s.end; ++i) {
      first = std::min(first, recipe.ops[i].line);
      last = std::max(last, recipe.ops[i].line);
    }
    os << s.name << std::string(width - s.name.size() + 2, ' ') << "ops " << s.begin + 1 << "-" << s.end
       << " (recipe lines " << first << "-" << last << ")";
    if (s.depends.empty()) {
      os << ", creates the run";
    } else {
      os << ", after";
      for (const auto& d : s.depends) os << " " << d;
    }
    if (!s.tags.empty()) {
      os << "; nodes";
      for (const auto& t : s.tags) os << " " << t;
    }
    lines.push_back(os.str());
  }
  return lines;
}

std::string plan_makefile(const std::vector<Segment>& segments, const Recipe& recipe, const PlanSettings& p) {
  std::ostringstream mk;
  mk << "# Recipe " << recipe.name << " as make targets: written by `acc plan` (acc " << acc_version() << ", "
     << utc_timestamp() << ").\n"
     << "#\n"
     << "#   make -f " << p.makefile << " -j2     every segment, two acc processes at a time\n"
     << "#   make -f " << p.makefile << " NAME    one segment and those it needs\n"
     << "#\n"
     << "# Each target runs one segment of the recipe with `acc run --segment` into one run,\n"
     << "# $(RUNS)/$(RUN_ID); the first creates it. A segment is done once its stamp\n"
     << "# $(RUNS)/$(RUN_ID)/.plan/NAME.done exists, so running make again after a failure runs\n"
     << "# only the segments that failed or never ran. Each process uses THREADS torch threads:\n"
     << "# keep -j times THREADS at most the number of cores. ACC_FLAGS= shows progress lines.\n"
     << "#\n"
     << "# Segments (op numbers as `acc run --dry-run` lists the expanded recipe):\n";
  for (const auto& line : describe_segments(segments, recipe)) mk << "#   " << line << "\n";
  mk << "\n"
     << "ACC := " << make_value(shell_word(p.acc)) << "\n"
     << "RECIPE := " << make_value(shell_word(p.recipe)) << "\n"
     << "SET :=" << (p.sets.empty() ? "" : " " + make_value(set_words(p.sets))) << "\n"
     << "RUNS := " << p.runs_root << "\n"
     << "RUN_ID := " << p.run_id << "\n"
     << "THREADS := " << p.threads << "\n"
     << "ACC_FLAGS := --quiet\n"
     << "WORKDIR := " << make_value(shell_word(p.workdir)) << "\n"
     << "export ACC_DATA := " << make_value(p.data_root) << "\n"
     << "\n"
     << "STAMPS := $(RUNS)/$(RUN_ID)/.plan\n"
     << "SEGMENT = cd $(WORKDIR) && $(ACC) run $(RECIPE) $(SET) --runs $(RUNS) --run-id $(RUN_ID) "
        "--threads $(THREADS) $(ACC_FLAGS) --segment\n"
     << "\n"
     << ".PHONY: all";
  for (const auto& s : segments) mk << " " << s.name;
  mk << "\nall:";
  for (const auto& s : segments) mk << " " << stamp(s);
  mk << "\n";
  for (const auto& s : segments) {
    mk << "\n" << s.name << ": " << stamp(s) << "\n" << stamp(s) << ":";
    for (const auto& d : s.depends) mk << " $(STAMPS)/" << d << ".done";
    mk << "\n\t$(SEGMENT) " << s.name << "\n";
  }
  return mk.str();
}

std::string plan_slurm_script(const std::vector<Segment>& segments, const PlanSettings& p) {
  std::ostringstream sh;
  sh << "#!/bin/sh\n"
     << "# Submits the segments of " << p.makefile << " as Slurm jobs, each held until the\n"
     << "# jobs it needs have succeeded (--dependency=afterok): written by `acc plan`.\n"
     << "# The runs root (" << p.runs_root << "), the recipe, acc and the Makefile must be on a\n"
     << "# filesystem every node mounts, with working flock (NFSv4 with locking, Lustre mounted\n"
     << "# with -o flock, GPFS, BeeGFS). Extra sbatch options: SBATCH_OPTS='--partition=cpu --time=2:00:00' sh "
        "this-file\n"
     << "set -eu\n"
     << "MAKEFILE=" << shell_word(p.makefile) << "\n"
     << "submit() {  # submit NAME [JOB_ID...]: prints the new job's id\n"
     << "  name=$1; shift\n"
     << "  dependency=\"\"\n"
     << "  if [ $# -gt 0 ]; then dependency=\"--dependency=afterok:$(echo \"$@\" | tr ' ' ':') --kill-on-invalid-dep=yes\"; fi\n"
     << "  # shellcheck disable=SC2086  # word splitting of the option strings is intended\n"
     << "  id=$(sbatch --parsable --job-name=\"acc-$name\" --cpus-per-task=" << p.threads
     << " $dependency ${SBATCH_OPTS:-} --wrap=\"make -f '$MAKEFILE' $name\")\n"
     << "  echo \"${id%%;*}\"\n"
     << "}\n";
  for (size_t k = 0; k < segments.size(); ++k) {
    sh << "job" << k << "=$(submit " << segments[k].name;
    for (const auto& d : segments[k].depends)
      for (size_t j = 0; j < k; ++j)
        if (segments[j].name == d) sh << " \"$job" << j << "\"";
    sh << ")\n";
  }
  sh << "echo \"submitted " << segments.size() << " jobs (run " << p.run_id << "): $job0";
  for (size_t k = 1; k < segments.size(); ++k) sh << " $job" << k;
  sh << "\"\n";
  return sh.str();
}

}  // namespace acc
