// From parsed bytes to a command run: the parse loop over a client's query buffer and
// the dispatch checks (unknown command, arity, auth) around each handler call.
#include <algorithm>
#include <cctype>

#include "server/errors.h"
#include "server/server.h"
#include "util/clock.h"
#include "util/log.h"

namespace rkv::server {

void Server::process_input(Client& c) {
  clock_us_ = 0;  // the first command of a batch reads the clock afresh
  resp::ParserLimits limits;
  limits.max_bulk_len = config_.proto_max_bulk_len;
  size_t prefetched = 0;  // commands ahead whose keys are already on their way
  while (!c.close_asap() && !c.closing_after_reply() && !c.blocked && c.query.unread_size() > 0) {
    if (prefetched == 0) prefetched = prefetch_keys(c);
    if (prefetched > 0) prefetched--;
    limits.authenticated = c.authenticated;
    size_t consumed = 0;
    resp::RequestParser::Result r;
    if (c.io.preparsed) {
      c.io.preparsed = false;
      r = c.io.parse_result;
      consumed = c.io.parse_consumed;
    } else {
      r = c.parser.parse(c.query.unread(), limits, &consumed);
    }
    if (r == resp::RequestParser::Result::kError) {
      LOG_VERBOSE("Protocol error (%s) from client: id=%llu addr=%s", c.parser.error().c_str(),
                  static_cast<unsigned long long>(c.id()), c.conn().peer().c_str());
      c.reply().error("ERR " + c.parser.error());
      count_error("ERR");
      c.close_after_reply();
      queue_write(c);
      c.query.consume(c.query.unread_size());
      break;
    }
    if (r == resp::RequestParser::Result::kIncomplete) {
      c.query.consume(consumed);
      break;
    }
    // args() point into the query buffer, which does not move until we consume.
    execute(c, c.parser.args());
    c.query.consume(consumed);
  }
  c.query.compact();
  clock_us_ = 0;
}

void Server::execute(Client& c, std::span<const std::string_view> argv) {
  // One clock read gives both the command's time (for expiry) and the start of its
  // duration (commandstats). In a pipeline the end of one command is the start of the
  // next (clock_us_), so a batch of n commands reads the clock n + 1 times, not 2n: on
  // small commands the clock is otherwise a tenth of the server's CPU time.
  const int64_t start_us = clock_us_ ? clock_us_ : wall_us();
  now_ms_ = start_us / 1000;
  stats_.total_commands_processed++;
  c.commands_processed++;
  resp::Reply& reply = c.reply();
  queue_write(c);

  // Rejections name the client (&c) so that inside MULTI they fail the transaction.
  Command* cmd = resolve_command(argv, reply, &c);
  if (!cmd) return;
  if (!c.authenticated && !(cmd->spec->flags & kNoAuth)) {
    reject_command(cmd, reply, err::kNoAuth, &c);
    return;
  }
  // Over maxmemory: inside MULTI the refusal fails the transaction (&c), and EXEC is
  // judged by the commands it queued.
  if (config_.maxmemory > 0 &&
      reject_for_memory(*cmd, command_flags(*cmd, argv), c.multi != nullptr,
                        c.multi ? c.multi->cmd_flags : 0)) {
    reject_command(cmd, reply, err::kOom, &c);
    return;
  }
  // RESP2 subscriber mode: the connection carries messages, so only the commands that
  // manage subscriptions are understood (RESP3 tells pushes apart and allows everything).
  if (c.subs.pubsub_mode() && c.resp_version() == 2 && !subscriber_mode_allows(cmd->full_name)) {
    reject_command(cmd, reply,
                   "ERR Can't execute '" + cmd->full_name +
                       "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are "
                       "allowed in this context",
                   &c);
    return;
  }
  // A script is running and yields to the loop (busy.cc): only allow-busy commands run
  // or are queued; inside MULTI a refusal fails the transaction, as Redis checks this
  // before queuing.
  if (busy_caller_ && !(cmd->spec->flags & kAllowBusy)) {
    reject_command(cmd, reply, busy_error_, &c);
    return;
  }
  if (c.multi && !(cmd->spec->flags & kNotQueued)) {
    queue_command(c, *cmd, argv);
    return;
  }
  call(c, *cmd, argv, start_us);
  enforce_output_limits(c);
}

uint32_t Server::command_flags(const Command& cmd, std::span<const std::string_view> argv) const {
  const uint32_t flags = cmd.spec->flags;
  return (flags & kNoMandatoryKeys) && script_host_ ? script_host_->command_flags(argv, flags)
                                                    : flags;
}

void Server::reject_command(Command* cmd, resp::Reply& reply, std::string_view msg, Client* c) {
  if (cmd) cmd->stats.rejected_calls++;
  if (c && reject_in_transaction(*c, cmd, msg)) return;
  reply.error(msg);
  count_error(reply.last_error_code());
}

Command* Server::resolve_command(std::span<const std::string_view> argv, resp::Reply& reply,
                                 Client* c) {
  Command* cmd = commands_.find(argv[0]);
  if (!cmd) {
    std::string args;
    for (size_t i = 1; i < argv.size() && args.size() < 128; i++) {
      args += "'";
      args += argv[i].substr(0, 128 - args.size());
      args += "' ";
    }
    reject_command(nullptr, reply,
                   "ERR unknown command '" + std::string(argv[0].substr(0, 128)) +
                       "', with args beginning with: " + args,
                   c);
    return nullptr;
  }
  if (!cmd->subcommands.empty() && argv.size() >= 2) {
    Command* sub = commands_.find_sub(*cmd, argv[1]);
    if (!sub) {
      // Redis names the container in upper case here ("Try OBJECT HELP.").
      std::string upper = cmd->full_name;
      std::transform(upper.begin(), upper.end(), upper.begin(),
                     [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
      reject_command(cmd, reply,
                     "ERR unknown subcommand '" + std::string(argv[1].substr(0, 128)) + "'. Try " +
                         upper + " HELP.",
                     c);
      return nullptr;
    }
    cmd = sub;
  }
  const int arity = cmd->spec->arity;
  const int argc = static_cast<int>(argv.size());
  if ((arity > 0 && arity != argc) || (arity < 0 && argc < -arity)) {
    reject_command(cmd, reply, "ERR wrong number of arguments for '" + cmd->full_name + "' command",
                   c);
    return nullptr;
  }
  return cmd;
}

void Server::call(Client& c, Command& cmd, std::span<const std::string_view> argv,
                  int64_t start_us) {
  resp::Reply& reply = c.reply();
  c.last_command = cmd.full_name;
  CommandContext ctx{*this, c, argv, reply, *dbs_[static_cast<size_t>(c.db_index)], now_ms_, &cmd};
  const uint64_t errors_before = reply.error_count();
  const uint64_t nested_before = c.nested_errors;
  call_depth_++;
  cmd.spec->handler(ctx);
  call_depth_--;
  clock_us_ = wall_us();
  // Errors of the commands this one ran for c (EXEC's queue) were counted by their own
  // calls: as Redis, EXEC fails only by an error of its own.
  const uint64_t nested = c.nested_errors - nested_before;
  // A command that parked its client is counted when it is finally served (as Redis).
  if (!c.blocked) account_call(cmd, clock_us_ - start_us, reply, errors_before + nested);
  if (call_depth_ > 0) c.nested_errors = nested_before + (reply.error_count() - errors_before);
  // Inside EXEC or a script the wake-ups wait for the end of the outermost call, so a
  // woken client sees the transaction's or script's writes whole.
  if (call_depth_ == 0 && !ready_keys_.empty()) serve_ready_keys();
}

void Server::account_call(Command& cmd, int64_t dt_us, resp::Reply& reply, uint64_t errors_before) {
  cmd.stats.calls++;
  cmd.stats.usec += dt_us > 0 ? static_cast<uint64_t>(dt_us) : 0;
  if (reply.error_count() != errors_before) {
    cmd.stats.failed_calls++;
    count_error(reply.last_error_code());
  }
}

void Server::count_error(std::string_view code) {
  stats_.total_error_replies++;
  auto it = stats_.error_codes.find(code);
  if (it == stats_.error_codes.end()) {
    stats_.error_codes.emplace(std::string(code), 1);
  } else {
    it->second++;
  }
}

}  // namespace rkv::server
