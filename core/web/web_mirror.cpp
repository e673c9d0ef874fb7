// Viewer mirror writer; see web_mirror.h and docs/run-format.md, "Viewer mirror".
#include "web/web_mirror.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "run/run_format.h"
#include "util/file_lock.h"
#include "util/json_io.h"

namespace acc {

namespace fs = std::filesystem;

namespace {

constexpr const char* kWebDir = "web";
constexpr const char* kManifestJson = "manifest.json";
constexpr const char* kIndexScript = "index.js";
constexpr int kMirrorVersion = 1;

std::string read_text(const fs::path& path, std::uintmax_t offset = 0) {
  std::ifstream in(path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(offset));
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// "<size>-<mtime ns>", or "" when the file is missing: changes whenever the file is rewritten.
std::string file_stamp(const fs::path& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) return "";
  const auto mtime = fs::last_write_time(path, ec);
  if (ec) return "";
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(mtime.time_since_epoch()).count();
  return std::to_string(size) + "-" + std::to_string(ns);
}

std::string file_time_utc(const fs::path& path) {
  std::error_code ec;
  const auto mtime = fs::last_write_time(path, ec);
  if (ec) return "";
  // C++17 has no file_clock::to_sys; the offset between the two clocks "now" is exact enough
  // for a liveness display.
  const auto age = fs::file_time_type::clock::now() - mtime;
  return utc_timestamp(std::chrono::system_clock::now() -
                       std::chrono::duration_cast<std::chrono::system_clock::duration>(age));
}

// A path from an event may only name a file inside the run directory.
bool is_safe_relative(const std::string& rel) {
  if (rel.empty() || rel.front() == '/') return false;
  for (const auto& part : fs::path(rel))
    if (part == "..") return false;
  return true;
}

std::string block_name(int64_t block) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "events/%06lld", static_cast<long long>(block));
  return buf;
}

std::string page_name(int64_t block, int64_t page) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "events/%06lld_%02lld", static_cast<long long>(block), static_cast<long long>(page));
  return buf;
}

void write_script(const fs::path& web, const std::string& name, const std::string& text) {
  const fs::path target = web / (name + ".js");
  fs::create_directories(target.parent_path());
  write_file_atomic(target, mirror_script(name, text));
}

// Where the event mirror stands: lines/bytes mirrored so far and where the open block starts.
struct EventsCursor {
  int64_t lines = 0;
  int64_t bytes = 0;
  int64_t open_block_offset = 0;  // byte offset of line (lines / kMirrorBlockLines) * kMirrorBlockLines

  int64_t blocks() const { return lines / kMirrorBlockLines; }
  // Pages exist for the open block and the block closed last.
  int64_t paged_from() const { return std::max<int64_t>(0, blocks() - 1) * kMirrorBlockLines; }

  static EventsCursor from_json(const nlohmann::json& j) {
    EventsCursor c;
    if (j.value("block_lines", int64_t{0}) != kMirrorBlockLines || j.value("page_lines", int64_t{0}) != kMirrorPageLines)
      return c;  // another layout: mirror the events again from the start
    c.lines = j.value("lines", int64_t{0});
    c.bytes = j.value("bytes", int64_t{0});
    c.open_block_offset = j.value("open_block_offset", int64_t{0});
    return c;
  }
  nlohmann::json to_json() const {
    return {{"lines", lines},          {"bytes", bytes},
            {"block_lines", kMirrorBlockLines}, {"page_lines", kMirrorPageLines},
            {"blocks", blocks()},      {"paged_from", paged_from()},
            {"open_block_offset", open_block_offset}};
  }
};

std::string join_lines(const std::vector<std::string>& lines, size_t begin, size_t end) {
  std::string text;
  for (size_t i = begin; i < std::min(end, lines.size()); ++i) text += lines[i];
  return text;
}

