// Shared test helpers: temporary directories, files, running the acc binary.
#pragma once

#include <filesystem>
#include <string>

#include "error.h"

namespace acc::test {

// A fresh directory under the system temp dir, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

void write_text(const std::filesystem::path& path, const std::string& text);
std::string read_text(const std::filesystem::path& path);

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};
// Runs `ACC_BINARY args` through the shell with ACC_DATA pointing at the repo's data.
CommandResult run_acc(const std::string& args);
// Runs a shell command (e.g. make), capturing stdout and stderr together.
CommandResult run_shell(const std::string& command);
std::string acc_binary();

std::string source_dir();

// Runs `fn` and returns the acc::Error message it throws ("" when it throws none).
template <typename Fn>
std::string error_of(Fn fn) {
  try {
    fn();
  } catch (const acc::Error& e) {
    return e.what();
  }
  return "";
}
// True when the bundled MNIST IDX files were fetched (make data).
bool mnist_available();

}  // namespace acc::test
