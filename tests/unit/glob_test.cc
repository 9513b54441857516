#include "util/glob.h"

#include <gtest/gtest.h>

#include <string>

namespace rkv {
namespace {

bool m(std::string_view pattern, std::string_view s) {
  return glob_match(pattern, s);
}
bool mi(std::string_view pattern, std::string_view s) {
  return glob_match(pattern, s, true);
}

TEST(Glob, Literals) {
  EXPECT_TRUE(m("", ""));
  EXPECT_FALSE(m("", "a"));
  EXPECT_FALSE(m("a", ""));
  EXPECT_TRUE(m("hello", "hello"));
  EXPECT_FALSE(m("hello", "hell"));
  EXPECT_FALSE(m("hell", "hello"));
  EXPECT_FALSE(m("hello", "Hello"));
}

TEST(Glob, Star) {
  EXPECT_TRUE(m("*", ""));
  EXPECT_TRUE(m("*", "anything"));
  EXPECT_TRUE(m("**", "x"));
  EXPECT_TRUE(m("h*o", "hello"));
  EXPECT_TRUE(m("h*o", "ho"));
  EXPECT_FALSE(m("h*o", "hellx"));
  EXPECT_TRUE(m("user:*", "user:1000"));
  EXPECT_FALSE(m("user:*", "users:1000"));
  EXPECT_TRUE(m("*:*:*", "a:b:c"));
  EXPECT_FALSE(m("*:*:*", "a:b"));
  EXPECT_TRUE(m("a*b*c", "aXXbYYbZZc"));
  EXPECT_TRUE(m("*abc", "ababc"));  // the star must retry after a partial match
  EXPECT_TRUE(m("a*", "a"));
  EXPECT_FALSE(m("a*", "b"));
}

TEST(Glob, QuestionMark) {
  EXPECT_TRUE(m("h?llo", "hello"));
  EXPECT_TRUE(m("h?llo", "hallo"));
  EXPECT_FALSE(m("h?llo", "hllo"));
  EXPECT_FALSE(m("?", ""));
  EXPECT_TRUE(m("???", "abc"));
  EXPECT_FALSE(m("???", "abcd"));
  EXPECT_TRUE(m("*?", "a"));
  EXPECT_FALSE(m("*??", "a"));
}

TEST(Glob, Classes) {
  EXPECT_TRUE(m("h[ae]llo", "hello"));
  EXPECT_TRUE(m("h[ae]llo", "hallo"));
  EXPECT_FALSE(m("h[ae]llo", "hillo"));
  EXPECT_FALSE(m("h[ae]llo", "hllo"));
  EXPECT_TRUE(m("h[^e]llo", "hallo"));
  EXPECT_FALSE(m("h[^e]llo", "hello"));
  EXPECT_TRUE(m("h[a-b]llo", "hbllo"));
  EXPECT_FALSE(m("h[a-b]llo", "hcllo"));
  EXPECT_TRUE(m("[a-z][0-9]", "q7"));
  EXPECT_FALSE(m("[a-z][0-9]", "Q7"));
  EXPECT_TRUE(m("[^0-9]", "x"));
  EXPECT_FALSE(m("[^0-9]", "5"));
  EXPECT_TRUE(m("[abc-]", "c"));
  // A reversed range means the same as the ordered one.
  EXPECT_TRUE(m("[z-a]", "m"));
  EXPECT_TRUE(m("[9-0]", "5"));
  EXPECT_FALSE(m("[z-a]", "A"));
  // An unterminated class is closed at the end of the pattern.
  EXPECT_TRUE(m("[abc", "b"));
  EXPECT_FALSE(m("[abc", "d"));
  // Only '^' negates, as in Redis: '!' is an ordinary member.
  EXPECT_TRUE(m("[!a]", "!"));
  EXPECT_TRUE(m("[!a]", "a"));
  EXPECT_FALSE(m("[!a]", "b"));
  EXPECT_TRUE(m("*[0-9]", "key42"));
  EXPECT_FALSE(m("*[0-9]", "key4x"));
}

TEST(Glob, Escapes) {
  EXPECT_TRUE(m("\\*", "*"));
  EXPECT_FALSE(m("\\*", "a"));
  EXPECT_TRUE(m("\\?", "?"));
  EXPECT_FALSE(m("\\?", "a"));
  EXPECT_TRUE(m("a\\[b", "a[b"));
  EXPECT_TRUE(m("\\a", "a"));
  EXPECT_TRUE(m("\\\\", "\\"));
  EXPECT_TRUE(m("[\\]]", "]"));
  EXPECT_TRUE(m("[\\^]", "^"));
  EXPECT_FALSE(m("[\\^]", "a"));
  EXPECT_TRUE(m("[a\\-z]", "-"));
  EXPECT_FALSE(m("[a\\-z]", "m"));
  // A lone trailing backslash matches itself.
  EXPECT_TRUE(m("a\\", "a\\"));
  EXPECT_TRUE(m("*\\*", "abc*"));
  EXPECT_FALSE(m("*\\*", "abc"));
}

TEST(Glob, NoCase) {
  EXPECT_TRUE(mi("HeLLo", "hello"));
  EXPECT_TRUE(mi("h*O", "HELLO"));
  EXPECT_TRUE(mi("[A-C]x", "bX"));
  EXPECT_TRUE(mi("[abc]", "B"));
  EXPECT_FALSE(mi("[^abc]", "B"));
  EXPECT_FALSE(mi("hello", "hellp"));
  EXPECT_FALSE(m("[A-C]x", "bx"));
}

TEST(Glob, BinarySafe) {
  std::string_view s("a\0b", 3);
  EXPECT_TRUE(m(std::string_view("a\0b", 3), s));
  EXPECT_TRUE(m("a?b", s));
  EXPECT_TRUE(m("*b", s));
  EXPECT_FALSE(m("a", s));
}

TEST(Glob, HostilePatternsFinish) {
  // Exponential for naive recursion; must stay polynomial.
  std::string s(20000, 'a');
  EXPECT_FALSE(m("a*a*a*a*a*a*a*a*a*b", s));
  EXPECT_TRUE(m("a*a*a*a*a*a*a*a*a*a", s));
  std::string pattern;
  for (int i = 0; i < 50; i++) pattern += "*a";
  EXPECT_FALSE(m(pattern + "*b", s));
  EXPECT_FALSE(m("*[a]*[a]*[a]*[a]*[a]*?b", s));
}

}  // namespace
}  // namespace rkv
