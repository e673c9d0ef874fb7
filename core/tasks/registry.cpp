// The task table: every task type, its type-specific options (documented in the recipe
// reference, docs/recipes.md) and how to build it. Adding a task = one file + one row here.
#include "tasks/registry.h"

#include "error.h"
#include "tasks/classification.h"
#include "tasks/gmvae_kl.h"
#include "tasks/kl.h"
#include "tasks/layer_metrics.h"
#include "tasks/logits_classification.h"
#include "tasks/reconstruction.h"
#include "tasks/regression.h"

namespace acc {
namespace {
template <typename T>
TaskPtr make(TaskConfig config) {
  return std::make_shared<T>(std::move(config));
}

OptionSpec layer_option() {
  return {"layer", OptionType::kString, true, nullptr,
          "layer by module path (e.g. encoder.conv1; linear_ae: encoder); each model's layers are listed under Models"};
}
OptionSpec reduction_option(const std::string& over) {
  return {"reduction", OptionType::kString, false, "mean", "how the loss reduces over " + over};
}
}  // namespace

const std::vector<TaskSpec>& task_registry() {
  static const std::vector<TaskSpec> table = {
      {"reconstruction",
       "reconstruction loss (L1; MSE with loss: mse; Bernoulli with loss: bce), mean per pixel or summed per image; "
       "metrics l1, mse, psnr (per-image average, dB), psnr_over_trivial (psnr minus that of the better of an "
       "all-black and the mean-training-image output; <= 0: nothing learnt), loss (the training loss), bce (per "
       "pixel, loss bce only)",
       {{"loss", OptionType::kString, false, "l1",
         "l1 (absolute error), mse (squared error, as supervised_ae trains) or bce (Bernoulli negative "
         "log-likelihood from the decoder's logits: needs a model with output: sigmoid)"},
        reduction_option("pixels: mean = averaged (torch's default), sum = summed per image and averaged over the "
                         "batch (with bce: the per-image negative log-likelihood)")},
       make<ReconstructionTask>},
      {"classification",
       "linear probe on the latent (slice) predicting class labels; metrics accuracy, loss",
       {},
       make<ClassificationTask>},
      {"regression",
       "linear probe on the latent (slice) predicting ground-truth factors with MSE; metrics "
       "mse, mae, r2",
       {{"factor", OptionType::kString, false, "",
         "factor to predict; empty = every factor of the dataset"}},
       make<RegressionTask>},
      {"logits_classification",
       "cross-entropy of the model's own LOGITS output (supervised_ae's classifier) against class labels; "
       "weight = class_weight; metrics accuracy, loss",
       {},
       make<LogitsClassificationTask>},
      {"gmvae_kl",
       "GM-VAE regulariser (weight = kld_weight): w_c * KL(q(c|x) || uniform) + E_q(c|x)[KL(q(z|x,c) || p(z|c))] "
       "- b * H(batch mean q(c|x)), with optional per-epoch schedules for w_c and b (formulas in docs/experiments.md); "
       "weight 1 with reduction sum and a {loss: bce, reduction: sum} reconstruction is the per-image negative ELBO "
       "(recipes/gmvae.yaml); "
       "metrics kld_c, kld_z, loss, qc_entropy_mean, neff, argmax_neff, pmax and, on labelled data, cluster_accuracy "
       "(Hungarian), purity, nmi, components_used (>= 2% of the test images)",
       {{"categorical_kl_anneal", OptionType::kBool, false, false,
         "ramp the categorical KL weight w_c from 0 to categorical_kl_max_weight across the window (else w_c = 1)"},
        {"categorical_kl_anneal_epochs", OptionType::kInt, false, 10, "anneal window in epochs (>= 1)"},
        {"categorical_kl_max_weight", OptionType::kFloat, false, 1.0, "w_c at and after the window's end"},
        {"entropy_bonus_enable", OptionType::kBool, false, false,
         "subtract b * H(batch mean q(c|x)), b decaying from entropy_bonus_weight to 0 across the window"},
        {"entropy_bonus_weight", OptionType::kFloat, false, 0.1, "b at epoch 0"},
        {"entropy_bonus_epochs", OptionType::kInt, false, 10, "entropy bonus window in epochs (>= 1)"},
        {"categorical_free_bits", OptionType::kFloat, false, 0.0,
         "lambda in nats (0 = off): the categorical KL's gradient applies only while the batch's KL exceeds lambda "
         "(Dilokthanakul et al. 2016)"},
        reduction_option("latent dimensions of the Gaussian KL: mean (default) or sum (the per-image ELBO term)")},
       make<GmvaeKLTask>},
      {"kl",
       "KL(q(z|x) || N(0, I)) for VAEs (weight = beta); metrics kl, kl_dim_<i>, active_units",
       {reduction_option("latent dimensions: mean (default) or sum (the per-image ELBO term)")},
       make<KLTask>},
      {"weight_diversity",
       "evaluation only: mean pairwise cosine similarity of a layer's weight rows (conv kernels "
       "flattened; lower = more diverse); metrics cosine_mean, cosine_abs_mean, cosine_max, rows",
       {layer_option()},
       make<WeightDiversityTask>},
      {"effective_rank",
       "evaluation only: exp(entropy of the normalised singular values) of a layer's weight "
       "matrix (Roy & Vetterli; singular values, not squared); metrics effective_rank, "
       "effective_rank_ratio",
       {layer_option()},
       make<EffectiveRankTask>},
      {"activation_sparsity",
       "evaluation only: how sparsely and evenly a layer's channels fire on the test split; "
       "metrics fraction_active (lower = sparser), fraction_active_var, hoyer, silent_fraction, "
       "dead_fraction, win_rate_max, winners_effective; per-channel win/usage rates as a "
       "`units` artifact",
       {layer_option()},
       make<ActivationSparsityTask>},
  };
  return table;
}

const TaskSpec* find_task_spec(const std::string& type) {
  for (const auto& spec : task_registry())
    if (spec.name == type) return &spec;
  return nullptr;
}

std::string task_type_names() {
  std::string out;
  for (const auto& spec : task_registry()) out += (out.empty() ? "" : ", ") + spec.name;
  return out;
}

TaskPtr build_task(TaskConfig config, const std::string& where) {
  const std::string context = where.empty() ? "task '" + config.name + "'" : where;
  const TaskSpec* spec = find_task_spec(config.type);
  if (!spec)
    throw Error(context + ": unknown task type '" + config.type +
                "'; valid types: " + task_type_names());
  config.options = resolve_options(spec->options, config.options, context);
  return spec->build(std::move(config));
}

}  // namespace acc
