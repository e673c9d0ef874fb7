// Markdown recipe reference from the registries; see reference.h.
#include "recipe/reference.h"

#include <sstream>

#include "data/registry.h"
#include "eval/artifacts.h"
#include "models/registry.h"
#include "recipe/ops.h"
#include "tasks/registry.h"
#include "util/options.h"

namespace acc {

std::string recipe_reference_markdown() {
  std::ostringstream os;
  os << "### Ops\n\n";
  for (const auto& op : op_registry()) {
    os << "#### `" << op.name << "`\n\n" << op.description << "\n\n" << options_markdown(op.fields) << "\n";
  }
  os << "### Sugar (expanded into plain ops; `acc run --dry-run` shows the expansion)\n\n";
  os << "#### `branches`\n\nOne `fork` per branch from the same node, each followed by the branch's ops.\n\n"
     << options_markdown({{"from", OptionType::kString, true, nullptr, "tag of the node every branch forks from"},
                          {"branches", OptionType::kList, true, nullptr, "list of `{tag, ops}`: the fork's tag and the branch's ops"}})
     << "\n";
  os << "#### `repeat`\n\nOne copy of `ops` per combination of the grid's values (cartesian product in the order written, last var fastest), "
        "with the grid vars bound as `${name}`; with `from`, each copy starts with a fork tagged `tag`.\n\n"
     << options_markdown({{"grid", OptionType::kMap, true, nullptr, "var: [values], e.g. `{seed: [42, 123, 456]}`"},
                          {"from", OptionType::kString, false, nullptr, "tag each copy forks from"},
                          {"tag", OptionType::kString, false, nullptr, "fork tag template, e.g. `seed_${seed}` (required with `from`)"},
                          {"ops", OptionType::kList, true, nullptr, "the ops to repeat"}})
     << "\n";
  os << "### Models (`create_model`)\n\n";
  for (const auto& m : model_registry()) {
    os << "#### `" << m.name << "`\n\n" << m.description << "\n\n" << options_markdown(m.options) << "\n";
    // Built with default options: the layer names do not depend on sizes.
    const ModelPtr model = build_model(m.name, nlohmann::json::object(), m.name);
    os << "Layers with an activation point (`gate_gradients`, `activation_sparsity`):";
    for (const auto& point : model->taps().points()) os << " `" << point << "`";
    os << ".\n\n";
  }
  os << "### Tasks (`attach_task`)\n\n";
  for (const auto& t : task_registry())
    os << "#### `" << t.name << "`\n\n" << t.description << "\n\n" << options_markdown(t.options) << "\n";
  os << "### Datasets (`load_dataset`)\n\n";
  for (const auto& d : dataset_registry()) {
    os << "#### `" << d.name << "`\n\n" << d.description;
    os << " Class labels: " << (d.has_labels ? "yes" : "no") << ".";
    if (!d.factor_names.empty()) {
      os << " Factors:";
      for (const auto& f : d.factor_names) os << " `" << f << "`";
      os << ".";
    }
    os << "\n\n" << options_markdown(d.options) << "\n";
  }
  os << "### Artifacts (`evaluate` op field `artifacts`, or `acc eval NODE --artifacts`)\n\n"
        "File layouts and schemas: docs/run-format.md, \"Artifacts\". `all` writes every artifact that applies to the "
        "model and data.\n\n| artifact | what it writes |\n|---|---|\n";
  for (const auto& a : artifact_registry()) os << "| `" << a.name << "` | " << a.description << " |\n";
  return os.str();
}

}  // namespace acc
