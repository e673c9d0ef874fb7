// The recipe reference in docs/recipes.md is the generated one (so it cannot drift), and every
// built-in recipe passes dry-run validation.
#include <gtest/gtest.h>

#include "recipe/catalog.h"
#include "recipe/reference.h"
#include "recipe/runner.h"
#include "test_util.h"

TEST(Reference, ReadmeEmbedsTheGeneratedRecipeReference) {
  const std::string readme = acc::test::read_text(acc::test::source_dir() + "/docs/recipes.md");
  const auto begin = readme.find(acc::kReferenceBegin);
  const auto end = readme.find(acc::kReferenceEnd);
  ASSERT_NE(begin, std::string::npos) << "docs/recipes.md lacks the reference begin marker";
  ASSERT_NE(end, std::string::npos);
  const auto start = begin + std::string(acc::kReferenceBegin).size() + 1;
  EXPECT_EQ(readme.substr(start, end - start), acc::recipe_reference_markdown())
      << "docs/recipes.md's recipe reference is stale: run `make reference`";
}

TEST(Reference, EveryBuiltInRecipeParsesAndPlans) {
  const auto entries = acc::list_recipes({acc::test::source_dir() + "/recipes"});
  ASSERT_FALSE(entries.empty());
  for (const auto& e : entries) {
    EXPECT_EQ(e.error, "") << e.path;
    if (e.error.empty() && acc::test::mnist_available()) {
      EXPECT_NO_THROW(acc::plan_recipe(acc::load_recipe(e.path))) << e.path;
    }
  }
}
