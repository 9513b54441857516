// Pub/Sub: the subscription registry (pubsub.h) and PUBLISH delivery.
#include "server/pubsub.h"

#include <cstring>

#include "server/server.h"
#include "util/glob.h"

namespace rkv::server {

// --- registry -------------------------------------------------------------------------

bool PubSub::subscribe(Subscriptions& s, Kind kind, std::string_view name) {
  if (s.names_[kind].contains(name)) return false;
  auto it = maps_[kind].find(name);
  if (it == maps_[kind].end()) it = maps_[kind].emplace(std::string(name), Subscribers{}).first;
  it->second.insert(&s);
  // The view points at the map's key, which stays put (node-based) while s holds it.
  s.names_[kind].insert(std::string_view(it->first));
  return true;
}

bool PubSub::unsubscribe(Subscriptions& s, Kind kind, std::string_view name) {
  auto mine = s.names_[kind].find(name);
  if (mine == s.names_[kind].end()) return false;
  // Forget the view before the key it points at may be freed.
  s.names_[kind].erase(mine);
  auto it = maps_[kind].find(name);
  it->second.erase(&s);
  if (it->second.empty()) maps_[kind].erase(it);
  return true;
}

std::vector<std::string> PubSub::names_of(const Subscriptions& s, Kind kind) const {
  std::vector<std::string> out;
  out.reserve(s.names_[kind].size());
  for (std::string_view n : s.names_[kind]) out.emplace_back(n);
  return out;
}

void PubSub::unsubscribe_all(Subscriptions& s) {
  for (int k = 0; k < kKinds; k++) {
    auto& mine = s.names_[k];
    while (!mine.empty()) {
      auto first = mine.begin();
      auto it = maps_[k].find(*first);
      mine.erase(first);
      it->second.erase(&s);
      if (it->second.empty()) maps_[k].erase(it);
    }
  }
}

size_t PubSub::subscribers(Kind kind, std::string_view name) const {
  auto it = maps_[kind].find(name);
  return it == maps_[kind].end() ? 0 : it->second.size();
}

bool PubSub::matches(std::string_view pattern, std::string_view channel) {
  return glob_match(pattern, channel);
}

bool subscriber_mode_allows(std::string_view command) {
  // Redis 7.0's list (processCommand): what a RESP2 client in subscriber mode may run.
  static constexpr std::string_view kAllowed[] = {"ping",         "subscribe",    "ssubscribe",
                                                  "unsubscribe",  "sunsubscribe", "psubscribe",
                                                  "punsubscribe", "quit",         "reset"};
  for (std::string_view a : kAllowed)
    if (command == a) return true;
  return false;
}

// --- delivery -------------------------------------------------------------------------

namespace {

void append_bulk(std::string& out, std::string_view s) {
  char len[32];
  int n = std::snprintf(len, sizeof(len), "$%zu\r\n", s.size());
  out.append(len, static_cast<size_t>(n));
  out.append(s);
  out.append("\r\n");
}

// A message as one client protocol frames it: an array in RESP2, a push in RESP3.
// pattern: null for "message"/"smessage", the matching pattern for "pmessage".
std::string frame(int proto, std::string_view kind, const std::string* pattern,
                  std::string_view channel, std::string_view message) {
  std::string out;
  out.reserve(kind.size() + (pattern ? pattern->size() : 0) + channel.size() + message.size() + 64);
  out.append(proto >= 3 ? ">" : "*");
  out.append(pattern ? "4\r\n" : "3\r\n");
  append_bulk(out, kind);
  if (pattern) append_bulk(out, *pattern);
  append_bulk(out, channel);
  append_bulk(out, message);
  return out;
}

}  // namespace

size_t Server::deliver(PubSub::Kind kind, std::string_view channel, std::string_view message) {
  // Formatted once per protocol (and per matching pattern), then copied to each receiver.
  std::string framed[2];
  const std::string* framed_for = nullptr;  // the pattern framed[] was built for
  const std::string_view kind_name = kind == PubSub::kShard ? "smessage" : "message";
  return pubsub_.for_each_receiver(
      kind, channel, [&](Subscriptions& s, const std::string* pattern) {
        Client& c = *s.owner();
        if (c.close_asap()) return;  // going away: its buffer would only be freed
        const int proto = c.resp_version() >= 3 ? 1 : 0;
        if (pattern != framed_for) {
          // The next matching pattern: its pmessage frames name it.
          framed[0].clear();
          framed[1].clear();
          framed_for = pattern;
        }
        if (framed[proto].empty())
          framed[proto] =
              frame(proto ? 3 : 2, pattern ? "pmessage" : kind_name, pattern, channel, message);
        c.out().append(framed[proto]);
        queue_write(c);
        enforce_output_limits(c);
      });
}

size_t Server::publish(std::string_view channel, std::string_view message) {
  if (pubsub_.idle()) return 0;
  return deliver(PubSub::kChannel, channel, message);
}

size_t Server::publish_shard(std::string_view channel, std::string_view message) {
  if (pubsub_.idle()) return 0;
  return deliver(PubSub::kShard, channel, message);
}

}  // namespace rkv::server
