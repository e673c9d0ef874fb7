// kl: KL-to-prior loss for VAEs and its per-dimension diagnostics.
#include "tasks/kl.h"

#include <cstdio>

namespace acc {
namespace {
constexpr double kActiveVariance = 0.01;

std::string dim_metric_name(int64_t dim) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "kl_dim_%02lld", static_cast<long long>(dim));
  return buf;
}
}  // namespace

torch::Tensor kl_terms(const torch::Tensor& mu, const torch::Tensor& logvar) {
  return -0.5 * (1 + logvar - mu.square() - logvar.exp());
}

KLTask::KLTask(TaskConfig config)
    : Task(std::move(config)), reduction_(reduction_from_options(this->config().options, describe())) {}

torch::Tensor KLTask::loss(const ModelOutputs& outputs, const Batch& /*batch*/) {
  return reduce_terms(kl_terms(sliced(output(outputs, ModelOutput::MU)), sliced(output(outputs, ModelOutput::LOGVAR))),
                      reduction_);
}

Metrics KLTask::evaluate(Model& model, const Dataset& dataset, const torch::Device& device) {
  torch::Tensor kl_sums;  // [D] sum over images, in double so large splits stay exact
  std::vector<torch::Tensor> mus;
  const Split& test = test_split(dataset);
  for_each_eval_batch(model, test, device, [&](const ModelOutputs& outputs, const Batch&) {
    const torch::Tensor mu = sliced(output(outputs, ModelOutput::MU)).to(torch::kDouble).cpu();
    const torch::Tensor logvar =
        sliced(output(outputs, ModelOutput::LOGVAR)).to(torch::kDouble).cpu();
    const torch::Tensor sums = kl_terms(mu, logvar).sum(/*dim=*/0);
    kl_sums = kl_sums.defined() ? kl_sums + sums : sums;
    mus.push_back(mu);
  });
  const double n = static_cast<double>(test.size());
  const torch::Tensor per_dim = kl_sums / n;
  const torch::Tensor variance = torch::cat(mus).var(/*dim=*/0, /*unbiased=*/false);
  const int64_t first = config().latent_slice ? config().latent_slice->start : 0;

  Metrics m;
  m["kl"] = (reduction_ == Reduction::kSum ? per_dim.sum() : per_dim.mean()).item<double>();
  for (int64_t i = 0; i < per_dim.size(0); ++i)
    m[dim_metric_name(first + i)] = per_dim[i].item<double>();
  m["active_units"] = static_cast<double>((variance > kActiveVariance).sum().item<int64_t>());
  return m;
}

}  // namespace acc
