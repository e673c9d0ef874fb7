// The read-only views of a runs root: `acc ls` rows (with stale-run detection), the
// checkpoint tree of `acc tree` (structure, rendering, headline metrics, JSON) and the
// incremental event reader behind `acc events --follow`, then each command end to end.
// One small real run (a 10-step linear autoencoder on the synthetic thickness set) is made
// per test that needs one; branches are added as hand-written meta.json files, which is
// all the tree reads.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

#include "error.h"
#include "recipe/runner.h"
#include "run/event_log.h"
#include "run/event_tail.h"
#include "run/run_index.h"
#include "run/run_listing.h"
#include "run/tree.h"
#include "test_util.h"
#include "util/json_io.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const char* kViewsRecipe = R"(name: views
description: run views test
seed: 1
ops:
  - op: load_dataset
    name: thick
    source: thickness
    n: 100
    image_size: 28
  - op: create_model
    model: linear_ae
    hidden: 8
  - op: attach_task
    task: reconstruction
    name: recon
    dataset: thick
  - op: save_checkpoint
    tag: root
  - op: train
    steps: 10
    batch_size: 16
  - op: save_checkpoint
    tag: a
  - op: evaluate
)";

// Runs the recipe into dir/<id>; returns the run directory.
fs::path make_run(const acc::test::TempDir& dir, const std::string& id = "r1") {
  acc::RunOptions options;
  options.runs_root = dir.path().string();
  options.run_id = id;
  const auto result = acc::run_recipe(acc::parse_recipe(kViewsRecipe, "views.yaml", {}), options);
  EXPECT_EQ(result.status, "completed");
  return dir / id;
}

acc::NodeMeta node_by_tag(const fs::path& run_dir, const std::string& tag) {
  for (const auto& n : acc::CheckpointStore(run_dir / "checkpoints", run_dir.filename().string()).list())
    if (n.tag == tag) return n;
  ADD_FAILURE() << "no node tagged " << tag;
  return {};
}

// A node written by hand: only meta.json, which is all the tree reads.
acc::NodeMeta add_node(const fs::path& run_dir, const std::string& id, const std::string& tag,
                       const std::string& parent, int64_t step, const std::string& created) {
  acc::NodeMeta meta;
  meta.id = id;
  meta.tag = tag;
  meta.parent = parent;
  meta.run_id = run_dir.filename().string();
  meta.step = step;
  meta.created = created;
  meta.tasks = json::array();
  meta.lineage = json::array();
  fs::create_directories(run_dir / "checkpoints" / id);
  acc::write_json_atomic(run_dir / "checkpoints" / id / "meta.json", meta.to_json());
  return meta;
}

acc::NodeMeta bare_node(const std::string& id, const std::string& parent, const std::string& created) {
  acc::NodeMeta n;
  n.id = id;
  n.tag = "t" + id;
  n.parent = parent;
  n.created = created;
  return n;
}

void append(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::app | std::ios::binary) << text;
}

std::string event_line(int64_t seq, const std::string& type) {
  return json({{"seq", seq}, {"time", "2026-01-01T00:00:00.000Z"}, {"type", type}, {"payload", json::object()}}).dump();
}

std::vector<int64_t> seqs(const std::vector<acc::TailedEvent>& events) {
  std::vector<int64_t> out;
  for (const auto& e : events) out.push_back(e.event["seq"].get<int64_t>());
  return out;
}

int count_lines(const std::string& text) { return static_cast<int>(std::count(text.begin(), text.end(), '\n')); }

}  // namespace

// ---- tree -------------------------------------------------------------------------------

