// gmvae_kl: categorical + expected Gaussian KL of the GM-VAE, with per-epoch schedules.
#include "tasks/gmvae_kl.h"

#include <algorithm>
#include <cmath>

#include "analysis/clustering_scores.h"
#include "error.h"

namespace acc {

double GmvaeSchedule::categorical_kl_weight(int64_t epoch) const {
  if (!categorical_kl_anneal) return 1.0;
  const double e = static_cast<double>(std::min(std::max<int64_t>(epoch, 0), categorical_kl_anneal_epochs));
  return categorical_kl_max_weight * e / static_cast<double>(categorical_kl_anneal_epochs);
}

double GmvaeSchedule::entropy_bonus(int64_t epoch) const {
  if (!entropy_bonus_enable) return 0.0;
  const double left = 1.0 - static_cast<double>(std::max<int64_t>(epoch, 0)) / static_cast<double>(entropy_bonus_epochs);
  return entropy_bonus_weight * std::max(0.0, left);
}

GmvaeSchedule GmvaeSchedule::from_options(const nlohmann::json& o, const std::string& where) {
  GmvaeSchedule s;
  s.categorical_kl_anneal = o.value("categorical_kl_anneal", false);
  s.categorical_kl_anneal_epochs = o.value("categorical_kl_anneal_epochs", int64_t{10});
  s.categorical_kl_max_weight = o.value("categorical_kl_max_weight", 1.0);
  s.entropy_bonus_enable = o.value("entropy_bonus_enable", false);
  s.entropy_bonus_weight = o.value("entropy_bonus_weight", 0.1);
  s.entropy_bonus_epochs = o.value("entropy_bonus_epochs", int64_t{10});
  s.categorical_free_bits = o.value("categorical_free_bits", 0.0);
  if (s.categorical_free_bits < 0)
    throw Error(where + ": field 'categorical_free_bits' must be >= 0 nats (0 = off)");
  if (s.categorical_kl_anneal_epochs < 1)
    throw Error(where + ": field 'categorical_kl_anneal_epochs' must be >= 1 (the window in epochs)");
  if (s.entropy_bonus_epochs < 1) throw Error(where + ": field 'entropy_bonus_epochs' must be >= 1 (the window in epochs)");
  if (s.categorical_kl_max_weight < 0 || s.entropy_bonus_weight < 0)
    throw Error(where + ": fields 'categorical_kl_max_weight' and 'entropy_bonus_weight' must be >= 0");
  return s;
}

GmvaeKLTerms gmvae_kl_terms(const torch::Tensor& qc_logits, const torch::Tensor& mu, const torch::Tensor& logvar,
                            const torch::Tensor& component_mu, const torch::Tensor& component_logvar,
                            Reduction reduction) {
  const int64_t k = qc_logits.size(1);
  const torch::Tensor log_q = torch::log_softmax(qc_logits, /*dim=*/1);  // [B, K]
  const torch::Tensor q = log_q.exp();
  GmvaeKLTerms t;
  t.qc_probs = q;
  t.kld_c = (q * (log_q + std::log(static_cast<double>(k)))).sum(/*dim=*/1).mean();
  // [B, 1, D] (shared q(z|x)) or [B, K, D] (q(z|x,c)) against [1, K, D]: the KL of the
  // posterior to every component, reduced over dims.
  const torch::Tensor m = mu.dim() == 3 ? mu : mu.unsqueeze(1), lv = logvar.dim() == 3 ? logvar : logvar.unsqueeze(1);
  const torch::Tensor mk = component_mu.unsqueeze(0), lvk = component_logvar.unsqueeze(0);
  const torch::Tensor kl_bkd = 0.5 * (lvk - lv + (lv.exp() + (m - mk).square()) / lvk.exp() - 1);
  const torch::Tensor kl_bk = per_image_loss(kl_bkd, reduction, /*first_element_dim=*/2);  // [B, K]
  t.kld_z = (q * kl_bk).sum(/*dim=*/1).mean();
  t.batch_entropy = row_entropy(q.mean(/*dim=*/0));
  return t;
}

namespace {
// q(z|x,c) [B, K, D] when the model has one Gaussian per component, else the shared q(z|x).
GmvaeKLTerms terms_of(const ModelOutputs& outputs, Reduction reduction) {
  const bool per_component = outputs.count(ModelOutput::COMPONENT_POSTERIOR_MU) > 0;
  const ModelOutput mu = per_component ? ModelOutput::COMPONENT_POSTERIOR_MU : ModelOutput::MU;
  const ModelOutput logvar = per_component ? ModelOutput::COMPONENT_POSTERIOR_LOGVAR : ModelOutput::LOGVAR;
  return gmvae_kl_terms(outputs.at(ModelOutput::QC_LOGITS), outputs.at(mu), outputs.at(logvar),
                        outputs.at(ModelOutput::COMPONENT_MU), outputs.at(ModelOutput::COMPONENT_LOGVAR), reduction);
}
}  // namespace

GmvaeKLTask::GmvaeKLTask(TaskConfig config)
    : Task(std::move(config)),
      schedule_(GmvaeSchedule::from_options(this->config().options, describe())),
      reduction_(reduction_from_options(this->config().options, describe())) {}

void GmvaeKLTask::check_compatible(const Model& model, const Dataset& dataset) const {
  Task::check_compatible(model, dataset);
  if (config().latent_slice)
    throw Error(describe() + ": field 'latent_slice' does not apply: the mixture prior covers the whole latent; "
                             "remove it");
}

torch::Tensor GmvaeKLTask::loss(const ModelOutputs& outputs, const Batch& /*batch*/) {
  for (ModelOutput o : required_outputs()) output(outputs, o);  // a clear error for a missing one
  const GmvaeKLTerms t = terms_of(outputs, reduction_);
  const double w_c = schedule_.categorical_kl_weight(epoch_);
  const double bonus = schedule_.entropy_bonus(epoch_);
  const MixtureUsage usage = mixture_usage(t.qc_probs);
  last_ = {{"cat_kl_weight", w_c},
           {"entropy_bonus_weight", bonus},
           {"qc_entropy_mean", usage.qc_entropy_mean},
           {"qc_neff", usage.neff},
           {"qc_pmax", usage.pmax},
           {"qc_argmax_counts", usage.argmax_counts}};
  const bool cut = schedule_.categorical_free_bits > 0 && t.kld_c.item<double>() <= schedule_.categorical_free_bits;
  last_["cat_kl_free_bits_cut"] = cut;
  const torch::Tensor kld_c = cut ? t.kld_c.detach() : t.kld_c;
  return w_c * kld_c + t.kld_z - bonus * t.batch_entropy;
}

nlohmann::json GmvaeKLTask::step_diagnostics() const { return last_; }

Metrics GmvaeKLTask::evaluate(Model& model, const Dataset& dataset, const torch::Device& device) {
  double kld_c = 0, kld_z = 0;
  std::vector<torch::Tensor> probs;
  const Split& test = test_split(dataset);
  for_each_eval_batch(model, test, device, [&](const ModelOutputs& outputs, const Batch& batch) {
    const GmvaeKLTerms t = terms_of(outputs, reduction_);
    const double b = static_cast<double>(batch.images.size(0));
    kld_c += t.kld_c.item<double>() * b;
    kld_z += t.kld_z.item<double>() * b;
    probs.push_back(t.qc_probs.cpu());
  });
  const double n = static_cast<double>(test.size());
  const torch::Tensor q = torch::cat(probs);
  const MixtureUsage usage = mixture_usage(q);
  Metrics m = {{"kld_c", kld_c / n},
          {"kld_z", kld_z / n},
          {"loss", (kld_c + kld_z) / n},
          {"qc_entropy_mean", usage.qc_entropy_mean},
          {"neff", usage.neff},
          {"argmax_neff", usage.argmax_neff},
          {"pmax", usage.pmax}};
  if (dataset.has_labels() && test.labels.defined()) {
    const ClusteringScores c = clustering_scores(q.argmax(/*dim=*/1), test.labels, q.size(1), dataset.num_classes);
    m["cluster_accuracy"] = c.accuracy;
    m["purity"] = c.purity;
    m["nmi"] = c.nmi;
    m["components_used"] = static_cast<double>(c.clusters_used);
  }
  return m;
}

}  // namespace acc
