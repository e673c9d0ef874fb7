// `acc serve` and `acc ctl` end to end. One server per test process runs as a subprocess on a
// free port over a temporary runs root; requests go through httplib::Client. A fake live run
// is this process holding a ControlServer on a run directory that only has config.json and
// summary.json, with a handler that echoes {cmd, args}: the forwarding is tested without
// training. Only the POST /api/runs test trains (a few steps of a tiny synthetic recipe).
//
// Adding a route test: use server() for the port and token, and client() for a connection.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <thread>

#include "debug/control_channel.h"
#include "recipe/runner.h"
#include "test_util.h"
#include "util/json_io.h"

extern char** environ;

namespace fs = std::filesystem;
using acc::test::run_acc;
using nlohmann::json;

namespace {

// `acc serve ARGS` with stdout on a pipe (for the `serving` line) and stderr in a file.
class ServeProcess {
 public:
  ServeProcess(const std::vector<std::string>& args, const std::vector<std::string>& extra_env, const fs::path& err_log) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    std::vector<std::string> argv_text = {acc::test::acc_binary(), "serve"};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_text) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_text = extra_env;
    for (char** e = environ; *e; ++e) env_text.push_back(*e);
    std::vector<char*> envp;
    for (auto& e : env_text) envp.push_back(e.data());
    envp.push_back(nullptr);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    out_ = fds[0];
    if (rc != 0) throw std::runtime_error("posix_spawn failed");
  }
  ~ServeProcess() {
    if (pid_ > 0) stop();
    if (out_ >= 0) ::close(out_);
  }

  // The first stdout line, or "" when none arrives within the timeout.
  std::string read_line(double timeout_seconds) {
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char c;
      if (::read(out_, &c, 1) != 1) break;
      if (c == '\n') return line;
      line += c;
    }
    return "";
  }

  // SIGINT, as Ctrl-C; the exit code, or -1 when it did not exit within 10 s (then killed).
  int stop() {
    ::kill(pid_, SIGINT);
    int status = 0;
    for (int i = 0; i < 200; ++i) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return -1;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
};

// A tiny synthetic recipe (no data files), found by the server through ACC_RECIPES.
constexpr const char* kTinyRecipe =
    "name: tiny_serve\n"
    "description: a few steps on synthetic images, for test_serve\n"
    "seed: 1\n"
    "vars:\n"
    "  steps: 5\n"
    "ops:\n"
    "  - op: load_dataset\n"
    "    name: thick\n"
    "    source: thickness\n"
    "    n: 64\n"
    "    image_size: 28\n"
    "  - op: create_model\n"
    "    model: linear_ae\n"
    "    hidden: 4\n"
    "  - op: attach_task\n"
    "    task: reconstruction\n"
    "    name: recon\n"
    "    dataset: thick\n"
    "  - op: train\n"
    "    steps: ${steps}\n"
    "    batch_size: 16\n"
    "  - op: save_checkpoint\n"
    "    tag: done\n";

json echo(const std::string& cmd, const json& args) {
  if (cmd == "refuse") throw acc::Error("refused on purpose");
  return {{"cmd", cmd}, {"args", args}};
}

// A temporary runs root holding the fake run, and the recipe dir the server is given.
class FakeRunRoot : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<acc::test::TempDir>();
    acc::test::write_text(*dir_ / "recipes" / "tiny_serve.yaml", kTinyRecipe);
    acc::test::write_text(*dir_ / "secret.txt", "outside the runs root\n");
    // What read_run needs of a run: its config.json (summary.json for a status).
    acc::test::write_text(runs() / "fake" / "config.json", R"({"recipe": {"name": "fake"}})");
    acc::test::write_text(runs() / "fake" / "summary.json", R"({"status": "running"})");
  }
  static void TearDownTestSuite() { dir_.reset(); }
  static fs::path runs() { return *dir_ / "runs"; }

  static inline std::unique_ptr<acc::test::TempDir> dir_;
};

