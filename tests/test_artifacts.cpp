// Evaluation artifacts: the files an evaluate op / `acc eval --artifacts` writes, their
// shapes, events and determinism; backfill on an old checkpoint; export and compare.
#include <gtest/gtest.h>
#include <stb/stb_image.h>

#include <map>

#include "eval/artifacts.h"
#include "eval/compare.h"
#include "eval/image_grid.h"
#include "eval/npy.h"
#include "recipe/runner.h"
#include "run/event_log.h"
#include "run/run_index.h"
#include "test_util.h"
#include "util/json_io.h"

namespace fs = std::filesystem;
using acc::test::run_acc;

namespace {

struct Png {
  int width = 0, height = 0, channels = 0;
};

Png png_size(const fs::path& file) {
  const std::string bytes = acc::test::read_text(file);
  Png p;
  unsigned char* pixels = stbi_load_from_memory(reinterpret_cast<const unsigned char*>(bytes.data()),
                                                static_cast<int>(bytes.size()), &p.width, &p.height, &p.channels, 0);
  EXPECT_NE(pixels, nullptr) << file << " is not a PNG";
  stbi_image_free(pixels);
  return p;
}

acc::RunResult run_text(const acc::test::TempDir& dir, const std::string& text, const std::string& id) {
  acc::RunOptions options;
  options.runs_root = dir.path().string();
  options.run_id = id;
  return acc::run_recipe(acc::parse_recipe(text, id + ".yaml"), options);
}

// A small VAE (latent 3) on thickness images: fast, labels-free, has a prior.
std::string vae_recipe(const std::string& evaluate) {
  return "name: art\nseed: 3\nops:\n"
         "  - {op: load_dataset, name: thick, source: thickness, n: 300, image_size: 28}\n"
         "  - {op: load_dataset, name: slant, source: slant, n: 300, image_size: 28}\n"
         "  - {op: create_model, model: conv_vae, latent: 3}\n"
         "  - {op: attach_task, task: reconstruction, name: recon, dataset: thick}\n"
         "  - {op: attach_task, task: kl, dataset: thick, weight: 0.01}\n"
         "  - {op: train, steps: 20, batch_size: 16}\n"
         "  - {op: save_checkpoint, tag: trained}\n" +
         evaluate;
}

std::map<std::string, std::string> files_under(const fs::path& run, const std::vector<std::string>& kinds) {
  std::map<std::string, std::string> out;
  for (const auto& kind : kinds) {
    if (!fs::exists(run / kind)) continue;
    for (const auto& e : fs::recursive_directory_iterator(run / kind))
      if (e.is_regular_file()) out[fs::relative(e.path(), run).string()] = acc::test::read_text(e.path());
  }
  return out;
}

const std::vector<std::string> kKinds = {"eval", "projections", "neighbors", "density", "distortion", "samples"};

}  // namespace

TEST(Artifacts, TraversalVariesOnlyTheGroupsDims) {
  const auto base = torch::tensor({{1.f, 2.f, 3.f, 4.f}, {5.f, 6.f, 7.f, 8.f}});
  const auto values = torch::linspace(-3, 3, 9);
  const auto z = acc::traversal_latents(base, {"g", 1, 3}, values, torch::zeros({4}), torch::ones({4}));
  ASSERT_EQ(z.sizes(), (std::vector<int64_t>{18, 4}));
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t s = 0; s < 9; ++s) {
      const auto row = z[b * 9 + s];
      EXPECT_EQ(row[0].item<float>(), base[b][0].item<float>());  // held
      EXPECT_EQ(row[3].item<float>(), base[b][3].item<float>());  // held
      EXPECT_FLOAT_EQ(row[1].item<float>(), values[s].item<float>());
      EXPECT_FLOAT_EQ(row[2].item<float>(), values[s].item<float>());
    }
  // Data-scaled units: value * scale + centre.
  const auto scaled = acc::traversal_latents(base, {"g", 0, 1}, values, torch::full({4}, 10.f), torch::full({4}, 2.f));
  EXPECT_FLOAT_EQ(scaled[0][0].item<float>(), -3 * 2 + 10);
}

TEST(Artifacts, PngIsDeterministicAndHasTheGridSize) {
  const auto images = torch::rand({7, 1, 5, 6});
  const auto grid = acc::tile_images(images, 3, /*pad=*/2);
  EXPECT_EQ(grid.sizes(), (std::vector<int64_t>{1, 3 * 7 + 2, 3 * 8 + 2}));
  EXPECT_EQ(acc::encode_png(grid), acc::encode_png(grid.clone()));
  acc::test::TempDir dir;
  acc::test::write_text(dir / "g.png", acc::encode_png(grid));
  const Png p = png_size(dir / "g.png");
  EXPECT_EQ(p.width, 26);
  EXPECT_EQ(p.height, 23);
}

