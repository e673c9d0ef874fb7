// Model tests. The first test walks every row of model_registry(), so a new model is
// covered by adding its row: it must build with defaults at 28 and 32 px, produce exactly
// the outputs it declares with the documented shapes and ranges, decode latents to
// images, and rebuild from its config() with the same parameters. The remaining tests pin
// error messages, seeding and conv_vae's train/eval behaviour.
#include <gtest/gtest.h>

#include "test_util.h"

#include "error.h"
#include "models/output_activation.h"
#include "models/registry.h"

namespace acc {
namespace {

constexpr int64_t kModelBatch = 3;

bool has_option(const ModelSpec& spec, const std::string& name) {
  for (const auto& o : spec.options)
    if (o.name == name) return true;
  return false;
}

std::vector<std::pair<std::string, std::vector<int64_t>>> parameter_shapes(const Model& model) {
  std::vector<std::pair<std::string, std::vector<int64_t>>> out;
  for (const auto& p : model.named_parameters()) out.emplace_back(p.key(), p.value().sizes().vec());
  return out;
}

using test::error_of;

void check_model_contract(const ModelSpec& spec, int64_t image_size) {
  SCOPED_TRACE(spec.name + " at " + std::to_string(image_size) + " px");
  nlohmann::json options = nlohmann::json::object();
  if (has_option(spec, "image_size")) options["image_size"] = image_size;
  ModelPtr model = build_model(spec.name, options);
  ASSERT_TRUE(model);
  EXPECT_EQ(model->input_shape(), (ImageShape{1, image_size, image_size}));

  const torch::Tensor x = torch::rand({kModelBatch, 1, image_size, image_size});
  for (bool training : {true, false}) {
    model->train(training);
    const ModelOutputs out = model->forward(x);
    std::set<ModelOutput> keys;
    for (const auto& [key, value] : out) keys.insert(key);
    EXPECT_EQ(keys, model->outputs());
    for (ModelOutput o : {ModelOutput::LATENT, ModelOutput::MU, ModelOutput::LOGVAR})
      if (out.count(o)) {
        EXPECT_EQ(out.at(o).sizes(), torch::IntArrayRef({kModelBatch, model->latent_dim()}))
            << model_output_name(o);
      }
    if (!out.count(ModelOutput::RECONSTRUCTION)) continue;  // a classifier (cnn_classifier): checked below
    const torch::Tensor& recon = out.at(ModelOutput::RECONSTRUCTION);
    EXPECT_EQ(recon.sizes(), x.sizes());
    EXPECT_GE(recon.min().item<float>(), 0.0f);
    EXPECT_LE(recon.max().item<float>(), 1.0f);
  }
  if (model->outputs().count(ModelOutput::RECONSTRUCTION)) {
    EXPECT_EQ(model->decode(torch::randn({kModelBatch, model->latent_dim()})).sizes(), x.sizes());
  } else {
    // No decoder: it must classify, and say so when asked to decode.
    model->eval();
    EXPECT_EQ(model->forward(x).at(ModelOutput::LOGITS).size(0), kModelBatch);
    EXPECT_NE(error_of([&] { model->decode(torch::randn({kModelBatch, model->latent_dim()})); }).find("no decoder"),
              std::string::npos);
  }

  const nlohmann::json config = model->config();
  EXPECT_EQ(config.at("type"), spec.name);
  for (const auto& o : spec.options) EXPECT_TRUE(config.contains(o.name)) << o.name;
  ModelPtr rebuilt = build_model_from_config(config);
  EXPECT_EQ(parameter_shapes(*rebuilt), parameter_shapes(*model));
  EXPECT_EQ(rebuilt->config(), config);
}

TEST(Models, EveryRegisteredModelHonoursTheContract) {
  ASSERT_FALSE(model_registry().empty());
  for (const auto& spec : model_registry()) {
    check_model_contract(spec, 28);
    if (has_option(spec, "image_size")) check_model_contract(spec, 32);
  }
}

TEST(Models, ModelNamesListsEveryRow) {
  EXPECT_EQ(model_names(), "linear_ae, conv_ae, conv_vae, supervised_ae, cnn_classifier, gmvae, factor_slot_vae");
  EXPECT_EQ(find_model_spec("nope"), nullptr);
}

TEST(Models, NamedSubmodulesAreStable) {
  // Gradient-gating hooks attach by these names; renaming them breaks recipes.
  auto names = [](const ModelPtr& m) {
    std::set<std::string> out;
    for (const auto& item : m->named_modules(/*name_prefix=*/"", /*include_self=*/false))
      out.insert(item.key());
    return out;
  };
  EXPECT_EQ(names(build_model("linear_ae", {})), (std::set<std::string>{"encoder", "decoder"}));
  EXPECT_EQ(
      names(build_model("conv_ae", {})),
      (std::set<std::string>{"encoder", "encoder.conv1", "encoder.conv2", "encoder.fc_enc",
                             "decoder", "decoder.fc_dec", "decoder.deconv1", "decoder.deconv2"}));
  EXPECT_EQ(names(build_model("conv_vae", {})),
            (std::set<std::string>{"encoder", "encoder.conv1", "encoder.conv2", "encoder.fc_mu",
                                   "encoder.fc_logvar", "decoder", "decoder.fc_dec",
                                   "decoder.deconv1", "decoder.deconv2"}));
}

TEST(Models, UnknownModelErrorListsValidNames) {
  const std::string msg = error_of([] { build_model("resnet", {}, "recipe.yaml:3"); });
  EXPECT_NE(msg.find("recipe.yaml:3"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'resnet'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("linear_ae, conv_ae, conv_vae, supervised_ae, cnn_classifier, gmvae, factor_slot_vae"), std::string::npos) << msg;
}

TEST(Models, BadOptionsNameTheField) {
  std::string msg = error_of([] { build_model("conv_ae", {{"latnet", 8}}, "recipe.yaml:5"); });
  EXPECT_NE(msg.find("recipe.yaml:5"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'latnet'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("latent"), std::string::npos) << msg;  // lists the valid fields

  msg = error_of([] { build_model("conv_vae", {{"latent", "big"}}); });
  EXPECT_NE(msg.find("'latent'"), std::string::npos) << msg;

  msg = error_of([] { build_model("conv_ae", {{"image_size", 30}}, "recipe.yaml:7"); });
  EXPECT_NE(msg.find("recipe.yaml:7"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'image_size' = 30"), std::string::npos) << msg;

  msg = error_of([] { build_model("linear_ae", {{"hidden", 0}}); });
  EXPECT_NE(msg.find("'hidden'"), std::string::npos) << msg;

  msg = error_of([] { build_model_from_config({{"latent", 4}}); });
  EXPECT_NE(msg.find("'type'"), std::string::npos) << msg;
}

TEST(Models, SameSeedGivesBitwiseIdenticalWeights) {
  for (const auto& spec : model_registry()) {
    SCOPED_TRACE(spec.name);
    torch::manual_seed(42);
    ModelPtr a = build_model(spec.name, {});
    torch::manual_seed(42);
    ModelPtr b = build_model(spec.name, {});
    torch::manual_seed(43);
    ModelPtr c = build_model(spec.name, {});
    const auto pa = a->named_parameters(), pb = b->named_parameters(), pc = c->named_parameters();
    bool any_differs = false;
    for (const auto& p : pa) {
      EXPECT_TRUE(torch::equal(p.value(), pb[p.key()])) << p.key();
      any_differs = any_differs || !torch::equal(p.value(), pc[p.key()]);
    }
    EXPECT_TRUE(any_differs) << "a different seed should give different weights";
  }
}

TEST(Models, ConvVaeSamplesInTrainingAndIsDeterministicInEval) {
  torch::manual_seed(0);
  ModelPtr vae = build_model("conv_vae", {{"latent", 8}});
  const torch::Tensor x = torch::rand({4, 1, 28, 28});

  vae->eval();
  const ModelOutputs a = vae->forward(x), b = vae->forward(x);
  EXPECT_TRUE(torch::equal(a.at(ModelOutput::LATENT), a.at(ModelOutput::MU)));
  EXPECT_TRUE(torch::equal(a.at(ModelOutput::RECONSTRUCTION), b.at(ModelOutput::RECONSTRUCTION)));

  vae->train();
  const ModelOutputs t = vae->forward(x);
  EXPECT_FALSE(torch::equal(t.at(ModelOutput::LATENT), t.at(ModelOutput::MU)));
  EXPECT_TRUE(torch::equal(t.at(ModelOutput::MU), a.at(ModelOutput::MU)));
}

// The output activation: clamp by default (value clamped, gradient of the identity),
// sigmoid on request, and a saved config without `output` (written before the option)
// rebuilds the sigmoid model it was trained as.
TEST(OutputActivation, ClampPassesTheIdentityGradientAndOldConfigsMeanSigmoid) {
  const torch::Tensor pre = torch::tensor({-2.0f, 0.5f, 3.0f}, torch::requires_grad());
  const torch::Tensor out = apply_output_activation(pre, OutputActivation::kClamp);
  EXPECT_TRUE(torch::equal(out.detach(), torch::tensor({0.0f, 0.5f, 1.0f})));
  out.sum().backward();
  EXPECT_TRUE(torch::equal(pre.grad(), torch::ones({3})));  // a plain clamp would give 0, 1, 0

  for (const char* type : {"linear_ae", "conv_ae", "conv_vae", "supervised_ae", "gmvae"}) {
    EXPECT_EQ(build_model(type, nlohmann::json::object())->config()["output"], "clamp") << type;
    EXPECT_EQ(build_model(type, {{"output", "sigmoid"}})->config()["output"], "sigmoid") << type;
    nlohmann::json old_config = build_model(type, nlohmann::json::object())->config();
    old_config.erase("output");
    EXPECT_EQ(build_model_from_config(old_config)->config()["output"], "sigmoid") << type;
  }
  const std::string error = error_of([] { build_model("conv_ae", {{"output", "tanh"}}); });
  EXPECT_NE(error.find("field 'output' must be clamp (default) or sigmoid, got 'tanh'"), std::string::npos) << error;
}

}  // namespace
}  // namespace acc
