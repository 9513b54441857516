#include "server/server.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <random>

#include "net/socket.h"
#include "server/notify.h"
#include "util/clock.h"
#include "util/hash.h"
#include "util/log.h"
#include "util/memory.h"

namespace rkv::server {
namespace {

volatile std::sig_atomic_t g_shutdown_signal = 0;

void on_signal(int sig) {
  g_shutdown_signal = sig;
}

std::string random_hex(size_t n) {
  std::random_device rd;
  static const char* hex = "0123456789abcdef";
  std::string s(n, '0');
  for (char& c : s) c = hex[rd() & 15];
  return s;
}

// Descriptors kept free beyond maxclients for listeners, the log and files
// (CONFIG_MIN_RESERVED_FDS in Redis).
constexpr int64_t kReservedFds = 32;

// Raises RLIMIT_NOFILE so that maxclients connections fit, as Redis does at start-up.
// When the OS refuses, *maxclients is lowered to what the granted limit allows, with a
// warning. Returns false (with *err) when not even the reserved descriptors are available.
bool adjust_open_files_limit(int64_t* maxclients, std::string* err) {
  const rlim_t need = static_cast<rlim_t>(*maxclients + kReservedFds);
  rlimit cur{};
  if (getrlimit(RLIMIT_NOFILE, &cur) != 0) {
    LOG_WARNING(
        "Unable to obtain the current NOFILE limit (%s), assuming 1024 and setting the max clients "
        "configuration accordingly.",
        std::strerror(errno));
    *maxclients = 1024 - kReservedFds;
    return true;
  }
  const rlim_t old = cur.rlim_cur;
  if (old == RLIM_INFINITY || old >= need) return true;
  // The hard limit is only ever raised, never lowered: lowering it cannot be undone.
  auto try_set = [&](rlim_t v) {
    rlimit want{v, cur.rlim_max == RLIM_INFINITY ? RLIM_INFINITY : std::max(v, cur.rlim_max)};
    return setrlimit(RLIMIT_NOFILE, &want) == 0;
  };
  if (try_set(need)) {
    LOG_NOTICE("Increased maximum number of open files to %llu (it was originally set to %llu).",
               static_cast<unsigned long long>(need), static_cast<unsigned long long>(old));
    return true;
  }
  int set_errno = errno;
  // Find the highest limit the OS grants (the hard limit, or fs.nr_open for root) by
  // bisection; the limit in force is always `granted`, the last value that succeeded.
  rlim_t granted = old, refused = need;
  while (refused - granted > 1) {
    rlim_t mid = granted + (refused - granted) / 2;
    if (try_set(mid))
      granted = mid;
    else
      refused = mid;
  }
  if (granted <= static_cast<rlim_t>(kReservedFds)) {
    *err = "Your current 'ulimit -n' of " + std::to_string(old) +
           " is not enough for the server to start. Please increase your open file limit to at "
           "least " +
           std::to_string(need) + ". Exiting.";
    return false;
  }
  LOG_WARNING("You requested maxclients of %lld requiring at least %llu max file descriptors.",
              static_cast<long long>(*maxclients), static_cast<unsigned long long>(need));
  *maxclients = static_cast<int64_t>(granted) - kReservedFds;
  LOG_WARNING("Server can't set maximum open files to %llu because of OS error: %s.",
              static_cast<unsigned long long>(need), std::strerror(set_errno));
  LOG_WARNING(
      "Current maximum open files is %llu. maxclients has been reduced to %lld to compensate for "
      "low ulimit. If you need higher maxclients increase 'ulimit -n'.",
      static_cast<unsigned long long>(granted), static_cast<long long>(*maxclients));
  return true;
}

}  // namespace

void install_signal_handlers() {
  std::signal(SIGPIPE, SIG_IGN);
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
}

void RateSampler::sample(int64_t now_ms, uint64_t value) {
  int64_t dt = now_ms - last_time_ms;
  if (last_time_ms != 0 && dt > 0) {
    samples[idx] = static_cast<double>(value - last_value) * 1000.0 / static_cast<double>(dt);
    idx = (idx + 1) % kSamples;
  }
  last_time_ms = now_ms;
  last_value = value;
}

double RateSampler::rate() const {
  double sum = 0;
  for (double s : samples) sum += s;
  return sum / kSamples;
}

Server::Server(Config config) : config_(std::move(config)), watches_(config_.databases) {
  now_ms_ = wall_ms();
  start_time_ms_ = now_ms_;
  last_save_time_ = now_ms_ / 1000;
  run_id_ = random_hex(40);
  std::random_device rd;
  hash_set_seed((static_cast<uint64_t>(rd()) << 32) | rd());
  free_policy_.worker = &lazy_free_;
  on_config_changed("lazyfree-lazy-server-del");
  configure_output_limits();
  configure_client_eviction();
  apply_eviction_config();
  for (int i = 0; i < config_.databases; i++) {
    dbs_.push_back(std::make_unique<store::Db>(i, &now_ms_, &keyspace_stats_));
    dbs_.back()->set_free_policy(&free_policy_);
    dbs_.back()->set_access_policy(&access_policy_);
    dbs_.back()->set_key_added_hook([this](store::Db& db, const store::Entry& e, bool created) {
      on_key_added(db, e, created);
    });
    dbs_.back()->set_expired_hook(
        [this](store::Db& db, std::string_view key) { key_expired(db, key); });
    dbs_.back()->set_key_miss_hook([this](store::Db& db, std::string_view key) {
      notify_keyspace_event(kNotifyKeyMiss, "keymiss", key, db.id());
    });
  }
  blocking_keys_.resize(dbs_.size());
  blocked_in_db_.resize(dbs_.size());
  for (int i = 0; i < config_.databases; i++) update_db_hooks(i);
}

Server::~Server() {
  clients_.clear();
  if (loop_) loop_->close_listeners();
}

bool Server::listen_all(std::string* err) {
  int listeners = 0;
  for (const std::string& spec : config_.bind) {
    // A leading '-' marks an address that may be unavailable (e.g. no IPv6).
    bool optional = !spec.empty() && spec[0] == '-';
    std::string addr = optional ? spec.substr(1) : spec;
    std::string e;
    net::Fd fd = net::listen_tcp(addr, config_.port, config_.tcp_backlog, &e);
    if (!fd.valid()) {
      if (optional) {
        LOG_VERBOSE("Skipping optional address %s: %s", addr.c_str(), e.c_str());
        continue;
      }
      *err = "Could not create server TCP listening socket " + addr + ":" +
             std::to_string(config_.port) + ": " + e;
      return false;
    }
    if (!loop_->add_listener(
            std::move(fd), false, addr,
            [this](std::unique_ptr<net::Connection> c, std::string) { on_accept(std::move(c)); },
            err))
      return false;
    listeners++;
  }
  if (!config_.unixsocket.empty()) {
    std::string e;
    net::Fd fd = net::listen_unix(config_.unixsocket, static_cast<unsigned>(config_.unixsocketperm),
                                  config_.tcp_backlog, &e);
    if (!fd.valid()) {
      *err = "Failed opening Unix socket: " + e;
      return false;
    }
    if (!loop_->add_listener(
            std::move(fd), true, config_.unixsocket,
            [this](std::unique_ptr<net::Connection> c, std::string) { on_accept(std::move(c)); },
            err))
      return false;
    listeners++;
    have_unix_listener_ = true;
  }
  if (listeners == 0) {
    *err = "Configured to not listen anywhere, exiting.";
    return false;
  }
  return true;
}

bool Server::start(std::string* err) {
  std::string backend =
      config_.io_backend.empty() ? net::default_poller_name() : config_.io_backend;
  std::string perr;
  auto reactor = net::make_reactor(backend, &perr);
  if (!reactor) {
    // One line, whatever the cause (unknown backend, seccomp, locked-memory limit...).
    LOG_WARNING("io-backend %s unavailable (%s); falling back to %s", backend.c_str(), perr.c_str(),
                net::default_poller_name());
    reactor = net::make_reactor(net::default_poller_name(), &perr);
    if (!reactor) {
      *err = perr;
      return false;
    }
  }
  int64_t maxclients = config_.maxclients;
  if (!adjust_open_files_limit(&maxclients, err)) return false;
  config_.maxclients = static_cast<decltype(config_.maxclients)>(maxclients);
  loop_ = std::move(reactor);
  if (!listen_all(err)) return false;
  loop_->set_before_sleep([this] { before_sleep(); });
  loop_->set_busy_poll_us(config_.busy_poll_us);
  loop_->stats().since_us = mono_us();
  loop_->set_batch_wait_us(batch_wait_us(), config_.io_batch_min_cpu);
  loop_->add_timer(1, [this] { return cron(); });
  start_io_threads();
  // Redis's used_memory_startup: what the server costs before any data or client.
  startup_memory_ = used_memory();
  if (config_.maxmemory > 0 && config_.maxmemory < 1024 * 1024)
    LOG_WARNING(
        "WARNING: You specified a maxmemory value that is less than 1MB (current value is %llu "
        "bytes). Are you sure this is what you really want?",
        static_cast<unsigned long long>(config_.maxmemory));
  return true;
}

void Server::run() {
  while (!shutdown_requested_) loop_->run_once(-1);
  LOG_WARNING("User requested shutdown...");
  // Flush what we can to clients still connected (e.g. the replies before SHUTDOWN).
  for (Client* c : pending_writes_) write_to_client(*c);
  // A completion backend has only queued those writes: let them reach the kernel.
  loop_->drain(1000);
  // Like Redis, leave no stale socket file behind (only if we created it).
  if (!config_.unixsocket.empty() && have_unix_listener_) {
    LOG_NOTICE("Removing the unix socket file.");
    if (::unlink(config_.unixsocket.c_str()) != 0)
      LOG_WARNING("Error removing the unix socket file: %s", std::strerror(errno));
  }
  LOG_WARNING("reactorkv is now ready to exit, bye bye...");
}

void Server::on_accept(std::unique_ptr<net::Connection> conn) {
  stats_.total_connections_received++;
  const int fd = conn->fd();
  const bool is_unix = conn->is_unix();
  if (clients_.size() >= static_cast<size_t>(config_.maxclients)) {
    // Best effort: the reply may not fit, and the client is closed either way.
    static constexpr std::string_view kMsg = "-ERR max number of clients reached\r\n";
    [[maybe_unused]] ssize_t n = ::write(fd, kMsg.data(), kMsg.size());
    stats_.rejected_connections++;
    return;
  }
  if (!is_unix && config_.protected_mode && config_.requirepass.empty() &&
      !net::is_loopback_peer(fd)) {
    // Redis 7.0 protected mode: without a password only loopback clients are served.
    static constexpr std::string_view kDenied =
        "-DENIED Redis is running in protected mode because protected mode is enabled and no "
        "password is set for the default user. In this mode connections are only accepted from "
        "the loopback interface. If you want to connect from external computers, either disable "
        "protected mode ('CONFIG SET protected-mode no' from the loopback interface, or "
        "'--protected-mode no' on the command line) or set a password with requirepass.\r\n";
    [[maybe_unused]] ssize_t n = ::write(fd, kDenied.data(), kDenied.size());
    stats_.rejected_connections++;
    return;
  }
  if (!is_unix) {
    net::set_tcp_nodelay(fd);
    if (config_.tcp_keepalive > 0) net::set_keepalive(fd, config_.tcp_keepalive);
  }
  uint64_t id = next_client_id_++;
  auto client = std::make_unique<Client>(*this, std::move(conn), id, now_ms_);
  client->authenticated = config_.requirepass.empty();
  client->conn().want_read(true);
  LOG_VERBOSE("Accepted %s", client->conn().peer().c_str());
  clients_.emplace(id, std::move(client));
}

void Server::kill_client(Client& c) {
  if (c.close_asap()) return;
  c.mark_close_asap();
  c.conn().want_read(false);
  closing_.push_back(c.id());
}

void Server::before_sleep() {
  if (busy_caller_) {
    busy_before_sleep();
    return;
  }
  // Flush replies produced in this iteration; clients whose socket is full get a
  // writable handler and finish from the event loop.
  if (active_expire_enabled_) active_expire_cycle(true);
  // INFO's io_threads_active: whether the last iteration used the helpers.
  fanned_out_ = false;
  process_unblocked_clients();
  handle_parked_reads(parked_reads_);
  if (client_evict_limit_) {
    // Output queued in this iteration (replies, messages) counts before it is written.
    for (Client* c : pending_writes_) track_client_memory(*c);
    evict_clients();
  }
  handle_pending_writes();
  io_threads_active_ = fanned_out_;
  free_closing_clients();
}

void Server::free_closing_clients() {
  for (uint64_t id : closing_) free_client(id);
  closing_.clear();
}

void Server::free_client(uint64_t id) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  Client* c = it->second.get();
  if (c->blocked) unpark(*c);
  if (c->subs.total() != 0) pubsub_.unsubscribe_all(c->subs);
  unwatch_all(*c);
  if (c->in_pending_writes) std::erase(pending_writes_, c);
  if (c->read_parked) std::erase(parked_reads_, c);
  clients_memory_ -= c->tracked_memory;
  clients_.erase(it);
}

