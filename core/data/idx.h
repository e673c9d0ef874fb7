// IDX files (the MNIST container format): idx1 holds labels (magic 0x00000801), idx3 holds
// images (magic 0x00000803), both unsigned bytes behind a big-endian header. Files may be raw
// or gzip-compressed (read through zlib, which passes raw files through unchanged). Readers
// check the magic, the number of dimensions and that the payload holds exactly the bytes the
// header promises, so a half-downloaded or concatenated file is caught at load time with an
// acc::Error naming the file instead of surfacing later as garbage digits.
#pragma once

#include <torch/torch.h>

#include <string>

namespace acc {

// uint8 [N, H, W].
torch::Tensor read_idx_images(const std::string& path);
// uint8 [N].
torch::Tensor read_idx_labels(const std::string& path);

// Writers produce standard IDX files (gzip-compressed when `gzip`), written to a temporary
// name and renamed so a reader never sees a half-written file.
// `images` is [N, H, W] (or [N, 1, H, W]); uint8 is written as-is, floating point is taken
// to be in [0, 1] and rounded to bytes.
void write_idx_images(const std::string& path, const torch::Tensor& images, bool gzip);
// `labels` is [N] of any integer type with values in 0..255.
void write_idx_labels(const std::string& path, const torch::Tensor& labels, bool gzip);

}  // namespace acc
