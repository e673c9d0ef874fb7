// Terminal progress; see progress.h.
#include "progress.h"

#include <cstdio>
#include <iomanip>
#include <ostream>
#include <sstream>

namespace acc::cli {

using clock = std::chrono::steady_clock;

ProgressPrinter::ProgressPrinter(std::ostream& out, ProgressMode mode, double plain_interval_seconds)
    : out_(out), mode_(mode), plain_interval_(plain_interval_seconds) {}

void ProgressPrinter::print_line(const std::string& line) {
  if (mode_ == ProgressMode::kQuiet) return;
  if (live_line_open_) {
    out_ << "\n";
    live_line_open_ = false;
  }
  out_ << line << std::endl;
}

namespace {
std::string format_duration(double seconds) {
  const int s = static_cast<int>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%dh%02dm", s / 3600, (s % 3600) / 60);
  else if (s >= 60) std::snprintf(buf, sizeof buf, "%dm%02ds", s / 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%ds", s);
  return buf;
}
}  // namespace

std::string ProgressPrinter::status_line(const StepReport& r) const {
  const double elapsed = std::chrono::duration<double>(clock::now() - start_).count();
  const double rate = elapsed > 0 ? r.phase_step / elapsed : 0;
  std::ostringstream os;
  os << (phase_.empty() ? "train" : phase_) << "  step " << r.phase_step << "/" << r.phase_steps;
  os << std::setprecision(4);
  for (const auto& [name, value] : r.task_losses) os << "  " << name << " " << value;
  os << std::fixed << std::setprecision(0) << "  " << rate << " steps/s";
  if (rate > 0) os << "  ETA " << format_duration((r.phase_steps - r.phase_step) / rate);
  return os.str();
}

void ProgressPrinter::on_train_begin(const TrainSpec&, TrainingState&) {
  start_ = last_print_ = clock::now();
}

void ProgressPrinter::on_step_end(const StepReport& r, TrainingState&) {
  if (mode_ == ProgressMode::kQuiet) return;
  const auto now = clock::now();
  const double since = std::chrono::duration<double>(now - last_print_).count();
  if (mode_ == ProgressMode::kLive) {
    if (since < 0.1 && r.phase_step != r.phase_steps) return;
    out_ << "\r\033[K" << status_line(r) << std::flush;
    live_line_open_ = true;
  } else {
    if (since < plain_interval_ && r.phase_step != r.phase_steps) return;
    out_ << status_line(r) << std::endl;
  }
  last_print_ = now;
}

void ProgressPrinter::on_train_end(const TrainOutcome& outcome, TrainingState&) {
  if (live_line_open_) {
    out_ << "\n";
    live_line_open_ = false;
  }
  if (outcome.status == TrainStatus::kCancelled) print_line("cancelled after " + std::to_string(outcome.steps_done) + " steps");
}

void ProgressPrinter::on_run_created(const std::string& run_id, const std::string& dir) {
  print_line("run " + run_id + " -> " + dir);
}

void ProgressPrinter::on_phase(const std::string& name) {
  phase_ = name;
  print_line("== " + name);
}

void ProgressPrinter::on_log(const std::string& message) { print_line(message); }

void ProgressPrinter::on_warning(const std::string& message) {
  if (live_line_open_) {
    out_ << "\n";
    live_line_open_ = false;
  }
  out_ << message << std::endl;  // also under --quiet: a warning is not progress
}

void ProgressPrinter::on_checkpoint(const NodeMeta& node) {
  print_line("saved node " + node.tag + " (" + node.id + ") at step " + std::to_string(node.step));
}

void ProgressPrinter::on_eval(const std::string& node_tag, const nlohmann::json& metrics) {
  std::ostringstream os;
  os << "eval " << node_tag << ":" << std::setprecision(4);
  for (const auto& [task, values] : metrics.items()) {
    os << "  " << task;
    for (const auto& [name, v] : values.items()) {
      if (name.rfind("kl_dim_", 0) == 0) continue;  // per-dimension detail lives in the files
      os << " " << name << "=" << v.get<double>();
    }
  }
  print_line(os.str());
}

}  // namespace acc::cli
