// See torch_commands.h.
#include "torch_commands.h"

#include <cstdlib>
#include <filesystem>

#include "error.h"

namespace acc::cli {

std::string torch_command_summary(std::string_view name) {
  for (const auto& c : kTorchCommands)
    if (c.name == name) return std::string(c.summary);
  throw Error("internal: '" + std::string(name) + "' is not in cli/torch_commands.h");
}

std::string user_facing_binary() {
  if (const char* front = std::getenv("ACC_FRONTEND"); front && *front) return front;
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) throw Error("cannot tell where the acc binary is (no /proc/self/exe); give it with --acc PATH");
  return self.string();
}

}  // namespace acc::cli
