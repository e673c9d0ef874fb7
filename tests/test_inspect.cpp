// Network inspection (core/inspect/): the pure pieces against hand computations (conv step,
// kernel aggregation, receptive fields, perturbation, top-k order), the forward capture's
// files and RNG discipline, request validation, and `acc inspect` end to end.
//
// Adding a case: build a model from models/ and tiny_inspect_dataset(), write into a TempDir sink,
// and read the JSON back with read_network().
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <sstream>

#include "eval/artifact_sink.h"
#include "inspect/conv_layers.h"
#include "inspect/conv_step.h"
#include "inspect/forward_artifact.h"
#include "inspect/forward_capture.h"
#include "inspect/kernels.h"
#include "inspect/network_inspect.h"
#include "inspect/perturb.h"
#include "inspect/topk.h"
#include "models/conv_ae.h"
#include "models/conv_vae.h"
#include "models/linear_ae.h"
#include "recipe/runner.h"
#include "run/event_log.h"
#include "test_util.h"
#include "util/json_io.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Deterministic 28x28 images without touching the global generator.
acc::Dataset tiny_inspect_dataset(int64_t n = 12) {
  acc::Dataset d;
  d.name = "tiny";
  d.source = "test";
  const auto g = torch::arange(n * 28 * 28, torch::kFloat).reshape({n, 1, 28, 28});
  d.test.images = (torch::sin(g * 0.37f) + 1) / 2;
  d.test.labels = torch::arange(n, torch::kLong) % 10;
  d.train = d.test;
  d.num_classes = 10;
  return d;
}

json read_network(const acc::test::TempDir& dir, const std::string& name) {
  return acc::read_json_file(dir / ("network/n/" + name + "_step_5.json"));
}

std::map<std::string, std::string> inspect_files_under(const fs::path& root) {
  std::map<std::string, std::string> out;
  if (!fs::exists(root)) return out;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) out[fs::relative(e.path(), root).string()] = acc::test::read_text(e.path());
  return out;
}

torch::nn::Conv2dImpl& conv_module(acc::Model& model, const std::string& path) {
  return *model.named_modules()[path]->as<torch::nn::Conv2dImpl>();
}

}  // namespace

TEST(InspectConvStep, RecomputedEqualsCapturedAndAHandComputation) {
  acc::ConvAE model(28, 4);
  {
    torch::NoGradGuard no_grad;
    auto& conv1 = conv_module(*model, "encoder.conv1");
    conv1.weight[0][0].copy_(torch::tensor({{0.1f, -0.2f, 0.3f}, {0.4f, 0.5f, -0.6f}, {0.7f, 0.8f, 0.9f}}));
    conv1.bias[0].fill_(0.05f);
  }
  const acc::Dataset data = tiny_inspect_dataset();
  const acc::ForwardCapture capture = acc::capture_forward(*model, data, /*index=*/2, torch::kCPU);
  const auto conv = acc::conv_layer(*model, "encoder.conv1");
  ASSERT_TRUE(conv.has_value());

  // Corner (0, 0): stride 2, padding 1, so the patch starts at (-1, -1): the first row and
  // column are padding and only image pixels (0..1, 0..1) count.
  const acc::ConvStep s = acc::compute_conv_step(capture.input, *conv, /*out_channel=*/0, 0, 0);
  const auto img = capture.input[0].to(torch::kDouble);
  auto px = [&](int64_t y, int64_t x) { return img[y][x].item<double>(); };
  const double sum = 0.5 * px(0, 0) - 0.6 * px(0, 1) + 0.8 * px(1, 0) + 0.9 * px(1, 1);
  EXPECT_NEAR(s.pre_bias_sum, sum, 1e-6);
  EXPECT_NEAR(s.pre_activation, sum + 0.05, 1e-6);
  EXPECT_DOUBLE_EQ(s.computed, std::max(0.0, s.pre_activation));
  EXPECT_EQ(s.input_x0, -1);
  EXPECT_EQ(s.input_y0, -1);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(s.padding[0][i]);
    EXPECT_TRUE(s.padding[i][0]);
    EXPECT_EQ(s.patch[0][i], 0.0);
  }
  EXPECT_FALSE(s.padding[1][1]);
  EXPECT_NEAR(s.kernel[2][2], 0.9, 1e-6);
  EXPECT_NEAR(s.product[1][2], -0.6 * px(0, 1), 1e-6);
  EXPECT_NEAR(s.computed, capture.find("encoder.conv1")->maps[0][0][0].item<double>(), 1e-5);

  // Every channel and an interior and an edge position agree with what the model tapped.
  for (int64_t c : {0, 5, 31})
    for (auto [x, y] : std::vector<std::pair<int64_t, int64_t>>{{5, 7}, {13, 13}, {0, 9}}) {
      const acc::ConvStep t = acc::compute_conv_step(capture.input, *conv, c, x, y);
      EXPECT_NEAR(t.computed, capture.find("encoder.conv1")->maps[c][y][x].item<double>(), 1e-5) << c << " " << x << "," << y;
    }

  acc::test::TempDir dir;
  acc::ArtifactSink sink(dir.path(), "n", "", 5, nullptr);
  acc::write_conv_step(capture, "encoder.conv1", *conv, 0, 0, 0, sink);
  const json j = read_network(dir, "conv_step/idx_2/layer_encoder.conv1/out_0/x_0_y_0/conv_step");
  EXPECT_EQ(j["format"], "acc.network");
  EXPECT_EQ(j["type"], "conv_step");
  EXPECT_EQ(j["match"], true);
  EXPECT_EQ(j["activation"]["name"], "relu");
  EXPECT_EQ(j["patch_padding"][0], json({true, true, true}));
  EXPECT_NEAR(j["bias"].get<double>(), 0.05, 1e-7);
  EXPECT_NEAR(j["computed"].get<double>(), j["captured"].get<double>(), 1e-5);
}

