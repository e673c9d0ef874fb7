// reconstruction: L1 / MSE / Bernoulli (bce) training loss, mean or per-image-sum, and
// l1 / mse / per-image-average psnr metrics.
#include "tasks/reconstruction.h"

#include "analysis/trivial_baselines.h"
#include "error.h"

namespace acc {
namespace {
constexpr double kMseFloor = 1e-10;
// The mean image's probabilities are kept this far from 0 and 1 for the trivial bce, so a
// pixel that is always background in the sample does not make the baseline infinite.
constexpr double kTrivialProbabilityFloor = 1e-6;

ReconstructionLoss loss_from_name(const std::string& name, const std::string& where) {
  if (name == "l1") return ReconstructionLoss::kL1;
  if (name == "mse") return ReconstructionLoss::kMse;
  if (name == "bce") return ReconstructionLoss::kBce;
  throw Error(where + ": field 'loss' must be l1, mse or bce, got '" + name + "'");
}
}  // namespace

torch::Tensor reconstruction_terms(ReconstructionLoss loss, const torch::Tensor& recon, const torch::Tensor& logits,
                                   const torch::Tensor& images) {
  namespace F = torch::nn::functional;
  switch (loss) {
    case ReconstructionLoss::kL1: return (recon - images).abs();
    case ReconstructionLoss::kMse: return (recon - images).square();
    case ReconstructionLoss::kBce:
      return F::binary_cross_entropy_with_logits(
          logits, images, F::BinaryCrossEntropyWithLogitsFuncOptions().reduction(torch::kNone));
  }
  throw Error("reconstruction: unknown loss");
}

ReconstructionTask::ReconstructionTask(TaskConfig config) : Task(std::move(config)) {
  loss_ = loss_from_name(this->config().options.value("loss", "l1"), describe());
  reduction_ = reduction_from_options(this->config().options, describe());
}

std::set<ModelOutput> ReconstructionTask::required_outputs() const {
  if (loss_ == ReconstructionLoss::kBce) return {ModelOutput::RECONSTRUCTION, ModelOutput::RECONSTRUCTION_LOGITS};
  return {ModelOutput::RECONSTRUCTION};
}

void ReconstructionTask::check_compatible(const Model& model, const Dataset& dataset) const {
  if (loss_ == ReconstructionLoss::kBce && !model.outputs().count(ModelOutput::RECONSTRUCTION_LOGITS))
    throw Error(describe() + ": loss bce reads the decoder's logits, which model '" + model_type(model) +
                "' only produces when built with output: sigmoid; add `output: sigmoid` to its create_model op "
                "or use loss l1 or mse");
  Task::check_compatible(model, dataset);
}

torch::Tensor ReconstructionTask::loss(const ModelOutputs& outputs, const Batch& batch) {
  const torch::Tensor& recon = output(outputs, ModelOutput::RECONSTRUCTION);
  if (outputs.count(ModelOutput::COMPONENT_RECONSTRUCTION) && outputs.count(ModelOutput::QC_LOGITS))
    return expected_component_loss(outputs, batch);
  // The defaults stay torch's own reductions, bit for bit what acc trained before `reduction`.
  if (reduction_ == Reduction::kMean && loss_ == ReconstructionLoss::kL1) return torch::l1_loss(recon, batch.images);
  if (reduction_ == Reduction::kMean && loss_ == ReconstructionLoss::kMse) return torch::mse_loss(recon, batch.images);
  const torch::Tensor logits =
      loss_ == ReconstructionLoss::kBce ? output(outputs, ModelOutput::RECONSTRUCTION_LOGITS) : torch::Tensor();
  return reduce_terms(reconstruction_terms(loss_, recon, logits, batch.images), reduction_);
}

torch::Tensor ReconstructionTask::expected_component_loss(const ModelOutputs& outputs, const Batch& batch) const {
  const torch::Tensor& recon = outputs.at(ModelOutput::COMPONENT_RECONSTRUCTION);  // [B, K, C, H, W]
  torch::Tensor logits;
  if (loss_ == ReconstructionLoss::kBce) {
    if (!outputs.count(ModelOutput::COMPONENT_RECONSTRUCTION_LOGITS))
      throw Error(describe() + ": loss bce needs the per-component logits; build the model with output: sigmoid");
    logits = outputs.at(ModelOutput::COMPONENT_RECONSTRUCTION_LOGITS);
  }
  const torch::Tensor terms = reconstruction_terms(loss_, recon, logits, batch.images.unsqueeze(1).expand_as(recon));
  const torch::Tensor per_image = per_image_loss(terms, reduction_, /*first_element_dim=*/2);  // [B, K]
  const torch::Tensor q = torch::softmax(outputs.at(ModelOutput::QC_LOGITS), /*dim=*/1);
  return (q * per_image).sum(/*dim=*/1).mean();
}

std::optional<double> ReconstructionTask::trivial_loss(const Split& train) const {
  if (train.size() == 0) return std::nullopt;
  const torch::Tensor images = train.images.slice(/*dim=*/0, 0, std::min<int64_t>(train.size(), 2000));
  const double scale = reduction_ == Reduction::kSum ? static_cast<double>(images[0].numel()) : 1.0;
  if (loss_ == ReconstructionLoss::kBce) {
    // Black has infinite Bernoulli loss on any ink pixel, so the mean image is the baseline.
    const torch::Tensor p =
        images.to(torch::kDouble).mean(/*dim=*/0, /*keepdim=*/true).clamp(kTrivialProbabilityFloor, 1 - kTrivialProbabilityFloor);
    const torch::Tensor logits = (p / (1 - p)).log().expand_as(images);
    return scale * reconstruction_terms(loss_, torch::Tensor(), logits, images.to(torch::kDouble)).mean().item<double>();
  }
  const TrivialBaselines b = trivial_baselines(images, images);
  return scale * (loss_ == ReconstructionLoss::kMse ? std::min(b.black.mse, b.mean_image.mse)
                                                    : std::min(b.black.l1, b.mean_image.l1));
}

Metrics ReconstructionTask::evaluate(Model& model, const Dataset& dataset, const torch::Device& device) {
  double abs_sum = 0.0, sq_sum = 0.0, psnr_sum = 0.0, bce_sum = 0.0, loss_sum = 0.0;
  int64_t pixels = 0;
  const Split& test = test_split(dataset);
  for_each_eval_batch(model, test, device, [&](const ModelOutputs& outputs, const Batch& batch) {
    const torch::Tensor& recon = output(outputs, ModelOutput::RECONSTRUCTION);
    const torch::Tensor err = (recon - batch.images).to(torch::kDouble);
    abs_sum += err.abs().sum().item<double>();
    sq_sum += err.square().sum().item<double>();
    const torch::Tensor mse_i = err.square().flatten(/*start_dim=*/1).mean(/*dim=*/1);
    psnr_sum += (-10.0 * mse_i.clamp_min(kMseFloor).log10()).sum().item<double>();
    pixels += err.numel();
    const torch::Tensor logits =
        loss_ == ReconstructionLoss::kBce ? output(outputs, ModelOutput::RECONSTRUCTION_LOGITS) : torch::Tensor();
    const torch::Tensor terms = reconstruction_terms(loss_, recon, logits, batch.images).to(torch::kDouble);
    if (loss_ == ReconstructionLoss::kBce) bce_sum += terms.sum().item<double>();
    // Summed over the batch's images here, divided by the image count below: the training
    // loss for either reduction (mean: each image's sum over its pixels count).
    const double per_image_elements = reduction_ == Reduction::kMean ? static_cast<double>(terms[0].numel()) : 1.0;
    loss_sum += terms.sum().item<double>() / per_image_elements;
  });
  const double n = static_cast<double>(test.size());
  const double psnr = psnr_sum / n;
  Metrics m = {{"l1", abs_sum / pixels}, {"mse", sq_sum / pixels}, {"psnr", psnr},
               {"psnr_over_trivial", psnr - trivial_psnr(dataset)}, {"loss", loss_sum / n}};
  if (loss_ == ReconstructionLoss::kBce) m["bce"] = bce_sum / pixels;
  return m;
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
