// The viewer mirror (docs/run-format.md, "Viewer mirror"): scripts that carry file text
// unchanged, event chunks that never rewrite closed chunks, twins that follow their files,
// the runs index, and `acc run` / `acc viewer` writing all of it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "run/event_log.h"
#include "test_util.h"
#include "web/web_mirror.h"

namespace fs = std::filesystem;
using acc::test::read_text;
using acc::test::TempDir;
using acc::test::write_text;

namespace {

// Undoes mirror_script: the NAME and TEXT of `accData(NAME, TEXT);\n`.
std::pair<std::string, std::string> parse_script(const std::string& script) {
  const std::string prefix = "accData(", suffix = ");\n";
  EXPECT_EQ(script.rfind(prefix, 0), 0u) << script.substr(0, 40);
  EXPECT_EQ(script.substr(script.size() - suffix.size()), suffix);
  const std::string args = "[" + script.substr(prefix.size(), script.size() - prefix.size() - suffix.size()) + "]";
  const auto parsed = nlohmann::json::parse(args);
  return {parsed.at(0).get<std::string>(), parsed.at(1).get<std::string>()};
}

std::string mirror_event_line(int64_t seq, const std::string& type, const nlohmann::json& payload) {
  return nlohmann::json({{"seq", seq}, {"time", "2026-11-22T00:00:00.000Z"}, {"type", type}, {"payload", payload}})
             .dump() +
         "\n";
}

std::string lines(int64_t from, int64_t count) {
  std::string text;
  for (int64_t i = from; i < from + count; ++i) text += mirror_event_line(i, "log", {{"message", "line " + std::to_string(i)}});
  return text;
}

nlohmann::json manifest_of(const fs::path& run) { return nlohmann::json::parse(read_text(run / "web/manifest.json")); }

std::string script_text(const fs::path& run, const char* format, int a, int b = 0) {
  char name[48];
  std::snprintf(name, sizeof name, format, a, b);
  return parse_script(read_text(run / "web/events" / name)).second;
}
std::string block_text(const fs::path& run, int block) { return script_text(run, "%06d.js", block); }
std::string page_text(const fs::path& run, int block, int page) { return script_text(run, "%06d_%02d.js", block, page); }
bool page_exists(const fs::path& run, int block, int page) {
  char name[48];
  std::snprintf(name, sizeof name, "web/events/%06d_%02d.js", block, page);
  return fs::exists(run / name);
}

// A minimal run directory: config, summary, one node, and `events`.
fs::path make_mirror_run(const TempDir& root, const std::string& id, const std::string& events) {
  const fs::path run = root / id;
  fs::create_directories(run / "checkpoints/abc123");
  write_text(run / "config.json", R"({"format_version":1,"recipe":{"name":"tiny","description":"a test"}})");
  write_text(run / "summary.json", R"({"format_version":1,"status":"running"})");
  write_text(run / "checkpoints/abc123/meta.json", R"({"id":"abc123","tag":"init","parent":null})");
  write_text(run / "events.jsonl", events);
  return run;
}

}  // namespace

TEST(WebMirror, ScriptCarriesAnyTextUnchanged) {
  const std::string text = "{\"a\": \"quote \\\" and </script> and \\u2028\"}\n\ttab";
  const auto [name, back] = parse_script(acc::mirror_script("files/x.json", text));
  EXPECT_EQ(name, "files/x.json");
  EXPECT_EQ(back, text);
  // A torn multi-byte character still gives a loadable script (the viewer reports the JSON).
  EXPECT_NO_THROW(parse_script(acc::mirror_script("n", std::string("ok \xE2\x82", 5))));
}

TEST(WebMirror, EventBlocksAndPagesHoldCompleteLinesAndClosedBlocksAreNotRewritten) {
  TempDir root;
  const std::string first = lines(1, 5000);
  const fs::path run = make_mirror_run(root, "r1", first + R"({"seq": 5001, "ty)");  // partial last line
  EXPECT_TRUE(acc::sync_run_mirror(run));
  auto m = manifest_of(run);
  EXPECT_EQ(m["format"], "acc.web_manifest");
  EXPECT_EQ(m["events"]["lines"], 5000);
  EXPECT_EQ(m["events"]["bytes"], static_cast<int64_t>(first.size()));
  EXPECT_EQ(m["events"]["blocks"], 1);
  EXPECT_EQ(m["events"]["paged_from"], 0);
  EXPECT_EQ(block_text(run, 0), lines(1, 4096));
  EXPECT_EQ(page_text(run, 0, 15), lines(3841, 256)) << "the block closed last keeps its pages";
  EXPECT_EQ(page_text(run, 1, 0), lines(4097, 256));
  EXPECT_EQ(page_text(run, 1, 3), lines(4865, 136));
  EXPECT_FALSE(page_exists(run, 1, 4));

  // Mark closed block 0: a second sync must leave it alone, close block 1, and drop block 0's pages.
  write_text(run / "web/events/000000.js", acc::mirror_script("events/000000", "untouched"));
  write_text(run / "events.jsonl", first + lines(5001, 4000));
  EXPECT_TRUE(acc::sync_run_mirror(run));
  m = manifest_of(run);
  EXPECT_EQ(m["events"]["lines"], 9000);
  EXPECT_EQ(m["events"]["blocks"], 2);
  EXPECT_EQ(m["events"]["paged_from"], 4096);
  EXPECT_EQ(block_text(run, 0), "untouched");
  EXPECT_EQ(block_text(run, 1), lines(4097, 4096));
  EXPECT_FALSE(page_exists(run, 0, 0));
  EXPECT_FALSE(page_exists(run, 0, 15));
  std::string pages;
  for (int p = 0; p < 16; ++p) pages += page_text(run, 1, p);
  for (int p = 0; p < 4; ++p) pages += page_text(run, 2, p);
  EXPECT_EQ(pages, lines(4097, 4904));
  EXPECT_FALSE(acc::sync_run_mirror(run)) << "nothing changed, nothing rewritten";
}

