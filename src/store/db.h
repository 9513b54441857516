// Db: one numbered database: keys -> entries, plus the expire times of volatile keys.
//
// Expiry follows Redis: lookups delete an expired key before answering (lazy), and
// active_expire() samples volatile keys from a cursor over the expires table so keys that
// are never read again still leave memory (adaptive: it keeps sampling while more than
// 10% of a round had expired, until its time budget runs out).
//
// The clock is the server's cached command time (ms), read through `now_ms`, so every key
// touched by one command sees the same instant. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <string_view>
#include <vector>

#include "store/dict.h"
#include "store/entry.h"
#include "store/lazy_free.h"
#include "store/lfu.h"
#include "util/hash.h"

namespace rkv::store {

struct KeyspaceStats {
  uint64_t expired_keys = 0;
  uint64_t keyspace_hits = 0;
  uint64_t keyspace_misses = 0;
  uint64_t expired_time_cap_reached_count = 0;
  double expired_stale_perc = 0;
};

struct EntryTraits {
  using Key = std::string_view;
  static Key key(const Entry& e) { return e.key(); }
  static uint64_t hash(Key k) { return hash_bytes(k); }
  static bool equal(Key a, Key b) { return a == b; }
  static Entry*& next(Entry& e) { return e.next(); }
};

struct ExpireNode {
  ExpireNode* next;
  Entry* entry;
  int64_t when_ms;
};

struct ExpireTraits {
  using Key = const Entry*;
  static Key key(const ExpireNode& n) { return n.entry; }
  static uint64_t hash(Key k) {
    auto v = reinterpret_cast<uintptr_t>(k);
    return detail::mix(v ^ 0x9e3779b97f4a7c15ull, 0xbf58476d1ce4e5b9ull);
  }
  static bool equal(Key a, Key b) { return a == b; }
  static ExpireNode*& next(ExpireNode& n) { return n.next; }
};

// Where freed values go (lazyfree-lazy-*): owned by the server, shared by every Db.
struct FreePolicy {
  LazyFree* worker = nullptr;  // null: everything is freed inline
  bool server_del = false;     // lazyfree-lazy-server-del: overwrites, RENAME, server deletes
  bool expire = false;         // lazyfree-lazy-expire
};

// How remove() frees: as the server's own deletes do (FreePolicy::server_del), inline
// (DEL, GETDEL), or on the worker when big enough (UNLINK, lazyfree-lazy-user-del).
enum class FreeMode { kServer, kSync, kLazy };

class Db {
 public:
  using KeyDict = Dict<Entry, EntryTraits>;
  using ExpireDict = Dict<ExpireNode, ExpireTraits>;
  // Called with each key removed by expiry (lazy or active), before it is freed.
  using ExpiredHook = std::function<void(Db&, std::string_view key)>;
  // Called while enabled with each key that comes into existence (created: add, or set
  // over a missing key) or changes type under set (created false): how clients blocked
  // on a missing key (BLPOP...) learn it arrived, and the "new" notification. Off by
  // default so the write path pays one predictable branch when nobody listens.
  using KeyAddedHook = std::function<void(Db&, const Entry&, bool created)>;
  // Called while enabled with each key lookup_read/lookup_read_notouch find missing (the
  // "keymiss" notification; the lookups that count no miss report none).
  using KeyMissHook = std::function<void(Db&, std::string_view key)>;

  Db(int id, const int64_t* now_ms, KeyspaceStats* stats);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  int id() const { return id_; }
  int64_t now_ms() const { return *now_ms_; }  // the command time
  size_t size() const { return keys_.size(); }
  size_t volatile_size() const { return expires_.size(); }
  // Estimated average remaining TTL of volatile keys (ms), from active-expire samples;
  // 0 until a sample was taken (INFO keyspace avg_ttl).
  int64_t avg_ttl_ms() const { return expires_.empty() ? 0 : avg_ttl_ms_; }
  void set_expired_hook(ExpiredHook hook) { expired_hook_ = std::move(hook); }
  void set_key_added_hook(KeyAddedHook hook) { key_added_hook_ = std::move(hook); }
  void set_key_miss_hook(KeyMissHook hook) { key_miss_hook_ = std::move(hook); }
  void set_free_policy(const FreePolicy* policy) { free_policy_ = policy; }
  // LRU clock or LFU counter in Entry::lru (lfu.h); LRU until set. The policy must outlive
  // the Db.
  void set_access_policy(const AccessPolicy* policy) { access_ = policy; }
  void enable_key_added_hook(bool on) { key_added_enabled_ = on; }
  void enable_key_miss_hook(bool on) { key_miss_enabled_ = on; }

  // Lookups; an expired key is deleted and reported missing.
  Entry* lookup_read(std::string_view key);   // counts keyspace hits/misses
  Entry* lookup_write(std::string_view key);  // no stats
  // Like lookup_read but leaves the LRU clock alone (TYPE, EXISTS, TTL). report_miss
  // false: a miss is counted but not reported to the key-miss hook (OBJECT).
  Entry* lookup_read_notouch(std::string_view key, bool report_miss = true);
  // Redis's LRU clock: seconds, 24 bits, from the command time. Lookups and new entries
  // stamp it into Entry::lru so OBJECT IDLETIME can measure idleness (under an LFU policy
  // they update the LFU counter there instead: lfu.h).
  uint32_t lru_clock() const { return static_cast<uint32_t>((*now_ms_ / 1000) & 0xffffff); }
  // The LFU counter of e after decay (OBJECT FREQ), meaningful under an LFU policy.
  uint32_t lfu_counter(const Entry& e) const {
    return lfu::decayed(e.lru(), lfu::minutes(*now_ms_), access_->lfu_decay_time);
  }
  // No expiry side effects; an expired key is still returned (for SCAN/KEYS filtering).
  Entry* peek(std::string_view key) { return keys_.find(key); }
  // Cache hints for a batch of keys about to be looked up (see Dict::prefetch_slot):
  // prefetch_slot(h) for every key of the batch, then prefetch_entry(h) for every key.
  static uint64_t key_hash(std::string_view key) { return EntryTraits::hash(key); }
  void prefetch_slot(uint64_t h) const { keys_.prefetch_slot(h); }
  void prefetch_entry(uint64_t h) const { keys_.prefetch_node(h); }
  bool is_expired(const Entry* e) const;