// Mirrors the complete lines of events.jsonl past the cursor: the blocks they close and the
// pages they touch; pages of blocks closed before the last one are deleted (their block file
// replaces them). Returns the versioned paths of JSON artifacts announced by the new lines.
std::vector<std::string> sync_events(const fs::path& run_dir, const fs::path& web, EventsCursor& cursor,
                                     bool& changed) {
  std::vector<std::string> new_artifacts;
  const fs::path events = run_dir / run_format::kEventsFile;
  std::error_code ec;
  const auto size = static_cast<int64_t>(fs::file_size(events, ec));
  if (ec) return new_artifacts;
  if (size < cursor.bytes) cursor = EventsCursor{};  // the log was replaced: start over
  if (size == cursor.bytes) return new_artifacts;

  std::string text = read_text(events, static_cast<std::uintmax_t>(cursor.open_block_offset));
  const auto last_newline = text.rfind('\n');
  text.resize(last_newline == std::string::npos ? 0 : last_newline + 1);  // complete lines only
  if (cursor.open_block_offset + static_cast<int64_t>(text.size()) <= cursor.bytes) return new_artifacts;

  std::vector<std::string> lines;
  std::vector<int64_t> line_offsets;  // within `text`
  for (size_t start = 0; start < text.size();) {
    const size_t end = text.find('\n', start);
    line_offsets.push_back(static_cast<int64_t>(start));
    lines.push_back(text.substr(start, end - start + 1));
    start = end + 1;
  }
  const int64_t first_block = cursor.blocks();
  const int64_t first_line = first_block * kMirrorBlockLines;
  const int64_t old_lines = cursor.lines;
  for (size_t i = static_cast<size_t>(old_lines - first_line); i < lines.size(); ++i) {
    const auto event = nlohmann::json::parse(lines[i], nullptr, /*allow_exceptions=*/false);
    if (!event.is_object() || event.value("type", "") != "artifact.created") continue;
    const auto& payload = event.value("payload", nlohmann::json::object());
    if (payload.value("format", "") != "json") continue;
    const std::string path = payload.value("path", "");
    if (is_safe_relative(path)) new_artifacts.push_back(path);
  }

  const int64_t text_start = cursor.open_block_offset;
  cursor.lines = first_line + static_cast<int64_t>(lines.size());
  cursor.bytes = text_start + static_cast<int64_t>(text.size());
  const size_t next_open_index = static_cast<size_t>(cursor.blocks() * kMirrorBlockLines - first_line);
  cursor.open_block_offset = next_open_index < lines.size() ? text_start + line_offsets[next_open_index] : cursor.bytes;

  const int64_t paged_from_block = cursor.paged_from() / kMirrorBlockLines;
  for (int64_t block = first_block; block * kMirrorBlockLines < cursor.lines; ++block) {
    const size_t begin = static_cast<size_t>(block * kMirrorBlockLines - first_line);
    const size_t end = begin + static_cast<size_t>(kMirrorBlockLines);
    const bool closed = end <= lines.size();
    if (closed) write_script(web, block_name(block), join_lines(lines, begin, end));
    if (block < paged_from_block) continue;
    // Pages the new lines touch: from the one holding the first new line on.
    const int64_t new_from = std::max(old_lines, block * kMirrorBlockLines) - block * kMirrorBlockLines;
    for (int64_t page = new_from / kMirrorPageLines; page * kMirrorPageLines < kMirrorBlockLines; ++page) {
      const size_t page_begin = begin + static_cast<size_t>(page * kMirrorPageLines);
      if (page_begin >= lines.size()) break;
      write_script(web, page_name(block, page), join_lines(lines, page_begin, page_begin + kMirrorPageLines));
    }
  }
  for (int64_t block = std::max<int64_t>(0, first_block - 1); block < paged_from_block; ++block)
    for (int64_t page = 0; page < kMirrorBlockLines / kMirrorPageLines; ++page)
      fs::remove(web / (page_name(block, page) + ".js"), ec);
  changed = true;
  return new_artifacts;
}

}  // namespace

