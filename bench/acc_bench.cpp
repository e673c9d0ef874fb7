// acc_bench: the C++ halves of `make bench` rows that cannot be an `acc` command.
//   loop     row 2's bare loop: linear_ae (784-64-784) on the MNIST train split with the
//            trainer's sampling, loss and Adam, but no events, progress, checkpoints or
//            observers; prints {"steps", "seconds", "steps_per_second", "final_loss"}.
//   debugger row 6: the cost of an attached, unengaged step-wise debugger — linear_ae
//            trained in alternating blocks with and without a DebugController (listening
//            on a temporary run directory, as in acc run), the same process and data, so
//            machine load drifts hit both; prints {"attached_seconds", "detached_seconds", ...}.
//   project  row 4's acc side: PCA, exact kNN and UMAP timed on raw float32 latents, plus
//            trustworthiness (k = 15) of acc's UMAP and, if given, a peer's embedding, so
//            both are scored by the same exact function; prints one JSON object.
//   kmeans   row 9's acc side: analysis/kmeans.h (k-means++ greedy seeding, Lloyd, restarts)
//            on raw float32 points; prints {"inertia", "iterations", "seconds"} and writes the
//            assignments (int64) so the driver scores acc and scikit-learn with one scorer.
// Driven by bench/run_bench.py; every timing excludes start-up and file reading.
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <cmath>
#include <fstream>
#include <iostream>
#include <string>

#include "analysis/kmeans.h"
#include "analysis/knn.h"
#include "analysis/pca.h"
#include "analysis/trustworthiness.h"
#include "analysis/umap.h"
#include "data/mnist.h"
#include "debug/debug_controller.h"
#include "tasks/registry.h"
#include "train/trainer.h"
#include "models/linear_ae.h"
#include "runtime_info.h"

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

struct LoopOptions {
  std::string data_dir = "data/mnist";
  int64_t steps = 5000;
  int64_t batch = 128;
  double lr = 1e-3;
  int64_t seed = 0;
};

struct DebuggerOptions {
  std::string data_dir = "data/mnist";
  int64_t blocks = 20;       // per side
  int64_t block_steps = 500;
};

struct ProjectOptions {
  std::string input;           // raw float32, row-major [rows, dims]
  int64_t rows = 0;
  int64_t dims = 0;
  std::string peer_embedding;  // raw float32 [rows, 2]; optional
  std::string out;             // acc's UMAP embedding, raw float32 [rows, 2]; optional
  std::string knn_out;         // acc's exact kNN indices, raw int64 [rows, 15]; optional
  int64_t k = 15;
};

struct KMeansBenchOptions {
  std::string input;        // raw float32, row-major [rows, dims]
  int64_t rows = 0;
  int64_t dims = 0;
  int64_t k = 10;
  int64_t restarts = 10;
  uint64_t seed = 0;
  std::string assignments_out;  // raw int64 [rows]
};

torch::Tensor read_f32(const std::string& path, int64_t rows, int64_t cols) {
  torch::Tensor t = torch::empty({rows, cols}, torch::kFloat32);
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(t.data_ptr<float>()), t.numel() * sizeof(float));
  if (!in) throw std::runtime_error("cannot read " + std::to_string(rows * cols) + " floats from " + path);
  return t;
}

void write_raw(const std::string& path, const torch::Tensor& t) {
  const torch::Tensor c = t.contiguous();
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(c.data_ptr()), c.numel() * c.element_size());
}

int run_loop(const LoopOptions& o) {
  acc::MnistLoadOptions load;
  load.dir = o.data_dir;
  const acc::Dataset ds = acc::load_mnist_dir(load);
  torch::manual_seed(o.seed);
  acc::LinearAE model(/*image_size=*/28, /*hidden=*/64);
  model->train();
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(o.lr));
  const torch::Tensor& images = ds.train.images;
  double last_loss = 0;

  const auto start = Clock::now();
  for (int64_t i = 0; i < o.steps; ++i) {
    optimizer.zero_grad();
    const torch::Tensor idx = torch::randint(images.size(0), {o.batch}, torch::kLong);
    const torch::Tensor x = images.index_select(0, idx);
    const torch::Tensor loss =
        torch::l1_loss(model->forward(x).at(acc::ModelOutput::RECONSTRUCTION), x);
    last_loss = loss.item<double>();  // any real loop looks at its loss; acc checks it is finite
    loss.backward();
    optimizer.step();
  }
  const double seconds = seconds_since(start);
  std::cout << nlohmann::json{{"steps", o.steps},
                              {"seconds", seconds},
                              {"steps_per_second", o.steps / seconds},
                              {"final_loss", last_loss}}
                   .dump()
            << "\n";
  return 0;
}