TEST(RunTree, LinksParentsAndChildrenInCreationOrder) {
  // Given out of order; "x" has a parent that is not in the run and becomes a root.
  const auto tree = acc::build_run_tree(
      "r", {bare_node("c", "a", "3"), bare_node("a", "", "1"), bare_node("b", "a", "2"),
            bare_node("d", "b", "4"), bare_node("x", "gone", "5")},
      "d");
  ASSERT_EQ(tree.nodes.size(), 5u);
  EXPECT_EQ(tree.nodes[0].id, "a");
  ASSERT_EQ(tree.roots.size(), 2u);
  EXPECT_EQ(tree.nodes[tree.roots[0]].id, "a");
  EXPECT_EQ(tree.nodes[tree.roots[1]].id, "x");
  const auto& kids = tree.children[tree.roots[0]];
  ASSERT_EQ(kids.size(), 2u);
  EXPECT_EQ(tree.nodes[kids[0]].id, "b");
  EXPECT_EQ(tree.nodes[kids[1]].id, "c");
  ASSERT_EQ(tree.children[kids[0]].size(), 1u);
  EXPECT_EQ(tree.nodes[tree.children[kids[0]][0]].id, "d");
}

TEST(RunTree, ParentCycleIsCutSoEveryNodeIsDrawnOnce) {
  const auto tree = acc::build_run_tree("r", {bare_node("p", "q", "1"), bare_node("q", "p", "2")}, "");
  ASSERT_EQ(tree.roots.size(), 1u);
  EXPECT_EQ(tree.nodes[tree.roots[0]].id, "p");
  const std::string text = acc::render_run_tree(tree);
  EXPECT_EQ(count_lines(text), 2);
}

TEST(RunTree, HeadlineMetricFollowsTheTaskType) {
  acc::NodeMeta n;
  n.tasks = json::array({{{"name", "digit"}, {"type", "classification"}},
                         {{"name", "recon"}, {"type", "reconstruction"}},
                         {{"name", "width"}, {"type", "regression"}},
                         {{"name", "prior"}, {"type", "kl"}},
                         {{"name", "odd"}, {"type", "future_type"}},
                         {{"name", "noeval"}, {"type", "reconstruction"}}});
  n.metrics = {{"digit", {{"accuracy", 0.9}, {"loss", 0.3}}},
               {"recon", {{"l1", 0.1}, {"mse", 0.02}, {"psnr", 20.5}}},
               {"width", {{"mae", 0.1}, {"mse", 0.2}, {"r2", 0.8}}},
               {"prior", {{"kl", 3.5}, {"active_units", 5}}},
               {"odd", {{"zeta", 1}, {"alpha", 2}}},
               {"detached", {{"x", 7}}}};
  const auto h = acc::headline_metrics(n);
  std::vector<std::string> got;
  for (const auto& m : h) got.push_back(m.task + "." + m.metric);
  EXPECT_EQ(got, (std::vector<std::string>{"digit.accuracy", "recon.psnr", "width.r2", "prior.kl",
                                           "prior.active_units", "odd.alpha", "detached.x"}));
  EXPECT_DOUBLE_EQ(h[1].value, 20.5);

  // A metric the type prefers but the node lacks falls back to the task's first metric.
  acc::NodeMeta partial;
  partial.tasks = json::array({{{"name", "digit"}, {"type", "classification"}}});
  partial.metrics = {{"digit", {{"loss", 0.3}}}};
  ASSERT_EQ(acc::headline_metrics(partial).size(), 1u);
  EXPECT_EQ(acc::headline_metrics(partial)[0].metric, "loss");
}

