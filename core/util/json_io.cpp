// Atomic writes via temp file + fsync + rename; see json_io.h.
#include "util/json_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <random>
#include <sstream>

#include "error.h"

namespace acc {

namespace fs = std::filesystem;

void write_file_atomic(const fs::path& path, const std::string& contents) {
  // A per-process unique temp name: concurrent writers (make -j) never share a temp file.
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  const fs::path tmp = path.string() + ".tmp." + std::to_string(::getpid()) + "." +
                       std::to_string(rng() % 1000000);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw Error(path.string() + ": cannot write (check the directory exists and is writable)", ExitCode::kFailure);
  size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n <= 0) {
      ::close(fd);
      ::unlink(tmp.c_str());
      throw Error(path.string() + ": write failed (disk full?)", ExitCode::kFailure);
    }
    written += static_cast<size_t>(n);
  }
  ::fsync(fd);
  ::close(fd);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    throw Error(path.string() + ": rename of temporary file failed", ExitCode::kFailure);
  }
}

void write_json_atomic(const fs::path& path, const nlohmann::json& value) {
  write_file_atomic(path, value.dump(2) + "\n");
}

nlohmann::json read_json_file(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw Error(path.string() + ": file not found");
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    return nlohmann::json::parse(ss.str());
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(path.string() + ": malformed JSON (" + e.what() + ")");
  }
}

std::string utc_timestamp() { return utc_timestamp(std::chrono::system_clock::now()); }

std::string utc_timestamp(std::chrono::system_clock::time_point now) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms));
  return out;
}

double seconds_since_utc(const std::string& timestamp) {
  std::tm tm{};
  int ms = 0;
  if (std::sscanf(timestamp.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &ms) < 6)
    return 0;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const auto then = std::chrono::system_clock::from_time_t(::timegm(&tm)) + std::chrono::milliseconds(ms);
  return std::chrono::duration<double>(std::chrono::system_clock::now() - then).count();
}

}  // namespace acc
