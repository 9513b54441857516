#include "server/pubsub.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace rkv::server {
namespace {

using Receivers = std::vector<std::pair<const Subscriptions*, std::string>>;

Receivers receivers(const PubSub& ps, PubSub::Kind kind, std::string_view channel) {
  Receivers out;
  size_t n = ps.for_each_receiver(kind, channel, [&](Subscriptions& s, const std::string* pattern) {
    out.emplace_back(&s, pattern ? "pattern " + *pattern : "channel");
  });
  EXPECT_EQ(n, out.size());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> names(const PubSub& ps, PubSub::Kind kind) {
  std::vector<std::string> out;
  ps.for_each_name(kind, [&](std::string_view n) { out.emplace_back(n); });
  std::sort(out.begin(), out.end());
  return out;
}

TEST(PubSub, SubscribeTwiceIsOneSubscription) {
  PubSub ps;
  Subscriptions a(nullptr);
  EXPECT_TRUE(ps.idle());
  EXPECT_TRUE(ps.subscribe(a, PubSub::kChannel, "news"));
  EXPECT_FALSE(ps.subscribe(a, PubSub::kChannel, "news"));
  EXPECT_FALSE(ps.idle());
  EXPECT_EQ(a.channels(), 1u);
  EXPECT_EQ(ps.size(PubSub::kChannel), 1u);
  EXPECT_EQ(ps.subscribers(PubSub::kChannel, "news"), 1u);
  EXPECT_TRUE(a.holds(PubSub::kChannel, "news"));
  EXPECT_FALSE(a.holds(PubSub::kShard, "news"));
}

TEST(PubSub, CountsExcludeShardChannelsExceptForShards) {
  PubSub ps;
  Subscriptions a(nullptr);
  ps.subscribe(a, PubSub::kChannel, "c1");
  ps.subscribe(a, PubSub::kChannel, "c2");
  ps.subscribe(a, PubSub::kPattern, "p*");
  ps.subscribe(a, PubSub::kShard, "s1");
  EXPECT_EQ(a.count(PubSub::kChannel), 3u);
  EXPECT_EQ(a.count(PubSub::kPattern), 3u);
  EXPECT_EQ(a.count(PubSub::kShard), 1u);
  EXPECT_EQ(a.total(), 4u);
}

TEST(PubSub, LastUnsubscribeRemovesTheName) {
  PubSub ps;
  Subscriptions a(nullptr), b(nullptr);
  ps.subscribe(a, PubSub::kChannel, "news");
  ps.subscribe(b, PubSub::kChannel, "news");
  EXPECT_EQ(ps.subscribers(PubSub::kChannel, "news"), 2u);
  EXPECT_FALSE(ps.unsubscribe(a, PubSub::kChannel, "other"));
  EXPECT_FALSE(ps.unsubscribe(a, PubSub::kPattern, "news"));  // kinds are separate
  EXPECT_TRUE(ps.unsubscribe(a, PubSub::kChannel, "news"));
  EXPECT_FALSE(ps.unsubscribe(a, PubSub::kChannel, "news"));
  EXPECT_EQ(ps.subscribers(PubSub::kChannel, "news"), 1u);
  EXPECT_EQ(names(ps, PubSub::kChannel), std::vector<std::string>{"news"});
  EXPECT_TRUE(ps.unsubscribe(b, PubSub::kChannel, "news"));
  EXPECT_EQ(ps.subscribers(PubSub::kChannel, "news"), 0u);
  EXPECT_TRUE(names(ps, PubSub::kChannel).empty());
  EXPECT_TRUE(ps.idle());
}

TEST(PubSub, ReceiversOfChannelsAndPatterns) {
  PubSub ps;
  Subscriptions a(nullptr), b(nullptr), c(nullptr);
  ps.subscribe(a, PubSub::kChannel, "user:1");
  ps.subscribe(b, PubSub::kPattern, "user:*");
  ps.subscribe(c, PubSub::kPattern, "user:*");
  ps.subscribe(c, PubSub::kPattern, "*:1");
  ps.subscribe(c, PubSub::kPattern, "order:*");
  Receivers got = receivers(ps, PubSub::kChannel, "user:1");
  Receivers want = {
      {&a, "channel"}, {&b, "pattern user:*"}, {&c, "pattern *:1"}, {&c, "pattern user:*"}};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);
  EXPECT_TRUE(receivers(ps, PubSub::kChannel, "nobody").empty());
  Receivers orders = receivers(ps, PubSub::kChannel, "order:7");
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0].first, &c);
  EXPECT_EQ(orders[0].second, "pattern order:*");
}

TEST(PubSub, ShardChannelsIgnorePatternsAndChannels) {
  PubSub ps;
  Subscriptions a(nullptr), b(nullptr), c(nullptr);
  ps.subscribe(a, PubSub::kShard, "s");
  ps.subscribe(b, PubSub::kChannel, "s");
  ps.subscribe(c, PubSub::kPattern, "*");
  EXPECT_EQ(receivers(ps, PubSub::kShard, "s"), (Receivers{{&a, "channel"}}));
  Receivers plain = receivers(ps, PubSub::kChannel, "s");
  Receivers want = {{&b, "channel"}, {&c, "pattern *"}};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(plain, want);
}

