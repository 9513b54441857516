// INFO: sections and field names exactly as Redis 7.0 prints them, in Redis's order, plus
// our "# IO" section. Also CONFIG RESETSTAT, which clears what INFO reports.
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdio>
#include <string>

#include "server/server.h"
#include "util/clock.h"
#include "util/memory.h"

namespace rkv::server {
namespace {

// Redis's bytesToHuman: B up to 1023, then two decimals with K, M, G, T, P.
std::string human_bytes(double n) {
  char buf[64];
  const char* units = "BKMGTP";
  int u = 0;
  while (n >= 1024 && u < 5) {
    n /= 1024;
    u++;
  }
  if (u == 0)
    std::snprintf(buf, sizeof(buf), "%.0fB", n);
  else
    std::snprintf(buf, sizeof(buf), "%.2f%c", n, units[u]);
  return buf;
}

class InfoWriter {
 public:
  explicit InfoWriter(std::string& out) : out_(out) {}
  void section(const char* title) {
    if (!out_.empty()) out_ += "\r\n";
    out_ += "# ";
    out_ += title;
    out_ += "\r\n";
  }
  void operator()(std::string_view name, std::string_view value) {
    out_ += name;
    out_ += ':';
    out_ += value;
    out_ += "\r\n";
  }
  void u(std::string_view name, uint64_t v) { (*this)(name, std::to_string(v)); }
  void i(std::string_view name, int64_t v) { (*this)(name, std::to_string(v)); }
  void f(std::string_view name, double v) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.2f", v);
    (*this)(name, buf);
  }
  void human(std::string_view name, uint64_t v) {
    u(name, v);
    (*this)(std::string(name) + "_human", human_bytes(static_cast<double>(v)));
  }

 private:
  std::string& out_;
};

double ratio(double a, double b) {
  return b != 0 ? a / b : 0.0;
}

std::string seconds(const timeval& tv) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%ld.%06ld", static_cast<long>(tv.tv_sec),
                static_cast<long>(tv.tv_usec));
  return buf;
}

std::string executable_path() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "reactorkv-server";
}

// Which sections a request names. Redis always prints them in its fixed order, whatever
// order they were asked in; unknown names are ignored.
struct SectionSet {
  std::vector<std::string> names;
  bool all = false;
  bool defaults = false;

  explicit SectionSet(std::span<const std::string_view> args) {
    if (args.empty()) defaults = true;
    for (auto a : args) {
      std::string l(a);
      for (char& ch : l) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (l == "all" || l == "everything")
        all = true;
      else if (l == "default")
        defaults = true;
      else
        names.push_back(std::move(l));
    }
  }
  bool wants(std::string_view name, bool in_default) const {
    if (all || (defaults && in_default)) return true;
    return std::find(names.begin(), names.end(), name) != names.end();
  }
};

}  // namespace

MemoryOverhead Server::memory_overhead() {
  MemoryOverhead mh;
  mh.alloc = memory_stats();
  mh.used = used_memory();
  const size_t used = mh.used;
  stats_.peak_memory = std::max(stats_.peak_memory, used);
  mh.peak = stats_.peak_memory;
  mh.startup = startup_memory_;
  // Redis's mem_clients_normal sums the same per-client figure as client eviction.
  for (auto& [id, c] : clients_) mh.clients_normal += c->memory_usage();
  if (script_host_) {
    const ScriptMemory sm = script_host_->memory();
    mh.lua_caches = sm.scripts_eval;
    mh.functions_caches = sm.functions_memory;
  }
  mh.total = mh.startup + mh.clients_normal + mh.lua_caches + mh.functions_caches;
  for (auto& db : dbs_) {
    if (db->size() == 0) continue;
    MemoryOverhead::DbTables t{db->id(), db->keys().bucket_bytes(), db->expires_overhead_bytes()};
    mh.total += t.main + t.expires;
    mh.keys += db->size();
    mh.dbs.push_back(t);
  }
  mh.dataset = used > mh.total ? used - mh.total : 0;
  const size_t net = used > mh.startup ? used - mh.startup : 1;
  mh.bytes_per_key = mh.keys ? net / mh.keys : 0;
  mh.dataset_perc = static_cast<float>(mh.dataset) * 100 / static_cast<float>(net);
  mh.peak_perc = mh.peak ? static_cast<float>(used) * 100 / static_cast<float>(mh.peak) : 0;
  return mh;
}

