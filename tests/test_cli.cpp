// The acc executable: the torch-free front-end and its hand-over to acc-torch, --version, the quickstart end to end (real MNIST), and each bad
// input giving one clear error line, a non-zero exit, and no run directory.
#include <gtest/gtest.h>

#include "data/idx.h"
#include "run/event_log.h"
#include "test_util.h"
#include "util/json_io.h"

namespace fs = std::filesystem;
using acc::test::run_acc;

namespace {
int count_entries(const fs::path& dir) {
  if (!fs::exists(dir)) return 0;
  return static_cast<int>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}
std::string quickstart() { return acc::test::source_dir() + "/recipes/quickstart.yaml"; }
}  // namespace

TEST(Cli, VersionReportsTorchBlasAndThreads) {
  const auto r = run_acc("--version --full");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("acc 0."), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("libtorch 1."), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("blas "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("threads 1"), std::string::npos) << r.output;
}

TEST(Cli, PlainVersionIsTheFrontEndsAndNamesTheFullOne) {
  const auto r = run_acc("--version");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("acc 0."), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("libtorch"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("acc --version --full"), std::string::npos) << r.output;
}

// The front-end must not load LibTorch (that is what makes `acc ls` start in milliseconds):
// neither it nor anything it needs, transitively, is a LibTorch library. acc-torch is checked
// the other way round, so the test knows what a LibTorch dependency looks like in ldd's output.
TEST(Cli, FrontEndDoesNotLinkLibTorch) {
  const auto front = acc::test::run_shell("ldd " + acc::test::acc_binary());
  ASSERT_EQ(front.exit_code, 0) << front.output;
  EXPECT_EQ(front.output.find("libtorch"), std::string::npos) << front.output;
  EXPECT_EQ(front.output.find("libc10"), std::string::npos) << front.output;
  const auto torch_half = acc::test::run_shell(std::string("ldd ") + ACC_TORCH_BINARY);
  ASSERT_EQ(torch_half.exit_code, 0) << torch_half.output;
  EXPECT_NE(torch_half.output.find("libtorch"), std::string::npos) << torch_half.output;
}

// Every torch-side command is listed by the front-end's --help with the summary acc-torch
// itself gives, and reaches acc-torch: its own --help names its options.
TEST(Cli, FrontEndListsAndHandsOverEveryTorchCommand) {
  const auto front = run_acc("--help");
  const auto torch_half = acc::test::run_shell(std::string(ACC_TORCH_BINARY) + " --help");
  ASSERT_EQ(front.exit_code, 0) << front.output;
  ASSERT_EQ(torch_half.exit_code, 0) << torch_half.output;
  for (const std::string name : {"run", "plan", "fork", "eval", "inspect", "reproduce", "export"}) {
    const auto line_of = [&](const std::string& help) {
      const auto at = help.find("\n  " + name + " ");
      return at == std::string::npos ? std::string() : help.substr(at, help.find('\n', at + 1) - at);
    };
    EXPECT_FALSE(line_of(front.output).empty()) << name << " missing from acc --help:\n" << front.output;
    EXPECT_EQ(line_of(front.output), line_of(torch_half.output)) << name;
    const auto sub = run_acc(name + " --help");
    EXPECT_EQ(sub.exit_code, 0) << sub.output;
    EXPECT_NE(sub.output.find("acc " + name), std::string::npos) << sub.output;
  }
  const auto reference = run_acc("recipes --reference");
  EXPECT_EQ(reference.exit_code, 0) << reference.output;
  EXPECT_NE(reference.output.find("#### `conv_ae`"), std::string::npos);
}

