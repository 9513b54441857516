// maxmemory: evicting keys before commands, as Redis 7.0's performEvictions does.
//
// What is counted: used_memory() (util/memory.h), the live bytes of every allocation the
// server holds (keys and values, tables, client buffers, the lazy-free queue's not yet
// freed values) plus its big mapped tables: Redis's used_memory. Redis leaves replica
// output buffers and the AOF buffer out of what it compares with maxmemory
// (mem_not_counted_for_evict); we have neither, so nothing is left out and INFO reports 0.
//
// Reading used_memory() costs a few loads per counted thread (no allocator call), so it
// runs before every command while maxmemory is set; with maxmemory 0 dispatch pays one
// branch. Eviction itself (store/evict.h) frees keys one at a time until the excess is
// gone, checking the clock every 16 keys: past maxmemory-eviction-tenacity's budget (500
// us at the default 10) it stops and a timer carries on between loop iterations, so a big
// excess (CONFIG SET maxmemory lowered, a large allocation) never stalls the server.
//
// An evicted key goes as a server delete does: with its expire entry (Db::remove), the
// "evicted" notification and the WATCH signal, no change count (Redis's dirty). Clients
// blocked on keys wait for keys that do not exist yet (empty lists and sorted sets are
// deleted), so an eviction never concerns them, as in Redis 7.0; a woken blocked command
// runs again without a new memory check, as Redis serves it outside processCommand.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "server/notify.h"
#include "server/server.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/memory.h"

