// The recipe op table. Each row: fields, plan (dry-run validation + description) and
// execute (the real run). Ops stay small; shared work lives in RecipeContext.
#include "recipe/ops.h"

#include <algorithm>
#include <limits>
#include <sstream>

#include "data/registry.h"
#include "eval/artifact_sink.h"
#include "eval/compare.h"
#include "recipe/judge.h"
#include "eval/periodic_eval.h"
#include "error.h"
#include "gating/gating_state.h"
#include "health/loss_health.h"
#include "models/registry.h"
#include "recipe/epochs.h"
#include "run/train_events.h"
#include "tasks/registry.h"

namespace acc {

namespace {

using nlohmann::json;

// The train op's epoch fields, resolved against the training set size (recipe/epochs.h).
EpochSettings epoch_settings(const json& f, int64_t train_images) {
  EpochSettings e;
  e.steps_per_epoch = steps_per_epoch(train_images, f["batch_size"].get<int64_t>());
  const int64_t every = f["checkpoint_every_epochs"].get<int64_t>();
  e.checkpoint_every = every >= 0 ? every : (f["epochs"].get<int64_t>() > 0 ? 1 : 0);
  e.artifacts = f["epoch_artifacts"].get<bool>();
  return e;
}

int64_t train_steps(const json& f, const EpochSettings& e) {
  const int64_t epochs = f["epochs"].get<int64_t>();
  return epochs > 0 ? epochs * e.steps_per_epoch : f["steps"].get<int64_t>();
}

// Fields common to the op row, removed before passing the rest on as type options.
json without(const json& fields, std::initializer_list<const char*> keys) {
  json rest = fields;
  for (const char* k : keys) rest.erase(k);
  return rest;
}

std::string known(const DatasetMap& datasets) {
  std::string out;
  for (const auto& [name, d] : datasets) out += (out.empty() ? "" : ", ") + name;
  return out.empty() ? "(none loaded yet: add a load_dataset op first)" : out;
}

std::shared_ptr<Dataset> need_dataset(const DatasetMap& datasets, const std::string& name, const RecipeOp& op) {
  auto it = datasets.find(name);
  if (it == datasets.end())
    throw Error(op.where() + ": field 'dataset': no dataset named '" + name + "'; loaded datasets: " + known(datasets));
  return it->second;
}

std::string dataset_source(const RecipeOp& op) {
  if (op.fields.contains("source") && op.fields["source"].is_string()) return op.fields["source"];
  if (op.fields.contains("name") && op.fields["name"].is_string()) return op.fields["name"];
  return "";
}

TaskConfig task_config(const json& f) {
  TaskConfig c;
  c.type = f.at("task");
  c.name = f.value("name", "").empty() ? c.type : f.at("name").get<std::string>();
  c.dataset = f.at("dataset");
  c.weight = f.at("weight");
  if (f.contains("latent_slice")) c.latent_slice = LatentSlice{f["latent_slice"][0], f["latent_slice"][1]};
  c.options = without(f, {"task", "name", "dataset", "weight", "latent_slice"});
  return c;
}

std::string describe_dataset(const Dataset& d) {
  std::ostringstream os;
  os << d.name << " (source " << d.source << ", " << d.train.size() << " train / " << d.test.size()
     << " test, " << d.train.images.size(1) << "x" << d.image_size() << "x" << d.image_size();
  if (d.has_labels()) os << ", " << d.num_classes << " classes";
  for (const auto& f : d.factor_names) os << ", factor " << f;
  os << ")";
  return os.str();
}

int64_t parameter_count(Model& model) {
  int64_t n = 0;
  for (const auto& p : model.parameters()) n += p.numel();
  return n;
}

std::vector<std::string> string_list(const json& list, const RecipeOp& op, const char* field) {
  std::vector<std::string> out;
  for (const auto& v : list) {
    if (!v.is_string()) throw Error(op.where() + ": field '" + field + "' must be a list of names");
    out.push_back(v);
  }
  return out;
}

// gate_gradients' `layers`: a list of names (each at `gate_strength`) or {name: strength}.
GatingConfig gating_config(const RecipeOp& op, const json& f) {
  GatingConfig config;
  config.temperature = f["temperature"];
  const json& layers = f["layers"];
  if (layers.is_string()) {
    config.layers.push_back({layers.get<std::string>(), f["gate_strength"].get<double>()});
  } else if (layers.is_array()) {
    for (const auto& name : string_list(layers, op, "layers")) config.layers.push_back({name, f["gate_strength"]});
  } else if (layers.is_object()) {
    for (const auto& [name, strength] : layers.items()) {
      if (!strength.is_number())
        throw Error(op.where() + ": field 'layers': the gate_strength of '" + name + "' must be a number, got " + strength.dump());
      config.layers.push_back({name, strength.get<double>()});
    }
  } else {
    throw Error(op.where() + ": field 'layers' must be a layer name, a list of names or a map {layer: gate_strength}");
  }
  return config;
}

// The train op's `stop_on` as health classes; acc::Error naming the field for an unknown one.
std::set<Health> stop_on_classes(const json& f, const RecipeOp& op) {
  std::set<Health> classes;
  for (const auto& name : string_list(f["stop_on"], op, "stop_on")) {
    const auto health = health_from_name(name);
    if (!health || *health == Health::kHealthy)
      throw Error(op.where() + ": field 'stop_on': '" + name + "' is not a loss-health class to stop on; use "
                               "diverging, trivial or plateau");
    classes.insert(*health);
  }
  return classes;
}

std::string describe_gating(const GatingConfig& config) {
  std::string text = "temperature " + json(config.temperature).dump() + ";";
  for (const auto& l : config.layers) text += " " + l.layer + " " + json(l.strength).dump();
  return text;
}

std::vector<OpDef> op_build_table() {
  std::vector<OpDef> ops;

  ops.push_back({"phase", "Start a named phase (shown in progress, events and the summary).",
                 {{"name", OptionType::kString, true, nullptr, "phase name"}}, "", nullptr,
                 [](const RecipeOp& op, const json& f, Plan& plan) { plan.describe(op, "'" + f["name"].get<std::string>() + "'"); },
                 [](const RecipeOp&, const json& f, RecipeContext& ctx) {
                   ctx.run->begin_phase(f["name"]);
                   if (ctx.listener) ctx.listener->on_phase(f["name"]);
                 }});

  ops.push_back({"log", "Write a message to the event log (and the terminal).",
                 {{"message", OptionType::kString, true, nullptr, "text to log"}}, "", nullptr,
                 [](const RecipeOp& op, const json& f, Plan& plan) { plan.describe(op, f["message"].get<std::string>()); },
                 [](const RecipeOp&, const json& f, RecipeContext& ctx) {
                   ctx.run->events().emit("log", {{"message", f["message"]}});
                   if (ctx.listener) ctx.listener->on_log(f["message"]);
                 }});

  ops.push_back({"load_dataset",
                 "Load a dataset under a name. Source options (see Datasets) are written in the op itself.",
                 {{"name", OptionType::kString, true, nullptr, "name tasks use to refer to it"},
                  {"source", OptionType::kString, false, nullptr, "dataset source; defaults to `name`"}},
                 "dataset",
                 [](const RecipeOp& op) {
                   const auto* spec = find_dataset_source(dataset_source(op));
                   if (!spec) throw Error(op.where() + ": unknown dataset source '" + dataset_source(op) +
                                          "'; valid sources: " + dataset_source_names());
                   return spec->options;
                 },
                 [](const RecipeOp& op, const json& f, Plan& plan) {
                   const std::string name = f["name"];
                   if (plan.datasets.count(name))
                     throw Error(op.where() + ": a dataset named '" + name + "' is already loaded; choose another name");
                   const std::string source = f.value("source", name);
                   auto d = std::make_shared<Dataset>(load_dataset(name, source, without(f, {"name", "source"}),
                                                                   plan.data_root, op.where()));
                   plan.describe(op, describe_dataset(*d));
                   plan.datasets[name] = std::move(d);
                 },
                 [](const RecipeOp&, const json& f, RecipeContext& ctx) {
                   const auto& d = *ctx.datasets.at(f["name"]);
                   ctx.run->events().emit("log", {{"message", "dataset " + describe_dataset(d)}});
                 }});

  ops.push_back({"create_model",
                 "Build a fresh model (weights drawn from the run's seeded generator); it becomes a new tree root.",
                 {{"model", OptionType::kString, true, nullptr, "model type (see Models)"}},
                 "model",
                 [](const RecipeOp& op) {
                   const std::string type = op.fields.value("model", "");
                   const auto* spec = find_model_spec(type);
                   if (!spec) throw Error(op.where() + ": unknown model '" + type + "'; valid models: " + model_names());
                   return spec->options;
                 },
                 [](const RecipeOp& op, const json& f, Plan& plan) {
                   plan.model = build_model(f["model"], without(f, {"model"}), op.where());
                   plan.task_names.clear();
                   plan.has_training_task = false;
                   plan.artifact_dataset.clear();
                   plan.train_dataset.clear();
                   plan.step = 0;
                   plan.current_tag.clear();
                   plan.describe(op, f["model"].get<std::string>() + " (latent " + std::to_string(plan.model->latent_dim()) +
                                         ", " + std::to_string(parameter_count(*plan.model)) + " parameters)");
                 },
                 [](const RecipeOp& op, const json& f, RecipeContext& ctx) {
                   ctx.state.set_model(build_model(f["model"], without(f, {"model"}), op.where()));
                   ctx.current_node.clear();
                   ctx.current_tag.clear();
                 }});

  ops.push_back({"attach_task",
                 "Attach a task to the current model. Task-type options (see Tasks) are written in the op itself.",
                 {{"task", OptionType::kString, true, nullptr, "task type (see Tasks)"},
                  {"name", OptionType::kString, false, nullptr, "unique task name; defaults to the type"},
                  {"dataset", OptionType::kString, true, nullptr, "name of a loaded dataset"},
                  {"weight", OptionType::kFloat, false, 1.0, "loss weight (beta for kl)"},
                  {"latent_slice", OptionType::kSlice, false, nullptr, "read only latent dims [start, end)"}},
                 "task",
                 [](const RecipeOp& op) {
                   const std::string type = op.fields.value("task", "");
                   const auto* spec = find_task_spec(type);
                   if (!spec) throw Error(op.where() + ": unknown task type '" + type + "'; valid types: " + task_type_names());
                   return spec->options;
                 },
                 [](const RecipeOp& op, const json& f, Plan& plan) {
                   if (!plan.model) throw Error(op.where() + ": no model yet; add a create_model op before attach_task");
                   TaskConfig config = task_config(f);
                   auto dataset = need_dataset(plan.datasets, config.dataset, op);
                   for (const auto& n : plan.task_names)
                     if (n == config.name)
                       throw Error(op.where() + ": a task named '" + n + "' is already attached; set a different name:");
                   TaskPtr task = build_task(config, op.where());
                   try {
                     task->check_compatible(*plan.model, *dataset);
                   } catch (const Error& e) {
                     throw Error(op.where() + ": " + e.what());
                   }
                   plan.task_names.push_back(config.name);
                   if (task->trains() && plan.train_dataset.empty()) plan.train_dataset = config.dataset;
                   plan.has_training_task = plan.has_training_task || task->trains();
                   if (plan.artifact_dataset.empty() && config.type == "reconstruction") plan.artifact_dataset = config.dataset;
                   std::string slice = config.latent_slice ? " on latent [" + std::to_string(config.latent_slice->start) + ", " +
                                                                 std::to_string(config.latent_slice->end) + ")" : "";
                   plan.describe(op, config.name + " (" + config.type + " on " + config.dataset + slice + ", weight " +
                                         json(config.weight).dump() + ")");
                 },
                 [](const RecipeOp& op, const json& f, RecipeContext& ctx) {
                   TaskConfig config = task_config(f);
                   ctx.state.attach(build_task(config, op.where()), need_dataset(ctx.datasets, config.dataset, op), op.where());
                 }});

  ops.push_back({"detach_all_tasks", "Remove every attached task (before reconfiguring a branch).", {}, "", nullptr,
                 [](const RecipeOp& op, const json&, Plan& plan) {
                   plan.task_names.clear();
                   plan.has_training_task = false;
                   plan.artifact_dataset.clear();
                   plan.train_dataset.clear();
                   plan.describe(op, "all tasks detached");
                 },
                 [](const RecipeOp&, const json&, RecipeContext& ctx) { ctx.state.detach_all(); }});

  ops.push_back({"train", "Train the current model with the attached tasks (Adam).",
                 {{"steps", OptionType::kInt, false, 0, "number of optimiser steps; give steps or epochs"},
                  {"epochs", OptionType::kInt, false, 0,
                   "train for this many epochs (ceil(train images / batch_size) steps each) instead of `steps`"},
                  {"checkpoint_every_epochs", OptionType::kInt, false, -1,
                   "save node <branch>_epoch_<E> every this many epochs; -1 = every epoch when `epochs` is given, "
                   "else never; 0 = never"},
                  {"epoch_artifacts", OptionType::kBool, false, true,
                   "at each saved epoch also write the network forward capture of the first fixed image and, for a "
                   "GM-VAE, mixture health and sample grids, versioned by epoch (<kind>/<branch>/<name>_epoch_<E>)"},
                  {"lr", OptionType::kFloat, false, 1e-3, "Adam learning rate"},
                  {"batch_size", OptionType::kInt, false, 128, "batch size per dataset per step"},
                  {"log_every", OptionType::kInt, false, 0, "steps between train.metrics events; 0 = about 500 per train op"},
                  {"eval_every", OptionType::kInt, false, 500,
                   "global steps between train.eval events evaluating the evaluation-only tasks (also at the start and "
                   "the last step); 0 = off"},
                  {"eval_tasks", OptionType::kList, false, json::array(),
                   "tasks evaluated every eval_every steps; empty = every attached evaluation-only task"},
                  {"eval_images", OptionType::kInt, false, 1000,
                   "test images per periodic evaluation (the first N of each dataset's test split); 0 = all"},
                  {"health_window", OptionType::kInt, false, 100,
                   "steps per loss-health window (train.health events: healthy, plateau, trivial, diverging; "
                   "docs/running.md); 0 = loss health off"},
                  {"stop_on", OptionType::kList, false, json::array(),
                   "loss-health classes that fail the run when a task enters them, e.g. [diverging] or "
                   "[diverging, trivial]; empty = only warn"}},
                 "", nullptr,
                 [](const RecipeOp& op, const json& f, Plan& plan) {
                   const int64_t batch = f["batch_size"];
                   if (batch <= 0) throw Error(op.where() + ": field 'batch_size' must be positive, got " + std::to_string(batch));
                   const int64_t steps_field = f["steps"], epochs_field = f["epochs"];
                   if (steps_field > 0 && epochs_field > 0)
                     throw Error(op.where() + ": give exactly one of 'steps' and 'epochs', not both");
                   if (epochs_field < 0)
                     throw Error(op.where() + ": field 'epochs' must be positive, got " + std::to_string(epochs_field));
                   if (epochs_field == 0 && steps_field <= 0)
                     throw Error(op.where() + ": field 'steps' must be positive, got " + std::to_string(steps_field) +
                                 " (or train by 'epochs')");
                   if (f["checkpoint_every_epochs"].get<int64_t>() < -1)
                     throw Error(op.where() + ": field 'checkpoint_every_epochs' must be >= -1 (-1 = every epoch with 'epochs', 0 = never)");
                   if (f["lr"].get<double>() <= 0) throw Error(op.where() + ": field 'lr' must be positive");
                   if (!plan.model) throw Error(op.where() + ": no model yet; add create_model and attach_task ops before train");
                   if (!plan.has_training_task) throw Error(op.where() + ": no training task attached; add attach_task ops before train");
                   if (f["health_window"].get<int64_t>() < 0)
                     throw Error(op.where() + ": field 'health_window' must be >= 0 (0 = loss health off)");
                   stop_on_classes(f, op);
                   if (f["eval_every"].get<int64_t>() < 0 || f["eval_images"].get<int64_t>() < 0)
                     throw Error(op.where() + ": fields 'eval_every' and 'eval_images' must be >= 0 (0 = off / all)");
                   for (const auto& name : string_list(f["eval_tasks"], op, "eval_tasks"))
                     if (std::find(plan.task_names.begin(), plan.task_names.end(), name) == plan.task_names.end())
                       throw Error(op.where() + ": field 'eval_tasks': no attached task named '" + name + "'");
                   const auto d = plan.datasets.find(plan.train_dataset);
                   const EpochSettings epochs = epoch_settings(f, d == plan.datasets.end() ? 0 : d->second->train.size());
                   const int64_t steps = train_steps(f, epochs);
                   std::string saves;
                   const std::string branch = plan.current_tag;
                   for (int64_t e = plan.step / epochs.steps_per_epoch + 1;
                        epochs.checkpoint_every > 0 && e <= (plan.step + steps) / epochs.steps_per_epoch; ++e) {
                     if (e % epochs.checkpoint_every != 0) continue;
                     const std::string tag = epoch_tag(branch, e);
                     if (!plan.tags.insert(tag).second)
                       throw Error(op.where() + ": epoch node tag '" + tag + "' is already used in this recipe; save or fork "
                                                "under another tag before this train op");
                     plan.current_tag = tag;
                     plan.nodes[tag] = plan.node_here(e * epochs.steps_per_epoch);
                     plan.implicit_tags[plan.op_index].push_back(tag);
                     saves = saves.empty() ? tag : saves.substr(0, saves.find(" ..")) + " .. " + tag;
                   }
                   plan.total_steps += steps;
                   plan.step += steps;
                   plan.describe(op, std::to_string(steps) + " steps (" + std::to_string(epochs.steps_per_epoch) +
                                         " per epoch), lr " + json(f["lr"]).dump() + ", batch " + std::to_string(batch) +
                                         (saves.empty() ? "" : "; saves " + saves));
                 },
                 [](const RecipeOp& op, const json& f, RecipeContext& ctx) {
                   std::string train_dataset;
                   for (const auto& t : ctx.state.tasks())
                     if (t.task->trains()) { train_dataset = t.task->config().dataset; break; }
                   const auto d = ctx.datasets.find(train_dataset);
                   const EpochSettings epoch_cfg = epoch_settings(f, d == ctx.datasets.end() ? 0 : d->second->train.size());
                   TrainSpec spec{train_steps(f, epoch_cfg), f["batch_size"], f["lr"]};
                   EpochObserver epochs(ctx, epoch_cfg);
                   const int64_t every = f["log_every"].get<int64_t>() > 0 ? f["log_every"].get<int64_t>()
                                                                           : default_log_every(spec.steps);
                   TrainEventWriter events(ctx.run->events(), every, ctx.current_tag);
                   PeriodicEvaluator periodic(ctx.run->events(), ctx.state, f["eval_every"],
                                              string_list(f["eval_tasks"], op, "eval_tasks"), f["eval_images"],
                                              ctx.current_tag);
                   HealthThresholds thresholds;
                   thresholds.window = f["health_window"];
                   LossHealthMonitor health(ctx.run->events(), thresholds, stop_on_classes(f, op), ctx.current_tag,
                                            [&ctx](const std::string& line) {
                                              if (ctx.listener) ctx.listener->on_warning(line);
                                            });
                   // Epochs first: tasks must know the epoch before the step's losses, and an epoch
                   // node must exist before other observers look at the step's end.
                   std::vector<TrainObserver*> observers = {&epochs, &events};
                   if (thresholds.window > 0) observers.push_back(&health);
                   if (periodic.active()) observers.push_back(&periodic);
                   observers.insert(observers.end(), ctx.observers.begin(), ctx.observers.end());
                   const TrainOutcome outcome = train(ctx.state, spec, observers, ctx.cancel);
                   if (outcome.status == TrainStatus::kCancelled) throw RunCancelled{};
                 }});

  ops.push_back({"save_checkpoint", "Save the current state as a node of the checkpoint tree; it becomes current.",
                 {{"tag", OptionType::kString, true, nullptr, "unique name of the node within the run"}}, "", nullptr,
                 [](const RecipeOp& op, const json& f, Plan& plan) {
                   const std::string tag = f["tag"];
                   if (!plan.model) throw Error(op.where() + ": nothing to save; add a create_model op first");
                   if (!plan.tags.insert(tag).second)
                     throw Error(op.where() + ": tag '" + tag + "' is already used in this recipe; tags must be unique");
                   plan.nodes[tag] = plan.node_here(plan.step);
                   plan.current_tag = tag;
                   plan.describe(op, "node '" + tag + "'");
                 },
                 [](const RecipeOp&, const json& f, RecipeContext& ctx) { ctx.save_node(f["tag"]); }});

  ops.push_back({"fork",
                 "Fork a node saved earlier in this run: the new node's weights, optimiser, probe heads, step and RNG "
                 "state are bitwise the parent's, and it becomes current.",
                 {{"from", OptionType::kString, true, nullptr, "tag of a node saved earlier in this recipe"},
                  {"tag", OptionType::kString, true, nullptr, "unique tag of the new node"}},
                 "", nullptr,
                 [](const RecipeOp& op, const json& f, Plan& plan) {
                   const std::string from = f["from"], tag = f["tag"];
                   auto it = plan.nodes.find(from);
                   if (it == plan.nodes.end()) {
                     std::string tags;
                     for (const auto& t : plan.tags) tags += (tags.empty() ? "" : ", ") + t;
                     throw Error(op.where() + ": field 'from': no node tagged '" + from + "' is saved before this op" +
                                 (from == tag ? " (a node cannot be forked from itself)" : "") +
                                 "; nodes saved so far: " + (tags.empty() ? "(none)" : tags));
                   }
                   if (!plan.tags.insert(tag).second)
                     throw Error(op.where() + ": tag '" + tag + "' is already used in this recipe; tags must be unique");
                   plan.model = it->second.model;
                   plan.task_names = it->second.task_names;
                   plan.has_training_task = it->second.has_training_task;
                   plan.artifact_dataset = it->second.artifact_dataset;
                   plan.train_dataset = it->second.train_dataset;
                   plan.step = it->second.step;
                   plan.current_tag = tag;
                   plan.nodes[tag] = it->second;
                   plan.describe(op, "node '" + tag + "' <- '" + from + "'");
                 },
                 [](const RecipeOp& op, const json& f, RecipeContext& ctx) {
                   json entry = f;
                   entry["op"] = op.op;
                   entry["line"] = op.line;
                   ctx.fork_node(f["from"], f["tag"], entry);
                 }});

  ops.push_back({"set_seed",
                 "Reseed the torch generator (weight init, batch sampling, VAE noise) from here on; "
                 "use it after a fork to make seed branches differ.",
                 {{"seed", OptionType::kInt, true, nullptr, "the new seed"}}, "", nullptr,
                 [](const RecipeOp& op, const json& f, Plan& plan) { plan.describe(op, f["seed"].dump()); },
                 [](const RecipeOp&, const json& f, RecipeContext&) {
                   torch::manual_seed(static_cast<uint64_t>(f["seed"].get<int64_t>()));
                 }});

  ops.push_back({"gate_gradients",
                 "Turn on competitive gradient gating for the current model (replacing any earlier gating): each "
                 "channel's gradient at a layer's activation is scaled by how strongly it activated (formula in the "
                 "README). Saved with every node after it and kept by forks.",
                 {{"layers", OptionType::kAny, true, nullptr,
                   "layer name, list of names (each at gate_strength), or map {layer: gate_strength}"},
                  {"gate_strength", OptionType::kFloat, false, 1.0, "0 = plain gradients, 1 = full gating"},
                  {"temperature", OptionType::kFloat, false, 1.0,
                   "softmax temperature over channel strengths; lower = sharper competition"}},
                 "", nullptr,
                 [](const RecipeOp& op, const json& f, Plan& plan) {
                   if (!plan.model) throw Error(op.where() + ": no model yet; add create_model before gate_gradients");
                   const GatingConfig config = gating_config(op, f);
                   config.check(*plan.model, op.where());
                   plan.describe(op, describe_gating(config));
                 },
                 [](const RecipeOp& op, const json& f, RecipeContext& ctx) {
                   const GatingConfig config = gating_config(op, f);
                   set_gating(ctx.state, config);
                   ctx.run->events().emit("log", {{"message", "gradient gating on: " + describe_gating(config)}});
                 }});

  ops.push_back({"remove_gating", "Turn competitive gradient gating off: plain gradients from the next step on.", {}, "",
                 nullptr,
                 [](const RecipeOp& op, const json&, Plan& plan) {
                   if (!plan.model) throw Error(op.where() + ": no model yet; nothing to remove");
                   plan.describe(op, "plain gradients");
                 },
                 [](const RecipeOp&, const json&, RecipeContext& ctx) {
                   set_gating(ctx.state, std::nullopt);
                   ctx.run->events().emit("log", {{"message", "gradient gating off"}});
                 }});

  std::vector<OptionSpec> evaluate_fields = {
      {"tasks", OptionType::kList, false, json::array(), "task names to evaluate; empty = all attached"}};
  for (const auto& spec : artifact_option_specs()) evaluate_fields.push_back(spec);
  ops.push_back({"evaluate",
                 "Evaluate attached tasks on their test splits and write artifacts; metrics go to events, the node and "
                 "the summary.",
                 evaluate_fields, "", nullptr,
                 [](const RecipeOp& op, const json& f, Plan& plan) {
                   ArtifactSettings artifacts = artifact_settings_from_fields(f, op.where());
                   if (!plan.model) throw Error(op.where() + ": nothing to evaluate; add create_model first");
                   if (plan.task_names.empty() && artifacts.names.empty())
                     throw Error(op.where() + ": nothing to evaluate; attach tasks or name artifacts");
                   for (const auto& name : string_list(f["tasks"], op, "tasks"))
                     if (std::find(plan.task_names.begin(), plan.task_names.end(), name) == plan.task_names.end())
                       throw Error(op.where() + ": field 'tasks': no attached task named '" + name + "'");
                   if (artifacts.dataset.empty()) artifacts.dataset = plan.artifact_dataset;
                   if (!artifacts.judge.empty()) {
                     const auto judge = plan.nodes.find(artifacts.judge);
                     if (judge == plan.nodes.end())
                       throw Error(op.where() + ": field 'judge': no node tagged '" + artifacts.judge +
                                   "' is saved before this op; train the judge and save_checkpoint it first");
                     const std::string why = judge_mismatch(*judge->second.model, *plan.model);
                     if (!why.empty())
                       throw Error(op.where() + ": field 'judge': node '" + artifacts.judge + "' cannot judge: " + why);
                   }
                   const auto rows = check_artifacts(*plan.model, plan.datasets, artifacts, op.where());
                   std::string text = f["tasks"].empty() ? "all attached tasks" : f["tasks"].dump();
                   if (!rows.empty()) {
                     text += "; artifacts";
                     for (const auto* row : rows) text += " " + row->name;
                     text += " on " + artifacts.dataset;
                   }
                   plan.describe(op, text);
                 },
                 [](const RecipeOp& op, const json& f, RecipeContext& ctx) {
                   ctx.evaluate(string_list(f["tasks"], op, "tasks"), artifact_settings_from_fields(f, op.where()));
                 }});
  ops.push_back({"compare",
                 "Compare the evaluation metrics of nodes of this run, as `acc compare` does: side by side, and per "
                 "seed group (nodes whose lineages differ only by seed) mean, std and 95% Student-t interval. Writes "
                 "the comparison as JSON (comparison/run/<name>_step_0.json) and logs the table.",
                 {{"nodes", OptionType::kList, false, json::array(),
                   "tags of nodes saved earlier in this recipe; empty = every node of the run with metrics"},
                  {"name", OptionType::kString, false, "comparison", "file name of the comparison"}},
                 "", nullptr,
                 [](const RecipeOp& op, const json& f, Plan& plan) {
                   const auto tags = string_list(f["nodes"], op, "nodes");
                   if (tags.size() == 1) throw Error(op.where() + ": field 'nodes': name at least two nodes (or none: all evaluated)");
                   for (const auto& tag : tags)
                     if (!plan.tags.count(tag))
                       throw Error(op.where() + ": field 'nodes': no node tagged '" + tag + "' is saved before this op");
                   plan.describe(op, tags.empty() ? "every evaluated node" : f["nodes"].dump());
                 },
                 [](const RecipeOp& op, const json& f, RecipeContext& ctx) {
                   std::vector<std::string> addresses;
                   for (const auto& tag : string_list(f["nodes"], op, "nodes")) addresses.push_back(ctx.run->id() + "/" + tag);
                   if (addresses.empty()) {
                     // Recipe order, not creation order: the branches of a planned run (acc plan,
                     // make -j) finish in any order, and the comparison must not depend on it.
                     auto nodes = ctx.store->list();
                     auto order = [](const NodeMeta& n) { return n.op_index < 0 ? std::numeric_limits<int64_t>::max() : n.op_index; };
                     std::stable_sort(nodes.begin(), nodes.end(),
                                      [&](const NodeMeta& a, const NodeMeta& b) { return order(a) < order(b); });
                     for (const auto& node : nodes)
                       if (!node.metrics.empty()) addresses.push_back(ctx.run->id() + "/" + node.tag);
                   }
                   if (addresses.size() < 2)
                     throw Error(op.where() + ": fewer than two evaluated nodes to compare; add evaluate ops right after "
                                              "save_checkpoint ops");
                   const Comparison comparison = compare_nodes(ctx.run->path().parent_path(), addresses);
                   ArtifactSink sink(ctx.run->path(), "run", "", 0, &ctx.run->events());
                   sink.write_json("comparison", f["name"], comparison.to_json());
                   const std::string table = comparison.table();
                   ctx.run->events().emit("log", {{"message", table}});
                   if (ctx.listener) ctx.listener->on_log(table);
                 }});
  return ops;
}

}  // namespace

const std::vector<OpDef>& op_registry() {
  static const std::vector<OpDef> table = op_build_table();
  return table;
}

const OpDef* find_op(const std::string& name) {
  for (const auto& op : op_registry())
    if (op.name == name) return &op;
  return nullptr;
}

std::string op_names() {
  std::string out;
  for (const auto& op : op_registry()) out += (out.empty() ? "" : ", ") + op.name;
  return out;
}

nlohmann::json resolve_op_fields(const RecipeOp& op) {
  const OpDef* def = find_op(op.op);
  if (!def) throw Error(op.where() + ": unknown op '" + op.op + "'; valid ops: " + op_names());
  std::vector<OptionSpec> specs = def->fields;
  if (def->extra_fields) {
    auto extra = def->extra_fields(op);
    specs.insert(specs.end(), extra.begin(), extra.end());
  }
  return resolve_options(specs, op.fields, op.where());
}

}  // namespace acc