std::string Server::info(std::span<const std::string_view> sections) {
  SectionSet req(sections);
  std::string out;
  InfoWriter w(out);
  int64_t uptime_s = (now_ms_ - start_time_ms_) / 1000;

  if (req.wants("server", true)) {
    w.section("Server");
    utsname un{};
    uname(&un);
    w("redis_version", "7.0.15");
    w("reactorkv_version", RKV_VERSION);
    w("redis_git_sha1", "00000000");
    w("redis_git_dirty", "0");
    w("redis_build_id", "0");
    w("redis_mode", "standalone");
    w("os", std::string(un.sysname) + " " + un.release + " " + un.machine);
    w.u("arch_bits", sizeof(void*) * 8);
    w("monotonic_clock", "POSIX clock_gettime");
    w("multiplexing_api", loop_->backend());
    w("atomicvar_api", "c11-builtin");
#if defined(__GNUC__) && !defined(__clang__)
    w("gcc_version", std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." +
                         std::to_string(__GNUC_PATCHLEVEL__));
#else
    w("gcc_version", "0.0.0");
#endif
    w.u("process_id", static_cast<uint64_t>(getpid()));
    w("process_supervised", "no");
    w("run_id", run_id_);
    w.i("tcp_port", config_.port);
    w.i("server_time_usec", now_ms_ * 1000);
    w.i("uptime_in_seconds", uptime_s);
    w.i("uptime_in_days", uptime_s / 86400);
    w.i("hz", config_.hz);
    w.i("configured_hz", config_.hz);
    w.u("lru_clock", lru_clock_);
    w("executable", executable_path());
    w("config_file", "");
    w.i("io_threads_active", io_threads_active_ ? 1 : 0);
  }
  if (req.wants("clients", true)) {
    w.section("Clients");
    w.u("connected_clients", clients_.size());
    w("cluster_connections", "0");
    w.i("maxclients", static_cast<int64_t>(config_.maxclients));
    size_t max_in = 0, max_out = 0;
    for (auto& [id, c] : clients_) {
      max_in = std::max(max_in, c->query.capacity());
      max_out = std::max(max_out, c->out().bytes());
    }
    w.u("client_recent_max_input_buffer", max_in);
    w.u("client_recent_max_output_buffer", max_out);
    w.u("blocked_clients", blocked_count_);
    w("tracking_clients", "0");
    w.u("clients_in_timeout_table", block_timeouts_.size());
  }
  if (req.wants("memory", true)) {
    w.section("Memory");
    MemoryOverhead mh = memory_overhead();
    const MemoryStats& m = mh.alloc;
    size_t total_system =
        static_cast<size_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<size_t>(sysconf(_SC_PAGESIZE));
    auto d = [](size_t v) { return static_cast<double>(v); };
    char perc[32];
    w.human("used_memory", mh.used);
    w.human("used_memory_rss", m.rss);
    w.human("used_memory_peak", mh.peak);
    std::snprintf(perc, sizeof(perc), "%.2f%%", mh.peak_perc);
    w("used_memory_peak_perc", perc);
    w.u("used_memory_overhead", mh.total);
    w.u("used_memory_startup", mh.startup);
    w.u("used_memory_dataset", mh.dataset);
    std::snprintf(perc, sizeof(perc), "%.2f%%", mh.dataset_perc);
    w("used_memory_dataset_perc", perc);
    w.u("allocator_allocated", m.allocated);
    w.u("allocator_active", m.active);
    w.u("allocator_resident", m.resident);
    w.human("total_system_memory", total_system);
    const ScriptMemory sm = script_host_ ? script_host_->memory() : ScriptMemory{};
    w.u("used_memory_lua", sm.vm_eval);
    w.u("used_memory_vm_eval", sm.vm_eval);
    w("used_memory_lua_human", human_bytes(d(sm.vm_eval)));
    w.u("used_memory_scripts_eval", sm.scripts_eval);
    w.u("number_of_cached_scripts", sm.cached_scripts);
    w.u("number_of_functions", sm.functions);
    w.u("number_of_libraries", sm.libraries);
    w.u("used_memory_vm_functions", sm.vm_functions);
    w.human("used_memory_vm_total", sm.vm_eval + sm.vm_functions);
    w.u("used_memory_functions", sm.functions_memory);
    w.human("used_memory_scripts", sm.scripts_eval + sm.functions_memory);
    w.i("maxmemory", config_.maxmemory);
    w("maxmemory_human", human_bytes(d(static_cast<size_t>(config_.maxmemory))));
    w("maxmemory_policy", config_.maxmemory_policy);
    w.f("allocator_frag_ratio", ratio(d(m.active), d(m.allocated)));
    w.i("allocator_frag_bytes", static_cast<int64_t>(m.active) - static_cast<int64_t>(m.allocated));
    w.f("allocator_rss_ratio", ratio(d(m.resident), d(m.active)));
    w.i("allocator_rss_bytes", static_cast<int64_t>(m.resident) - static_cast<int64_t>(m.active));
    w.f("rss_overhead_ratio", ratio(d(m.rss), d(m.resident)));
    w.i("rss_overhead_bytes", static_cast<int64_t>(m.rss) - static_cast<int64_t>(m.resident));
    w.f("mem_fragmentation_ratio", ratio(d(m.rss), d(mh.used)));
    w.i("mem_fragmentation_bytes", static_cast<int64_t>(m.rss) - static_cast<int64_t>(mh.used));
    // No replica output or AOF buffers exist to leave out of the maxmemory comparison.
    w("mem_not_counted_for_evict", "0");
    w("mem_replication_backlog", "0");
    w("mem_total_replication_buffers", "0");
    w("mem_clients_slaves", "0");
    w.u("mem_clients_normal", mh.clients_normal);
    w("mem_cluster_links", "0");
    w("mem_aof_buffer", "0");
    w("mem_allocator", allocator_name());
    w("active_defrag_running", "0");
    w.u("lazyfree_pending_objects", lazy_free_.pending_objects());
    w.u("lazyfreed_objects", lazy_free_.freed_objects());
  }
  if (req.wants("persistence", true)) {
    w.section("Persistence");
    // No RDB/AOF yet: the fields of a server that never saved nor forked.
    static constexpr std::pair<std::string_view, std::string_view> kBefore[] = {
        {"loading", "0"},
        {"async_loading", "0"},
        {"current_cow_peak", "0"},
        {"current_cow_size", "0"},
        {"current_cow_size_age", "0"},
        {"current_fork_perc", "0.00"},
        {"current_save_keys_processed", "0"},
        {"current_save_keys_total", "0"},
    };
    static constexpr std::pair<std::string_view, std::string_view> kMiddle[] = {
        {"rdb_bgsave_in_progress", "0"}};
    static constexpr std::pair<std::string_view, std::string_view> kAfter[] = {
        {"rdb_last_bgsave_status", "ok"},
        {"rdb_last_bgsave_time_sec", "-1"},
        {"rdb_current_bgsave_time_sec", "-1"},
        {"rdb_saves", "0"},
        {"rdb_last_cow_size", "0"},
        {"rdb_last_load_keys_expired", "0"},
        {"rdb_last_load_keys_loaded", "0"},
        {"aof_enabled", "0"},
        {"aof_rewrite_in_progress", "0"},
        {"aof_rewrite_scheduled", "0"},
        {"aof_last_rewrite_time_sec", "-1"},
        {"aof_current_rewrite_time_sec", "-1"},
        {"aof_last_bgrewrite_status", "ok"},
        {"aof_rewrites", "0"},
        {"aof_rewrites_consecutive_failures", "0"},
        {"aof_last_write_status", "ok"},
        {"aof_last_cow_size", "0"},
        {"module_fork_in_progress", "0"},
        {"module_fork_last_cow_size", "0"}};
    for (auto [k, v] : kBefore) w(k, v);
    w.u("rdb_changes_since_last_save", dirty_);
    for (auto [k, v] : kMiddle) w(k, v);
    w.i("rdb_last_save_time", last_save_time_);
    for (auto [k, v] : kAfter) w(k, v);
  }
  if (req.wants("stats", true)) {
    w.section("Stats");
    const store::KeyspaceStats& ks = keyspace_stats_;
    w.u("total_connections_received", stats_.total_connections_received);
    w.u("total_commands_processed", stats_.total_commands_processed);
    w.u("instantaneous_ops_per_sec", static_cast<uint64_t>(ops_sampler_.rate()));
    w.u("total_net_input_bytes", stats_.net_input_bytes);
    w.u("total_net_output_bytes", stats_.net_output_bytes);
    w("total_net_repl_input_bytes", "0");
    w("total_net_repl_output_bytes", "0");
    w.f("instantaneous_input_kbps", input_kbps());
    w.f("instantaneous_output_kbps", output_kbps());
    w("instantaneous_input_repl_kbps", "0.00");
    w("instantaneous_output_repl_kbps", "0.00");
    w.u("rejected_connections", stats_.rejected_connections);
    w("sync_full", "0");
    w("sync_partial_ok", "0");
    w("sync_partial_err", "0");
    w.u("expired_keys", ks.expired_keys);
    w.f("expired_stale_perc", ks.expired_stale_perc * 100);
    w.u("expired_time_cap_reached_count", ks.expired_time_cap_reached_count);
    w("expire_cycle_cpu_milliseconds", "0");
    w.u("evicted_keys", stats_.evicted_keys);
    w.u("evicted_clients", stats_.evicted_clients);
    const uint64_t exceeded_us =
        stats_.eviction_exceeded_since_us
            ? static_cast<uint64_t>(mono_us() - stats_.eviction_exceeded_since_us)
            : 0;
    w.u("total_eviction_exceeded_time", (stats_.eviction_exceeded_us + exceeded_us) / 1000);
    w.u("current_eviction_exceeded_time", exceeded_us / 1000);
    w.u("keyspace_hits", ks.keyspace_hits);
    w.u("keyspace_misses", ks.keyspace_misses);
    w.u("pubsub_channels", pubsub_.size(PubSub::kChannel));
    w.u("pubsub_patterns", pubsub_.size(PubSub::kPattern));
    w.u("pubsubshard_channels", pubsub_.size(PubSub::kShard));
    static constexpr std::string_view kZeros[] = {
        "latest_fork_usec",         "total_forks",
        "migrate_cached_sockets",   "slave_expires_tracked_keys",
        "active_defrag_hits",       "active_defrag_misses",
        "active_defrag_key_hits",   "active_defrag_key_misses",
        "total_active_defrag_time", "current_active_defrag_time",
        "tracking_total_keys",      "tracking_total_items",
        "tracking_total_prefixes"};
    for (auto k : kZeros) w(k, "0");
    w.u("unexpected_error_replies", stats_.unexpected_error_replies);
    w.u("total_error_replies", stats_.total_error_replies);
    w("dump_payload_sanitizations", "0");
    w.u("total_reads_processed", stats_.total_reads_processed);
    w.u("total_writes_processed", stats_.total_writes_processed);
    w.u("io_threaded_reads_processed", stats_.io_threaded_reads_processed);
    w.u("io_threaded_writes_processed", stats_.io_threaded_writes_processed);
    w("reply_buffer_shrinks", "0");
    w("reply_buffer_expands", "0");
  }
  if (req.wants("replication", true)) {
    w.section("Replication");
    w("role", "master");
    w("connected_slaves", "0");
    w("master_failover_state", "no-failover");
    w("master_replid", run_id_);
    w("master_replid2", std::string(40, '0'));
    w("master_repl_offset", "0");
    w("second_repl_offset", "-1");
    w("repl_backlog_active", "0");
    w("repl_backlog_size", "1048576");
    w("repl_backlog_first_byte_offset", "0");
    w("repl_backlog_histlen", "0");
  }
  if (req.wants("cpu", true)) {
    w.section("CPU");
    rusage self{}, children{};
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    w("used_cpu_sys", seconds(self.ru_stime));
    w("used_cpu_user", seconds(self.ru_utime));
    w("used_cpu_sys_children", seconds(children.ru_stime));
    w("used_cpu_user_children", seconds(children.ru_utime));
    // INFO runs on the main thread; the rest of the process is the I/O helpers.
    rusage main_thread = self;
#ifdef RUSAGE_THREAD
    getrusage(RUSAGE_THREAD, &main_thread);
#endif
    w("used_cpu_sys_main_thread", seconds(main_thread.ru_stime));
    w("used_cpu_user_main_thread", seconds(main_thread.ru_utime));
  }
  // Our own section (not in Redis): how the event loop and syscalls are doing.
  if (req.wants("io", true)) {
    w.section("IO");
    net::LoopStats& ls = loop_->stats();
    auto d = [](uint64_t v) { return static_cast<double>(v); };
    w("io_backend", loop_->backend());
    w.i("io_threads", io_threads_ ? io_threads_->threads() : 1);
    w.i("io_threads_active", io_threads_active_ ? 1 : 0);
    w.u("io_threads_batches", io_threads_ ? io_threads_->batches() : 0);
    w.u("io_threads_wakeups", io_threads_ ? io_threads_->helper_wakeups() : 0);
    w.u("io_loop_iterations", ls.iterations);
    w.f("io_events_per_wake", ratio(d(ls.events), d(ls.iterations)));
    // A completion backend does no read/write syscalls: its reads and writes are
    // completions, and every kernel entry is an io_uring_enter (io_submit_calls).
    const bool completions = loop_->completion_based();
    w.u("io_read_calls", completions ? ls.read_completions : stats_.read_calls);
    w.u("io_write_calls", completions ? ls.write_completions : stats_.write_calls);
    w.u("io_wait_calls", ls.wait_calls);
    w.u("io_submit_calls", ls.submit_calls);
    uint64_t syscalls =
        completions ? ls.submit_calls : stats_.read_calls + stats_.write_calls + ls.wait_calls;
    w.f("io_syscalls_per_command", ratio(d(syscalls), d(stats_.total_commands_processed)));
    w.f("io_bytes_per_read", ratio(d(stats_.net_input_bytes), d(stats_.total_reads_processed)));
    w.f("io_commands_per_read",
        ratio(d(stats_.total_commands_processed), d(stats_.total_reads_processed)));
    w.u("io_wait_usec", ls.wait_us);
    // The rest of the loop's time since the counters started: handlers, commands, flushes.
    const int64_t elapsed = mono_us() - ls.since_us;
    w.u("io_work_usec", elapsed > static_cast<int64_t>(ls.wait_us)
                            ? static_cast<uint64_t>(elapsed) - ls.wait_us
                            : 0);
    w.u("io_busy_poll_us", static_cast<uint64_t>(config_.busy_poll_us));
    w.u("io_busy_polls", ls.busy_polls);
    w.u("io_busy_poll_hits", ls.busy_poll_hits);
    w.i("io_batch_wait_us", loop_->batch_wait_us());
    w.i("io_batch_min_cpu", config_.io_batch_min_cpu);
    w.u("io_batched_waits", ls.batched_waits);
    // Redis 7.2 reports this in Stats; 7.0 has no such field, so it lives here.
    w.u("client_query_buffer_limit_disconnections", stats_.client_qbuf_limit_disconnections);
  }
  if (req.wants("modules", true)) w.section("Modules");
  if (req.wants("commandstats", false)) {
    w.section("Commandstats");
    auto emit = [&](const Command& cmd) {
      const CommandStats& s = cmd.stats;
      if (s.calls == 0 && s.rejected_calls == 0 && s.failed_calls == 0) return;
      char buf[256];
      std::snprintf(buf, sizeof(buf),
                    "calls=%llu,usec=%llu,usec_per_call=%.2f,rejected_calls=%llu,failed_calls=%llu",
                    static_cast<unsigned long long>(s.calls),
                    static_cast<unsigned long long>(s.usec),
                    s.calls ? static_cast<double>(s.usec) / static_cast<double>(s.calls) : 0.0,
                    static_cast<unsigned long long>(s.rejected_calls),
                    static_cast<unsigned long long>(s.failed_calls));
      w("cmdstat_" + cmd.full_name, buf);
    };
    for (const auto& cmd : commands_.all()) {
      emit(*cmd);
      for (const auto& sub : cmd->subcommands) emit(*sub);
    }
  }
  if (req.wants("errorstats", true)) {
    w.section("Errorstats");
    for (const auto& [code, count] : stats_.error_codes)
      w("errorstat_" + code, "count=" + std::to_string(count));
  }
  // No latency histograms are kept, so the section is always empty.
  if (req.wants("latencystats", false)) w.section("Latencystats");
  if (req.wants("cluster", true)) {
    w.section("Cluster");
    w("cluster_enabled", "0");
  }
  if (req.wants("keyspace", true)) {
    w.section("Keyspace");
    for (auto& db : dbs_) {
      if (db->size() == 0) continue;
      char buf[128];
      std::snprintf(buf, sizeof(buf), "keys=%zu,expires=%zu,avg_ttl=%lld", db->size(),
                    db->volatile_size(), static_cast<long long>(db->avg_ttl_ms()));
      w("db" + std::to_string(db->id()), buf);
    }
  }
  return out;
}

void Server::reset_stats() {
  // Like Redis's resetServerStats: counters restart, the memory peak included, and the
  // instantaneous metrics forget their samples.
  stats_ = ServerStats{};
  commands_.reset_stats();
  keyspace_stats_ = store::KeyspaceStats{};
  lazy_free_.reset_stats();
  loop_->stats() = net::LoopStats{};
  loop_->stats().since_us = mono_us();
  if (io_threads_) io_threads_->reset_counters();
  ops_sampler_ = RateSampler{};
  input_sampler_ = RateSampler{};
  output_sampler_ = RateSampler{};
}

}  // namespace rkv::server