namespace rkv::server {
namespace {

// maxmemory-eviction-tenacity (0-100) to a time budget per eviction pass: linear up to
// 500 us at 10, then 15% more per step, unlimited at 100 (Redis's evictionTimeLimitUs).
uint64_t eviction_time_limit_us(int tenacity) {
  if (tenacity <= 10) return 50u * static_cast<uint64_t>(tenacity);
  if (tenacity < 100) return static_cast<uint64_t>(500.0 * std::pow(1.15, tenacity - 10.0));
  return std::numeric_limits<uint64_t>::max();
}

}  // namespace

bool Server::reject_for_memory(const Command& cmd, uint32_t flags, bool in_multi,
                               uint32_t queued_flags) {
  // A command dispatched while another is still running (a busy script lets the loop serve
  // others) neither evicts, which could pull keys from under the script, nor is refused:
  // Redis's isInsideYieldingLongCommand.
  if (call_depth_ > 0) return false;
  out_of_memory_ = perform_evictions() == EvictResult::kFail;
  if (!out_of_memory_) return false;
  if (!in_multi) return flags & kDenyOom;
  const std::string_view name = cmd.full_name;
  if (name == "exec") return queued_flags & kDenyOom;
  return name != "discard" && name != "quit" && name != "reset";
}

Server::EvictResult Server::perform_evictions() {
  const auto limit = static_cast<size_t>(config_.maxmemory);
  EvictResult result = EvictResult::kFail;
  size_t used = used_memory();
  int64_t start_us = 0;
  if (limit == 0 || used <= limit) {
    result = EvictResult::kOk;
  } else if (evict_policy_ != store::EvictPolicy::kNoEviction) {
    const uint64_t budget_us = eviction_time_limit_us(config_.maxmemory_eviction_tenacity);
    const bool lazy = config_.lazyfree_lazy_eviction;
    // What deleting each key gave back: a lazily freed value leaves later, on the worker,
    // which is why the lazy case also looks at the real figure every 16 keys.
    const int64_t to_free = static_cast<int64_t>(used - limit);
    int64_t freed = 0;
    uint64_t keys_freed = 0;
    start_us = mono_us();
    bool exhausted = false;
    while (freed < to_free) {
      int db_id = 0;
      if (!pick_eviction_victim(&db_id)) {
        exhausted = true;
        break;
      }
      store::Db& db = *dbs_[static_cast<size_t>(db_id)];
      const size_t before = used_memory();
      db.remove(eviction_key_, lazy ? store::FreeMode::kLazy : store::FreeMode::kSync);
      freed += static_cast<int64_t>(before) - static_cast<int64_t>(used_memory());
      stats_.evicted_keys++;
      signal_modified_key(db_id, eviction_key_);
      notify_keyspace_event(kNotifyEvicted, "evicted", eviction_key_, db_id);
      if (++keys_freed % 16 == 0) {
        if (lazy && used_memory() <= limit) break;
        if (static_cast<uint64_t>(mono_us() - start_us) > budget_us) {
          if (eviction_timer_ == 0) {
            eviction_timer_ = loop_->add_timer(0, [this]() -> int64_t {
              now_ms_ = wall_ms();
              // Not under a busy script either; the next command starts it again.
              if (call_depth_ == 0 && perform_evictions() == EvictResult::kRunning) return 0;
              eviction_timer_ = 0;
              return -1;
            });
          }
          break;
        }
      }
    }
    if (!exhausted) {
      result = eviction_timer_ ? EvictResult::kRunning : EvictResult::kOk;
    } else {
      // Nothing left to evict; values handed to the lazy-free thread may still be on
      // their way out: wait for them a little (within the same budget).
      const uint64_t nap_us = std::min<uint64_t>(budget_us, 1000);
      while (lazy_free_.pending_objects() > 0 &&
             static_cast<uint64_t>(mono_us() - start_us) < budget_us) {
        if (used_memory() <= limit) {
          result = EvictResult::kOk;
          break;
        }
        usleep(static_cast<useconds_t>(nap_us));
      }
    }
  }
  // INFO's total/current_eviction_exceeded_time: how long memory has stayed over the limit.
  if (result == EvictResult::kOk) {
    if (stats_.eviction_exceeded_since_us != 0) {
      stats_.eviction_exceeded_us +=
          static_cast<uint64_t>(mono_us() - stats_.eviction_exceeded_since_us);
      stats_.eviction_exceeded_since_us = 0;
    }
  } else if (stats_.eviction_exceeded_since_us == 0) {
    stats_.eviction_exceeded_since_us = start_us ? start_us : mono_us();
  }
  return result;
}

bool Server::pick_eviction_victim(int* db_id) {
  const bool allkeys = store::evicts_allkeys(evict_policy_);
  const int dbs = db_count();
  if (!store::uses_pool(evict_policy_)) {
    // Random policies: one random key, from each database in turn.
    for (int i = 0; i < dbs; i++) {
      const int j = static_cast<int>(++eviction_next_db_ % static_cast<unsigned>(dbs));
      if (store::Entry* e = dbs_[static_cast<size_t>(j)]->random_key(!allkeys)) {
        eviction_key_.assign(e->key());
        *db_id = j;
        return true;
      }
    }
    return false;
  }
  const auto samples = static_cast<size_t>(config_.maxmemory_samples);
  for (;;) {
    // Sample every database, so the choice is the best across them, not within one.
    size_t keys = 0;
    for (auto& db : dbs_) {
      const size_t n = allkeys ? db->size() : db->volatile_size();
      if (n == 0) continue;
      store::populate_pool(*db, evict_policy_, samples, access_policy_.lfu_decay_time,
                           eviction_pool_);
      keys += n;
    }
    if (keys == 0) return false;
    // Best first; a candidate deleted (or, for volatile-*, made persistent) since it was
    // sampled is a ghost and is skipped. All ghosts: sample again.
    while (eviction_pool_.take_best(db_id, &eviction_key_)) {
      const store::Entry* e = dbs_[static_cast<size_t>(*db_id)]->peek(eviction_key_);
      if (e && (allkeys || e->has_expire())) return true;
    }
  }
}

void Server::apply_eviction_config() {
  evict_policy_ =
      store::parse_evict_policy(config_.maxmemory_policy).value_or(store::EvictPolicy::kNoEviction);
  access_policy_.lfu = store::is_lfu(evict_policy_);
  access_policy_.lfu_log_factor = config_.lfu_log_factor;
  access_policy_.lfu_decay_time = config_.lfu_decay_time;
  // Candidates scored under another policy would mislead the next picks.
  eviction_pool_.clear();
}

}  // namespace rkv::server
