// Supervised AE and GM-VAE (issue #9): the loss formulas against hand computations on tiny
// tensors, both GM-VAE schedules at window start / middle / end, mixture-health numbers on a
// constructed q(c|x), deterministic sampling, and per-epoch artifacts with latest mirrors
// from real (shrunk) recipe runs.
#include <gtest/gtest.h>

#include "test_util.h"

#include <cmath>
#include <fstream>
#include <sstream>

#include "analysis/mixture_usage.h"
#include "eval/artifact_sink.h"
#include "eval/mixture_artifacts.h"
#include "models/registry.h"
#include "recipe/epochs.h"
#include "run/event_log.h"
#include "tasks/gmvae_kl.h"
#include "tasks/registry.h"
#include "util/json_io.h"

namespace acc {
namespace {

using test::error_of;
using test::run_acc;
using test::TempDir;

TaskPtr make_gmvae_task(const std::string& type, nlohmann::json options = nlohmann::json::object(), double weight = 1.0) {
  TaskConfig c;
  c.name = type;
  c.type = type;
  c.dataset = "d";
  c.weight = weight;
  c.options = std::move(options);
  return build_task(c);
}

std::string file_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// --- supervised_ae ---------------------------------------------------------------------

TEST(SupervisedAE, OutputsLogitsOfTheClassifierOnTheLatent) {
  torch::manual_seed(0);
  ModelPtr model = build_model("supervised_ae", {{"latent", 8}, {"classes", 10}});
  const ModelOutputs out = model->forward(torch::rand({3, 1, 28, 28}));
  EXPECT_EQ(out.at(ModelOutput::LOGITS).sizes(), (std::vector<int64_t>{3, 10}));
  EXPECT_EQ(out.at(ModelOutput::LATENT).sizes(), (std::vector<int64_t>{3, 8}));
  EXPECT_EQ(out.at(ModelOutput::RECONSTRUCTION).sizes(), (std::vector<int64_t>{3, 1, 28, 28}));
  EXPECT_EQ(model->config()["classes"], 10);
}

TEST(SupervisedAE, LossIsMsePlusClassWeightTimesCrossEntropyByHand) {
  // Two images of 2 pixels, 3 classes: every term computed by hand.
  Batch batch;
  batch.images = torch::tensor({0.0f, 1.0f, 0.5f, 0.25f}).view({2, 1, 1, 2});
  batch.labels = torch::tensor({2, 0}, torch::kLong);
  ModelOutputs out;
  out[ModelOutput::RECONSTRUCTION] = torch::tensor({0.5f, 1.0f, 0.0f, 0.25f}).view({2, 1, 1, 2});
  out[ModelOutput::LOGITS] = torch::tensor({{1.0f, 2.0f, 3.0f}, {0.0f, 0.0f, 0.0f}});
  const double mse = (0.25 + 0 + 0.25 + 0) / 4.0;
  const double ce0 = -(3.0 - std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0)));
  const double ce1 = std::log(3.0);
  const double ce = (ce0 + ce1) / 2.0;
  TaskPtr recon = make_gmvae_task("reconstruction", {{"loss", "mse"}});
  TaskPtr cls = make_gmvae_task("logits_classification", nlohmann::json::object(), /*weight=*/0.7);
  EXPECT_NEAR(recon->loss(out, batch).item<double>(), mse, 1e-7);
  EXPECT_NEAR(cls->loss(out, batch).item<double>(), ce, 1e-6);
  // The trainer's sum: loss = MSE + class_weight * CE.
  const double total = recon->loss(out, batch).item<double>() * recon->config().weight +
                       cls->loss(out, batch).item<double>() * cls->config().weight;
  EXPECT_NEAR(total, mse + 0.7 * ce, 1e-6);
  // The default reconstruction loss stays L1: training semantics never change silently.
  EXPECT_NEAR(make_gmvae_task("reconstruction")->loss(out, batch).item<double>(), (0.5 + 0 + 0.5 + 0) / 4.0, 1e-7);
  EXPECT_NE(error_of([] { make_gmvae_task("reconstruction", {{"loss", "huber"}}); }).find("must be l1, mse or bce"), std::string::npos);
}

// --- gmvae_kl --------------------------------------------------------------------------

