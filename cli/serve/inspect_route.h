// POST /api/runs/<id>/inspect: the viewer asks for a network inspection artifact that is not
// on disk yet. The request runs `acc inspect` as a child process (a crash or a slow top-k
// scan never takes the server down, and the files and events are exactly the CLI's) and
// answers when it has finished.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace acc::cli {

// The `acc inspect` arguments (after the executable) for a request body {node, index,
// layer?, channel?, xy?: [x, y], perturb?: [dim, delta], topk?, topk_metric?, subset?,
// seed?, conv_step?, dataset?}; acc::Error naming the field when one is missing or of the
// wrong type.
std::vector<std::string> inspect_arguments(const std::string& run_id, const nlohmann::json& body,
                                           const std::filesystem::path& runs_root);

// Runs `acc_exe inspect ...` and returns {ok: true, paths, run, tag, step} (paths relative
// to the run directory), or throws acc::Error with the child's one-line error.
nlohmann::json run_inspect(const std::filesystem::path& acc_exe, const std::string& run_id, const nlohmann::json& body,
                           const std::filesystem::path& runs_root);

}  // namespace acc::cli
