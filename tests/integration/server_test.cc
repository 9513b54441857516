// Server family against the running server: INFO CONFIG COMMAND DBSIZE FLUSHDB FLUSHALL
// TIME LASTSAVE SHUTDOWN DEBUG.
#include <chrono>
#include <regex>
#include <thread>

#include "harness.h"

namespace rkv::test {
namespace {

// Values of "name:value" INFO lines.
std::string info_field(const std::string& info, const std::string& name) {
  size_t pos = info.find("\r\n" + name + ":");
  if (pos == std::string::npos) return "<missing>";
  pos += name.size() + 3;
  return info.substr(pos, info.find("\r\n", pos) - pos);
}

std::vector<std::string> section_titles(const std::string& info) {
  std::vector<std::string> out;
  std::regex title("# ([A-Za-z]+)\r\n");
  for (auto it = std::sregex_iterator(info.begin(), info.end(), title);
       it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1]);
  return out;
}

// The value CONFIG GET reports for one exact parameter name.
std::string config_value(Conn& c, const std::string& name) {
  auto r = c.cmd({"CONFIG", "GET", name});
  if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2) return "<bad reply>";
  return r->element[1]->str;
}

class ServerCmdTest : public ServerTest {
 protected:
  std::vector<std::string> server_args() const override {
    return {"--enable-debug-command", "yes"};
  }
};

TEST_P(ServerCmdTest, InfoSectionsInRedisOrder) {
  using V = std::vector<std::string>;
  std::string def = str(conn().cmd({"INFO"}));
  EXPECT_EQ(section_titles(def),
            (V{"Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU", "IO",
               "Modules", "Errorstats", "Cluster", "Keyspace"}));
  EXPECT_EQ(info_field(def, "redis_version").substr(0, 4), "7.0.");
  EXPECT_NE(info_field(def, "reactorkv_version"), "<missing>");
  EXPECT_EQ(info_field(def, "redis_mode"), "standalone");
  EXPECT_EQ(section_titles(str(conn().cmd({"INFO", "everything"}))),
            (V{"Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU", "IO",
               "Modules", "Commandstats", "Errorstats", "Latencystats", "Cluster", "Keyspace"}));
  // Requested order does not matter; unknown names are ignored.
  EXPECT_EQ(section_titles(str(conn().cmd({"INFO", "keyspace", "nosuch", "SERVER"}))),
            (V{"Server", "Keyspace"}));
  EXPECT_EQ(str(conn().cmd({"INFO", "nosuch"})), "");
  EXPECT_EQ(str(conn().cmd({"INFO", "cluster"})), "# Cluster\r\ncluster_enabled:0\r\n");
  conn().raw_cmd({"HELLO", "3"});
  EXPECT_EQ(conn().raw_cmd({"INFO", "cluster"}),
            "=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n");
}

TEST_P(ServerCmdTest, InfoCountsCommandsAndKeys) {
  conn().cmd({"SET", "k", "v"});
  conn().cmd({"GET", "k"});
  conn().cmd({"GET", "missing"});
  std::string info = str(conn().cmd({"INFO", "stats", "keyspace", "commandstats"}));
  EXPECT_EQ(info_field(info, "keyspace_hits"), "1");
  EXPECT_EQ(info_field(info, "keyspace_misses"), "1");
  EXPECT_EQ(info_field(info, "db0"), "keys=1,expires=0,avg_ttl=0");
  EXPECT_EQ(info_field(info, "cmdstat_get").substr(0, 8), "calls=2,");
}

TEST_P(ServerCmdTest, ConfigResetstatClearsCounters) {
  conn().cmd({"SET", "k", "v"});
  conn().cmd({"GET", "k"});
  conn().cmd({"NOSUCHCOMMAND"});
  EXPECT_EQ(str(conn().cmd({"CONFIG", "RESETSTAT"})), "OK");
  std::string info = str(conn().cmd({"INFO", "everything"}));
  EXPECT_EQ(info_field(info, "keyspace_hits"), "0");
  EXPECT_EQ(info_field(info, "total_error_replies"), "0");
  EXPECT_EQ(info_field(info, "total_commands_processed"), "1");  // this INFO
  EXPECT_EQ(info_field(info, "cmdstat_get"), "<missing>");
  EXPECT_EQ(info_field(info, "errorstat_ERR"), "<missing>");
  EXPECT_EQ(info_field(info, "db0"), "keys=1,expires=0,avg_ttl=0");  // data stays
}

