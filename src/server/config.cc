#include "server/config.h"

#include <unistd.h>
#include <algorithm>
#include <cctype>

#include <cerrno>
#include <climits>
#include <cstring>
#include <optional>
#include <unordered_set>

#include "resp/parser.h"
#include "server/notify.h"
#include "util/glob.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace rkv::server {
namespace {

// kMemoryPercent: a kMemory that also takes "N%" (stored as -N), like Redis's
// PERCENT_CONFIG memory parameters.
enum class Kind { kBool, kInt, kMemory, kMemoryPercent, kString, kEnum, kSpecial };

struct Param {
  std::string_view name;
  std::string_view alias;
  Kind kind;
  bool mutable_at_runtime;
  int64_t min, max;
  std::span<const std::string_view> enum_values;
  // Exactly one of these member pointers is set, by kind.
  bool Config::*b = nullptr;
  int Config::*i = nullptr;
  int64_t Config::*l = nullptr;
  std::string Config::*s = nullptr;
  // For kSpecial parameters.
  std::string (*get_special)(const Config&) = nullptr;
  ConfigError (*set_special)(Config&, std::span<const std::string>) = nullptr;
  bool is_protected = false;
};

constexpr int64_t kMaxHz = 500;  // CONFIG_MAX_HZ: larger values are clamped, not refused

constexpr std::string_view kLogLevels[] = {"debug", "verbose", "notice", "warning"};
constexpr std::string_view kDebugModes[] = {"no", "yes", "local"};
// Enum values are listed in Redis's order: error messages print them in this order.
constexpr std::string_view kFsync[] = {"everysec", "always", "no"};
constexpr std::string_view kPolicies[] = {"volatile-lru",   "volatile-lfu", "volatile-random",
                                          "volatile-ttl",   "allkeys-lru",  "allkeys-lfu",
                                          "allkeys-random", "noeviction"};
constexpr std::string_view kBackends[] = {"epoll", "kqueue", "poll", "io_uring"};

Param B(std::string_view n, bool Config::*m, bool mut = true) {
  Param p{n, {}, Kind::kBool, mut, 0, 0, {}};
  p.b = m;
  return p;
}
Param I(std::string_view n, int Config::*m, int64_t lo, int64_t hi, bool mut = true) {
  Param p{n, {}, Kind::kInt, mut, lo, hi, {}};
  p.i = m;
  return p;
}
Param L(std::string_view n, int64_t Config::*m, int64_t lo, int64_t hi, bool mut = true) {
  Param p{n, {}, Kind::kInt, mut, lo, hi, {}};
  p.l = m;
  return p;
}
Param M(std::string_view n, int64_t Config::*m, int64_t lo, int64_t hi, bool mut = true) {
  Param p{n, {}, Kind::kMemory, mut, lo, hi, {}};
  p.l = m;
  return p;
}
Param MP(std::string_view n, int64_t Config::*m) {
  Param p{n, {}, Kind::kMemoryPercent, true, 0, LLONG_MAX, {}};
  p.l = m;
  return p;
}
Param S(std::string_view n, std::string Config::*m, bool mut = true) {
  Param p{n, {}, Kind::kString, mut, 0, 0, {}};
  p.s = m;
  return p;
}
Param E(std::string_view n, std::string Config::*m, std::span<const std::string_view> values,
        bool mut = true) {
  Param p{n, {}, Kind::kEnum, mut, 0, 0, values};
  p.s = m;
  return p;
}
Param A(Param p, std::string_view alias) {
  p.alias = alias;
  return p;
}
Param P(Param p) {
  p.is_protected = true;
  return p;
}

std::string get_bind(const Config& c) {
  std::string out;
  for (const auto& a : c.bind) {
    if (!out.empty()) out += ' ';
    out += a;
  }
  return out;
}
ConfigError set_bind(Config& c, std::span<const std::string> args) {
  if (args.empty()) return {"wrong number of arguments"};
  if (args.size() > 16) return {"Too many bind addresses specified."};
  c.bind.assign(args.begin(), args.end());
  return {};
}
std::string get_unixsocketperm(const Config& c) {
  char buf[16];
  snprintf(buf, sizeof(buf), "%o", c.unixsocketperm);
  return buf;
}
ConfigError set_unixsocketperm(Config& c, std::span<const std::string> args) {
  if (args.size() != 1) return {"wrong number of arguments"};
  char* end = nullptr;
  long v = strtol(args[0].c_str(), &end, 8);
  if (*end || v < 0 || v > 0777) return {"Invalid socket file permissions"};
  c.unixsocketperm = static_cast<int>(v);
  return {};
}
std::string get_save(const Config& c) {
  return c.save;
}
// The words of every argument: "save '3600 1 300 100'" and "save 3600 1 300 100" agree.
std::vector<std::string> words_of(std::span<const std::string> args) {
  std::vector<std::string> words;
  for (const auto& a : args)
    for (std::string_view w : split_words(a)) words.emplace_back(w);
  return words;
}

ConfigError set_save(Config& c, std::span<const std::string> args) {
  // "save <seconds> <changes> [...]" pairs, or "save ''" to disable.
  if (args.size() == 1 && args[0].empty()) {
    c.save.clear();
    return {};
  }
  std::vector<std::string> words = words_of(args);
  if (words.size() % 2 != 0) return {"Invalid save parameters"};
  for (const auto& w : words)
    if (!parse_int64(w) || *parse_int64(w) < 0) return {"Invalid save parameters"};
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  c.save = out;
  return {};
}
std::string get_cobl(const Config& c) {
  return c.client_output_buffer_limit;
}
ConfigError set_cobl(Config& c, std::span<const std::string> args) {
  // Accepts one or more "class hard soft seconds" groups; keeps the others.
  std::vector<std::string> words = words_of(args);
  if (words.empty() || words.size() % 4 != 0)
    return {"Wrong number of arguments in buffer limit configuration."};
  std::string classes[3] = {"normal 0 0 0", "slave 268435456 67108864 60",
                            "pubsub 33554432 8388608 60"};
  {
    // Start from the current values.
    std::vector<std::string_view> cur = split_words(c.client_output_buffer_limit);
    for (size_t k = 0; k + 3 < cur.size(); k += 4) {
      int idx = cur[k] == "normal" ? 0 : cur[k] == "slave" ? 1 : 2;
      classes[idx] = std::string(cur[k]) + " " + std::string(cur[k + 1]) + " " +
                     std::string(cur[k + 2]) + " " + std::string(cur[k + 3]);
    }
  }
  for (size_t k = 0; k < words.size(); k += 4) {
    std::string cls = ascii_lower(words[k]);
    if (cls == "replica") cls = "slave";
    int idx = cls == "normal" ? 0 : cls == "slave" ? 1 : cls == "pubsub" ? 2 : -1;
    if (idx < 0) return {"Invalid client class specified in buffer limit configuration."};
    int64_t hard, soft;
    auto secs = parse_int64(words[k + 3]);
    if (!parse_memory(words[k + 1], &hard) || !parse_memory(words[k + 2], &soft) || !secs ||
        *secs < 0)
      return {"Error in hard, soft or soft_seconds setting in buffer limit configuration."};
    classes[idx] =
        cls + " " + std::to_string(hard) + " " + std::to_string(soft) + " " + std::to_string(*secs);
  }
  c.client_output_buffer_limit = classes[0] + " " + classes[1] + " " + classes[2];
  return {};
}

std::string get_dir(const Config& c) {
  char buf[4096];
  if (getcwd(buf, sizeof(buf)) == nullptr) return c.dir;
  return buf;
}
ConfigError set_dir(Config& c, std::span<const std::string> args) {
  if (args.size() != 1) return {"wrong number of arguments"};
  // Like Redis, "dir" is the working directory itself: relative paths follow it.
  if (chdir(args[0].c_str()) == -1) return {std::strerror(errno)};
  c.dir = args[0];
  return {};
}

// notify-keyspace-events: the class letters (server/notify.h), stored in Redis's
// canonical order.
constexpr struct {
  char letter;
  unsigned flag;
} kNotifyLetters[] = {{'g', kNotifyGeneric},  {'$', kNotifyString},  {'l', kNotifyList},
                      {'s', kNotifySet},      {'h', kNotifyHash},    {'z', kNotifyZset},
                      {'x', kNotifyExpired},  {'e', kNotifyEvicted}, {'t', kNotifyStream},
                      {'d', kNotifyModule},   {'n', kNotifyNew},     {'K', kNotifyKeyspace},
                      {'E', kNotifyKeyevent}, {'m', kNotifyKeyMiss}};

std::string notify_flags_to_string(unsigned flags) {
  std::string out;
  if ((flags & kNotifyAll) == kNotifyAll) out += 'A';
  for (const auto& l : kNotifyLetters) {
    bool class_letter = l.flag & kNotifyAll;
    if (class_letter && (flags & kNotifyAll) == kNotifyAll) continue;
    if (flags & l.flag) out += l.letter;
  }
  return out;
}
std::string get_notify(const Config& c) {
  return c.notify_keyspace_events;
}
ConfigError set_notify(Config& c, std::span<const std::string> args) {
  if (args.size() != 1) return {"wrong number of arguments"};
  unsigned flags = 0;
  for (char ch : args[0]) {
    if (ch == 'A') {
      flags |= kNotifyAll;
      continue;
    }
    bool known = false;
    for (const auto& l : kNotifyLetters)
      if (l.letter == ch) {
        flags |= l.flag;
        known = true;
      }
    if (!known) return {"Invalid event class character. Use 'Ag$lshzxeKEtmdn'."};
  }
  c.notify_keyspace_events = notify_flags_to_string(flags);
  c.notify_keyspace_flags = flags;
  return {};
}

Param X(std::string_view n, std::string (*g)(const Config&),
        ConfigError (*s)(Config&, std::span<const std::string>), bool mut = true) {
  Param p{n, {}, Kind::kSpecial, mut, 0, 0, {}};
  p.get_special = g;
  p.set_special = s;
  return p;
}

const std::vector<Param>& params() {
  static const std::vector<Param> table = {
      X("bind", get_bind, set_bind),
      I("port", &Config::port, 0, 65535),
      S("unixsocket", &Config::unixsocket, false),
      X("unixsocketperm", get_unixsocketperm, set_unixsocketperm, false),
      I("tcp-backlog", &Config::tcp_backlog, 0, INT_MAX, false),
      I("tcp-keepalive", &Config::tcp_keepalive, 0, INT_MAX),
      I("timeout", &Config::timeout, 0, INT_MAX),
      L("maxclients", &Config::maxclients, 1, UINT_MAX),
      B("protected-mode", &Config::protected_mode),
      M("proto-max-bulk-len", &Config::proto_max_bulk_len, 1024 * 1024, LLONG_MAX),
      M("client-query-buffer-limit", &Config::client_query_buffer_limit, 1024 * 1024, LLONG_MAX),
      I("databases", &Config::databases, 1, INT_MAX, false),
      I("hz", &Config::hz, 0, INT_MAX),
      B("dynamic-hz", &Config::dynamic_hz),
      B("activerehashing", &Config::activerehashing),
      I("active-expire-effort", &Config::active_expire_effort, 1, 10),
      E("loglevel", &Config::loglevel, kLogLevels),
      S("logfile", &Config::logfile, false),
      S("requirepass", &Config::requirepass),
      E("enable-debug-command", &Config::enable_debug_command, kDebugModes, false),
      E("enable-protected-configs", &Config::enable_protected_configs, kDebugModes, false),
      E("enable-module-command", &Config::enable_module_command, kDebugModes, false),
      B("daemonize", &Config::daemonize, false),
      S("pidfile", &Config::pidfile, false),
      P(X("dir", get_dir, set_dir)),
      P(S("dbfilename", &Config::dbfilename)),
      X("save", get_save, set_save),
      B("appendonly", &Config::appendonly),
      S("appendfilename", &Config::appendfilename, false),
      E("appendfsync", &Config::appendfsync, kFsync),
      M("maxmemory", &Config::maxmemory, 0, LLONG_MAX),
      E("maxmemory-policy", &Config::maxmemory_policy, kPolicies),
      I("maxmemory-samples", &Config::maxmemory_samples, 1, INT_MAX),
      I("maxmemory-eviction-tenacity", &Config::maxmemory_eviction_tenacity, 0, 100),
      MP("maxmemory-clients", &Config::maxmemory_clients),
      I("lfu-log-factor", &Config::lfu_log_factor, 0, INT_MAX),
      I("lfu-decay-time", &Config::lfu_decay_time, 0, INT_MAX),
      B("lazyfree-lazy-eviction", &Config::lazyfree_lazy_eviction),
      B("lazyfree-lazy-expire", &Config::lazyfree_lazy_expire),
      B("lazyfree-lazy-server-del", &Config::lazyfree_lazy_server_del),
      B("lazyfree-lazy-user-del", &Config::lazyfree_lazy_user_del),
      B("lazyfree-lazy-user-flush", &Config::lazyfree_lazy_user_flush),
      L("slowlog-log-slower-than", &Config::slowlog_log_slower_than, -1, LLONG_MAX),
      I("slowlog-max-len", &Config::slowlog_max_len, 0, INT_MAX),
      L("latency-monitor-threshold", &Config::latency_monitor_threshold, 0, LLONG_MAX),
      X("notify-keyspace-events", get_notify, set_notify),
      X("client-output-buffer-limit", get_cobl, set_cobl),
      A(L("busy-reply-threshold", &Config::busy_reply_threshold, 0, LLONG_MAX), "lua-time-limit"),
      A(I("list-max-listpack-size", &Config::list_max_listpack_size, INT_MIN, INT_MAX),
        "list-max-ziplist-size"),
      I("list-compress-depth", &Config::list_compress_depth, 0, INT_MAX),
      A(I("hash-max-listpack-entries", &Config::hash_max_listpack_entries, 0, INT_MAX),
        "hash-max-ziplist-entries"),
      A(I("hash-max-listpack-value", &Config::hash_max_listpack_value, 0, INT_MAX),
        "hash-max-ziplist-value"),
      I("set-max-intset-entries", &Config::set_max_intset_entries, 0, INT_MAX),
      I("set-max-listpack-entries", &Config::set_max_listpack_entries, 0, INT_MAX),
      I("set-max-listpack-value", &Config::set_max_listpack_value, 0, INT_MAX),
      A(I("zset-max-listpack-entries", &Config::zset_max_listpack_entries, 0, INT_MAX),
        "zset-max-ziplist-entries"),
      A(I("zset-max-listpack-value", &Config::zset_max_listpack_value, 0, INT_MAX),
        "zset-max-ziplist-value"),
      I("hll-sparse-max-bytes", &Config::hll_sparse_max_bytes, 0, INT_MAX),
      E("io-backend", &Config::io_backend, kBackends, false),
      I("io-threads", &Config::io_threads, 1, 128, false),
      B("io-threads-do-reads", &Config::io_threads_do_reads, false),
      I("io-threads-min-pending", &Config::io_threads_min_pending, 0, INT_MAX),
      I("busy-poll-us", &Config::busy_poll_us, 0, 10000),
      I("io-batch-wait-us", &Config::io_batch_wait_us, -1, 10000),
      I("io-batch-min-cpu", &Config::io_batch_min_cpu, 0, 100),
  };
  return table;
}

const Param* find_param(std::string_view name) {
  std::string n = ascii_lower(name);
  for (const Param& p : params())
    if (p.name == n || (!p.alias.empty() && p.alias == n)) return &p;
  return nullptr;
}

// Redis's string2ll: an optional '-', then digits without a leading zero ("0" alone is
// fine), within int64.
std::optional<int64_t> strict_int64(std::string_view s) {
  if (s == "0") return 0;
  const bool neg = !s.empty() && s[0] == '-';
  std::string_view d = neg ? s.substr(1) : s;
  if (d.empty() || d[0] < '1' || d[0] > '9') return std::nullopt;
  return parse_int64(s);
}

// The multiplier of a memory unit as Redis's memtoull reads it, in any case: "" and "b"
// are bytes, "k"/"m"/"g" powers of 1000, "kb"/"mb"/"gb" powers of 1024; 0 for anything else.
uint64_t memory_unit(std::string_view unit) {
  static constexpr std::pair<std::string_view, uint64_t> kUnits[] = {{"", 1},
                                                                     {"b", 1},
                                                                     {"k", 1000},
                                                                     {"kb", 1024},
                                                                     {"m", 1000ull * 1000},
                                                                     {"mb", 1ull << 20},
                                                                     {"g", 1000ull * 1000 * 1000},
                                                                     {"gb", 1ull << 30}};
  for (const auto& [name, mul] : kUnits)
    if (iequals(unit, name)) return mul;
  return 0;
}

// maxmemory-clients as Redis 7.0 reads it. "N%" (N a plain non-negative integer) is
// stored as -N. Anything else goes through memtoull: no sign, digits (none reads as 0;
// too many saturate), an optional unit; the product wraps around 2^64 and is taken as
// signed, so a huge byte count can come out negative and so read as a percentage (the
// caller refuses below -100): Redis answers exactly that way.
bool parse_memory_or_percent(std::string_view v, int64_t* out) {
  if (v.size() > 1 && v.back() == '%') {
    std::optional<int64_t> n = strict_int64(v.substr(0, v.size() - 1));
    if (!n || *n < 0) return false;
    *out = -*n;
    return true;
  }
  if (!v.empty() && v[0] == '-') return false;
  size_t digits = 0;
  while (digits < v.size() && std::isdigit(static_cast<unsigned char>(v[digits]))) digits++;
  if (digits >= 128) return false;  // Redis's digit buffer
  const uint64_t mul = memory_unit(v.substr(digits));
  if (mul == 0) return false;
  uint64_t n = 0;
  for (size_t i = 0; i < digits; i++) {
    const uint64_t d = static_cast<uint64_t>(v[i] - '0');
    if (n > (UINT64_MAX - d) / 10) {
      n = UINT64_MAX;  // strtoull saturates
      break;
    }
    n = n * 10 + d;
  }
  *out = static_cast<int64_t>(n * mul);
  return true;
}

std::string value_of(const Config& c, const Param& p) {
  switch (p.kind) {
    case Kind::kBool:
      return c.*p.b ? "yes" : "no";
    case Kind::kInt:
      return p.i ? std::to_string(c.*p.i) : std::to_string(c.*p.l);
    case Kind::kMemory:
      return std::to_string(c.*p.l);
    case Kind::kMemoryPercent:
      return c.*p.l < 0 ? std::to_string(-(c.*p.l)) + "%" : std::to_string(c.*p.l);
    case Kind::kString:
    case Kind::kEnum:
      return c.*p.s;
    case Kind::kSpecial:
      return p.get_special(c);
  }
  return "";
}

ConfigError assign(Config& c, const Param& p, std::span<const std::string> args) {
  if (p.kind == Kind::kSpecial) return p.set_special(c, args);
  if (args.size() != 1) return {"wrong number of arguments"};
  const std::string& v = args[0];
  switch (p.kind) {
    case Kind::kBool: {
      std::string lv = ascii_lower(v);
      if (lv == "yes")
        c.*p.b = true;
      else if (lv == "no")
        c.*p.b = false;
      else
        return {"argument must be 'yes' or 'no'"};
      return {};
    }
    case Kind::kInt:
    case Kind::kMemory: {
      int64_t n;
      if (p.kind == Kind::kMemory) {
        if (!parse_memory(v, &n)) return {"argument must be a memory value"};
      } else {
        auto parsed = parse_int64(v);
        if (!parsed) return {"argument couldn't be parsed into an integer"};
        n = *parsed;
      }
      if (n < p.min || n > p.max)
        return {"argument must be between " + std::to_string(p.min) + " and " +
                std::to_string(p.max) + " inclusive"};
      if (p.name == "hz" && n > kMaxHz) n = kMaxHz;
      if (p.i)
        c.*p.i = static_cast<int>(n);
      else
        c.*p.l = n;
      return {};
    }
    case Kind::kMemoryPercent: {
      int64_t n;
      if (!parse_memory_or_percent(v, &n)) return {"argument must be a memory or percent value"};
      if (n < -100) return {"percentage argument must be less or equal to 100"};
      c.*p.l = n;
      return {};
    }
    case Kind::kString:
      c.*p.s = v;
      return {};
    case Kind::kEnum: {
      std::string lv = ascii_lower(v);
      for (std::string_view e : p.enum_values)
        if (e == lv) {
          c.*p.s = lv;
          return {};
        }
      std::string msg = "argument(s) must be one of the following: ";
      for (size_t k = 0; k < p.enum_values.size(); k++) {
        if (k) msg += ", ";
        msg += p.enum_values[k];
      }
      return {msg};
    }
    case Kind::kSpecial:
      break;
  }
  return {};
}

}  // namespace

