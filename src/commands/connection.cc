// Connection family: PING ECHO QUIT SELECT AUTH HELLO RESET CLIENT.
#include <cctype>
#include <string>

#include "server/client.h"
#include "server/client_info.h"
#include "server/command.h"
#include "server/errors.h"
#include "server/server.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace rkv::server {
namespace {

void ping(CommandContext& ctx) {
  if (ctx.argc() > 2) {
    ctx.reply.error("ERR wrong number of arguments for 'ping' command");
    return;
  }
  if (ctx.client.subs.pubsub_mode() && ctx.client.resp_version() == 2) {
    // A RESP2 subscriber reads arrays only: the pong comes as one, like a message.
    ctx.reply.array(2);
    ctx.reply.bulk("pong");
    ctx.reply.bulk(ctx.argc() == 2 ? ctx.arg(1) : std::string_view());
  } else if (ctx.argc() == 1)
    ctx.reply.simple("PONG");
  else
    ctx.reply.bulk(ctx.arg(1));
}

void echo(CommandContext& ctx) {
  ctx.reply.bulk(ctx.arg(1));
}

void quit(CommandContext& ctx) {
  ctx.reply.ok();
  ctx.client.close_after_reply();
}

void select(CommandContext& ctx) {
  auto idx = parse_int64(ctx.arg(1));
  if (!idx || *idx < INT32_MIN || *idx > INT32_MAX) {
    ctx.reply.error(err::kNotInteger);
    return;
  }
  if (*idx < 0 || *idx >= ctx.server.db_count()) {
    ctx.reply.error(err::kDbIndex);
    return;
  }
  ctx.client.db_index = static_cast<int>(*idx);
  ctx.reply.ok();
}

// Checks a password for the default user (the only user until ACLs exist).
bool check_password(Server& server, std::string_view user, std::string_view pass) {
  if (user != "default") return false;
  const std::string& want = server.config().requirepass;
  return want.empty() || want == pass;
}

void auth(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    ctx.reply.error(err::kSyntax);
    return;
  }
  std::string_view user = ctx.argc() == 3 ? ctx.arg(1) : std::string_view("default");
  std::string_view pass = ctx.argc() == 3 ? ctx.arg(2) : ctx.arg(1);
  if (ctx.argc() == 2 && ctx.server.config().requirepass.empty()) {
    ctx.reply.error(
        "ERR AUTH <password> called without any password configured for the default user. Are "
        "you sure your configuration is correct?");
    return;
  }
  if (!check_password(ctx.server, user, pass)) {
    ctx.reply.error("WRONGPASS invalid username-password pair or user is disabled.");
    return;
  }
  ctx.client.authenticated = true;
  ctx.client.user = std::string(user);
  ctx.reply.ok();
}

bool valid_client_name(std::string_view name) {
  for (char c : name)
    if (c < '!' || c > '~') return false;
  return true;
}

