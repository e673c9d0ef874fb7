// Build and runtime facts reported by `acc --version --full` and stored in every
// config.json, so a result always travels with the versions, BLAS and thread count that made it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace acc {

std::string libtorch_version();
// The BLAS library actually mapped into this process (after a warm-up matmul), e.g.
// "openblas-pthread (/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3)".
std::string blas_in_use();
int intra_op_threads();
// OpenBLAS keeps its own thread pool (sized to the cores) that torch::set_num_threads does
// not touch; this sets it through openblas_set_num_threads when OpenBLAS is loaded.
// Returns false when the BLAS in use is not OpenBLAS (nothing to set).
bool set_blas_threads(int threads);
bool cuda_available();
nlohmann::json environment_json();  // acc_version() and all of the above

}  // namespace acc