bool parse_memory(std::string_view s, int64_t* out) {
  // Redis memtoull: decimal digits, then an optional unit (b, k, kb, m, mb, g, gb) in any
  // case. "k" is 1000 and "kb" is 1024. No sign, no spaces.
  size_t digits = 0;
  while (digits < s.size() && std::isdigit(static_cast<unsigned char>(s[digits]))) digits++;
  if (digits == 0) return false;
  const auto mul = static_cast<int64_t>(memory_unit(s.substr(digits)));
  if (mul == 0) return false;
  int64_t v = 0;
  for (size_t i = 0; i < digits; i++) {
    int d = s[i] - '0';
    if (v > (LLONG_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  if (v > LLONG_MAX / mul) return false;
  *out = v * mul;
  return true;
}

ConfigError ConfigTable::apply(Config& cfg, std::string_view name,
                               std::span<const std::string> args) {
  const Param* p = find_param(name);
  if (!p) return {"Bad directive or wrong number of arguments"};
  return assign(cfg, *p, args);
}

ConfigError ConfigTable::load_text(Config& cfg, std::string_view text, std::string* bad_line,
                                   int* bad_line_no) {
  int line_no = 0;
  size_t pos = 0;
  std::vector<std::string> words;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    line_no++;
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back())))
      line.remove_suffix(1);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front())))
      line.remove_prefix(1);
    if (line.empty() || line[0] == '#') {
      if (nl == text.size()) break;
      continue;
    }
    ConfigError e;
    if (!resp::split_inline_args(line, &words)) {
      e = {"Unbalanced quotes in configuration line"};
    } else if (!words.empty()) {
      std::string name = ascii_lower(words[0]);
      e = apply(cfg, name, std::span<const std::string>(words).subspan(1));
    }
    if (e) {
      *bad_line = std::string(line);
      *bad_line_no = line_no;
      return e;
    }
    if (nl == text.size()) break;
  }
  return {};
}

