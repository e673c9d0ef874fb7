// Rows of `acc ls` and stale-run detection; see run_listing.h.
#include "run/run_listing.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "error.h"
#include "run/run_format.h"

namespace acc {

namespace fs = std::filesystem;

namespace {

using FileClock = fs::file_time_type::clock;

double seconds_between(fs::file_time_type from, fs::file_time_type to) {
  return std::chrono::duration<double>(to - from).count();
}

// The last time the writer showed signs of life: the event log (heartbeats), or the
// summary when a run has no log yet.
std::optional<fs::file_time_type> last_write(const fs::path& run_dir) {
  std::error_code ec;
  for (const auto name : {run_format::kEventsFile, run_format::kSummaryFile}) {
    const auto t = fs::last_write_time(run_dir / name, ec);
    if (!ec) return t;
  }
  return std::nullopt;
}

int64_t count_nodes(const fs::path& run_dir) {
  int64_t n = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(run_dir / run_format::kCheckpointsDir, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory() && !name.empty() && name[0] != '.' && fs::exists(entry.path() / "meta.json")) ++n;
  }
  return n;
}

std::string summary_string(const nlohmann::json& summary, const char* key) {
  return summary.contains(key) && summary[key].is_string() ? summary[key].get<std::string>() : "";
}

// "2026-11-22T05:18:38.123Z" -> "2026-11-22 05:18:38": the table shows seconds, JSON keeps all.
std::string short_time(const std::string& iso) {
  if (iso.size() < 19) return iso.empty() ? "-" : iso;
  std::string s = iso.substr(0, 19);
  s[10] = ' ';
  return s;
}

}  // namespace

nlohmann::json RunRow::to_json() const {
  return {{"id", id},
          {"status", status},
          {"summary_status", summary_status},
          {"recipe", recipe},
          {"started", started},
          {"duration_seconds", duration_seconds},
          {"current_phase", current_phase},
          {"checkpoints", checkpoints}};
}

void require_runs_root(const fs::path& runs_root) {
  std::error_code ec;
  if (!fs::is_directory(runs_root, ec))
    throw Error("runs root " + runs_root.string() +
                " does not exist; choose it with --runs DIR or ACC_RUNS (acc run creates it)");
}

std::optional<double> parse_utc_timestamp(const std::string& text) {
  std::tm tm{};
  int millis = 0;
  const int fields = std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3d", &tm.tm_year, &tm.tm_mon,
                                 &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &millis);
  if (fields < 6) return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<double>(timegm(&tm)) + millis / 1000.0;
}

RunRow run_row(const RunInfo& run, std::optional<fs::file_time_type> now) {
  const fs::file_time_type file_now = now.value_or(FileClock::now());
  const nlohmann::json& s = run.summary;
  RunRow row;
  row.id = run.id;
  row.summary_status = run.status();
  row.status = row.summary_status;
  row.recipe = run.recipe_name();
  row.started = summary_string(s, "started");
  if (row.started.empty()) row.started = summary_string(s, "created");
  row.current_phase = summary_string(s, "current_phase");
  row.checkpoints = count_nodes(run.dir);
  row.duration_seconds = s.value("duration_seconds", 0.0);

  const bool live = row.summary_status == run_format::kStatusRunning ||
                    row.summary_status == run_format::kStatusCreated;
  if (!live) return row;
  // A live run's summary is only rewritten at phases and checkpoints, so its duration
  // is measured here: from the start to now, or to the last write for a stale run.
  const auto written = last_write(run.dir);
  double end_offset = 0;  // seconds before now at which the run was last seen alive
  if (written && seconds_between(*written, file_now) > kStaleAfterSeconds) {
    row.status = kStatusStale;
    end_offset = seconds_between(*written, file_now);
  }
  const auto started = parse_utc_timestamp(summary_string(s, "started"));
  if (started && row.summary_status == run_format::kStatusRunning) {
    const double wall_now = std::chrono::duration<double>(
                                std::chrono::system_clock::now().time_since_epoch()).count() +
                            seconds_between(FileClock::now(), file_now);
    row.duration_seconds = std::max(0.0, wall_now - end_offset - *started);
  }
  return row;
}

std::vector<RunRow> list_run_rows(const fs::path& runs_root) {
  require_runs_root(runs_root);
  std::vector<RunRow> rows;
  const auto now = FileClock::now();
  for (const auto& run : list_runs(runs_root)) rows.push_back(run_row(run, now));
  return rows;
}

std::string format_duration(double seconds) {
  char buf[32];
  if (seconds < 60) {
    std::snprintf(buf, sizeof buf, "%.1fs", seconds);
  } else if (seconds < 3600) {
    const long s = std::lround(seconds);
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  } else {
    const long m = std::lround(seconds / 60);
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", m / 60, m % 60);
  }
  return buf;
}

std::string format_run_table(const std::vector<RunRow>& rows, const fs::path& runs_root) {
  if (rows.empty()) return "no runs under " + runs_root.string() + "\n";
  std::vector<std::vector<std::string>> cells = {
      {"RUN", "STATUS", "RECIPE", "STARTED (UTC)", "DURATION", "PHASE", "NODES"}};
  for (const auto& r : rows)
    cells.push_back({r.id, r.status, r.recipe.empty() ? "-" : r.recipe, short_time(r.started),
                     format_duration(r.duration_seconds), r.current_phase.empty() ? "-" : r.current_phase,
                     std::to_string(r.checkpoints)});
  std::vector<size_t> width(cells.front().size(), 0);
  for (const auto& line : cells)
    for (size_t c = 0; c < line.size(); ++c) width[c] = std::max(width[c], line[c].size());
  std::string out;
  for (const auto& line : cells) {
    std::string text;
    for (size_t c = 0; c < line.size(); ++c) {
      text += line[c];
      if (c + 1 < line.size()) text += std::string(width[c] - line[c].size() + 2, ' ');
    }
    out += text + "\n";
  }
  return out;
}

}  // namespace acc
