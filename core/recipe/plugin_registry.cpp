// The stateful plug-in table; see plugin_registry.h.
#include "recipe/plugin_registry.h"

#include "error.h"
#include "gating/gating_state.h"

namespace acc {

const std::vector<PluginSpec>& plugin_registry() {
  static const std::vector<PluginSpec> specs = {
      {std::string(kGatingPlugin), "competitive gradient gating (gate_gradients): temperature and per-layer strengths",
       [](TrainingState& state, const nlohmann::json& section) {
         set_gating(state, GatingConfig::from_json(section));
       }},
  };
  return specs;
}

void restore_plugins(TrainingState& state, const nlohmann::json& sections, const std::string& where) {
  if (sections.is_null()) return;
  for (const auto& [name, section] : sections.items()) {
    const auto& specs = plugin_registry();
    auto it = std::find_if(specs.begin(), specs.end(), [&](const PluginSpec& s) { return s.name == name; });
    if (it == specs.end()) {
      std::string known;
      for (const auto& s : specs) known += (known.empty() ? "" : ", ") + s.name;
      throw Error(where + ": meta.json names plug-in '" + name + "', which this acc does not know (known: " +
                  known + "); read it with the acc version that wrote it");
    }
    it->restore(state, section);
  }
}

}  // namespace acc
