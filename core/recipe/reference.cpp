// Markdown recipe reference from the registries; see reference.h.
#include "recipe/reference.h"

#include <sstream>

#include "data/registry.h"
#include "models/registry.h"
#include "recipe/ops.h"
#include "tasks/registry.h"

namespace acc {

std::string recipe_reference_markdown() {
  std::ostringstream os;
  os << "### Ops\n\n";
  for (const auto& op : op_registry()) {
    os << "#### `" << op.name << "`\n\n" << op.description << "\n\n" << options_markdown(op.fields) << "\n";
  }
  os << "### Models (`create_model`)\n\n";
  for (const auto& m : model_registry())
    os << "#### `" << m.name << "`\n\n" << m.description << "\n\n" << options_markdown(m.options) << "\n";
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
  return os.str();
}

}  // namespace acc