void hello(CommandContext& ctx) {
  int ver = ctx.client.resp_version();
  size_t i = 1;
  if (ctx.argc() >= 2) {
    auto v = parse_int64(ctx.arg(1));
    if (!v) {
      ctx.reply.error("ERR Protocol version is not an integer or out of range");
      return;
    }
    if (*v < 2 || *v > 3) {
      ctx.reply.error("NOPROTO unsupported protocol version");
      return;
    }
    ver = static_cast<int>(*v);
    i = 2;
  }
  std::string_view setname;
  bool has_setname = false;
  for (; i < ctx.argc(); i++) {
    bool more = i + 1 < ctx.argc();
    if (iequals(ctx.arg(i), "AUTH") && i + 2 < ctx.argc()) {
      if (!check_password(ctx.server, ctx.arg(i + 1), ctx.arg(i + 2))) {
        ctx.reply.error("WRONGPASS invalid username-password pair or user is disabled.");
        return;
      }
      ctx.client.authenticated = true;
      ctx.client.user = std::string(ctx.arg(i + 1));
      i += 2;
    } else if (iequals(ctx.arg(i), "SETNAME") && more) {
      setname = ctx.arg(i + 1);
      if (!valid_client_name(setname)) {
        ctx.reply.error("ERR Client names cannot contain spaces, newlines or special characters.");
        return;
      }
      has_setname = true;
      i++;
    } else {
      ctx.reply.error("ERR Syntax error in HELLO option '" + std::string(ctx.arg(i)) + "'");
      return;
    }
  }
  if (!ctx.client.authenticated) {
    ctx.reply.error(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
        "<proto> AUTH <user> <pass> option can be used to authenticate the client and select the "
        "RESP protocol version at the same time");
    return;
  }
  if (has_setname) ctx.client.name = std::string(setname);
  ctx.client.set_resp_version(ver);
  resp::Reply& r = ctx.reply;
  r.map(7);
  r.bulk("server");
  r.bulk("redis");
  r.bulk("version");
  r.bulk("7.0.15");
  r.bulk("proto");
  r.integer(ver);
  r.bulk("id");
  r.integer(static_cast<int64_t>(ctx.client.id()));
  r.bulk("mode");
  r.bulk("standalone");
  r.bulk("role");
  r.bulk("master");
  r.bulk("modules");
  r.array(0);
}

void reset(CommandContext& ctx) {
  Client& c = ctx.client;
  ctx.server.discard_transaction(c);
  c.db_index = 0;
  c.set_resp_version(2);
  c.name.clear();
  c.authenticated = ctx.server.config().requirepass.empty();
  c.user = "default";
  ctx.server.pubsub().unsubscribe_all(c.subs);
  ctx.reply.simple("RESET");
}

// --- CLIENT ---------------------------------------------------------------------------

// CLIENT LIST/KILL TYPE: a client is "pubsub" while subscribed (Redis's getClientType).
bool client_is_type(const Client& c, std::string_view type) {
  return iequals(type, c.subs.pubsub_mode() ? "pubsub" : "normal");
}

void client_id(CommandContext& ctx) {
  ctx.reply.integer(static_cast<int64_t>(ctx.client.id()));
}

void client_setname(CommandContext& ctx) {
  if (!valid_client_name(ctx.arg(2))) {
    ctx.reply.error("ERR Client names cannot contain spaces, newlines or special characters.");
    return;
  }
  ctx.client.name = std::string(ctx.arg(2));
  ctx.reply.ok();
}

void client_getname(CommandContext& ctx) {
  if (ctx.client.name.empty())
    ctx.reply.null();
  else
    ctx.reply.bulk(ctx.client.name);
}

void client_info(CommandContext& ctx) {
  ctx.reply.verbatim(describe_client(ctx.server, ctx.client, ctx.now_ms) + "\n");
}

void client_list(CommandContext& ctx) {
  std::vector<uint64_t> ids;
  bool filter_ids = false;
  std::string_view type;
  for (size_t i = 2; i < ctx.argc(); i++) {
    if (iequals(ctx.arg(i), "TYPE") && i + 1 < ctx.argc()) {
      std::string_view t = ctx.arg(++i);
      if (!iequals(t, "normal") && !iequals(t, "master") && !iequals(t, "replica") &&
          !iequals(t, "slave") && !iequals(t, "pubsub")) {
        ctx.reply.error("ERR Unknown client type '" + std::string(t) + "'");
        return;
      }
      type = t;
    } else if (iequals(ctx.arg(i), "ID") && i + 1 < ctx.argc()) {
      filter_ids = true;
      for (i++; i < ctx.argc(); i++) {
        auto id = parse_int64(ctx.arg(i));
        if (!id || *id <= 0) {
          ctx.reply.error("ERR Invalid client ID");
          return;
        }
        ids.push_back(static_cast<uint64_t>(*id));
      }
    } else {
      ctx.reply.error(err::kSyntax);
      return;
    }
  }
  std::vector<const Client*> list;
  for (const auto& [id, c] : ctx.server.clients()) {
    if (c->close_asap()) continue;
    if (filter_ids && std::find(ids.begin(), ids.end(), id) == ids.end()) continue;
    if (!type.empty() && !client_is_type(*c, type)) continue;
    list.push_back(c.get());
  }
  std::sort(list.begin(), list.end(),
            [](const Client* a, const Client* b) { return a->id() < b->id(); });
  std::string out;
  for (const Client* c : list) out += describe_client(ctx.server, *c, ctx.now_ms) + "\n";
  ctx.reply.verbatim(out);
}

