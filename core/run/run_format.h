// The run directory format, defined in one place (documented in docs/run-format.md).
// Bump kRunFormatVersion on any incompatible change; readers (the viewer, acc tree) show a
// notice for versions newer than they know.
#pragma once

#include <array>
#include <string_view>

namespace acc::run_format {

inline constexpr int kRunFormatVersion = 1;

inline constexpr std::string_view kConfigFile = "config.json";
inline constexpr std::string_view kEventsFile = "events.jsonl";
inline constexpr std::string_view kSummaryFile = "summary.json";
inline constexpr std::string_view kCheckpointsDir = "checkpoints";
inline constexpr std::string_view kRecipeCopyFile = "recipe.yaml";
// Written by `acc cancel`; the running process polls for it and cancels gracefully.
inline constexpr std::string_view kCancelFile = "CANCEL";
// flock taken around every read-modify-write of summary.json (several writers per run).
inline constexpr std::string_view kSummaryLockFile = ".summary.lock";
// Planned runs (acc plan): <segment>.done stamps (make's targets) and <segment>.lock (held
// while a process runs the segment).
inline constexpr std::string_view kPlanDir = ".plan";

// Every event type acc writes. A reader must ignore types it does not know.
inline constexpr std::array<std::string_view, 22> kEventTypes = {
    "run.created",   "run.started",   "phase.started",   "train.progress", "train.metrics",
    "train.eval",    "train.health",  "eval.metrics",  "checkpoint.saved", "artifact.created", "log",
    "heartbeat",     "run.completed", "run.cancelled",   "run.failed",     "run.resumed",
    "segment.started", "segment.ended", "debug.state",   "debug.capture",  "debug.watch",
    "debug.trajectories",
};

// Run lifecycle: created -> running -> completed | cancelled | failed. A planned run's
// segments: pending -> running -> completed | cancelled | failed (run_dir.h).
inline constexpr std::string_view kStatusCreated = "created";
inline constexpr std::string_view kStatusRunning = "running";
inline constexpr std::string_view kStatusCompleted = "completed";
inline constexpr std::string_view kStatusCancelled = "cancelled";
inline constexpr std::string_view kStatusFailed = "failed";

}  // namespace acc::run_format
