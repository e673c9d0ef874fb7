// Option tables: defaults, unknown fields, types, slices, required fields.
#include <gtest/gtest.h>

#include "error.h"
#include "util/options.h"

using acc::OptionSpec;
using acc::OptionType;
using nlohmann::json;

namespace {
const std::vector<OptionSpec> kSpecs = {
    {"steps", OptionType::kInt, true, nullptr, "steps"},
    {"lr", OptionType::kFloat, false, 1e-3, "learning rate"},
    {"latent_slice", OptionType::kSlice, false, nullptr, "slice"},
};

std::string options_error_of(const json& given) {
  try {
    acc::resolve_options(kSpecs, given, "r.yaml:3: train");
  } catch (const acc::Error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(Options, FillsDefaultsAndAcceptsIntForFloat) {
  const json out = acc::resolve_options(kSpecs, {{"steps", 10}, {"lr", 1}}, "w");
  EXPECT_EQ(out["steps"], 10);
  EXPECT_TRUE(out["lr"].is_number_float());
  EXPECT_DOUBLE_EQ(out["lr"].get<double>(), 1.0);
  EXPECT_FALSE(out.contains("latent_slice"));
  EXPECT_DOUBLE_EQ(acc::resolve_options(kSpecs, {{"steps", 1}}, "w")["lr"].get<double>(), 1e-3);
}

TEST(Options, RejectsUnknownFieldListingValidOnes) {
  const std::string e = options_error_of({{"steps", 1}, {"stpes", 2}});
  EXPECT_NE(e.find("r.yaml:3: train"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown field 'stpes'"), std::string::npos) << e;
  EXPECT_NE(e.find("steps, lr, latent_slice"), std::string::npos) << e;
}

TEST(Options, RejectsWrongTypeAndMissingRequired) {
  EXPECT_NE(options_error_of({{"steps", "many"}}).find("field 'steps' must be int"), std::string::npos);
  EXPECT_NE(options_error_of({{"steps", 1.5}}).find("must be int"), std::string::npos);
  EXPECT_NE(options_error_of(json::object()).find("missing required field 'steps'"), std::string::npos);
}

TEST(Options, ChecksSlices) {
  EXPECT_EQ(options_error_of({{"steps", 1}, {"latent_slice", {0, 4}}}), "");
  EXPECT_NE(options_error_of({{"steps", 1}, {"latent_slice", {4, 4}}}).find("0 <= start < end"), std::string::npos);
  EXPECT_NE(options_error_of({{"steps", 1}, {"latent_slice", {-1, 4}}}).find("0 <= start < end"), std::string::npos);
  EXPECT_NE(options_error_of({{"steps", 1}, {"latent_slice", {1, 2, 3}}}).find("must be slice"), std::string::npos);
}
