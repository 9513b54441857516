#include "server/key_specs.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/command_table.h"

namespace rkv::server {
namespace {

CommandSpec row(std::span<const KeySpec> specs, int arity = -2, GetKeysFn get_keys = nullptr) {
  return {"x", arity, 0, 0, 0, 0, nullptr, "", "", "", "", "", {}, specs, get_keys};
}

struct Triple {
  int first, last, step;
  bool movable;
  bool operator==(const Triple&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Triple& t) {
  return os << t.first << " " << t.last << " " << t.step << (t.movable ? " movablekeys" : "");
}
Triple triple(std::span<const KeySpec> specs) {
  LegacyKeyRange r = legacy_key_range(row(specs));
  return {r.first_key, r.last_key, r.key_step, r.movable};
}

// The expected values are redis-server 7.0.15's COMMAND INFO for each command.
TEST(KeySpecsTest, LegacyTripleAsRedisDerivesIt) {
  EXPECT_EQ(triple(kKeysSintercard), (Triple{0, 0, 0, true}));
  EXPECT_EQ(triple(kKeysZunionstore), (Triple{1, 1, 1, true}));
  EXPECT_EQ(triple(kKeysZdiff), (Triple{0, 0, 0, true}));
  EXPECT_EQ(triple(kKeysLmpop), (Triple{0, 0, 0, true}));
  EXPECT_EQ(triple(kKeysBlmpop), (Triple{0, 0, 0, true}));
  EXPECT_EQ(triple(kKeysBzmpop), (Triple{0, 0, 0, true}));
  EXPECT_EQ(triple(kKeysSort), (Triple{1, 1, 1, true}));
  EXPECT_EQ(triple(kKeysSortRo), (Triple{1, 1, 1, true}));
  EXPECT_EQ(triple(kKeysMigrate), (Triple{3, 3, 1, true}));
  EXPECT_EQ(triple(kKeysEval), (Triple{0, 0, 0, true}));
  EXPECT_EQ(triple(kKeysSinterstore), (Triple{1, -1, 1, false}));
  EXPECT_EQ(triple(kKeysSmove), (Triple{1, 2, 1, false}));
  EXPECT_EQ(triple(kKeysBitop), (Triple{2, -1, 1, false}));
  EXPECT_EQ(triple(kKeysPfcount), (Triple{1, -1, 1, false}));
  EXPECT_EQ(triple(kKeysPfmerge), (Triple{1, -1, 1, false}));
  EXPECT_EQ(triple(kKeysZrangestore), (Triple{1, 2, 1, false}));
  EXPECT_EQ(triple(kKeysSet), (Triple{1, 1, 1, false}));
  // XREAD's only spec is a keyword: nothing left for the triple.
  constexpr KeySpec xread[] = {key_keyword("RO access", "STREAMS", 1, -1, 1, 2)};
  EXPECT_EQ(triple(xread), (Triple{0, 0, 0, true}));
  // A single range keeps its step (MSET: 1 -1 2).
  constexpr KeySpec mset[] = {key_range("OW update", 1, -1, 2)};
  EXPECT_EQ(triple(mset), (Triple{1, -1, 2, false}));
}

// Rows that declare key specs must also state the triple redis-server prints for them.
TEST(KeySpecsTest, RowsAgreeWithTheirSpecs) {
  CommandTable table;
  size_t with_specs = 0;
  auto check = [&](const Command& cmd) {
    const CommandSpec& s = *cmd.spec;
    if (s.key_specs.empty()) return;
    with_specs++;
    LegacyKeyRange r = legacy_key_range(s);
    EXPECT_EQ((Triple{s.first_key, s.last_key, s.key_step, r.movable}),
              (Triple{r.first_key, r.last_key, r.key_step, r.movable}))
        << cmd.full_name;
  };
  for (const auto& cmd : table.all()) {
    check(*cmd);
    for (const auto& sub : cmd->subcommands) check(*sub);
  }
  EXPECT_GE(with_specs, 1u);  // at least SINTERCARD
}

struct Found {
  std::vector<std::string> keys;
  std::vector<std::string> flags;
};
Found keys_of(const CommandSpec& spec, std::vector<std::string_view> argv) {
  Found f;
  for (const KeyRef& k : find_keys(spec, spec.key_specs, argv)) {
    f.keys.emplace_back(argv[static_cast<size_t>(k.pos)]);
    f.flags.emplace_back(k.flags);
  }
  return f;
}
using Strings = std::vector<std::string>;

TEST(KeySpecsTest, NumkeysCountsTheKeys) {
  CommandSpec s = row(kKeysSintercard, -3);
  EXPECT_EQ(keys_of(s, {"sintercard", "2", "a", "b"}).keys, (Strings{"a", "b"}));
  EXPECT_EQ(keys_of(s, {"sintercard", "2", "a", "b"}).flags, (Strings{"RO access", "RO access"}));
  EXPECT_EQ(keys_of(s, {"sintercard", "1", "a", "b"}).keys, (Strings{"a"}));
  EXPECT_EQ(keys_of(s, {"sintercard", "2", "a", "b", "LIMIT", "3"}).keys, (Strings{"a", "b"}));
  // Counts that name no key, or more keys than there are arguments: nothing.
  for (std::string_view bad : {"0", "-1", "3", "abc", "", "9999999999999999999"})
    EXPECT_TRUE(keys_of(s, {"sintercard", bad, "a", "b"}).keys.empty()) << bad;
  // Redis adds the count as an int: 4294967298 is 2 there.
  EXPECT_EQ(keys_of(s, {"sintercard", "4294967298", "a", "b"}).keys, (Strings{"a", "b"}));
  EXPECT_TRUE(keys_of(s, {"sintercard", "2147483648", "a"}).keys.empty());
}

TEST(KeySpecsTest, MalformedCountsFallBackToAtoi) {
  // The spec rejects these counts; Redis's fallback reads them as atoi() and reports the
  // keys without flags.
  CommandSpec s = row(kKeysSintercard, -3);
  for (std::string_view lenient : {"2abc", "+2", "02", " 2", "4294967298x"}) {
    Found f = keys_of(s, {"sintercard", lenient, "a", "b"});
    EXPECT_EQ(f.keys, (Strings{"a", "b"})) << lenient;
    EXPECT_EQ(f.flags, (Strings{"", ""})) << lenient;
  }
  EXPECT_EQ(keys_of(s, {"sintercard", "1.5", "a", "b"}).keys, (Strings{"a"}));
  // The destination comes last there, and the count must still fit the arguments.
  CommandSpec store = row(kKeysZunionstore, -4);
  EXPECT_EQ(keys_of(store, {"zunionstore", "d", "2", "a", "b"}).keys, (Strings{"d", "a", "b"}));
  EXPECT_EQ(keys_of(store, {"zunionstore", "d", "2", "a", "b"}).flags,
            (Strings{"OW update", "RO access", "RO access"}));
  EXPECT_EQ(keys_of(store, {"zunionstore", "d", "2x", "a", "b"}).keys, (Strings{"a", "b", "d"}));
  EXPECT_TRUE(keys_of(store, {"zunionstore", "d", "3x", "a", "b"}).keys.empty());
  EXPECT_TRUE(keys_of(store, {"zunionstore", "d", "-2", "a", "b"}).keys.empty());
  // BLMPOP's count is the second argument (after the timeout).
  CommandSpec blmpop = row(kKeysBlmpop, -5);
  EXPECT_EQ(keys_of(blmpop, {"blmpop", "0", "2", "a", "b", "LEFT"}).keys, (Strings{"a", "b"}));
  EXPECT_EQ(keys_of(blmpop, {"blmpop", "0", "2x", "a", "b", "LEFT"}).keys, (Strings{"a", "b"}));
}

TEST(KeySpecsTest, EvalMayHaveNoKeys) {
  CommandSpec s = row(kKeysEval, -3);
  EXPECT_TRUE(keys_of(s, {"eval", "return 1", "0"}).keys.empty());
  EXPECT_EQ(keys_of(s, {"eval", "s", "1", "k", "arg"}).keys, (Strings{"k"}));
}

TEST(KeySpecsTest, RangesAndKeywords) {
  CommandSpec sinterstore = row(kKeysSinterstore, -3);
  Found f = keys_of(sinterstore, {"sinterstore", "d", "a", "b"});
  EXPECT_EQ(f.keys, (Strings{"d", "a", "b"}));
  EXPECT_EQ(f.flags, (Strings{"RW update", "RO access", "RO access"}));
  CommandSpec migrate = row(kKeysMigrate, -6);
  EXPECT_EQ(keys_of(migrate, {"migrate", "h", "p", "k", "0", "5"}).keys, (Strings{"k"}));
  // The KEYS spec is incomplete: without a get_keys function nothing can be promised.
  EXPECT_TRUE(keys_of(migrate, {"migrate", "h", "p", "", "0", "5", "KEYS", "a", "b"}).keys.empty());
  // XREAD-style keyword with a limit: half of what follows STREAMS are keys.
  constexpr KeySpec xread[] = {key_keyword("RO access", "STREAMS", 1, -1, 1, 2)};
  CommandSpec x = row(xread, -4);
  EXPECT_EQ(keys_of(x, {"xread", "COUNT", "1", "STREAMS", "a", "b", "0", "0"}).keys,
            (Strings{"a", "b"}));
}

TEST(KeySpecsTest, GetKeysFunctions) {
  CommandSpec sort = row(kKeysSort, -2, sort_get_keys);
  Found f = keys_of(sort, {"sort", "k", "STORE", "a", "by", "store", "b"});
  EXPECT_EQ(f.keys, (Strings{"k", "a"}));
  EXPECT_EQ(f.flags, (Strings{"RO access", "OW update"}));
  EXPECT_EQ(keys_of(sort, {"sort", "k", "store", "store", "x"}).keys, (Strings{"k", "x"}));
  EXPECT_EQ(keys_of(sort, {"sort", "k", "limit", "store", "x"}).keys, (Strings{"k"}));
  EXPECT_EQ(keys_of(sort, {"sort", "k", "store"}).keys, (Strings{"k"}));
  CommandSpec sort_ro = row(kKeysSortRo, -2, sort_ro_get_keys);
  EXPECT_EQ(keys_of(sort_ro, {"sort_ro", "k", "store", "x"}).keys, (Strings{"k"}));

  CommandSpec set = row(kKeysSet, -3, set_get_keys);
  EXPECT_EQ(keys_of(set, {"set", "k", "v"}).flags, (Strings{"OW update"}));
  EXPECT_EQ(keys_of(set, {"set", "k", "v", "nx", "GeT"}).flags, (Strings{"RW access update"}));
  EXPECT_EQ(keys_of(set, {"set", "k", "get"}).flags, (Strings{"OW update"}));

  CommandSpec bitfield = row(kKeysBitfield, -2, bitfield_get_keys);
  EXPECT_EQ(keys_of(bitfield, {"bitfield", "k"}).flags, (Strings{"RO access"}));
  EXPECT_EQ(keys_of(bitfield, {"bitfield", "k", "overflow", "sat", "get", "u8", "0"}).flags,
            (Strings{"RO access"}));
  EXPECT_EQ(keys_of(bitfield, {"bitfield", "k", "get", "u8"}).flags, (Strings{"RW access update"}));
  EXPECT_EQ(keys_of(bitfield, {"bitfield", "k", "incrby", "u8", "0", "1"}).flags,
            (Strings{"RW access update"}));
}

}  // namespace
}  // namespace rkv::server
