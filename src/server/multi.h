// Transactions (MULTI/EXEC) and WATCH: a client's queued commands, its watched keys, and
// the server-wide index from (db, key) to the clients watching it.
//
// As Redis 7.0 (multi.c): between MULTI and EXEC every command but MULTI, EXEC, DISCARD,
// WATCH, QUIT and RESET is checked (unknown, arity, no-multi...) and queued with an owned
// copy of its arguments; a rejected one fails the transaction (EXEC answers EXECABORT).
// WATCH is optimistic locking: any change to a watched key (a write, an expiry, FLUSH*,
// SWAPDB) makes the client "dirty" and its next EXEC answers a null array. A dirty client
// stops watching at once (nothing more can change the outcome) and queues no more
// commands (they could never run), as Redis 7.0 does to save the memory.
//
// Expired keys (Redis 7.0's rules): a key already logically expired when WATCHed is
// watched as "absent"; its later deletion by expiry is no change, but anything that makes
// it exist again is. A key alive at WATCH that expires before EXEC fails the EXEC, even
// if nothing deleted it yet (EXEC checks the watched keys' expiry times itself).
//
// WATCH sees only the changes reported to it: commands through
// CommandContext::key_modified, anything else that deletes or rewrites a key (eviction,
// a future DEBUG RELOAD...) through Server::signal_modified_key or signal_flushed_db.
//
// Main thread only, like everything that touches clients and the keyspace.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "util/hash.h"

namespace rkv::server {

struct Command;

// One command queued between MULTI and EXEC, with its arguments' bytes owned (the query
// buffer they came from moves on): two allocations per command whatever its argc.
class QueuedCommand {
 public:
  QueuedCommand(Command* cmd, std::span<const std::string_view> argv);
  Command* cmd() const { return cmd_; }
  // Views into this object's storage: valid while it lives and is not moved.
  std::vector<std::string_view> argv() const;
  size_t memory() const { return bytes_.capacity() + lengths_.capacity() * sizeof(uint32_t); }

 private:
  Command* cmd_;
  std::string bytes_;              // every argument, back to back
  std::vector<uint32_t> lengths_;  // argument lengths, in order
};

// Client::multi while the client is between MULTI and EXEC/DISCARD.
struct MultiState {
  std::vector<QueuedCommand> commands;
  uint32_t cmd_flags = 0;  // union of the queued commands' CommandFlags (deny-oom, write)
  size_t argv_bytes = 0;   // QueuedCommand::memory() summed
  bool failed = false;     // a command was rejected while queuing: EXEC answers EXECABORT

  // CLIENT LIST's multi-mem: the queued arguments and the queue itself.
  size_t memory() const { return argv_bytes + commands.capacity() * sizeof(QueuedCommand); }
};

// One client's WATCHed keys (Client::watch).
struct WatchState {
  struct Key {
    int db;
    std::string key;
    bool expired;  // logically expired (so watched as absent) when WATCHed
  };
  std::vector<Key> keys;  // only appended to, then cleared as a whole
  bool dirty = false;     // a watched key changed: EXEC fails (Redis's CLIENT_DIRTY_CAS)
};

// What touch_all needs to know of a key in a database's contents.
struct KeyPresence {
  bool exists = false;   // present in the table, expired or not
  bool expired = false;  // present but logically expired
};

// (db, key) -> the WatchStates watching it. The write path asks empty() first, so a
// server where nobody watches pays one predictable branch per change.
class WatchIndex {
 public:
  explicit WatchIndex(int dbs) : by_db_(static_cast<size_t>(dbs)) {}
  WatchIndex(const WatchIndex&) = delete;
  WatchIndex& operator=(const WatchIndex&) = delete;

  bool empty() const { return watched_ == 0; }
  size_t size() const { return watched_; }  // (client, key) pairs
  bool watched_in(int db) const { return !by_db_[static_cast<size_t>(db)].empty(); }

  // Adds (db, key) to w unless it already watches it. expired: the key is present but
  // logically expired now.
  void watch(WatchState& w, int db, std::string_view key, bool expired);
  void unwatch_all(WatchState& w);

  // key (in db) was changed; exists() says whether it is in the table now (asked only
  // when some watcher watched it expired). Watchers become dirty and stop watching,
  // except those that watched it already expired and see it deleted: no logical change.
  template <typename ExistsFn>
  void touch(int db, std::string_view key, ExistsFn&& exists);

  // db's contents are being replaced as a whole: emptied (FLUSHDB, FLUSHALL: after(key)
  // is always absent) or swapped with another db's (SWAPDB: called for both dbs, before
  // the swap). before(key) and after(key) describe the key in the old and new contents.
  // A watcher becomes dirty when the key exists in either, with Redis's expiry
  // exceptions: a key watched expired is no change when it is gone or still expired
  // after, and a missing key replaced by an expired one becomes watched expired.
  template <typename BeforeFn, typename AfterFn>
  void touch_all(int db, BeforeFn&& before, AfterFn&& after);

 private:
  // A watcher: the client's state and the index of this key in its keys (stable: keys
  // are only appended to, and removed all at once).
  using Watchers = std::vector<std::pair<WatchState*, uint32_t>>;
  using KeyMap = std::unordered_map<std::string, Watchers, SeededStringHash, std::equal_to<>>;

  // Marks each dirty (once: a client may be listed for several keys) and unwatches it.
  void make_dirty(const std::vector<WatchState*>& dirty);

  std::vector<KeyMap> by_db_;
  size_t watched_ = 0;
};

template <typename ExistsFn>
void WatchIndex::touch(int db, std::string_view key, ExistsFn&& exists) {
  KeyMap& keys = by_db_[static_cast<size_t>(db)];
  if (keys.empty()) return;  // watches elsewhere only: no need to hash the key
  auto it = keys.find(key);
  if (it == keys.end()) return;
  std::vector<WatchState*> dirty;
  int present = -1;  // exists(), asked at most once
  for (auto& [w, idx] : it->second) {
    WatchState::Key& k = w->keys[idx];
    if (k.expired) {
      if (present < 0) present = exists() ? 1 : 0;
      if (!present) {
        // The expired key was deleted: it was absent and still is. From now on it is
        // watched as an ordinary missing key.
        k.expired = false;
        continue;
      }
    }
    dirty.push_back(w);
  }
  // After the walk: unwatching edits the very list walked above.
  make_dirty(dirty);
}

template <typename BeforeFn, typename AfterFn>
void WatchIndex::touch_all(int db, BeforeFn&& before, AfterFn&& after) {
  std::vector<WatchState*> dirty;
  for (auto& [key, watchers] : by_db_[static_cast<size_t>(db)]) {
    const KeyPresence was = before(key);
    const KeyPresence now = after(key);
    if (!was.exists && !now.exists) continue;
    for (auto& [w, idx] : watchers) {
      WatchState::Key& k = w->keys[idx];
      if (k.expired) {
        if (!now.exists) {
          k.expired = false;  // deleted: no logical change
          continue;
        }
        if (now.expired) continue;  // still logically absent
      } else if (!was.exists && now.expired) {
        k.expired = true;  // absent before, logically absent after
        continue;
      }
      dirty.push_back(w);
    }
  }
  make_dirty(dirty);
}

}  // namespace rkv::server
