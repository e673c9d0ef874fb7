// Atomic file writes. Every file acc writes that another process may read while it is
// being written (summary.json, checkpoint metadata, config.json) goes through here:
// write a temporary file in the same directory, fsync, then rename over the target, so a
// reader or a killed process never sees half a file.
#pragma once

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace acc {

void write_file_atomic(const std::filesystem::path& path, const std::string& contents);
// Pretty-printed (indent 2) with a trailing newline; keys in sorted order so output is
// byte-identical for equal values.
void write_json_atomic(const std::filesystem::path& path, const nlohmann::json& value);
// Reads and parses; acc::Error naming the file on a missing file or malformed JSON.
nlohmann::json read_json_file(const std::filesystem::path& path);

// UTC time as ISO 8601 with milliseconds: "2026-11-22T05:18:38.123Z"; now, or `when`.
std::string utc_timestamp();
std::string utc_timestamp(std::chrono::system_clock::time_point when);
// Seconds from a utc_timestamp() string to now; 0 for an empty or unreadable one.
double seconds_since_utc(const std::string& timestamp);

}  // namespace acc