TEST(InspectKernels, AggregationIsL2OverInputChannelsWithTopChannelsInOrder) {
  auto w = torch::zeros({5, 3, 3});
  w[0].fill_(1);        // L2 3
  w[2][1][1] = 2;       // L2 2
  w[3].fill_(2);        // L2 6
  w[4][0][0] = -3;      // L2 3: ties with channel 0, listed after it
  const acc::KernelSummary s = acc::summarise_kernel(w, /*top_n=*/4);
  EXPECT_NEAR(s.stencil[1][1].item<double>(), std::sqrt(1 + 4 + 4), 1e-6);
  EXPECT_NEAR(s.stencil[0][0].item<double>(), std::sqrt(1 + 4 + 9), 1e-6);
  EXPECT_NEAR(s.stencil[2][2].item<double>(), std::sqrt(1 + 4), 1e-6);
  ASSERT_EQ(s.top.size(), 4u);
  const std::vector<int64_t> order = {s.top[0].first, s.top[1].first, s.top[2].first, s.top[3].first};
  EXPECT_EQ(order, (std::vector<int64_t>{3, 0, 4, 2}));
  EXPECT_NEAR(s.top[0].second, 6, 1e-9);
  EXPECT_NEAR(s.top[3].second, 2, 1e-9);

  acc::ConvAE model(28, 4);
  acc::test::TempDir dir;
  acc::ArtifactSink sink(dir.path(), "n", "", 5, nullptr);
  acc::write_kernels("encoder.conv1", *acc::conv_layer(*model, "encoder.conv1"), 3, sink);
  acc::write_kernels("encoder.conv2", *acc::conv_layer(*model, "encoder.conv2"), 7, sink);
  const json k = read_network(dir, "kernels/layer_encoder.conv1/out_3/kernel");
  EXPECT_EQ(k["type"], "kernel");
  EXPECT_NEAR(k["kernel"][1][2].get<double>(), conv_module(*model, "encoder.conv1").weight[3][0][1][2].item<double>(), 1e-6);
  EXPECT_TRUE(fs::exists(dir / "network/n/kernels/layer_encoder.conv1/out_3/kernel_latest.png"));
  const json agg = read_network(dir, "kernels/layer_encoder.conv2/out_7/kernel_agg");
  EXPECT_EQ(agg["in_channels"], 32);
  const auto w2 = conv_module(*model, "encoder.conv2").weight[7].detach();
  EXPECT_NEAR(agg["stencil"][0][1].get<double>(), w2.select(2, 1).select(1, 0).norm().item<double>(), 1e-5);
  const json top = read_network(dir, "kernels/layer_encoder.conv2/out_7/top_in_channels");
  ASSERT_EQ(top["items"].size(), 8u);
  for (size_t i = 0; i + 1 < 8; ++i) EXPECT_GE(top["items"][i]["l2"].get<double>(), top["items"][i + 1]["l2"].get<double>());
  const int64_t first = top["items"][0]["in_channel"];
  EXPECT_NEAR(top["items"][0]["l2"].get<double>(), w2[first].norm().item<double>(), 1e-5);
  EXPECT_TRUE(fs::exists(dir / ("network/n/kernels/layer_encoder.conv2/out_7/kernel_in_" + std::to_string(first) + "_step_5.png")));
}

