// Loading an MNIST-format directory: the four IDX files `train-images-idx3-ubyte`,
// `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, each raw or
// with `.gz`. Serves MNIST, Fashion-MNIST and any other dataset shipped in that layout
// (class labels 0..9).
#pragma once

#include <string>

#include "data/dataset.h"

namespace acc {

struct MnistLoadOptions {
  std::string dir;           // directory holding the four files
  int64_t image_size = 28;   // see to_image_size (28 -> 32 pads)
  int64_t train_limit = 0;   // keep the first N training images; 0 = all
  std::string missing_hint;  // appended to "not found" errors: how to get the files
  int64_t test_limit = 0;    // keep the first N test images; 0 = all
};

// Images float32 [N, 1, S, S] in [0, 1], labels int64, num_classes 10. Sets Dataset::info
// (path, files, sizes); the caller sets name and source.
Dataset load_mnist_dir(const MnistLoadOptions& options);

// Path of `<dir>/<base>` or `<dir>/<base>.gz`, whichever exists (raw preferred), or "" if
// neither does.
std::string find_idx_file(const std::string& dir, const std::string& base);

}  // namespace acc
