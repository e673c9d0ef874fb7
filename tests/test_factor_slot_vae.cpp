// factor_slot_vae tests: output shapes at 28 and 32 px, attention as a distribution over
// tokens, eval determinism, per-group KL, the detach_factor_grad gradient isolation
// (checked both ways, so the test fails if the flag stops mattering), group-layout
// errors, decode, config round trip, a short training run that must beat the all-black
// image, and the straight-through clamped output. The generic model contract
// (tests/test_models.cpp) covers this model through its registry row as well.
// To add a group-layout error case, add a row to the table in GroupLayoutErrorsNameTheProblem.
#include <gtest/gtest.h>

#include "test_util.h"

#include <cmath>

#include "error.h"
#include "models/factor_slot_vae.h"
#include "models/registry.h"
#include "tasks/kl.h"

namespace acc {
namespace {

constexpr int64_t kBatch = 4;

std::shared_ptr<FactorSlotVAEImpl> make_vae(nlohmann::json options = nlohmann::json::object()) {
  auto vae = std::dynamic_pointer_cast<FactorSlotVAEImpl>(build_model("factor_slot_vae", options));
  TORCH_CHECK(vae, "factor_slot_vae did not build a FactorSlotVAEImpl");
  return vae;
}

using test::error_of;

// Sum of |grad| over the parameters whose name starts with `prefix` (undefined grad = 0).
double grad_mass(const Model& model, const std::string& prefix) {
  double total = 0;
  for (const auto& p : model.named_parameters())
    if (p.key().rfind(prefix, 0) == 0 && p.value().grad().defined())
      total += p.value().grad().abs().sum().item<double>();
  return total;
}

TEST(FactorSlotVae, OutputsHaveTheDocumentedShapes) {
  for (int64_t size : {32, 28}) {
    SCOPED_TRACE(std::to_string(size) + " px");
    auto vae = make_vae({{"image_size", size}});
    const int64_t s = size / 4;
    EXPECT_EQ(vae->grid_size(), s);
    EXPECT_EQ(vae->latent_dim(), 16);
    EXPECT_EQ(vae->groups(), FactorSlotVAEOptions::default_groups());
    const ModelOutputs out = vae->forward(torch::rand({kBatch, 1, size, size}));
    std::set<ModelOutput> keys;
    for (const auto& [key, value] : out) keys.insert(key);
    EXPECT_EQ(keys, (std::set<ModelOutput>{ModelOutput::LATENT, ModelOutput::RECONSTRUCTION,
                                           ModelOutput::MU, ModelOutput::LOGVAR,
                                           ModelOutput::ATTENTION}));
    EXPECT_EQ(keys, vae->outputs());
    for (ModelOutput o : {ModelOutput::LATENT, ModelOutput::MU, ModelOutput::LOGVAR})
      EXPECT_EQ(out.at(o).sizes(), torch::IntArrayRef({kBatch, 16})) << model_output_name(o);
    EXPECT_EQ(out.at(ModelOutput::RECONSTRUCTION).sizes(),
              torch::IntArrayRef({kBatch, 1, size, size}));
    EXPECT_EQ(out.at(ModelOutput::ATTENTION).sizes(), torch::IntArrayRef({kBatch, 4, s * s}));
  }
}

TEST(FactorSlotVae, AttentionSumsToOneOverTokensAtEveryPosition) {
  torch::manual_seed(1);
  auto vae = make_vae({{"heads", 2}});
  const torch::Tensor attention =
      vae->forward(torch::rand({kBatch, 1, 32, 32})).at(ModelOutput::ATTENTION);
  EXPECT_GE(attention.min().item<float>(), 0.0f);
  const torch::Tensor sums = attention.sum(/*dim=*/1);  // [B, s*s]
  EXPECT_TRUE(torch::allclose(sums, torch::ones_like(sums), /*rtol=*/0, /*atol=*/1e-5));
  // Not trivially uniform: positions weigh the tokens differently.
  EXPECT_GT((attention - 0.25).abs().max().item<float>(), 1e-4);
}

TEST(FactorSlotVae, EvalIsDeterministicWithLatentEqualToMu) {
  torch::manual_seed(2);
  auto vae = make_vae();
  const torch::Tensor x = torch::rand({kBatch, 1, 32, 32});
  vae->eval();
  const ModelOutputs a = vae->forward(x), b = vae->forward(x);
  EXPECT_TRUE(torch::equal(a.at(ModelOutput::LATENT), a.at(ModelOutput::MU)));
  for (const auto& [key, value] : a) EXPECT_TRUE(torch::equal(value, b.at(key)));

  vae->train();
  const ModelOutputs t = vae->forward(x);
  EXPECT_FALSE(torch::equal(t.at(ModelOutput::LATENT), t.at(ModelOutput::MU)));
  EXPECT_TRUE(torch::equal(t.at(ModelOutput::MU), a.at(ModelOutput::MU)));
}

TEST(FactorSlotVae, PerGroupKlIsTheMeanOfThatGroupsTerms) {
  torch::manual_seed(3);
  auto vae = make_vae();
  const ModelOutputs out = vae->forward(torch::rand({kBatch, 1, 32, 32}));
  const torch::Tensor terms = kl_terms(out.at(ModelOutput::MU), out.at(ModelOutput::LOGVAR));
  double weighted = 0;
  for (const auto& g : vae->groups()) {
    SCOPED_TRACE(g.name);
    TaskConfig config;
    config.name = "kl_" + g.name;
    config.type = "kl";
    config.latent_slice = LatentSlice{g.start, g.end};
    KLTask task(config);
    const double group_kl = task.loss(out, Batch{}).item<double>();
    // Mean over the batch per dimension, then over the group's dimensions.
    const torch::Tensor per_dim = terms.slice(/*dim=*/1, g.start, g.end).mean(/*dim=*/0);
    EXPECT_EQ(per_dim.size(0), g.size());
    EXPECT_NEAR(group_kl, per_dim.mean().item<double>(), 1e-6);
    weighted += group_kl * static_cast<double>(g.size());
  }
  EXPECT_NEAR(weighted / 16.0, terms.mean().item<double>(), 1e-5);
}

// A task on one group's slice (here a regression-like loss on LATENT and a KL on MU/LOGVAR)
// must train only that group's head when detach_factor_grad is on. The same check with the
// flag off must see gradient in the backbone, or the flag would not be doing anything.
TEST(FactorSlotVae, DetachFactorGradConfinesSliceTasksToTheirOwnHead) {
  const torch::Tensor x = torch::rand({kBatch, 1, 32, 32});
  for (bool detach : {true, false}) {
    for (const auto& group : FactorSlotVAEOptions::default_groups()) {
      SCOPED_TRACE(std::string("detach_factor_grad=") + (detach ? "true" : "false") +
                   ", task on group " + group.name);
      torch::manual_seed(4);
      auto vae = make_vae({{"detach_factor_grad", detach}});
      vae->train();
      vae->zero_grad();
      const ModelOutputs out = vae->forward(x);
      const torch::Tensor slice = out.at(ModelOutput::LATENT).slice(1, group.start, group.end);
      const torch::Tensor kl = kl_terms(out.at(ModelOutput::MU), out.at(ModelOutput::LOGVAR))
                                   .slice(1, group.start, group.end)
                                   .mean();
      ((slice - 1).square().mean() + kl).backward();

      EXPECT_GT(grad_mass(*vae, "heads." + group.name + "."), 0);
      for (const auto& other : vae->groups()) {
        if (other.name != group.name) {
          EXPECT_EQ(grad_mass(*vae, "heads." + other.name + "."), 0) << other.name;
        }
      }
      for (const char* decoder_side :
           {"token_embed.", "token_norm.", "attention.", "decoder.", "queries"})
        EXPECT_EQ(grad_mass(*vae, decoder_side), 0) << decoder_side;
      if (detach) {
        EXPECT_EQ(grad_mass(*vae, "backbone."), 0);
      } else {
        EXPECT_GT(grad_mass(*vae, "backbone."), 0);
      }
    }
  }
}

TEST(FactorSlotVae, DetachFactorGradKeepsValuesAndReconstructionGradient) {
  const torch::Tensor x = torch::rand({kBatch, 1, 32, 32});
  torch::manual_seed(5);
  auto plain = make_vae();
  torch::manual_seed(5);
  auto detached = make_vae({{"detach_factor_grad", true}});
  for (bool training : {false, true}) {
    plain->train(training);
    detached->train(training);
    torch::manual_seed(6);
    const ModelOutputs a = plain->forward(x);
    torch::manual_seed(6);
    const ModelOutputs b = detached->forward(x);
    for (const auto& [key, value] : a)
      EXPECT_TRUE(torch::equal(value, b.at(key))) << model_output_name(key);
  }
  // Reconstruction trains the backbone and every head even with the flag on.
  detached->zero_grad();
  (detached->forward(x).at(ModelOutput::RECONSTRUCTION) - x).abs().mean().backward();
  EXPECT_GT(grad_mass(*detached, "backbone."), 0);
  for (const auto& g : detached->groups()) EXPECT_GT(grad_mass(*detached, "heads." + g.name), 0);
}

TEST(FactorSlotVae, GroupLayoutErrorsNameTheProblem) {
  using nlohmann::json;
  auto group = [](const std::string& name, int64_t start, int64_t end) {
    return json{{"name", name}, {"start", start}, {"end", end}};
  };
  struct Case {
    std::string what;
    json groups;
    std::vector<std::string> expected;  // substrings of the message
  };
  const std::vector<Case> cases = {
      {"gap", json{group("digit", 0, 4), group("slant", 5, 8)}, {"'slant'", "gap", "at 4"}},
      {"overlap",
       json{group("digit", 0, 4), group("slant", 3, 8)},
       {"'slant'", "overlaps", "'digit'"}},
      {"not at 0", json{group("digit", 1, 4)}, {"'digit'", "start at 0"}},
      {"duplicate", json{group("a", 0, 2), group("a", 2, 4)}, {"duplicate", "'a'"}},
      {"empty name", json{group("", 0, 2)}, {"empty name"}},
      {"empty group", json{group("a", 0, 2), group("b", 2, 2)}, {"'b'", "empty"}},
      {"dotted name", json{group("a.b", 0, 2)}, {"'a.b'", "letters"}},
      {"no groups", json::array(), {"at least one group"}},
      {"not a map", json{json{0, 4}}, {"group 0", "map"}},
      {"missing end", json{json{{"name", "a"}, {"start", 0}}}, {"'a'", "'end'"}},
      {"unknown key", json{json{{"name", "a"}, {"start", 0}, {"end", 2}, {"dim", 2}}}, {"'dim'"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    const std::string msg = error_of([&] {
      build_model("factor_slot_vae", {{"groups", c.groups}}, "recipe.yaml:9");
    });
    ASSERT_FALSE(msg.empty()) << "no error";
    EXPECT_NE(msg.find("recipe.yaml:9"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'groups'"), std::string::npos) << msg;
    for (const auto& e : c.expected)
      EXPECT_NE(msg.find(e), std::string::npos) << e << " in " << msg;
  }

  std::string msg = error_of([] { build_model("factor_slot_vae", {{"heads", 3}}); });
  EXPECT_NE(msg.find("'heads' = 3"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'token_dim' = 64"), std::string::npos) << msg;
  msg = error_of([] { build_model("factor_slot_vae", {{"image_size", 30}}); });
  EXPECT_NE(msg.find("'image_size' = 30"), std::string::npos) << msg;
  msg = error_of([] { build_model("factor_slot_vae", {{"groups", "digit"}}); });
  EXPECT_NE(msg.find("'groups'"), std::string::npos) << msg;
}

TEST(FactorSlotVae, DecodesLatentsToImagesAndAttention) {
  auto vae = make_vae({{"image_size", 28}});
  const torch::Tensor z = torch::randn({5, 16});
  EXPECT_EQ(vae->decode(z).sizes(), torch::IntArrayRef({5, 1, 28, 28}));
  const auto [images, attention] = vae->decode_with_attention(z);
  EXPECT_TRUE(torch::equal(images, vae->decode(z)));
  EXPECT_EQ(attention.sizes(), torch::IntArrayRef({5, 4, 49}));
  EXPECT_THROW(vae->decode(torch::randn({5, 15})), c10::Error);
}

TEST(FactorSlotVae, ConfigRoundTripsWithCustomOptions) {
  const nlohmann::json options = {{"image_size", 28},
                                  {"groups",
                                   {{{"name", "shape"}, {"start", 0}, {"end", 2}},
                                    {{"name", "rest"}, {"start", 2}, {"end", 5}}}},
                                  {"token_dim", 32},
                                  {"heads", 2},
                                  {"detach_factor_grad", true}};
  torch::manual_seed(7);
  auto vae = make_vae(options);
  nlohmann::json expected = options;
  expected["type"] = "factor_slot_vae";
  EXPECT_EQ(vae->config(), expected);
  EXPECT_EQ(vae->latent_dim(), 5);
  EXPECT_EQ(vae->groups(), (std::vector<FactorGroup>{{"shape", 0, 2}, {"rest", 2, 5}}));

  ModelPtr rebuilt = build_model_from_config(vae->config());
  EXPECT_EQ(rebuilt->config(), vae->config());
  {
    torch::NoGradGuard no_grad;
    auto params = rebuilt->named_parameters();
    for (const auto& p : vae->named_parameters()) params[p.key()].copy_(p.value());
  }
  vae->eval();
  rebuilt->eval();
  const torch::Tensor x = torch::rand({2, 1, 28, 28});
  EXPECT_TRUE(torch::equal(vae->forward(x).at(ModelOutput::RECONSTRUCTION),
                           rebuilt->forward(x).at(ModelOutput::RECONSTRUCTION)));
}

TEST(FactorSlotVae, ModuleNamesAreStable) {
  // Gradient-gating hooks and per-group tooling find modules by these names.
  auto vae = make_vae(
      {{"groups",
        {{{"name", "a"}, {"start", 0}, {"end", 1}}, {{"name", "b"}, {"start", 1}, {"end", 3}}}}});
  std::set<std::string> names;
  for (const auto& item : vae->named_modules(/*name_prefix=*/"", /*include_self=*/false))
    names.insert(item.key());
  EXPECT_EQ(names, (std::set<std::string>{
                       "backbone",        "backbone.conv1", "backbone.conv2",   "heads",
                       "heads.a",         "heads.b",        "token_embed",      "token_embed.a",
                       "token_embed.b",   "token_norm",     "attention",        "attention.to_q",
                       "attention.to_k",  "attention.to_v", "attention.to_out", "decoder",
                       "decoder.norm",    "decoder.fc1",    "decoder.fc2",      "decoder.out_norm",
                       "decoder.deconv1", "decoder.deconv2"}));
  EXPECT_EQ(vae->named_parameters().find("queries")->sizes(), torch::IntArrayRef({64, 64}));
}

// Images with structure a 16-d latent can capture: one bright axis-aligned rectangle of
// random position and size per image.
torch::Tensor rectangles(int64_t n, int64_t size) {
  torch::Tensor images = torch::zeros({n, 1, size, size});
  const torch::Tensor corners = torch::randint(0, size / 2, {n, 2}, torch::kLong);
  const torch::Tensor extents = torch::randint(size / 4, size / 2, {n, 2}, torch::kLong);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t r = corners[i][0].item<int64_t>(), c = corners[i][1].item<int64_t>();
    images[i][0]
        .slice(0, r, r + extents[i][0].item<int64_t>())
        .slice(1, c, c + extents[i][1].item<int64_t>())
        .fill_(1.0);
  }
  return images;
}

TEST(FactorSlotVae, TrainingOnStructuredImagesReducesTheLoss) {
  const int previous_threads = torch::get_num_threads();
  torch::set_num_threads(1);
  torch::manual_seed(8);
  auto vae = make_vae();
  const torch::Tensor data = rectangles(512, 32);
  torch::optim::Adam optimizer(vae->parameters(), torch::optim::AdamOptions(2e-3));
  constexpr int kSteps = 100, kWindow = 10;
  constexpr int64_t kBatchSize = 16;
  constexpr double kBeta = 1e-3;
  double first = 0, last = 0;
  vae->train();
  for (int step = 0; step < kSteps; ++step) {
    const torch::Tensor x =
        data.index_select(0, torch::randint(0, data.size(0), {kBatchSize}, torch::kLong));
    const ModelOutputs out = vae->forward(x);
    const torch::Tensor loss =
        (out.at(ModelOutput::RECONSTRUCTION) - x).abs().mean() +
        kBeta * kl_terms(out.at(ModelOutput::MU), out.at(ModelOutput::LOGVAR)).mean();
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
    if (step < kWindow) first += loss.item<double>() / kWindow;
    if (step >= kSteps - kWindow) last += loss.item<double>() / kWindow;
  }
  torch::set_num_threads(previous_threads);
  EXPECT_TRUE(std::isfinite(last));
  EXPECT_LT(last, 0.7 * first) << "first " << first << ", last " << last;
  // Better than the all-black image (L1 = mean ink), the trap a sigmoid output falls into.
  torch::NoGradGuard no_grad;
  vae->eval();
  const double l1 =
      (vae->forward(data).at(ModelOutput::RECONSTRUCTION) - data).abs().mean().item<double>();
  const double black = data.mean().item<double>();
  EXPECT_LT(l1, 0.8 * black) << "all-black image scores " << black;
}

// The output is clamped to [0, 1] with a straight-through gradient: ink pixels predicted
// black still pull the decoder up, and exactly matched background pushes nothing.
TEST(FactorSlotVae, ClampedOutputPassesGradientOnlyWhereItMisses) {
  torch::manual_seed(9);
  auto vae = make_vae();
  {
    torch::NoGradGuard no_grad;
    vae->named_parameters()["decoder.deconv2.bias"].fill_(-100.0);  // every pixel black
  }
  const torch::Tensor z = torch::randn({2, 16});
  const torch::Tensor black = vae->decode(z);
  EXPECT_EQ(black.max().item<float>(), 0.0f);

  vae->zero_grad();
  (vae->decode(z) - torch::zeros_like(black)).abs().mean().backward();
  EXPECT_EQ(grad_mass(*vae, "decoder.deconv2."), 0);

  vae->zero_grad();
  torch::Tensor ink = torch::zeros_like(black);
  ink.slice(/*dim=*/2, 10, 20).fill_(1.0);
  (vae->decode(z) - ink).abs().mean().backward();
  EXPECT_LT(vae->named_parameters()["decoder.deconv2.bias"].grad().item<float>(), 0);
  EXPECT_GT(grad_mass(*vae, "token_embed."), 0);
}

}  // namespace
}  // namespace acc
