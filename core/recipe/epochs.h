// Epochs of a train op. acc samples batches with replacement, so an "epoch" is a count of
// steps: one pass over the training set in expectation,
//   steps_per_epoch = ceil(N / batch_size),  N = train-split size of the dataset of the
//   first attached training task;
// step s (1-based, global) belongs to epoch (s - 1) / steps_per_epoch (0-based), and epoch E
// (1-based count) ends at step E * steps_per_epoch.
//
// EpochObserver, attached to every train op, tells tasks the epoch of each step (gmvae_kl's
// schedules read it) and, at the end of every `checkpoint_every` epochs, saves the state as
// node `<branch>_epoch_<E>` (`epoch_<E>` before any node) and writes the epoch artifacts
// (network forward capture; for a GM-VAE also mixture health and sample grids) through a sink in epoch mode,
// labelled with the branch: <kind>/<branch>/<name>_epoch_<E> and <name>_latest.
#pragma once

#include <cstdint>
#include <string>

#include "train/trainer.h"

namespace acc {

struct RecipeContext;

int64_t steps_per_epoch(int64_t train_images, int64_t batch_size);
// The tag of the node saved at the end of epoch `epoch` of a branch whose current tag is `branch`.
std::string epoch_tag(const std::string& branch, int64_t epoch);

struct EpochSettings {
  int64_t steps_per_epoch = 1;
  int64_t checkpoint_every = 0;  // epochs between saved nodes; 0 = none
  bool artifacts = true;         // write the epoch artifacts at each saved epoch
};

class EpochObserver : public TrainObserver {
 public:
  EpochObserver(RecipeContext& ctx, EpochSettings settings);
  void on_step_begin(int64_t step, TrainingState& state) override;
  void on_step_end(const StepReport& report, TrainingState& state) override;

 private:
  void save_epoch(int64_t epoch, bool op_complete);
  void write_artifacts(int64_t epoch, const std::string& node_id, int64_t step);

  RecipeContext& ctx_;
  EpochSettings settings_;
  std::string branch_;  // the current tag when the train op began ("" before any node)
};

}  // namespace acc
