#include "server/server.h"

#include <sys/resource.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <random>

#include "net/socket.h"
#include "resp/key_peek.h"
#include "server/errors.h"
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

constexpr size_t kReadChunk = 16 * 1024;  // PROTO_IOBUF_LEN
constexpr int kMaxIov = 64;

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

Server::Server(Config config) : config_(std::move(config)) {
  now_ms_ = wall_ms();
  start_time_ms_ = now_ms_;
  last_save_time_ = now_ms_ / 1000;
  run_id_ = random_hex(40);
  std::random_device rd;
  hash_set_seed((static_cast<uint64_t>(rd()) << 32) | rd());
  for (int i = 0; i < config_.databases; i++)
    dbs_.push_back(std::make_unique<store::Db>(i, &now_ms_, &keyspace_stats_));
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
  loop_->add_timer(1, [this] { return cron(); });
  start_io_threads();
  return true;
}

void Server::start_io_threads() {
  if (config_.io_threads <= 1) return;
  if (loop_->completion_based()) {
    // Its reads come out of a buffer ring the loop owns, and its system calls are already
    // batched into one per iteration: nothing for helpers to take over.
    LOG_NOTICE("io-threads %d ignored: io-backend %s does no per-client system calls",
               config_.io_threads, loop_->backend());
    return;
  }
  // Helpers spin for the busy-poll budget between batches (at least a little, so that a
  // loaded server does not pay a futex wake-up per iteration), then sleep.
  io_threads_ = std::make_unique<FanOut>(config_.io_threads, std::max(config_.busy_poll_us, 50));
  LOG_NOTICE("Threaded I/O: %d threads (main + %d helpers), reads %s", config_.io_threads,
             config_.io_threads - 1, config_.io_threads_do_reads ? "on" : "off");
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

namespace {

// The socket half of a read: touches only c, so an I/O helper may run it.
void read_socket(Client& c) {
  // A big bulk is read in one go straight into a buffer of its size.
  size_t want = kReadChunk;
  size_t remaining = c.parser.pending_bulk_bytes(c.query.unread_size());
  if (remaining >= resp::kBigBulkSize) want = remaining;
  char* dst = c.query.prepare(want);
  ssize_t n = c.conn().read(dst, want);
  c.io.read_bytes = n;
  c.io.read_errno = n < 0 ? errno : 0;
  if (n > 0) c.query.commit(static_cast<size_t>(n));
}

// Parses the first complete command on an I/O helper, as Redis 6 does; the main thread
// executes it and parses the rest. Touches only c (the limits are a copy).
void preparse(Client& c, resp::ParserLimits limits) {
  if (c.io.read_bytes <= 0 || c.query.unread_size() == 0) return;
  limits.authenticated = c.authenticated;
  c.io.parse_result = c.parser.parse(c.query.unread(), limits, &c.io.parse_consumed);
  c.io.preparsed = true;
}

// The socket half of a flush; touches only c.
void write_socket(Client& c) {
  iovec iov[kMaxIov];
  c.io.written = 0;
  c.io.write_calls = c.io.writes_done = 0;
  c.io.write_errno = 0;
  while (!c.out().empty()) {
    int cnt = c.out().gather(iov, kMaxIov);
    ssize_t n = c.conn().writev(iov, cnt);
    c.io.write_calls++;
    if (n < 0) {
      c.io.write_errno = errno;
      break;
    }
    c.out().consume(static_cast<size_t>(n));
    c.io.written += static_cast<uint64_t>(n);
    c.io.writes_done++;
  }
}

}  // namespace

void Server::read_from_client(Client& c) {
  if (c.close_asap() || c.closing_after_reply() || c.read_parked) return;
  // Read later, in before_sleep, with every client readable in this iteration: their
  // reads can go to helper threads, and their keys can be prefetched together.
  c.read_parked = true;
  parked_reads_.push_back(&c);
}

void Server::after_read(Client& c) {
  stats_.read_calls++;
  ssize_t n = c.io.read_bytes;
  if (n <= 0) {
    c.io.preparsed = false;
    if (n < 0 && (c.io.read_errno == EAGAIN || c.io.read_errno == EWOULDBLOCK)) return;
    if (n == 0)
      LOG_VERBOSE("Client closed connection id=%llu", static_cast<unsigned long long>(c.id()));
    else
      LOG_VERBOSE("Reading from client: %s", std::strerror(c.io.read_errno));
    kill_client(c);
    return;
  }
  stats_.net_input_bytes += static_cast<uint64_t>(n);
  stats_.total_reads_processed++;
  c.last_interaction_ms = now_ms_;
  // Only bytes not yet parsed into arguments count; a helper may have parsed a whole
  // command already, and then its bytes are done with too.
  const size_t parsed = c.io.preparsed && c.io.parse_result == resp::RequestParser::Result::kCommand
                            ? c.io.parse_consumed
                            : c.parser.parsed_prefix();
  if (c.query.unread_size() - parsed > static_cast<size_t>(config_.client_query_buffer_limit)) {
    LOG_WARNING(
        "Closing client that reached max query buffer length: id=%llu addr=%s (qbuf initial bytes: "
        "...)",
        static_cast<unsigned long long>(c.id()), c.conn().peer().c_str());
    stats_.client_qbuf_limit_disconnections++;
    c.io.preparsed = false;
    kill_client(c);
    return;
  }
  process_input(c);
}

// Starts the cache misses of the next pipelined commands' keys all at once (see
// resp/key_peek.h); returns how many commands it looked at.
size_t Server::prefetch_keys(Client& c) {
  constexpr size_t kBatch = 16;
  if (c.parser.in_multibulk()) return 0;  // the buffer starts inside a command
  std::string_view keys[kBatch];
  size_t n = resp::peek_keys(c.query.unread(), keys);
  if (n < 2) return n;  // a lone command gains nothing from a hint
  const store::Db& db = *dbs_[static_cast<size_t>(c.db_index)];
  uint64_t hashes[kBatch];
  for (size_t i = 0; i < n; i++) {
    hashes[i] = store::Db::key_hash(keys[i]);
    db.prefetch_slot(hashes[i]);
  }
  for (size_t i = 0; i < n; i++) db.prefetch_entry(hashes[i]);
  return n;
}

void Server::process_input(Client& c) {
  clock_us_ = 0;  // the first command of a batch reads the clock afresh
  resp::ParserLimits limits;
  limits.max_bulk_len = config_.proto_max_bulk_len;
  size_t prefetched = 0;  // commands ahead whose keys are already on their way
  while (!c.close_asap() && !c.closing_after_reply() && c.query.unread_size() > 0) {
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

  auto reject = [&](Command* cmd, std::string_view msg) {
    if (cmd) cmd->stats.rejected_calls++;
    reply.error(msg);
    count_error(reply.last_error_code());
  };

  Command* cmd = commands_.find(argv[0]);
  if (!cmd) {
    std::string args;
    for (size_t i = 1; i < argv.size() && args.size() < 128; i++) {
      args += "'";
      args += argv[i].substr(0, 128 - args.size());
      args += "' ";
    }
    reject(nullptr, "ERR unknown command '" + std::string(argv[0].substr(0, 128)) +
                        "', with args beginning with: " + args);
    return;
  }
  if (!cmd->subcommands.empty() && argv.size() >= 2) {
    Command* sub = commands_.find_sub(*cmd, argv[1]);
    if (!sub) {
      // Redis names the container in upper case here ("Try OBJECT HELP.").
      std::string upper = cmd->full_name;
      std::transform(upper.begin(), upper.end(), upper.begin(),
                     [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
      reject(cmd, "ERR unknown subcommand '" + std::string(argv[1].substr(0, 128)) + "'. Try " +
                      upper + " HELP.");
      return;
    }
    cmd = sub;
  }
  const CommandSpec& spec = *cmd->spec;
  int argc = static_cast<int>(argv.size());
  if ((spec.arity > 0 && spec.arity != argc) || (spec.arity < 0 && argc < -spec.arity)) {
    reject(cmd, "ERR wrong number of arguments for '" + cmd->full_name + "' command");
    return;
  }
  if (!c.authenticated && !(spec.flags & kNoAuth)) {
    reject(cmd, err::kNoAuth);
    return;
  }

  c.last_command = cmd->full_name;
  CommandContext ctx{*this, c, argv, reply, *dbs_[static_cast<size_t>(c.db_index)], now_ms_};
  uint64_t errors_before = reply.error_count();
  spec.handler(ctx);
  clock_us_ = wall_us();
  int64_t dt = clock_us_ - start_us;
  cmd->stats.calls++;
  cmd->stats.usec += dt > 0 ? static_cast<uint64_t>(dt) : 0;
  if (reply.error_count() != errors_before) {
    cmd->stats.failed_calls++;
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

void Server::queue_write(Client& c) {
  if (c.in_pending_writes) return;
  c.in_pending_writes = true;
  pending_writes_.push_back(&c);
}

void Server::write_to_client(Client& c) {
  if (c.close_asap()) return;
  write_socket(c);
  after_write(c);
}

void Server::after_write(Client& c) {
  stats_.write_calls += c.io.write_calls;
  stats_.net_output_bytes += c.io.written;
  stats_.total_writes_processed += c.io.writes_done;
  const int e = c.io.write_errno;
  if (e != 0 && e != EAGAIN && e != EWOULDBLOCK) {
    LOG_VERBOSE("Error writing to client: %s", std::strerror(e));
    kill_client(c);
    return;
  }
  if (c.out().empty()) {
    if (c.write_watched) {
      c.conn().want_write(false);
      c.write_watched = false;
    }
    if (c.closing_after_reply()) kill_client(c);
  } else if (!c.write_watched) {
    c.conn().want_write(true);
    c.write_watched = true;
  }
}

bool Server::fan_out_worthwhile(size_t clients) const {
  // Redis keeps its helpers off below two pending clients per thread: waking them costs
  // more than a few reads. io-threads-min-pending (ours) moves that point; tests use 1.
  size_t min = config_.io_threads_min_pending > 0
                   ? static_cast<size_t>(config_.io_threads_min_pending)
                   : 2 * static_cast<size_t>(io_threads_->threads());
  return clients >= min;
}

void Server::handle_parked_reads() {
  if (parked_reads_.empty()) return;
  auto skip = [](const Client* c) { return c->close_asap() || c->closing_after_reply(); };
  const bool threaded =
      io_threads_ && config_.io_threads_do_reads && fan_out_worthwhile(parked_reads_.size());
  if (threaded) {
    resp::ParserLimits limits;
    limits.max_bulk_len = config_.proto_max_bulk_len;
    io_threads_->run(parked_reads_.size(), [&](size_t i) {
      Client& c = *parked_reads_[i];
      if (skip(&c)) return;
      read_socket(c);
      preparse(c, limits);
    });
    stats_.io_threaded_reads_processed += parked_reads_.size();
    fanned_out_ = true;
  } else {
    for (Client* c : parked_reads_)
      if (!skip(c)) read_socket(*c);
  }
  // Commands run in arrival order; one may kill a client further down the list (it stays
  // allocated until free_closing_clients), whose bytes are then dropped.
  constexpr size_t kChunk = 32;
  for (size_t start = 0; start < parked_reads_.size(); start += kChunk) {
    std::span<Client* const> chunk(parked_reads_.data() + start,
                                   std::min(kChunk, parked_reads_.size() - start));
    if (chunk.size() >= 2) prefetch_first_keys(chunk);
    for (Client* c : chunk) {
      c->read_parked = false;
      if (skip(c)) {
        c->io.preparsed = false;
        continue;
      }
      after_read(*c);
    }
  }
  parked_reads_.clear();
}

// The cross-client form of prefetch_keys: the first key of each client's next command.
void Server::prefetch_first_keys(std::span<Client* const> clients) {
  uint64_t hashes[32];
  const store::Db* dbs[32];
  size_t n = 0;
  for (Client* c : clients) {
    if (n == std::size(hashes)) break;
    std::string_view key;
    if (c->io.read_bytes <= 0 || c->parser.in_multibulk() ||
        resp::peek_keys(c->query.unread(), {&key, 1}) != 1)
      continue;
    dbs[n] = dbs_[static_cast<size_t>(c->db_index)].get();
    hashes[n] = store::Db::key_hash(key);
    dbs[n]->prefetch_slot(hashes[n]);
    n++;
  }
  for (size_t i = 0; i < n; i++) dbs[i]->prefetch_entry(hashes[i]);
}

void Server::handle_pending_writes() {
  std::erase_if(pending_writes_, [](Client* c) {
    c->in_pending_writes = false;
    return c->close_asap();
  });
  if (io_threads_ && fan_out_worthwhile(pending_writes_.size())) {
    io_threads_->run(pending_writes_.size(), [&](size_t i) { write_socket(*pending_writes_[i]); });
    stats_.io_threaded_writes_processed += pending_writes_.size();
    fanned_out_ = true;
    for (Client* c : pending_writes_) after_write(*c);
  } else {
    for (Client* c : pending_writes_) write_to_client(*c);
  }
  pending_writes_.clear();
}

void Server::before_sleep() {
  // Flush replies produced in this iteration; clients whose socket is full get a
  // writable handler and finish from the event loop.
  if (active_expire_enabled_) active_expire_cycle(true);
  // INFO's io_threads_active: whether the last iteration used the helpers.
  fanned_out_ = false;
  handle_parked_reads();
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
  if (c->in_pending_writes) std::erase(pending_writes_, c);
  if (c->read_parked) std::erase(parked_reads_, c);
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

  if (active_expire_enabled_) active_expire_cycle(false);
  for (auto& d : dbs_) {
    d->cron_resize();
    if (config_.activerehashing && d->cron_rehash(1000)) break;  // 1 ms per cron, like Redis
  }
  if (config_.timeout > 0) {
    int64_t limit_ms = static_cast<int64_t>(config_.timeout) * 1000;
    for (auto& [id, c] : clients_) {
      if (now_ms_ - c->last_interaction_ms > limit_ms && !c->has_pending_output()) {
        LOG_VERBOSE("Closing idle client");
        kill_client(*c);
      }
    }
  }
  // The peak is sampled here rather than per allocation: cheap and close enough.
  if ((cron_loops_ & 7) == 0)
    stats_.peak_memory = std::max(stats_.peak_memory, memory_stats().allocated);
  int hz = config_.hz > 0 ? config_.hz : 1;
  return 1000 / hz;
}

void Server::on_config_changed(std::string_view name) {
  if (name == "busy-poll-us") loop_->set_busy_poll_us(config_.busy_poll_us);
  if (name == "loglevel") {
    if (auto lvl = parse_log_level(config_.loglevel)) log_set_level(*lvl);
  }
}

size_t Server::flush_all() {
  size_t n = 0;
  for (auto& d : dbs_) n += d->clear();
  return n;
}

}  // namespace rkv::server
