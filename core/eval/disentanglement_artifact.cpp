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
    const MigResult m = mig(codes.means, codes.factors);
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