void Server::active_expire_cycle(bool fast) {
  // Redis's budget: the slow cycle may use 25% of a cron period, the fast one 1 ms and
  // only when the previous slow cycle left many stale keys.
  int effort = config_.active_expire_effort - 1;
  size_t keys_per_round = 20 + 20 / 4 * static_cast<size_t>(effort);
  int64_t budget_us;
  if (fast) {
    if (keyspace_stats_.expired_stale_perc < 10.0) return;
    budget_us = 1000 + 250 * effort;
  } else {
    int hz = config_.hz > 0 ? config_.hz : 1;
    budget_us = 1000000 * (25 + 2 * effort) / hz / 100;
  }
  int64_t deadline = mono_us() + budget_us;
  int dbs = db_count();
  size_t total_sampled = 0, total_expired = 0;
  for (int i = 0; i < dbs; i++) {
    store::Db& d = *dbs_[static_cast<size_t>(expire_db_cursor_)];
    expire_db_cursor_ = (expire_db_cursor_ + 1) % dbs;
    if (d.volatile_size() == 0) continue;
    auto r = d.active_expire(deadline, keys_per_round);
    total_sampled += r.sampled;
    total_expired += r.expired;
    if (r.timed_out) {
      keyspace_stats_.expired_time_cap_reached_count++;
      break;
    }
  }
  double current =
      total_sampled ? static_cast<double>(total_expired) / static_cast<double>(total_sampled) : 0;
  keyspace_stats_.expired_stale_perc = current * 0.05 + keyspace_stats_.expired_stale_perc * 0.95;
}

