// Task tests: each loss against a value worked out by hand on tiny tensors, latent-slice
// gradient isolation, the compatibility errors users will actually hit, metrics checked
// by behaviour (perfect reconstruction -> huge PSNR, a probe set to the right answer ->
// accuracy 1, constant latents -> no active units), the evaluation loop's mode handling,
// and one short training run. PixelModel, whose outputs are slices of its input, lets a
// test choose exactly what a task sees; to test a new task, build a Dataset with
// make_dataset and a PixelModel with the outputs it needs.
#include <gtest/gtest.h>

#include "test_util.h"

#include <cmath>
#include <numeric>

#include "error.h"
#include "models/registry.h"
#include "tasks/kl.h"
#include "tasks/registry.h"
#include "tasks/regression.h"

namespace acc {
namespace {

const torch::Device kCpu(torch::kCPU);

// LATENT and MU are the first `latent` pixels of the flattened image, LOGVAR is zero,
// RECONSTRUCTION is the image itself; only the outputs asked for are returned.
class PixelModel : public Model {
 public:
  PixelModel(int64_t image_size, int64_t latent, std::set<ModelOutput> outputs)
      : image_size_(image_size), latent_(latent), outputs_(std::move(outputs)) {}

  ModelOutputs forward(const torch::Tensor& x) override {
    const torch::Tensor z = x.flatten(/*start_dim=*/1).narrow(/*dim=*/1, 0, latent_);
    const ModelOutputs all = {{ModelOutput::LATENT, z},
                              {ModelOutput::MU, z},
                              {ModelOutput::LOGVAR, torch::zeros_like(z)},
                              {ModelOutput::RECONSTRUCTION, x}};
    ModelOutputs out;
    for (ModelOutput o : outputs_) out[o] = all.at(o);
    return out;
  }
  torch::Tensor decode(const torch::Tensor& z) override {
    return torch::zeros({z.size(0), 1, image_size_, image_size_});
  }
  std::set<ModelOutput> outputs() const override { return outputs_; }
  int64_t latent_dim() const override { return latent_; }
  ImageShape input_shape() const override { return {1, image_size_, image_size_}; }
  nlohmann::json config() const override { return {{"type", "pixel_model"}}; }

