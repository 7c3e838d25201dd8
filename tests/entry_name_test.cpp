#include <gtest/gtest.h>

#include "archive/entry_name.hpp"

using reelcheck::detail::normalise_entry_name;

TEST(EntryName, AcceptsRelativePaths) {
  EXPECT_EQ(normalise_entry_name("a/b_E0E0.pem").value(), "a/b_E0E0.pem");
  EXPECT_EQ(normalise_entry_name("dir\\x.7z").value(), "dir/x.7z");
  EXPECT_EQ(normalise_entry_name("..hidden").value(), "..hidden");
}

TEST(EntryName, RejectsTraversalAbsoluteAndNul) {
  EXPECT_FALSE(normalise_entry_name("../etc/passwd"));
  EXPECT_FALSE(normalise_entry_name("a/../../b"));
  EXPECT_FALSE(normalise_entry_name("a\\..\\b"));
  EXPECT_FALSE(normalise_entry_name("/etc/passwd"));
  EXPECT_FALSE(normalise_entry_name("C:/x"));
  EXPECT_FALSE(normalise_entry_name(std::string_view("a\0b", 3)));
  EXPECT_FALSE(normalise_entry_name(""));
}
