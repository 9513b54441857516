// Redis-format log lines: "pid:M 25 Nov 2026 21:16:26.123 * message".
//
// Not thread-safe by design: only the main thread logs (helper threads report through
// the main thread).
#pragma once

#include <cstdarg>
#include <optional>
#include <string>
#include <string_view>

namespace rkv {

enum class LogLevel { kDebug = 0, kVerbose = 1, kNotice = 2, kWarning = 3, kNothing = 4 };

std::optional<LogLevel> parse_log_level(std::string_view name);
const char* log_level_name(LogLevel level);

// An empty path logs to stdout. Returns false if the file cannot be opened.
bool log_open(const std::string& path);
void log_set_level(LogLevel level);
LogLevel log_level();

void log_msg(LogLevel level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

#define RKV_LOG(level, ...)                                              \
  do {                                                                   \
    if (static_cast<int>(level) >= static_cast<int>(::rkv::log_level())) \
      ::rkv::log_msg(level, __VA_ARGS__);                                \
  } while (0)
#define LOG_DEBUG(...) RKV_LOG(::rkv::LogLevel::kDebug, __VA_ARGS__)
#define LOG_VERBOSE(...) RKV_LOG(::rkv::LogLevel::kVerbose, __VA_ARGS__)
#define LOG_NOTICE(...) RKV_LOG(::rkv::LogLevel::kNotice, __VA_ARGS__)
#define LOG_WARNING(...) RKV_LOG(::rkv::LogLevel::kWarning, __VA_ARGS__)

}  // namespace rkv
