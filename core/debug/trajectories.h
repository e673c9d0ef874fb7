// Trajectories of watched features: one point per step while watched (paused or running),
// {step, weight_cos_to_init, win_rate, grad_magnitude, gate}, where weight_cos_to_init is
// the cosine between the feature's weight now and at the step its watch began.
//
// Memory is bounded: a feature keeps at most `cap` points. When a record would exceed it,
// every other point is dropped and the feature's stride doubles (it then records every
// 2nd, 4th, ... step), so a long run keeps an even, coarser record of its whole history.
// unwatch keeps a feature's record; watching it again starts a new one.
#pragma once

#include <torch/torch.h>

#include <map>
#include <nlohmann/json.hpp>
#include <vector>

#include "debug/trajectories_cap.h"

namespace acc {

struct TrajectoryPoint {
  int64_t step;
  double weight_cos_to_init, win_rate, grad_magnitude, gate;
};

class Trajectories {
 public:
  explicit Trajectories(size_t cap = kTrajectoryCap) : cap_(cap) {}

  // weight_rows [C, D]: the layer's weights now (each watch's reference). acc::Error for a
  // feature outside 0..C-1.
  void watch(const std::vector<int64_t>& features, const torch::Tensor& weight_rows, int64_t step);
  void unwatch(const std::vector<int64_t>& features);
  std::vector<int64_t> watched() const;
  bool empty() const { return watched().empty(); }

  // One step: weight_rows [C, D] after the update; per-feature [C] columns of this batch.
  void record(int64_t step, const torch::Tensor& weight_rows, const torch::Tensor& win_rate,
              const torch::Tensor& grad_magnitude, const torch::Tensor& gate);

  size_t points(int64_t feature) const;
  // {cap, watched, features: {"id": {since, stride, watching, points: [...]}}, pairwise:
  //  {step, features, matrix}} — pairwise: cosines of the watched features' weights now.
  nlohmann::json to_json(const torch::Tensor& weight_rows, int64_t step) const;

 private:
  struct Track {
    int64_t since = 0;
    int64_t stride = 1;
    int64_t seen = 0;  // steps offered since the watch began
    bool watching = true;
    torch::Tensor initial;  // [D] double
    std::vector<TrajectoryPoint> points;
  };
  size_t cap_;
  std::map<int64_t, Track> tracks_;
};

}  // namespace acc
