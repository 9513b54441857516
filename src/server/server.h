// Server: wires the reactor, the clients, the databases and the command table.
// server.cc: start-up, accept, before_sleep, cron, expiry; client_io.cc: reads, writes,
// threaded I/O and prefetching; dispatch.cc: the parse loop and command dispatch.
//
// The request path (commands run on the main thread only):
//   Connection readable -> read_from_client -> parse -> execute (dispatch checks, handler)
//   -> reply appended, client queued -> before_sleep flushes every queued client.
// With io-threads > 1 (Redis 6's threaded I/O) readable clients are parked instead and
// before_sleep hands their reads (and first parse) to the helper threads, then executes
// in order; the flush is handed out the same way. Only the socket call and the client's
// own buffers run on a helper; everything shared is touched by the main thread.
// Clients are freed only in before_sleep, never while an event or a command is running.
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "net/reactor.h"
#include "server/client.h"
#include "server/command_table.h"
#include "server/config.h"
#include "server/pubsub.h"
#include "server/script_host.h"
#include "store/db.h"
#include "store/evict.h"
#include "util/fan_out.h"
#include "util/memory.h"

namespace rkv::server {

struct ServerStats {
  uint64_t total_connections_received = 0;
  uint64_t total_commands_processed = 0;
  uint64_t rejected_connections = 0;
  uint64_t net_input_bytes = 0;
  uint64_t net_output_bytes = 0;
  uint64_t total_error_replies = 0;
  uint64_t unexpected_error_replies = 0;
  uint64_t total_reads_processed = 0;
  uint64_t total_writes_processed = 0;
  uint64_t read_calls = 0;   // read syscalls (incl. EAGAIN)
  uint64_t write_calls = 0;  // write/writev syscalls
  uint64_t client_qbuf_limit_disconnections = 0;
  uint64_t io_threaded_reads_processed = 0;
  uint64_t io_threaded_writes_processed = 0;
  std::map<std::string, uint64_t, std::less<>> error_codes;  // errorstats: "ERR" -> count
  size_t peak_memory = 0;
  uint64_t evicted_keys = 0;
  uint64_t evicted_clients = 0;
  // Time spent over maxmemory: closed stretches, and the start of the open one (mono_us, 0
  // when within the limit).
  uint64_t eviction_exceeded_us = 0;
  int64_t eviction_exceeded_since_us = 0;
};

// Where the used memory goes, as Redis's getMemoryOverheadData splits it: shared by INFO
// memory and MEMORY STATS / DOCTOR so they always agree.
struct MemoryOverhead {
  size_t used = 0;            // used_memory(): live bytes, Redis's used_memory
  MemoryStats alloc;          // the allocator's figures when taken
  size_t peak = 0;            // highest `used` seen
  size_t startup = 0;         // allocated when the server started serving
  size_t clients_normal = 0;  // Client::memory_usage() of every client
  size_t lua_caches = 0;      // cached EVAL scripts (ScriptMemory::scripts_eval)
  size_t functions_caches = 0;
  struct DbTables {
    int id;
    size_t main, expires;  // keyspace table slots; expires table slots and nodes
  };
  std::vector<DbTables> dbs;  // the databases that hold keys
  size_t total = 0;           // startup + clients + every database's tables
  size_t keys = 0;
  size_t bytes_per_key = 0;  // (allocated - startup) / keys
  size_t dataset = 0;        // allocated - total
  float dataset_perc = 0;    // dataset / (allocated - startup)
  float peak_perc = 0;       // allocated / peak
};

// Instantaneous metrics: a ring of samples taken by the cron (Redis keeps 16).
struct RateSampler {
  static constexpr int kSamples = 16;
  int64_t last_time_ms = 0;
  uint64_t last_value = 0;
  double samples[kSamples] = {};
  int idx = 0;
  void sample(int64_t now_ms, uint64_t value);
  double rate() const;
};

class Server {
 public:
  explicit Server(Config config);
  ~Server();