 private:
  int64_t image_size_;
  int64_t latent_;
  std::set<ModelOutput> outputs_;
};

const std::set<ModelOutput> kAllOutputs = {ModelOutput::LATENT, ModelOutput::MU,
                                           ModelOutput::LOGVAR, ModelOutput::RECONSTRUCTION};

Split make_split(int64_t n, int64_t image_size, int64_t num_classes, int64_t num_factors) {
  Split s;
  s.images = torch::rand({n, 1, image_size, image_size});
  if (num_classes > 0) s.labels = torch::randint(num_classes, {n}, torch::kLong);
  if (num_factors > 0) s.factors = torch::rand({n, num_factors});
  return s;
}

// Random images (and labels / factors when asked for) in both splits.
Dataset make_dataset(const std::string& name, int64_t image_size, int64_t num_classes = 0,
                     std::vector<std::string> factor_names = {}, int64_t n_test = 20) {
  Dataset d;
  d.name = name;
  d.source = "test";
  d.num_classes = num_classes;
  d.factor_names = std::move(factor_names);
  const auto f = static_cast<int64_t>(d.factor_names.size());
  d.train = make_split(30, image_size, num_classes, f);
  d.test = make_split(n_test, image_size, num_classes, f);
  return d;
}

TaskPtr make_task(const std::string& type, std::optional<LatentSlice> slice = std::nullopt,
                  nlohmann::json options = nlohmann::json::object()) {
  TaskConfig c;
  c.name = "t_" + type;
  c.type = type;
  c.dataset = "data";
  c.latent_slice = slice;
  c.options = std::move(options);
  return build_task(c);
}

// Overwrites the probe's weight and bias (the test plays the optimiser).
void set_probe(Task& task, const torch::Tensor& weight, const torch::Tensor& bias) {
  torch::NoGradGuard no_grad;
  auto params = task.head()->named_parameters();
  params["probe.weight"].copy_(weight);
  params["probe.bias"].copy_(bias);
}

using test::error_of;

double scalar(const torch::Tensor& t) { return t.item<double>(); }

// ---- losses on hand-computed values -------------------------------------------------

TEST(TaskLoss, ReconstructionIsMeanAbsoluteError) {
  Batch batch;
  batch.images = torch::tensor({0.5f, 0.5f, 0.0f, 0.0f}).view({1, 1, 2, 2});
  const torch::Tensor recon = torch::tensor({0.0f, 0.5f, 1.0f, 0.25f}).view({1, 1, 2, 2});
  // |diffs| = 0.5, 0, 1, 0.25 -> mean 0.4375
  EXPECT_NEAR(
      scalar(make_task("reconstruction")->loss({{ModelOutput::RECONSTRUCTION, recon}}, batch)),
      0.4375, 1e-6);
}

TEST(TaskLoss, ClassificationIsCrossEntropyOfTheProbe) {
  TaskPtr task = make_task("classification");
  EXPECT_EQ(task->head(), nullptr);
  task->bind(PixelModel(4, 3, kAllOutputs), make_dataset("digits", 4, /*num_classes=*/2), kCpu);
  ASSERT_NE(task->head(), nullptr);
  // logits = first two latent columns; the third is ignored by the zero weights.
  set_probe(*task, torch::tensor({1.0f, 0.0f, 0.0f, 0.0f, 1.0f, 0.0f}).view({2, 3}),
            torch::zeros({2}));
  Batch batch;
  batch.labels = torch::tensor({0, 1}, torch::kLong);
  const torch::Tensor z =
      torch::tensor({static_cast<float>(std::log(3.0)), 0.0f, 5.0f, 0.0f, 0.0f, 7.0f}).view({2, 3});
  // row 0: p(0) = 3/4 -> -log(3/4); row 1: p(1) = 1/2 -> log 2
  const double expected = (std::log(4.0 / 3.0) + std::log(2.0)) / 2;
  EXPECT_NEAR(scalar(task->loss({{ModelOutput::LATENT, z}}, batch)), expected, 1e-6);
}

TEST(TaskLoss, ProbeLossBeforeBindIsAnInternalError) {
  TaskPtr task = make_task("classification");
  Batch batch;
  batch.labels = torch::zeros({2}, torch::kLong);
  EXPECT_THROW(task->loss({{ModelOutput::LATENT, torch::zeros({2, 3})}}, batch), c10::Error);
}

TEST(TaskLoss, RegressionIsMeanSquaredErrorOnSelectedFactors) {
  const Dataset data = make_dataset("shapes", 4, 0, {"size", "angle"});
  const torch::Tensor z = torch::tensor({1.0f, 2.0f, 3.0f, 4.0f}).view({2, 2});
  Batch batch;
  batch.factors = torch::tensor({1.0f, 0.0f, 3.0f, 6.0f}).view({2, 2});

  TaskPtr all = make_task("regression");
  all->bind(PixelModel(4, 2, kAllOutputs), data, kCpu);
  set_probe(*all, torch::eye(2), torch::zeros({2}));
  // errors 0, 2, 0, -2 -> mean square 2
  EXPECT_NEAR(scalar(all->loss({{ModelOutput::LATENT, z}}, batch)), 2.0, 1e-6);

  TaskPtr angle = make_task("regression", std::nullopt, {{"factor", "angle"}});
  angle->bind(PixelModel(4, 2, kAllOutputs), data, kCpu);
  set_probe(*angle, torch::tensor({0.0f, 1.0f}).view({1, 2}), torch::zeros({1}));
  // predicts z[:, 1] = 2, 4 against angle = 0, 6 -> (4 + 4) / 2
  EXPECT_NEAR(scalar(angle->loss({{ModelOutput::LATENT, z}}, batch)), 4.0, 1e-6);
}

TEST(TaskLoss, KlMatchesTheFormulaOnAllAndSlicedDimensions) {
  const torch::Tensor mu = torch::tensor({0.0f, 1.0f, 2.0f, 0.0f}).view({2, 2});
  const torch::Tensor logvar =
      torch::tensor({0.0f, static_cast<float>(std::log(2.0)), 0.0f, 0.0f}).view({2, 2});
  const ModelOutputs outputs = {{ModelOutput::MU, mu}, {ModelOutput::LOGVAR, logvar}};
  // terms: 0, 1 - 0.5 log 2, 2, 0
  const double t01 = 1.0 - 0.5 * std::log(2.0);
  EXPECT_NEAR(scalar(make_task("kl")->loss(outputs, Batch{})), (t01 + 2.0) / 4, 1e-6);
  EXPECT_NEAR(scalar(make_task("kl", LatentSlice{1, 2})->loss(outputs, Batch{})), t01 / 2, 1e-6);
}

TEST(TaskLoss, LatentSliceIsolatesGradients) {
  torch::manual_seed(1);
  TaskPtr task = make_task("classification", LatentSlice{2, 4});
  task->bind(PixelModel(4, 6, kAllOutputs), make_dataset("digits", 4, 3), kCpu);
  set_probe(*task, torch::tensor({1.0f, -1.0f, 0.5f, 2.0f, -0.5f, 1.0f}).view({3, 2}),
            torch::zeros({3}));
  const torch::Tensor z = torch::randn({4, 6}, torch::requires_grad());
  Batch batch;
  batch.labels = torch::tensor({0, 1, 2, 1}, torch::kLong);
  task->loss({{ModelOutput::LATENT, z}}, batch).backward();
  const torch::Tensor g = z.grad();
  for (int64_t col : {0, 1, 4, 5}) EXPECT_EQ(scalar(g.select(1, col).abs().sum()), 0.0) << col;
  for (int64_t col : {2, 3}) EXPECT_GT(scalar(g.select(1, col).abs().sum()), 0.0) << col;
}

// ---- compatibility errors ---------------------------------------------------------------

TEST(TaskCompatibility, MissingOutputIsNamed) {
  const std::string msg = error_of([] {
    make_task("kl")->check_compatible(*build_model("linear_ae", {}), make_dataset("mnist", 28));
  });
  EXPECT_NE(msg.find("'t_kl'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("mu"), std::string::npos) << msg;
  EXPECT_NE(msg.find("linear_ae"), std::string::npos) << msg;
  EXPECT_NE(msg.find("latent, reconstruction"), std::string::npos) << msg;
}

TEST(TaskCompatibility, SliceOutsideTheLatent) {
  const std::string msg = error_of([] {
    make_task("classification", LatentSlice{0, 20})
        ->check_compatible(*build_model("conv_ae", {}), make_dataset("mnist", 28, 10));
  });
  EXPECT_EQ(msg,
            "task 't_classification': latent_slice [0, 20) is outside the model's latent (size "
            "16); use 0 <= start < end <= 16");
  EXPECT_NO_THROW(make_task("classification", LatentSlice{12, 16})
                      ->check_compatible(*build_model("conv_ae", {}), make_dataset("m", 28, 10)));
}

TEST(TaskCompatibility, DatasetWithoutLabelsOrFactors) {
  const ModelPtr model = build_model("linear_ae", {});
  const Dataset unlabelled = make_dataset("blobs", 28);
  std::string msg =
      error_of([&] { make_task("classification")->check_compatible(*model, unlabelled); });
  EXPECT_NE(msg.find("'blobs'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("labels"), std::string::npos) << msg;
  EXPECT_NE(msg.find("t_classification"), std::string::npos) << msg;

  msg = error_of([&] { make_task("regression")->check_compatible(*model, unlabelled); });
  EXPECT_NE(msg.find("'blobs'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("factors"), std::string::npos) << msg;

  msg = error_of([&] {
    make_task("regression", std::nullopt, {{"factor", "colour"}})
        ->check_compatible(*model, make_dataset("shapes", 28, 0, {"size", "angle"}));
  });
  EXPECT_NE(msg.find("'colour'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("size, angle"), std::string::npos) << msg;
}

TEST(TaskCompatibility, ImageSizeMismatchSuggestsImageSize) {
  const std::string msg = error_of([] {
    make_task("reconstruction")
        ->check_compatible(*build_model("conv_ae", {}), make_dataset("m32", 32));
  });
  EXPECT_NE(msg.find("1x32x32"), std::string::npos) << msg;
  EXPECT_NE(msg.find("1x28x28"), std::string::npos) << msg;
  EXPECT_NE(msg.find("image_size: 32"), std::string::npos) << msg;
}

// ---- registry and config -------------------------------------------------------------------

TEST(TaskRegistry, UnknownTypeAndOptionErrors) {
  TaskConfig c;
  c.name = "x";
  c.type = "segmentation";
  std::string msg = error_of([&] { build_task(c, "recipe.yaml:9"); });
  EXPECT_NE(msg.find("recipe.yaml:9"), std::string::npos) << msg;
  EXPECT_NE(msg.find("reconstruction, classification, regression, logits_classification, gmvae_kl, kl"), std::string::npos) << msg;

  c.type = "kl";
  c.options = {{"beta", 4}};
  msg = error_of([&] { build_task(c); });
  EXPECT_NE(msg.find("'beta'"), std::string::npos) << msg;
}

TEST(TaskRegistry, ConfigRoundTripsThroughJson) {
  TaskConfig c;
  c.name = "size";
  c.type = "regression";
  c.dataset = "shapes";
  c.weight = 0.5;
  c.latent_slice = LatentSlice{2, 5};
  c.options = {{"factor", "size"}};
  const TaskConfig back = TaskConfig::from_json(c.to_json());
  EXPECT_EQ(back.to_json(), c.to_json());
  ASSERT_TRUE(back.latent_slice);
  EXPECT_EQ(back.latent_slice->size(), 3);
  EXPECT_THROW(TaskConfig::from_json({{"name", "a"}, {"type", "kl"}, {"latent_slice", {3, 1}}}),
               Error);
  EXPECT_FALSE(TaskConfig::from_json({{"name", "a"}, {"type", "kl"}}).latent_slice);
}

// ---- metrics -------------------------------------------------------------------------------

TEST(TaskMetrics, ReconstructionOfAPerfectModelAndOfAnUntrainedOne) {
  const Dataset data = make_dataset("m", 28, 0, {}, /*n_test=*/7);
  const Metrics perfect =
      make_task("reconstruction")
          ->evaluate(*std::make_shared<PixelModel>(28, 1, kAllOutputs), data, kCpu);
  EXPECT_EQ(perfect.at("l1"), 0.0);
  EXPECT_EQ(perfect.at("mse"), 0.0);
  EXPECT_NEAR(perfect.at("psnr"), 100.0, 1e-9);  // the 1e-10 MSE floor

  torch::manual_seed(0);
  const Metrics untrained =
      make_task("reconstruction")->evaluate(*build_model("conv_ae", {}), data, kCpu);
  EXPECT_GT(untrained.at("l1"), 0.01);
  EXPECT_GT(untrained.at("psnr"), 0.0);
  EXPECT_LT(untrained.at("psnr"), 30.0);
}

TEST(TaskMetrics, ClassificationAccuracyFollowsTheProbe) {
  Dataset data = make_dataset("bits", 4, /*num_classes=*/2, {}, /*n_test=*/50);
  // Pixel 0 (= the latent) is the label, so a probe can be set to be exactly right or wrong.
  data.test.images.view({50, -1}).select(1, 0).copy_(data.test.labels.to(torch::kFloat));
  PixelModel model(4, 1, kAllOutputs);
  TaskPtr task = make_task("classification");
  task->bind(model, data, kCpu);

  set_probe(*task, torch::tensor({-1.0f, 1.0f}).view({2, 1}), torch::tensor({0.5f, 0.0f}));
  Metrics m = task->evaluate(model, data, kCpu);
  EXPECT_EQ(m.at("accuracy"), 1.0);
  EXPECT_GT(m.at("loss"), 0.0);

  set_probe(*task, torch::tensor({1.0f, -1.0f}).view({2, 1}), torch::tensor({-0.5f, 0.0f}));
  m = task->evaluate(model, data, kCpu);
  EXPECT_EQ(m.at("accuracy"), 0.0);

  torch::manual_seed(3);
  task->bind(model, data, kCpu);  // a fresh random probe
  m = task->evaluate(model, data, kCpu);
  EXPECT_GE(m.at("accuracy"), 0.0);
  EXPECT_LE(m.at("accuracy"), 1.0);
  EXPECT_TRUE(std::isfinite(m.at("loss")));
}

TEST(TaskMetrics, RegressionOfAnExactProbeAndOfTheMean) {
  Dataset data = make_dataset("shapes", 4, 0, {"size", "angle"});
  data.test.factors.copy_(data.test.images.view({20, -1}).narrow(1, 0, 2));
  PixelModel model(4, 2, kAllOutputs);
  TaskPtr task = make_task("regression");
  task->bind(model, data, kCpu);
  set_probe(*task, torch::eye(2), torch::zeros({2}));
  const Metrics m = task->evaluate(model, data, kCpu);
  EXPECT_NEAR(m.at("mse"), 0.0, 1e-12);
  EXPECT_NEAR(m.at("mae"), 0.0, 1e-6);
  EXPECT_NEAR(m.at("r2"), 1.0, 1e-9);

  const torch::Tensor targets = torch::tensor({1.0, 2.0, 3.0, 5.0, 5.0, 5.0}).view({2, 3}).t();
  const Metrics mean = regression_metrics(targets.mean(0).expand_as(targets), targets);
  EXPECT_NEAR(mean.at("r2"), 0.5,
              1e-12);  // column 0 predicted by its mean: 0; constant column 1: 1
  EXPECT_NEAR(regression_metrics(targets, targets).at("r2"), 1.0, 1e-12);
}

TEST(TaskMetrics, KlPerDimensionAndActiveUnits) {
  Dataset data = make_dataset("m", 4, 0, {}, /*n_test=*/40);
  // Pixels 0 and 1 vary (uniform, variance 1/12); 2 and 3 are constant, so they are inactive.
  data.test.images.view({40, -1}).narrow(1, 2, 2).fill_(0.5);
  PixelModel model(4, 4, kAllOutputs);

  const Metrics all = make_task("kl")->evaluate(model, data, kCpu);
  EXPECT_EQ(all.at("active_units"), 2.0);
  // logvar = 0, so each term is mu^2 / 2.
  const torch::Tensor mu = data.test.images.view({40, -1}).narrow(1, 0, 4).to(torch::kDouble);
  const torch::Tensor per_dim = (0.5 * mu.square()).mean(0);
  for (int64_t i = 0; i < 4; ++i)
    EXPECT_NEAR(all.at("kl_dim_0" + std::to_string(i)), scalar(per_dim[i]), 1e-9);
  EXPECT_NEAR(all.at("kl"), scalar(per_dim.mean()), 1e-9);

  const Metrics sliced = make_task("kl", LatentSlice{1, 3})->evaluate(model, data, kCpu);
  EXPECT_EQ(sliced.size(), 4u);  // kl, kl_dim_01, kl_dim_02, active_units
  EXPECT_TRUE(sliced.count("kl_dim_01") && sliced.count("kl_dim_02"));
  EXPECT_EQ(sliced.at("active_units"), 1.0);
}

TEST(TaskMetrics, EmptyTestSplitIsAUserError) {
  Dataset data = make_dataset("m", 4);
  data.test = Split{};
  const std::string msg = error_of([&] {
    make_task("reconstruction")
        ->evaluate(*std::make_shared<PixelModel>(4, 1, kAllOutputs), data, kCpu);
  });
  EXPECT_NE(msg.find("empty test split"), std::string::npos) << msg;
}

// ---- evaluation loop -----------------------------------------------------------------------

TEST(EvalLoop, VisitsTheSplitInOrderAndRestoresModes) {
  const ModelPtr model = build_model("conv_vae", {});
  const Split split = make_split(7, 28, 0, 0);
  model->train();
  model->named_modules()["encoder.conv1"]->eval();  // e.g. a frozen layer
  std::vector<torch::Tensor> seen;
  for_each_eval_batch(
      *model, split, kCpu,
      [&](const ModelOutputs& out, const Batch& batch) {
        EXPECT_FALSE(model->is_training());
        EXPECT_FALSE(torch::GradMode::is_enabled());
        EXPECT_TRUE(torch::equal(out.at(ModelOutput::LATENT), out.at(ModelOutput::MU)));
        seen.push_back(batch.images);
      },
      /*batch_size=*/3);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen.back().size(0), 1);
  EXPECT_TRUE(torch::equal(torch::cat(seen), split.images));
  EXPECT_TRUE(model->is_training());
  EXPECT_TRUE(torch::GradMode::is_enabled());
  EXPECT_FALSE(model->named_modules()["encoder.conv1"]->is_training());
  EXPECT_TRUE(model->named_modules()["decoder"]->is_training());

  EXPECT_THROW(for_each_eval_batch(*model, split, kCpu,
                                   [](const ModelOutputs&, const Batch&) { throw Error("stop"); }),
               Error);
  EXPECT_TRUE(model->is_training());

  model->eval();
  for_each_eval_batch(*model, split, kCpu, [](const ModelOutputs&, const Batch&) {});
  EXPECT_FALSE(model->is_training());
}

// ---- training ------------------------------------------------------------------------------

TEST(TaskTraining, LinearAeReconstructionLossDecreases) {
  torch::set_num_threads(1);
  torch::manual_seed(0);
  // Images mix four fixed random templates: structured enough for a linear AE to learn.
  const torch::Tensor templates = torch::rand({4, 28 * 28});
  Split train;
  train.images = (torch::rand({512, 4}).matmul(templates) / 4).view({512, 1, 28, 28});

  const ModelPtr model = build_model("linear_ae", {});
  TaskPtr task = make_task("reconstruction");
  torch::optim::Adam optimiser(model->parameters(), torch::optim::AdamOptions(1e-3));
  std::vector<double> losses;
  for (int step = 0; step < 200; ++step) {
    const Batch batch = gather_batch(train, torch::randint(512, {64}, torch::kLong), kCpu);
    const torch::Tensor loss = task->loss(model->forward(batch.images), batch);
    optimiser.zero_grad();
    loss.backward();
    optimiser.step();
    losses.push_back(loss.item<double>());
  }
  const auto mean = [](auto first, auto last) {
    return std::accumulate(first, last, 0.0) / std::distance(first, last);
  };
  const double start = mean(losses.begin(), losses.begin() + 10);
  const double end = mean(losses.end() - 10, losses.end());
  // Measured: about 0.24 -> 0.11; 0.7 leaves room for BLAS rounding differences.
  EXPECT_LT(end, 0.7 * start) << "start " << start << " end " << end;
}

}  // namespace
}  // namespace acc
