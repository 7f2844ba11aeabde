#include "gateway/common/enum_names.h"

#include <string>

#include "gtest/gtest.h"

namespace gateway {
namespace {

enum class Color { kRed, kGreen, kBlue, kUnnamed };

constexpr EnumName<Color> kColorNames[] = {
    {Color::kRed, "red"}, {Color::kGreen, "green"}, {Color::kBlue, "blue"}};

TEST(EnumNames, ParsesEveryName) {
  for (const EnumName<Color>& entry : kColorNames) {
    Color color = Color::kUnnamed;
    std::string error;
    EXPECT_TRUE(ParseEnumName(entry.name, kColorNames, &color, &error));
    EXPECT_EQ(color, entry.value);
  }
}

TEST(EnumNames, UnknownNameLeavesTheValueAndListsTheNames) {
  Color color = Color::kGreen;
  std::string error;
  EXPECT_FALSE(ParseEnumName("Red", kColorNames, &color, &error));
  EXPECT_EQ(color, Color::kGreen);
  EXPECT_EQ(error, "must be 'red', 'green' or 'blue'");
}

TEST(EnumNames, NameOfIsTheInverseAndEmptyForAnUnnamedValue) {
  EXPECT_EQ(NameOf(Color::kBlue, kColorNames), "blue");
  EXPECT_EQ(NameOf(Color::kUnnamed, kColorNames), "");
}

}  // namespace
}  // namespace gateway