  // Binds listeners, sets up the loop; false with *err on failure.
  bool start(std::string* err);
  void run();
  // Ends the loop after the current iteration (SHUTDOWN, signals).
  void request_shutdown() { shutdown_requested_ = true; }
  bool shutdown_requested() const { return shutdown_requested_; }

  // Event entry points (called by Client).
  void read_from_client(Client& c);
  void write_to_client(Client& c);

  // Runs one parsed command for c (or queues it, inside MULTI).
  void execute(Client& c, std::span<const std::string_view> argv);
  // The command argv names (subcommand resolved), arity checked; null after replying
  // the error (unknown command or subcommand, wrong number of arguments). c: the client
  // it was sent by, whose transaction a rejection fails (see reject_command).
  Command* resolve_command(std::span<const std::string_view> argv, resp::Reply& reply,
                           Client* c = nullptr);
  // Runs a resolved command's handler for c as one call: command statistics, and the
  // blocked clients its writes made ready are served after the outermost call (EXEC
  // and scripts call() their commands from inside a call). start_us: when it began.
  void call(Client& c, Command& cmd, std::span<const std::string_view> argv, int64_t start_us);
  // Replies msg as the rejection of cmd (null: unknown command), counting it. With the
  // client given, as Redis's rejectCommand: inside MULTI the transaction is failed (EXEC
  // will answer EXECABORT), and a rejected EXEC discards it with an EXECABORT naming msg.
  void reject_command(Command* cmd, resp::Reply& reply, std::string_view msg, Client* c = nullptr);
  // cmd's CommandFlags for this command line: its row's, or for EVAL/FCALL what the
  // script declares (script_host.h).
  uint32_t command_flags(const Command& cmd, std::span<const std::string_view> argv) const;
  // Commands running now: 0 between commands, 2 or more inside EXEC or a script.
  int call_depth() const { return call_depth_; }

  // For command handlers.
  Config& config() { return config_; }
  const Config& config() const { return config_; }
  store::Db& db(int index) { return *dbs_[static_cast<size_t>(index)]; }
  int db_count() const { return static_cast<int>(dbs_.size()); }
  store::KeyspaceStats& keyspace_stats() { return keyspace_stats_; }
  ServerStats& stats() { return stats_; }
  CommandTable& commands() { return commands_; }
  const std::unordered_map<uint64_t, std::unique_ptr<Client>>& clients() const { return clients_; }
  // Marks a client for closing; it is freed in before_sleep.
  void kill_client(Client& c);
  net::Reactor& loop() { return *loop_; }
  int64_t now_ms() const { return now_ms_; }
  const std::string& run_id() const { return run_id_; }
  uint32_t lru_clock() const { return lru_clock_; }
  int64_t last_save_time() const { return last_save_time_; }
  bool active_expire_enabled() const { return active_expire_enabled_; }
  void set_active_expire_enabled(bool on) { active_expire_enabled_ = on; }
  double ops_per_sec() const { return ops_sampler_.rate(); }
  double input_kbps() const { return input_sampler_.rate() / 1024; }
  double output_kbps() const { return output_sampler_.rate() / 1024; }
  uint64_t cron_loops() const { return cron_loops_; }
  // Threaded I/O: null when io-threads is 1 or the backend cannot use helpers.
  const FanOut* io_threads() const { return io_threads_.get(); }
  bool io_threads_active() const { return io_threads_active_; }
  // Applies side effects of CONFIG SET (log level, ...).
  void on_config_changed(std::string_view name);
  // The wake-up coalescing window in effect (io-batch-wait-us, -1 resolved per backend).
  int batch_wait_us() const;
  // Empties every database (FLUSHALL) and returns the number of keys removed; lazy: the
  // contents are freed on the lazy-free thread.
  size_t flush_all(bool lazy = false);
  const store::LazyFree& lazy_free() const { return lazy_free_; }
  std::string info(std::span<const std::string_view> sections);
  // Reads the allocator and accounts the overheads (also raises the memory peak).
  MemoryOverhead memory_overhead();
  // CONFIG RESETSTAT: zeroes server, command, error, keyspace and loop statistics.
  void reset_stats();