void client_unblock(CommandContext& ctx) {
  if (ctx.argc() > 4) {
    reply_subcommand_syntax_error(ctx.reply, "CLIENT", ctx.arg(1));
    return;
  }
  auto id = parse_int64(ctx.arg(2));
  if (!id) {
    ctx.reply.error(err::kNotInteger);
    return;
  }
  bool with_error = false;
  if (ctx.argc() == 4) {
    if (iequals(ctx.arg(3), "ERROR")) {
      with_error = true;
    } else if (!iequals(ctx.arg(3), "TIMEOUT")) {
      ctx.reply.error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
      return;
    }
  }
  const auto& clients = ctx.server.clients();
  auto it = clients.find(static_cast<uint64_t>(*id));
  ctx.reply.integer(it != clients.end() && ctx.server.unblock_client(*it->second, with_error));
}

void client_kill(CommandContext& ctx) {
  std::vector<Client*> victims;
  bool skipme = true;
  if (ctx.argc() == 3) {
    // Old form: CLIENT KILL ip:port
    for (const auto& [id, c] : ctx.server.clients())
      if (c->conn().peer() == ctx.arg(2) && !c->close_asap()) victims.push_back(c.get());
    if (victims.empty()) {
      ctx.reply.error("ERR No such client");
      return;
    }
    for (Client* c : victims) {
      if (c == &ctx.client)
        c->close_after_reply();
      else
        ctx.server.kill_client(*c);
    }
    ctx.reply.ok();
    return;
  }
  if ((ctx.argc() - 2) % 2 != 0) {
    ctx.reply.error(err::kSyntax);
    return;
  }
  int64_t want_id = -1;
  std::string_view addr, laddr, user, type;
  for (size_t i = 2; i + 1 < ctx.argc(); i += 2) {
    std::string_view k = ctx.arg(i), v = ctx.arg(i + 1);
    if (iequals(k, "ID")) {
      auto id = parse_int64(v);
      if (!id || *id <= 0) {
        ctx.reply.error("ERR client-id should be greater than 0");
        return;
      }
      want_id = *id;
    } else if (iequals(k, "ADDR")) {
      addr = v;
    } else if (iequals(k, "LADDR")) {
      laddr = v;
    } else if (iequals(k, "USER")) {
      user = v;
    } else if (iequals(k, "TYPE")) {
      if (!iequals(v, "normal") && !iequals(v, "master") && !iequals(v, "replica") &&
          !iequals(v, "slave") && !iequals(v, "pubsub")) {
        ctx.reply.error("ERR Unknown client type '" + std::string(v) + "'");
        return;
      }
      type = v;
    } else if (iequals(k, "SKIPME")) {
      if (iequals(v, "yes"))
        skipme = true;
      else if (iequals(v, "no"))
        skipme = false;
      else {
        ctx.reply.error(err::kSyntax);
        return;
      }
    } else {
      ctx.reply.error(err::kSyntax);
      return;
    }
  }
  int64_t killed = 0;
  for (const auto& [id, c] : ctx.server.clients()) {
    if (c->close_asap()) continue;
    if (want_id >= 0 && static_cast<int64_t>(id) != want_id) continue;
    if (!addr.empty() && c->conn().peer() != addr) continue;
    if (!laddr.empty() && c->conn().local() != laddr) continue;
    if (!user.empty() && c->user != user) continue;
    if (!type.empty() && !client_is_type(*c, type)) continue;
    if (skipme && c.get() == &ctx.client) continue;
    victims.push_back(c.get());
  }
  for (Client* c : victims) {
    if (c == &ctx.client)
      c->close_after_reply();
    else
      ctx.server.kill_client(*c);
    killed++;
  }
  ctx.reply.integer(killed);
}