TEST_P(ServerCmdTest, ConfigGet) {
  auto r = conn().cmd({"CONFIG", "GET", "hz", "maxmemory-policy", "HZ"});
  ASSERT_EQ(r->type, REDIS_REPLY_ARRAY);
  ASSERT_EQ(r->elements, 6u);
  EXPECT_EQ(std::string(r->element[0]->str), "hz");
  EXPECT_EQ(std::string(r->element[1]->str), "10");
  EXPECT_EQ(std::string(r->element[3]->str), "noeviction");
  EXPECT_EQ(std::string(r->element[4]->str), "HZ");  // exact names echo the client's spelling
  auto many = conn().cmd({"CONFIG", "GET", "maxmemory*", "maxmemory-policy"});
  // maxmemory, -policy, -samples, -eviction-tenacity, -clients once each, as Redis.
  EXPECT_EQ(many->elements, 10u);
  EXPECT_EQ(conn().cmd({"CONFIG", "GET", "nosuch"})->elements, 0u);
  conn().raw_cmd({"HELLO", "3"});
  EXPECT_EQ(conn().raw_cmd({"CONFIG", "GET", "appendonly"}),
            "%1\r\n$10\r\nappendonly\r\n$2\r\nno\r\n");
}

TEST_P(ServerCmdTest, ConfigSetIsAtomicWithRedisErrors) {
  EXPECT_EQ(str(conn().cmd({"CONFIG", "SET", "hz", "20", "maxmemory", "1mb"})), "OK");
  EXPECT_EQ(config_value(conn(), "maxmemory"), "1048576");
  EXPECT_EQ(str(conn().cmd({"CONFIG", "SET", "hz", "5", "maxclients", "abc"})),
            "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument "
            "couldn't be parsed into an integer");
  EXPECT_EQ(config_value(conn(), "hz"), "20");
  EXPECT_EQ(str(conn().cmd({"CONFIG", "SET", "foo", "bar"})),
            "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
  EXPECT_EQ(str(conn().cmd({"CONFIG", "SET", "hz", "1", "hz", "2"})),
            "ERR CONFIG SET failed (possibly related to argument 'hz') - duplicate parameter");
  EXPECT_EQ(str(conn().cmd({"CONFIG", "SET", "databases", "3"})),
            "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set "
            "immutable config");
  EXPECT_EQ(str(conn().cmd({"CONFIG", "SET", "dir", "/tmp"})),
            "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected "
            "config");
  EXPECT_EQ(str(conn().cmd({"CONFIG", "SET", "appendfsync", "x"})),
            "ERR CONFIG SET failed (possibly related to argument 'appendfsync') - argument(s) "
            "must be one of the following: everysec, always, no");
  EXPECT_EQ(str(conn().cmd({"CONFIG", "SET", "hz", "1", "x"})), "ERR syntax error");
  EXPECT_EQ(str(conn().cmd({"CONFIG", "SET", "hz", "9999"})), "OK");
  EXPECT_EQ(config_value(conn(), "hz"), "500");
  EXPECT_EQ(str(conn().cmd({"CONFIG", "REWRITE"})),
            "ERR The server is running without a config file");
  auto help = conn().cmd({"CONFIG", "HELP"});
  ASSERT_EQ(help->type, REDIS_REPLY_ARRAY);
  EXPECT_EQ(std::string(help->element[0]->str),
            "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
}

TEST_P(ServerCmdTest, ConfigSetAppliesLoglevelAndMaxclients) {
  EXPECT_EQ(str(conn().cmd({"CONFIG", "SET", "maxclients", "2"})), "OK");
  Conn second(port());
  EXPECT_EQ(str(second.cmd({"PING"})), "PONG");
  Conn third(port());
  EXPECT_TRUE(is_error(third.cmd({"PING"}), "ERR max number of clients reached"));
  EXPECT_EQ(str(conn().cmd({"CONFIG", "SET", "loglevel", "warning"})), "OK");
  EXPECT_EQ(config_value(conn(), "loglevel"), "warning");
}

TEST_P(ServerCmdTest, CommandIntrospection) {
  long long count = integer(conn().cmd({"COMMAND", "COUNT"}));
  auto all = conn().cmd({"COMMAND"});
  ASSERT_EQ(all->type, REDIS_REPLY_ARRAY);
  EXPECT_EQ(static_cast<long long>(all->elements), count);
  EXPECT_EQ(conn().raw_cmd({"COMMAND", "INFO", "dbsize", "nosuch"}),
            "*2\r\n*10\r\n$6\r\ndbsize\r\n:1\r\n*2\r\n+readonly\r\n+fast\r\n:0\r\n:0\r\n:0\r\n"
            "*3\r\n+@keyspace\r\n+@read\r\n+@fast\r\n*2\r\n$25\r\nrequest_policy:all_shards\r\n"
            "$23\r\nresponse_policy:agg_sum\r\n*0\r\n*0\r\n$-1\r\n");
  auto cfg = conn().cmd({"COMMAND", "INFO", "config"});
  ASSERT_EQ(cfg->element[0]->elements, 10u);
  EXPECT_EQ(cfg->element[0]->element[9]->elements, 5u);  // get set resetstat rewrite help
  auto docs = conn().cmd({"COMMAND", "DOCS", "dbsize"});
  ASSERT_EQ(docs->elements, 2u);
  EXPECT_EQ(std::string(docs->element[0]->str), "dbsize");
  EXPECT_EQ(std::string(docs->element[1]->element[1]->str),
            "Return the number of keys in the selected database");
  auto list = conn().cmd({"COMMAND", "LIST", "FILTERBY", "PATTERN", "config|*"});
  EXPECT_EQ(list->elements, 5u);
  EXPECT_EQ(str(conn().cmd({"COMMAND", "LIST", "FILTERBY", "nope", "x"})), "ERR syntax error");
  auto keys = conn().cmd({"COMMAND", "GETKEYS", "del", "a", "b"});
  ASSERT_EQ(keys->elements, 2u);
  EXPECT_EQ(std::string(keys->element[1]->str), "b");
  EXPECT_EQ(str(conn().cmd({"COMMAND", "GETKEYS", "nosuch", "a"})),
            "ERR Invalid command specified");
  EXPECT_EQ(str(conn().cmd({"COMMAND", "GETKEYS", "config", "get", "x"})),
            "ERR The command has no key arguments");
  EXPECT_EQ(str(conn().cmd({"COMMAND", "GETKEYS", "get", "a", "b"})),
            "ERR Invalid number of arguments specified for command");
  EXPECT_EQ(str(conn().cmd({"COMMAND", "FOO"})), "ERR unknown subcommand 'FOO'. Try COMMAND HELP.");
}

TEST_P(ServerCmdTest, DbsizeFlushdbFlushall) {
  conn().cmd({"SET", "a", "1"});
  conn().cmd({"SELECT", "1"});
  conn().cmd({"SET", "b", "1"});
  conn().cmd({"SET", "c", "1"});
  EXPECT_EQ(integer(conn().cmd({"DBSIZE"})), 2);
  EXPECT_EQ(str(conn().cmd({"FLUSHDB", "bogus"})), "ERR syntax error");
  EXPECT_EQ(str(conn().cmd({"FLUSHDB", "ASYNC"})), "OK");
  EXPECT_EQ(integer(conn().cmd({"DBSIZE"})), 0);
  conn().cmd({"SELECT", "0"});
  EXPECT_EQ(integer(conn().cmd({"DBSIZE"})), 1);
  EXPECT_EQ(str(conn().cmd({"FLUSHALL", "SYNC", "ASYNC"})), "ERR syntax error");
  EXPECT_EQ(str(conn().cmd({"FLUSHALL"})), "OK");
  EXPECT_EQ(integer(conn().cmd({"DBSIZE"})), 0);
}

TEST_P(ServerCmdTest, TimeAndLastsave) {
  auto t = conn().cmd({"TIME"});
  ASSERT_EQ(t->elements, 2u);
  long long secs = std::stoll(t->element[0]->str);
  long long now = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  EXPECT_LE(std::llabs(secs - now), 5);
  EXPECT_LT(std::stoll(t->element[1]->str), 1000000);
  EXPECT_LE(std::llabs(integer(conn().cmd({"LASTSAVE"})) - now), 60);
}

TEST_P(ServerCmdTest, ShutdownStopsTheServer) {
  EXPECT_EQ(str(conn().cmd({"SHUTDOWN", "bogus"})), "ERR syntax error");
  EXPECT_EQ(str(conn().cmd({"SHUTDOWN", "NOSAVE", "SAVE"})), "ERR syntax error");
  EXPECT_EQ(str(conn().cmd({"SHUTDOWN", "ABORT"})), "ERR No shutdown in progress.");
  ServerProcess other;
  Conn c(other.port());
  c.send_raw(encode_command({"SHUTDOWN", "NOSAVE"}));
  EXPECT_TRUE(c.wait_closed());
  bool exited = false;
  for (int i = 0; i < 300 && !exited; i++) {
    exited = !other.alive();
    if (!exited) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(exited);
}

TEST_P(ServerCmdTest, DebugProtocolBothProtocols) {
  EXPECT_EQ(conn().raw_cmd({"DEBUG", "PROTOCOL", "double"}), "$5\r\n3.141\r\n");
  EXPECT_EQ(conn().raw_cmd({"DEBUG", "PROTOCOL", "map"}),
            "*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n");
  EXPECT_EQ(conn().raw_cmd({"DEBUG", "PROTOCOL", "attrib"}),
            "$39\r\nSome real reply following the attribute\r\n");
  EXPECT_EQ(conn().raw_cmd({"DEBUG", "PROTOCOL", "push"}),
            "-ERR RESP2 is not supported by this command\r\n");
  EXPECT_EQ(conn().raw_cmd({"DEBUG", "PROTOCOL", "null"}), "$-1\r\n");
  conn().raw_cmd({"HELLO", "3"});
  EXPECT_EQ(conn().raw_cmd({"DEBUG", "PROTOCOL", "double"}), ",3.141\r\n");
  EXPECT_EQ(conn().raw_cmd({"DEBUG", "PROTOCOL", "bignum"}),
            "(1234567999999999999999999999999999999\r\n");
  EXPECT_EQ(conn().raw_cmd({"DEBUG", "PROTOCOL", "map"}),
            "%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n");
  EXPECT_EQ(conn().raw_cmd({"DEBUG", "PROTOCOL", "set"}), "~3\r\n:0\r\n:1\r\n:2\r\n");
  EXPECT_EQ(conn().raw_cmd({"DEBUG", "PROTOCOL", "verbatim"}),
            "=29\r\ntxt:This is a verbatim\nstring\r\n");
  EXPECT_EQ(conn().raw_cmd({"DEBUG", "PROTOCOL", "null"}), "_\r\n");
  EXPECT_EQ(conn().raw_cmd({"DEBUG", "PROTOCOL", "true"}), "#t\r\n");
  // The attribute and the push come before the reply they decorate.
  std::string attrib = conn().raw_cmd({"DEBUG", "PROTOCOL", "attrib"});
  EXPECT_EQ(attrib.substr(0, 4), "|1\r\n");
  EXPECT_EQ(conn().raw_cmd({"DEBUG", "PROTOCOL", "nope"}),
            "-ERR Wrong protocol type name. Please use one of the following: "
            "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false\r\n");
}

TEST_P(ServerCmdTest, DebugDigestTracksData) {
  std::string zeros(40, '0');
  EXPECT_EQ(str(conn().cmd({"DEBUG", "DIGEST"})), zeros);
  conn().cmd({"SET", "a", "1"});
  conn().cmd({"SET", "b", "hello"});
  std::string d1 = str(conn().cmd({"DEBUG", "DIGEST"}));
  EXPECT_EQ(d1.size(), 40u);
  EXPECT_NE(d1, zeros);
  conn().cmd({"SET", "b", "hellO"});
  std::string d2 = str(conn().cmd({"DEBUG", "DIGEST"}));
  EXPECT_NE(d2, d1);
  // Same data written in another order: same digest.
  conn().cmd({"FLUSHALL"});
  conn().cmd({"SET", "b", "hello"});
  conn().cmd({"SET", "a", "1"});
  EXPECT_EQ(str(conn().cmd({"DEBUG", "DIGEST"})), d1);
  auto values = conn().cmd({"DEBUG", "DIGEST-VALUE", "a", "missing"});
  ASSERT_EQ(values->elements, 2u);
  EXPECT_EQ(std::string(values->element[0]->str).size(), 40u);
  EXPECT_EQ(std::string(values->element[1]->str), zeros);
  conn().cmd({"SELECT", "3"});
  conn().cmd({"SET", "a", "1"});
  EXPECT_NE(str(conn().cmd({"DEBUG", "DIGEST"})), d1);
}

TEST_P(ServerCmdTest, DebugDigestCoversCollections) {
  auto digest = [&](const std::string& key) {
    auto r = conn().cmd({"DEBUG", "DIGEST-VALUE", key});  // one digest per key asked
    EXPECT_EQ(r->elements, 1u);
    return r->elements == 1 ? std::string(r->element[0]->str) : std::string();
  };
  // The same contents written in another order, or held in another encoding, digest
  // alike; any change to a member, field, value or score changes the digest.
  conn().cmd({"SADD", "s1", "a", "b", "c"});
  conn().cmd({"SADD", "s2", "c", "a", "b"});
  EXPECT_EQ(digest("s1"), digest("s2"));
  conn().cmd({"CONFIG", "SET", "set-max-listpack-entries", "0"});
  conn().cmd({"SADD", "s3", "b", "c", "a"});  // a hashtable
  EXPECT_EQ(digest("s3"), digest("s1"));
  conn().cmd({"SREM", "s3", "c"});
  EXPECT_NE(digest("s3"), digest("s1"));
  conn().cmd({"HSET", "h1", "f", "1", "g", "2"});
  conn().cmd({"HSET", "h2", "g", "2", "f", "1"});
  EXPECT_EQ(digest("h1"), digest("h2"));
  conn().cmd({"HSET", "h2", "g", "3"});
  EXPECT_NE(digest("h1"), digest("h2"));
  conn().cmd({"HSET", "h3", "f", "1g", "", "2"});  // same bytes, split differently
  EXPECT_NE(digest("h1"), digest("h3"));
  conn().cmd({"ZADD", "z1", "1", "a", "2", "b"});
  conn().cmd({"ZADD", "z2", "2", "b", "1", "a"});
  EXPECT_EQ(digest("z1"), digest("z2"));
  conn().cmd({"ZADD", "z2", "1.5", "b"});
  EXPECT_NE(digest("z1"), digest("z2"));
  EXPECT_NE(digest("s1"), digest("h1"));
}

TEST_P(ServerCmdTest, DebugObjectAndMisc) {
  conn().cmd({"SET", "s", "bar"});
  conn().cmd({"SET", "n", "12345"});
  conn().cmd({"SET", "small", "7"});
  std::regex fmt(
      "Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:4 lru:[0-9]+ "
      "lru_seconds_idle:[0-9]+");
  EXPECT_TRUE(std::regex_match(str(conn().cmd({"DEBUG", "OBJECT", "s"})), fmt));
  EXPECT_NE(str(conn().cmd({"DEBUG", "OBJECT", "n"})).find("encoding:int serializedlength:3 "),
            std::string::npos);
  EXPECT_NE(str(conn().cmd({"DEBUG", "OBJECT", "small"})).find("refcount:2147483647 "),
            std::string::npos);
  EXPECT_EQ(str(conn().cmd({"DEBUG", "OBJECT", "missing"})), "ERR no such key");
  EXPECT_EQ(str(conn().cmd({"DEBUG", "SLEEP", "0"})), "OK");
  EXPECT_EQ(str(conn().cmd({"DEBUG", "SET-ACTIVE-EXPIRE", "0"})), "OK");
  EXPECT_EQ(str(conn().cmd({"DEBUG", "SET-ACTIVE-EXPIRE", "1"})), "OK");
  EXPECT_EQ(str(conn().cmd({"DEBUG", "CHANGE-REPL-ID"})), "OK");
  EXPECT_EQ(str(conn().cmd({"DEBUG", "JMAP"})), "OK");
  EXPECT_EQ(str(conn().cmd({"DEBUG", "STRINGMATCH-TEST"})),
            "Apparently Redis did not crash: test passed");
  EXPECT_EQ(str(conn().cmd({"DEBUG", "nope"})),
            "ERR unknown subcommand or wrong number of arguments for 'nope'. Try DEBUG HELP.");
  EXPECT_EQ(str(conn().cmd({"DEBUG", "OBJECT"})),
            "ERR unknown subcommand or wrong number of arguments for 'OBJECT'. Try DEBUG HELP.");
  EXPECT_EQ(conn().cmd({"DEBUG", "HELP"})->type, REDIS_REPLY_ARRAY);
}

// redis-cli builds its typing hints from the argument trees in COMMAND DOCS.
TEST_P(ServerCmdTest, CommandDocsCarryArgumentSyntax) {
  std::string docs = conn().raw_cmd({"COMMAND", "DOCS", "set"});
  EXPECT_NE(docs.find("$9\r\narguments\r\n"), std::string::npos);
  // SET's expiration oneof: EX takes a value named "seconds"; NX is a pure token.
  EXPECT_NE(docs.find("$4\r\nname\r\n$7\r\nseconds\r\n$4\r\ntype\r\n$7\r\ninteger\r\n"
                      "$5\r\ntoken\r\n$2\r\nEX\r\n"),
            std::string::npos);
  EXPECT_NE(docs.find("$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nNX\r\n"),
            std::string::npos);
  EXPECT_NE(docs.find("$5\r\nflags\r\n*1\r\n+optional\r\n"), std::string::npos);
  // A command without arguments has no "arguments" field.
  std::string ping_docs = conn().raw_cmd({"COMMAND", "DOCS", "dbsize"});
  EXPECT_EQ(ping_docs.find("arguments"), std::string::npos);
}

RKV_INSTANTIATE_IO_MODES(ServerCmdTest);

constexpr std::string_view kDebugRefused =
    "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you "
    "can run it from a local connection, otherwise you need to set this option in the "
    "configuration file, and then restart the server.";

class DebugDisabledTest : public ServerTest {};

TEST_P(DebugDisabledTest, RefusedByDefault) {
  EXPECT_EQ(str(conn().cmd({"DEBUG", "SLEEP", "0"})), kDebugRefused);
  EXPECT_EQ(str(conn().cmd({"DEBUG"})), "ERR wrong number of arguments for 'debug' command");
}

RKV_INSTANTIATE_IO_MODES(DebugDisabledTest);

class DebugLocalTest : public ServerTest {
 protected:
  std::vector<std::string> server_args() const override {
    return {"--enable-debug-command", "local"};
  }
};

TEST_P(DebugLocalTest, AllowedFromLoopback) {
  EXPECT_EQ(str(conn().cmd({"DEBUG", "SLEEP", "0"})), "OK");
}

RKV_INSTANTIATE_IO_MODES(DebugLocalTest);

}  // namespace
}  // namespace rkv::test