  // Blocking commands (blocking.h). A handler with nothing to serve parks its client on
  // keys: woken when one of them comes to hold `waits_for`, or after timeout_ms (0: never).
  // Inside EXEC (or a script: Client::deny_blocking) it answers at once as Redis 7.0
  // does there instead: a null array, or a null bulk for `denied` kNull (BLMOVE,
  // BRPOPLPUSH).
  enum class DeniedReply { kNullArray, kNull };
  void block_client(CommandContext& ctx, std::span<const std::string_view> keys,
                    store::ObjType waits_for, int64_t timeout_ms,
                    DeniedReply denied = DeniedReply::kNullArray);
  // CLIENT UNBLOCK: answers the parked command as a timeout, or with an UNBLOCKED error.
  // False when c is not blocked.
  bool unblock_client(Client& c, bool with_error);
  size_t blocked_clients() const { return blocked_count_; }
  // SWAPDB: keys that now exist under a new db index may wake its waiters.
  void signal_blocked_keys_in_db(int db);

  // Keyspace changes (notify.h). Handlers report through CommandContext::key_modified.
  // Publishes the keyspace/keyevent notifications notify-keyspace-events asks for; one
  // test when it asks for none of klass (the default: none at all).
  void notify_keyspace_event(unsigned klass, std::string_view event, std::string_view key, int db) {
    if (config_.notify_keyspace_flags & klass) publish_keyspace_event(event, key, db);
  }
  // WATCH: marks the transactions watching key in db as failed (multi.cc). Runs on every
  // write: one branch when nobody watches.
  void signal_modified_key(int db, std::string_view key) {
    if (!watches_.empty()) touch_watched_key(db, key);
  }
  // FLUSHDB (db) and FLUSHALL (-1), before emptying: fails the transactions watching
  // keys that exist there. SWAPDB a b, before swapping: those watching a key present in
  // either db's contents.
  void signal_flushed_db(int db);
  void signal_swapped_dbs(int a, int b);
  // Changes since start (Redis's server.dirty): INFO rdb_changes_since_last_save.
  uint64_t dirty() const { return dirty_; }
  void add_dirty(uint64_t n) { dirty_ += n; }

  // Transactions (multi.cc; the commands are in commands/transaction.cc).
  void watch_key(Client& c, std::string_view key);  // in c's db
  void unwatch_all(Client& c);
  // Whether a key c watches, alive when WATCHed, has expired since (EXEC then fails).
  bool watched_key_expired(const Client& c);
  // Leaves MULTI (queued commands dropped) and unwatches everything: EXEC, DISCARD, RESET.
  void discard_transaction(Client& c);
  const WatchIndex& watches() const { return watches_; }
  // maxmemory (evict.cc). Before each command while maxmemory > 0: evicts keys by
  // maxmemory-policy until used_memory() is back under the limit (or the time budget of
  // maxmemory-eviction-tenacity runs out: a timer carries on). True when cmd must be refused
  // with -OOM instead: memory is still over and cmd may grow it (kDenyOom in flags: its
  // row's, or what a script declares for EVAL/FCALL). For a client inside MULTI
  // (in_multi), as Redis: everything but EXEC, DISCARD, QUIT and RESET is refused (queuing
  // alone grows memory), and EXEC is judged by the flags of the commands it queued
  // (queued_flags), not its own.
  bool reject_for_memory(const Command& cmd, uint32_t flags, bool in_multi = false,
                         uint32_t queued_flags = 0);
  // Whether the last top-level command found memory over the limit with nothing left to
  // evict: a script decides by it whether its first write may run (Redis's script_oom).
  bool out_of_memory() const { return out_of_memory_; }

  // Pub/Sub (pubsub.cc): delivers message to the subscribers of channel and of the
  // patterns matching it; returns how many clients received it.
  size_t publish(std::string_view channel, std::string_view message);
  // SPUBLISH: to the subscribers of a shard channel (patterns do not apply).
  size_t publish_shard(std::string_view channel, std::string_view message);
  PubSub& pubsub() { return pubsub_; }
  const PubSub& pubsub() const { return pubsub_; }

