// Where the static viewer lives and the file:// URL that opens it on a runs root or on one
// run directory (docs/run-format.md, "Viewer mirror").
#pragma once

#include <filesystem>
#include <string>

namespace acc::cli {

// $ACC_VIEWER if set, else the source tree's viewer/index.html (fixed at build time).
std::filesystem::path viewer_index_path();
// "" when the bundle is built, else a one-line hint naming the set-up command.
std::string viewer_bundle_problem();
// file://.../index.html?root=<abs root>, or ?run=<abs run dir>.
std::string viewer_url_for_root(const std::filesystem::path& runs_root);
std::string viewer_url_for_run(const std::filesystem::path& run_dir);

}  // namespace acc::cli
