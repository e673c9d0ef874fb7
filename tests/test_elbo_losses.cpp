// ELBO-scale losses (issue #19): the `reduction` and `loss: bce` options of reconstruction, kl
// and gmvae_kl against hand computations, the defaults bit for bit equal to the expressions
// acc trained with before the options, the categorical free-bits cut, and the GM-VAE with one
// Gaussian posterior per component (shapes, eval determinism, old configs load as shared).
#include <gtest/gtest.h>

#include "test_util.h"

#include <cmath>

#include "models/gmvae.h"
#include "models/registry.h"
#include "tasks/gmvae_kl.h"
#include "tasks/registry.h"

namespace acc {
namespace {

using test::error_of;

TaskPtr make(const std::string& type, nlohmann::json options = nlohmann::json::object()) {
  TaskConfig c;
  c.name = type;
  c.type = type;
  c.dataset = "d";
  c.options = std::move(options);
  return build_task(c);
}

// Two 2x2 "images": reconstruction, its logits and the target.
struct TinyImages {
  torch::Tensor logits = torch::tensor({{2.0, -1.0, 0.0, 3.0}, {-2.0, 0.5, 1.0, -0.5}}, torch::kDouble).view({2, 1, 2, 2});
  torch::Tensor target = torch::tensor({{1.0, 0.0, 0.5, 1.0}, {0.0, 0.0, 1.0, 0.2}}, torch::kDouble).view({2, 1, 2, 2});
  torch::Tensor recon = torch::sigmoid(logits);
  ModelOutputs outputs() const {
    return {{ModelOutput::RECONSTRUCTION, recon}, {ModelOutput::RECONSTRUCTION_LOGITS, logits}};
  }
  Batch batch() const {
    Batch b;
    b.images = target;
    return b;
  }
  double at(const torch::Tensor& t, int b, int i) const { return t.view({2, 4})[b][i].item<double>(); }
};

TEST(ReconstructionReduction, SumIsPerImageSumAveragedOverTheBatch) {
  TinyImages t;
  double l1 = 0, mse = 0, bce = 0;
  for (int b = 0; b < 2; ++b)
    for (int i = 0; i < 4; ++i) {
      const double r = t.at(t.recon, b, i), x = t.at(t.target, b, i);
      l1 += std::abs(r - x) / 2;
      mse += (r - x) * (r - x) / 2;
      bce += -(x * std::log(r) + (1 - x) * std::log(1 - r)) / 2;  // the Bernoulli negative log-likelihood
    }
  EXPECT_NEAR(make("reconstruction", {{"reduction", "sum"}})->loss(t.outputs(), t.batch()).item<double>(), l1, 1e-12);
  EXPECT_NEAR(make("reconstruction", {{"loss", "mse"}, {"reduction", "sum"}})->loss(t.outputs(), t.batch()).item<double>(),
              mse, 1e-12);
  EXPECT_NEAR(make("reconstruction", {{"loss", "bce"}, {"reduction", "sum"}})->loss(t.outputs(), t.batch()).item<double>(),
              bce, 1e-12);
  EXPECT_NEAR(make("reconstruction", {{"loss", "bce"}})->loss(t.outputs(), t.batch()).item<double>(), bce / 4, 1e-12);
}

TEST(ReconstructionReduction, DefaultsAreBitForBitTheOldExpressions) {
  TinyImages t;
  EXPECT_TRUE(torch::equal(make("reconstruction")->loss(t.outputs(), t.batch()), torch::l1_loss(t.recon, t.target)));
  EXPECT_TRUE(torch::equal(make("reconstruction", {{"loss", "mse"}})->loss(t.outputs(), t.batch()),
                           torch::mse_loss(t.recon, t.target)));
  torch::Tensor mu = torch::tensor({{0.3, -1.2, 2.0}, {0.0, 0.7, -0.1}}, torch::kDouble);
  torch::Tensor lv = torch::tensor({{0.1, -0.4, 0.0}, {1.0, 0.2, -2.0}}, torch::kDouble);
  const ModelOutputs vae = {{ModelOutput::MU, mu}, {ModelOutput::LOGVAR, lv}};
  EXPECT_TRUE(torch::equal(make("kl")->loss(vae, Batch{}), (-0.5 * (1 + lv - mu.square() - lv.exp())).mean()));
  EXPECT_NE(error_of([] { make("kl", {{"reduction", "total"}}); }).find("reduction"), std::string::npos);
}

TEST(ReconstructionReduction, BceFromLogitsStaysFiniteAtExtremeLogits) {
  // sigmoid(+-100) is exactly 1 / 0 in float64, so a probability-based BCE would give inf;
  // from logits the loss of a confident right answer is ~0 and of a confident wrong one ~100.
  const torch::Tensor logits = torch::tensor({100.0, -100.0, 100.0, -100.0}, torch::kDouble).view({1, 1, 2, 2});
  const torch::Tensor target = torch::tensor({1.0, 0.0, 0.0, 1.0}, torch::kDouble).view({1, 1, 2, 2});
  Batch b;
  b.images = target;
  const ModelOutputs out = {{ModelOutput::RECONSTRUCTION, torch::sigmoid(logits)}, {ModelOutput::RECONSTRUCTION_LOGITS, logits}};
  const double loss = make("reconstruction", {{"loss", "bce"}, {"reduction", "sum"}})->loss(out, b).item<double>();
  EXPECT_TRUE(std::isfinite(loss));
  EXPECT_NEAR(loss, 200.0, 1e-9);
}

TEST(KLReduction, SumIsOverLatentDimensionsAveragedOverTheBatch) {
  torch::Tensor mu = torch::tensor({{0.3, -1.2}, {0.0, 0.7}}, torch::kDouble);
  torch::Tensor lv = torch::tensor({{0.1, -0.4}, {1.0, 0.2}}, torch::kDouble);
  double expected = 0;
  for (int b = 0; b < 2; ++b)
    for (int d = 0; d < 2; ++d) {
      const double m = mu[b][d].item<double>(), v = lv[b][d].item<double>();
      expected += 0.5 * (std::exp(v) + m * m - 1 - v) / 2;
    }
  const ModelOutputs vae = {{ModelOutput::MU, mu}, {ModelOutput::LOGVAR, lv}};
  EXPECT_NEAR(make("kl", {{"reduction", "sum"}})->loss(vae, Batch{}).item<double>(), expected, 1e-12);
}

double gauss_kl(double mu, double lv, double m, double lvk) {
  return 0.5 * (lvk - lv + (std::exp(lv) + (mu - m) * (mu - m)) / std::exp(lvk) - 1.0);
}

// B = 1 image, K = 2 components, D = 2 dimensions, with one posterior per component.
struct PerComponent {
  torch::Tensor qc_logits = torch::tensor({{0.4, -0.3}}, torch::kDouble);
  torch::Tensor mu = torch::tensor({{{0.5, -1.0}, {1.5, 0.2}}}, torch::kDouble);     // [1, 2, 2]
  torch::Tensor logvar = torch::tensor({{{0.0, -0.5}, {0.3, 0.1}}}, torch::kDouble);
  torch::Tensor cmu = torch::tensor({{0.0, 0.0}, {1.0, -1.0}}, torch::kDouble);
  torch::Tensor clv = torch::tensor({{0.0, 0.2}, {-0.4, 0.0}}, torch::kDouble);
  double kld_z_sum() const {
    const double z = std::exp(0.4) + std::exp(-0.3);
    const double q[2] = {std::exp(0.4) / z, std::exp(-0.3) / z};
    double s = 0;
    for (int k = 0; k < 2; ++k)
      for (int d = 0; d < 2; ++d)
        s += q[k] * gauss_kl(mu[0][k][d].item<double>(), logvar[0][k][d].item<double>(), cmu[k][d].item<double>(),
                             clv[k][d].item<double>());
    return s;
  }
};

TEST(GmvaeKLReduction, PerComponentPosteriorsAndSumOverDimensionsMatchByHand) {
  PerComponent p;
  const GmvaeKLTerms sum = gmvae_kl_terms(p.qc_logits, p.mu, p.logvar, p.cmu, p.clv, Reduction::kSum);
  EXPECT_NEAR(sum.kld_z.item<double>(), p.kld_z_sum(), 1e-12);
  const GmvaeKLTerms mean = gmvae_kl_terms(p.qc_logits, p.mu, p.logvar, p.cmu, p.clv, Reduction::kMean);
  EXPECT_NEAR(mean.kld_z.item<double>(), p.kld_z_sum() / 2, 1e-12);
  // The task reads the per-component posteriors when the model provides them, not MU / LOGVAR.
  const ModelOutputs outs = {{ModelOutput::QC_LOGITS, p.qc_logits},
                             {ModelOutput::MU, torch::zeros({1, 2}, torch::kDouble)},
                             {ModelOutput::LOGVAR, torch::zeros({1, 2}, torch::kDouble)},
                             {ModelOutput::COMPONENT_POSTERIOR_MU, p.mu},
                             {ModelOutput::COMPONENT_POSTERIOR_LOGVAR, p.logvar},
                             {ModelOutput::COMPONENT_MU, p.cmu},
                             {ModelOutput::COMPONENT_LOGVAR, p.clv}};
  const double kld_c = sum.kld_c.item<double>();
  EXPECT_NEAR(make("gmvae_kl", {{"reduction", "sum"}})->loss(outs, Batch{}).item<double>(), kld_c + p.kld_z_sum(), 1e-12);
}

TEST(GmvaeKLReduction, FreeBitsCutTheCategoricalGradientOnlyBelowTheThreshold) {
  PerComponent p;
  const double kld_c = gmvae_kl_terms(p.qc_logits, p.mu, p.logvar, p.cmu, p.clv).kld_c.item<double>();  // ~0.06 nats
  for (double lambda : {kld_c / 2, kld_c * 2}) {
    torch::Tensor logits = p.qc_logits.clone().requires_grad_(true);
    const ModelOutputs outs = {{ModelOutput::QC_LOGITS, logits},
                               {ModelOutput::MU, torch::zeros({1, 2}, torch::kDouble)},
                               {ModelOutput::LOGVAR, torch::zeros({1, 2}, torch::kDouble)},
                               {ModelOutput::COMPONENT_MU, torch::zeros({2, 2}, torch::kDouble)},
                               {ModelOutput::COMPONENT_LOGVAR, torch::zeros({2, 2}, torch::kDouble)}};
    // Both components equal the posterior, so kld_z = 0 and the gradient is the categorical KL's only.
    TaskPtr task = make("gmvae_kl", {{"categorical_free_bits", lambda}});
    const torch::Tensor loss = task->loss(outs, Batch{});
    EXPECT_NEAR(loss.item<double>(), kld_c, 1e-12);  // the value always counts
    loss.backward();
    const bool cut = lambda > kld_c;
    EXPECT_EQ(task->step_diagnostics()["cat_kl_free_bits_cut"], cut);
    EXPECT_EQ(logits.grad().abs().sum().item<double>() == 0.0, cut) << "lambda " << lambda;
  }
  EXPECT_NE(error_of([] { make("gmvae_kl", {{"categorical_free_bits", -1.0}}); }).find("categorical_free_bits"),
            std::string::npos);
}

TEST(GmvaePerComponent, ShapesEvalDeterminismAndTheChosenComponentsMean) {
  torch::manual_seed(0);
  ModelPtr model = build_model("gmvae", {{"latent", 4}, {"components", 3}, {"output", "sigmoid"}});
  EXPECT_EQ(model->config()["posterior"], "per_component");
  EXPECT_EQ(model->config()["component_sampling"], "gumbel");
  const torch::Tensor x = torch::rand({5, 1, 28, 28});
  model->eval();
  const ModelOutputs a = model->forward(x), b = model->forward(x);
  EXPECT_EQ(a.at(ModelOutput::COMPONENT_POSTERIOR_MU).sizes(), (std::vector<int64_t>{5, 3, 4}));
  EXPECT_EQ(a.at(ModelOutput::MU).sizes(), (std::vector<int64_t>{5, 4}));
  EXPECT_TRUE(torch::equal(a.at(ModelOutput::LATENT), b.at(ModelOutput::LATENT)));
  // In evaluation z is the mean of the most probable component's posterior.
  const torch::Tensor c = a.at(ModelOutput::QC_LOGITS).argmax(1);
  for (int64_t i = 0; i < 5; ++i)
    EXPECT_TRUE(torch::equal(a.at(ModelOutput::LATENT)[i], a.at(ModelOutput::COMPONENT_POSTERIOR_MU)[i][c[i].item<int64_t>()]));
  // Training draws z from the relaxed mixture: different noise, different z, gradients reach q(c|x).
  model->train();
  const ModelOutputs t = model->forward(x);
  EXPECT_FALSE(torch::equal(t.at(ModelOutput::LATENT), a.at(ModelOutput::LATENT)));
  const torch::Tensor g =
      torch::autograd::grad({t.at(ModelOutput::RECONSTRUCTION).sum()}, {t.at(ModelOutput::QC_LOGITS)})[0];
  EXPECT_GT(g.abs().sum().item<double>(), 0.0);
}

TEST(GmvaePerComponent, MarginalSamplingDecodesEveryComponentAndTheLossIsTheirExpectation) {
  torch::manual_seed(0);
  ModelPtr model =
      build_model("gmvae", {{"latent", 4}, {"components", 3}, {"output", "sigmoid"}, {"component_sampling", "marginal"}});
  EXPECT_EQ(model->config()["component_sampling"], "marginal");
  const torch::Tensor x = torch::rand({2, 1, 28, 28});
  model->train();
  const ModelOutputs out = model->forward(x);
  const torch::Tensor recon = out.at(ModelOutput::COMPONENT_RECONSTRUCTION);
  ASSERT_EQ(recon.sizes(), (std::vector<int64_t>{2, 3, 1, 28, 28}));
  // RECONSTRUCTION is the most probable component's decode.
  const torch::Tensor best = out.at(ModelOutput::QC_LOGITS).argmax(1);
  for (int64_t i = 0; i < 2; ++i)
    EXPECT_TRUE(torch::equal(out.at(ModelOutput::RECONSTRUCTION)[i], recon[i][best[i].item<int64_t>()]));
  // The bce-sum loss is sum_c q(c|x) * BCE summed over the image, averaged over the batch, by hand.
  Batch batch;
  batch.images = x;
  const torch::Tensor logits = out.at(ModelOutput::COMPONENT_RECONSTRUCTION_LOGITS).to(torch::kDouble);
  const torch::Tensor q = torch::softmax(out.at(ModelOutput::QC_LOGITS).to(torch::kDouble), 1);
  double expected = 0;
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t c = 0; c < 3; ++c) {
      const torch::Tensor p = torch::sigmoid(logits[i][c]), t = x[i].to(torch::kDouble);
      const double nll = -(t * p.log() + (1 - t) * (1 - p).log()).sum().item<double>();
      expected += q[i][c].item<double>() * nll / 2;
    }
  EXPECT_NEAR(make("reconstruction", {{"loss", "bce"}, {"reduction", "sum"}})->loss(out, batch).item<double>(), expected,
              1e-3 * expected);
  // Evaluation decodes the chosen component only.
  model->eval();
  EXPECT_FALSE(model->forward(x).count(ModelOutput::COMPONENT_RECONSTRUCTION));
}

TEST(GmvaePerComponent, SavedConfigsWithoutThePosteriorFieldLoadAsShared) {
  ModelPtr old = build_model_from_config({{"type", "gmvae"}, {"latent", 4}, {"image_size", 28}, {"components", 3}});
  EXPECT_EQ(old->config()["posterior"], "shared");
  EXPECT_FALSE(old->outputs().count(ModelOutput::COMPONENT_POSTERIOR_MU));
  ModelPtr now = build_model_from_config(
      build_model("gmvae", {{"latent", 4}, {"components", 3}})->config());
  EXPECT_EQ(now->config()["posterior"], "per_component");
  EXPECT_NE(error_of([] { build_model("gmvae", {{"posterior", "both"}}); }).find("per_component or shared"),
            std::string::npos);
}

}  // namespace
}  // namespace acc