// KL(N(mu, e^lv) || N(m, e^lvk)) of one dimension, by the textbook formula.
double gauss_kl(double mu, double lv, double m, double lvk) {
  return 0.5 * (lvk - lv + (std::exp(lv) + (mu - m) * (mu - m)) / std::exp(lvk) - 1.0);
}

struct TinyGmvae {
  // B = 2 images, K = 2 components, D = 2 latent dimensions.
  torch::Tensor qc_logits = torch::tensor({{0.0f, 1.0f}, {2.0f, -1.0f}}, torch::kDouble);
  torch::Tensor mu = torch::tensor({{0.5f, -1.0f}, {0.0f, 2.0f}}, torch::kDouble);
  torch::Tensor logvar = torch::tensor({{0.0f, -0.5f}, {0.3f, 0.0f}}, torch::kDouble);
  torch::Tensor cmu = torch::tensor({{0.0f, 0.0f}, {1.0f, -1.0f}}, torch::kDouble);
  torch::Tensor clv = torch::tensor({{0.0f, 0.2f}, {-0.4f, 0.0f}}, torch::kDouble);
  ModelOutputs outputs() const {
    return {{ModelOutput::QC_LOGITS, qc_logits}, {ModelOutput::MU, mu}, {ModelOutput::LOGVAR, logvar},
            {ModelOutput::COMPONENT_MU, cmu}, {ModelOutput::COMPONENT_LOGVAR, clv}};
  }
  // The expected terms with plain loops.
  void expected(double& kld_c, double& kld_z, double& batch_entropy) const {
    kld_c = kld_z = 0;
    double pbar[2] = {0, 0};
    for (int b = 0; b < 2; ++b) {
      const double l0 = qc_logits[b][0].item<double>(), l1 = qc_logits[b][1].item<double>();
      const double z = std::exp(l0) + std::exp(l1);
      const double q[2] = {std::exp(l0) / z, std::exp(l1) / z};
      for (int k = 0; k < 2; ++k) {
        kld_c += q[k] * std::log(q[k] * 2.0) / 2.0;
        double kl = 0;
        for (int d = 0; d < 2; ++d)
          kl += gauss_kl(mu[b][d].item<double>(), logvar[b][d].item<double>(), cmu[k][d].item<double>(),
                         clv[k][d].item<double>()) / 2.0;  // mean over dimensions
        kld_z += q[k] * kl / 2.0;                           // mean over the batch
        pbar[k] += q[k] / 2.0;
      }
    }
    batch_entropy = -(pbar[0] * std::log(pbar[0]) + pbar[1] * std::log(pbar[1]));
  }
};

TEST(GmvaeKL, TermsMatchAHandComputation) {
  TinyGmvae t;
  double kld_c, kld_z, h;
  t.expected(kld_c, kld_z, h);
  const GmvaeKLTerms terms = gmvae_kl_terms(t.qc_logits, t.mu, t.logvar, t.cmu, t.clv);
  EXPECT_NEAR(terms.kld_c.item<double>(), kld_c, 1e-12);
  EXPECT_NEAR(terms.kld_z.item<double>(), kld_z, 1e-12);
  EXPECT_NEAR(terms.batch_entropy.item<double>(), h, 1e-12);
  // Unscheduled task loss = kld_c + kld_z; the trainer multiplies by kld_weight.
  TaskPtr task = make_gmvae_task("gmvae_kl", nlohmann::json::object(), /*weight=*/2.5);
  EXPECT_NEAR(task->loss(t.outputs(), Batch{}).item<double>(), kld_c + kld_z, 1e-12);
  // A uniform q(c|x) has zero categorical KL; a posterior equal to its component has zero kld_z.
  const auto uniform = gmvae_kl_terms(torch::zeros({1, 4}), torch::zeros({1, 3}), torch::zeros({1, 3}),
                                      torch::zeros({4, 3}), torch::zeros({4, 3}));
  EXPECT_NEAR(uniform.kld_c.item<double>(), 0.0, 1e-7);
  EXPECT_NEAR(uniform.kld_z.item<double>(), 0.0, 1e-7);
  EXPECT_NEAR(uniform.batch_entropy.item<double>(), std::log(4.0), 1e-6);
}

