// `acc inspect` on behalf of the viewer; see inspect_route.h.
#include "serve/inspect_route.h"

#include <sstream>

#include "error.h"
#include "serve/child_process.h"

namespace acc::cli {

namespace {

using nlohmann::json;

int64_t integer_field(const json& body, const char* field) {
  const json& v = body.at(field);
  if (!v.is_number_integer()) throw Error(std::string(field) + " must be an integer, got " + v.dump());
  return v.get<int64_t>();
}

std::string string_field(const json& body, const char* field) {
  const json& v = body.at(field);
  if (!v.is_string() || v.get<std::string>().empty()) throw Error(std::string(field) + " must be a non-empty string");
  return v.get<std::string>();
}

// A number as `acc inspect` parses it back: integers stay integers, others in full precision.
std::string number_text(const json& v) {
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  std::ostringstream text;
  text.precision(17);
  text << v.get<double>();
  return text.str();
}

// The one line `acc` printed as its error, without the "acc: error: " prefix.
std::string child_error(const std::string& err, int exit_code) {
  std::string last;
  std::istringstream lines(err);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) last = line;
  const std::string prefix = "acc: error: ";
  if (last.rfind(prefix, 0) == 0) last = last.substr(prefix.size());
  return last.empty() ? "acc inspect failed with exit code " + std::to_string(exit_code) : last;
}

}  // namespace

std::vector<std::string> inspect_arguments(const std::string& run_id, const json& body,
                                           const std::filesystem::path& runs_root) {
  if (!body.contains("node") || !body.contains("index"))
    throw Error("the request needs {node, index}: node is a tag of the run, index a row of the test split");
  const std::string node = string_field(body, "node");
  if (node.find('/') != std::string::npos) throw Error("node must be a tag of run " + run_id + ", got '" + node + "'");
  std::vector<std::string> args = {"inspect", run_id + "/" + node, "--index",
                                   std::to_string(integer_field(body, "index"))};
  auto add = [&](const std::string& option, const std::string& value) { args.insert(args.end(), {option, value}); };
  if (body.contains("layer")) add("--layer", string_field(body, "layer"));
  if (body.contains("dataset")) add("--dataset", string_field(body, "dataset"));
  if (body.contains("topk_metric")) add("--topk-metric", string_field(body, "topk_metric"));
  for (const auto& [field, option] : std::vector<std::pair<const char*, const char*>>{
           {"channel", "--channel"}, {"topk", "--topk"}, {"subset", "--subset"}, {"seed", "--seed"},
           {"posterior_samples", "--posterior-samples"}})
    if (body.contains(field)) add(option, std::to_string(integer_field(body, field)));
  if (body.contains("xy")) {
    const json& xy = body["xy"];
    if (!xy.is_array() || xy.size() != 2 || !xy[0].is_number_integer() || !xy[1].is_number_integer())
      throw Error("xy must be [x, y], two integers (column, row), got " + xy.dump());
    add("--xy", std::to_string(xy[0].get<int64_t>()) + "," + std::to_string(xy[1].get<int64_t>()));
  }
  if (body.contains("perturb")) {
    const json& p = body["perturb"];
    if (!p.is_array() || p.size() != 2 || !p[0].is_number_integer() || !p[1].is_number())
      throw Error("perturb must be [dim, delta], an integer and a number, got " + p.dump());
    add("--perturb", std::to_string(p[0].get<int64_t>()) + ":" + number_text(p[1]));
  }
  if (body.contains("conv_step")) {
    if (!body["conv_step"].is_boolean()) throw Error("conv_step must be true or false");
    if (body["conv_step"].get<bool>()) args.push_back("--conv-step");
  }
  // One thread: inspection is small, the server's runs need the cores, and one thread makes
  // the files byte-identical to a CLI call's.
  args.insert(args.end(), {"--runs", runs_root.string(), "--json", "--threads", "1"});
  return args;
}

json run_inspect(const std::filesystem::path& acc_exe, const std::string& run_id, const json& body,
                 const std::filesystem::path& runs_root) {
  std::vector<std::string> argv = inspect_arguments(run_id, body, runs_root);
  argv.insert(argv.begin(), acc_exe.string());
  const ChildResult r = run_child(argv);
  if (r.exit_code != 0) throw Error(child_error(r.err, r.exit_code));
  const json out = json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  if (out.is_discarded() || !out.contains("paths"))
    throw Error("acc inspect printed no result (exit code 0); its output: " + r.out, ExitCode::kFailure);
  return {{"ok", true}, {"paths", out["paths"]}, {"run", out["run"]}, {"tag", out["tag"]}, {"step", out["step"]}};
}

}  // namespace acc::cli
