#include "store/db.h"

#include <cstdlib>

#include "util/clock.h"
#include "util/memory.h"

namespace rkv::store {

namespace {
const AccessPolicy kLruAccess;
}

Db::Db(int id, const int64_t* now_ms, KeyspaceStats* stats)
    : id_(id),
      now_ms_(now_ms),
      stats_(stats),
      rng_(static_cast<uint64_t>(id) * 7919 + 17),
      access_(&kLruAccess) {}

Db::~Db() {
  clear();
}

bool Db::is_expired(const Entry* e) const {
  if (!e->has_expire()) return false;
  int64_t when = expire_of(e);
  return when >= 0 && when < *now_ms_;
}

void Db::expire_now(Entry* e) {
  stats_->expired_keys++;
  if (expired_hook_) expired_hook_(*this, e->key());
  remove(e->key(), free_policy_ && free_policy_->expire ? FreeMode::kLazy : FreeMode::kSync);
}

Entry* Db::lookup(std::string_view key) {
  Entry* e = keys_.find(key);
  if (e && is_expired(e)) {
    expire_now(e);
    return nullptr;
  }
  return e;
}

Entry* Db::lookup_read_notouch(std::string_view key, bool report_miss) {
  Entry* e = lookup(key);
  if (e) {
    stats_->keyspace_hits++;
  } else {
    stats_->keyspace_misses++;
    if (key_miss_enabled_ && report_miss) key_miss_hook_(*this, key);
  }
  return e;
}

Entry* Db::lookup_read(std::string_view key) {
  Entry* e = lookup_read_notouch(key);
  if (e) touch(e);
  return e;
}

Entry* Db::lookup_write(std::string_view key) {
  Entry* e = lookup(key);
  if (e) touch(e);
  return e;
}

void Db::add(Entry* e) {
  stamp_new(e);
  add_moved(e);
}

void Db::add_moved(Entry* e) {
  keys_.insert(e);
  key_added(e, true);
}

void Db::free_entry(Entry* e, bool lazy) {
  if (e->has_expire()) std::free(expires_.erase(e));
  if (lazy && free_policy_ && free_policy_->worker && free_effort(*e) > LazyFree::kThreshold) {
    free_policy_->worker->submit([e] { Entry::destroy(e); }, 1);
    return;
  }
  Entry::destroy(e);
}

void Db::set(Entry* e, bool keep_ttl) {
  Entry* old = keys_.find(e->key());
  // As Redis's setKey looks the key up first: an expired value is expired (and reported)
  // before the new one arrives as a new key.
  if (old && is_expired(old)) {
    expire_now(old);
    old = nullptr;
  }
  if (!old) {
    stamp_new(e);
    keys_.insert(e);
    key_added(e, true);
    return;
  }
  // A key that changes type (a list stored over a string) is news to a blocked client.
  const bool retyped = old->type() != e->type();
  stamp_replacement(old, e);
  if (keep_ttl) {
    replace(old, e);
  } else {
    keys_.replace(old, e);
    free_entry(old, free_policy_ && free_policy_->server_del);
  }
  if (retyped) key_added(e, false);
}

void Db::replace(Entry* old_entry, Entry* fresh) {
  stamp_replacement(old_entry, fresh);
  keys_.replace(old_entry, fresh);
  if (old_entry->has_expire()) {
    ExpireNode* n = expires_.erase(old_entry);
    n->entry = fresh;
    fresh->set_has_expire(true);
    expires_.insert(n);
    old_entry->set_has_expire(false);
  }
  Entry::destroy(old_entry);
}

bool Db::remove(std::string_view key, FreeMode mode) {
  Entry* e = keys_.erase(key);
  if (!e) return false;
  free_entry(e, mode == FreeMode::kLazy ||
                    (mode == FreeMode::kServer && free_policy_ && free_policy_->server_del));
  return true;
}

Entry* Db::detach(std::string_view key, int64_t* expire_ms) {
  Entry* e = keys_.erase(key);
  *expire_ms = -1;
  if (e && e->has_expire()) {
    ExpireNode* n = expires_.erase(e);
    *expire_ms = n->when_ms;
    std::free(n);
    e->set_has_expire(false);
  }
  return e;
}

int64_t Db::expire_of(const Entry* e) const {
  if (!e->has_expire()) return -1;
  auto* self = const_cast<Db*>(this);
  ExpireNode* n = self->expires_.find(e);
  return n ? n->when_ms : -1;
}

void Db::set_expire(Entry* e, int64_t when_ms) {
  if (e->has_expire()) {
    if (ExpireNode* n = expires_.find(e)) {
      n->when_ms = when_ms;
      return;
    }
  }
  auto* n = static_cast<ExpireNode*>(std::malloc(sizeof(ExpireNode)));
  if (!n) out_of_memory(sizeof(ExpireNode));
  *n = ExpireNode{nullptr, e, when_ms};
  expires_.insert(n);
  e->set_has_expire(true);
}

bool Db::persist(Entry* e) {
  if (!e->has_expire()) return false;
  std::free(expires_.erase(e));
  e->set_has_expire(false);
  return true;
}

size_t Db::clear(bool lazy) {
  avg_ttl_ms_ = 0;
  size_t n = keys_.size();
  if (lazy && n > 0 && free_policy_ && free_policy_->worker) {
    // The tables move into the job (leaving these empty); std::function needs a copyable
    // callable, hence the shared_ptr.
    struct Tables {
      KeyDict keys;
      ExpireDict expires;
    };
    auto t = std::make_shared<Tables>(Tables{std::move(keys_), std::move(expires_)});
    expire_cursor_ = 0;
    free_policy_->worker->submit(
        [t] {
          t->expires.clear([](ExpireNode* x) { std::free(x); });
          t->keys.clear([](Entry* e) { Entry::destroy(e); });
        },
        n);
    return n;
  }
  expires_.clear([](ExpireNode* x) { std::free(x); });
  keys_.clear([](Entry* e) { Entry::destroy(e); });
  expire_cursor_ = 0;
  return n;
}

void Db::swap_contents(Db& other) {
  keys_.swap(other.keys_);
  expires_.swap(other.expires_);
  std::swap(avg_ttl_ms_, other.avg_ttl_ms_);
  std::swap(expire_cursor_, other.expire_cursor_);
}

Entry* Db::random_entry() {
  // Like a Redis master: an expired pick is deleted and we draw again, so the answer is a
  // live key or nothing. Every miss removes a key, so this ends.
  for (;;) {
    Entry* e = keys_.random_node(rng_);
    if (!e || !is_expired(e)) return e;
    expire_now(e);
  }
}

Entry* Db::random_key(bool volatile_only) {
  if (!volatile_only) return keys_.random_node(rng_);
  ExpireNode* n = expires_.random_node(rng_);
  return n ? n->entry : nullptr;
}

Db::ExpireCycle Db::active_expire(int64_t deadline_us, size_t keys_per_round) {
  ExpireCycle cycle;
  std::vector<Entry*> expired;
  constexpr size_t kAcceptableStalePercent = 10;
  for (;;) {
    if (expires_.empty()) {
      expire_cursor_ = 0;
      break;
    }
    size_t sampled = 0, buckets = 0, live = 0;
    int64_t ttl_sum = 0;
    expired.clear();
    const int64_t now = *now_ms_;
    // Visit buckets until enough keys were sampled; empty buckets count a little too.
    do {
      expire_cursor_ = expires_.scan(expire_cursor_, [&](ExpireNode& n) {
        sampled++;
        if (n.when_ms < now) {
          expired.push_back(n.entry);
        } else {
          ttl_sum += n.when_ms - now;
          live++;
        }
      });
      buckets++;
    } while (expire_cursor_ != 0 && sampled < keys_per_round && buckets < keys_per_round * 20);
    for (Entry* e : expired) expire_now(e);
    if (live > 0) {
      // Like Redis: a running estimate where each round's sample weighs 1/50.
      int64_t round_avg = ttl_sum / static_cast<int64_t>(live);
      avg_ttl_ms_ = avg_ttl_ms_ == 0 ? round_avg : (avg_ttl_ms_ / 50) * 49 + round_avg / 50;
    }
    cycle.sampled += sampled;
    cycle.expired += expired.size();
    if (mono_us() > deadline_us) {
      cycle.timed_out = true;
      break;
    }
    if (sampled == 0 || expired.size() * 100 / sampled <= kAcceptableStalePercent) break;
  }
  return cycle;
}

void Db::cron_resize() {
  keys_.shrink_if_sparse();
  expires_.shrink_if_sparse();
}

bool Db::cron_rehash(int64_t us) {
  if (keys_.rehashing()) {
    keys_.rehash_for(us, mono_us);
    return true;
  }
  if (expires_.rehashing()) {
    expires_.rehash_for(us, mono_us);
    return true;
  }
  return false;
}

}  // namespace rkv::store