TEST(GmvaeKL, SchedulesAtWindowStartMiddleAndEnd) {
  GmvaeSchedule off;
  EXPECT_EQ(off.categorical_kl_weight(0), 1.0);
  EXPECT_EQ(off.categorical_kl_weight(7), 1.0);
  EXPECT_EQ(off.entropy_bonus(0), 0.0);
  GmvaeSchedule s = GmvaeSchedule::from_options({{"categorical_kl_anneal", true},
                                                 {"categorical_kl_anneal_epochs", 4},
                                                 {"categorical_kl_max_weight", 0.8},
                                                 {"entropy_bonus_enable", true},
                                                 {"entropy_bonus_weight", 0.3},
                                                 {"entropy_bonus_epochs", 6}},
                                                "t");
  EXPECT_DOUBLE_EQ(s.categorical_kl_weight(0), 0.0);   // start
  EXPECT_DOUBLE_EQ(s.categorical_kl_weight(2), 0.4);   // middle
  EXPECT_DOUBLE_EQ(s.categorical_kl_weight(4), 0.8);   // end
  EXPECT_DOUBLE_EQ(s.categorical_kl_weight(9), 0.8);   // after: stays at the max
  EXPECT_DOUBLE_EQ(s.entropy_bonus(0), 0.3);           // start
  EXPECT_DOUBLE_EQ(s.entropy_bonus(3), 0.15);          // middle
  EXPECT_DOUBLE_EQ(s.entropy_bonus(6), 0.0);           // end
  EXPECT_DOUBLE_EQ(s.entropy_bonus(10), 0.0);          // after
  EXPECT_NE(error_of([] { GmvaeSchedule::from_options({{"categorical_kl_anneal_epochs", 0}}, "recipe.yaml:9"); })
                .find("categorical_kl_anneal_epochs"),
            std::string::npos);

  // The task applies them per epoch: loss = w_c(e) * kld_c + kld_z - b(e) * H.
  TinyGmvae t;
  double kld_c, kld_z, h;
  t.expected(kld_c, kld_z, h);
  TaskPtr task = make_gmvae_task("gmvae_kl", {{"categorical_kl_anneal", true},
                                        {"categorical_kl_anneal_epochs", 4},
                                        {"categorical_kl_max_weight", 0.8},
                                        {"entropy_bonus_enable", true},
                                        {"entropy_bonus_weight", 0.3},
                                        {"entropy_bonus_epochs", 6}});
  for (const auto& [epoch, w_c, b] : std::vector<std::tuple<int64_t, double, double>>{
           {0, 0.0, 0.3}, {2, 0.4, 0.2}, {3, 0.6, 0.15}, {4, 0.8, 0.1}, {6, 0.8, 0.0}}) {
    task->set_epoch(epoch);
    EXPECT_NEAR(task->loss(t.outputs(), Batch{}).item<double>(), w_c * kld_c + kld_z - b * h, 1e-12) << epoch;
    const nlohmann::json d = task->step_diagnostics();
    EXPECT_NEAR(d["cat_kl_weight"].get<double>(), w_c, 1e-12);
    EXPECT_NEAR(d["entropy_bonus_weight"].get<double>(), b, 1e-12);
    ASSERT_EQ(d["qc_argmax_counts"].size(), 2u);
    EXPECT_EQ(d["qc_argmax_counts"][0].get<int64_t>() + d["qc_argmax_counts"][1].get<int64_t>(), 2);
  }
}