TEST(InspectReceptiveField, ComposesConv1AndConv2AndExplainsWhenUnavailable) {
  acc::ConvAE model(28, 4);
  auto rf = acc::layer_receptive_field(*model, "encoder.conv1", true, 3, 4);
  ASSERT_TRUE(rf.ok) << rf.reason;
  EXPECT_EQ(std::vector<int64_t>({rf.x0, rf.x1, rf.y0, rf.y1}), (std::vector<int64_t>{5, 7, 7, 9}));  // [2x-1, 2x+1]
  rf = acc::layer_receptive_field(*model, "encoder.conv1", true, 0, 13);
  EXPECT_EQ(std::vector<int64_t>({rf.x0, rf.x1, rf.y0, rf.y1}), (std::vector<int64_t>{0, 1, 25, 27}));  // clamped
  rf = acc::layer_receptive_field(*model, "encoder.conv2", true, 2, 1);
  ASSERT_TRUE(rf.ok) << rf.reason;
  EXPECT_EQ(std::vector<int64_t>({rf.x0, rf.x1, rf.y0, rf.y1}), (std::vector<int64_t>{5, 11, 1, 7}));  // [4x-3, 4x+3]
  rf = acc::layer_receptive_field(*model, "encoder.conv2", true, 6, 0);
  EXPECT_EQ(std::vector<int64_t>({rf.x0, rf.x1, rf.y0, rf.y1}), (std::vector<int64_t>{21, 27, 0, 3}));

  rf = acc::layer_receptive_field(*model, "decoder.deconv1", true, 1, 1);
  EXPECT_FALSE(rf.ok);
  EXPECT_NE(rf.reason.find("decoder layer"), std::string::npos) << rf.reason;
  rf = acc::layer_receptive_field(*model, "z", false, 1, 0);
  EXPECT_FALSE(rf.ok);
  EXPECT_NE(rf.reason.find("vector layer"), std::string::npos) << rf.reason;
}

TEST(InspectPerturb, ChangesOnlyTheChosenDimension) {
  const auto z = torch::tensor({0.5f, -1.f, 2.f, 0.f});
  const auto moved = acc::perturbed_latent(z, 2, -0.75);
  EXPECT_TRUE(torch::equal(moved.index({torch::indexing::Slice(0, 2)}), z.index({torch::indexing::Slice(0, 2)})));
  EXPECT_EQ(moved[3].item<float>(), 0.f);
  EXPECT_FLOAT_EQ(moved[2].item<float>(), 1.25f);
  EXPECT_EQ(z[2].item<float>(), 2.f);  // a copy
  EXPECT_EQ(acc::delta_tag(1.5), "p1.5");
  EXPECT_EQ(acc::delta_tag(-0.5), "m0.5");
  EXPECT_EQ(acc::delta_tag(0), "p0");

  acc::ConvVAE model(28, 6);
  const acc::Dataset data = tiny_inspect_dataset();
  acc::test::TempDir dir;
  acc::ArtifactSink sink(dir.path(), "n", "", 5, nullptr);
  acc::InspectRequest r;
  r.index = 4;
  r.perturb = std::make_pair(int64_t{3}, 1.5);
  acc::write_inspection(*model, data, r, torch::kCPU, sink);
  const json meta = read_network(dir, "perturb/idx_4/vector_z/dim_3/delta_p1.5/meta");
  const json latent = read_network(dir, "forward/idx_4/latent");
  EXPECT_EQ(meta["vector"], "z");
  EXPECT_EQ(meta["base_vector"], latent["mu"]);  // a VAE's eval-mode z is its mean
  ASSERT_EQ(meta["new_vector"].size(), 6u);
  for (size_t d = 0; d < 6; ++d)
    if (d != 3) {
      EXPECT_EQ(meta["new_vector"][d], meta["base_vector"][d]) << d;
    }
  EXPECT_NEAR(meta["new_value"].get<double>(), meta["base_value"].get<double>() + 1.5, 1e-5);
  EXPECT_EQ(meta["base_value"], meta["base_vector"][3]);
  EXPECT_TRUE(fs::exists(dir / "network/n/perturb/idx_4/vector_z/dim_3/delta_p1.5/recon_latest.png"));
}

