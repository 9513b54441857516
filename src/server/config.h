// Config: every directive with Redis's name and default; one table drives the config
// file, command-line overrides (--port 7000) and CONFIG GET/SET.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rkv::server {

struct Config {
  // Network
  std::vector<std::string> bind = {"*", "-::*"};
  int port = 6379;
  std::string unixsocket;
  int unixsocketperm = 0;
  int tcp_backlog = 511;
  int tcp_keepalive = 300;
  int timeout = 0;
  int64_t maxclients = 10000;
  bool protected_mode = true;
  // Protocol limits
  int64_t proto_max_bulk_len = 512ll * 1024 * 1024;
  int64_t client_query_buffer_limit = 1024ll * 1024 * 1024;
  // Server
  int databases = 16;
  int hz = 10;
  bool dynamic_hz = true;
  bool activerehashing = true;
  int active_expire_effort = 1;
  std::string loglevel = "notice";
  std::string logfile;
  std::string requirepass;
  std::string enable_debug_command = "no";
  std::string enable_protected_configs = "no";
  std::string enable_module_command = "no";
  bool daemonize = false;
  std::string pidfile;
  std::string dir = ".";
  std::string dbfilename = "dump.rdb";
  std::string save = "3600 1 300 100 60 10000";
  bool appendonly = false;
  std::string appendfilename = "appendonly.aof";
  std::string appendfsync = "everysec";
  int64_t maxmemory = 0;
  std::string maxmemory_policy = "noeviction";
  int maxmemory_samples = 5;
  int maxmemory_eviction_tenacity = 10;
  // Client eviction: bytes, or a percentage of maxmemory stored negated (-10 is "10%"), as
  // Redis keeps it; 0 is off.
  int64_t maxmemory_clients = 0;
  int lfu_log_factor = 10;
  int lfu_decay_time = 1;
  bool lazyfree_lazy_eviction = false;
  bool lazyfree_lazy_expire = false;
  bool lazyfree_lazy_server_del = false;
  bool lazyfree_lazy_user_del = false;
  bool lazyfree_lazy_user_flush = false;
  int64_t slowlog_log_slower_than = 10000;
  int slowlog_max_len = 128;
  int64_t latency_monitor_threshold = 0;
  std::string notify_keyspace_events;
  unsigned notify_keyspace_flags = 0;  // notify.h's bits for the letters above
  std::string client_output_buffer_limit =
      "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";
  int64_t busy_reply_threshold = 5000;
  int list_max_listpack_size = -2;
  int list_compress_depth = 0;
  int hash_max_listpack_entries = 512;
  int hash_max_listpack_value = 64;
  int set_max_intset_entries = 512;
  int set_max_listpack_entries = 128;  // Redis 7.2's; 7.0 goes intset -> hashtable
  int set_max_listpack_value = 64;
  int zset_max_listpack_entries = 128;
  int zset_max_listpack_value = 64;
  int hll_sparse_max_bytes = 3000;
  // IO paths
  std::string io_backend;  // empty: the platform default
  int io_threads = 1;
  bool io_threads_do_reads = false;
  int io_threads_min_pending = 0;  // ours: fan out from this many clients (0: 2 x io-threads)
  // Ours: wake-up coalescing window under concurrent load; -1: the backend's default.
  int io_batch_wait_us = -1;
  int io_batch_min_cpu = 60;  // ours: batch only while the loop thread is this busy (%)
  int busy_poll_us = 20;      // our own directive: spin before blocking while traffic is dense
};

// Result of applying directives: empty error means success.
struct ConfigError {
  std::string message;
  explicit operator bool() const { return !message.empty(); }
};

class ConfigTable {
 public:
  // Applies one directive (name + args) at start-up. Unknown names and bad values fail.
  static ConfigError apply(Config& cfg, std::string_view name, std::span<const std::string> args);
  // Parses redis.conf text: one directive a line, quoted args, '#' comments.
  // On failure returns "line N: 'text': reason"-style diagnostics via the callbacks.
  static ConfigError load_text(Config& cfg, std::string_view text, std::string* bad_line,
                               int* bad_line_no);

  // CONFIG GET: name/value pairs of every parameter matching the glob pattern.
  static void get(const Config& cfg, std::string_view pattern,
                  std::vector<std::pair<std::string, std::string>>* out);
  // CONFIG SET of one parameter at run time (immutable ones fail).
  static ConfigError set(Config& cfg, std::string_view name, std::string_view value);
  // CONFIG SET name value [name value ...]: all or nothing. On failure cfg is unchanged and
  // the error is Redis's full reply text ("ERR CONFIG SET failed (possibly related to ...").
  // `changed` receives the canonical names set, for Server::on_config_changed.
  static ConfigError set_many(Config& cfg,
                              std::span<const std::pair<std::string_view, std::string_view>> pairs,
                              bool allow_protected, std::vector<std::string>* changed);
  static bool exists(std::string_view name);
  static bool is_mutable(std::string_view name);
  // Protected parameters (dir, dbfilename) need enable-protected-configs.
  static bool is_protected(std::string_view name);
  // The parameter's main name ("hash-max-ziplist-entries" -> "hash-max-listpack-entries").
  static std::string canonical_name(std::string_view name);
};

// "100mb" / "1gb" / "512" to bytes (Redis memtoull). Returns false on junk.
bool parse_memory(std::string_view s, int64_t* out);

}  // namespace rkv::server
