// See forward.h.
#include "forward.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "torch_commands.h"

namespace acc::cli {

namespace {

bool has_arg(int argc, char** argv, std::string_view arg) {
  for (int i = 1; i < argc; ++i)
    if (argv[i] == arg) return true;
  return false;
}

}  // namespace

bool needs_torch(int argc, char** argv) {
  if (argc < 2) return false;
  const std::string_view first = argv[1];
  for (const auto& c : kTorchCommands)
    if (c.name == first) return true;
  if (first == "recipes") return has_arg(argc, argv, "--reference");
  if (first == "--version") return has_arg(argc, argv, "--full");
  return false;
}

int exec_torch_half(int argc, char** argv) {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) {
    std::cerr << "acc: error: cannot find acc-torch (no /proc/self/exe)\n";
    return 1;
  }
  const std::string torch_half = (self.parent_path() / "acc-torch").string();
  ::setenv("ACC_FRONTEND", self.c_str(), 1);
  std::vector<char*> args(argv, argv + argc);
  args.push_back(nullptr);
  ::execv(torch_half.c_str(), args.data());
  std::cerr << "acc: error: cannot start " << torch_half << " (" << std::strerror(errno) << "): `acc "
            << argv[1] << "` needs LibTorch, which lives in acc-torch beside acc; build it with "
            << "`cmake --build build --target acc-torch` (make demo does)\n";
  return 1;
}

}  // namespace acc::cli
