// INFO: sections and field names exactly as Redis 7.0 prints them.
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>

#include "server/server.h"
#include "util/memory.h"

namespace rkv::server {
namespace {

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

void field(std::string& out, const char* name, const std::string& value) {
  out += name;
  out += ':';
  out += value;
  out += "\r\n";
}
void field(std::string& out, const char* name, uint64_t value) { field(out, name, std::to_string(value)); }
void field_f(std::string& out, const char* name, double value) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.2f", value);
  field(out, name, buf);
}

bool wanted(const std::vector<std::string>& req, std::string_view section, bool is_default) {
  if (req.empty()) return is_default;
  for (const auto& r : req) {
    if (r == section) return true;
    if (r == "all" || r == "everything") return true;
    if (r == "default" && is_default) return true;
  }
  return false;
}

}  // namespace

std::string Server::info(std::span<const std::string_view> sections) {
  std::vector<std::string> req;
  for (auto s : sections) {
    std::string l(s);
    for (char& ch : l) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    req.push_back(l);
  }
  std::string out;
  auto begin = [&](const char* title) {
    if (!out.empty()) out += "\r\n";
    out += "# ";
    out += title;
    out += "\r\n";
  };
  int64_t uptime_s = (now_ms_ - start_time_ms_) / 1000;

  if (wanted(req, "server", true)) {
    begin("Server");
    utsname un{};
    uname(&un);
    field(out, "redis_version", "7.0.15");
    field(out, "reactorkv_version", RKV_VERSION);
    field(out, "redis_git_sha1", "00000000");
    field(out, "redis_git_dirty", "0");
    field(out, "redis_build_id", "0");
    field(out, "redis_mode", "standalone");
    field(out, "os", std::string(un.sysname) + " " + un.release + " " + un.machine);
    field(out, "arch_bits", std::to_string(sizeof(void*) * 8));
    field(out, "monotonic_clock", "POSIX clock_gettime");
    field(out, "multiplexing_api", loop_->backend());
    field(out, "atomicvar_api", "c11-builtin");
#ifdef __VERSION__
    field(out, "gcc_version", __VERSION__);
#endif
    field(out, "process_id", static_cast<uint64_t>(getpid()));
    field(out, "process_supervised", "no");
    field(out, "run_id", run_id_);
    field(out, "tcp_port", static_cast<uint64_t>(config_.port));
    field(out, "server_time_usec", std::to_string(now_ms_ * 1000));
    field(out, "uptime_in_seconds", std::to_string(uptime_s));
    field(out, "uptime_in_days", std::to_string(uptime_s / 86400));
    field(out, "hz", static_cast<uint64_t>(config_.hz));
    field(out, "configured_hz", static_cast<uint64_t>(config_.hz));
    field(out, "lru_clock", lru_clock_);
    field(out, "executable", "reactorkv-server");
    field(out, "config_file", "");
    field(out, "io_threads_active", "0");
  }
  if (wanted(req, "clients", true)) {
    begin("Clients");
    field(out, "connected_clients", clients_.size());
    field(out, "cluster_connections", "0");
    field(out, "maxclients", static_cast<uint64_t>(config_.maxclients));
    size_t max_in = 0, max_out = 0;
    for (auto& [id, c] : clients_) {
      max_in = std::max(max_in, c->query.capacity());
      max_out = std::max(max_out, c->out().bytes());
    }
    field(out, "client_recent_max_input_buffer", max_in);
    field(out, "client_recent_max_output_buffer", max_out);
    field(out, "blocked_clients", "0");
    field(out, "tracking_clients", "0");
    field(out, "clients_in_timeout_table", "0");
  }
  if (wanted(req, "memory", true)) {
    begin("Memory");
    MemoryStats m = memory_stats();
    stats_.peak_memory = std::max(stats_.peak_memory, m.allocated);
    size_t total_system = static_cast<size_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<size_t>(sysconf(_SC_PAGESIZE));
    size_t dataset_overhead = 0;
    for (auto& d : dbs_) dataset_overhead += d->overhead_bytes();
    field(out, "used_memory", m.allocated);
    field(out, "used_memory_human", human_bytes(static_cast<double>(m.allocated)));
    field(out, "used_memory_rss", m.rss);
    field(out, "used_memory_rss_human", human_bytes(static_cast<double>(m.rss)));
    field(out, "used_memory_peak", stats_.peak_memory);
    field(out, "used_memory_peak_human", human_bytes(static_cast<double>(stats_.peak_memory)));
    char perc[32];
    std::snprintf(perc, sizeof(perc), "%.2f%%", stats_.peak_memory ? 100.0 * static_cast<double>(m.allocated) / static_cast<double>(stats_.peak_memory) : 0.0);
    field(out, "used_memory_peak_perc", perc);
    field(out, "used_memory_overhead", dataset_overhead);
    field(out, "used_memory_startup", "0");
    field(out, "used_memory_dataset", m.allocated > dataset_overhead ? m.allocated - dataset_overhead : 0);
    field(out, "allocator_allocated", m.allocated);
    field(out, "allocator_active", m.active);
    field(out, "allocator_resident", m.resident);
    field(out, "total_system_memory", total_system);
    field(out, "total_system_memory_human", human_bytes(static_cast<double>(total_system)));
    field(out, "used_memory_lua", "31744");
    field(out, "used_memory_scripts", "0");
    field(out, "maxmemory", static_cast<uint64_t>(config_.maxmemory));
    field(out, "maxmemory_human", human_bytes(static_cast<double>(config_.maxmemory)));
    field(out, "maxmemory_policy", config_.maxmemory_policy);
    field_f(out, "allocator_frag_ratio", m.allocated ? static_cast<double>(m.active) / static_cast<double>(m.allocated) : 1.0);
    field_f(out, "mem_fragmentation_ratio", m.allocated ? static_cast<double>(m.rss) / static_cast<double>(m.allocated) : 1.0);
    field(out, "mem_fragmentation_bytes", std::to_string(static_cast<int64_t>(m.rss) - static_cast<int64_t>(m.allocated)));
    field(out, "mem_not_counted_for_evict", "0");
    field(out, "mem_replication_backlog", "0");
    field(out, "mem_clients_slaves", "0");
    size_t client_mem = 0;
    for (auto& [id, c] : clients_) client_mem += c->query.capacity() + c->out().allocated();
    field(out, "mem_clients_normal", client_mem);
    field(out, "mem_aof_buffer", "0");
    field(out, "mem_allocator", allocator_name());
    field(out, "active_defrag_running", "0");
    field(out, "lazyfree_pending_objects", "0");
    field(out, "lazyfreed_objects", "0");
  }
  if (wanted(req, "persistence", true)) {
    begin("Persistence");
    field(out, "loading", "0");
    field(out, "async_loading", "0");
    field(out, "rdb_changes_since_last_save", "0");
    field(out, "rdb_bgsave_in_progress", "0");
    field(out, "rdb_last_save_time", std::to_string(last_save_time_));
    field(out, "rdb_last_bgsave_status", "ok");
    field(out, "aof_enabled", "0");
    field(out, "aof_rewrite_in_progress", "0");
  }
  if (wanted(req, "stats", true)) {
    begin("Stats");
    field(out, "total_connections_received", stats_.total_connections_received);
    field(out, "total_commands_processed", stats_.total_commands_processed);
    field(out, "instantaneous_ops_per_sec", static_cast<uint64_t>(ops_sampler_.rate()));
    field(out, "total_net_input_bytes", stats_.net_input_bytes);
    field(out, "total_net_output_bytes", stats_.net_output_bytes);
    field_f(out, "instantaneous_input_kbps", input_kbps());
    field_f(out, "instantaneous_output_kbps", output_kbps());
    field(out, "rejected_connections", stats_.rejected_connections);
    field(out, "sync_full", "0");
    field(out, "sync_partial_ok", "0");
    field(out, "sync_partial_err", "0");
    field(out, "expired_keys", keyspace_stats_.expired_keys);
    field_f(out, "expired_stale_perc", keyspace_stats_.expired_stale_perc * 100);
    field(out, "expired_time_cap_reached_count", keyspace_stats_.expired_time_cap_reached_count);
    field(out, "expire_cycle_cpu_milliseconds", "0");
    field(out, "evicted_keys", "0");
    field(out, "evicted_clients", "0");
    field(out, "total_eviction_exceeded_time", "0");
    field(out, "current_eviction_exceeded_time", "0");
    field(out, "keyspace_hits", keyspace_stats_.keyspace_hits);
    field(out, "keyspace_misses", keyspace_stats_.keyspace_misses);
    field(out, "pubsub_channels", "0");
    field(out, "pubsub_patterns", "0");
    field(out, "latest_fork_usec", "0");
    field(out, "total_forks", "0");
    field(out, "migrate_cached_sockets", "0");
    field(out, "slave_expires_tracked_keys", "0");
    field(out, "active_defrag_hits", "0");
    field(out, "active_defrag_misses", "0");
    field(out, "active_defrag_key_hits", "0");
    field(out, "active_defrag_key_misses", "0");
    field(out, "total_active_defrag_time", "0");
    field(out, "current_active_defrag_time", "0");
    field(out, "tracking_total_keys", "0");
    field(out, "tracking_total_items", "0");
    field(out, "tracking_total_prefixes", "0");
    field(out, "unexpected_error_replies", stats_.unexpected_error_replies);
    field(out, "total_error_replies", stats_.total_error_replies);
    field(out, "dump_payload_sanitizations", "0");
    field(out, "total_reads_processed", stats_.total_reads_processed);
    field(out, "total_writes_processed", stats_.total_writes_processed);
    field(out, "io_threaded_reads_processed", "0");
    field(out, "io_threaded_writes_processed", "0");
    field(out, "client_query_buffer_limit_disconnections", stats_.client_qbuf_limit_disconnections);
  }
  if (wanted(req, "replication", true)) {
    begin("Replication");
    field(out, "role", "master");
    field(out, "connected_slaves", "0");
    field(out, "master_failover_state", "no-failover");
    field(out, "master_replid", run_id_);
    field(out, "master_replid2", std::string(40, '0'));
    field(out, "master_repl_offset", "0");
    field(out, "second_repl_offset", "-1");
    field(out, "repl_backlog_active", "0");
    field(out, "repl_backlog_size", "1048576");
    field(out, "repl_backlog_first_byte_offset", "0");
    field(out, "repl_backlog_histlen", "0");
  }
  if (wanted(req, "cpu", true)) {
    begin("CPU");
    rusage self{}, children{};
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    auto secs = [](const timeval& tv) {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%ld.%06ld", static_cast<long>(tv.tv_sec), static_cast<long>(tv.tv_usec));
      return std::string(buf);
    };
    field(out, "used_cpu_sys", secs(self.ru_stime));
    field(out, "used_cpu_user", secs(self.ru_utime));
    field(out, "used_cpu_sys_children", secs(children.ru_stime));
    field(out, "used_cpu_user_children", secs(children.ru_utime));
    field(out, "used_cpu_sys_main_thread", secs(self.ru_stime));
    field(out, "used_cpu_user_main_thread", secs(self.ru_utime));
  }
  if (wanted(req, "io", true)) {
    begin("IO");
    net::LoopStats& ls = loop_->stats();
    field(out, "io_backend", loop_->backend());
    field(out, "io_threads_active", "0");
    field(out, "io_loop_iterations", ls.iterations);
    field_f(out, "io_events_per_wake", ls.iterations ? static_cast<double>(ls.events) / static_cast<double>(ls.iterations) : 0.0);
    field(out, "io_read_calls", stats_.read_calls);
    field(out, "io_write_calls", stats_.write_calls);
    field(out, "io_wait_calls", ls.wait_calls);
    uint64_t syscalls = stats_.read_calls + stats_.write_calls + ls.wait_calls;
    field_f(out, "io_syscalls_per_command", stats_.total_commands_processed ? static_cast<double>(syscalls) / static_cast<double>(stats_.total_commands_processed) : 0.0);
    field_f(out, "io_bytes_per_read", stats_.total_reads_processed ? static_cast<double>(stats_.net_input_bytes) / static_cast<double>(stats_.total_reads_processed) : 0.0);
    field_f(out, "io_commands_per_read", stats_.total_reads_processed ? static_cast<double>(stats_.total_commands_processed) / static_cast<double>(stats_.total_reads_processed) : 0.0);
    field(out, "io_wait_usec", ls.wait_us);
  }
  if (wanted(req, "modules", false)) begin("Modules");
  if (wanted(req, "errorstats", true)) {
    begin("Errorstats");
    for (const auto& [code, count] : stats_.error_codes)
      field(out, ("errorstat_" + code).c_str(), "count=" + std::to_string(count));
  }
  if (wanted(req, "cluster", true)) {
    begin("Cluster");
    field(out, "cluster_enabled", "0");
  }
  if (wanted(req, "commandstats", false)) {
    begin("Commandstats");
    auto emit = [&](const Command& cmd) {
      const CommandStats& s = cmd.stats;
      if (s.calls == 0 && s.rejected_calls == 0 && s.failed_calls == 0) return;
      char buf[256];
      std::snprintf(buf, sizeof(buf), "calls=%llu,usec=%llu,usec_per_call=%.2f,rejected_calls=%llu,failed_calls=%llu",
                    static_cast<unsigned long long>(s.calls), static_cast<unsigned long long>(s.usec),
                    s.calls ? static_cast<double>(s.usec) / static_cast<double>(s.calls) : 0.0,
                    static_cast<unsigned long long>(s.rejected_calls),
                    static_cast<unsigned long long>(s.failed_calls));
      field(out, ("cmdstat_" + cmd.full_name).c_str(), buf);
    };
    for (const auto& cmd : commands_.all()) {
      emit(*cmd);
      for (const auto& sub : cmd->subcommands) emit(*sub);
    }
  }
  if (wanted(req, "keyspace", true)) {
    begin("Keyspace");
    for (auto& d : dbs_) {
      if (d->size() == 0) continue;
      char buf[128];
      std::snprintf(buf, sizeof(buf), "keys=%zu,expires=%zu,avg_ttl=0", d->size(), d->volatile_size());
      field(out, ("db" + std::to_string(d->id())).c_str(), buf);
    }
  }
  return out;
}

}  // namespace rkv::server
