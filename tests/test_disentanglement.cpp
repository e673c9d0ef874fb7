// Disentanglement score tests (MIG, SAP, DCI, slot R²). Like disentanglement_lib's
// mig_test.py they check behaviour, not magic numbers: the factors have a known structure
// (one discrete factor with 3 values, two independent uniform ones) and each test builds a
// representation of them whose scores we can reason about — identity near 1, constant near
// 0, duplicated latents low, a rotation below the identity.
// How to add a case: write a representation function of the factors and one TEST that
// calls score_all() on it and states what should hold.
#include <gtest/gtest.h>

#include <cmath>

#include "analysis/dci.h"
#include "analysis/mig.h"
#include "analysis/sap.h"
#include "analysis/slot_r2.h"
#include "error.h"
#include "test_util.h"

namespace acc {
namespace {

constexpr int64_t kRows = 2000;
const std::vector<std::pair<int64_t, int64_t>> kSlots = {{0, 1}, {1, 2}, {2, 3}};
const std::vector<std::string> kSlotNames = {"shape", "x", "y"};

torch::Generator generator(uint64_t seed) { return at::detail::createCPUGenerator(seed); }

// [N, 3]: shape in {0, 0.5, 1}, then two continuous factors uniform in [0, 1].
torch::Tensor make_factors(int64_t rows = kRows) {
  auto gen = generator(7);
  const torch::Tensor shape = torch::randint(0, 3, {rows, 1}, gen, torch::kFloat) / 2;
  return torch::cat({shape, torch::rand({rows, 2}, gen, torch::kFloat)}, /*dim=*/1);
}

// The factors themselves plus tiny noise, so no code is literally a factor column.
torch::Tensor identity_codes(const torch::Tensor& factors) {
  auto gen = generator(11);
  return factors + 1e-3 * torch::randn(factors.sizes(), gen, torch::kFloat);
}

struct Scores {
  MigResult mig;
  SapResult sap;
  DciResult dci;
};

Scores score_all(const torch::Tensor& codes, const torch::Tensor& factors) {
  return {mig(codes, factors), sap(codes, factors), dci(codes, factors)};
}

// NaN and Inf would appear as null in the JSON; every JSON number must be finite.
void expect_all_finite(const nlohmann::json& j) {
  if (j.is_number_float()) {
    EXPECT_TRUE(std::isfinite(j.get<double>()));
  }
  if (j.is_structured()) {
    for (const auto& item : j) expect_all_finite(item);
  }
  EXPECT_FALSE(j.is_null()) << "null (NaN/Inf or undefined) in results";
}

TEST(Disentanglement, IdentityScoresNearOne) {
  const torch::Tensor factors = make_factors();
  const torch::Tensor codes = identity_codes(factors);
  const Scores s = score_all(codes, factors);
  EXPECT_GT(s.mig.score.value(), 0.8);
  EXPECT_LE(s.mig.score.value(), 1.0);  // gaps are normalised by the factor's entropy
  EXPECT_GT(s.sap.score.value(), 0.8);
  EXPECT_GT(s.dci.disentanglement.value(), 0.9);
  EXPECT_GT(s.dci.completeness.value(), 0.9);
  EXPECT_GT(s.dci.informativeness, 0.95);
  // The discrete factor keeps its 3 values as classes; the continuous ones are binned.
  EXPECT_EQ(s.mig.factor_classes, (std::vector<int64_t>{3, 20, 20}));

  const SlotR2Result slots = slot_r2(codes, factors, kSlots, kSlotNames);
  ASSERT_EQ(slots.r2.sizes(), (torch::IntArrayRef{3, 3}));
  for (int64_t g = 0; g < 3; ++g)
    for (int64_t f = 0; f < 3; ++f) {
      const double r2 = slots.r2[g][f].item<double>();
      if (g == f) {
        EXPECT_GT(r2, 0.95) << "slot " << g;
      } else {
        EXPECT_LT(r2, 0.1) << "slot " << g << " factor " << f;
      }
    }
}

TEST(Disentanglement, ConstantScoresNearZeroWithoutNaN) {
  const torch::Tensor factors = make_factors();
  const torch::Tensor codes = torch::full({kRows, 3}, 0.25f);
  const Scores s = score_all(codes, factors);
  EXPECT_NEAR(s.mig.score.value(), 0.0, 1e-9);
  EXPECT_NEAR(s.sap.score.value(), 0.0, 1e-9);
  EXPECT_LE(s.dci.informativeness, 0.05);
  EXPECT_EQ(s.dci.importance.abs().sum().item<double>(), 0.0);  // constant codes predict nothing
  EXPECT_NEAR(s.dci.disentanglement.value(), 0.0, 1e-9);
  EXPECT_NEAR(s.dci.completeness.value(), 0.0, 1e-9);
  expect_all_finite(s.mig.to_json());
  expect_all_finite(s.sap.to_json());
  expect_all_finite(s.dci.to_json());
  expect_all_finite(slot_r2(codes, factors, kSlots, kSlotNames).to_json());
}

TEST(Disentanglement, DuplicatedLatentsScoreLow) {
  const torch::Tensor factors = make_factors();
  const torch::Tensor identity = identity_codes(factors);
  // [f0, f0, f1, f1, f2, f2]: every factor is captured twice, so top1 - top2 = 0.
  const torch::Tensor codes = identity.repeat_interleave(2, /*dim=*/1);
  const Scores s = score_all(codes, factors);
  EXPECT_LT(s.mig.score.value(), 0.1);
  EXPECT_LT(s.sap.score.value(), 0.1);
  EXPECT_LT(s.dci.completeness.value(),
            score_all(identity, factors).dci.completeness.value() - 0.2);
  EXPECT_GT(s.dci.informativeness, 0.95);  // nothing is lost, it is only spread out
}

TEST(Disentanglement, RotationScoresBelowIdentity) {
  const torch::Tensor factors = make_factors();
  const torch::Tensor identity = identity_codes(factors);
  const torch::Tensor x = identity.select(1, 1), y = identity.select(1, 2);
  // A 45° rotation of the two continuous factors: both codes carry both factors.
  const torch::Tensor codes =
      torch::stack({identity.select(1, 0), (x + y) / std::sqrt(2.0), (x - y) / std::sqrt(2.0)}, 1);
  const Scores rotated = score_all(codes, factors), reference = score_all(identity, factors);
  EXPECT_LT(rotated.mig.score.value(), reference.mig.score.value() - 0.3);
  EXPECT_LT(rotated.dci.disentanglement.value(), reference.dci.disentanglement.value() - 0.2);
  EXPECT_LT(rotated.sap.score.value(), reference.sap.score.value() - 0.3);
  EXPECT_GT(rotated.dci.informativeness, 0.95);  // a rotation loses no information
}

TEST(Disentanglement, SameInputsGiveIdenticalJson) {
  const torch::Tensor factors = make_factors();
  const torch::Tensor codes = identity_codes(factors) * 3 - 1;
  const auto dump = [&] {
    const Scores s = score_all(codes, factors);
    return s.mig.to_json().dump() + s.sap.to_json().dump() + s.dci.to_json().dump() +
           slot_r2(codes, factors, kSlots, kSlotNames).to_json().dump();
  };
  EXPECT_EQ(dump(), dump());
  const nlohmann::json method = dci(codes, factors).to_json()["method"];
  EXPECT_EQ(method["regressor"], "ridge linear regression, |standardised coefficient|");
}

TEST(Disentanglement, SingleCodeOrFactorEdgeCases) {
  const torch::Tensor factors = make_factors();
  const torch::Tensor codes = identity_codes(factors);
  // D = 1: no second dimension, the gap is the top mutual information itself.
  const MigResult one_code = mig(codes.narrow(1, 1, 1), factors);
  EXPECT_NEAR(one_code.per_factor[1].value(),
              one_code.mi[0][1].item<double>() / one_code.entropies[1], 1e-12);
  EXPECT_FALSE(dci(codes.narrow(1, 1, 1), factors).completeness.has_value());
  // F = 1: disentanglement has log base 1, reported as undefined.
  const DciResult one_factor = dci(codes, factors.narrow(1, 1, 1));
  EXPECT_FALSE(one_factor.disentanglement.has_value());
  EXPECT_TRUE(one_factor.to_json()["disentanglement"].is_null());
  // A constant factor is skipped by MIG and SAP, not averaged in as 0 or NaN.
  const torch::Tensor with_constant = torch::cat({factors, torch::zeros({kRows, 1})}, 1);
  const MigResult skipped = mig(codes, with_constant);
  EXPECT_EQ(skipped.skipped_factors, (std::vector<int64_t>{3}));
  EXPECT_NEAR(skipped.score.value(), mig(codes, factors).score.value(), 1e-12);
  EXPECT_FALSE(sap(codes, with_constant).per_factor[3].has_value());
}

TEST(Disentanglement, BadInputRaises) {
  const torch::Tensor factors = make_factors(100);
  const torch::Tensor codes = identity_codes(factors);
  EXPECT_THROW(mig(codes.narrow(0, 0, 99), factors), c10::Error);  // N mismatch
  EXPECT_THROW(sap(codes, factors.narrow(1, 0, 0)), c10::Error);   // F = 0
  EXPECT_THROW(dci(codes, factors.narrow(1, 0, 0)), c10::Error);
  EXPECT_THROW(dci(codes.reshape({-1}), factors), c10::Error);  // not [N, D]
  const std::string message = test::error_of([&] {
    slot_r2(codes, factors, {{0, 1}, {2, 4}}, {"shape", "position"});
  });
  EXPECT_NE(message.find("slice 'position' [2, 4)"), std::string::npos) << message;
  EXPECT_NE(test::error_of([&] { slot_r2(codes, factors, {{1, 1}}, {"empty"}); }), "");
  EXPECT_THROW(slot_r2(codes, factors, kSlots, {"only one name"}), c10::Error);
  torch::Tensor diverged = codes.clone();
  diverged[5][1] = std::nanf("");
  EXPECT_NE(test::error_of([&] { mig(diverged, factors); }).find("NaN"), std::string::npos);
}

}  // namespace
}  // namespace acc
