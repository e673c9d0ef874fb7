// The disentanglement artifact: for every dataset with ground-truth factors (the synthetic
// shapes, thickness and slant sets), its test split encoded to latent means and scored with
// MIG, SAP, DCI and the slot-by-factor R² matrix (one group of the model per row). The
// headline scores are also returned as metrics, so they land on the node and `acc compare`
// can put branches side by side.
#include "analysis/dci.h"
#include "analysis/mig.h"
#include "analysis/sap.h"
#include "analysis/slot_r2.h"
#include "eval/artifacts.h"
#include "eval/json_numbers.h"

namespace acc {

namespace disentanglement_detail {

// True when factor column `f` partitions the rows exactly as the labels do (shapes' `shape`
// factor is its class label / 2): adding the label again would count one factor twice.
bool factor_is_the_label(const torch::Tensor& factor, const torch::Tensor& labels) {
  const auto pairs = torch::stack({labels.to(torch::kDouble), factor.to(torch::kDouble)}, 1);
  const int64_t classes = std::get<0>(torch::_unique(labels)).numel();
  return std::get<0>(torch::unique_dim(pairs, 0)).size(0) == classes &&
         std::get<0>(torch::_unique(factor)).numel() == classes;
}

// MIG's factors: the ground-truth columns plus, for a labelled set whose factors do not
// already hold it, the class label as one more (discrete) factor. MIG estimates mutual
// information from discrete values, so an unordered label fits it; SAP, DCI and the slot R²
// are linear fits, which would treat digit identity as an ordered number, so they keep the
// continuous factors only.
std::pair<torch::Tensor, std::vector<std::string>> mig_factors(const LatentCodes& codes, const Dataset& d) {
  std::vector<std::string> names = d.factor_names;
  if (!codes.labels.defined()) return {codes.factors, names};
  for (int64_t f = 0; f < codes.factors.size(1); ++f)
    if (factor_is_the_label(codes.factors.select(1, f), codes.labels)) return {codes.factors, names};
  names.push_back("label");
  return {torch::cat({codes.factors, codes.labels.to(torch::kFloat).unsqueeze(1)}, 1), names};
}

}  // namespace disentanglement_detail

void write_disentanglement(ArtifactRun& run) {
  std::vector<std::string> names = run.settings.factor_datasets;
  if (names.empty())
    for (const auto& [name, d] : run.datasets)
      if (usable_factor_set(run.model, *d)) names.push_back(name);
  const auto groups = run.model.latent_groups();
  std::vector<std::pair<int64_t, int64_t>> slices;
  std::vector<std::string> slice_names;
  for (const auto& g : groups) {
    slices.emplace_back(g.start, g.end);
    slice_names.push_back(g.name);
  }
  for (const auto& name : names) {
    const Dataset& d = *run.datasets.at(name);
    const LatentCodes codes = encode_split(run.model, d, "test", run.device);
    const auto [with_label, mig_names] = disentanglement_detail::mig_factors(codes, d);
    const MigResult m = mig(codes.means, with_label);
    const SapResult s = sap(codes.means, codes.factors);
    const DciResult c = dci(codes.means, codes.factors);
    const SlotR2Result r = slot_r2(codes.means, codes.factors, slices, slice_names);
    run.sink.write_json("eval", "disentanglement_" + name,
                        {{"format", "acc.disentanglement"},
                         {"version", 1},
                         {"dataset", name},
                         {"split", "test"},
                         {"n", codes.size()},
                         {"source_output", codes.source_output},
                         {"factors", d.factor_names},
                         {"mig_factors", mig_names},
                         {"groups", slice_names},
                         {"mig", m.to_json()},
                         {"sap", s.to_json()},
                         {"dci", c.to_json()},
                         {"slot_r2", r.to_json()}});
    auto optional_number = [](const std::optional<double>& v) { return v ? json_number(*v) : nlohmann::json(); };
    nlohmann::json scores = {{"mig", optional_number(m.score)}, {"sap", optional_number(s.score)}};
    scores["dci_disentanglement"] = optional_number(c.disentanglement);
    scores["dci_completeness"] = optional_number(c.completeness);
    scores["dci_informativeness"] = json_number(c.informativeness);
    for (size_t g = 0; g < slice_names.size(); ++g)
      for (size_t f = 0; f < d.factor_names.size(); ++f)
        scores["r2_" + slice_names[g] + "_" + d.factor_names[f]] =
            json_number(r.r2[static_cast<int64_t>(g)][static_cast<int64_t>(f)].item<double>());
    // Metrics are numbers or absent: a score that is undefined (DCI disentanglement with
    // one factor) is left out rather than recorded as null.
    nlohmann::json clean = nlohmann::json::object();
    for (const auto& [k, v] : scores.items())
      if (v.is_number()) clean[k] = v;
    run.metrics["disentanglement." + name] = clean;
  }
}

}  // namespace acc