void client_no_evict(CommandContext& ctx) {
  std::string_view v = ctx.arg(2);
  if (iequals(v, "ON")) {
    ctx.client.no_evict = true;
  } else if (iequals(v, "OFF")) {
    ctx.client.no_evict = false;
  } else {
    ctx.reply.error(err::kSyntax);
    return;
  }
  ctx.reply.ok();
}

void client_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "GETNAME",
      "    Return the name of the current connection.",
      "ID",
      "    Return the ID of the current connection.",
      "INFO",
      "    Return information about the current client connection.",
      "KILL <ip:port>",
      "    Kill connection made from <ip:port>.",
      "KILL <option> <value> [<option> <value> [...]]",
      "    Kill connections. Options are:",
      "    * ADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made from the specified address",
      "    * LADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made to specified local address",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Kill connections by type.",
      "    * USER <username>",
      "      Kill connections authenticated by <username>.",
      "    * SKIPME (YES|NO)",
      "      Skip killing current connection (default: yes).",
      "    * ID <client-id>",
      "      Kill connections by client id.",
      "LIST [options ...]",
      "    Return information about client connections. Options:",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Return clients of specified type.",
      "SETNAME <name>",
      "    Assign the name <name> to the current connection.",
      "NO-EVICT (ON|OFF)",
      "    Protect current client connection from eviction.",
  };
  reply_help(ctx.reply, "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", kLines);
}

constexpr std::string_view kConn = "@slow @connection";

const CommandSpec kClientSubcommands[] = {
    {"id", 2, kNoscript | kLoading | kStale, 0, 0, 0, client_id, kConn, "connection", "5.0.0",
     "Returns the unique client ID of the connection.", "O(1)"},
    {"setname", 3, kNoscript | kLoading | kStale, 0, 0, 0, client_setname, kConn, "connection",
     "2.6.9", "Sets the connection name.", "O(1)"},
    {"getname", 2, kNoscript | kLoading | kStale, 0, 0, 0, client_getname, kConn, "connection",
     "2.6.9", "Returns the name of the connection.", "O(1)"},
    {"list", -2, kAdmin | kNoscript | kLoading | kStale, 0, 0, 0, client_list,
     "@admin @slow @dangerous @connection", "connection", "2.4.0", "Lists open connections.",
     "O(N) where N is the number of client connections"},
    {"info", 2, kNoscript | kLoading | kStale, 0, 0, 0, client_info, kConn, "connection", "6.2.0",
     "Returns information about the connection.", "O(1)"},
    {"kill", -3, kAdmin | kNoscript | kLoading | kStale, 0, 0, 0, client_kill,
     "@admin @slow @dangerous @connection", "connection", "2.4.0", "Terminates open connections.",
     "O(N) where N is the number of client connections"},
    {"unblock", -3, kAdmin | kNoscript | kLoading | kStale, 0, 0, 0, client_unblock,
     "@admin @slow @dangerous @connection", "connection", "5.0.0",
     "Unblocks a client blocked by a blocking command from a different connection.",
     "O(log N) where N is the number of client connections"},
    {"no-evict", 3, kAdmin | kNoscript | kLoading | kStale, 0, 0, 0, client_no_evict,
     "@admin @slow @dangerous @connection", "connection", "7.0.0",
     "Sets the client eviction mode of the connection.", "O(1)"},
    {"help", 2, kLoading | kStale, 0, 0, 0, client_help, kConn, "connection", "5.0.0",
     "Returns helpful text about the different subcommands.", "O(1)"},
};