class Serve : public FakeRunRoot {
 protected:
  static void SetUpTestSuite() {
    FakeRunRoot::SetUpTestSuite();
    server_ = std::make_unique<ServeProcess>(
        std::vector<std::string>{"--port", "0", "--runs", runs().string()},
        std::vector<std::string>{"ACC_RECIPES=" + (*dir_ / "recipes").string()}, *dir_ / "serve.err");
    const std::string line = server_->read_line(60);
    const std::string prefix = "serving http://127.0.0.1:";
    ASSERT_EQ(line.rfind(prefix, 0), 0u) << "line: " << line << "\nstderr: " << err_log();
    const size_t token_at = line.find("/?token=");
    ASSERT_NE(token_at, std::string::npos) << line;
    port_ = std::stoi(line.substr(prefix.size(), token_at - prefix.size()));
    token_ = line.substr(token_at + 8);
  }
  static void TearDownTestSuite() {
    server_.reset();
    FakeRunRoot::TearDownTestSuite();
  }

  static httplib::Client client() {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(30, 0);
    return c;
  }
  static httplib::Headers with_token(const std::string& token) { return {{"X-Acc-Token", token}}; }
  static httplib::Result post(const std::string& path, const json& body, const httplib::Headers& headers) {
    return client().Post(path.c_str(), headers, body.dump(), "application/json");
  }
  static std::string err_log() { return acc::test::read_text(*dir_ / "serve.err"); }

  static inline std::unique_ptr<ServeProcess> server_;
  static inline int port_ = 0;
  static inline std::string token_;
};

TEST_F(Serve, PrintsAFreePortAndALongToken) {
  EXPECT_GT(port_, 0);
  EXPECT_GE(token_.size(), 32u);  // at least 128 bits in hex
  EXPECT_EQ(token_.find_first_not_of("0123456789abcdef"), std::string::npos) << token_;
}

TEST_F(Serve, ServesTheViewerAndTheRunsRootReadOnly) {
  auto viewer = client().Get("/viewer/index.html");
  ASSERT_TRUE(viewer) << err_log();
  EXPECT_EQ(viewer->status, 200);
  EXPECT_NE(viewer->get_header_value("Content-Type").find("text/html"), std::string::npos);
  EXPECT_NE(viewer->body.find("<html"), std::string::npos);

  auto config = client().Get("/runs/fake/config.json");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->status, 200);
  EXPECT_EQ(config->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(json::parse(config->body)["recipe"]["name"], "fake");
  EXPECT_EQ(client().Get("/runs/fake/nothing.json")->status, 404);

  // Out of the root: `..` (also percent-encoded) and a symlink pointing outside.
  fs::create_symlink(*dir_ / "secret.txt", runs() / "link.txt");
  for (const char* path : {"/runs/../secret.txt", "/runs/%2e%2e/secret.txt", "/runs/fake/../../secret.txt",
                           "/runs/link.txt", "/viewer/../README.md"}) {
    auto r = client().Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 403) << path;
    EXPECT_EQ(r->body.find("outside the runs root"), std::string::npos) << path;
  }
}

TEST_F(Serve, RootRedirectsToTheViewerWithTheTokenOnlyWhenGivenIt) {
  auto bare = client().Get("/");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->status, 302);
  EXPECT_EQ(bare->get_header_value("Location"), "/viewer/index.html?root=/runs");
  auto with = client().Get(("/?token=" + token_).c_str());
  EXPECT_EQ(with->get_header_value("Location"), "/viewer/index.html?root=/runs&token=" + token_);
  auto wrong = client().Get("/?token=0123");
  EXPECT_EQ(wrong->get_header_value("Location"), "/viewer/index.html?root=/runs");
}

