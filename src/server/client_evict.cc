// maxmemory-clients: when the memory of all clients together reaches the limit, the
// largest evictable clients are closed until it is back under, so many clients (or a
// few huge query or reply buffers) cannot take the memory meant for data.
//
// As Redis 7.0: every client's memory counts towards the sum, but CLIENT NO-EVICT
// clients are never chosen; the limit is a byte count or a percentage of maxmemory, and
// never below 128 KB (so a bad setting cannot lock every client out). The sum is kept
// incrementally: a client's share is refreshed after its input was processed, when
// output was queued for it (before_sleep) and after a write; the cron recounts all of
// them, which also catches what the points above miss. Redis picks victims from
// power-of-two memory buckets, largest bucket first; we sort the candidates by memory,
// which picks the largest client first (only run when over the limit).
#include <algorithm>
#include <vector>

#include "server/client_info.h"
#include "server/server.h"
#include "util/log.h"

namespace rkv::server {
namespace {

constexpr size_t kMinClientEvictionLimit = 128 * 1024;

}  // namespace

void Server::configure_client_eviction() {
  const int64_t v = config_.maxmemory_clients;
  size_t limit = 0;
  if (v > 0) {
    limit = static_cast<size_t>(v);
  } else if (v < 0) {
    // A percentage of maxmemory; with no maxmemory there is nothing to take it of, and
    // the limit is as good as infinite (Redis: SIZE_MAX).
    limit = config_.maxmemory > 0 ? static_cast<size_t>(static_cast<double>(config_.maxmemory) *
                                                        static_cast<double>(-v) / 100.0)
                                  : SIZE_MAX;
  }
  if (limit != 0 && limit < kMinClientEvictionLimit) limit = kMinClientEvictionLimit;
  const bool was_off = client_evict_limit_ == 0;
  client_evict_limit_ = limit;
  if (limit == 0) return;
  // While off nobody kept the figures: start from a fresh count.
  if (was_off) recount_client_memory();
  evict_clients();
}

void Server::track_client_memory(Client& c) {
  const size_t m = c.memory_usage();
  clients_memory_ = clients_memory_ - c.tracked_memory + m;
  c.tracked_memory = m;
}

void Server::recount_client_memory() {
  clients_memory_ = 0;
  for (auto& [id, c] : clients_) {
    c->tracked_memory = c->memory_usage();
    clients_memory_ += c->tracked_memory;
  }
}

void Server::evict_clients() {
  if (clients_memory_ < client_evict_limit_) return;
  std::vector<Client*> victims;
  for (auto& [id, c] : clients_)
    if (!c->no_evict && !c->close_asap()) victims.push_back(c.get());
  std::sort(victims.begin(), victims.end(),
            [](const Client* a, const Client* b) { return a->tracked_memory > b->tracked_memory; });
  for (Client* c : victims) {
    if (clients_memory_ < client_evict_limit_) return;
    LOG_NOTICE("Evicting client: %s", describe_client(*this, *c, now_ms_).c_str());
    // Only marked: a client in the middle of its command (or of a busy script) finishes
    // it and is freed in before_sleep, never under a running handler.
    kill_client(*c);
    clients_memory_ -= c->tracked_memory;
    c->tracked_memory = 0;
    stats_.evicted_clients++;
  }
  if (clients_memory_ < client_evict_limit_) return;
  // Redis logs this on every check; once a second is enough to be seen.
  if (now_ms_ - client_evict_warned_ms_ >= 1000) {
    client_evict_warned_ms_ = now_ms_;
    LOG_WARNING("Over client maxmemory after evicting all evictable clients");
  }
}

}  // namespace rkv::server
