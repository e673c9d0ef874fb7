// Test helpers; see test_util.h.
#include "test_util.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

namespace acc::test {

namespace fs = std::filesystem;

TempDir::TempDir() {
  std::random_device rd;
  path_ = fs::temp_directory_path() / ("acc_test_" + std::to_string(rd()) + std::to_string(rd()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void write_text(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string source_dir() { return ACC_SOURCE_DIR; }
std::string acc_binary() { return ACC_BINARY; }

bool mnist_available() {
  const char* env = std::getenv("ACC_DATA");
  const fs::path root = env ? env : fs::path(source_dir()) / "data";
  return fs::exists(root / "mnist" / "train-images-idx3-ubyte.gz");
}

CommandResult run_acc(const std::string& args) { return run_shell(std::string(ACC_BINARY) + " " + args); }

CommandResult run_shell(const std::string& command) {
  const std::string cmd = command + " 2>&1";
  CommandResult result;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) result.output.append(buf.data(), n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace acc::test
