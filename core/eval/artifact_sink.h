// ArtifactSink: where one evaluation's artifacts go. Every artifact is a file under the run
// directory, by kind and node:
//   <kind>/<label>/<name>_step_<N>.<ext>   the versioned file (label = node tag)
//   <kind>/<label>/<name>_latest.<ext>     the newest version for that node (a hard link)
// A sink in epoch mode (use_epoch, for the artifacts a train op writes at each epoch end)
// versions files as <name>_epoch_<E> instead, with label = the training branch's tag, so
// <name>_latest is the branch's newest epoch; its events carry `epoch` as well.
// `name` may contain '/' (network/<label>/forward/idx_3/input_epoch_2.png): subdirectories
// are created.
// and each write is announced by an `artifact.created` event {kind, name, node, tag, step,
// path, latest, format} (paths relative to the run directory). Files shared by every node
// (a dataset's thumbnail sprite sheets) go under <kind>/ and are written once.
// All writes are atomic (temporary file + rename), so a reader never sees half a file.
#pragma once

#include <torch/torch.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "run/event_log.h"

namespace acc {

struct ArtifactRecord {
  std::string kind, name, path, latest, format;
};

class ArtifactSink {
 public:
  // `events` may be null (nothing announced; tests).
  ArtifactSink(std::filesystem::path run_dir, std::string label, std::string node_id, int64_t step,
               EventLog* events);

  // Compact JSON (one line, sorted keys). Returns the versioned path, relative to the run.
  std::string write_json(const std::string& kind, const std::string& name, const nlohmann::json& value);
  // [C, H, W] float in [0, 1], C = 1 or 3.
  std::string write_png(const std::string& kind, const std::string& name, const torch::Tensor& image);
  // A node-independent PNG at <kind>/<file>; skipped when it exists (same inputs, same bytes).
  std::string write_shared_png(const std::string& kind, const std::string& file, const torch::Tensor& image);

  // Version the following files by epoch (`_epoch_<E>`) rather than by step.
  void use_epoch(int64_t epoch) { epoch_ = epoch; }
  std::optional<int64_t> epoch() const { return epoch_; }
  // "step_<N>" or "epoch_<E>": the suffix of the versioned files.
  std::string version() const;

  const std::string& label() const { return label_; }
  const std::string& node_id() const { return node_id_; }
  int64_t step() const { return step_; }
  const std::filesystem::path& run_dir() const { return run_dir_; }
  const std::vector<ArtifactRecord>& written() const { return written_; }

 private:
  std::string write(const std::string& kind, const std::string& name, const std::string& format,
                    const std::string& bytes);

  std::filesystem::path run_dir_;
  std::string label_;
  std::string node_id_;
  int64_t step_;
  EventLog* events_;
  std::optional<int64_t> epoch_;
  std::vector<ArtifactRecord> written_;
};

}  // namespace acc