  // client-output-buffer-limit (output_limits.cc): closes c when its pending output broke
  // its class's limit. Costs a compare until the buffer passes the class's smallest limit.
  void enforce_output_limits(Client& c) {
    if (c.out().bytes() >= obuf_watch_[c.subs.pubsub_mode()] || c.obuf_soft_since_ms != 0)
      check_output_limits(c);
  }
  // Re-reads the limits from the config (start-up, CONFIG SET).
  void configure_output_limits();

  // maxmemory-clients (client_evict.cc): the limit in bytes in force, 0 when off.
  size_t client_eviction_limit() const { return client_evict_limit_; }

  // The scripting engine (script/, installed by main or on first use by commands/).
  ScriptHost* script_host() { return script_host_.get(); }
  void set_script_host(std::unique_ptr<ScriptHost> host) { script_host_ = std::move(host); }

  // A command that runs long (a script past busy-reply-threshold) keeps the loop serving
  // other clients by calling process_events_while_busy() from inside itself, between
  // begin_busy() and end_busy() (busy.cc). Meanwhile commands not flagged allow-busy
  // answer busy_error; the caller is not read (its command is still running) and no
  // client is freed; expiry, blocked-client wake-ups and the cron's housekeeping wait.
  void begin_busy(Client& caller, std::string busy_error);
  // One non-blocking loop iteration: reads, BUSY replies or allow-busy commands, writes.
  void process_events_while_busy();
  void end_busy();
  bool busy() const { return busy_caller_ != nullptr; }
  const std::string& busy_error() const { return busy_error_; }

 private:
  void on_accept(std::unique_ptr<net::Connection> conn);
  void process_input(Client& c);
  size_t prefetch_keys(Client& c);
  void prefetch_first_keys(std::span<Client* const> clients);
  void after_read(Client& c);
  void after_write(Client& c);
  void handle_parked_reads(std::vector<Client*>& parked);
  void handle_pending_writes();
  bool fan_out_worthwhile(size_t clients) const;
  void start_io_threads();
  void queue_write(Client& c);
  size_t deliver(PubSub::Kind kind, std::string_view channel, std::string_view message);
  void check_output_limits(Client& c);
  // Client eviction (client_evict.cc). Every call site tests client_evict_limit_ first,
  // so with maxmemory-clients 0 each costs one branch.
  void configure_client_eviction();
  void track_client_memory(Client& c);
  void recount_client_memory();
  void evict_clients();
  void count_error(std::string_view code);
  void account_call(Command& cmd, int64_t dt_us, resp::Reply& reply, uint64_t errors_before);
  void before_sleep();
  void busy_before_sleep();
  int64_t cron();
  void active_expire_cycle(bool fast);
  void free_client(uint64_t id);
  void free_closing_clients();
  bool listen_all(std::string* err);
  // Transactions (multi.cc).
  void queue_command(Client& c, Command& cmd, std::span<const std::string_view> argv);
  bool reject_in_transaction(Client& c, Command* cmd, std::string_view msg);
  void touch_watched_key(int db, std::string_view key);
  void on_key_expired(int db, std::string_view key);
  // Blocking (blocking.cc).
  void on_key_added(store::Db& db, const store::Entry& e, bool created);
  void serve_ready_keys();
  void rerun_blocked(Client& c);
  void unpark(Client& c);
  void arm_block_timer();
  void expire_block_timeouts();
  void process_unblocked_clients();
  // Notifications (notify.cc).
  void publish_keyspace_event(std::string_view event, std::string_view key, int db);
  // Db's expired hook: "expired", then WATCH sees the key change (it is as good as gone).
  void key_expired(store::Db& db, std::string_view key);
  // Switches each db's key-added and key-miss hooks on only while someone needs them:
  // blocked clients in that db, or the n / m notification classes.
  void update_db_hooks(int db);
  // Eviction (evict.cc).
  enum class EvictResult { kOk, kRunning, kFail };
  EvictResult perform_evictions();
  bool pick_eviction_victim(int* db);
  void apply_eviction_config();