TEST(RunTree, RealRunWithBranchesRendersInTreeOrderWithTheCurrentMarker) {
  acc::test::TempDir dir;
  const fs::path rd = make_run(dir);
  const auto root = node_by_tag(rd, "root");
  const auto a = node_by_tag(rd, "a");
  const auto b = add_node(rd, "bbbbbbbbbbbb", "b", root.id, 5, "2999-01-01T00:00:00.000Z");
  add_node(rd, "cccccccccccc", "b2", b.id, 7, "2999-01-01T00:00:01.000Z");

  const auto tree = acc::load_run_tree(acc::read_run(dir.path(), "r1"));
  EXPECT_EQ(tree.current, a.id);  // the run's last save_checkpoint
  ASSERT_EQ(tree.roots.size(), 1u);
  EXPECT_EQ(tree.nodes[tree.roots[0]].tag, "root");

  const std::string text = acc::render_run_tree(tree);
  std::vector<std::string> lines;
  std::stringstream ss(text);
  for (std::string l; std::getline(ss, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 4u) << text;
  EXPECT_EQ(lines[0].rfind("root ", 0), 0u) << text;
  EXPECT_EQ(lines[1].rfind("├─ a ", 0), 0u) << text;
  EXPECT_EQ(lines[2].rfind("└─ b ", 0), 0u) << text;
  EXPECT_EQ(lines[3].rfind("   └─ b2 ", 0), 0u) << text;
  EXPECT_NE(lines[0].find(root.id.substr(0, 8)), std::string::npos);
  EXPECT_EQ(lines[0].find(root.id), std::string::npos);  // short ids only
  EXPECT_NE(lines[1].find("step 10"), std::string::npos);
  EXPECT_NE(lines[1].find("recon.psnr="), std::string::npos);  // evaluated node
  EXPECT_EQ(lines[0].find("recon."), std::string::npos);       // never evaluated
  EXPECT_NE(lines[1].find("← current"), std::string::npos);
  for (size_t i : {0u, 2u, 3u}) EXPECT_EQ(lines[i].find("current"), std::string::npos) << lines[i];
  // Columns line up: every short id starts at the same display column.
  const auto id_column = [](const std::string& l, const std::string& id) {
    const std::string head = l.substr(0, l.find(id));
    return std::count_if(head.begin(), head.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
  };
  EXPECT_EQ(id_column(lines[0], root.id.substr(0, 8)), id_column(lines[3], "cccccccc"));
}

TEST(RunTree, JsonHasNodesWithParentsChildrenAndTheCurrentId) {
  acc::test::TempDir dir;
  const fs::path rd = make_run(dir);
  const auto root = node_by_tag(rd, "root");
  const auto a = node_by_tag(rd, "a");
  const json j = acc::run_tree_to_json(acc::load_run_tree(acc::read_run(dir.path(), "r1")));
  EXPECT_EQ(j["run_id"], "r1");
  EXPECT_EQ(j["current"], a.id);
  ASSERT_EQ(j["nodes"].size(), 2u);
  const json& r = j["nodes"][0];
  EXPECT_EQ(r["id"], root.id);
  EXPECT_TRUE(r["parent"].is_null());
  EXPECT_EQ(r["children"], json::array({a.id}));
  const json& n = j["nodes"][1];
  for (const char* key : {"id", "tag", "parent", "step", "created", "metrics", "children"})
    EXPECT_TRUE(n.contains(key)) << key;
  EXPECT_EQ(n["parent"], root.id);
  EXPECT_EQ(n["step"], 10);
  EXPECT_TRUE(n["metrics"]["recon"].contains("psnr"));
  EXPECT_TRUE(n["children"].empty());

  EXPECT_TRUE(acc::run_tree_to_json(acc::build_run_tree("e", {}, ""))["current"].is_null());
  EXPECT_EQ(acc::render_run_tree(acc::build_run_tree("e", {}, "")), "(no checkpoints)\n");
}

// ---- ls ---------------------------------------------------------------------------------

TEST(RunListing, RowOfACompletedRun) {
  acc::test::TempDir dir;
  make_run(dir);
  const auto rows = acc::list_run_rows(dir.path());
  ASSERT_EQ(rows.size(), 1u);
  const auto& r = rows[0];
  EXPECT_EQ(r.id, "r1");
  EXPECT_EQ(r.status, "completed");
  EXPECT_EQ(r.recipe, "views");
  EXPECT_TRUE(acc::parse_utc_timestamp(r.started).has_value()) << r.started;
  EXPECT_GT(r.duration_seconds, 0);
  EXPECT_EQ(r.current_phase, "");
  EXPECT_EQ(r.checkpoints, 2);
  const json j = r.to_json();
  for (const char* key : {"id", "status", "summary_status", "recipe", "started", "duration_seconds",
                          "current_phase", "checkpoints"})
    EXPECT_TRUE(j.contains(key)) << key;
  const std::string table = acc::format_run_table(rows, dir.path());
  EXPECT_EQ(count_lines(table), 2);  // header + one run
  EXPECT_NE(table.find("r1"), std::string::npos);
  EXPECT_NE(table.find("completed"), std::string::npos);
}

TEST(RunListing, RunningRunWithoutRecentEventsIsStale) {
  acc::test::TempDir dir;
  const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const std::time_t started = static_cast<std::time_t>(now) - 300;
  std::tm tm{};
  gmtime_r(&started, &tm);
  char stamp[40];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
  for (const std::string id : {"dead", "live"}) {
    fs::create_directories(dir / id);
    acc::write_json_atomic(dir / id / "config.json", {{"recipe", {{"name", "x"}}}});
    acc::write_json_atomic(dir / id / "summary.json",
                           {{"status", "running"}, {"started", stamp}, {"current_phase", "train"}});
    acc::test::write_text(dir / id / "events.jsonl", event_line(1, "run.started") + "\n");
  }
  const auto file_now = fs::file_time_type::clock::now();
  fs::last_write_time(dir / "dead" / "events.jsonl", file_now - std::chrono::seconds(120));

  const auto rows = acc::list_run_rows(dir.path());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].id, "dead");
  EXPECT_EQ(rows[0].status, "stale");
  EXPECT_EQ(rows[0].summary_status, "running");
  EXPECT_EQ(rows[0].current_phase, "train");
  EXPECT_NEAR(rows[0].duration_seconds, 180, 5);  // start to last sign of life
  EXPECT_EQ(rows[1].status, "running");
  EXPECT_NEAR(rows[1].duration_seconds, 300, 5);  // start to now

  // Judged against a later clock, the live one goes stale too.
  const auto later = acc::run_row(acc::read_run(dir.path(), "live"), file_now + std::chrono::seconds(61));
  EXPECT_EQ(later.status, "stale");
}

