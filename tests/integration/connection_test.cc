// Connection family against the running server: PING ECHO SELECT AUTH HELLO RESET CLIENT.
#include "harness.h"

namespace rkv::test {
namespace {

class ConnectionTest : public ServerTest {};

TEST_P(ConnectionTest, PingAndEcho) {
  EXPECT_EQ(str(conn().cmd({"PING"})), "PONG");
  EXPECT_EQ(str(conn().cmd({"PING", "hello"})), "hello");
  EXPECT_TRUE(is_error(conn().cmd({"PING", "a", "b"}), "ERR wrong number of arguments for 'ping'"));
  EXPECT_EQ(str(conn().cmd({"ECHO", "with space"})), "with space");
}

TEST_P(ConnectionTest, SelectChangesDatabase) {
  EXPECT_EQ(str(conn().cmd({"SET", "k", "db0"})), "OK");
  EXPECT_EQ(str(conn().cmd({"SELECT", "1"})), "OK");
  EXPECT_EQ(str(conn().cmd({"GET", "k"})), "<nil>");
  EXPECT_EQ(str(conn().cmd({"SELECT", "16"})), "ERR DB index is out of range");
  EXPECT_EQ(str(conn().cmd({"SELECT", "x"})), "ERR value is not an integer or out of range");
  EXPECT_EQ(str(conn().cmd({"SELECT", "0"})), "OK");
  EXPECT_EQ(str(conn().cmd({"GET", "k"})), "db0");
}

TEST_P(ConnectionTest, HelloSwitchesProtocol) {
  std::string hello = conn().raw_cmd({"HELLO", "3"});
  EXPECT_EQ(hello.substr(0, 4), "%7\r\n");
  EXPECT_NE(hello.find("$5\r\nproto\r\n:3\r\n"), std::string::npos);
  // RESP3 null, double and map replies on the same connection.
  EXPECT_EQ(conn().raw_cmd({"GET", "missing"}), "_\r\n");
  EXPECT_EQ(conn().raw_cmd({"HELLO", "4"}), "-NOPROTO unsupported protocol version\r\n");
  EXPECT_EQ(conn().raw_cmd({"HELLO", "3", "FOO"}), "-ERR Syntax error in HELLO option 'FOO'\r\n");
  conn().raw_cmd({"HELLO", "2"});
  EXPECT_EQ(str(conn().cmd({"GET", "missing"})), "<nil>");
  auto r = conn().cmd({"HELLO", "2", "SETNAME", "myname"});
  ASSERT_EQ(r->type, REDIS_REPLY_ARRAY);
  EXPECT_EQ(str(conn().cmd({"CLIENT", "GETNAME"})), "myname");
}

TEST_P(ConnectionTest, ClientIdNameListKill) {
  long long id = integer(conn().cmd({"CLIENT", "ID"}));
  EXPECT_GT(id, 0);
  EXPECT_EQ(str(conn().cmd({"CLIENT", "GETNAME"})), "<nil>");
  EXPECT_EQ(str(conn().cmd({"CLIENT", "SETNAME", "a b"})),
            "ERR Client names cannot contain spaces, newlines or special characters.");
  EXPECT_EQ(str(conn().cmd({"CLIENT", "SETNAME", "worker"})), "OK");
  Conn other(port());
  long long other_id = integer(other.cmd({"CLIENT", "ID"}));
  std::string list = str(conn().cmd({"CLIENT", "LIST"}));
  EXPECT_NE(list.find("id=" + std::to_string(id) + " "), std::string::npos);
  EXPECT_NE(list.find("name=worker"), std::string::npos);
  EXPECT_NE(list.find("id=" + std::to_string(other_id) + " "), std::string::npos);
  EXPECT_EQ(integer(conn().cmd({"CLIENT", "KILL", "ID", std::to_string(other_id)})), 1);
  EXPECT_TRUE(other.wait_closed());
  EXPECT_EQ(str(conn().cmd({"PING"})), "PONG");
  EXPECT_TRUE(is_error(conn().cmd({"CLIENT", "NOPE"}), "ERR unknown subcommand 'NOPE'"));
}

TEST_P(ConnectionTest, QuitClosesAfterReply) {
  EXPECT_EQ(str(conn().cmd({"QUIT"})), "OK");
  EXPECT_TRUE(conn().wait_closed());
  Conn again(port());
  EXPECT_EQ(str(again.cmd({"PING"})), "PONG");
}

RKV_INSTANTIATE_IO_MODES(ConnectionTest);

class AuthTest : public ServerTest {
 protected:
  std::vector<std::string> server_args() const override { return {"--requirepass", "s3cret"}; }
};

TEST_P(AuthTest, RequirepassGatesCommands) {
  EXPECT_EQ(str(conn().cmd({"GET", "x"})), "NOAUTH Authentication required.");
  EXPECT_EQ(str(conn().cmd({"AUTH", "wrong"})),
            "WRONGPASS invalid username-password pair or user is disabled.");
  EXPECT_EQ(str(conn().cmd({"AUTH", "s3cret"})), "OK");
  EXPECT_EQ(str(conn().cmd({"GET", "x"})), "<nil>");
  EXPECT_EQ(str(conn().cmd({"RESET"})), "RESET");
  EXPECT_EQ(str(conn().cmd({"GET", "x"})), "NOAUTH Authentication required.");
  std::string hello = conn().raw_cmd({"HELLO", "3", "AUTH", "default", "s3cret"});
  EXPECT_EQ(hello.substr(0, 4), "%7\r\n");
  EXPECT_EQ(conn().raw_cmd({"GET", "x"}), "_\r\n");
}

RKV_INSTANTIATE_IO_MODES(AuthTest);

}  // namespace
}  // namespace rkv::test