TEST(Artifacts, NpyHeaderFollowsTheFormat) {
  const std::string bytes = acc::npy_bytes(torch::zeros({3, 2}));
  EXPECT_EQ(bytes.substr(0, 6), "\x93NUMPY");
  const size_t header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
  EXPECT_EQ((10 + header_len) % 64, 0u);
  EXPECT_NE(bytes.find("'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }"), std::string::npos);
  EXPECT_EQ(bytes.size(), 10 + header_len + 6 * 4);
  EXPECT_NE(acc::npy_bytes(torch::arange(4)).find("'<i8'"), std::string::npos);
  EXPECT_NE(acc::npy_bytes(torch::arange(4)).find("(4,)"), std::string::npos);
}

TEST(Artifacts, EvaluateOpWritesEveryApplicableArtifactWithEvents) {
  torch::set_num_threads(1);
  acc::test::TempDir dir;
  run_text(dir, vae_recipe("  - {op: evaluate, artifacts: all}\n"), "r");
  const fs::path run = dir / "r";
  // Grids: 16 samples as 4 rows of 8 at 28 px (pad 2) -> 8*30+2 wide, 4*30+2 high.
  EXPECT_EQ(png_size(run / "eval/trained/reconstructions_step_20.png").width, 8 * 30 + 2);
  EXPECT_EQ(png_size(run / "eval/trained/reconstructions_step_20.png").height, 4 * 30 + 2);
  // Traversals: a 5 x 9 grid per latent dim (flat conv_vae: groups z0, z1, z2).
  for (const char* g : {"z0", "z1", "z2"}) {
    const Png t = png_size(run / ("eval/trained/traversal_" + std::string(g) + "_latest.png"));
    EXPECT_EQ(t.width, 9 * 30 + 2);
    EXPECT_EQ(t.height, 5 * 30 + 2);
    EXPECT_TRUE(fs::exists(run / ("eval/trained/sort_lowest_" + std::string(g) + "_step_20.png")));
  }
  EXPECT_FALSE(fs::exists(run / "eval/trained/attention_step_20.png"));  // no attention in conv_vae: skipped under `all`
  // Projections with companions.
  for (const char* m : {"pca", "umap"}) {
    const auto p2 = acc::read_json_file(run / ("projections/trained/latent_2d_" + std::string(m) + "_step_20.json"));
    const auto p3 = acc::read_json_file(run / ("projections/trained/latent_3d_" + std::string(m) + "_latest.json"));
    const int64_t n = p2["n"];
    EXPECT_EQ(p2["coords"].size(), static_cast<size_t>(2 * n));
    EXPECT_EQ(p3["coords"].size(), static_cast<size_t>(3 * n));
    EXPECT_EQ(p2["index"].size(), static_cast<size_t>(n));
    EXPECT_GT(p2["trustworthiness"]["value"].get<double>(), 0.5);
    EXPECT_TRUE(fs::exists(run / p2["neighbors"].get<std::string>()));
    EXPECT_TRUE(fs::exists(run / p2["sprites"]["files"][0].get<std::string>()));
    const auto post = acc::read_json_file(run / ("density/trained/posterior_2d_" + std::string(m) + "_step_20.json"));
    const auto prior = acc::read_json_file(run / ("density/trained/prior_2d_" + std::string(m) + "_step_20.json"));
    EXPECT_EQ(post["bounds"], prior["bounds"]);  // one shared grid
    EXPECT_TRUE(fs::exists(run / ("distortion/trained/metric_ratio_2d_" + std::string(m) + "_step_20.json")));
  }
  const auto pca = acc::read_json_file(run / "projections/trained/latent_3d_pca_step_20.json");
  EXPECT_EQ(pca["explained_variance_ratio"].size(), 3u);
  const auto knn = acc::read_json_file(run / "neighbors/trained/knn_step_20.json");
  EXPECT_EQ(knn["k"], 15);
  EXPECT_EQ(knn["indices"].size(), knn["n"].get<size_t>() * 15);
  // Disentanglement on both factor sets, scores on the node.
  const auto dis = acc::read_json_file(run / "eval/trained/disentanglement_slant_step_20.json");
  EXPECT_EQ(dis["slot_r2"]["r2"].size(), 3u);  // one row per latent group
  const auto node = acc::resolve_node(dir.path(), "r/trained").node;
  EXPECT_TRUE(node.metrics.contains("disentanglement.thick"));
  EXPECT_TRUE(node.metrics["disentanglement.slant"].contains("mig"));
  // Every file announced once by an artifact.created event (latest mirrors by the same event).
  size_t announced = 0;
  for (const auto& e : acc::read_events(run / "events.jsonl"))
    if (e["type"] == "artifact.created") {
      ++announced;
      EXPECT_TRUE(fs::exists(run / e["payload"]["path"].get<std::string>()));
      EXPECT_TRUE(fs::exists(run / e["payload"]["latest"].get<std::string>()));
    }
  size_t versioned = 0;
  for (const auto& [path, bytes] : files_under(run, kKinds))
    if (path.find("_step_") != std::string::npos) ++versioned;
  EXPECT_EQ(announced, versioned);
}