int64_t Server::cron() {
  now_ms_ = wall_ms();
  cron_loops_++;
  lru_clock_ = static_cast<uint32_t>((now_ms_ / 1000) & 0xffffff);
  if (g_shutdown_signal) {
    LOG_WARNING("Received %s scheduling shutdown...",
                g_shutdown_signal == SIGINT ? "SIGINT" : "SIGTERM");
    shutdown_requested_ = true;
  }
  ops_sampler_.sample(now_ms_, stats_.total_commands_processed);
  input_sampler_.sample(now_ms_, stats_.net_input_bytes);
  output_sampler_.sample(now_ms_, stats_.net_output_bytes);
  // A script is running (busy.cc): its keys must not expire or move under it.
  if (busy_caller_) return 1000 / (config_.hz > 0 ? config_.hz : 1);

  if (active_expire_enabled_) active_expire_cycle(false);
  for (auto& d : dbs_) {
    d->cron_resize();
    if (config_.activerehashing && d->cron_rehash(1000)) break;  // 1 ms per cron, like Redis
  }
  if (config_.timeout > 0) {
    int64_t limit_ms = static_cast<int64_t>(config_.timeout) * 1000;
    for (auto& [id, c] : clients_) {
      // A blocked client is waiting for us, not idle: its own timeout governs it; so is a
      // subscriber, waiting for messages (Redis).
      if (now_ms_ - c->last_interaction_ms > limit_ms && !c->has_pending_output() && !c->blocked &&
          !c->subs.pubsub_mode()) {
        LOG_VERBOSE("Closing idle client");
        kill_client(*c);
      }
    }
  }
  if (client_evict_limit_) {
    recount_client_memory();
    evict_clients();
  }
  // The peak is sampled here rather than per allocation: cheap and close enough.
  if ((cron_loops_ & 7) == 0) stats_.peak_memory = std::max(stats_.peak_memory, used_memory());
  int hz = config_.hz > 0 ? config_.hz : 1;
  return 1000 / hz;
}