TEST(PubSub, UnsubscribeAllForgetsEverything) {
  PubSub ps;
  Subscriptions a(nullptr), b(nullptr);
  for (int i = 0; i < 100; i++) {
    ps.subscribe(a, PubSub::kChannel, "c" + std::to_string(i));
    ps.subscribe(a, PubSub::kPattern, "p" + std::to_string(i) + "*");
    ps.subscribe(a, PubSub::kShard, "s" + std::to_string(i));
  }
  ps.subscribe(b, PubSub::kChannel, "c7");
  EXPECT_TRUE(a.pubsub_mode());
  ps.unsubscribe_all(a);
  EXPECT_EQ(a.total(), 0u);
  EXPECT_FALSE(a.pubsub_mode());
  EXPECT_EQ(names(ps, PubSub::kChannel), std::vector<std::string>{"c7"});
  EXPECT_EQ(ps.size(PubSub::kPattern), 0u);
  EXPECT_EQ(ps.size(PubSub::kShard), 0u);
  EXPECT_EQ(receivers(ps, PubSub::kChannel, "c7"), (Receivers{{&b, "channel"}}));
  ps.unsubscribe_all(b);
  EXPECT_TRUE(ps.idle());
}

TEST(PubSub, NamesOfIsACopySafeToUnsubscribeWith) {
  PubSub ps;
  Subscriptions a(nullptr);
  ps.subscribe(a, PubSub::kChannel, "x");
  ps.subscribe(a, PubSub::kChannel, "y");
  std::vector<std::string> held = ps.names_of(a, PubSub::kChannel);
  std::sort(held.begin(), held.end());
  EXPECT_EQ(held, (std::vector<std::string>{"x", "y"}));
  for (const std::string& n : held) EXPECT_TRUE(ps.unsubscribe(a, PubSub::kChannel, n));
  EXPECT_TRUE(ps.idle());
  EXPECT_TRUE(ps.names_of(a, PubSub::kChannel).empty());
}

TEST(PubSub, BinaryNamesAndGlobPatterns) {
  PubSub ps;
  Subscriptions a(nullptr), b(nullptr);
  const std::string bin("a\0b", 3);
  ps.subscribe(a, PubSub::kChannel, bin);
  ps.subscribe(b, PubSub::kPattern, "h?llo[0-9]");
  EXPECT_EQ(ps.subscribers(PubSub::kChannel, bin), 1u);
  EXPECT_EQ(ps.subscribers(PubSub::kChannel, "a"), 0u);
  EXPECT_EQ(receivers(ps, PubSub::kChannel, "hallo5").size(), 1u);
  EXPECT_TRUE(receivers(ps, PubSub::kChannel, "hallo").empty());
  // The empty pattern is a pattern like any other (it matches the empty channel).
  ps.subscribe(a, PubSub::kPattern, "");
  ps.subscribe(b, PubSub::kChannel, "");
  Receivers empty = receivers(ps, PubSub::kChannel, "");
  Receivers want = {{&a, "pattern "}, {&b, "channel"}};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(empty, want);
}

// Random operations against a plain model: the registry's two views (names to
// subscribers, subscriber to names) must always agree with it.
TEST(PubSub, RandomOperationsMatchAModel) {
  PubSub ps;
  constexpr int kSubs = 8, kNames = 12;
  std::vector<std::unique_ptr<Subscriptions>> subs;
  for (int i = 0; i < kSubs; i++) subs.push_back(std::make_unique<Subscriptions>(nullptr));
  std::set<std::tuple<int, int, std::string>> model;  // (subscriber, kind, name)
  std::mt19937 rng(42);
  for (int step = 0; step < 20000; step++) {
    const int who = static_cast<int>(rng() % kSubs);
    const auto kind = static_cast<PubSub::Kind>(rng() % PubSub::kKinds);
    const std::string name = "n" + std::to_string(rng() % kNames);
    const unsigned op = rng() % 100;
    if (op < 50) {
      EXPECT_EQ(ps.subscribe(*subs[who], kind, name), model.emplace(who, kind, name).second);
    } else if (op < 95) {
      EXPECT_EQ(ps.unsubscribe(*subs[who], kind, name), model.erase({who, kind, name}) == 1);
    } else {
      ps.unsubscribe_all(*subs[who]);
      std::erase_if(model, [&](const auto& t) { return std::get<0>(t) == who; });
    }
    if (step % 97 != 0) continue;
    for (int k = 0; k < PubSub::kKinds; k++) {
      const auto kk = static_cast<PubSub::Kind>(k);
      std::set<std::string> names_in_model;
      for (int n = 0; n < kNames; n++) {
        const std::string nm = "n" + std::to_string(n);
        size_t count = 0;
        for (int w = 0; w < kSubs; w++) {
          const bool held = model.contains({w, k, nm});
          EXPECT_EQ(subs[w]->holds(kk, nm), held);
          count += held;
        }
        EXPECT_EQ(ps.subscribers(kk, nm), count);
        if (count) names_in_model.insert(nm);
      }
      std::vector<std::string> listed = names(ps, kk);
      EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()), names_in_model);
    }
  }
  for (auto& s : subs) ps.unsubscribe_all(*s);
  EXPECT_TRUE(ps.idle());
}

TEST(PubSub, SubscriberModeCommands) {
  for (std::string_view ok : {"ping", "subscribe", "psubscribe", "ssubscribe", "unsubscribe",
                              "punsubscribe", "sunsubscribe", "quit", "reset"})
    EXPECT_TRUE(subscriber_mode_allows(ok)) << ok;
  for (std::string_view no : {"get", "publish", "hello", "client|id", "pubsub|numsub", "multi"})
    EXPECT_FALSE(subscriber_mode_allows(no)) << no;
}

}  // namespace
}  // namespace rkv::server