TEST(MixtureUsage, NumbersOnAConstructedPosterior) {
  // Four images, three components; row 3 is a tie between components 0 and 1.
  const torch::Tensor q = torch::tensor({{1.0, 0.0, 0.0}, {0.0, 1.0, 0.0}, {0.5, 0.5, 0.0}, {0.0, 0.0, 1.0}});
  const MixtureUsage u = mixture_usage(q);
  ASSERT_EQ(u.p.size(), 3u);
  EXPECT_NEAR(u.p[0], 0.375, 1e-12);
  EXPECT_NEAR(u.p[1], 0.375, 1e-12);
  EXPECT_NEAR(u.p[2], 0.25, 1e-12);
  EXPECT_NEAR(u.psum, 1.0, 1e-12);
  const double h = -(2 * 0.375 * std::log(0.375) + 0.25 * std::log(0.25));
  EXPECT_NEAR(u.entropy, h, 1e-12);
  EXPECT_NEAR(u.neff, std::exp(h), 1e-12);
  EXPECT_NEAR(u.pmax, 0.375, 1e-12);
  EXPECT_EQ(u.argmax_counts, (std::vector<int64_t>{2, 1, 1}));  // the tie goes to component 0
  EXPECT_NEAR(u.argmax_neff, std::exp(-(0.5 * std::log(0.5) + 2 * 0.25 * std::log(0.25))), 1e-12);
  EXPECT_NEAR(u.qc_entropy_mean, std::log(2.0) / 4.0, 1e-12);  // only the tie row is uncertain
  // Collapse: every image on one component.
  const MixtureUsage c = mixture_usage(torch::tensor({{0.0, 1.0}, {0.0, 1.0}}));
  EXPECT_NEAR(c.neff, 1.0, 1e-12);
  EXPECT_EQ(c.argmax_counts, (std::vector<int64_t>{0, 2}));
}

// --- sampling ----------------------------------------------------------------------------

Dataset tiny_dataset(int64_t n = 6) {
  Dataset d;
  d.name = "tiny";
  torch::manual_seed(5);
  d.test.images = torch::rand({n, 1, 28, 28});
  d.train.images = torch::rand({n, 1, 28, 28});
  return d;
}

TEST(GmvaeSamples, DeterministicForASeedAndTheGlobalGeneratorIsUntouched) {
  torch::manual_seed(1);
  ModelPtr model = build_model("gmvae", {{"latent", 4}, {"components", 3}});
  const Dataset d = tiny_dataset();
  TempDir dir;
  auto write = [&](const std::string& label, std::optional<uint64_t> seed) {
    ArtifactSink sink(dir.path(), label, "", 7, nullptr);
    write_prior_component_samples(*model, d, 5, seed, torch::kCPU, sink);
    write_posterior_local_samples(*model, d, 2, 5, seed, torch::kCPU, sink);
  };
  torch::manual_seed(99);
  write("a", std::nullopt);
  const torch::Tensor after = torch::rand({4});
  torch::manual_seed(99);
  const torch::Tensor without = torch::rand({4});
  EXPECT_TRUE(torch::equal(after, without)) << "writing samples consumed the global generator";
  write("b", std::nullopt);
  write("c", 1234);
  for (int c = 0; c < 3; ++c) {
    const std::string name = "prior_component_c_" + std::to_string(c) + "_m_5_step_7.png";
    EXPECT_EQ(file_bytes(dir / ("samples/a/" + name)), file_bytes(dir / ("samples/b/" + name)));
    EXPECT_NE(file_bytes(dir / ("samples/a/" + name)), file_bytes(dir / ("samples/c/" + name)));
  }
  const auto meta = read_json_file(dir / "samples/c/posterior_local_idx_2_m_5_step_7.json");
  EXPECT_EQ(meta["kind"], "posterior_local");
  EXPECT_EQ(meta["seed"], 1234 + 2);
  EXPECT_EQ(meta["seed_override"], true);
  EXPECT_EQ(meta["m"], 5);
  EXPECT_EQ(meta["qc_probs"].size(), 3u);
  EXPECT_TRUE(meta["compute_ms"].is_number());
  EXPECT_EQ(file_bytes(dir / "samples/a/posterior_local_idx_2_m_5_step_7.png"),
            file_bytes(dir / "samples/b/posterior_local_idx_2_m_5_step_7.png"));
  ArtifactSink sink(dir.path(), "x", "", 7, nullptr);
  EXPECT_NE(error_of([&] { write_posterior_local_samples(*model, d, 6, 5, std::nullopt, torch::kCPU, sink); })
                .find("outside the test split"),
            std::string::npos);
}

