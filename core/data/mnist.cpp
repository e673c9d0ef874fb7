// MNIST-format directory loader: finds the four IDX files, checks that they agree with each
// other (counts, square images, labels 0..9) and converts them to acc's Dataset layout.
#include "data/mnist.h"

#include <filesystem>

#include "data/idx.h"
#include "data/resize.h"
#include "error.h"

namespace acc {

namespace fs = std::filesystem;

namespace {

constexpr int64_t kNumClasses = 10;

struct SplitFiles {
  std::string images;
  std::string labels;
};

std::string require_file(const std::string& dir, const std::string& base, const std::string& hint) {
  std::string path = find_idx_file(dir, base);
  if (path.empty()) throw Error((fs::path(dir) / base).string() + "[.gz]: not found; " + hint);
  return path;
}

Split load_split(const SplitFiles& files, int64_t limit, int64_t image_size) {
  torch::Tensor images = read_idx_images(files.images);
  torch::Tensor labels = read_idx_labels(files.labels);
  if (images.size(0) != labels.size(0))
    throw Error(files.images + ": holds " + std::to_string(images.size(0)) + " images but " +
                files.labels + " holds " + std::to_string(labels.size(0)) +
                " labels; the two files must come from the same release");
  if (images.size(1) != images.size(2))
    throw Error(files.images + ": images are " + std::to_string(images.size(1)) + "x" +
                std::to_string(images.size(2)) + " but acc needs square images");
  if (labels.numel() > 0 && labels.max().item<int64_t>() >= kNumClasses)
    throw Error(files.labels + ": label " + std::to_string(labels.max().item<int64_t>()) +
                " is outside 0..9; this is not an MNIST-style label file");
  // Slicing before the float conversion keeps small test runs cheap.
  if (limit > 0 && limit < images.size(0)) {
    images = images.slice(/*dim=*/0, /*start=*/0, /*end=*/limit);
    labels = labels.slice(/*dim=*/0, /*start=*/0, /*end=*/limit);
  }
  Split split;
  // Resizing the bytes first means one float tensor is allocated, not two: fresh large
  // allocations dominate load time (page faults, ~1 s per 200 MB on a small VM).
  split.images =
      to_image_size(images.unsqueeze(1), image_size).to(torch::kFloat32).div_(255).contiguous();
  split.labels = labels.to(torch::kInt64);
  return split;
}

}  // namespace

std::string find_idx_file(const std::string& dir, const std::string& base) {
  for (const std::string& name : {base, base + ".gz"}) {
    const fs::path path = fs::path(dir) / name;
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) return path.string();
  }
  return "";
}

Dataset load_mnist_dir(const MnistLoadOptions& options) {
  std::error_code ec;
  if (!fs::is_directory(options.dir, ec))
    throw Error(options.dir + ": dataset directory not found; " + options.missing_hint);
  const auto& hint = options.missing_hint;
  const SplitFiles train{require_file(options.dir, "train-images-idx3-ubyte", hint),
                         require_file(options.dir, "train-labels-idx1-ubyte", hint)};
  const SplitFiles test{require_file(options.dir, "t10k-images-idx3-ubyte", hint),
                        require_file(options.dir, "t10k-labels-idx1-ubyte", hint)};

  Dataset ds;
  ds.train = load_split(train, options.train_limit, options.image_size);
  ds.test = load_split(test, options.test_limit, options.image_size);
  ds.num_classes = kNumClasses;
  ds.info = {
      {"path", options.dir},
      {"files", {train.images, train.labels, test.images, test.labels}},
      {"train_size", ds.train.size()},
      {"test_size", ds.test.size()},
      {"image_size", ds.image_size()},
  };
  return ds;
}

}  // namespace acc