TEST(RunListing, MissingRootIsAnErrorNamingIt) {
  try {
    acc::list_run_rows("/nonexistent/acc-runs");
    FAIL();
  } catch (const acc::Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/acc-runs"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("--runs"), std::string::npos);
  }
  acc::test::TempDir dir;
  EXPECT_TRUE(acc::list_run_rows(dir.path()).empty());
  EXPECT_NE(acc::format_run_table({}, dir.path()).find("no runs"), std::string::npos);
}

TEST(RunListing, DurationFormat) {
  EXPECT_EQ(acc::format_duration(1.25), "1.2s");
  EXPECT_EQ(acc::format_duration(125), "2m05s");
  EXPECT_EQ(acc::format_duration(7380), "2h03m");
  EXPECT_DOUBLE_EQ(*acc::parse_utc_timestamp("1970-01-01T00:01:00.500Z"), 60.5);
  EXPECT_FALSE(acc::parse_utc_timestamp("yesterday").has_value());
}

// ---- event tail -------------------------------------------------------------------------

TEST(EventTail, SinceFiltersAndPollsReturnOnlyNewEvents) {
  acc::test::TempDir dir;
  const fs::path path = dir / "events.jsonl";
  acc::EventTail tail(path, 1);
  EXPECT_TRUE(tail.poll().empty());  // no file yet
  append(path, event_line(1, "run.created") + "\n" + event_line(2, "run.started") + "\n" +
                   event_line(3, "train.metrics") + "\n");
  auto got = tail.poll();
  EXPECT_EQ(seqs(got), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(got[0].line, event_line(2, "run.started"));  // exactly as stored
  EXPECT_TRUE(tail.poll().empty());

  // Bytes already read are never read again: garbling them changes nothing.
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(0);
    f << std::string(event_line(1, "run.created").size(), 'x');
  }
  append(path, event_line(4, "log") + "\n");
  EXPECT_EQ(seqs(tail.poll()), (std::vector<int64_t>{4}));
  EXPECT_EQ(tail.last_seq(), 4);
  EXPECT_FALSE(tail.ended());
}