TEST(Artifacts, NamedArtifactThatDoesNotApplyIsRefusedBeforeTraining) {
  acc::test::TempDir dir;
  acc::test::write_text(dir / "a.yaml", vae_recipe("  - {op: evaluate, artifacts: [attention]}\n"));
  acc::test::write_text(dir / "b.yaml", vae_recipe("  - {op: evaluate, artifacts: [pcaa]}\n"));
  const auto r = run_acc("run --dry-run --runs " + (dir / "runs").string() + " " + (dir / "a.yaml").string());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("artifact 'attention' needs a model with decoder attention"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("a.yaml:11: evaluate"), std::string::npos) << r.output;
  const auto bad = run_acc("run --dry-run --runs " + (dir / "runs").string() + " " + (dir / "b.yaml").string());
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.output.find("unknown artifact 'pcaa'; valid: all, reconstructions"), std::string::npos) << bad.output;
  EXPECT_FALSE(fs::exists(dir / "runs"));
}

TEST(Artifacts, FactorSlotModelGetsAttentionMapsAndPerGroupGrids) {
  torch::set_num_threads(1);
  acc::test::TempDir dir;
  run_text(dir,
           "name: fs\nseed: 2\nops:\n"
           "  - {op: load_dataset, name: thick, source: thickness, n: 200, image_size: 32}\n"
           "  - {op: create_model, model: factor_slot_vae}\n"
           "  - {op: attach_task, task: reconstruction, name: recon, dataset: thick}\n"
           "  - {op: train, steps: 3, batch_size: 8}\n"
           "  - {op: save_checkpoint, tag: n}\n"
           "  - {op: evaluate, artifacts: [attention, traversals, disentanglement]}\n",
           "fs");
  const fs::path run = dir / "fs";
  // 4 images x (input + 4 tokens) at 32 px.
  const Png a = png_size(run / "eval/n/attention_step_3.png");
  EXPECT_EQ(a.width, 5 * 34 + 2);
  EXPECT_EQ(a.height, 4 * 34 + 2);
  EXPECT_EQ(a.channels, 3);
  const auto j = acc::read_json_file(run / "eval/n/attention_step_3.json");
  EXPECT_EQ(j["tokens"], nlohmann::json({"digit", "thickness", "slant", "free"}));
  EXPECT_EQ(j["grid_size"], 8);
  for (const char* g : {"digit", "thickness", "slant", "free"})
    EXPECT_TRUE(fs::exists(run / ("eval/n/traversal_" + std::string(g) + "_step_3.png")));
  const auto dis = acc::read_json_file(run / "eval/n/disentanglement_thick_step_3.json");
  EXPECT_EQ(dis["groups"], nlohmann::json({"digit", "thickness", "slant", "free"}));
  EXPECT_EQ(dis["slot_r2"]["r2"].size(), 4u);
}

TEST(Artifacts, BackfillOnAnOldCheckpointIsByteIdenticalWhenRepeated) {
  torch::set_num_threads(1);
  acc::test::TempDir dir;
  run_text(dir, vae_recipe(""), "old");  // no evaluate op: a node made before artifacts existed
  const fs::path run = dir / "old";
  EXPECT_TRUE(files_under(run, kKinds).empty());
  const size_t events_before = acc::read_events(run / "events.jsonl").size();
  const std::string cmd = "eval old/trained --threads 1 --artifacts reconstructions,traversals,pca,umap,disentanglement --runs " +
                          dir.path().string();
  const auto first = run_acc(cmd);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  const auto files = files_under(run, kKinds);
  EXPECT_TRUE(files.count("eval/trained/reconstructions_step_20.png"));
  EXPECT_TRUE(files.count("projections/trained/latent_2d_pca_step_20.json"));
  EXPECT_TRUE(files.count("projections/trained/latent_3d_umap_step_20.json"));
  // The mirror is the same file as the newest version.
  EXPECT_TRUE(fs::equivalent(run / "neighbors/trained/knn_latest.json", run / "neighbors/trained/knn_step_20.json"));
  const auto events = acc::read_events(run / "events.jsonl");
  EXPECT_GT(events.size(), events_before);
  EXPECT_EQ(events.back()["type"], "eval.metrics");
  const auto second = run_acc(cmd);
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_EQ(files_under(run, kKinds), files);  // byte-identical JSON and PNG
}

