// client-output-buffer-limit: a client whose pending replies outgrow its class's limits is
// closed, so a subscriber that stops reading (or a client that pipelines huge replies
// without reading them) cannot take the server's memory.
//
// As in Redis 7.0: the hard limit closes at once; the soft limit closes once it has been
// exceeded continuously for longer than its seconds, measured between two checks. The
// check runs when output is added (a command's replies, a delivered message), and only
// past the smallest limit of the client's class, so the reply path pays one compare.
#include <cstdint>
#include <limits>
#include <string>

#include "server/client_info.h"
#include "server/server.h"
#include "util/log.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace rkv::server {

void Server::configure_output_limits() {
  // The config keeps "normal H S T slave H S T pubsub H S T" in bytes and seconds.
  std::vector<std::string_view> w = split_words(config_.client_output_buffer_limit);
  for (size_t k = 0; k + 3 < w.size(); k += 4) {
    int cls = w[k] == "normal" ? 0 : w[k] == "pubsub" ? 1 : -1;
    if (cls < 0) continue;  // replicas do not exist here
    OutputLimit& l = obuf_limits_[cls];
    l.hard = static_cast<size_t>(parse_int64(w[k + 1]).value_or(0));
    l.soft = static_cast<size_t>(parse_int64(w[k + 2]).value_or(0));
    l.soft_seconds = parse_int64(w[k + 3]).value_or(0);
    size_t watch = std::numeric_limits<size_t>::max();
    if (l.hard) watch = l.hard;
    if (l.soft && l.soft < watch) watch = l.soft;
    obuf_watch_[cls] = watch;
  }
}

void Server::check_output_limits(Client& c) {
  if (c.close_asap()) return;
  const int cls = c.subs.pubsub_mode() ? 1 : 0;
  const OutputLimit& l = obuf_limits_[cls];
  const size_t used = c.out().bytes();
  bool hard = l.hard && used >= l.hard;
  bool soft = l.soft && used >= l.soft;
  if (soft) {
    if (c.obuf_soft_since_ms == 0) {
      c.obuf_soft_since_ms = now_ms_;
      soft = false;  // first seen over the soft limit: the clock starts now
    } else if (now_ms_ - c.obuf_soft_since_ms <= l.soft_seconds * 1000) {
      soft = false;
    }
  } else {
    c.obuf_soft_since_ms = 0;
  }
  if (!hard && !soft) return;
  LOG_WARNING("Client %s scheduled to be closed ASAP for overcoming of output buffer limits.",
              describe_client(*this, c, now_ms_).c_str());
  kill_client(c);
}

}  // namespace rkv::server
