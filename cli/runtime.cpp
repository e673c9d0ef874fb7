// Threads and device for the LibTorch commands; see runtime.h.
#include "runtime.h"

#include "error.h"
#include "runtime_info.h"

namespace acc::cli {

void add_runtime_options(CLI::App& command, RuntimeOptions& options) {
  command.add_option("--threads", options.threads, "intra-op CPU threads (default 1: fastest here, and bitwise reproducible)")
      ->check(CLI::Range(1, 256));
  command.add_option("--device", options.device, "cpu or cuda (cuda needs acc built against a CUDA LibTorch)")
      ->check(CLI::IsMember({"cpu", "cuda"}));
}

void configure_threads(int threads) {
  torch::set_num_threads(threads);
  set_blas_threads(threads);
  // Inter-op threads can only be set once, before any parallel work.
  static bool interop_set = false;
  if (!interop_set) {
    at::set_num_interop_threads(1);
    interop_set = true;
  }
}

torch::Device configure_runtime(const RuntimeOptions& options) {
  configure_threads(options.threads);
  if (options.device == "cuda") {
    if (!torch::cuda::is_available())
      throw Error("--device cuda: this LibTorch has no usable CUDA (Debian's libtorch is CPU-only); "
                  "build acc with -DCMAKE_PREFIX_PATH=/path/to/cuda/libtorch, or use --device cpu");
    return torch::Device(torch::kCUDA);
  }
  return torch::Device(torch::kCPU);
}

}  // namespace acc::cli
