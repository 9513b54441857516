// Transactions: the MULTI queue and WATCH (multi.h); EXEC itself is in
// commands/transaction.cc.
#include "server/multi.h"

#include <algorithm>

#include "server/server.h"

namespace rkv::server {

QueuedCommand::QueuedCommand(Command* cmd, std::span<const std::string_view> argv) : cmd_(cmd) {
  size_t total = 0;
  for (std::string_view a : argv) total += a.size();
  bytes_.reserve(total);
  lengths_.reserve(argv.size());
  for (std::string_view a : argv) {
    bytes_ += a;
    lengths_.push_back(static_cast<uint32_t>(a.size()));
  }
}

std::vector<std::string_view> QueuedCommand::argv() const {
  std::vector<std::string_view> argv;
  argv.reserve(lengths_.size());
  size_t pos = 0;
  for (uint32_t len : lengths_) {
    argv.emplace_back(bytes_.data() + pos, len);
    pos += len;
  }
  return argv;
}

void WatchIndex::watch(WatchState& w, int db, std::string_view key, bool expired) {
  for (const WatchState::Key& k : w.keys)
    if (k.db == db && k.key == key) return;
  KeyMap& keys = by_db_[static_cast<size_t>(db)];
  auto it = keys.find(key);
  if (it == keys.end()) it = keys.emplace(std::string(key), Watchers{}).first;
  it->second.emplace_back(&w, static_cast<uint32_t>(w.keys.size()));
  w.keys.push_back({db, std::string(key), expired});
  watched_++;
}

void WatchIndex::unwatch_all(WatchState& w) {
  for (const WatchState::Key& k : w.keys) {
    KeyMap& keys = by_db_[static_cast<size_t>(k.db)];
    auto it = keys.find(k.key);
    Watchers& ws = it->second;
    ws.erase(std::find_if(ws.begin(), ws.end(), [&](const auto& p) { return p.first == &w; }));
    if (ws.empty()) keys.erase(it);
  }
  watched_ -= w.keys.size();
  w.keys.clear();
}

void WatchIndex::make_dirty(const std::vector<WatchState*>& dirty) {
  for (WatchState* w : dirty) {
    if (w->dirty) continue;
    w->dirty = true;
    unwatch_all(*w);
  }
}

void Server::touch_watched_key(int db, std::string_view key) {
  // Handlers report a change after making it, so the table says whether the key is there.
  store::Db& d = *dbs_[static_cast<size_t>(db)];
  watches_.touch(db, key, [&] { return d.peek(key) != nullptr; });
}

void Server::on_key_expired(int db, std::string_view key) {
  // Called as the expired key is about to be removed: it is as good as gone.
  if (!watches_.empty()) watches_.touch(db, key, [] { return false; });
}

namespace {

KeyPresence presence(store::Db& d, std::string_view key) {
  const store::Entry* e = d.peek(key);
  return {e != nullptr, e && d.is_expired(e)};
}

}  // namespace

void Server::signal_flushed_db(int db) {
  if (watches_.empty()) return;
  for (int i = 0; i < db_count(); i++) {
    if ((db != -1 && i != db) || !watches_.watched_in(i)) continue;
    store::Db& d = *dbs_[static_cast<size_t>(i)];
    watches_.touch_all(
        i, [&](std::string_view key) { return presence(d, key); },
        [](std::string_view) { return KeyPresence{}; });
  }
}

void Server::signal_swapped_dbs(int a, int b) {
  if (watches_.empty() || a == b) return;
  store::Db& da = *dbs_[static_cast<size_t>(a)];
  store::Db& db = *dbs_[static_cast<size_t>(b)];
  auto in_a = [&](std::string_view key) { return presence(da, key); };
  auto in_b = [&](std::string_view key) { return presence(db, key); };
  // Clients stay on their db index: a's watchers see b's contents after the swap.
  watches_.touch_all(a, in_a, in_b);
  watches_.touch_all(b, in_b, in_a);
}

void Server::watch_key(Client& c, std::string_view key) {
  store::Db& d = *dbs_[static_cast<size_t>(c.db_index)];
  const store::Entry* e = d.peek(key);
  watches_.watch(c.watch, c.db_index, key, e && d.is_expired(e));
}

void Server::unwatch_all(Client& c) {
  if (!c.watch.keys.empty()) watches_.unwatch_all(c.watch);
}

bool Server::watched_key_expired(const Client& c) {
  for (const WatchState::Key& k : c.watch.keys) {
    if (k.expired) continue;  // absent when WATCHed, and nothing made it exist since
    store::Db& d = *dbs_[static_cast<size_t>(k.db)];
    const store::Entry* e = d.peek(k.key);
    if (e && d.is_expired(e)) return true;
  }
  return false;
}

void Server::discard_transaction(Client& c) {
  c.multi.reset();
  unwatch_all(c);
  c.watch.dirty = false;
}

void Server::queue_command(Client& c, Command& cmd, std::span<const std::string_view> argv) {
  MultiState& m = *c.multi;
  c.last_command = cmd.full_name;
  if (cmd.spec->flags & kNoMulti) {
    reject_command(&cmd, c.reply(), "ERR Command not allowed inside a transaction", &c);
    return;
  }
  // A transaction that can no longer run keeps nothing (Redis 7.0): answers stay QUEUED.
  if (!m.failed && !c.watch.dirty) {
    m.commands.emplace_back(&cmd, argv);
    m.cmd_flags |= command_flags(cmd, argv);
    m.argv_bytes += m.commands.back().memory();
  }
  c.reply().simple("QUEUED");
}

bool Server::reject_in_transaction(Client& c, Command* cmd, std::string_view msg) {
  if (c.multi) c.multi->failed = true;
  if (!cmd || cmd->spec->name != "exec") return false;
  // A rejected EXEC (wrong arity, and later OOM...) ends the transaction, naming why;
  // Redis drops the "ERR " of its formatted errors there, keeping other codes.
  discard_transaction(c);
  if (msg.starts_with("ERR ")) msg.remove_prefix(4);
  c.reply().error("EXECABORT Transaction discarded because of: " + std::string(msg));
  count_error("EXECABORT");
  return true;
}

}  // namespace rkv::server
