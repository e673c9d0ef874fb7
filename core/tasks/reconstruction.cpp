// reconstruction: L1 or MSE training loss and l1 / mse / per-image-average psnr metrics.
#include "tasks/reconstruction.h"

#include "analysis/trivial_baselines.h"
#include "error.h"

namespace acc {
namespace {
constexpr double kMseFloor = 1e-10;
}

ReconstructionTask::ReconstructionTask(TaskConfig config) : Task(std::move(config)) {
  const std::string loss = this->config().options.value("loss", "l1");
  if (loss != "l1" && loss != "mse")
    throw Error(describe() + ": field 'loss' must be l1 or mse, got '" + loss + "'");
  mse_ = loss == "mse";
}

torch::Tensor ReconstructionTask::loss(const ModelOutputs& outputs, const Batch& batch) {
  const torch::Tensor& recon = output(outputs, ModelOutput::RECONSTRUCTION);
  return mse_ ? torch::mse_loss(recon, batch.images) : torch::l1_loss(recon, batch.images);
}

std::optional<double> ReconstructionTask::trivial_loss(const Split& train) const {
  if (train.size() == 0) return std::nullopt;
  const torch::Tensor images = train.images.slice(/*dim=*/0, 0, std::min<int64_t>(train.size(), 2000));
  const TrivialBaselines b = trivial_baselines(images, images);
  return mse_ ? std::min(b.black.mse, b.mean_image.mse) : std::min(b.black.l1, b.mean_image.l1);
}

Metrics ReconstructionTask::evaluate(Model& model, const Dataset& dataset,
                                     const torch::Device& device) {
  double abs_sum = 0.0, sq_sum = 0.0, psnr_sum = 0.0;
  int64_t pixels = 0;
  const Split& test = test_split(dataset);
  for_each_eval_batch(model, test, device, [&](const ModelOutputs& outputs, const Batch& batch) {
    const torch::Tensor err =
        (output(outputs, ModelOutput::RECONSTRUCTION) - batch.images).to(torch::kDouble);
    abs_sum += err.abs().sum().item<double>();
    sq_sum += err.square().sum().item<double>();
    const torch::Tensor mse_i = err.square().flatten(/*start_dim=*/1).mean(/*dim=*/1);
    psnr_sum += (-10.0 * mse_i.clamp_min(kMseFloor).log10()).sum().item<double>();
    pixels += err.numel();
  });
  const double n = static_cast<double>(test.size());
  const double psnr = psnr_sum / n;
  return {{"l1", abs_sum / pixels}, {"mse", sq_sum / pixels}, {"psnr", psnr},
          {"psnr_over_trivial", psnr - trivial_psnr(dataset)}};
}

double ReconstructionTask::trivial_psnr(const Dataset& dataset) {
  auto it = trivial_psnr_.find(&dataset);
  if (it == trivial_psnr_.end()) {
    const TrivialBaselines b = trivial_baselines(dataset.train.size() > 0 ? dataset.train.images : test_split(dataset).images,
                                                 test_split(dataset).images);
    it = trivial_psnr_.emplace(&dataset, std::max(b.black.psnr, b.mean_image.psnr)).first;
  }
  return it->second;
}

}  // namespace acc