int run_debugger(const DebuggerOptions& o) {
  acc::MnistLoadOptions load;
  load.dir = o.data_dir;
  auto ds = std::make_shared<acc::Dataset>(acc::load_mnist_dir(load));
  ds->name = "mnist";
  torch::manual_seed(0);
  acc::TrainingState state;
  state.set_model(acc::LinearAE(/*image_size=*/28, /*hidden=*/64).ptr());
  acc::TaskConfig recon;
  recon.type = "reconstruction";
  recon.name = "recon";
  recon.dataset = "mnist";
  state.attach(acc::build_task(recon), ds);

  const auto dir = std::filesystem::temp_directory_path() / ("acc_bench_debugger_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string from = "bench";
  std::atomic<bool> cancel{false};
  double attached = 0, detached = 0;
  {
    acc::DebugController controller({}, dir, nullptr, &from, &cancel);
    controller.listen();
    const acc::TrainSpec spec{o.block_steps, 128, 1e-3};
    acc::train(state, spec);  // warm-up
    for (int64_t b = 0; b < 2 * o.blocks; ++b) {
      const bool with = (b % 4 == 0 || b % 4 == 3);  // ABBA: neither side always goes first
      const auto start = Clock::now();
      acc::train(state, spec, with ? std::vector<acc::TrainObserver*>{&controller} : std::vector<acc::TrainObserver*>{});
      (with ? attached : detached) += seconds_since(start);
    }
  }
  std::filesystem::remove_all(dir);
  std::cout << nlohmann::json{{"steps_each", o.blocks * o.block_steps},
                              {"attached_seconds", attached},
                              {"detached_seconds", detached},
                              {"overhead", attached / detached - 1}}
                   .dump()
            << "\n";
  return 0;
}

int run_project(const ProjectOptions& o) {
  const torch::Tensor x = read_f32(o.input, o.rows, o.dims);
  nlohmann::json r = {{"rows", o.rows}, {"dims", o.dims}, {"k", o.k}};

  auto t = Clock::now();
  const acc::Pca pca = acc::pca_fit(x, /*k=*/2);
  const torch::Tensor pca2 = acc::pca_transform(pca, x);
  r["pca_seconds"] = seconds_since(t);

  t = Clock::now();
  const acc::Knn knn = acc::exact_knn(x, o.k);
  r["knn_seconds"] = seconds_since(t);

  acc::UmapParams params;
  params.n_neighbors = o.k;
  params.min_dist = 0.1;
  t = Clock::now();
  const acc::UmapResult umap = acc::umap_embed(x, knn.indices, knn.distances, params);
  r["umap_embed_seconds"] = seconds_since(t);
  r["umap_seconds"] = r["knn_seconds"].get<double>() + r["umap_embed_seconds"].get<double>();
  r["umap_params"] = umap.params;

  t = Clock::now();
  r["umap_trustworthiness"] = acc::trustworthiness(x, umap.embedding, o.k, &knn);
  r["trustworthiness_seconds"] = seconds_since(t);
  if (!o.peer_embedding.empty())
    r["peer_umap_trustworthiness"] =
        acc::trustworthiness(x, read_f32(o.peer_embedding, o.rows, 2), o.k, &knn);
  if (!o.out.empty()) write_raw(o.out, umap.embedding);
  if (!o.knn_out.empty()) write_raw(o.knn_out, knn.indices);
  std::cout << r.dump() << "\n";
  return 0;
}

int run_kmeans(const KMeansBenchOptions& o) {
  const torch::Tensor x = read_f32(o.input, o.rows, o.dims);
  acc::KMeansOptions options;
  options.k = o.k;
  options.restarts = o.restarts;
  options.seed = o.seed;
  const auto t = Clock::now();
  const acc::KMeansResult r = acc::kmeans(x, options);
  const double seconds = seconds_since(t);
  if (!o.assignments_out.empty()) write_raw(o.assignments_out, r.assignments.to(torch::kLong));
  std::cout << nlohmann::json{{"inertia", r.inertia}, {"iterations", r.iterations}, {"restart", r.restart},
                              {"seconds", seconds}}
                   .dump()
            << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"acc_bench: C++ sides of the make bench rows (see bench/README.md)"};
  app.require_subcommand(1);
  int threads = 1;
  app.add_option("--threads", threads, "LibTorch and OpenBLAS threads");

  LoopOptions loop;
  CLI::App* loop_cmd = app.add_subcommand("loop", "row 2: bare linear_ae training loop");
  loop_cmd->add_option("--data", loop.data_dir, "MNIST directory");
  loop_cmd->add_option("--steps", loop.steps);
  loop_cmd->add_option("--batch", loop.batch);
  loop_cmd->add_option("--lr", loop.lr);
  loop_cmd->add_option("--seed", loop.seed);

  DebuggerOptions debugger;
  CLI::App* debugger_cmd = app.add_subcommand("debugger", "row 6: attached vs detached step-wise debugger");
  debugger_cmd->add_option("--data", debugger.data_dir, "MNIST directory");
  debugger_cmd->add_option("--blocks", debugger.blocks, "blocks of training per side");
  debugger_cmd->add_option("--block-steps", debugger.block_steps);

  ProjectOptions project;
  CLI::App* project_cmd = app.add_subcommand("project", "row 4: PCA, exact kNN, UMAP timings");
  project_cmd->add_option("--input", project.input)->required();
  project_cmd->add_option("--rows", project.rows)->required();
  project_cmd->add_option("--dims", project.dims)->required();
  project_cmd->add_option("--peer-embedding", project.peer_embedding);
  project_cmd->add_option("--out", project.out);
  project_cmd->add_option("--knn-out", project.knn_out);

  KMeansBenchOptions km;
  CLI::App* kmeans_cmd = app.add_subcommand("kmeans", "row 9: k-means on raw float32 points");
  kmeans_cmd->add_option("--input", km.input)->required();
  kmeans_cmd->add_option("--rows", km.rows)->required();
  kmeans_cmd->add_option("--dims", km.dims)->required();
  kmeans_cmd->add_option("--k", km.k);
  kmeans_cmd->add_option("--restarts", km.restarts);
  kmeans_cmd->add_option("--seed", km.seed);
  kmeans_cmd->add_option("--assignments-out", km.assignments_out);
  CLI11_PARSE(app, argc, argv);

  torch::set_num_threads(threads);
  acc::set_blas_threads(threads);
  try {
    if (loop_cmd->parsed()) return run_loop(loop);
    if (debugger_cmd->parsed()) return run_debugger(debugger);
    if (kmeans_cmd->parsed()) return run_kmeans(km);
    return run_project(project);
  } catch (const std::exception& e) {
    std::cerr << "acc_bench: " << e.what() << "\n";
    return 1;
  }
}
