// The config table: memory units, config-file parsing, CONFIG GET patterns and CONFIG SET.
#include "server/config.h"

#include <gtest/gtest.h>

#include <utility>

#include "util/sha1.h"

namespace rkv::server {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(ParseMemory, UnitsAndJunk) {
  int64_t v = -1;
  EXPECT_TRUE(parse_memory("512", &v));
  EXPECT_EQ(v, 512);
  EXPECT_TRUE(parse_memory("1k", &v));
  EXPECT_EQ(v, 1000);
  EXPECT_TRUE(parse_memory("1kb", &v));
  EXPECT_EQ(v, 1024);
  EXPECT_TRUE(parse_memory("100MB", &v));
  EXPECT_EQ(v, 100ll * 1024 * 1024);
  EXPECT_TRUE(parse_memory("2g", &v));
  EXPECT_EQ(v, 2'000'000'000);
  EXPECT_TRUE(parse_memory("1Gb", &v));
  EXPECT_EQ(v, 1ll << 30);
  EXPECT_TRUE(parse_memory("7b", &v));
  EXPECT_EQ(v, 7);
  for (const char* bad : {"", "-1", "+1", "1zb", "mb", " 1", "1 ", "1.5mb", "99999999999999999999"})
    EXPECT_FALSE(parse_memory(bad, &v)) << bad;
  EXPECT_FALSE(parse_memory("9000000000gb", &v));  // overflows int64
}

TEST(ConfigLoad, AppliesDirectives) {
  Config cfg;
  std::string line;
  int line_no = 0;
  ConfigError e = ConfigTable::load_text(cfg,
                                         "# comment\n"
                                         "port 7000\n"
                                         "  maxmemory 10mb  \n"
                                         "\n"
                                         "save \"\"\n"
                                         "hash-max-ziplist-entries 64\n"
                                         "appendonly YES\n",
                                         &line, &line_no);
  EXPECT_FALSE(e) << e.message;
  EXPECT_EQ(cfg.port, 7000);
  EXPECT_EQ(cfg.maxmemory, 10ll * 1024 * 1024);
  EXPECT_EQ(cfg.save, "");
  EXPECT_EQ(cfg.hash_max_listpack_entries, 64);
  EXPECT_TRUE(cfg.appendonly);
}

TEST(ConfigLoad, ReportsTheBadLine) {
  struct Case {
    const char* text;
    int line_no;
    const char* line;
    const char* reason;
  } cases[] = {
      {"port 1\nnosuch 1\n", 2, "nosuch 1", "Bad directive or wrong number of arguments"},
      {"\n\nhz abc\n", 3, "hz abc", "argument couldn't be parsed into an integer"},
      {"port 99999", 1, "port 99999", "argument must be between 0 and 65535 inclusive"},
      {"a\n", 1, "a", "Bad directive or wrong number of arguments"},
      {"# x\nloglevel loud\n", 2, "loglevel loud",
       "argument(s) must be one of the following: debug, verbose, notice, warning"},
      {"protected-mode maybe\n", 1, "protected-mode maybe", "argument must be 'yes' or 'no'"},
      {"dir \"unterminated\n", 1, "dir \"unterminated", "Unbalanced quotes in configuration line"},
  };
  for (const Case& c : cases) {
    Config cfg;
    std::string line;
    int line_no = 0;
    ConfigError e = ConfigTable::load_text(cfg, c.text, &line, &line_no);
    EXPECT_EQ(e.message, c.reason) << c.text;
    EXPECT_EQ(line_no, c.line_no) << c.text;
    EXPECT_EQ(line, c.line) << c.text;
  }
}

TEST(ConfigGet, PatternsAliasesAndExactNames) {
  Config cfg;
  Pairs out;
  ConfigTable::get(cfg, "hz", &out);
  EXPECT_EQ(out, (Pairs{{"hz", "10"}}));
  out.clear();
  ConfigTable::get(cfg, "HZ", &out);
  EXPECT_EQ(out, (Pairs{{"HZ", "10"}}));
  out.clear();
  ConfigTable::get(cfg, "hash-max-*-entries", &out);
  EXPECT_EQ(out,
            (Pairs{{"hash-max-listpack-entries", "512"}, {"hash-max-ziplist-entries", "512"}}));
  out.clear();
  ConfigTable::get(cfg, "lua-time-limit", &out);
  EXPECT_EQ(out, (Pairs{{"lua-time-limit", "5000"}}));
  out.clear();
  ConfigTable::get(cfg, "nosuch*", &out);
  EXPECT_TRUE(out.empty());
  ConfigTable::get(cfg, "*", &out);
  EXPECT_GT(out.size(), 50u);
}

TEST(ConfigSet, ValuesAndSideRules) {
  Config cfg;
  EXPECT_FALSE(ConfigTable::set(cfg, "hz", "1000"));
  EXPECT_EQ(cfg.hz, 500);  // clamped like CONFIG_MAX_HZ
  EXPECT_FALSE(ConfigTable::set(cfg, "notify-keyspace-events", "KEA"));
  EXPECT_EQ(cfg.notify_keyspace_events, "AKE");
  EXPECT_FALSE(ConfigTable::set(cfg, "notify-keyspace-events", "Ex$"));
  EXPECT_EQ(cfg.notify_keyspace_events, "$xE");
  EXPECT_EQ(ConfigTable::set(cfg, "notify-keyspace-events", "Q").message,
            "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
  EXPECT_FALSE(ConfigTable::set(cfg, "save", "100 10 200 5"));
  EXPECT_EQ(cfg.save, "100 10 200 5");
  EXPECT_EQ(ConfigTable::set(cfg, "save", "1 2 3").message, "Invalid save parameters");
  EXPECT_FALSE(ConfigTable::set(cfg, "maxmemory-policy", "ALLKEYS-LRU"));
  EXPECT_EQ(cfg.maxmemory_policy, "allkeys-lru");
  EXPECT_EQ(ConfigTable::set(cfg, "maxclients", "0").message,
            "argument must be between 1 and 4294967295 inclusive");
  EXPECT_EQ(ConfigTable::set(cfg, "maxmemory", "-1").message, "argument must be a memory value");
  EXPECT_EQ(ConfigTable::canonical_name("HASH-MAX-ZIPLIST-ENTRIES"), "hash-max-listpack-entries");
  EXPECT_TRUE(ConfigTable::is_protected("dir"));
  EXPECT_FALSE(ConfigTable::is_mutable("databases"));
}

TEST(ConfigSet, MaxmemoryClientsBytesOrPercent) {
  Config cfg;
  auto get = [&] {
    std::vector<std::pair<std::string, std::string>> out;
    ConfigTable::get(cfg, "maxmemory-clients", &out);
    return out.at(0).second;
  };
  EXPECT_EQ(get(), "0");
  EXPECT_FALSE(ConfigTable::set(cfg, "maxmemory-clients", "10%"));
  EXPECT_EQ(cfg.maxmemory_clients, -10);  // stored negated, as Redis
  EXPECT_EQ(get(), "10%");
  EXPECT_FALSE(ConfigTable::set(cfg, "maxmemory-clients", "2kb"));
  EXPECT_EQ(get(), "2048");
  const std::string bad = "argument must be a memory or percent value";
  for (const char* v : {"-1", "abc", "1.5%", "05%", "-0%", " 5%", "%", "5t", "+5"})
    EXPECT_EQ(ConfigTable::set(cfg, "maxmemory-clients", v).message, bad) << v;
  EXPECT_EQ(ConfigTable::set(cfg, "maxmemory-clients", "101%").message,
            "percentage argument must be less or equal to 100");
  EXPECT_EQ(get(), "2048");
  // memtoull's result past 2^63 reads as a negative number, i.e. a percentage.
  EXPECT_FALSE(ConfigTable::set(cfg, "maxmemory-clients", "18446744073709551615"));
  EXPECT_EQ(get(), "1%");
  EXPECT_FALSE(ConfigTable::set(cfg, "maxmemory-clients", ""));
  EXPECT_EQ(get(), "0");
  // The config file takes the same forms.
  std::string line;
  int line_no = 0;
  EXPECT_FALSE(ConfigTable::load_text(cfg, "maxmemory-clients 25%\n", &line, &line_no));
  EXPECT_EQ(cfg.maxmemory_clients, -25);
}

TEST(ConfigSet, ManyIsAllOrNothing) {
  using SV = std::pair<std::string_view, std::string_view>;
  Config cfg;
  std::vector<std::string> changed;
  std::vector<SV> good = {{"hz", "20"}, {"maxmemory", "1mb"}, {"hash-max-ziplist-entries", "7"}};
  EXPECT_FALSE(ConfigTable::set_many(cfg, good, false, &changed));
  EXPECT_EQ(changed, (std::vector<std::string>{"hz", "maxmemory", "hash-max-listpack-entries"}));
  EXPECT_EQ(cfg.hz, 20);

  std::vector<SV> bad_value = {{"hz", "5"}, {"maxclients", "abc"}};
  EXPECT_EQ(ConfigTable::set_many(cfg, bad_value, false, nullptr).message,
            "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument "
            "couldn't be parsed into an integer");
  EXPECT_EQ(cfg.hz, 20);  // untouched

  std::vector<SV> unknown = {{"hz", "5"}, {"Foo", "1"}};
  EXPECT_EQ(ConfigTable::set_many(cfg, unknown, false, nullptr).message,
            "ERR Unknown option or number of arguments for CONFIG SET - 'Foo'");
  std::vector<SV> dup = {{"hash-max-listpack-entries", "1"}, {"hash-max-ziplist-entries", "2"}};
  EXPECT_EQ(ConfigTable::set_many(cfg, dup, false, nullptr).message,
            "ERR CONFIG SET failed (possibly related to argument 'hash-max-ziplist-entries') - "
            "duplicate parameter");
  std::vector<SV> immutable = {{"daemonize", "yes"}};
  EXPECT_EQ(ConfigTable::set_many(cfg, immutable, false, nullptr).message,
            "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set "
            "immutable config");
  std::vector<SV> protected_dir = {{"dir", "."}};
  EXPECT_EQ(ConfigTable::set_many(cfg, protected_dir, false, nullptr).message,
            "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected "
            "config");
  EXPECT_FALSE(ConfigTable::set_many(cfg, protected_dir, true, nullptr));
  EXPECT_EQ(cfg.hz, 20);
}

TEST(Sha1, KnownVectors) {
  EXPECT_EQ(Sha1::hex(Sha1::of("")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(Sha1::hex(Sha1::of("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(Sha1::hex(Sha1::of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  Sha1 h;  // a million 'a's, fed in uneven pieces across block boundaries
  std::string chunk(997, 'a');
  size_t left = 1000000;
  while (left > 0) {
    size_t n = std::min(left, chunk.size());
    h.update(chunk.data(), n);
    left -= n;
  }
  EXPECT_EQ(Sha1::hex(h.finish()), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

}  // namespace
}  // namespace rkv::server
