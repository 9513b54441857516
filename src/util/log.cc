#include "util/log.h"

#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>

namespace rkv {
namespace {
LogLevel g_level = LogLevel::kNotice;
FILE* g_out = nullptr;
}  // namespace

std::optional<LogLevel> parse_log_level(std::string_view name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "verbose") return LogLevel::kVerbose;
  if (name == "notice") return LogLevel::kNotice;
  if (name == "warning") return LogLevel::kWarning;
  if (name == "nothing") return LogLevel::kNothing;
  return std::nullopt;
}

const char* log_level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kVerbose:
      return "verbose";
    case LogLevel::kNotice:
      return "notice";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kNothing:
      return "nothing";
  }
  return "notice";
}

bool log_open(const std::string& path) {
  if (g_out && g_out != stdout) std::fclose(g_out);
  g_out = nullptr;
  if (path.empty()) return true;
  g_out = std::fopen(path.c_str(), "a");
  return g_out != nullptr;
}

void log_set_level(LogLevel level) {
  g_level = level;
}
LogLevel log_level() {
  return g_level;
}

void log_msg(LogLevel level, const char* fmt, ...) {
  if (level < g_level || level == LogLevel::kNothing) return;
  FILE* out = g_out ? g_out : stdout;
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  timeval tv;
  gettimeofday(&tv, nullptr);
  tm tmv;
  localtime_r(&tv.tv_sec, &tmv);
  char when[64];
  size_t off = std::strftime(when, sizeof(when), "%d %b %Y %H:%M:%S.", &tmv);
  std::snprintf(when + off, sizeof(when) - off, "%03d", static_cast<int>(tv.tv_usec / 1000));
  static const char kMarks[] = ".-*#";
  std::fprintf(out, "%d:M %s %c %s\n", static_cast<int>(getpid()), when,
               kMarks[static_cast<int>(level)], msg);
  std::fflush(out);
}

}  // namespace rkv
