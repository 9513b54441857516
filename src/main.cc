// reactorkv-server [config-file] [--directive value ...]
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "script/engine.h"
#include "server/config.h"
#include "server/server.h"
#include "util/log.h"
#include "util/memory.h"

namespace {

void usage() {
  std::fprintf(stderr,
               "Usage: ./reactorkv-server [/path/to/reactorkv.conf] [options]\n"
               "       ./reactorkv-server -v or --version\n"
               "       ./reactorkv-server -h or --help\n\n"
               "Examples:\n"
               "       ./reactorkv-server conf/reactorkv.conf\n"
               "       ./reactorkv-server --port 7777\n"
               "       ./reactorkv-server conf/reactorkv.conf --port 7000 --loglevel verbose\n");
}

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

[[noreturn]] void fatal_config(const std::string& file, int line_no, const std::string& line,
                               const std::string& reason) {
  std::fprintf(stderr, "\n*** FATAL CONFIG FILE ERROR (reactorkv %s) ***\n", RKV_VERSION);
  std::fprintf(stderr, "Reading the configuration file %s, at line %d\n", file.c_str(), line_no);
  std::fprintf(stderr, ">>> '%s'\n%s\n", line.c_str(), reason.c_str());
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace rkv;
  server::Config cfg;
  std::string conf_file;
  int i = 1;
  if (i < argc) {
    std::string a = argv[i];
    if (a == "-v" || a == "--version") {
      std::printf("reactorkv server v=%s (Redis 7.0 compatible) malloc=%s bits=%zu\n", RKV_VERSION,
                  allocator_name(), sizeof(void*) * 8);
      return 0;
    }
    if (a == "-h" || a == "--help") {
      usage();
      return 0;
    }
    if (a.rfind("--", 0) != 0) {
      conf_file = a;
      i++;
    }
  }
  // Command-line options become config lines appended after the file, as in Redis.
  std::string overrides;
  for (; i < argc; i++) {
    std::string a = argv[i];
    if (a.rfind("--", 0) == 0 && a.size() > 2) {
      if (!overrides.empty()) overrides += '\n';
      overrides += a.substr(2);
    } else {
      overrides += ' ';
      overrides += quote(a);
    }
  }
  std::string bad_line;
  int bad_no = 0;
  if (!conf_file.empty()) {
    std::ifstream in(conf_file);
    if (!in) {
      std::fprintf(stderr, "Fatal error, can't open config file '%s': %s\n", conf_file.c_str(),
                   std::strerror(errno));
      return 1;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    if (auto e = server::ConfigTable::load_text(cfg, ss.str(), &bad_line, &bad_no))
      fatal_config(conf_file, bad_no, bad_line, e.message);
  }
  if (auto e = server::ConfigTable::load_text(cfg, overrides, &bad_line, &bad_no))
    fatal_config("(command line)", bad_no, bad_line, e.message);

  if (!log_open(cfg.logfile)) {
    std::fprintf(stderr, "Can't open the log file: %s\n", std::strerror(errno));
    return 1;
  }
  log_set_level(parse_log_level(cfg.loglevel).value_or(LogLevel::kNotice));
  server::install_signal_handlers();

  LOG_NOTICE("oO0OoO0OoO0Oo reactorkv is starting oO0OoO0OoO0Oo");
  server::Server srv(cfg);
  script::engine(srv);  // the Lua state exists from the start, as in Redis (INFO memory)
  std::string err;
  if (!srv.start(&err)) {
    LOG_WARNING("%s", err.c_str());
    return 1;
  }
  LOG_NOTICE(
      "reactorkv version=%s (Redis 7.0 compatible), bits=%zu, pid=%d, port=%d, io-backend=%s, "
      "malloc=%s",
      RKV_VERSION, sizeof(void*) * 8, static_cast<int>(getpid()), cfg.port, srv.loop().backend(),
      allocator_name());
  LOG_NOTICE("Ready to accept connections");
  srv.run();
  return 0;
}
