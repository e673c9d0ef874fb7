// LibTorch, BLAS and thread facts; see runtime_info.h.
#include "runtime_info.h"

#include <torch/torch.h>

#include <dlfcn.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "version.h"

namespace acc {

std::string libtorch_version() {
  return std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
         std::to_string(TORCH_VERSION_PATCH);
}

std::string blas_in_use() {
  // Which BLAS serves LibTorch is decided by the dynamic linker (Debian alternatives), so
  // ask the process: force a BLAS call, then look for the mapped library.
  {
    torch::NoGradGuard no_grad;
    auto a = torch::ones({8, 8});
    (void)torch::mm(a, a).sum().item<float>();
  }
  std::ifstream maps("/proc/self/maps");
  std::string line, found;
  while (std::getline(maps, line)) {
    const auto slash = line.find('/');
    if (slash == std::string::npos) continue;
    const std::string path = line.substr(slash);
    const std::string base = std::filesystem::path(path).filename().string();
    if (base.find("blas") == std::string::npos && base.find("mkl") == std::string::npos) continue;
    std::error_code ec;
    const std::string real = std::filesystem::canonical(path, ec).string();
    const std::string shown = ec ? path : real;
    std::string kind = "unknown BLAS";
    if (shown.find("openblas-pthread") != std::string::npos) kind = "openblas-pthread";
    else if (shown.find("openblas-openmp") != std::string::npos) kind = "openblas-openmp";
    else if (shown.find("openblas") != std::string::npos) kind = "openblas";
    else if (shown.find("mkl") != std::string::npos) kind = "mkl";
    else if (shown.find("/blas/") != std::string::npos) kind = "reference BLAS (slow: install libopenblas0-pthread)";
    found = kind + " (" + shown + ")";
    if (kind.rfind("openblas", 0) == 0 || kind == "mkl") break;  // prefer the real one
  }
  return found.empty() ? "none mapped (LibTorch built-in kernels)" : found;
}

int intra_op_threads() { return torch::get_num_threads(); }

bool cuda_available() { return torch::cuda::is_available(); }

nlohmann::json environment_json() {
  return {{"acc_version", acc_version()},
          {"libtorch_version", libtorch_version()},
          {"blas", blas_in_use()},
          {"threads", intra_op_threads()},
          {"cuda_available", cuda_available()}};
}

bool set_blas_threads(int threads) {
  // Looked up at run time: LibTorch reaches BLAS through the system's libblas alternative,
  // which may or may not be OpenBLAS.
  using SetThreads = void (*)(int);
  auto* set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  if (!set) return false;
  set(threads);
  return true;
}

}  // namespace acc
