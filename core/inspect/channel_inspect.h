// One channel of one layer for one example: the map, a heat map at the input's size, the
// heat over the input, and optionally a probe at (x, y) with its value and the input window
// it reads (inspect/idx_<i>/layer_<id>/ch_<c>/...; docs/run-format.md).
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "eval/artifact_sink.h"
#include "inspect/forward_capture.h"

namespace acc {

void write_channel_inspect(Model& model, const ForwardCapture& capture, const std::string& layer, int64_t channel,
                           const std::optional<std::pair<int64_t, int64_t>>& xy, ArtifactSink& sink);

}  // namespace acc