TEST(GmvaeSamples, MixtureHealthArtifactMatchesTheUsageOfTheModelsPosterior) {
  torch::manual_seed(2);
  ModelPtr model = build_model("gmvae", {{"latent", 4}, {"components", 3}});
  const Dataset d = tiny_dataset();
  TempDir dir;
  ArtifactSink sink(dir.path(), "br", "", 12, nullptr);
  sink.use_epoch(3);
  write_mixture_health(*model, d, 4, torch::kCPU, sink);
  const auto j = read_json_file(dir / "mixture/br/mixture_health_epoch_3.json");
  EXPECT_EQ(file_bytes(dir / "mixture/br/mixture_health_epoch_3.json"), file_bytes(dir / "mixture/br/mixture_health_latest.json"));
  model->eval();
  torch::NoGradGuard no_grad;
  const MixtureUsage u =
      mixture_usage(torch::softmax(model->forward(d.test.images.slice(0, 0, 4)).at(ModelOutput::QC_LOGITS), 1));
  EXPECT_EQ(j["epoch"], 3);
  EXPECT_EQ(j["n"], 4);
  EXPECT_EQ(j["sample_indices_ref"]["count"], 4);
  EXPECT_EQ(j["components"], 3);
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(j["p"][k].get<double>(), u.p[k], 1e-5);
  EXPECT_NEAR(j["neff"].get<double>(), u.neff, 1e-5);
  EXPECT_EQ(j["argmax_counts"].get<std::vector<int64_t>>(), u.argmax_counts);
  EXPECT_EQ(j["top"].size(), 3u);
  EXPECT_GE(j["top"][0]["p"].get<double>(), j["top"][1]["p"].get<double>());
}

// --- epochs and recipes ------------------------------------------------------------------

TEST(Epochs, StepsPerEpochAndTags) {
  EXPECT_EQ(steps_per_epoch(256, 64), 4);
  EXPECT_EQ(steps_per_epoch(257, 64), 5);
  EXPECT_EQ(epoch_tag("init", 3), "init_epoch_3");
  EXPECT_EQ(epoch_tag("", 1), "epoch_1");
}

