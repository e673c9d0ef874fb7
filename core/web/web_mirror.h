// The viewer mirror: JavaScript copies of a run's JSON files that viewer/index.html can load
// from file:// (browsers refuse fetch() there but run <script src>). Each mirror file is one
// call `accData(NAME, TEXT)` holding a file's text unchanged; the format is documented in
// docs/run-format.md, "Viewer mirror". The canonical files stay the JSON ones: the mirror
// can be deleted and rebuilt at any time (`acc viewer`).
#pragma once

#include <filesystem>
#include <string>

namespace acc {

// Event lines are mirrored in closed blocks of kMirrorBlockLines (few files: a browser pays
// ~5 ms per script whatever its size, measured) and, for the open block and the one closed
// last, in pages of kMirrorPageLines (a live page re-reads only the last, open page).
inline constexpr int64_t kMirrorBlockLines = 4096;
inline constexpr int64_t kMirrorPageLines = 256;

// Brings <run_dir>/web/ up to date with the run's files: new event lines, changed
// summary/config/meta files, JSON artifacts announced since the last call. Cheap when little
// changed (a few stats and the new bytes of events.jsonl), so a live run calls it at every
// event-log write. Several processes may share a run: the work is done under an flock.
// Returns true when anything was rewritten.
bool sync_run_mirror(const std::filesystem::path& run_dir);

// Rewrites <runs_root>/index.js: every run under the root with its summary, recipe name
// and the time its event log was last written.
void write_runs_index(const std::filesystem::path& runs_root);

// sync_run_mirror, then the parent root's index.js when the run's summary changed or the
// index is older than `index_refresh_seconds` (so runs lists show liveness). For runs that
// acc itself created under a runs root. Never throws: the viewer mirror must not fail a run;
// a failure is returned as a message ("" when fine).
std::string refresh_viewer_mirror(const std::filesystem::path& run_dir, double index_refresh_seconds = 10.0);

// `accData(<name>, <text>);` with both as JavaScript string literals.
std::string mirror_script(const std::string& name, const std::string& text);

}  // namespace acc