TEST(InspectTopk, OrdersByScoreThenIndexAndIsDeterministic) {
  const std::vector<acc::TopkItem> items = {{4, 0.5, 0, 0}, {1, 0.9, 0, 0}, {7, 0.5, 0, 0}, {2, 0.5, 0, 0}, {3, 0.1, 0, 0}};
  const auto top = acc::rank_topk(items, 4);
  ASSERT_EQ(top.size(), 4u);
  EXPECT_EQ(std::vector<int64_t>({top[0].index, top[1].index, top[2].index, top[3].index}), (std::vector<int64_t>{1, 2, 4, 7}));

  // max: score and first peak position; mean: the average.
  auto maps = torch::zeros({2, 3, 4});
  maps[0][1][2] = 5;
  maps[0][2][3] = 5;
  maps[1].fill_(1);
  const auto scored = acc::score_maps(maps, "max", 10);
  EXPECT_EQ(scored[0].index, 10);
  EXPECT_EQ(scored[0].score, 5);
  EXPECT_EQ(std::make_pair(scored[0].x, scored[0].y), std::make_pair(int64_t{2}, int64_t{1}));
  EXPECT_NEAR(acc::score_maps(maps, "mean", 0)[0].score, 10.0 / 12, 1e-6);  // a float mean

  acc::ConvAE model(28, 4);
  const acc::Dataset data = tiny_inspect_dataset(12);
  std::vector<std::map<std::string, std::string>> runs;
  for (int i = 0; i < 2; ++i) {
    acc::test::TempDir dir;
    acc::ArtifactSink sink(dir.path(), "n", "", 5, nullptr);
    acc::write_topk(*model, data, "encoder.conv2", 3, "max", /*subset=*/1000, /*k=*/5, torch::kCPU, sink);
    runs.push_back(inspect_files_under(dir.path()));
    if (i == 0) {
      const json j = read_network(dir, "topk/layer_encoder.conv2/ch_3/metric_max/subset_12/k_5/topk");
      EXPECT_EQ(j["subset_n"], 12);  // clamped to the split
      ASSERT_EQ(j["items"].size(), 5u);
      for (size_t a = 0; a + 1 < 5; ++a) EXPECT_GE(j["items"][a]["score"].get<double>(), j["items"][a + 1]["score"].get<double>());
      const int64_t best = j["items"][0]["index"];
      const auto maps_best = acc::capture_forward(*model, data, best, torch::kCPU).find("encoder.conv2")->maps[3];
      EXPECT_NEAR(j["items"][0]["score"].get<double>(), maps_best.max().item<double>(), 1e-5);
      const int64_t x = j["items"][0]["xy"][0], y = j["items"][0]["xy"][1];
      EXPECT_NEAR(maps_best[y][x].item<double>(), maps_best.max().item<double>(), 1e-5);
      EXPECT_TRUE(fs::exists(dir / ("network/n/topk/layer_encoder.conv2/ch_3/metric_max/subset_12/k_5/input_" +
                                    std::to_string(best) + "_step_5.png")));
    }
  }
  EXPECT_FALSE(runs[0].empty());
  EXPECT_EQ(runs[0], runs[1]);
}

