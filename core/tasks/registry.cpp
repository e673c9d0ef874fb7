// The task table: every task type, its type-specific options (documented in the README's
// recipe reference) and how to build it. Adding a task = one file + one row here.
#include "tasks/registry.h"

#include "error.h"
#include "tasks/classification.h"
#include "tasks/kl.h"
#include "tasks/layer_metrics.h"
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
}  // namespace

const std::vector<TaskSpec>& task_registry() {
  static const std::vector<TaskSpec> table = {
      {"reconstruction",
       "L1 reconstruction loss; metrics l1, mse, psnr (per-image average, dB)",
       {},
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
      {"kl",
       "KL(q(z|x) || N(0, I)) for VAEs (weight = beta); metrics kl, kl_dim_<i>, active_units",
       {},
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