TEST(Artifacts, ExportWritesNpyFilesAndCompareGroupsSeeds) {
  torch::set_num_threads(1);
  acc::test::TempDir dir;
  const std::string text =
      "name: seeds\nseed: 1\nops:\n"
      "  - {op: load_dataset, name: thick, source: thickness, n: 200, image_size: 28}\n"
      "  - {op: create_model, model: linear_ae, hidden: 4}\n"
      "  - {op: attach_task, task: reconstruction, name: recon, dataset: thick}\n"
      "  - {op: save_checkpoint, tag: base}\n"
      "  - {op: fork, from: base, tag: s0}\n"
      "  - {op: set_seed, seed: 10}\n"
      "  - {op: train, steps: 10, batch_size: 16}\n"
      "  - {op: save_checkpoint, tag: s0_done}\n"
      "  - {op: evaluate, artifacts: [pca]}\n"
      "  - {op: fork, from: base, tag: s1}\n"
      "  - {op: set_seed, seed: 11}\n"
      "  - {op: train, steps: 10, batch_size: 16}\n"
      "  - {op: save_checkpoint, tag: s1_done}\n"
      "  - {op: evaluate}\n";
  run_text(dir, text, "s");
  const auto out = dir / "export";
  const auto r = run_acc("export s/s0_done --threads 1 --out " + out.string() + " --runs " + dir.path().string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto manifest = acc::read_json_file(out / "manifest.json");
  EXPECT_EQ(manifest["files"]["latent_means.npy"]["shape"], nlohmann::json({manifest["n"], 4}));
  EXPECT_TRUE(fs::exists(out / "factors.npy"));
  EXPECT_TRUE(fs::exists(out / "projection_2d_pca.npy"));
  EXPECT_EQ(acc::test::read_text(out / "latent_means.npy").size() % 4, 0u);
  // Exporting into a non-empty directory is refused.
  EXPECT_NE(run_acc("export s/s0_done --out " + out.string() + " --runs " + dir.path().string()).exit_code, 0);

  const acc::Comparison c = acc::compare_nodes(dir.path(), {"s/s0_done", "s/s1_done"});
  ASSERT_EQ(c.groups.size(), 1u);  // same lineage but for the seed
  const auto row = std::find(c.metrics.begin(), c.metrics.end(), "recon.l1") - c.metrics.begin();
  ASSERT_LT(row, static_cast<long>(c.metrics.size()));
  const auto& stats = *c.groups[0].stats[static_cast<size_t>(row)];
  EXPECT_EQ(stats.n, 2);
  EXPECT_NEAR(stats.mean, (*c.values[row][0] + *c.values[row][1]) / 2, 1e-12);
  EXPECT_LT(stats.ci_low, stats.mean);
  const auto table = run_acc("compare s/s0_done s/s1_done --runs " + dir.path().string());
  EXPECT_EQ(table.exit_code, 0) << table.output;
  EXPECT_NE(table.output.find("recon.l1"), std::string::npos);
  EXPECT_NE(table.output.find("seed group 1: s/s0_done s/s1_done"), std::string::npos) << table.output;
  // A node with no metrics cannot be compared.
  EXPECT_NE(run_acc("compare s/base s/s1_done --runs " + dir.path().string()).exit_code, 0);
}

TEST(Artifacts, GroupDifferencesUseWelch) {
  // s_a = 1, s_b = 2, n = 3 each: se = sqrt(5/3), Welch df = 2.941 (exact t quantile 3.219).
  const auto d = acc::welch_difference({1.0, 2.0, 3.0}, {4.0, 6.0, 8.0});
  ASSERT_TRUE(d);
  EXPECT_DOUBLE_EQ(d->diff, 4.0);
  EXPECT_NEAR(d->df, 2.941, 1e-3);
  EXPECT_NEAR(d->ci_high - d->diff, 3.219 * std::sqrt(5.0 / 3.0), 0.02);
  EXPECT_FALSE(d->significant);  // the interval [-0.17, 8.17] holds 0
  EXPECT_TRUE(acc::welch_difference({1.0, 2.0, 3.0}, {11.0, 12.0, 13.0})->significant);
  EXPECT_FALSE(acc::welch_difference({1.0}, {2.0, 3.0}));
  EXPECT_DOUBLE_EQ(acc::t_quantile_95_fractional(4.0), 2.776);
}

TEST(Artifacts, StatsUseStudentT) {
  const auto s = acc::metric_stats({1.0, 2.0, 3.0});
  EXPECT_DOUBLE_EQ(s.mean, 2.0);
  EXPECT_DOUBLE_EQ(s.std, 1.0);
  EXPECT_NEAR(s.ci_high - s.mean, 4.303 / std::sqrt(3.0), 1e-9);
  EXPECT_EQ(acc::seed_group_key({{{"op", "set_seed"}, {"seed", 1}, {"line", 3}}}),
            acc::seed_group_key({{{"op", "set_seed"}, {"seed", 2}, {"line", 9}}}));
}
