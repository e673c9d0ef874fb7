// NumPy .npy files (format version 1.0, little-endian, C order), so exported latents load
// with numpy.load in Python or RcppCNpy/reticulate in R. Float tensors are written as
// float32 ('<f4'), integer tensors as int64 ('<i8').
#pragma once

#include <torch/torch.h>

#include <filesystem>
#include <string>

namespace acc {

std::string npy_bytes(const torch::Tensor& t);
void write_npy(const std::filesystem::path& path, const torch::Tensor& t);

}  // namespace acc
