// Recipe parsing (${var}, --set, typing, line numbers) and dry-run validation: every bad
// input is refused with a message naming the file, line, field and a fix.
#include <gtest/gtest.h>

#include "error.h"
#include "recipe/recipe.h"
#include "recipe/runner.h"

using acc::parse_recipe;

namespace {

// A small valid recipe on the synthetic thickness set (no files needed).
const char* kValid = R"(name: tiny
description: test
seed: 7
vars:
  steps: 20
  hidden: 8
ops:
  - op: load_dataset
    name: thick
    source: thickness
    n: 100
    image_size: 28
  - op: create_model
    model: linear_ae
    hidden: ${hidden}
  - op: attach_task
    task: reconstruction
    dataset: thick
  - op: save_checkpoint
    tag: root
  - op: train
    steps: ${steps}
    batch_size: 16
)";

std::string plan_error(const std::string& text) {
  try {
    acc::plan_recipe(parse_recipe(text, "bad.yaml"));
  } catch (const acc::Error& e) {
    return e.what();
  }
  return "";
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  return pos == std::string::npos ? s : s.replace(pos, from.size(), to);
}

}  // namespace

TEST(Recipe, ParsesTypesVarsAndLines) {
  const auto r = parse_recipe(kValid, "tiny.yaml");
  EXPECT_EQ(r.name, "tiny");
  EXPECT_EQ(r.seed, 7);
  ASSERT_EQ(r.ops.size(), 5u);
  EXPECT_EQ(r.ops[1].op, "create_model");
  EXPECT_EQ(r.ops[1].line, 13);
  EXPECT_TRUE(r.ops[1].fields["hidden"].is_number_integer());
  EXPECT_EQ(r.ops[1].fields["hidden"], 8);
  EXPECT_EQ(r.ops[4].fields["steps"], 20);
  EXPECT_EQ(r.ops[1].where(), "tiny.yaml:13: create_model");
}

TEST(Recipe, SetOverridesVarsWithTypedValues) {
  const auto r = parse_recipe(kValid, "tiny.yaml", {{"steps", "50"}});
  EXPECT_EQ(r.ops[4].fields["steps"], 50);
  EXPECT_EQ(r.vars["steps"], 50);
}

TEST(Recipe, QuotedScalarsStayStringsAndEmbeddedVarsInterpolate) {
  const auto r = parse_recipe("name: q\nvars: {n: 3}\nops:\n  - op: log\n    message: \"42\"\n  - op: log\n    message: run ${n} x\n", "q.yaml");
  EXPECT_TRUE(r.ops[0].fields["message"].is_string());
  EXPECT_EQ(r.ops[1].fields["message"], "run 3 x");
}

TEST(Recipe, RefusesMalformedInputWithLocation) {
  auto error = [](const std::string& text, const std::map<std::string, std::string>& sets = {}) -> std::string {
    try {
      parse_recipe(text, "bad.yaml", sets);
    } catch (const acc::Error& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(error("name: x\nops: [\n").find("bad.yaml:"), std::string::npos);
  EXPECT_NE(error("name: x\nops: [\n").find("malformed YAML"), std::string::npos);
  EXPECT_NE(error("name: x\nopz: []\n").find("unknown top-level key 'opz'"), std::string::npos);
  EXPECT_NE(error("name: x\nops:\n  - op: train\n    steps: ${nope}\n").find("unknown variable '${nope}'"), std::string::npos);
  EXPECT_NE(error(kValid, {{"stepz", "1"}}).find("defines no var 'stepz'"), std::string::npos);
  EXPECT_NE(error("name: x\nops:\n  - train: 3\n").find("bad.yaml:3"), std::string::npos);
  EXPECT_NE(error("description: no name\nops:\n  - op: log\n    message: m\n").find("missing 'name:'"), std::string::npos);
}

TEST(RecipePlan, ValidRecipePlansWithTotals) {
  const auto r = parse_recipe(kValid, "tiny.yaml");
  const auto plan = acc::plan_recipe(r);
  EXPECT_EQ(plan.total_steps, 20);
  EXPECT_EQ(plan.tags.count("root"), 1u);
  const std::string text = acc::format_plan(r, plan);
  EXPECT_NE(text.find("total training steps: 20"), std::string::npos) << text;
  EXPECT_NE(text.find("thick (source thickness"), std::string::npos) << text;
}

TEST(RecipePlan, RefusesEachBadInputWithAClearMessage) {
  struct Case { std::string from, to, expected; };
  const std::vector<Case> cases = {
      {"op: train", "op: trian", "unknown op 'trian'; valid ops: phase, log, load_dataset"},
      {"model: linear_ae", "model: linear_aa", "unknown model 'linear_aa'; valid models:"},
      {"task: reconstruction", "task: recon", "unknown task type 'recon'; valid types:"},
      {"source: thickness", "source: thikness", "unknown dataset source 'thikness'"},
      {"dataset: thick", "dataset: thin", "no dataset named 'thin'; loaded datasets: thick"},
      {"steps: ${steps}", "steps: 0", "field 'steps' must be positive"},
      {"steps: ${steps}", "steps: -5", "field 'steps' must be positive"},
      {"steps: ${steps}", "steps: lots", "field 'steps' must be int"},
      {"hidden: ${hidden}", "hidden: 8\n    depth: 3", "unknown field 'depth'"},
      {"    dataset: thick\n", "    dataset: thick\n    latent_slice: [4, 20]\n", "latent_slice [4, 20) is outside the model's latent"},
      {"task: reconstruction", "task: classification", "labels"},
      {"tag: root", "tag: root\n  - op: save_checkpoint\n    tag: root", "tag 'root' is already used"},
  };
  for (const auto& c : cases) {
    const std::string e = plan_error(replace(kValid, c.from, c.to));
    EXPECT_NE(e.find(c.expected), std::string::npos) << "case " << c.to << "\n got: " << e;
    EXPECT_NE(e.find("bad.yaml:"), std::string::npos) << e;
  }
}

TEST(RecipePlan, RefusesTrainWithoutTasksAndMissingData) {
  std::string no_task = replace(kValid, "  - op: attach_task\n    task: reconstruction\n    dataset: thick\n", "");
  EXPECT_NE(plan_error(no_task).find("no training task attached"), std::string::npos);
  const std::string missing =
      "name: m\nops:\n  - op: load_dataset\n    name: mnist\n    path: /nonexistent/mnist\n";
  const std::string e = plan_error(missing);
  EXPECT_NE(e.find("/nonexistent/mnist"), std::string::npos) << e;
  EXPECT_NE(e.find("fetch_mnist"), std::string::npos) << e;
}
