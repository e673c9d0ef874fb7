// `acc inspect NODE --index I [...]`: network inspection artifacts for a saved node (forward
// capture, channel inspect, kernels, conv step, perturbation, top-k); see
// core/inspect/network_inspect.h. Prints the files written, one per line, or JSON.
#include <cmath>
#include <iostream>
#include <memory>
#include <optional>

#include "commands.h"
#include "torch_commands.h"
#include "error.h"
#include "inspect/inspect_node.h"
#include "run/run_dir.h"
#include "runtime.h"
#include "terminal.h"

namespace acc::cli {

namespace {

struct InspectOptions {
  std::string node, runs, dataset, layer, xy, perturb, topk_metric = "max";
  int64_t index = 0, subset = 1000;
  std::optional<int64_t> channel, topk, posterior_samples;
  std::optional<uint64_t> seed;
  bool conv_step = false, json = false;
  RuntimeOptions runtime;
};

// The whole of `text` as an integer, or nullopt ("3x" and "" are not integers).
std::optional<int64_t> parse_int(const std::string& text) {
  try {
    size_t used = 0;
    const long long v = std::stoll(text, &used);
    if (used == text.size()) return v;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

std::optional<double> parse_double(const std::string& text) {
  try {
    size_t used = 0;
    const double v = std::stod(text, &used);
    if (used == text.size() && std::isfinite(v)) return v;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

std::pair<int64_t, int64_t> parse_xy(const std::string& text) {
  const size_t comma = text.find(',');
  const auto x = comma == std::string::npos ? std::nullopt : parse_int(text.substr(0, comma));
  const auto y = comma == std::string::npos ? std::nullopt : parse_int(text.substr(comma + 1));
  if (!x || !y) throw Error("--xy '" + text + "' must be X,Y: two integers, column then row (e.g. --xy 3,4)");
  return {*x, *y};
}

std::pair<int64_t, double> parse_perturb(const std::string& text) {
  const size_t colon = text.find(':');
  const auto dim = colon == std::string::npos ? std::nullopt : parse_int(text.substr(0, colon));
  const auto delta = colon == std::string::npos ? std::nullopt : parse_double(text.substr(colon + 1));
  if (!dim || !delta)
    throw Error("--perturb '" + text + "' must be DIM:DELTA: a latent dimension and a number (e.g. --perturb 3:1.5)");
  return {*dim, *delta};
}

InspectRequest request_of(const InspectOptions& o) {
  InspectRequest r;
  r.index = o.index;
  if (!o.layer.empty()) r.layer = o.layer;
  r.channel = o.channel;
  if (!o.xy.empty()) r.xy = parse_xy(o.xy);
  if (!o.perturb.empty()) r.perturb = parse_perturb(o.perturb);
  r.topk = o.topk;
  r.topk_metric = o.topk_metric;
  r.topk_subset = o.subset;
  r.seed = o.seed;
  r.conv_step = o.conv_step;
  r.posterior_samples = o.posterior_samples;
  return r;
}

}  // namespace

Command setup_inspect(CLI::App& app) {
  auto o = std::make_shared<InspectOptions>();
  CLI::App* cmd = app.add_subcommand("inspect", std::string(torch_command_summary("inspect")));
  cmd->add_option("node", o->node, "RUN_ID/TAG or a node id prefix")->required();
  cmd->add_option("--index", o->index, "row of the dataset's test split")->required();
  cmd->add_option("--layer", o->layer, "activation point (encoder.conv1, ...) or vector (z, mu, ...) to inspect");
  cmd->add_option("--channel", o->channel, "channel of --layer (default 0)");
  cmd->add_option("--xy", o->xy, "X,Y: probe this position of the channel's map (column, row)");
  cmd->add_flag("--conv-step", o->conv_step,
                "recompute one output of --layer (a Conv2d with one input channel, 3x3) by hand, at --xy or the peak");
  cmd->add_option("--perturb", o->perturb, "DIM:DELTA: decode the latent z with dimension DIM moved by DELTA");
  cmd->add_option("--topk", o->topk, "K: the K test examples that drive --layer/--channel hardest");
  cmd->add_option("--topk-metric", o->topk_metric, "score of a map for --topk: max or mean")->capture_default_str();
  cmd->add_option("--subset", o->subset, "--topk scans test rows 0..N-1")->capture_default_str();
  cmd->add_option("--posterior-samples", o->posterior_samples,
                  "M: decode M draws from q(z|x) of the example (VAEs; samples/<tag>/posterior_local_idx_<I>_m_<M>)");
  cmd->add_option("--dataset", o->dataset, "dataset (default: the node's reconstruction task's)");
  cmd->add_option("--seed", o->seed,
                  "seed of latent.json's z_sample (default: the index) and base seed of --posterior-samples (default 0)");
  cmd->add_option("--runs", o->runs, "runs root (default: $ACC_RUNS or ./runs)");
  cmd->add_flag("--json", o->json, "print {run, node, tag, step, dataset, paths} as JSON");
  add_runtime_options(*cmd, o->runtime);
  return {cmd, [o] {
            const InspectRequest request = request_of(*o);  // malformed --xy/--perturb before any loading
            const torch::Device device = configure_runtime(o->runtime);
            const nlohmann::json result =
                inspect_node(o->runs.empty() ? default_runs_root() : o->runs, o->node, o->dataset, request, device);
            if (o->json) {
              std::cout << result.dump(2) << "\n";
            } else {
              const std::filesystem::path run_dir = result["run_dir"].get<std::string>();
              for (const auto& p : result["paths"]) std::cout << (run_dir / p.get<std::string>()).string() << "\n";
            }
            return 0;
          }};
}

}  // namespace acc::cli