void Server::on_config_changed(std::string_view name) {
  if (name.starts_with("lazyfree-lazy-")) {
    free_policy_.server_del = config_.lazyfree_lazy_server_del;
    free_policy_.expire = config_.lazyfree_lazy_expire;
    return;
  }
  if (name == "maxmemory-policy" || name.starts_with("lfu-")) apply_eviction_config();
  if (name == "maxmemory") {
    // With the limit gone this only closes the time counted over it (Redis keeps counting).
    const size_t used = used_memory();
    if (config_.maxmemory > 0 && static_cast<size_t>(config_.maxmemory) < used)
      LOG_WARNING(
          "WARNING: the new maxmemory value set via CONFIG SET (%llu) is smaller than the current "
          "memory usage (%zu). This will result in key eviction and/or the inability to accept "
          "new write commands depending on the maxmemory-policy.",
          static_cast<unsigned long long>(config_.maxmemory), used);
    perform_evictions();
    if (config_.maxmemory == 0) out_of_memory_ = false;
  }
  if (name == "client-output-buffer-limit") configure_output_limits();
  if (name == "maxmemory-clients" || name == "maxmemory") configure_client_eviction();
  if (name == "notify-keyspace-events")
    for (int i = 0; i < db_count(); i++) update_db_hooks(i);
  if (name == "busy-poll-us") loop_->set_busy_poll_us(config_.busy_poll_us);
  if (name == "io-batch-wait-us" || name == "io-batch-min-cpu")
    loop_->set_batch_wait_us(batch_wait_us(), config_.io_batch_min_cpu);
  if (name == "loglevel") {
    if (auto lvl = parse_log_level(config_.loglevel)) log_set_level(*lvl);
  }
}

int Server::batch_wait_us() const {
  if (config_.io_batch_wait_us >= 0) return config_.io_batch_wait_us;
  // Measured best per backend (docs/BENCHMARKS.md): io_uring waits for a batch inside its
  // one io_uring_enter, while a readiness backend pays a timer sleep and a second poll
  // for it, and with a longer window its clients start to idle.
  return loop_->completion_based() ? 200 : 100;
}

size_t Server::flush_all(bool lazy) {
  size_t n = 0;
  for (auto& d : dbs_) n += d->clear(lazy);
  return n;
}

}  // namespace rkv::server
