#include "resp/key_peek.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rkv::resp {
namespace {

std::vector<std::string> peek(std::string_view data, size_t max = 16) {
  std::vector<std::string_view> out(max);
  size_t n = peek_keys(data, out);
  return {out.begin(), out.begin() + static_cast<ptrdiff_t>(n)};
}

TEST(KeyPeekTest, SecondArgumentOfEachCommand) {
  std::string pipeline =
      "*2\r\n$3\r\nGET\r\n$3\r\nfoo\r\n"
      "*3\r\n$3\r\nSET\r\n$0\r\n\r\n$5\r\nvalue\r\n"
      "*1\r\n$4\r\nPING\r\n"
      "*3\r\n$4\r\nMSET\r\n$5\r\nk\r\n\r\n\r\n$1\r\nv\r\n";
  EXPECT_EQ(peek(pipeline), (std::vector<std::string>{"foo", "", "", "k\r\n\r\n"}));
}

TEST(KeyPeekTest, StopsAtTheLimit) {
  std::string pipeline;
  for (int i = 0; i < 5; i++) pipeline += "*2\r\n$3\r\nGET\r\n$2\r\nk" + std::to_string(i) + "\r\n";
  EXPECT_EQ(peek(pipeline, 3), (std::vector<std::string>{"k0", "k1", "k2"}));
  EXPECT_EQ(peek(pipeline, 0).size(), 0u);
}

TEST(KeyPeekTest, StopsAtAnIncompleteCommand) {
  std::string full = "*2\r\n$3\r\nGET\r\n$3\r\nfoo\r\n";
  std::string next = "*2\r\n$3\r\nGET\r\n$3\r\nbar\r\n";
  // Every cut inside the second command yields only the first.
  for (size_t cut = 0; cut < next.size(); cut++)
    EXPECT_EQ(peek(full + next.substr(0, cut)), (std::vector<std::string>{"foo"})) << cut;
  EXPECT_EQ(peek(full + next), (std::vector<std::string>{"foo", "bar"}));
}

TEST(KeyPeekTest, StopsAtAnythingButPlainMultibulk) {
  EXPECT_TRUE(peek("GET foo\r\n").empty());                             // inline
  EXPECT_TRUE(peek("*0\r\n").empty());                                  // empty command
  EXPECT_TRUE(peek("*-1\r\n").empty());                                 // signs
  EXPECT_TRUE(peek("*2\r\n$-1\r\n").empty());                           // null bulk
  EXPECT_TRUE(peek("*2\r\n$3\r\nGET\r\n$99999999999999\r\n").empty());  // absurd length
  EXPECT_TRUE(peek("*2\r\n$3\r\nGET\r\n:3\r\n").empty());               // not a bulk
  EXPECT_TRUE(peek("*2\n$3\r\nGET\r\n$1\r\nk\r\n").empty());            // bare LF
  EXPECT_TRUE(peek("").empty());
  // A good command before the junk is still reported.
  EXPECT_EQ(peek("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*x\r\n"), (std::vector<std::string>{"k"}));
}

// Commands whose argv[1] is a count or a subcommand only yield that word: a harmless
// prefetch of a slot, never a stop or a misread of the following commands.
TEST(KeyPeekTest, MovableKeyCommandsYieldTheirSecondWord) {
  std::string pipeline =
      "*4\r\n$10\r\nSINTERCARD\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\nb\r\n"
      "*3\r\n$6\r\nMEMORY\r\n$5\r\nUSAGE\r\n$1\r\nk\r\n"
      "*2\r\n$3\r\nGET\r\n$1\r\nc\r\n";
  EXPECT_EQ(peek(pipeline), (std::vector<std::string>{"2", "USAGE", "c"}));
}

}  // namespace
}  // namespace rkv::resp
