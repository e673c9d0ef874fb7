// Static files for `acc serve`; see static_files.h.
#include "serve/static_files.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>

namespace acc::cli {

namespace fs = std::filesystem;

std::optional<fs::path> resolve_below(const fs::path& root, const std::string& relative) {
  fs::path joined = root;
  size_t start = 0;
  while (start <= relative.size()) {
    const size_t slash = std::min(relative.find('/', start), relative.size());
    const std::string segment = relative.substr(start, slash - start);
    start = slash + 1;
    if (segment.empty() || segment == ".") continue;
    if (segment == ".." || segment.find('\0') != std::string::npos || segment.find('\\') != std::string::npos)
      return std::nullopt;
    joined /= segment;
  }
  // Without `..` the path can still leave the root through a symlink; compare real paths.
  std::error_code ec;
  const fs::path real_root = fs::weakly_canonical(root, ec);
  if (ec) return std::nullopt;
  const fs::path real = fs::weakly_canonical(joined, ec);
  if (ec) return std::nullopt;
  const auto [root_end, unused] = std::mismatch(real_root.begin(), real_root.end(), real.begin(), real.end());
  if (root_end != real_root.end()) return std::nullopt;
  return joined;
}

std::string content_type_for(const fs::path& file) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".jsonl", "application/x-ndjson"},
      {".map", "application/json"},
      {".png", "image/png"},
      {".svg", "image/svg+xml"},
      {".log", "text/plain; charset=utf-8"},
      {".txt", "text/plain; charset=utf-8"},
      {".yaml", "text/plain; charset=utf-8"},
  };
  const auto it = kTypes.find(file.extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

void serve_static(const fs::path& root, const std::string& relative, httplib::Response& res) {
  const auto file = resolve_below(root, relative);
  if (!file) {
    res.status = 403;
    res.set_content("refused: '" + relative + "' leaves the served directory\n", "text/plain; charset=utf-8");
    return;
  }
  std::error_code ec;
  const auto size = fs::file_size(*file, ec);
  auto in = std::make_shared<std::ifstream>(*file, std::ios::binary);
  if (ec || !fs::is_regular_file(*file, ec) || !*in) {
    res.status = 404;
    res.set_content("not found: " + relative + "\n", "text/plain; charset=utf-8");
    return;
  }
  // A live run rewrites its files; the browser must ask again rather than reuse a copy.
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Content-Type-Options", "nosniff");
  // Streamed, not read into memory: events.jsonl and state.pt can be large. The size is
  // taken once; a file growing meanwhile (an appended event) is served up to that size.
  res.set_content_provider(static_cast<size_t>(size), content_type_for(*file),
                           [in](size_t offset, size_t length, httplib::DataSink& sink) {
                             char buf[64 * 1024];
                             in->seekg(static_cast<std::streamoff>(offset));
                             const auto want = static_cast<std::streamsize>(std::min(length, sizeof buf));
                             in->read(buf, want);
                             const std::streamsize got = in->gcount();
                             if (got <= 0) return false;  // truncated under us: end the response
                             return sink.write(buf, static_cast<size_t>(got));
                           });
}

}  // namespace acc::cli
