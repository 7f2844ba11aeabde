#include "gateway/governance/caller_rules_store.h"

#include <memory>

#include "gateway/common/testing/temp_file.h"
#include "gtest/gtest.h"

namespace gateway::governance {
namespace {

using ::gateway::testing::TempFile;

std::unique_ptr<CallerRulesStore> MustLoad(const std::string& path) {
  absl::StatusOr<std::unique_ptr<CallerRulesStore>> store =
      CallerRulesStore::Load(path);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

TEST(CallerRulesStoreTest, WithoutAFileEveryCallerMayDoAnything) {
  std::unique_ptr<CallerRulesStore> store = MustLoad("");
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Get()->For("web").others, OthersAccess::kDelete);
}

TEST(CallerRulesStoreTest, AFileThatDoesNotLoadStopsTheStart) {
  TempFile file("callers { name: \"web\" bogus: 1 }");
  EXPECT_FALSE(CallerRulesStore::Load(file.path()).ok());
}

TEST(CallerRulesStoreTest, AReloadPutsTheNewRulesInUse) {
  TempFile file(R"(callers { name: "web" read_only: false })");
  std::unique_ptr<CallerRulesStore> store = MustLoad(file.path());
  ASSERT_NE(store, nullptr);
  file.Replace(R"(callers { name: "web" read_only: true })");
  ASSERT_TRUE(store->Reload().ok());
  EXPECT_TRUE(store->Get()->For("web").read_only);
  EXPECT_EQ(store->reload_failures(), 0);
}

TEST(CallerRulesStoreTest, ABadReloadKeepsTheRulesInUseAndIsCounted) {
  TempFile file(R"(callers { name: "web" read_only: true })");
  std::unique_ptr<CallerRulesStore> store = MustLoad(file.path());
  ASSERT_NE(store, nullptr);
  file.Replace("callers { name: \"web\" read_only: maybe }");
  const absl::Status reloaded = store->Reload();
  EXPECT_FALSE(reloaded.ok());
  EXPECT_NE(reloaded.message().find(file.path() + ":1:"),
            absl::string_view::npos)
      << reloaded;
  EXPECT_TRUE(store->Get()->For("web").read_only);
  EXPECT_EQ(store->reload_failures(), 1);
}

TEST(CallerRulesStoreTest, ACallHoldsTheRulesItStartedWith) {
  TempFile file(R"(callers { name: "web" read_only: true })");
  std::unique_ptr<CallerRulesStore> store = MustLoad(file.path());
  ASSERT_NE(store, nullptr);
  const std::shared_ptr<const CallerRules> held = store->Get();
  file.Replace(R"(callers { name: "web" read_only: false })");
  ASSERT_TRUE(store->Reload().ok());
  EXPECT_TRUE(held->For("web").read_only);
}

}  // namespace
}  // namespace gateway::governance