void ConfigTable::get(const Config& cfg, std::string_view pattern,
                      std::vector<std::pair<std::string, std::string>>* out) {
  std::string pat = ascii_lower(pattern);
  bool has_glob = pat.find_first_of("*?[") != std::string::npos;
  if (!has_glob) {
    // An exact name is echoed as the client spelled it, alias and case included.
    if (const Param* p = find_param(pat))
      out->emplace_back(std::string(pattern), value_of(cfg, *p));
    return;
  }
  for (const Param& p : params()) {
    bool match = glob_match(pat, p.name);
    bool alias_match = !p.alias.empty() && glob_match(pat, p.alias);
    if (match) out->emplace_back(std::string(p.name), value_of(cfg, p));
    if (alias_match) out->emplace_back(std::string(p.alias), value_of(cfg, p));
  }
}

ConfigError ConfigTable::set(Config& cfg, std::string_view name, std::string_view value) {
  const Param* p = find_param(name);
  if (!p) return {"Unknown option"};
  if (!p->mutable_at_runtime) return {"can't set immutable config"};
  std::vector<std::string> args;
  if (p->kind == Kind::kSpecial) {
    // Multi-word values arrive as one string ("save" "3600 1 300 10").
    if (!resp::split_inline_args(value, &args)) return {"Invalid argument"};
    if (args.empty()) args.emplace_back();
  } else {
    args.emplace_back(value);
  }
  return assign(cfg, *p, args);
}

