// Viewer location and URLs; see viewer_url.h.
#include "viewer_url.h"

#include <cctype>
#include <cstdlib>

namespace acc::cli {

namespace fs = std::filesystem;

namespace {

// Percent-encodes everything but unreserved characters and '/', so any path survives as a
// URL path or query value.
std::string url_encode_path(const std::string& path) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string viewer_url(const std::string& query) {
  return "file://" + url_encode_path(fs::absolute(viewer_index_path()).lexically_normal().string()) + query;
}

std::string absolute_dir(const fs::path& dir) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(fs::absolute(dir), ec);
  return (ec ? fs::absolute(dir) : canonical).string();
}

}  // namespace

fs::path viewer_index_path() {
  if (const char* env = std::getenv("ACC_VIEWER"); env && *env) return env;
  return ACC_VIEWER_INDEX;
}

std::string viewer_bundle_problem() {
  const fs::path bundle = viewer_index_path().parent_path() / "dist" / "viewer.js";
  if (fs::exists(bundle)) return "";
  return "the viewer is not built (" + bundle.string() + " is missing): run scripts/setup.sh (or make test / make demo)";
}

std::string viewer_url_for_root(const fs::path& runs_root) {
  return viewer_url("?root=" + url_encode_path(absolute_dir(runs_root)));
}

std::string viewer_url_for_run(const fs::path& run_dir) {
  return viewer_url("?run=" + url_encode_path(absolute_dir(run_dir)));
}

}  // namespace acc::cli