// The gmvae recipe shrunk: 256 training images in batches of 64 = 4 steps per epoch, 2 epochs.
TEST(GmvaeRecipe, WritesArtifactsPerEpochWithLatestMirrorsAndLogsTheDiagnostics) {
  if (!test::mnist_available()) GTEST_SKIP() << "MNIST not fetched (make data)";
  TempDir dir;
  const auto r = run_acc("run gmvae -q --runs " + dir.path().string() +
                         " --run-id g --set epochs=2 --set batch_size=64 --set train_limit=256 --set test_limit=32"
                         " --set components=3 --set categorical_kl_anneal=true --set categorical_kl_anneal_epochs=2"
                         " --set entropy_bonus_enable=true --set entropy_bonus_weight=0.5 --set entropy_bonus_epochs=2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto run = dir / "g";
  for (int e : {1, 2}) {
    const auto health = read_json_file(run / ("mixture/init/mixture_health_epoch_" + std::to_string(e) + ".json"));
    EXPECT_EQ(health["epoch"], e);
    EXPECT_EQ(health["step"], 4 * e);
    EXPECT_EQ(health["components"], 3);
    for (int c = 0; c < 3; ++c)
      EXPECT_TRUE(std::filesystem::exists(run / ("samples/init/prior_component_c_" + std::to_string(c) + "_m_16_epoch_" +
                                                 std::to_string(e) + ".png")));
  }
  EXPECT_EQ(file_bytes(run / "mixture/init/mixture_health_latest.json"),
            file_bytes(run / "mixture/init/mixture_health_epoch_2.json"));
  EXPECT_EQ(file_bytes(run / "samples/init/prior_component_c_1_m_16_latest.png"),
            file_bytes(run / "samples/init/prior_component_c_1_m_16_epoch_2.png"));
  // One node per epoch, and the epoch artifacts are announced with their epoch.
  std::vector<std::string> saved;
  int epoch_artifacts = 0, network_epoch_1 = 0;
  std::vector<nlohmann::json> metrics;
  for (const auto& e : read_events(run / "events.jsonl")) {
    if (e["type"] == "checkpoint.saved") saved.push_back(e["payload"]["tag"]);
    if (e["type"] == "artifact.created" && e["payload"].contains("epoch")) {
      const std::string kind = e["payload"]["kind"];
      if (kind == "mixture" || kind == "samples") ++epoch_artifacts;
      if (kind == "network" && e["payload"]["epoch"] == 1) ++network_epoch_1;
    }
    if (e["type"] == "train.metrics") metrics.push_back(e["payload"]);
  }
  EXPECT_EQ(saved, (std::vector<std::string>{"init", "init_epoch_1", "init_epoch_2"}));
  EXPECT_EQ(epoch_artifacts, 2 * (1 + 2 * 3 + 2));  // health + 3 prior grids (png, json) + posterior (png, json)
  // The network forward capture of the first fixed image, per epoch, with the GM-VAE's latent.
  EXPECT_GT(network_epoch_1, 4);
  const auto sample = read_json_file(run / "config.json")["visualization_samples"]["mnist"][0].get<int64_t>();
  const auto latent = read_json_file(run / ("network/init/forward/idx_" + std::to_string(sample) + "/latent_epoch_2.json"));
  EXPECT_EQ(latent["qc_probs"].size(), 3u) << latent.dump().substr(0, 300);

  // acc inspect on an epoch node of the GM-VAE: posterior-local samples of any test row, and
  // the conv step of its first layer, recomputed equal to the captured activation.
  const auto ins = run_acc("inspect g/init_epoch_2 --index 5 --posterior-samples 4 --seed 7 --layer encoder.conv1"
                           " --conv-step --runs " + dir.path().string());
  ASSERT_EQ(ins.exit_code, 0) << ins.output;
  const auto post = read_json_file(run / "samples/init_epoch_2/posterior_local_idx_5_m_4_step_8.json");
  EXPECT_EQ(post["seed"], 7 + 5);
  EXPECT_EQ(post["qc_probs"].size(), 3u);
  bool conv_step = false;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(run / "network/init_epoch_2/conv_step"))
    if (entry.path().filename() == "conv_step_step_8.json") {
      const auto j = read_json_file(entry.path());
      EXPECT_EQ(j["match"], true) << j.dump();
      conv_step = true;
    }
  EXPECT_TRUE(conv_step);
  const auto bad = run_acc("inspect g/init_epoch_2 --index 5 --posterior-samples 0 --runs " + dir.path().string());
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.output.find("--posterior-samples 0 must be at least 1"), std::string::npos) << bad.output;
  ASSERT_EQ(metrics.size(), 8u);  // 8 steps <= 500: one event per step
  // Epoch 0 (steps 1-4): w_c = 0, b = 0.5; epoch 1 (steps 5-8): w_c = 0.5, b = 0.25.
  EXPECT_DOUBLE_EQ(metrics[0]["cat_kl_weight"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(metrics[0]["entropy_bonus_weight"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(metrics[4]["cat_kl_weight"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(metrics[4]["entropy_bonus_weight"].get<double>(), 0.25);
  for (const char* key : {"qc_entropy_mean", "qc_neff", "qc_pmax", "qc_argmax_counts"}) EXPECT_TRUE(metrics[7].contains(key)) << key;
  EXPECT_EQ(metrics[7]["qc_argmax_counts"].size(), 3u);

  // Clustering scores: per epoch in mixture health, and the confusion and the k-means baselines
  // (one table) from the final evaluate, all over the 32 test images.
  const auto health = read_json_file(run / "mixture/init/mixture_health_epoch_2.json");
  EXPECT_GE(health["clustering"]["accuracy"].get<double>(), 0.0);
  EXPECT_LE(health["clustering"]["purity"].get<double>(), 1.0);
  const auto confusion = read_json_file(run / "clusters/init_epoch_2/cluster_confusion_latest.json");
  ASSERT_EQ(confusion["scores"]["confusion"].size(), 3u);
  int64_t counted = 0;
  for (const auto& row : confusion["scores"]["confusion"])
    for (const auto& cell : row) counted += cell.get<int64_t>();
  EXPECT_EQ(counted, 32);
  EXPECT_TRUE(std::filesystem::exists(run / "clusters/init_epoch_2/cluster_confusion_latest.png"));
  const auto baselines = read_json_file(run / "clusters/init_epoch_2/cluster_baselines_latest.json");
  ASSERT_EQ(baselines["rows"].size(), 3u);
  EXPECT_EQ(baselines["rows"][0]["method"], "gmvae");
  EXPECT_EQ(baselines["rows"][1]["method"], "kmeans_pixels");
  EXPECT_EQ(baselines["rows"][2]["method"], "kmeans_latent_means");
  EXPECT_DOUBLE_EQ(baselines["rows"][0]["accuracy"].get<double>(), confusion["scores"]["accuracy"].get<double>());
  EXPECT_LE(baselines["rows"][1]["clusters_used"].get<int64_t>(), 3);
  // acc export writes q(c|x) of every exported point: [n, 3] float32.
  const auto out = dir / "export";
  const auto ex = run_acc("export g/init_epoch_2 --threads 1 --out " + out.string() + " --runs " + dir.path().string());
  ASSERT_EQ(ex.exit_code, 0) << ex.output;
  const auto manifest = read_json_file(out / "manifest.json");
  EXPECT_EQ(manifest["files"]["qc.npy"]["shape"], nlohmann::json({manifest["n"], 3}));
}

TEST(SupervisedAERecipe, TrainsPerEpochAndReportsAccuracy) {
  if (!test::mnist_available()) GTEST_SKIP() << "MNIST not fetched (make data)";
  TempDir dir;
  const auto r = run_acc("run supervised_ae -q --runs " + dir.path().string() +
                         " --run-id s --set epochs=2 --set batch_size=64 --set train_limit=128 --set test_limit=32");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto summary = read_json_file(dir / "s" / "summary.json");
  EXPECT_EQ(summary["status"], "completed");
  std::vector<std::string> tags;
  for (const auto& c : summary["checkpoints"]) tags.push_back(c["tag"]);
  EXPECT_EQ(tags, (std::vector<std::string>{"init", "init_epoch_1", "init_epoch_2"}));
  const auto& m = summary["final_metrics"]["init_epoch_2"];
  EXPECT_TRUE(m["class"].contains("accuracy")) << summary.dump();
  EXPECT_TRUE(m["recon"].contains("mse"));
}

TEST(EpochsRecipe, TrainNeedsExactlyOneOfStepsAndEpochsAndForksFromEpochNodes) {
  if (!test::mnist_available()) GTEST_SKIP() << "MNIST not fetched (make data)";
  TempDir dir;
  const std::string head =
      "name: e\nops:\n  - {op: load_dataset, name: mnist, train_limit: 100, test_limit: 10}\n"
      "  - {op: create_model, model: gmvae, latent: 4, components: 2}\n"
      "  - {op: attach_task, task: reconstruction, name: recon, dataset: mnist, loss: mse}\n"
      "  - {op: attach_task, task: gmvae_kl, name: kld, dataset: mnist}\n";
  test::write_text(dir / "both.yaml", head + "  - {op: train, steps: 3, epochs: 2}\n");
  const auto both = run_acc("run " + (dir / "both.yaml").string() + " --dry-run");
  EXPECT_NE(both.exit_code, 0);
  EXPECT_NE(both.output.find("give exactly one of 'steps' and 'epochs', not both"), std::string::npos) << both.output;
  // 100 images / batch 50 = 2 steps per epoch; no node before the train op, so tags are epoch_<E>.
  test::write_text(dir / "fork.yaml", head + "  - {op: train, epochs: 2, batch_size: 50}\n"
                                            "  - {op: fork, from: epoch_1, tag: again}\n"
                                            "  - {op: train, steps: 1, batch_size: 50}\n");
  const auto plan = run_acc("run " + (dir / "fork.yaml").string() + " --dry-run");
  EXPECT_EQ(plan.exit_code, 0) << plan.output;
  EXPECT_NE(plan.output.find("saves epoch_1 .. epoch_2"), std::string::npos) << plan.output;
  test::write_text(dir / "nofork.yaml", head + "  - {op: train, epochs: 1, batch_size: 50}\n"
                                              "  - {op: fork, from: epoch_2, tag: again}\n");
  const auto missing = run_acc("run " + (dir / "nofork.yaml").string() + " --dry-run");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.output.find("no node tagged 'epoch_2'"), std::string::npos) << missing.output;
  const auto real = run_acc("run " + (dir / "fork.yaml").string() + " -q --runs " + dir.path().string() + " --run-id f");
  ASSERT_EQ(real.exit_code, 0) << real.output;
  EXPECT_TRUE(std::filesystem::exists(dir / "f" / "mixture" / "_" / "mixture_health_epoch_2.json"));
}

}  // namespace
}  // namespace acc