ConfigError ConfigTable::set_many(
    Config& cfg, std::span<const std::pair<std::string_view, std::string_view>> pairs,
    bool allow_protected, std::vector<std::string>* changed) {
  auto failed = [](std::string_view arg, std::string_view why) {
    return ConfigError{"ERR CONFIG SET failed (possibly related to argument '" + std::string(arg) +
                       "') - " + std::string(why)};
  };
  // Redis validates every name before applying anything, in argument order.
  std::vector<const Param*> seen;
  for (const auto& [name, value] : pairs) {
    const Param* p = find_param(name);
    if (!p)
      return {"ERR Unknown option or number of arguments for CONFIG SET - '" + std::string(name) +
              "'"};
    std::string lname = ascii_lower(name);
    if (p->is_protected && !allow_protected) return failed(lname, "can't set protected config");
    if (!p->mutable_at_runtime) return failed(lname, "can't set immutable config");
    if (std::find(seen.begin(), seen.end(), p) != seen.end())
      return failed(lname, "duplicate parameter");
    seen.push_back(p);
  }
  // Apply to a copy so that a bad value leaves every parameter as it was.
  Config next = cfg;
  std::string old_dir = get_dir(cfg);
  for (const auto& [name, value] : pairs) {
    if (ConfigError e = set(next, name, value)) {
      if (next.dir != cfg.dir) [[maybe_unused]]
        int rc = chdir(old_dir.c_str());
      return failed(ascii_lower(name), e.message);
    }
  }
  cfg = std::move(next);
  if (changed)
    for (const Param* p : seen) changed->emplace_back(p->name);
  return {};
}

bool ConfigTable::exists(std::string_view name) {
  return find_param(name) != nullptr;
}
bool ConfigTable::is_protected(std::string_view name) {
  const Param* p = find_param(name);
  return p && p->is_protected;
}
std::string ConfigTable::canonical_name(std::string_view name) {
  const Param* p = find_param(name);
  return p ? std::string(p->name) : ascii_lower(name);
}
bool ConfigTable::is_mutable(std::string_view name) {
  const Param* p = find_param(name);
  return p && p->mutable_at_runtime;
}

}  // namespace rkv::server
