// Server's side of blocking commands (blocking.h): parking, wake-ups, timeouts.
#include "server/blocking.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "server/notify.h"
#include "server/server.h"
#include "util/clock.h"
#include "util/numbers.h"

namespace rkv::server {

namespace {
// How often the timeout timer looks again while a script is busy.
constexpr int64_t kBusyTimerRetryMs = 10;
}  // namespace

bool parse_block_timeout(std::string_view arg, resp::Reply& reply, int64_t* timeout_ms) {
  std::optional<long double> secs = parse_long_double(arg);
  if (!secs) {
    reply.error("ERR timeout is not a float or out of range");
    return false;
  }
  // Redis 7.0 converts with a plain cast, so a product beyond int64 (inf, 1e20) comes out
  // negative on x86 and is reported as such; -0.0001 rounds up to 0, "forever".
  const long double ms = std::ceil(*secs * 1000.0L);
  if (!(ms < 9223372036854775807.0L) || ms < 0) {
    reply.error("ERR timeout is negative");
    return false;
  }
  *timeout_ms = static_cast<int64_t>(ms);
  return true;
}

void Server::block_client(CommandContext& ctx, std::span<const std::string_view> keys,
                          store::ObjType waits_for, int64_t timeout_ms, DeniedReply denied) {
  Client& c = ctx.client;
  if (c.deny_blocking) {
    // Inside EXEC (or a script) nothing can arrive before the caller goes on: Redis 7.0
    // answers at once, as the command's empty result.
    if (denied == DeniedReply::kNull)
      ctx.reply.null();
    else
      ctx.reply.null_array();
    return;
  }
  if (c.blocked) {  // woken, and still nothing to serve: keep its place in line
    c.blocked->blocked_again = true;
    return;
  }
  auto b = std::make_unique<BlockedCommand>();
  b->cmd = ctx.cmd;
  b->argv.assign(ctx.argv.begin(), ctx.argv.end());
  b->db = c.db_index;
  b->waits_for = waits_for;
  auto& by_key = blocking_keys_[static_cast<size_t>(b->db)];
  for (std::string_view key : keys) {
    if (std::find(b->keys.begin(), b->keys.end(), key) != b->keys.end()) continue;
    auto it = by_key.find(key);
    if (it == by_key.end()) it = by_key.emplace(std::string(key), std::list<Client*>{}).first;
    it->second.push_back(&c);
    b->keys.emplace_back(key);
    b->positions.push_back(std::prev(it->second.end()));
  }
  if (timeout_ms > 0) {
    b->deadline_ms = mono_ms() + timeout_ms;
    block_timeouts_.emplace(b->deadline_ms, c.id());
    arm_block_timer();
  }
  if (blocked_in_db_[static_cast<size_t>(b->db)]++ == 0) update_db_hooks(b->db);
  blocked_count_++;
  c.blocked = std::move(b);
}

void Server::unpark(Client& c) {
  BlockedCommand& b = *c.blocked;
  auto& by_key = blocking_keys_[static_cast<size_t>(b.db)];
  for (size_t i = 0; i < b.keys.size(); i++) {
    auto it = by_key.find(b.keys[i]);
    it->second.erase(b.positions[i]);
    if (it->second.empty()) by_key.erase(it);
  }
  if (b.deadline_ms) {
    block_timeouts_.erase({b.deadline_ms, c.id()});
    arm_block_timer();
  }
  if (--blocked_in_db_[static_cast<size_t>(b.db)] == 0) update_db_hooks(b.db);
  blocked_count_--;
  c.blocked.reset();
}

void Server::on_key_added(store::Db& db, const store::Entry& e, bool created) {
  if (created) notify_keyspace_event(kNotifyNew, "new", e.key(), db.id());
  if (blocked_in_db_[static_cast<size_t>(db.id())] == 0) return;
  const auto& by_key = blocking_keys_[static_cast<size_t>(db.id())];
  if (by_key.find(e.key()) == by_key.end()) return;
  std::pair<int, std::string> k{db.id(), std::string(e.key())};
  if (ready_set_.insert(k).second) ready_keys_.push_back(std::move(k));
}

void Server::signal_blocked_keys_in_db(int db) {
  store::Db& d = *dbs_[static_cast<size_t>(db)];
  for (const auto& [key, waiters] : blocking_keys_[static_cast<size_t>(db)])
    if (store::Entry* e = d.peek(key)) on_key_added(d, *e, false);
  // Served when the SWAPDB call (or the EXEC or script around it) ends.
}

void Server::serve_ready_keys() {
  // Commands run here may make more keys ready (BLMOVE into a key others wait on): the
  // outer call drains them all, in order.
  if (serving_ready_keys_) return;
  serving_ready_keys_ = true;
  while (!ready_keys_.empty()) {
    std::vector<std::pair<int, std::string>> batch;
    batch.swap(ready_keys_);
    ready_set_.clear();
    for (const auto& [db, key] : batch) {
      auto& by_key = blocking_keys_[static_cast<size_t>(db)];
      auto it = by_key.find(key);
      if (it == by_key.end()) continue;
      // Only those waiting now: a client that blocks during this pass joins the line's end
      // and has just seen the key empty.
      size_t n = it->second.size();
      auto next = it->second.begin();
      while (n-- > 0) {
        Client* c = *next++;
        store::Entry* e = dbs_[static_cast<size_t>(db)]->lookup_write(key);
        if (!e) break;  // the key was emptied: the rest keep waiting
        if (c->close_asap() || e->type() != c->blocked->waits_for) continue;
        rerun_blocked(*c);
        it = by_key.find(key);
        if (it == by_key.end()) break;  // every waiter served
      }
    }
  }
  serving_ready_keys_ = false;
}

void Server::rerun_blocked(Client& c) {
  BlockedCommand& b = *c.blocked;
  b.blocked_again = false;
  std::vector<std::string_view> argv(b.argv.begin(), b.argv.end());
  const int64_t start_us = wall_us();
  now_ms_ = start_us / 1000;
  resp::Reply& reply = c.reply();
  const uint64_t errors_before = reply.error_count();
  CommandContext ctx{*this, c, argv, reply, *dbs_[static_cast<size_t>(b.db)], now_ms_, b.cmd};
  b.cmd->spec->handler(ctx);
  if (b.blocked_again) return;
  account_call(*b.cmd, wall_us() - start_us, reply, errors_before);
  queue_write(c);
  unpark(c);
  unblocked_clients_.push_back(c.id());
}

bool Server::unblock_client(Client& c, bool with_error) {
  if (!c.blocked) return false;
  if (with_error) {
    c.reply().error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
    count_error("UNBLOCKED");
  } else {
    c.reply().null_array();
  }
  queue_write(c);
  unpark(c);
  unblocked_clients_.push_back(c.id());
  return true;
}

void Server::arm_block_timer() {
  // One loop timer for all blocked clients, due at the earliest deadline.
  const int64_t first = block_timeouts_.empty() ? 0 : block_timeouts_.begin()->first;
  if (block_timer_ && block_timer_when_ == first) return;
  if (block_timer_) loop_->cancel_timer(block_timer_);
  block_timer_ = 0;
  if (!first) return;
  block_timer_when_ = first;
  block_timer_ = loop_->add_timer(std::max<int64_t>(0, first - mono_ms()), [this] {
    // A busy script lets the loop read and write, not run timers (Redis's
    // processEventsWhileBlocked): blocked clients time out once it has ended.
    if (busy_caller_) return int64_t{kBusyTimerRetryMs};
    block_timer_ = 0;
    expire_block_timeouts();
    return int64_t{-1};
  });
}

void Server::expire_block_timeouts() {
  const int64_t now = mono_ms();
  while (!block_timeouts_.empty() && block_timeouts_.begin()->first <= now) {
    const uint64_t id = block_timeouts_.begin()->second;
    auto it = clients_.find(id);
    if (it == clients_.end() || !it->second->blocked) {
      block_timeouts_.erase(block_timeouts_.begin());
      continue;
    }
    unblock_client(*it->second, false);
  }
  arm_block_timer();
}

void Server::process_unblocked_clients() {
  // Pipelined commands that arrived behind the blocking one run now, in order.
  while (!unblocked_clients_.empty()) {
    std::vector<uint64_t> ids;
    ids.swap(unblocked_clients_);
    for (uint64_t id : ids) {
      auto it = clients_.find(id);
      if (it == clients_.end()) continue;
      Client& c = *it->second;
      if (!c.blocked && !c.close_asap() && c.query.unread_size() > 0) process_input(c);
    }
  }
}

}  // namespace rkv::server
