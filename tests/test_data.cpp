// Tests for core/data: the IDX reader/writer and its error messages, the MNIST-format
// directory loader, image resizing, the synthetic generators (determinism, RNG isolation and
// — most important — that each factor really describes what is drawn), and the registry.
//
// How to add a synthetic source here: add a row to kGenerators; the parameterised
// SyntheticTest cases then cover it, and add a behaviour test for its factors below.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "data/idx.h"
#include "data/mnist.h"
#include "data/registry.h"
#include "data/resize.h"
#include "data/synthetic.h"
#include "error.h"
#include "test_util.h"

namespace acc {
namespace {

namespace fs = std::filesystem;

using test::TempDir;

// Path of `name` inside `dir`, as the string the data API takes.
std::string path_in(const TempDir& dir, const std::string& name) { return (dir / name).string(); }

using test::error_of;

torch::Tensor random_bytes(std::vector<int64_t> shape, int64_t seed) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  return torch::randint(/*low=*/0, /*high=*/256, shape, gen, torch::kUInt8);
}

double correlation(torch::Tensor a, torch::Tensor b) {
  a = a.to(torch::kFloat64).flatten();
  b = b.to(torch::kFloat64).flatten();
  a = a - a.mean();
  b = b - b.mean();
  return ((a * b).sum() / (a.norm() * b.norm())).item<double>();
}

// ---- IDX -----------------------------------------------------------------------------

class IdxRoundTrip : public ::testing::TestWithParam<bool> {};

TEST_P(IdxRoundTrip, ImagesAndLabelsSurvive) {
  const bool gzip = GetParam();
  TempDir dir;
  const auto images = random_bytes({5, 7, 6}, /*seed=*/1);
  const auto labels = torch::tensor({3, 0, 9, 255, 1}, torch::kInt64);
  write_idx_images(path_in(dir, "img"), images, gzip);
  write_idx_labels(path_in(dir, "lab"), labels, gzip);

  EXPECT_TRUE(torch::equal(read_idx_images(path_in(dir, "img")), images));
  EXPECT_TRUE(torch::equal(read_idx_labels(path_in(dir, "lab")).to(torch::kInt64), labels));
  EXPECT_FALSE(fs::exists(path_in(dir, "img.tmp")));  // written via a temp name, then renamed
  if (!gzip) {
    EXPECT_EQ(fs::file_size(path_in(dir, "img")), 16u + 5 * 7 * 6);
  }
  std::ifstream in(path_in(dir, "img"), std::ios::binary);
  const int first = in.get();
  EXPECT_EQ(first == 0x1f, gzip);  // gzip magic vs IDX magic's leading zero
}

INSTANTIATE_TEST_SUITE_P(RawAndGzip, IdxRoundTrip, ::testing::Bool());

TEST(Idx, FloatImagesAreRoundedFromUnitRange) {
  TempDir dir;
  write_idx_images(path_in(dir, "img"), torch::tensor({0.0f, 0.5f, 1.0f, 2.0f}).view({1, 1, 2, 2}),
                   /*gzip=*/false);
  EXPECT_TRUE(torch::equal(read_idx_images(path_in(dir, "img")).flatten(),
                           torch::tensor({0, 128, 255, 255}, torch::kUInt8)));
}

TEST(Idx, TruncatedFileNamesFileAndSizes) {
  TempDir dir;
  const std::string path = path_in(dir, "train-images-idx3-ubyte");
  write_idx_images(path, random_bytes({8, 28, 28}, 2), /*gzip=*/false);
  fs::resize_file(path, 16 + 1234);
  const std::string msg = error_of([&] { read_idx_images(path); });
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_NE(msg.find("truncated"), std::string::npos) << msg;
  EXPECT_NE(msg.find("header says 8 images of 28x28 (6272 bytes)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("holds 1234 bytes"), std::string::npos) << msg;
  EXPECT_NE(msg.find("fetch_mnist.sh"), std::string::npos) << msg;
}

TEST(Idx, TruncatedGzipIsAnError) {
  TempDir dir;
  const std::string path = path_in(dir, "img.gz");
  write_idx_images(path, random_bytes({50, 28, 28}, 3), /*gzip=*/true);
  fs::resize_file(path, fs::file_size(path) / 2);
  const std::string msg = error_of([&] { read_idx_images(path); });
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_NE(msg.find("truncated"), std::string::npos) << msg;
}

TEST(Idx, TrailingBytesAreAnError) {
  TempDir dir;
  const std::string path = path_in(dir, "lab");
  write_idx_labels(path, torch::arange(10), /*gzip=*/false);
  std::ofstream(path, std::ios::binary | std::ios::app) << "junk";
  const std::string msg = error_of([&] { read_idx_labels(path); });
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_NE(msg.find("trailing data: header says 10 labels (10 bytes) but the file holds 14"),
            std::string::npos)
      << msg;
}

TEST(Idx, AbsurdHeaderIsRefusedBeforeAllocating) {
  TempDir dir;
  const std::string path = path_in(dir, "img");
  // idx3 header claiming 4e9 images of 65535x65535, followed by no data.
  std::ofstream(path, std::ios::binary)
      .write("\x00\x00\x08\x03\xee\x6b\x28\x00\x00\x00\xff\xff\x00\x00\xff\xff", 16);
  const std::string msg = error_of([&] { read_idx_images(path); });
  EXPECT_NE(msg.find("not plausible"), std::string::npos) << msg;
}

TEST(Idx, WrongMagicNamesFileAndKind) {
  TempDir dir;
  const std::string labels = path_in(dir, "labels-idx1-ubyte.gz");
  write_idx_labels(labels, torch::arange(4), /*gzip=*/true);
  std::string msg = error_of([&] { read_idx_images(labels); });
  EXPECT_NE(msg.find(labels), std::string::npos) << msg;
  EXPECT_NE(msg.find("is an idx1 file"), std::string::npos) << msg;
  EXPECT_NE(msg.find("0x00000803"), std::string::npos) << msg;

  const std::string junk = path_in(dir, "junk");
  std::ofstream(junk, std::ios::binary) << "<html>404 not found</html>";
  msg = error_of([&] { read_idx_labels(junk); });
  EXPECT_NE(msg.find(junk + ": wrong magic number"), std::string::npos) << msg;

  msg = error_of([&] { read_idx_labels(path_in(dir, "absent")); });
  EXPECT_NE(msg.find("absent: cannot open"), std::string::npos) << msg;
}

// ---- MNIST-format directories -----------------------------------------------------------

// Writes a tiny MNIST-layout directory; train files raw, test files gzip'd (both accepted).
void write_tiny_mnist(const TempDir& dir, int64_t n_train, int64_t n_test) {
  write_idx_images(path_in(dir, "train-images-idx3-ubyte"), random_bytes({n_train, 28, 28}, 4),
                   /*gzip=*/false);
  write_idx_labels(path_in(dir, "train-labels-idx1-ubyte"), torch::arange(n_train) % 10, false);
  write_idx_images(path_in(dir, "t10k-images-idx3-ubyte.gz"), random_bytes({n_test, 28, 28}, 5),
                   /*gzip=*/true);
  write_idx_labels(path_in(dir, "t10k-labels-idx1-ubyte.gz"), torch::arange(n_test) % 10, true);
}

TEST(Mnist, LoadsDirectoryAsFloatImages) {
  TempDir dir;
  write_tiny_mnist(dir, /*n_train=*/30, /*n_test=*/12);
  const Dataset ds =
      load_mnist_dir({dir.path().string(), /*image_size=*/28, /*train_limit=*/0, "hint"});
  EXPECT_EQ(ds.train.images.sizes(), (std::vector<int64_t>{30, 1, 28, 28}));
  EXPECT_EQ(ds.test.images.sizes(), (std::vector<int64_t>{12, 1, 28, 28}));
  EXPECT_EQ(ds.train.images.scalar_type(), torch::kFloat32);
  EXPECT_EQ(ds.train.labels.scalar_type(), torch::kInt64);
  EXPECT_EQ(ds.num_classes, 10);
  EXPECT_TRUE(torch::equal(ds.train.labels, torch::arange(30) % 10));
  const auto raw = read_idx_images(path_in(dir, "train-images-idx3-ubyte"));
  EXPECT_TRUE(torch::allclose(ds.train.images.squeeze(1), raw.to(torch::kFloat32) / 255));
  EXPECT_FALSE(ds.train.factors.defined());
}

TEST(Mnist, TrainLimitAndPadding) {
  TempDir dir;
  write_tiny_mnist(dir, 30, 12);
  const Dataset ds =
      load_mnist_dir({dir.path().string(), /*image_size=*/32, /*train_limit=*/7, ""});
  EXPECT_EQ(ds.train.images.sizes(), (std::vector<int64_t>{7, 1, 32, 32}));
  EXPECT_EQ(ds.test.size(), 12);  // the limit applies to train only
  EXPECT_EQ(ds.info["train_size"], 7);
}

TEST(Mnist, OtherSizesResample) {
  TempDir dir;
  write_tiny_mnist(dir, 10, 10);
  const Dataset ds =
      load_mnist_dir({dir.path().string(), /*image_size=*/20, /*train_limit=*/0, ""});
  EXPECT_EQ(ds.train.images.sizes(), (std::vector<int64_t>{10, 1, 20, 20}));
  EXPECT_EQ(ds.train.images.scalar_type(), torch::kFloat32);
  EXPECT_LE(ds.train.images.max().item<float>(), 1);
}

TEST(Mnist, MissingFilesSayHowToFetch) {
  TempDir dir;
  write_tiny_mnist(dir, 10, 10);
  fs::remove(path_in(dir, "t10k-labels-idx1-ubyte.gz"));
  std::string msg = error_of([&] {
    load_mnist_dir({dir.path().string(), 28, 0, "run make data"});
  });
  EXPECT_NE(msg.find("t10k-labels-idx1-ubyte[.gz]: not found; run make data"), std::string::npos)
      << msg;
  msg = error_of([&] { load_mnist_dir({path_in(dir, "nope"), 28, 0, "run make data"}); });
  EXPECT_NE(msg.find("nope: dataset directory not found; run make data"), std::string::npos) << msg;
}

TEST(Mnist, ImageLabelCountMismatchIsAnError) {
  TempDir dir;
  write_tiny_mnist(dir, 10, 10);
  write_idx_labels(path_in(dir, "train-labels-idx1-ubyte"), torch::arange(9), false);
  const std::string msg = error_of([&] { load_mnist_dir({dir.path().string(), 28, 0, ""}); });
  EXPECT_NE(msg.find("holds 10 images but"), std::string::npos) << msg;
}

TEST(Mnist, RealFashionMnistIfInstalled) {
  const std::string path = "/usr/share/datasets/fashion-mnist";
  if (find_idx_file(path, "train-images-idx3-ubyte").empty())
    GTEST_SKIP() << path << " not installed (Debian package dataset-fashion-mnist)";
  const Dataset ds = load_dataset("fashion", "fashion_mnist", nlohmann::json::object(), "./data");
  EXPECT_EQ(ds.train.images.sizes(), (std::vector<int64_t>{60000, 1, 28, 28}));
  EXPECT_EQ(ds.test.images.sizes(), (std::vector<int64_t>{10000, 1, 28, 28}));
  EXPECT_EQ(ds.train.labels.max().item<int64_t>(), 9);
  EXPECT_EQ(ds.name, "fashion");
  EXPECT_EQ(ds.info["source"], "fashion_mnist");
}

// ---- resize -------------------------------------------------------------------------------

TEST(Resize, PadsMnistTo32) {
  const auto x = torch::rand({3, 1, 28, 28});
  const auto y = to_image_size(x, 32);
  ASSERT_EQ(y.sizes(), (std::vector<int64_t>{3, 1, 32, 32}));
  EXPECT_TRUE(torch::equal(y.slice(2, 2, 30).slice(3, 2, 30), x));
  auto border = y.clone();
  border.slice(2, 2, 30).slice(3, 2, 30).zero_();
  EXPECT_EQ(border.abs().max().item<float>(), 0);  // the padding is black
}

TEST(Resize, SameSizeUnchangedOtherSizesBilinear) {
  const auto x = torch::rand({2, 1, 28, 28});
  EXPECT_TRUE(torch::equal(to_image_size(x, 28), x));
  const auto y = to_image_size(x, 56);
  EXPECT_EQ(y.sizes(), (std::vector<int64_t>{2, 1, 56, 56}));
  EXPECT_GE(y.min().item<float>(), 0);
  EXPECT_LE(y.max().item<float>(), 1);
  EXPECT_NEAR(y.mean().item<float>(), x.mean().item<float>(), 0.01);
}

TEST(Resize, BytesStayBytes) {
  const auto x = random_bytes({2, 1, 28, 28}, 6);
  EXPECT_TRUE(torch::equal(to_image_size(x, 32).slice(2, 2, 30).slice(3, 2, 30), x));
  const auto y = to_image_size(x, 14);
  EXPECT_EQ(y.scalar_type(), torch::kUInt8);
  EXPECT_EQ(y.sizes(), (std::vector<int64_t>{2, 1, 14, 14}));
  // Bilinear on bytes matches bilinear on floats up to the final rounding.
  const auto f = to_image_size(x.to(torch::kFloat32) / 255, 14);
  EXPECT_LE((y.to(torch::kFloat32) / 255 - f).abs().max().item<float>(), 0.5f / 255 + 1e-6f);
}

// ---- synthetic generators ---------------------------------------------------------------

struct GeneratorCase {
  const char* source;
  Dataset (*make)(const SyntheticOptions&);
};
// Readable parameter names in ctest output instead of raw bytes.
[[maybe_unused]] void PrintTo(const GeneratorCase& c, std::ostream* os) { *os << c.source; }
const GeneratorCase kGenerators[] = {
    {"shapes", make_shapes},
    {"thickness", make_thickness},
    {"slant", make_slant},
};

class SyntheticTest : public ::testing::TestWithParam<GeneratorCase> {};

SyntheticOptions small(int64_t seed, int64_t n = 200) {
  SyntheticOptions o;
  o.n = n;
  o.seed = seed;
  return o;
}

TEST_P(SyntheticTest, DeterministicFromSeed) {
  const auto make = GetParam().make;
  const Dataset a = make(small(7)), b = make(small(7)), c = make(small(8));
  EXPECT_TRUE(torch::equal(a.train.images, b.train.images));
  EXPECT_TRUE(torch::equal(a.test.factors, b.test.factors));
  EXPECT_FALSE(torch::equal(a.train.images, c.train.images));
  EXPECT_FALSE(torch::equal(a.train.factors, c.train.factors));
}

TEST_P(SyntheticTest, ShapesRangesAndSplit) {
  const Dataset ds = GetParam().make(small(1, /*n=*/100));
  const DatasetSourceSpec* spec = find_dataset_source(GetParam().source);
  ASSERT_NE(spec, nullptr);
  EXPECT_EQ(ds.train.images.sizes(), (std::vector<int64_t>{80, 1, 32, 32}));
  EXPECT_EQ(ds.test.size(), 20);
  EXPECT_EQ(ds.factor_names, spec->factor_names);
  EXPECT_EQ(ds.has_labels(), spec->has_labels);
  EXPECT_EQ(ds.train.factors.sizes(),
            (std::vector<int64_t>{80, int64_t(spec->factor_names.size())}));
  for (const Split* s : {&ds.train, &ds.test}) {
    EXPECT_GE(s->images.min().item<float>(), 0);
    EXPECT_LE(s->images.max().item<float>(), 1);
    EXPECT_GE(s->factors.min().item<float>(), 0);
    EXPECT_LE(s->factors.max().item<float>(), 1);
    // Nothing clipped: the outermost pixel ring stays black.
    const auto& im = s->images;
    EXPECT_EQ(im.select(2, 0).sum().item<float>() + im.select(2, 31).sum().item<float>() +
                  im.select(3, 0).sum().item<float>() + im.select(3, 31).sum().item<float>(),
              0);
    // Every image has ink.
    EXPECT_GT(im.sum({1, 2, 3}).min().item<float>(), 5);
  }
}

TEST_P(SyntheticTest, OtherImageSizes) {
  SyntheticOptions o = small(2, 10);
  o.image_size = 64;
  EXPECT_EQ(GetParam().make(o).train.images.size(-1), 64);
  o.image_size = 8;
  EXPECT_NE(error_of([&] { GetParam().make(o); }).find("image_size"), std::string::npos);
}

TEST_P(SyntheticTest, LeavesGlobalTorchRngAlone) {
  torch::manual_seed(123);
  const auto expected = torch::rand({16});
  torch::manual_seed(123);
  GetParam().make(small(3));
  EXPECT_TRUE(torch::equal(torch::rand({16}), expected));
}

INSTANTIATE_TEST_SUITE_P(All, SyntheticTest, ::testing::ValuesIn(kGenerators),
                         [](const auto& info) { return std::string(info.param.source); });

// Ink-weighted image moments: total ink, centroid (x, y) and central second moments, with
// x to the right and y downwards at pixel centres.
struct Moments {
  torch::Tensor ink, cx, cy, xx, yy, xy;
};
Moments moments(const torch::Tensor& images) {
  const auto w = images.squeeze(1).to(torch::kFloat64);
  const int64_t s = w.size(-1);
  const auto c = torch::arange(s, torch::kFloat64) + 0.5;
  const auto x = c.view({1, 1, s}), y = c.view({1, s, 1});
  Moments m;
  m.ink = w.sum({1, 2});
  const auto avg = [&](const torch::Tensor& v) { return (w * v).sum({1, 2}) / m.ink; };
  m.cx = avg(x);
  m.cy = avg(y);
  const auto dx = x - m.cx.view({-1, 1, 1}), dy = y - m.cy.view({-1, 1, 1});
  m.xx = avg(dx * dx);
  m.yy = avg(dy * dy);
  m.xy = avg(dx * dy);
  return m;
}

TEST(SyntheticFactors, ThickerStrokesHaveMoreInk) {
  const Dataset ds = make_thickness(small(11, 400));
  const double r = correlation(ds.train.factors.select(1, 0), moments(ds.train.images).ink);
  RecordProperty("correlation", std::to_string(r));
  EXPECT_GT(r, 0.5) << "thickness vs ink correlation " << r;
}

TEST(SyntheticFactors, SlantFollowsInkPrincipalAxis) {
  const Dataset ds = make_slant(small(12, 400));
  const Moments m = moments(ds.train.images);
  // Angle of the principal axis from vertical, positive when the top leans right (y is down,
  // so leaning right means x grows as y shrinks: negative xy covariance).
  const auto measured = 0.5 * torch::atan2(-2 * m.xy, m.yy - m.xx) * (180 / M_PI);
  const auto target = ds.train.factors.select(1, 0).to(torch::kFloat64) * 90 - 45;
  const double r = correlation(measured, target);
  RecordProperty("correlation", std::to_string(r));
  EXPECT_GT(r, 0.9) << "slant target vs measured angle correlation " << r;
  EXPECT_LT((measured - target).abs().mean().item<double>(), 6) << "mean error in degrees";
}

TEST(SyntheticFactors, ShapeCentroidTracksXY) {
  const Dataset ds = make_shapes(small(13, 400));
  const Moments m = moments(ds.train.images);
  const double rx = correlation(m.cx, ds.train.factors.select(1, 0));
  const double ry = correlation(m.cy, ds.train.factors.select(1, 1));
  const double rs = correlation(m.ink, ds.train.factors.select(1, 2));  // scale -> area
  RecordProperty("correlations_x_y_scale",
                 std::to_string(rx) + " " + std::to_string(ry) + " " + std::to_string(rs));
  EXPECT_GT(rx, 0.98);
  EXPECT_GT(ry, 0.98);
  EXPECT_GT(rs, 0.8);
  EXPECT_TRUE(torch::equal(ds.train.labels.to(torch::kFloat32) / 2, ds.train.factors.select(1, 3)));
  EXPECT_EQ(ds.train.labels.min().item<int64_t>(), 0);
  EXPECT_EQ(ds.train.labels.max().item<int64_t>(), 2);
}

// ---- registry ---------------------------------------------------------------------------

TEST(DataRegistry, UnknownSourceListsValidNames) {
  const std::string msg = error_of([] { load_dataset("d", "mnits", {}, ".", "recipe.yaml"); });
  EXPECT_NE(msg.find("recipe.yaml: unknown dataset source 'mnits'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("mnist, fashion_mnist, shapes, thickness, slant"), std::string::npos) << msg;
  EXPECT_EQ(dataset_source_names(), "mnist, fashion_mnist, shapes, thickness, slant");
}

TEST(DataRegistry, OptionErrorsNameTheField) {
  std::string msg = error_of([] { resolve_dataset_options("slant", {{"sed", 1}}, "step 2"); });
  EXPECT_NE(msg.find("'sed'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("step 2"), std::string::npos) << msg;
  msg = error_of([] { resolve_dataset_options("shapes", {{"n", "many"}}, ""); });
  EXPECT_NE(msg.find("'n' must be int"), std::string::npos) << msg;
  msg = error_of([] { resolve_dataset_options("thickness", {{"test_fraction", 1.5}}, ""); });
  EXPECT_NE(msg.find("'test_fraction' must be strictly between 0 and 1"), std::string::npos) << msg;
  msg = error_of([] { resolve_dataset_options("mnist", {{"train_limit", -1}}, ""); });
  EXPECT_NE(msg.find("'train_limit'"), std::string::npos) << msg;
}

TEST(DataRegistry, EverySourceResolvesDefaults) {
  for (const auto& spec : dataset_registry()) {
    const auto resolved = resolve_dataset_options(spec.name, nlohmann::json::object(), "");
    for (const auto& option : spec.options) EXPECT_TRUE(resolved.contains(option.name));
    EXPECT_FALSE(spec.description.empty());
  }
}

TEST(DataRegistry, LoadsSyntheticWithInfo) {
  const Dataset ds = load_dataset("t", "thickness", {{"n", 50}, {"seed", 4}}, ".");
  EXPECT_EQ(ds.name, "t");
  EXPECT_EQ(ds.source, "thickness");
  EXPECT_EQ(ds.train.size() + ds.test.size(), 50);
  EXPECT_EQ(ds.info["options"]["seed"], 4);
  EXPECT_EQ(ds.info["options"]["image_size"], 32);
}

TEST(DataRegistry, MnistUsesDataRootAndExplainsMissingData) {
  TempDir root;
  fs::create_directories(path_in(root, "mnist"));
  std::string msg =
      error_of([&] { load_dataset("m", "mnist", {}, root.path().string(), "r.yaml"); });
  EXPECT_NE(msg.find("r.yaml: " + path_in(root, "mnist")), std::string::npos) << msg;
  EXPECT_NE(msg.find("scripts/fetch_mnist.sh"), std::string::npos) << msg;

  TempDir dir;
  write_tiny_mnist(dir, 20, 10);
  fs::rename(dir.path().string(), path_in(root, "mnist2"));
  const Dataset ds = load_dataset(
      "m", "mnist", {{"path", path_in(root, "mnist2")}, {"image_size", 32}}, root.path().string());
  EXPECT_EQ(ds.train.images.sizes(), (std::vector<int64_t>{20, 1, 32, 32}));
  EXPECT_EQ(ds.info["path"], path_in(root, "mnist2"));

  msg = error_of([] { load_dataset("f", "fashion_mnist", {{"path", "/nonexistent"}}, "."); });
  EXPECT_NE(msg.find("dataset-fashion-mnist"), std::string::npos) << msg;
}

TEST(DataRegistry, DefaultDataRootFollowsAccData) {
  const char* old = std::getenv("ACC_DATA");
  const std::string saved = old ? old : "";
  setenv("ACC_DATA", "/tmp/somewhere", /*overwrite=*/1);
  EXPECT_EQ(default_data_root(), "/tmp/somewhere");
  unsetenv("ACC_DATA");
  EXPECT_EQ(default_data_root(), "./data");
  if (old) setenv("ACC_DATA", saved.c_str(), 1);
}

}  // namespace
}  // namespace acc
