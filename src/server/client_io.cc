// The socket side of the request path: parked reads (on helper threads with io-threads),
// key prefetching for the batch, and the flush of pending replies. See server.h.
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "resp/key_peek.h"
#include "server/server.h"
#include "util/log.h"

namespace rkv::server {
namespace {

constexpr size_t kReadChunk = 16 * 1024;  // PROTO_IOBUF_LEN
constexpr int kMaxIov = 64;
// Parked clients are run in chunks this big, each chunk's first keys prefetched together.
constexpr size_t kPrefetchChunk = 32;

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

void Server::start_io_threads() {
  if (config_.io_threads <= 1) return;
  if (loop_->completion_based()) {
    // Its reads come out of a buffer ring the loop owns, and its system calls are already
    // batched into one per iteration: nothing for helpers to take over.
    LOG_NOTICE("io-threads %d ignored: io-backend %s does no per-client system calls",
               config_.io_threads, loop_->backend());
    return;
  }
  // Between batches a helper spins before it sleeps, so that a loaded server does not pay
  // a futex wake-up per batch. That only pays when the helpers have cores of their own:
  // on a machine with no more CPUs than threads a spinning helper takes the core the main
  // thread (or the clients) need. Measured on 2 CPUs at -c 50: 2 us spins beat 20 us ones
  // by 20% in throughput and CPU per request (docs/BENCHMARKS.md).
  const unsigned cpus = std::thread::hardware_concurrency();
  const bool own_cores = cpus == 0 || cpus > static_cast<unsigned>(config_.io_threads);
  if (!own_cores)
    LOG_WARNING("io-threads %d with %u CPUs: the helpers compete with the main thread for cores",
                config_.io_threads, cpus);
  io_threads_ = std::make_unique<FanOut>(config_.io_threads, own_cores ? 20 : 2);
  LOG_NOTICE("Threaded I/O: %d threads (main + %d helpers), reads %s", config_.io_threads,
             config_.io_threads - 1, config_.io_threads_do_reads ? "on" : "off");
}

void Server::read_from_client(Client& c) {
  if (c.close_asap() || c.closing_after_reply() || c.read_parked) return;
  // Read later, in before_sleep, with every client readable in this iteration: their
  // reads can go to helper threads, and their keys can be prefetched together.
  c.read_parked = true;
  // While a command yields to the loop (busy.cc), parked_reads_ is the batch it came from.
  (busy_caller_ ? busy_reads_ : parked_reads_).push_back(&c);
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
  // After its commands ran (Redis: beforeNextClient), its query buffer or replies may
  // have taken the clients over maxmemory-clients.
  if (client_evict_limit_) {
    track_client_memory(c);
    evict_clients();
  }
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
  if (client_evict_limit_) track_client_memory(c);
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

void Server::handle_parked_reads(std::vector<Client*>& parked) {
  if (parked.empty()) return;
  auto skip = [](const Client* c) { return c->close_asap() || c->closing_after_reply(); };
  const bool threaded =
      io_threads_ && config_.io_threads_do_reads && fan_out_worthwhile(parked.size());
  if (threaded) {
    resp::ParserLimits limits;
    limits.max_bulk_len = config_.proto_max_bulk_len;
    io_threads_->run(parked.size(), [&](size_t i) {
      Client& c = *parked[i];
      if (skip(&c)) return;
      read_socket(c);
      preparse(c, limits);
    });
    stats_.io_threaded_reads_processed += parked.size();
    fanned_out_ = true;
  } else {
    for (Client* c : parked)
      if (!skip(c)) read_socket(*c);
  }
  // Commands run in arrival order; one may kill a client further down the list (it stays
  // allocated until free_closing_clients), whose bytes are then dropped.
  for (size_t start = 0; start < parked.size(); start += kPrefetchChunk) {
    std::span<Client* const> chunk(parked.data() + start,
                                   std::min(kPrefetchChunk, parked.size() - start));
    if (chunk.size() >= 2) prefetch_first_keys(chunk);
    for (Client* c : chunk) {
      if (!c->read_parked) continue;  // served meanwhile, while a script was busy (busy.cc)
      c->read_parked = false;
      if (skip(c)) {
        c->io.preparsed = false;
        continue;
      }
      after_read(*c);
    }
  }
  parked.clear();
}

// The cross-client form of prefetch_keys: the first key of each client's next command.
// Both stay two plain loops over local arrays: a shared helper class holding the arrays
// let GCC 12 drop the entry prefetches altogether (+13% CPU on pipelined GET, measured).
void Server::prefetch_first_keys(std::span<Client* const> clients) {
  uint64_t hashes[kPrefetchChunk];
  const store::Db* dbs[kPrefetchChunk];
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

}  // namespace rkv::server