TEST_F(Serve, PostsWithoutTheRightTokenAreForbidden) {
  for (const auto& headers : {httplib::Headers{}, with_token("wrong"), with_token(token_ + "0")}) {
    for (const char* path : {"/api/runs", "/api/runs/fake/control", "/api/runs/fake/inspect"}) {
      auto r = post(path, {{"cmd", "state"}, {"recipe", "tiny_serve"}}, headers);
      ASSERT_TRUE(r) << path;
      EXPECT_EQ(r->status, 403) << path;
      const json body = json::parse(r->body);
      EXPECT_EQ(body["ok"], false);
      EXPECT_NE(body["error"].get<std::string>().find("X-Acc-Token"), std::string::npos);
    }
  }
}

TEST_F(Serve, RefusesRequestsForAnotherHostName) {
  auto r = client().Get("/api/session", {{"Host", "attacker.example:" + std::to_string(port_)}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_NE(r->body.find("DNS rebinding"), std::string::npos) << r->body;
  auto local = client().Get("/api/session", {{"Host", "localhost:" + std::to_string(port_)}});
  EXPECT_EQ(local->status, 200);
}

TEST_F(Serve, SessionAndRecipes) {
  auto session = client().Get("/api/session");
  ASSERT_TRUE(session);
  const json s = json::parse(session->body);
  EXPECT_EQ(s["served"], true);
  EXPECT_EQ(s["runs"], "/runs");
  EXPECT_TRUE(s["version"].is_string());

  auto recipes = client().Get("/api/recipes");
  ASSERT_TRUE(recipes);
  EXPECT_EQ(recipes->status, 200);
  const json listing = json::parse(recipes->body);
  std::map<std::string, json> by_name;
  for (const auto& r : listing["recipes"]) by_name[r["name"].get<std::string>()] = r;
  ASSERT_TRUE(by_name.count("quickstart")) << recipes->body;
  EXPECT_EQ(by_name["quickstart"]["vars"]["steps"], 20000);
  EXPECT_FALSE(by_name["quickstart"]["description"].get<std::string>().empty());
  ASSERT_TRUE(by_name.count("tiny_serve")) << recipes->body;
  EXPECT_EQ(by_name["tiny_serve"]["vars"]["steps"], 5);
}

TEST_F(Serve, ControlIsForwardedToALiveRunAnd409WhenNotLive) {
  {
    acc::ControlServer live(runs() / "fake", echo);
    auto r = post("/api/runs/fake/control", {{"cmd", "step"}, {"args", {{"n", 3}}}}, with_token(token_));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(json::parse(r->body), json({{"ok", true}, {"result", {{"cmd", "step"}, {"args", {{"n", 3}}}}}}));

    auto refused = post("/api/runs/fake/control", {{"cmd", "refuse"}}, with_token(token_));
    EXPECT_EQ(refused->status, 400);
    EXPECT_EQ(json::parse(refused->body)["error"], "refused on purpose");

    auto no_cmd = post("/api/runs/fake/control", {{"args", json::object()}}, with_token(token_));
    EXPECT_EQ(no_cmd->status, 400);
    auto not_json = client().Post("/api/runs/fake/control", with_token(token_), "{", "application/json");
    EXPECT_EQ(not_json->status, 400);
  }
  auto ended = post("/api/runs/fake/control", {{"cmd", "state"}}, with_token(token_));
  ASSERT_TRUE(ended);
  EXPECT_EQ(ended->status, 409);
  EXPECT_EQ(json::parse(ended->body)["ok"], false);
  EXPECT_NE(ended->body.find("not live"), std::string::npos) << ended->body;

  auto missing = post("/api/runs/nosuch/control", {{"cmd", "state"}}, with_token(token_));
  EXPECT_EQ(missing->status, 404);
}

TEST_F(Serve, PostRunsStartsARunThatCompletes) {
  auto bad_var = post("/api/runs", {{"recipe", "tiny_serve"}, {"vars", {{"nosuch", 1}}}}, with_token(token_));
  ASSERT_TRUE(bad_var);
  EXPECT_EQ(bad_var->status, 400);
  EXPECT_NE(bad_var->body.find("nosuch"), std::string::npos) << bad_var->body;
  auto path = post("/api/runs", {{"recipe", "/etc/passwd"}}, with_token(token_));
  EXPECT_EQ(path->status, 400);
  auto unknown = post("/api/runs", {{"recipe", "no_such_recipe"}}, with_token(token_));
  EXPECT_EQ(unknown->status, 400);
  EXPECT_NE(unknown->body.find("recipe not found"), std::string::npos) << unknown->body;

  auto r = post("/api/runs", {{"recipe", "tiny_serve"}, {"vars", {{"steps", 3}}}}, with_token(token_));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json started = json::parse(r->body);
  const std::string id = started["run_id"];
  EXPECT_EQ(id.rfind("tiny_serve-", 0), 0u) << id;
  EXPECT_EQ(started["log"], "/runs/.serve/" + id + ".log");

  json summary;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      summary = acc::read_json_file(runs() / id / "summary.json");
      if (summary.value("status", "") != "running" && summary.value("status", "") != "created") break;
    } catch (const acc::Error&) {
      // not created yet, or mid-rename
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  const std::string log = acc::test::read_text(runs() / ".serve" / (id + ".log"));
  ASSERT_EQ(summary.value("status", ""), "completed") << "log: " << log << "\nserver: " << err_log();
  EXPECT_EQ(acc::read_json_file(runs() / id / "config.json")["recipe"]["vars"]["steps"], 3);
  // The log is served with the runs root, for the viewer to show a run that failed to start.
  auto served_log = client().Get(("/runs/.serve/" + id + ".log").c_str());
  EXPECT_EQ(served_log->status, 200);
}

TEST_F(Serve, InspectRunsAccInspectAndReturnsThePathsOrTheError) {
  // A tiny conv_ae node in the served root, trained in this process.
  acc::RunOptions options;
  options.runs_root = runs().string();
  options.run_id = "insp";
  acc::run_recipe(acc::parse_recipe("name: insp\nseed: 1\nops:\n"
                                    "  - {op: load_dataset, name: thick, source: thickness, n: 64, image_size: 28}\n"
                                    "  - {op: create_model, model: conv_ae, latent: 2}\n"
                                    "  - {op: attach_task, task: reconstruction, name: recon, dataset: thick}\n"
                                    "  - {op: train, steps: 3, batch_size: 8}\n"
                                    "  - {op: save_checkpoint, tag: done}\n",
                                    "insp.yaml"),
                  options);
  auto r = post("/api/runs/insp/inspect",
                {{"node", "done"}, {"index", 2}, {"layer", "encoder.conv1"}, {"channel", 1}, {"xy", {3, 4}},
                 {"perturb", {1, 0.25}}, {"topk", 2}, {"subset", 6}},
                with_token(token_));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body << "\nserver: " << err_log();
  const json body = json::parse(r->body);
  EXPECT_EQ(body["ok"], true);
  EXPECT_EQ(body["tag"], "done");
  bool has_perturb = false;
  for (const auto& p : body["paths"]) {
    EXPECT_TRUE(fs::exists(runs() / "insp" / p.get<std::string>())) << p;
    has_perturb |= p.get<std::string>().find("perturb/idx_2/vector_z/dim_1/delta_p0.25/meta") != std::string::npos;
  }
  EXPECT_TRUE(has_perturb) << r->body;
  EXPECT_EQ(acc::read_json_file(runs() / "insp/network/done/inspect/idx_2/layer_encoder.conv1/ch_1/inspect_latest.json")["xy"]["y"], 4);

  // acc inspect's own error, one line, 400; and malformed bodies refused before it runs.
  auto bad = post("/api/runs/insp/inspect", {{"node", "done"}, {"index", 5000}}, with_token(token_));
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(json::parse(bad->body)["error"].get<std::string>().find("--index 5000 is outside the test split"), std::string::npos)
      << bad->body;
  for (const json& malformed : {json{{"index", 1}}, json{{"node", "done"}, {"index", "1"}},
                                json{{"node", "done"}, {"index", 1}, {"xy", {1}}},
                                json{{"node", "done"}, {"index", 1}, {"perturb", "1:2"}}}) {
    auto m = post("/api/runs/insp/inspect", malformed, with_token(token_));
    EXPECT_EQ(m->status, 400) << malformed.dump() << " " << m->body;
  }
  auto missing = post("/api/runs/insp/inspect", {{"node", "nosuch"}, {"index", 1}}, with_token(token_));
  EXPECT_EQ(missing->status, 400);
}

TEST(ServeOptions, RefusesANonLoopbackHostWithoutAllowRemote) {
  acc::test::TempDir dir;
  for (const char* host : {"0.0.0.0", "::", "192.168.1.10"}) {
    const auto r = run_acc(std::string("serve --port 0 --host ") + host + " --runs " + dir.path().string());
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("--allow-remote"), std::string::npos) << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  }
}

TEST(ServeOptions, CtrlCStopsTheServerCleanly) {
  acc::test::TempDir dir;
  ServeProcess server({"--port", "0", "--runs", (dir / "runs").string()}, {}, dir / "err");
  ASSERT_EQ(server.read_line(60).rfind("serving http://127.0.0.1:", 0), 0u) << acc::test::read_text(dir / "err");
  EXPECT_EQ(server.stop(), 0) << acc::test::read_text(dir / "err");
}

// `acc ctl` against the same fake run: arguments become the request's args; bad ones are
// refused before anything is sent.
class Ctl : public FakeRunRoot {
 protected:
  static acc::test::CommandResult ctl(const std::string& args) {
    return run_acc("ctl " + args + " --runs " + runs().string());
  }
};

TEST_F(Ctl, SendsCommandsWithTheirArgsAndPrintsTheReply) {
  acc::ControlServer live(runs() / "fake", echo);
  struct Case {
    std::string args;
    json expected;
  };
  const std::vector<Case> cases = {
      {"fake state", {{"cmd", "state"}, {"args", json::object()}}},
      {"fake step", {{"cmd", "step"}, {"args", {{"n", 1}}}}},
      {"fake step 5", {{"cmd", "step"}, {"args", {{"n", 5}}}}},
      {"fake watch 3,17 42", {{"cmd", "watch"}, {"args", {{"features", {3, 17, 42}}}}}},
      {"fake unwatch 3,", {{"cmd", "unwatch"}, {"args", {{"features", {3}}}}}},
      {"fake data batch.loss", {{"cmd", "data"}, {"args", {{"key", "batch.loss"}}}}},
  };
  for (const auto& c : cases) {
    const auto r = ctl(c.args);
    ASSERT_EQ(r.exit_code, 0) << c.args << "\n" << r.output;
    EXPECT_EQ(json::parse(r.output), c.expected) << c.args;
  }
  const auto refused = ctl("fake refuse");
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.output.find("unknown command 'refuse'; use one of state, pause"), std::string::npos) << refused.output;
}

TEST_F(Ctl, BadArgumentsAndDeadRunsGiveOneClearError) {
  struct Case {
    std::string args, expected;
  };
  const std::vector<Case> cases = {
      {"fake step 0", "N must be a positive integer"},
      {"fake step two", "N must be a positive integer"},
      {"fake watch -- -3", "non-negative integers"},
      {"fake watch 3,x", "non-negative integers"},
      {"fake watch", "needs feature ids"},
      {"fake state now", "takes no arguments"},
      {"fake data", "exactly one KEY"},
      {"nosuch state", "run 'nosuch' not found"},
      {"fake state", "not live"},  // no ControlServer now
  };
  for (const auto& c : cases) {
    const auto r = ctl(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.output;
    EXPECT_NE(r.output.find("acc: error: "), std::string::npos) << c.args << "\n" << r.output;
    EXPECT_NE(r.output.find(c.expected), std::string::npos) << c.args << "\n" << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << c.args << "\n" << r.output;
  }
}

}  // namespace
