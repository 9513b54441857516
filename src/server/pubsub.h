// Pub/Sub registry: who listens to what.
//
// Three namespaces, as in Redis 7.0: channels (SUBSCRIBE), glob patterns (PSUBSCRIBE) and
// shard channels (SSUBSCRIBE; standalone, so simply a second channel namespace that
// patterns never see). The registry maps each name to the set of its subscribers; each
// client keeps the names it holds in its own Subscriptions (views of the registry's keys:
// one copy of a name however many clients hold it). A name with no subscriber left is
// removed, so the maps only hold names somebody listens to.
//
// Costs: finding a channel's receivers is one hash lookup, plus one glob match per
// distinct pattern; a publish when nobody subscribes to anything is one branch (idle()),
// which matters because keyspace notifications publish on every key change.
//
// Thread-safety: main thread only. The registry never dereferences a Client: it only
// hands back the owner pointer a Subscriptions was built with.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "util/hash.h"

namespace rkv::server {

class Client;
class Subscriptions;

class PubSub {
 public:
  enum Kind : int { kChannel = 0, kPattern = 1, kShard = 2 };
  static constexpr int kKinds = 3;

  PubSub() = default;
  PubSub(const PubSub&) = delete;
  PubSub& operator=(const PubSub&) = delete;

  // Adds s to name; false when s already held it.
  bool subscribe(Subscriptions& s, Kind kind, std::string_view name);
  // Removes s from name; false when s did not hold it.
  bool unsubscribe(Subscriptions& s, Kind kind, std::string_view name);
  // The names s holds of one kind, copied (mass unsubscribe walks them while removing).
  std::vector<std::string> names_of(const Subscriptions& s, Kind kind) const;
  // Drops every subscription of s, silently (client freed, RESET).
  void unsubscribe_all(Subscriptions& s);

  // True when nobody is subscribed to anything: PUBLISH has nothing to do.
  bool idle() const { return maps_[0].empty() && maps_[1].empty() && maps_[2].empty(); }
  // Distinct names of a kind that have subscribers (INFO pubsub_channels, PUBSUB NUMPAT).
  size_t size(Kind kind) const { return maps_[kind].size(); }
  // Subscribers of one name (PUBSUB NUMSUB; patterns are not counted there).
  size_t subscribers(Kind kind, std::string_view name) const;
  // Calls fn(name) for each name of a kind, in no particular order.
  template <class Fn>
  void for_each_name(Kind kind, Fn&& fn) const {
    for (const auto& [name, subs] : maps_[kind]) fn(std::string_view(name));
  }
  // The receivers of a message published to channel (kind kChannel or kShard): calls
  // fn(subscriber, pattern) once per subscription that matches: pattern null for the
  // channel's own subscribers, then once per subscriber of each matching pattern (for
  // kChannel only: shard channels ignore patterns), the calls of one pattern together.
  // fn must not change subscriptions. Returns how many calls were made.
  template <class Fn>
  size_t for_each_receiver(Kind kind, std::string_view channel, Fn&& fn) const;

 private:
  using Subscribers = std::unordered_set<Subscriptions*>;
  using Map = std::unordered_map<std::string, Subscribers, SeededStringHash, std::equal_to<>>;
  static bool matches(std::string_view pattern, std::string_view channel);

  Map maps_[kKinds];
};

// One client's subscriptions (Redis's per-client pubsub dicts and CLIENT_PUBSUB flag).
class Subscriptions {
 public:
  explicit Subscriptions(Client* owner) : owner_(owner) {}
  Subscriptions(const Subscriptions&) = delete;
  Subscriptions& operator=(const Subscriptions&) = delete;

  Client* owner() const { return owner_; }
  size_t channels() const { return names_[PubSub::kChannel].size(); }
  size_t patterns() const { return names_[PubSub::kPattern].size(); }
  size_t shard_channels() const { return names_[PubSub::kShard].size(); }
  // What SUBSCRIBE/PSUBSCRIBE and their UNSUBSCRIBEs report: channels and patterns, not
  // shard channels (SSUBSCRIBE counts those alone).
  size_t count(PubSub::Kind kind) const {
    return kind == PubSub::kShard ? shard_channels() : channels() + patterns();
  }
  size_t total() const { return channels() + patterns() + shard_channels(); }
  bool holds(PubSub::Kind kind, std::string_view name) const { return names_[kind].contains(name); }

  // Redis's CLIENT_PUBSUB, which is set by any (P|S)SUBSCRIBE and cleared once nothing is
  // subscribed: holding any name. It makes the client a "pubsub" client (output-buffer
  // class, CLIENT LIST TYPE, flag P) and, in RESP2, restricts its commands.
  bool pubsub_mode() const { return total() != 0; }

 private:
  friend class PubSub;
  Client* owner_;
  // Views of the registry's keys, which live as long as a subscriber holds them.
  std::unordered_set<std::string_view, SeededStringHash, std::equal_to<>> names_[PubSub::kKinds];
};

// Whether a RESP2 client in subscriber mode may run this command (full name, lower case).
bool subscriber_mode_allows(std::string_view command);

template <class Fn>
size_t PubSub::for_each_receiver(Kind kind, std::string_view channel, Fn&& fn) const {
  size_t n = 0;
  const Map& direct = maps_[kind];
  if (!direct.empty()) {
    if (auto it = direct.find(channel); it != direct.end()) {
      for (Subscriptions* s : it->second) fn(*s, static_cast<const std::string*>(nullptr));
      n += it->second.size();
    }
  }
  if (kind == kShard) return n;
  for (const auto& [pattern, subs] : maps_[kPattern]) {
    if (!matches(pattern, channel)) continue;
    for (Subscriptions* s : subs) fn(*s, &pattern);
    n += subs.size();
  }
  return n;
}

}  // namespace rkv::server
