// Key specs through the running server: COMMAND INFO's movablekeys flag, legacy triple
// and key specs for commands whose keys follow a count (SINTERCARD), and COMMAND GETKEYS /
// GETKEYSANDFLAGS with good and bad counts. The replies are redis-server 7.0.15's
// (tests/compat/memory.txt compares the same lines byte for byte).
#include <string>
#include <vector>

#include "harness.h"

namespace rkv::test {
namespace {

class CommandKeysTest : public ServerTest {
 protected:
  std::vector<std::string> getkeys(std::vector<std::string> args) {
    args.insert(args.begin(), {"COMMAND", "GETKEYS"});
    auto r = conn().cmd(args);
    std::vector<std::string> out;
    if (r->type == REDIS_REPLY_ERROR) return {"error: " + str(r)};
    for (size_t i = 0; i < r->elements; i++) out.emplace_back(r->element[i]->str);
    return out;
  }
};
using Strings = std::vector<std::string>;
const std::string kInvalid = "error: ERR Invalid arguments specified for command";

TEST_P(CommandKeysTest, SintercardInfo) {
  auto r = conn().cmd({"COMMAND", "INFO", "sintercard"});
  ASSERT_EQ(r->type, REDIS_REPLY_ARRAY);
  redisReply* info = r->element[0];
  ASSERT_EQ(info->elements, 10u);
  redisReply* flags = info->element[2];
  ASSERT_EQ(flags->elements, 2u);
  EXPECT_EQ(std::string(flags->element[0]->str), "readonly");
  EXPECT_EQ(std::string(flags->element[1]->str), "movablekeys");
  EXPECT_EQ(info->element[3]->integer, 0);  // first, last, step: the keys move
  EXPECT_EQ(info->element[4]->integer, 0);
  EXPECT_EQ(info->element[5]->integer, 0);
  // One key spec: index 1, then a keynum search.
  EXPECT_EQ(conn().raw_cmd({"COMMAND", "INFO", "sintercard"}),
            "*1\r\n*10\r\n$10\r\nsintercard\r\n:-3\r\n*2\r\n+readonly\r\n+movablekeys\r\n:0\r\n:"
            "0\r\n:0\r\n*3\r\n+@read\r\n+@set\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+"
            "RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$"
            "4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$"
            "6\r\nkeynum\r\n$4\r\nspec\r\n*6\r\n$9\r\nkeynumidx\r\n:0\r\n$8\r\nfirstkey\r\n:1\r\n$"
            "7\r\nkeystep\r\n:1\r\n*0\r\n");
  // Plain commands are not movable; SMOVE's two specs merge into 1 2 1.
  auto smove = conn().cmd({"COMMAND", "INFO", "smove"});
  redisReply* s = smove->element[0];
  for (size_t i = 0; i < s->element[2]->elements; i++)
    EXPECT_NE(std::string(s->element[2]->element[i]->str), "movablekeys");
  EXPECT_EQ(s->element[3]->integer, 1);
  EXPECT_EQ(s->element[4]->integer, 2);
  EXPECT_EQ(s->element[5]->integer, 1);
  EXPECT_EQ(s->element[8]->elements, 2u);
}

TEST_P(CommandKeysTest, SintercardGetkeys) {
  EXPECT_EQ(getkeys({"sintercard", "2", "a", "b"}), (Strings{"a", "b"}));
  EXPECT_EQ(getkeys({"sintercard", "1", "a", "b"}), (Strings{"a"}));
  EXPECT_EQ(getkeys({"sintercard", "2", "a", "b", "LIMIT", "1"}), (Strings{"a", "b"}));
  for (std::string bad : {"0", "-1", "3", "abc", "", "99999999999999999999"})
    EXPECT_EQ(getkeys({"sintercard", bad, "a", "b"}), (Strings{kInvalid})) << bad;
  // Redis reads a count its parser rejects once more the C way: "2abc" is 2.
  EXPECT_EQ(getkeys({"sintercard", "2abc", "a", "b"}), (Strings{"a", "b"}));
  EXPECT_EQ(getkeys({"sintercard", "1"}),
            (Strings{"error: ERR Invalid number of arguments specified for command"}));
  // Flags: the spec's for a well-formed count, none from the lenient fallback.
  EXPECT_EQ(conn().raw_cmd({"COMMAND", "GETKEYSANDFLAGS", "sintercard", "1", "a"}),
            "*1\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n");
  EXPECT_EQ(conn().raw_cmd({"COMMAND", "GETKEYSANDFLAGS", "sintercard", "1x", "a"}),
            "*1\r\n*2\r\n$1\r\na\r\n*0\r\n");
}

TEST_P(CommandKeysTest, MultiSpecGetkeysAndFlags) {
  EXPECT_EQ(conn().raw_cmd({"COMMAND", "GETKEYSANDFLAGS", "smove", "a", "b", "m"}),
            "*2\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n"
            "*2\r\n$1\r\nb\r\n*2\r\n+RW\r\n+insert\r\n");
  EXPECT_EQ(getkeys({"sinterstore", "d", "a", "b"}), (Strings{"d", "a", "b"}));
  EXPECT_EQ(conn().raw_cmd({"COMMAND", "GETKEYSANDFLAGS", "set", "k", "v", "get"}),
            "*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n");
  EXPECT_EQ(conn().raw_cmd({"COMMAND", "GETKEYSANDFLAGS", "set", "k", "v"}),
            "*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+OW\r\n+update\r\n");
  EXPECT_EQ(getkeys({"memory", "usage", "k"}), (Strings{"k"}));
  EXPECT_EQ(getkeys({"memory", "stats"}), (Strings{"error: ERR The command has no key arguments"}));
}

RKV_INSTANTIATE_IO_MODES(CommandKeysTest);

}  // namespace
}  // namespace rkv::test