TEST(EventTail, PartialLastLineWaitsForItsNewline) {
  acc::test::TempDir dir;
  const fs::path path = dir / "events.jsonl";
  const std::string line = event_line(1, "log");
  acc::EventTail tail(path);
  append(path, line.substr(0, 10));
  EXPECT_TRUE(tail.poll().empty());
  append(path, line.substr(10));
  EXPECT_TRUE(tail.poll().empty());  // complete JSON, but no newline yet
  append(path, "\n" + event_line(2, "run.completed"));
  auto got = tail.poll();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].line, line);
  EXPECT_FALSE(tail.ended());
  append(path, "\n");
  EXPECT_EQ(seqs(tail.poll()), (std::vector<int64_t>{2}));
  EXPECT_TRUE(tail.ended());
}

TEST(EventTail, EndedFollowsTheLastLifecycleEvent) {
  acc::test::TempDir dir;
  const fs::path path = dir / "events.jsonl";
  append(path, event_line(1, "run.started") + "\n" + event_line(2, "run.failed") + "\n");
  acc::EventTail tail(path, 2);
  EXPECT_TRUE(tail.poll().empty());
  EXPECT_TRUE(tail.ended());
  // `acc run --resume` continues a failed or cancelled run in the same log.
  append(path, event_line(3, "run.resumed") + "\n");
  EXPECT_EQ(seqs(tail.poll()), (std::vector<int64_t>{3}));
  EXPECT_FALSE(tail.ended());
  append(path, event_line(4, "log") + "\n" + event_line(5, "run.completed") + "\n");
  EXPECT_EQ(seqs(tail.poll()), (std::vector<int64_t>{4, 5}));
  EXPECT_TRUE(tail.ended());
}

TEST(EventTail, MatchesEveryEventOfARealRun) {
  acc::test::TempDir dir;
  const fs::path rd = make_run(dir);
  acc::EventTail tail(rd / "events.jsonl");
  const auto got = tail.poll();
  const auto all = acc::read_events(rd / "events.jsonl");
  ASSERT_EQ(got.size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(got[i].event, all[i]);
  EXPECT_TRUE(tail.ended());
  EXPECT_TRUE(acc::event_type_matches(all.front(), "run."));
  EXPECT_TRUE(acc::event_type_matches(all.front(), ""));
  EXPECT_FALSE(acc::event_type_matches(all.front(), "train."));
}

TEST(EventTail, FollowStopsAfterTheTerminalEvent) {
  acc::test::TempDir dir;
  const fs::path path = dir / "events.jsonl";
  append(path, event_line(1, "run.started") + "\n");
  std::thread writer([&] {
    for (int64_t seq = 2; seq <= 4; ++seq) {
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
      append(path, event_line(seq, seq == 4 ? "run.completed" : "train.metrics") + "\n");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    append(path, event_line(5, "log") + "\n");  // never written by acc; must not be waited for
  });
  acc::EventTail tail(path);
  std::vector<int64_t> seen;
  const bool ended = acc::follow_events(
      tail, [&](const acc::TailedEvent& e) { seen.push_back(e.event["seq"]); }, nullptr,
      std::chrono::milliseconds(10));
  writer.join();
  EXPECT_TRUE(ended);
  ASSERT_GE(seen.size(), 4u);
  EXPECT_EQ(seen[3], 4);
}

TEST(EventTail, FollowStopsWhenAsked) {
  acc::test::TempDir dir;
  const fs::path path = dir / "events.jsonl";
  append(path, event_line(1, "run.started") + "\n");
  std::atomic<bool> stop{false};
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    stop = true;
  });
  acc::EventTail tail(path);
  int seen = 0;
  EXPECT_FALSE(acc::follow_events(tail, [&](const acc::TailedEvent&) { ++seen; }, &stop,
                                  std::chrono::milliseconds(10)));
  stopper.join();
  EXPECT_EQ(seen, 1);
}