TEST(InspectForward, WritesEveryLayerWithItsShape) {
  acc::ConvAE model(28, 4);
  const acc::Dataset data = tiny_inspect_dataset();
  acc::test::TempDir dir;
  acc::ArtifactSink sink(dir.path(), "n", "", 5, nullptr);
  acc::write_network_forward(*model, data, 3, torch::kCPU, sink);
  const json layers = read_network(dir, "forward/idx_3/layers");
  EXPECT_EQ(layers["type"], "layers");
  std::vector<std::pair<std::string, json>> got;
  for (const auto& l : layers["layers"]) got.emplace_back(l["id"], l["shape"]);
  const std::vector<std::pair<std::string, json>> expected = {{"encoder.conv1", {32, 14, 14}},
                                                              {"encoder.conv2", {64, 7, 7}},
                                                              {"decoder.fc_dec", {3136}},
                                                              {"decoder.deconv1", {32, 14, 14}},
                                                              {"z", {4}}};
  EXPECT_EQ(got, expected);
  for (const auto& l : layers["layers"]) {
    const std::string key = l["kind"] == "spatial" ? "grid" : "vector";
    ASSERT_TRUE(l.contains(key)) << l.dump();
    EXPECT_TRUE(fs::exists(dir / l[key].get<std::string>())) << l[key];
    const json summary = acc::read_json_file(dir / l["summary"].get<std::string>());
    EXPECT_EQ(summary["shape"], l["shape"]);
    EXPECT_LE(summary["min"].get<double>(), summary["mean"].get<double>());
    EXPECT_GE(summary["std"].get<double>(), 0);
  }
  for (const char* f : {"input", "recon"})
    EXPECT_TRUE(fs::exists(dir / ("network/n/forward/idx_3/" + std::string(f) + "_latest.png")));
  const json meta = read_network(dir, "forward/idx_3/forward_meta");
  EXPECT_EQ(meta["model"], "conv_ae");
  EXPECT_EQ(meta["step"], 5);
  EXPECT_EQ(meta["index"], 3);
  EXPECT_EQ(meta["label"], 3);
  EXPECT_EQ(meta["sample_id"], "tiny/test/3");
  EXPECT_FALSE(meta.contains("seed"));  // nothing sampled for a deterministic AE
  const json latent = read_network(dir, "forward/idx_3/latent");
  EXPECT_EQ(latent["z"].size(), 4u);
  EXPECT_FALSE(latent.contains("z_sample"));

  // linear_ae: its one point is a vector layer.
  acc::LinearAE linear(28, 8);
  acc::ArtifactSink sink2(dir.path(), "lin", "", 5, nullptr);
  acc::write_network_forward(*linear, data, 0, torch::kCPU, sink2);
  const json lin = acc::read_json_file(dir / "network/lin/forward/idx_0/layers_step_5.json");
  EXPECT_EQ(lin["layers"][0]["id"], "encoder");
  EXPECT_EQ(lin["layers"][0]["kind"], "vector");
  EXPECT_EQ(lin["layers"][0]["shape"], json({8}));
}

