// Read-only file serving for `acc serve`: the viewer's directory and the runs root. A URL
// path is resolved below its root only; `..` segments and symlinks that lead outside the
// root are refused, so the server never hands out a file the user did not point it at.
#pragma once

#include <httplib.h>

#include <filesystem>
#include <optional>
#include <string>

namespace acc::cli {

// The file `relative` (a decoded URL path below the root, '/'-separated) names under
// `root`, or nullopt when it contains a `..` segment or its real path leaves the root.
std::optional<std::filesystem::path> resolve_below(const std::filesystem::path& root, const std::string& relative);

// Content-Type by extension (.html .js .css .json .jsonl .map .png .svg, text for .log/.txt/
// .yaml), application/octet-stream otherwise.
std::string content_type_for(const std::filesystem::path& file);

// Answers a GET for `relative` under `root`: 200 with the file streamed from disk, 403 for
// a path escape, 404 when there is no such regular file.
void serve_static(const std::filesystem::path& root, const std::string& relative, httplib::Response& res);

}  // namespace acc::cli