TEST(Cli, QuickstartRunsEndToEndOnMnist) {
  ASSERT_TRUE(acc::test::mnist_available()) << "MNIST missing: run `make data` (scripts/fetch_mnist.sh)";
  acc::test::TempDir dir;
  const auto r = run_acc("run " + quickstart() + " --set steps=300 --runs " + dir.path().string() +
                         " --run-id qs --threads 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("run completed"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("step 300/300"), std::string::npos) << r.output;  // plain progress (not a tty)
  const auto summary = acc::read_json_file(dir / "qs" / "summary.json");
  EXPECT_EQ(summary["status"], "completed");
  const auto& m = summary["final_metrics"]["trained"];
  EXPECT_GT(m["digit"]["accuracy"].get<double>(), 0.5);  // a probe on a 300-step AE beats chance (0.1)
  EXPECT_GT(m["recon"]["psnr"].get<double>(), 12.0);

  // Loss decreases on MNIST within a few hundred steps.
  std::vector<double> recon;
  for (const auto& e : acc::read_events(dir / "qs" / "events.jsonl"))
    if (e["type"] == "train.metrics") recon.push_back(e["payload"]["losses"]["recon"]);
  ASSERT_GE(recon.size(), 10u);
  EXPECT_LT(recon.back(), 0.6 * recon.front());
}

TEST(Cli, DryRunPrintsThePlanAndWritesNothing) {
  acc::test::TempDir dir;
  const auto r = run_acc("run quickstart --dry-run --runs " + dir.path().string());
  if (!acc::test::mnist_available()) GTEST_SKIP() << "MNIST not fetched";
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("total training steps: 20000"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("nodes to create: 2"), std::string::npos) << r.output;
  EXPECT_EQ(count_entries(dir.path()), 0);
}

TEST(Cli, BadInputsGiveOneClearErrorAndNoRunDirectory) {
  acc::test::TempDir dir;
  const std::string runs = " --runs " + (dir / "runs").string();
  acc::test::write_text(dir / "malformed.yaml", "name: x\nops: [\n");
  acc::test::write_text(dir / "unknown_op.yaml", "name: x\nops:\n  - op: trian\n");
  acc::test::write_text(dir / "missing_data.yaml",
                        "name: x\nops:\n  - op: load_dataset\n    name: mnist\n    path: " + (dir / "nodata").string() + "\n");
  fs::create_directories(dir / "corrupt");
  acc::test::write_text(dir / "corrupt" / "train-images-idx3-ubyte", "garbage-not-idx");
  for (const char* f : {"train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"})
    acc::test::write_text(dir / "corrupt" / f, "garbage");
  acc::test::write_text(dir / "corrupt.yaml",
                        "name: x\nops:\n  - op: load_dataset\n    name: mnist\n    path: " + (dir / "corrupt").string() + "\n");

  struct Case { std::string args, expected; };
  const std::vector<Case> cases = {
      {"run " + (dir / "malformed.yaml").string(), "malformed YAML"},
      {"run " + (dir / "unknown_op.yaml").string(), "unknown op 'trian'"},
      {"run " + (dir / "missing_data.yaml").string(), "fetch_mnist"},
      {"run " + (dir / "corrupt.yaml").string(), (dir / "corrupt").string()},
      {"run " + (dir / "nope.yaml").string(), "recipe not found"},
      {"run " + quickstart() + " --set steps=0", "field 'steps' must be positive"},
      {"run " + quickstart() + " --set nosuch=1", "defines no var 'nosuch'"},
      {"run " + quickstart() + " --set steps", "expected name=value"},
      {"run " + quickstart() + " --device cuda", "--device cuda"},
  };
  for (const auto& c : cases) {
    const auto r = run_acc(c.args + runs);
    EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.output;
    EXPECT_NE(r.output.find("acc: error: "), std::string::npos) << r.output;
    EXPECT_NE(r.output.find(c.expected), std::string::npos) << c.args << "\n" << r.output;
    // One line: the message and nothing else (no backtrace).
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
    EXPECT_EQ(count_entries(dir / "runs"), 0) << c.args;
  }
}

TEST(Cli, RecipesListingReportsUnparsableFilesWithoutFailing) {
  acc::test::TempDir dir;
  acc::test::write_text(dir / "good.yaml", "name: good\ndescription: fine one\nops:\n  - op: log\n    message: hi\n");
  acc::test::write_text(dir / "broken.yaml", "name: [\n");
  const auto r = run_acc("recipes --recipes " + dir.path().string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("fine one"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("broken\t"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("INVALID"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("quickstart"), std::string::npos) << r.output;
}