// ---- the commands -----------------------------------------------------------------------

TEST(RunViewsCli, Ls) {
  acc::test::TempDir dir;
  make_run(dir);
  const auto table = acc::test::run_acc("ls --runs " + dir.path().string());
  EXPECT_EQ(table.exit_code, 0) << table.output;
  EXPECT_NE(table.output.find("r1"), std::string::npos);
  EXPECT_NE(table.output.find("completed"), std::string::npos);
  EXPECT_NE(table.output.find("views"), std::string::npos);

  const auto js = acc::test::run_acc("ls --json --runs " + dir.path().string());
  EXPECT_EQ(js.exit_code, 0) << js.output;
  const json parsed = json::parse(js.output);
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_EQ(parsed[0]["id"], "r1");
  EXPECT_EQ(parsed[0]["checkpoints"], 2);

  const auto missing = acc::test::run_acc("ls --runs " + (dir / "nope").string());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(count_lines(missing.output), 1) << missing.output;
  EXPECT_EQ(missing.output.rfind("acc: error: ", 0), 0u) << missing.output;
}

TEST(RunViewsCli, Tree) {
  acc::test::TempDir dir;
  make_run(dir);
  const auto one = acc::test::run_acc("tree r1 --runs " + dir.path().string());
  EXPECT_EQ(one.exit_code, 0) << one.output;
  EXPECT_LT(one.output.find("root"), one.output.find("└─ a"));
  EXPECT_NE(one.output.find("← current"), std::string::npos);

  const auto all = acc::test::run_acc("tree --runs " + dir.path().string());
  EXPECT_EQ(all.exit_code, 0) << all.output;
  EXPECT_EQ(all.output.rfind("r1  (completed, recipe views)\n", 0), 0u) << all.output;

  const auto js = acc::test::run_acc("tree r1 --json --runs " + dir.path().string());
  EXPECT_EQ(js.exit_code, 0) << js.output;
  EXPECT_EQ(json::parse(js.output)["nodes"].size(), 2u);
  const auto js_all = acc::test::run_acc("tree --json --runs " + dir.path().string());
  EXPECT_TRUE(json::parse(js_all.output).is_array());

  const auto unknown = acc::test::run_acc("tree nope --runs " + dir.path().string());
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(count_lines(unknown.output), 1) << unknown.output;
  EXPECT_NE(unknown.output.find("'nope'"), std::string::npos);
  EXPECT_NE(unknown.output.find("acc ls"), std::string::npos);
}

TEST(RunViewsCli, Events) {
  acc::test::TempDir dir;
  const fs::path rd = make_run(dir);
  const auto all = acc::read_events(rd / "events.jsonl");
  const std::string runs = " --runs " + dir.path().string();

  const auto full = acc::test::run_acc("events r1" + runs);
  EXPECT_EQ(full.exit_code, 0);
  EXPECT_EQ(full.output, acc::test::read_text(rd / "events.jsonl"));  // exactly as stored

  const auto lifecycle = acc::test::run_acc("events r1 --since 1 --type run." + runs);
  EXPECT_EQ(lifecycle.exit_code, 0);
  std::stringstream ss(lifecycle.output);
  std::vector<std::string> types;
  for (std::string l; std::getline(ss, l);) types.push_back(json::parse(l)["type"]);
  EXPECT_EQ(types, (std::vector<std::string>{"run.started", "run.completed"}));

  // Following a finished run prints the rest and ends at its terminal event.
  const auto follow = acc::test::run_acc("events r1 --follow --since " + std::to_string(all.size() - 2) + runs);
  EXPECT_EQ(follow.exit_code, 0);
  EXPECT_EQ(count_lines(follow.output), 2) << follow.output;
  EXPECT_NE(follow.output.find("run.completed"), std::string::npos);

  const auto unknown = acc::test::run_acc("events nope" + runs);
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(count_lines(unknown.output), 1) << unknown.output;
  EXPECT_NE(unknown.output.find("acc ls"), std::string::npos);
}