TEST(WebMirror, TwinsFollowSummaryMetaAndJsonArtifactsOnly) {
  TempDir root;
  const fs::path run = make_mirror_run(root, "r1", "");
  fs::create_directories(run / "eval/init");
  write_text(run / "eval/init/scores_step_0.json", R"({"format":"acc.eval","v":1})");
  write_text(run / "events.jsonl",
             mirror_event_line(1, "artifact.created", {{"path", "eval/init/scores_step_0.json"}, {"format", "json"}}) +
                 mirror_event_line(2, "artifact.created", {{"path", "eval/init/grid_step_0.png"}, {"format", "png"}}) +
                 mirror_event_line(3, "artifact.created", {{"path", "../../outside.json"}, {"format", "json"}}));
  acc::sync_run_mirror(run);
  auto files = manifest_of(run)["files"];
  for (const std::string rel : {"summary.json", "config.json", "checkpoints/abc123/meta.json", "eval/init/scores_step_0.json"}) {
    ASSERT_TRUE(files.contains(rel)) << rel;
    EXPECT_EQ(parse_script(read_text(run / "web/files" / (rel + ".js"))).second, read_text(run / rel)) << rel;
  }
  EXPECT_EQ(files.size(), 4u) << "PNGs and paths outside the run are not mirrored: " << files.dump();

  const std::string before = files["summary.json"];
  write_text(run / "summary.json", R"({"format_version":1,"status":"completed","duration_seconds":12.5})");
  EXPECT_TRUE(acc::sync_run_mirror(run));
  EXPECT_NE(manifest_of(run)["files"]["summary.json"], before);
  EXPECT_EQ(parse_script(read_text(run / "web/files/summary.json.js")).second, read_text(run / "summary.json"));
}

TEST(WebMirror, RunsIndexListsEveryRunAndNamesAnUnreadableSummary) {
  TempDir root;
  make_mirror_run(root, "good", lines(1, 3));
  const fs::path bad = make_mirror_run(root, "bad", lines(1, 1));
  write_text(bad / "summary.json", "{\"status\": \"runn");
  fs::create_directories(root / ".hidden");
  acc::write_runs_index(root.path());
  const auto [name, text] = parse_script(read_text(root / "index.js"));
  EXPECT_EQ(name, "index.json");
  const auto index = nlohmann::json::parse(text);
  EXPECT_EQ(index["format"], "acc.web_index");
  ASSERT_EQ(index["runs"].size(), 2u);
  EXPECT_EQ(index["runs"][0]["run_id"], "bad");
  EXPECT_TRUE(index["runs"][0]["summary"].is_null());
  EXPECT_NE(index["runs"][0]["error"].get<std::string>().find("summary.json"), std::string::npos);
  EXPECT_EQ(index["runs"][1]["summary"]["status"], "running");
  EXPECT_EQ(index["runs"][1]["recipe"]["name"], "tiny");
  EXPECT_EQ(index["runs"][1]["updated"].get<std::string>().size(), 24u);  // ISO 8601 with ms, UTC
}

TEST(WebMirror, AccRunWritesTheMirrorAndAccViewerRebuildsIt) {
  TempDir root;
  write_text(root / "tiny.yaml", R"(name: tiny
ops:
  - op: load_dataset
    name: shapes
    n: 100
  - op: create_model
    model: linear_ae
    hidden: 4
    image_size: 32
  - op: attach_task
    task: reconstruction
    dataset: shapes
  - op: save_checkpoint
    tag: init
  - op: train
    steps: 5
  - op: save_checkpoint
    tag: trained
)");
  const auto r = acc::test::run_acc("run " + (root / "tiny.yaml").string() + " --quiet --runs " + (root / "runs").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const fs::path run = fs::path(r.output.substr(0, r.output.find('\n')));
  ASSERT_TRUE(fs::exists(run / "web/manifest.js")) << r.output;
  auto m = manifest_of(run);
  EXPECT_EQ(m["events"]["lines"], static_cast<int64_t>(acc::read_events(run / "events.jsonl").size()));
  EXPECT_EQ(m["files"].size(), 4u) << m["files"].dump();  // summary, config, two nodes
  EXPECT_NE(parse_script(read_text(run / "web/files/summary.json.js")).second.find("\"completed\""), std::string::npos)
      << "the final summary is mirrored after the run ends";
  EXPECT_NE(read_text(root / "runs/index.js").find("completed"), std::string::npos);

  fs::remove_all(run / "web");
  const auto v = acc::test::run_acc("viewer " + run.string());
  ASSERT_EQ(v.exit_code, 0) << v.output;
  EXPECT_NE(v.output.find("index.html?run="), std::string::npos) << v.output;
  EXPECT_EQ(manifest_of(run)["events"], m["events"]);
  const auto bad = acc::test::run_acc("viewer " + (root / "tiny.yaml").string());
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.output.find("not a run directory"), std::string::npos) << bad.output;
}
