// gmvae_kl: the regulariser of the Gaussian-mixture VAE (models/gmvae.h). With the task's
// weight = kld_weight (default 1.0) and a `reconstruction` task, a recipe trains exactly
//
//   loss = recon(reconstruction, input) + kld_weight * (w_c(e) * C(kld_c) + kld_z - b(e) * H(p_batch))
//
//   kld_c = mean_batch KL(q(c|x) || uniform) = mean_batch sum_k q_k (log q_k + log K)
//   kld_z = mean_batch sum_k q_k * KL(q(z|x,k) || p(z|c=k)), KL of two diagonal Gaussians,
//           KL_d = 0.5 * (lv_k - lv + (exp(lv) + (mu - m_k)^2) / exp(lv_k) - 1),
//           with mu, lv the k-th component's posterior (COMPONENT_POSTERIOR_MU / _LOGVAR) when
//           the model has one per component, else the shared q(z|x) (MU / LOGVAR),
//           summed over latent dimensions with `reduction: sum` (the per-image ELBO term) or
//           averaged over them with `reduction: mean` (the default, as before the option).
//   C(kld_c) = kld_c, except with categorical_free_bits = lambda > 0 (Dilokthanakul et al.
//           2016): while the batch's kld_c is at or below lambda nats its gradient is cut
//           (the value still counts), so the categorical posterior may sharpen that far
//           without being pushed back toward uniform.
//
// With `reconstruction` {loss: bce, reduction: sum}, reduction: sum and kld_weight 1 (the
// defaults of recipes/gmvae.yaml) the loss is exactly the per-image negative ELBO in nats:
//   -ELBO = -E_q[log p(x|z)] + KL(q(c|x) || p(c)) + E_q(c|x)[KL(q(z|x) || p(z|c))].
//   p_batch = mean_batch q(c|x), H its entropy (nats): the entropy bonus rewards using many
//           components across the batch. (A bonus on each image's own entropy would only undo
//           kld_c, since KL(q || uniform) = log K - H(q).)
//
// Per-epoch schedules (e = 0-based epoch of the step: (step - 1) / steps_per_epoch, see the
// train op's "Epochs"); both off by default, giving w_c = 1 and b = 0, i.e. the plain loss:
//   categorical_kl_anneal:  w_c(e) = categorical_kl_max_weight * min(e, E_c) / E_c   (0 -> max)
//   entropy_bonus_enable:   b(e)   = entropy_bonus_weight * max(0, 1 - e / E_b)     (weight -> 0)
// with E_c = categorical_kl_anneal_epochs, E_b = entropy_bonus_epochs.
#pragma once

#include "analysis/mixture_usage.h"
#include "tasks/reduction.h"
#include "tasks/task.h"

namespace acc {

struct GmvaeSchedule {
  bool categorical_kl_anneal = false;
  int64_t categorical_kl_anneal_epochs = 10;
  double categorical_kl_max_weight = 1.0;
  bool entropy_bonus_enable = false;
  double entropy_bonus_weight = 0.1;
  int64_t entropy_bonus_epochs = 10;

  double categorical_kl_weight(int64_t epoch) const;
  double entropy_bonus(int64_t epoch) const;
  double categorical_free_bits = 0.0;  // lambda in nats; 0 = off

  // From the task's resolved options; acc::Error naming the field for a window < 1 or a
  // negative weight.
  static GmvaeSchedule from_options(const nlohmann::json& options, const std::string& where);
};

struct GmvaeKLTerms {
  torch::Tensor kld_c;            // scalar
  torch::Tensor kld_z;            // scalar
  torch::Tensor batch_entropy;    // H(p_batch), scalar
  torch::Tensor qc_probs;         // [B, K]
};

// `reduction` is over latent dimensions of the Gaussian KL (the categorical KL is per image).
// mu / logvar: [B, D] (one q(z|x) for every component) or [B, K, D] (q(z|x,c)).
GmvaeKLTerms gmvae_kl_terms(const torch::Tensor& qc_logits, const torch::Tensor& mu, const torch::Tensor& logvar,
                            const torch::Tensor& component_mu, const torch::Tensor& component_logvar,
                            Reduction reduction = Reduction::kMean);

class GmvaeKLTask : public Task {
 public:
  explicit GmvaeKLTask(TaskConfig config);

  std::set<ModelOutput> required_outputs() const override {
    return {ModelOutput::MU, ModelOutput::LOGVAR, ModelOutput::QC_LOGITS, ModelOutput::COMPONENT_MU,
            ModelOutput::COMPONENT_LOGVAR};
  }
  // Adds: no latent slice (the mixture prior is over the whole latent).
  void check_compatible(const Model& model, const Dataset& dataset) const override;
  torch::Tensor loss(const ModelOutputs& outputs, const Batch& batch) override;
  // Test split: kld_c, kld_z, loss (w_c = 1, no bonus: the unscheduled objective), the
  // usage numbers of analysis/mixture_usage.h (qc_entropy_mean, neff, argmax_neff, pmax)
  // and, when the split has labels, the clustering scores of analysis/clustering_scores.h
  // of the argmax component: cluster_accuracy, purity, nmi, components_used.
  Metrics evaluate(Model& model, const Dataset& dataset, const torch::Device& device) override;
  void set_epoch(int64_t epoch) override { epoch_ = epoch; }
  // cat_kl_weight, entropy_bonus_weight, qc_entropy_mean, qc_neff, qc_pmax, qc_argmax_counts
  // of the last training batch.
  nlohmann::json step_diagnostics() const override;

 private:
  GmvaeSchedule schedule_;
  Reduction reduction_ = Reduction::kMean;
  int64_t epoch_ = 0;
  nlohmann::json last_ = nullptr;
};

}  // namespace acc