TEST(InspectForward, ZSampleIsSeededLocallyAndLeavesTheGlobalGeneratorAlone) {
  acc::ConvVAE model(28, 5);
  const acc::Dataset data = tiny_inspect_dataset();
  torch::manual_seed(11);
  const auto expected = torch::randn({8});
  torch::manual_seed(11);
  acc::test::TempDir dir;
  std::vector<json> latents;
  for (uint64_t seed : {7u, 7u, 8u}) {
    acc::ArtifactSink sink(dir.path(), "s" + std::to_string(latents.size()), "", 5, nullptr);
    acc::InspectRequest r;
    r.index = 1;
    r.seed = seed;
    acc::write_inspection(*model, data, r, torch::kCPU, sink);
    latents.push_back(acc::read_json_file(dir / ("network/" + sink.label() + "/forward/idx_1/latent_step_5.json")));
  }
  EXPECT_TRUE(torch::equal(torch::randn({8}), expected));  // as if nothing had run
  EXPECT_EQ(latents[0]["z_sample"], latents[1]["z_sample"]);
  EXPECT_NE(latents[0]["z_sample"], latents[2]["z_sample"]);
  EXPECT_EQ(latents[0]["seed"], 7);
  EXPECT_EQ(latents[0]["z"], latents[0]["mu"]);
  // z_sample = mu + exp(logvar / 2) * eps with eps from the seeded generator.
  const auto capture = acc::capture_forward(*model, data, 1, torch::kCPU);
  const auto sample = acc::posterior_sample(capture, 7);
  for (int64_t d = 0; d < 5; ++d)
    EXPECT_NEAR(latents[0]["z_sample"][d].get<double>(), sample[d].item<double>(), 1e-5 * (1 + std::abs(sample[d].item<double>())));
  EXPECT_FALSE(torch::allclose(sample, capture.vector("mu")));
}

TEST(InspectValidation, BadRequestsNameTheOptionAndWriteNothing) {
  acc::ConvAE model(28, 4);
  const acc::Dataset data = tiny_inspect_dataset();
  struct Case {
    std::function<void(acc::InspectRequest&)> set;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {[](auto& r) { r.index = 12; }, "--index 12 is outside the test split of 'tiny' (rows 0..11)"},
      {[](auto& r) { r.layer = "encoder.conv9"; }, "choose one of: encoder.conv1, encoder.conv2, decoder.fc_dec, decoder.deconv1, z"},
      {[](auto& r) { r.channel = 1; }, "need --layer"},
      {[](auto& r) { r.layer = "encoder.conv2", r.channel = 64; }, "--channel 64 is out of range for layer encoder.conv2 (64 channels: 0..63)"},
      {[](auto& r) { r.layer = "encoder.conv1", r.xy = std::make_pair(int64_t{14}, int64_t{0}); }, "x in 0..13"},
      {[](auto& r) { r.perturb = std::make_pair(int64_t{4}, 1.0); }, "the latent z has 4 dimensions (0..3)"},
      {[](auto& r) { r.layer = "encoder.conv2", r.conv_step = true; }, "32 input channels, not 1"},
      {[](auto& r) { r.layer = "encoder.conv1", r.topk = 0; }, "--topk 0 must be at least 1"},
      {[](auto& r) { r.layer = "encoder.conv1", r.topk = 2, r.topk_metric = "median"; }, "use max or mean"},
  };
  acc::test::TempDir dir;
  for (const auto& c : cases) {
    acc::InspectRequest r;
    c.set(r);
    acc::ArtifactSink sink(dir.path(), "n", "", 5, nullptr);
    const std::string error = acc::test::error_of([&] { acc::write_inspection(*model, data, r, torch::kCPU, sink); });
    EXPECT_NE(error.find(c.expected), std::string::npos) << error;
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
    EXPECT_TRUE(sink.written().empty());
  }
  EXPECT_TRUE(inspect_files_under(dir.path()).empty());
  // The conv step error names the layer that qualifies.
  acc::InspectRequest r;
  r.layer = "encoder.conv2";
  r.conv_step = true;
  EXPECT_NE(acc::test::error_of([&] { acc::check_inspection(*model, data, r, torch::kCPU); }).find(": encoder.conv1"),
            std::string::npos);
}