  Config config_;
  std::unique_ptr<net::Reactor> loop_;
  bool have_unix_listener_ = false;
  std::unordered_map<uint64_t, std::unique_ptr<Client>> clients_;
  std::vector<Client*> pending_writes_;
  std::vector<Client*> parked_reads_;
  std::unique_ptr<FanOut> io_threads_;
  bool io_threads_active_ = false;
  bool fanned_out_ = false;
  std::vector<uint64_t> closing_;
  // Declared before the dbs: it must outlive them (its thread may hold their values).
  store::LazyFree lazy_free_;
  store::FreePolicy free_policy_;
  std::vector<std::unique_ptr<store::Db>> dbs_;
  WatchIndex watches_;  // WATCHed keys of every client, by db
  // Blocked clients by db and key, in the order they blocked.
  std::vector<std::map<std::string, std::list<Client*>, std::less<>>> blocking_keys_;
  std::vector<size_t> blocked_in_db_;
  std::vector<std::pair<int, std::string>> ready_keys_;  // keys that came to exist
  std::set<std::pair<int, std::string>, std::less<>> ready_set_;
  std::set<std::pair<int64_t, uint64_t>> block_timeouts_;  // (deadline, client id)
  uint64_t block_timer_ = 0;
  int64_t block_timer_when_ = 0;
  std::vector<uint64_t> unblocked_clients_;  // to resume their pending input
  size_t blocked_count_ = 0;
  bool serving_ready_keys_ = false;
  PubSub pubsub_;
  struct OutputLimit {
    size_t hard = 0, soft = 0;
    int64_t soft_seconds = 0;
  };
  OutputLimit obuf_limits_[2];                   // normal, pubsub clients
  size_t obuf_watch_[2] = {SIZE_MAX, SIZE_MAX};  // smallest non-zero limit of each
  size_t client_evict_limit_ = 0;                // maxmemory-clients resolved to bytes; 0: off
  size_t clients_memory_ = 0;                    // Client::tracked_memory summed over every client
  int64_t client_evict_warned_ms_ = 0;
  store::KeyspaceStats keyspace_stats_;
  store::AccessPolicy access_policy_;  // LRU or LFU bits in every entry (maxmemory-policy)
  store::EvictPolicy evict_policy_ = store::EvictPolicy::kNoEviction;
  store::EvictionPool eviction_pool_;
  std::string eviction_key_;       // the key being evicted (capacity reused)
  unsigned eviction_next_db_ = 0;  // random policies visit the dbs in turn
  uint64_t eviction_timer_ = 0;    // evicting from the loop after a time-limited pass
  bool out_of_memory_ = false;
  ServerStats stats_;
  CommandTable commands_;
  RateSampler ops_sampler_, input_sampler_, output_sampler_;

  uint64_t dirty_ = 0;
  int call_depth_ = 0;
  uint64_t next_client_id_ = 1;
  int64_t now_ms_ = 0;
  int64_t clock_us_ = 0;  // end of the last command of the current batch, or 0
  int64_t start_time_ms_ = 0;
  size_t startup_memory_ = 0;
  int64_t last_save_time_ = 0;
  uint32_t lru_clock_ = 0;
  uint64_t cron_loops_ = 0;
  int expire_db_cursor_ = 0;
  bool active_expire_enabled_ = true;
  bool shutdown_requested_ = false;
  std::string run_id_;
  // Busy state (busy.cc): the client whose command yields to the loop, and the clients
  // that became readable meanwhile (apart from the batch the outer iteration is walking).
  Client* busy_caller_ = nullptr;
  std::string busy_error_;
  std::vector<Client*> busy_reads_;
  std::vector<Client*> busy_backlog_;  // read with the caller, not run yet
  // Last: destroyed first, while the databases and clients its script client uses exist.
  std::unique_ptr<ScriptHost> script_host_;
};

// Set by SIGTERM/SIGINT; the cron turns it into a clean shutdown.
void install_signal_handlers();

}  // namespace rkv::server
