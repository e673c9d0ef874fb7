// The acc version. Torch-free, so the `acc` front-end can print it without loading
// LibTorch; the LibTorch/BLAS/thread facts are in runtime_info.h.
#pragma once

#include <string>

namespace acc {

std::string acc_version();

}  // namespace acc
