// The rows of `acc ls`: one per run under a runs root, with its status as a reader should
// believe it. A summary only says what the writer last wrote, so a process killed without
// a chance to finish (SIGKILL, OOM, power loss) leaves "running" behind forever. The event
// log's heartbeat (every 10 s while the process lives) tells the two apart: a run whose
// summary says running or created but whose events.jsonl has not been written for more
// than kStaleAfterSeconds is reported as "stale". The word is one token so scripts reading
// `acc ls --json` can match it; the summary's own status stays in `summary_status`.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "run/run_index.h"

namespace acc {

// Six missed heartbeats: generous enough for a slow disk or a stopped laptop lid.
inline constexpr double kStaleAfterSeconds = 60.0;
inline constexpr std::string_view kStatusStale = "stale";

struct RunRow {
  std::string id;
  std::string status;          // summary status, or "stale"; "unknown" without a summary
  std::string summary_status;  // exactly as summary.json says
  std::string recipe;
  std::string started;         // UTC ISO 8601 (created when never started), "" if unknown
  double duration_seconds = 0; // live runs: measured up to now (stale: up to the last event)
  std::string current_phase;   // "" once the run has ended
  int64_t checkpoints = 0;     // node directories on disk
  nlohmann::json to_json() const;
};

// acc::Error naming `runs_root` (with the --runs / ACC_RUNS hint) when it is not a directory.
void require_runs_root(const std::filesystem::path& runs_root);

// The row for one run, judging staleness against `now` (the wall clock by default).
RunRow run_row(const RunInfo& run, std::optional<std::filesystem::file_time_type> now = std::nullopt);
// Every run under the root, sorted by id; acc::Error when the root does not exist.
std::vector<RunRow> list_run_rows(const std::filesystem::path& runs_root);

// Aligned text table with a header line; "no runs under ROOT" when `rows` is empty.
std::string format_run_table(const std::vector<RunRow>& rows, const std::filesystem::path& runs_root);
// "12.3s", "4m05s", "2h03m".
std::string format_duration(double seconds);
// Seconds since the epoch of an acc timestamp ("2026-11-22T05:18:38.123Z"); nullopt if malformed.
std::optional<double> parse_utc_timestamp(const std::string& text);

}  // namespace acc