const CommandSpec kConnectionCommands[] = {
    {"ping", -1, kFast | kSentinel, 0, 0, 0, ping, "@fast @connection", "connection", "1.0.0",
     "Returns the server's liveliness response.", "O(1)"},
    {"echo", 2, kFast, 0, 0, 0, echo, "@fast @connection", "connection", "1.0.0",
     "Returns the given string.", "O(1)"},
    {"quit", -1, kAllowBusy | kNoscript | kLoading | kStale | kFast | kNoAuth | kNotQueued, 0, 0, 0,
     quit, "@fast @connection", "connection", "1.0.0", "Closes the connection.", "O(1)"},
    {"select", 2, kLoading | kStale | kFast, 0, 0, 0, select, "@fast @connection", "connection",
     "1.0.0", "Changes the selected database.", "O(1)"},
    {"auth", -2, kNoscript | kLoading | kStale | kFast | kNoAuth | kSentinel | kAllowBusy, 0, 0, 0,
     auth, "@fast @connection", "connection", "1.0.0", "Authenticates the connection.",
     "O(N) where N is the number of passwords defined for the user"},
    {"hello", -1, kNoscript | kLoading | kStale | kFast | kNoAuth | kSentinel | kAllowBusy, 0, 0, 0,
     hello, "@fast @connection", "connection", "6.0.0", "Handshakes with the Redis server.",
     "O(1)"},
    {"reset", 1, kNoscript | kLoading | kStale | kFast | kNoAuth | kNotQueued | kAllowBusy, 0, 0, 0,
     reset, "@fast @connection", "connection", "6.2.0", "Resets the connection.", "O(1)"},
    {"client", -2, 0, 0, 0, 0, reply_container_fallback, "@slow", "connection", "2.4.0",
     "A container for client connection commands.", "Depends on subcommand.", kClientSubcommands},
};

}  // namespace

std::span<const CommandSpec> connection_commands() {
  return kConnectionCommands;
}

std::string describe_client(const Server& server, const Client& c, int64_t now_ms) {
  char buf[1024];
  std::string flags;  // in Redis's order
  if (c.subs.pubsub_mode()) flags += 'P';
  if (c.multi) flags += 'x';
  if (c.blocked) flags += 'b';
  if (c.watch.dirty) flags += 'd';
  if (c.no_evict) flags += 'e';
  if (flags.empty()) flags = "N";
  const size_t multi_mem = c.multi ? c.multi->memory() : 0;
  std::snprintf(
      buf, sizeof(buf),
      "id=%llu addr=%s laddr=%s fd=%d name=%s age=%lld idle=%lld flags=%s db=%d sub=%zu psub=%zu "
      "ssub=%zu multi=%lld qbuf=%zu qbuf-free=%zu argv-mem=0 multi-mem=%zu rbs=%zu rbp=0 obl=0 "
      "oll=0 "
      "omem=%zu tot-mem=%zu events=r cmd=%s user=%s redir=-1 resp=%d",
      static_cast<unsigned long long>(c.id()), c.conn().peer().c_str(), c.conn().local().c_str(),
      c.conn().fd(), c.name.c_str(), static_cast<long long>((now_ms - c.ctime_ms) / 1000),
      static_cast<long long>((now_ms - c.last_interaction_ms) / 1000), flags.c_str(), c.db_index,
      c.subs.channels(), c.subs.patterns(), c.subs.shard_channels(),
      c.multi ? static_cast<long long>(c.multi->commands.size()) : -1LL, c.query.unread_size(),
      c.query.capacity() - c.query.unread_size(), multi_mem, c.query.capacity(),
      c.out().allocated(), c.memory_usage(), std::string(c.last_command).c_str(), c.user.c_str(),
      c.resp_version());
  (void)server;
  return buf;
}

}  // namespace rkv::server
