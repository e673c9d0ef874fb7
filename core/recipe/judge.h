// The judge of the traversal_effects artifact: a classifier node of the same run, restored
// next to the model being evaluated. Shared by the evaluate op and `acc eval`.
#pragma once

#include <memory>
#include <string>

#include "eval/artifacts.h"
#include "run/checkpoint.h"

namespace acc {

// Why `judge` cannot judge images of `judged` ("" when it can): it must output LOGITS and
// take the same image shape. Used by the plan (before the node exists) and by load_judge.
std::string judge_mismatch(const Model& judge, const Model& judged);

// Restores node `tag` of `store` on `device`. `datasets` must hold its tasks' datasets.
// acc::Error prefixed with `where` when there is no such node or it cannot judge `judged`.
std::shared_ptr<const Judge> load_judge(const CheckpointStore& store, const std::string& tag, const DatasetMap& datasets,
                                        const torch::Device& device, const Model& judged, const std::string& where);

// Sets settings.judge_model when traversal_effects is requested with a judge (load_judge);
// leaves it null otherwise. The one call every evaluation path makes.
void restore_requested_judge(ArtifactSettings& settings, const CheckpointStore& store, const DatasetMap& datasets,
                             const torch::Device& device, const Model& judged, const std::string& where);

}  // namespace acc