std::string mirror_script(const std::string& name, const std::string& text) {
  // Invalid UTF-8 (a torn write) must still give a loadable script; the viewer then reports
  // the text as malformed JSON.
  const auto literal = [](const std::string& s) {
    return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  return "accData(" + literal(name) + ", " + literal(text) + ");\n";
}

bool sync_run_mirror(const fs::path& run_dir) {
  const fs::path web = run_dir / kWebDir;
  fs::create_directories(web);
  FileLock lock(web / ".lock");

  nlohmann::json manifest;
  try {
    manifest = read_json_file(web / kManifestJson);
  } catch (const std::exception&) {
    manifest = nlohmann::json::object();  // first sync, or a damaged manifest: rebuild
  }
  if (!manifest.is_object() || manifest.value("version", 0) != kMirrorVersion) manifest = nlohmann::json::object();
  EventsCursor cursor = EventsCursor::from_json(manifest.value("events", nlohmann::json::object()));
  std::map<std::string, std::string> files;
  const nlohmann::json known_files = manifest.value("files", nlohmann::json::object());
  for (const auto& [rel, stamp] : known_files.items())
    if (stamp.is_string()) files[rel] = stamp.get<std::string>();

  bool changed = false;
  std::set<std::string> candidates = {std::string(run_format::kSummaryFile), std::string(run_format::kConfigFile)};
  for (const auto& [rel, stamp] : files) candidates.insert(rel);
  for (const auto& rel : sync_events(run_dir, web, cursor, changed)) candidates.insert(rel);
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(run_dir / run_format::kCheckpointsDir, ec)) {
    const std::string id = entry.path().filename().string();
    if (!id.empty() && id.front() != '.' && fs::exists(entry.path() / "meta.json"))
      candidates.insert(std::string(run_format::kCheckpointsDir) + "/" + id + "/meta.json");
  }
  for (const auto& rel : candidates) {
    const std::string stamp = file_stamp(run_dir / rel);
    const auto known = files.find(rel);
    if (stamp.empty()) {
      if (known != files.end()) {
        files.erase(known);
        fs::remove(web / ("files/" + rel + ".js"), ec);
        changed = true;
      }
      continue;
    }
    if (known != files.end() && known->second == stamp) continue;
    write_script(web, "files/" + rel, read_text(run_dir / rel));
    files[rel] = stamp;
    changed = true;
  }
  if (!changed && manifest.contains("updated")) return false;

  manifest = {{"format", "acc.web_manifest"},
              {"version", kMirrorVersion},
              {"run_id", run_dir.filename().string()},
              {"updated", utc_timestamp()},
              {"events", cursor.to_json()},
              {"files", files}};
  write_file_atomic(web / kManifestJson, manifest.dump() + "\n");
  write_script(web, "manifest", manifest.dump());
  return true;
}

void write_runs_index(const fs::path& runs_root) {
  FileLock lock(runs_root / ".index.lock");
  std::vector<fs::path> dirs;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(runs_root, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory() && !name.empty() && name.front() != '.' &&
        (fs::exists(entry.path() / run_format::kEventsFile) || fs::exists(entry.path() / run_format::kSummaryFile)))
      dirs.push_back(entry.path());
  }
  std::sort(dirs.begin(), dirs.end());
  nlohmann::json runs = nlohmann::json::array();
  for (const auto& dir : dirs) {
    nlohmann::json row = {{"run_id", dir.filename().string()},
                          {"updated", file_time_utc(dir / run_format::kEventsFile)},
                          {"recipe", nlohmann::json::object()}};
    try {
      row["summary"] = read_json_file(dir / run_format::kSummaryFile);
    } catch (const std::exception& e) {
      row["summary"] = nullptr;
      row["error"] = std::string(run_format::kSummaryFile) + ": " + e.what();
    }
    try {
      const auto recipe = read_json_file(dir / run_format::kConfigFile).value("recipe", nlohmann::json::object());
      row["recipe"] = {{"name", recipe.value("name", "")}, {"description", recipe.value("description", "")}};
    } catch (const std::exception&) {
      // A run without a readable config still lists by id and summary.
    }
    runs.push_back(std::move(row));
  }
  const nlohmann::json index = {{"format", "acc.web_index"},
                                {"version", kMirrorVersion},
                                {"updated", utc_timestamp()},
                                {"runs", runs}};
  write_file_atomic(runs_root / kIndexScript, mirror_script("index.json", index.dump()));
}

std::string refresh_viewer_mirror(const fs::path& run_dir, double index_refresh_seconds) {
  try {
    const fs::path summary_twin = run_dir / kWebDir / "files" / (std::string(run_format::kSummaryFile) + ".js");
    const std::string summary_before = file_stamp(summary_twin);
    sync_run_mirror(run_dir);
    const fs::path root = run_dir.parent_path();
    bool index_due = file_stamp(summary_twin) != summary_before;
    std::error_code ec;
    const auto index_time = fs::last_write_time(root / kIndexScript, ec);
    if (ec || fs::file_time_type::clock::now() - index_time > std::chrono::duration<double>(index_refresh_seconds))
      index_due = true;
    if (index_due) write_runs_index(root);
    return "";
  } catch (const std::exception& e) {
    return std::string("viewer mirror not updated: ") + e.what();
  }
}

}  // namespace acc
