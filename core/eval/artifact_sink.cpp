// Artifact files and their events; see artifact_sink.h.
#include "eval/artifact_sink.h"

#include "eval/image_grid.h"
#include "util/json_io.h"

namespace acc {

namespace fs = std::filesystem;

ArtifactSink::ArtifactSink(fs::path run_dir, std::string label, std::string node_id, int64_t step, EventLog* events)
    : run_dir_(std::move(run_dir)), label_(std::move(label)), node_id_(std::move(node_id)), step_(step), events_(events) {}

std::string ArtifactSink::version() const {
  return epoch_ ? "epoch_" + std::to_string(*epoch_) : "step_" + std::to_string(step_);
}

std::string ArtifactSink::write(const std::string& kind, const std::string& name, const std::string& format,
                                const std::string& bytes) {
  const fs::path dir = fs::path(kind) / label_;
  const std::string path = (dir / (name + "_" + version() + "." + format)).string();
  const std::string latest = (dir / (name + "_latest." + format)).string();
  fs::create_directories((run_dir_ / path).parent_path());
  write_file_atomic(run_dir_ / path, bytes);
  // The mirror is a hard link (a 70,000-point kNN file is 15 MB), made under a temporary
  // name and renamed over the old mirror so readers never see it missing; files are never
  // modified in place, so sharing the inode is safe. A copy where links are unsupported.
  const fs::path tmp = run_dir_ / (latest + ".tmp-link");
  std::error_code ec;
  fs::remove(tmp, ec);
  fs::create_hard_link(run_dir_ / path, tmp, ec);
  if (ec) write_file_atomic(run_dir_ / latest, bytes);
  else fs::rename(tmp, run_dir_ / latest);
  written_.push_back({kind, name, path, latest, format});
  if (events_) {
    nlohmann::json payload = {{"kind", kind},
                              {"name", name},
                              {"node", node_id_.empty() ? nlohmann::json() : nlohmann::json(node_id_)},
                              {"tag", label_},
                              {"step", step_},
                              {"path", path},
                              {"latest", latest},
                              {"format", format}};
    if (epoch_) payload["epoch"] = *epoch_;
    events_->emit("artifact.created", payload);
  }
  return path;
}

std::string ArtifactSink::write_json(const std::string& kind, const std::string& name, const nlohmann::json& value) {
  return write(kind, name, "json", value.dump() + "\n");
}

std::string ArtifactSink::write_png(const std::string& kind, const std::string& name, const torch::Tensor& image) {
  return write(kind, name, "png", encode_png(image));
}

std::string ArtifactSink::write_shared_png(const std::string& kind, const std::string& file, const torch::Tensor& image) {
  const fs::path path = fs::path(kind) / file;
  fs::create_directories(run_dir_ / kind);
  if (!fs::exists(run_dir_ / path)) write_file_atomic(run_dir_ / path, encode_png(image));
  return path.string();
}

}  // namespace acc