TEST(InspectCli, WritesTheRequestedArtifactsAndRefusesBadInputWithoutWriting) {
  torch::set_num_threads(1);
  acc::test::TempDir dir;
  acc::RunOptions options;
  options.runs_root = dir.path().string();
  options.run_id = "t";
  acc::run_recipe(acc::parse_recipe("name: t\nseed: 2\nops:\n"
                                    "  - {op: load_dataset, name: thick, source: thickness, n: 120, image_size: 28}\n"
                                    "  - {op: create_model, model: conv_ae, latent: 3}\n"
                                    "  - {op: attach_task, task: reconstruction, name: recon, dataset: thick}\n"
                                    "  - {op: train, steps: 10, batch_size: 8}\n"
                                    "  - {op: save_checkpoint, tag: trained}\n",
                                    "t.yaml"),
                  options);
  const fs::path run = dir / "t";
  const std::string runs = " --runs " + dir.path().string() + " --threads 1";

  struct Bad {
    std::string args, expected;
  };
  const std::vector<Bad> bad = {
      {"--index 100000", "--index 100000 is outside the test split"},
      {"--index 0 --layer nope", "choose one of: encoder.conv1"},
      {"--index 0 --layer encoder.conv1 --channel 32", "--channel 32 is out of range"},
      {"--index 0 --layer encoder.conv1 --xy 3,14", "is outside layer encoder.conv1's map"},
      {"--index 0 --layer encoder.conv1 --xy 3", "--xy '3' must be X,Y"},
      {"--index 0 --perturb 1", "--perturb '1' must be DIM:DELTA"},
      {"--index 0 --perturb 1:x", "--perturb '1:x' must be DIM:DELTA"},
      {"--index 0 --perturb 3:1", "the latent z has 3 dimensions"},
  };
  const size_t events_before = acc::read_events(run / "events.jsonl").size();
  for (const auto& b : bad) {
    const auto r = acc::test::run_acc("inspect t/trained " + b.args + runs);
    EXPECT_NE(r.exit_code, 0) << b.args;
    EXPECT_NE(r.output.find(b.expected), std::string::npos) << b.args << "\n" << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
    EXPECT_FALSE(fs::exists(run / "network")) << b.args;
  }
  EXPECT_EQ(acc::read_events(run / "events.jsonl").size(), events_before);

  const auto ok = acc::test::run_acc(
      "inspect t/trained --index 3 --layer encoder.conv1 --channel 2 --xy 4,5 --conv-step --perturb 1:-0.5 --topk 3 "
      "--subset 10" + runs);
  ASSERT_EQ(ok.exit_code, 0) << ok.output;
  std::vector<std::string> lines;
  std::istringstream out(ok.output);
  for (std::string line; std::getline(out, line);) lines.push_back(line);
  EXPECT_GT(lines.size(), 20u);
  for (const auto& l : lines) EXPECT_TRUE(fs::exists(l)) << l;
  const std::string base = "network/trained/";
  const json step = acc::read_json_file(run / (base + "conv_step/idx_3/layer_encoder.conv1/out_2/x_4_y_5/conv_step_step_10.json"));
  EXPECT_EQ(step["match"], true);
  const json inspect = acc::read_json_file(run / (base + "inspect/idx_3/layer_encoder.conv1/ch_2/inspect_latest.json"));
  EXPECT_EQ(inspect["xy"]["x"], 4);
  EXPECT_EQ(inspect["rf"], json({{"status", "ok"}, {"x0", 7}, {"x1", 9}, {"y0", 9}, {"y1", 11}}));
  EXPECT_TRUE(fs::exists(run / (base + "kernels/layer_encoder.conv1/out_2/kernel_step_10.json")));
  EXPECT_TRUE(fs::exists(run / (base + "perturb/idx_3/vector_z/dim_1/delta_m0.5/meta_step_10.json")));
  EXPECT_TRUE(fs::exists(run / (base + "topk/layer_encoder.conv1/ch_2/metric_max/subset_10/k_3/topk_step_10.json")));
  EXPECT_TRUE(fs::exists(run / (base + "forward/idx_3/layer_encoder.conv2/grid_step_10.png")));
  size_t announced = 0;
  for (const auto& e : acc::read_events(run / "events.jsonl"))
    if (e["type"] == "artifact.created" && e["payload"]["kind"] == "network") ++announced;
  EXPECT_EQ(announced, lines.size());

  const auto js = acc::test::run_acc("inspect t/trained --index 0 --json" + runs);
  ASSERT_EQ(js.exit_code, 0) << js.output;
  const json result = json::parse(js.output);
  EXPECT_EQ(result["tag"], "trained");
  EXPECT_EQ(result["dataset"], "thick");
  EXPECT_EQ(result["step"], 10);
  EXPECT_FALSE(result["paths"].empty());
}