  // Adds an entry whose key is absent.
  void add(Entry* e);
  // Adds an entry moved from another key or db (RENAME, MOVE): it keeps its LRU/LFU bits,
  // as Redis keeps the object's.
  void add_moved(Entry* e);
  // Puts e under its key, freeing any previous value (an expired one is expired first,
  // as a lookup would). TTL: kept when keep_ttl, else removed.
  void set(Entry* e, bool keep_ttl);
  // Swaps a live entry for a new one with the same key, carrying its TTL over.
  void replace(Entry* old_entry, Entry* fresh);
  bool remove(std::string_view key, FreeMode mode = FreeMode::kServer);
  // Unlinks the entry without freeing it (MOVE, RENAME); *expire_ms gets its TTL or -1.
  Entry* detach(std::string_view key, int64_t* expire_ms);

  int64_t expire_of(const Entry* e) const;  // absolute ms, or -1 when persistent
  void set_expire(Entry* e, int64_t when_ms);
  bool persist(Entry* e);

  // Removes every key; returns how many there were. lazy: the tables are swapped for
  // empty ones at once and freed on the worker (FLUSHALL ASYNC).
  size_t clear(bool lazy = false);
  void swap_contents(Db& other);

  Entry* random_entry();

  // Eviction (store/evict.h). Up to n entries from a random stretch of the keyspace
  // (Dict::sample), or of the volatile keys with their expire time: fn(Entry&) or
  // fn(Entry&, int64_t when_ms). Unlike lookups, no expiry side effects and no stats.
  template <typename Fn>
  size_t sample_keys(size_t n, Fn&& fn) {
    return keys_.sample(n, rng_, fn);
  }
  template <typename Fn>
  size_t sample_volatile(size_t n, Fn&& fn) {
    return expires_.sample(n, rng_, [&fn](ExpireNode& x) { fn(*x.entry, x.when_ms); });
  }
  // A random key, or a random volatile key; nullptr when there is none. An expired key may
  // be returned (it is not deleted here, as Redis's eviction does not check expiry).
  Entry* random_key(bool volatile_only);
  // SCAN step over the keys; fn(Entry&) must not modify the db.
  template <typename Fn>
  uint64_t scan(uint64_t cursor, Fn&& fn) const {
    return keys_.scan(cursor, std::forward<Fn>(fn));
  }
  template <typename Fn>
  void for_each(Fn&& fn) const {
    keys_.for_each(std::forward<Fn>(fn));
  }

  // One active-expire pass with at most `budget_us` of work. Returns keys expired.
  struct ExpireCycle {
    size_t sampled = 0;
    size_t expired = 0;
    bool timed_out = false;
  };
  ExpireCycle active_expire(int64_t deadline_us, size_t keys_per_round);

  // Cron: shrink sparse tables, and rehash for up to `us` microseconds.
  void cron_resize();
  bool cron_rehash(int64_t us);

  size_t overhead_bytes() const { return keys_.bucket_bytes() + expires_.bucket_bytes(); }
  size_t expires_overhead_bytes() const {
    return expires_.bucket_bytes() + expires_.size() * sizeof(ExpireNode);
  }
  const KeyDict& keys() const { return keys_; }

 private:
  void free_entry(Entry* e, bool lazy);
  void expire_now(Entry* e);
  Entry* lookup(std::string_view key);
  // An access: LRU stamps the clock, LFU counts (lfu.h). One predictable branch.
  void touch(Entry* e) {
    if (access_->lfu)
      e->set_lru(lfu::on_access(e->lru(), lfu::minutes(*now_ms_), *access_, random_unit()));
    else
      e->set_lru(lru_clock());
  }
  // A new key: LRU stamps the clock, LFU starts the counter at lfu::kInitCounter.
  void stamp_new(Entry* e) {
    e->set_lru(access_->lfu ? lfu::pack(lfu::minutes(*now_ms_), lfu::kInitCounter) : lru_clock());
  }
  // A value replacing another under the same key: LFU keeps the key's count (Redis's
  // dbSetValue), the clock is stamped as for an access.
  void stamp_replacement(const Entry* old_entry, Entry* fresh) {
    fresh->set_lru(access_->lfu ? old_entry->lru() : lru_clock());
  }
  double random_unit() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }
  void key_added(const Entry* e, bool created) {
    if (key_added_enabled_) key_added_hook_(*this, *e, created);
  }

  int id_;
  const int64_t* now_ms_;
  KeyspaceStats* stats_;
  KeyDict keys_;
  ExpireDict expires_;
  uint64_t expire_cursor_ = 0;
  int64_t avg_ttl_ms_ = 0;
  std::mt19937_64 rng_;
  ExpiredHook expired_hook_;
  KeyAddedHook key_added_hook_;
  KeyMissHook key_miss_hook_;
  const FreePolicy* free_policy_ = nullptr;
  const AccessPolicy* access_;
  bool key_added_enabled_ = false;
  bool key_miss_enabled_ = false;
};

}  // namespace rkv::store
