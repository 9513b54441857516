// WatchIndex and QueuedCommand on their own: the bookkeeping behind WATCH and MULTI.
#include "server/multi.h"

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace rkv::server {
namespace {

auto present() {
  return [] { return true; };
}
auto absent_after() {
  return [](std::string_view) { return KeyPresence{}; };
}

TEST(QueuedCommandTest, OwnsItsArguments) {
  std::string buffer = "SETkey" + std::string(100, 'v') + "EX";
  std::vector<std::string_view> argv = {std::string_view(buffer).substr(0, 3),
                                        std::string_view(buffer).substr(3, 3),
                                        std::string_view(buffer).substr(6, 100), std::string_view(),
                                        std::string_view(buffer).substr(106)};
  QueuedCommand q(nullptr, argv);
  buffer.assign(buffer.size(), 'x');  // the query buffer moves on
  std::vector<QueuedCommand> queue;
  queue.push_back(std::move(q));  // and the queue grows
  const auto got = queue[0].argv();
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(got[0], "SET");
  EXPECT_EQ(got[1], "key");
  EXPECT_EQ(got[2], std::string(100, 'v'));
  EXPECT_EQ(got[3], "");
  EXPECT_EQ(got[4], "EX");
  EXPECT_GE(queue[0].memory(), 108u);
}

TEST(WatchIndexTest, WriteMakesEveryWatcherDirtyAndUnwatchesThem) {
  WatchIndex index(16);
  WatchState a, b, c;
  index.watch(a, 0, "k", false);
  index.watch(a, 0, "k", false);  // once only
  index.watch(a, 0, "other", false);
  index.watch(b, 0, "k", false);
  index.watch(c, 1, "k", false);  // another db's k
  EXPECT_EQ(index.size(), 4u);
  EXPECT_EQ(a.keys.size(), 2u);
  index.touch(0, "k", present());
  EXPECT_TRUE(a.dirty);
  EXPECT_TRUE(b.dirty);
  EXPECT_FALSE(c.dirty);
  // Dirty watchers stopped watching everything, "other" included.
  EXPECT_TRUE(a.keys.empty());
  EXPECT_TRUE(b.keys.empty());
  EXPECT_EQ(index.size(), 1u);
  EXPECT_FALSE(index.watched_in(0));
  EXPECT_TRUE(index.watched_in(1));
  index.touch(0, "other", present());  // nobody left
  index.unwatch_all(c);
  EXPECT_TRUE(index.empty());
  EXPECT_FALSE(c.dirty);
}

TEST(WatchIndexTest, UnwatchKeepsTheOthers) {
  WatchIndex index(2);
  WatchState a, b;
  index.watch(a, 0, "k", false);
  index.watch(b, 0, "k", false);
  index.watch(b, 1, "j", false);
  index.unwatch_all(a);
  EXPECT_EQ(index.size(), 2u);
  index.touch(0, "k", present());
  EXPECT_FALSE(a.dirty);
  EXPECT_TRUE(b.dirty);
  EXPECT_TRUE(index.empty());
}

TEST(WatchIndexTest, KeyExpiredWhenWatchedIsWatchedAsAbsent) {
  WatchIndex index(1);
  WatchState w;
  int asked = 0;
  index.watch(w, 0, "k", true);
  index.touch(0, "k", [&] {
    asked++;
    return false;
  });  // its deletion: no change
  EXPECT_FALSE(w.dirty);
  EXPECT_EQ(asked, 1);
  EXPECT_FALSE(w.keys[0].expired);
  index.touch(0, "k", present());  // created again: a change
  EXPECT_TRUE(w.dirty);

  WatchState v;
  index.watch(v, 0, "k", true);
  index.touch(0, "k", present());  // rewritten without being deleted first
  EXPECT_TRUE(v.dirty);

  WatchState u;
  index.watch(u, 0, "k", false);
  index.touch(0, "k", [&] {
    asked++;
    return false;
  });
  EXPECT_TRUE(u.dirty);  // alive when watched: its deletion is a change
  EXPECT_EQ(asked, 1);   // and nobody needed to ask
}

TEST(WatchIndexTest, FlushTouchesExistingKeysOnly) {
  WatchIndex index(2);
  WatchState has, missing, expired, other_db;
  index.watch(has, 0, "has", false);
  index.watch(missing, 0, "missing", false);
  index.watch(expired, 0, "exp", true);
  index.watch(other_db, 1, "has", false);
  auto before = [](std::string_view key) {
    if (key == "has") return KeyPresence{true, false};
    if (key == "exp") return KeyPresence{true, true};
    return KeyPresence{};
  };
  index.touch_all(0, before, absent_after());
  EXPECT_TRUE(has.dirty);
  EXPECT_FALSE(missing.dirty);
  EXPECT_FALSE(expired.dirty);  // was logically absent and is now gone: no change
  EXPECT_FALSE(expired.keys[0].expired);
  EXPECT_FALSE(other_db.dirty);
}

TEST(WatchIndexTest, SwapFollowsRedisExpiryRules) {
  WatchIndex index(2);
  // Key present in neither, present after, expired after, watched expired and
  // still expired after, watched expired and alive after.
  WatchState neither, arrives, arrives_expired, stays_expired, revives;
  index.watch(neither, 0, "n", false);
  index.watch(arrives, 0, "a", false);
  index.watch(arrives_expired, 0, "ae", false);
  index.watch(stays_expired, 0, "se", true);
  index.watch(revives, 0, "r", true);
  auto before = [](std::string_view key) {
    if (key == "se" || key == "r") return KeyPresence{true, true};
    return KeyPresence{};
  };
  auto after = [](std::string_view key) {
    if (key == "a" || key == "r") return KeyPresence{true, false};
    if (key == "ae" || key == "se") return KeyPresence{true, true};
    return KeyPresence{};
  };
  index.touch_all(0, before, after);
  EXPECT_FALSE(neither.dirty);
  EXPECT_TRUE(arrives.dirty);
  EXPECT_FALSE(arrives_expired.dirty);
  EXPECT_TRUE(arrives_expired.keys[0].expired);  // now watched as expired
  EXPECT_FALSE(stays_expired.dirty);
  EXPECT_TRUE(revives.dirty);
}

TEST(WatchIndexTest, ManyClientsManyKeys) {
  WatchIndex index(4);
  std::vector<WatchState> states(100);
  for (size_t i = 0; i < states.size(); i++)
    for (int k = 0; k < 10; k++)
      index.watch(states[i], k % 4, "key" + std::to_string((i + k) % 50), false);
  EXPECT_EQ(index.size(), 1000u);
  index.touch(1, "key1", present());  // (i + k) % 50 == 1 with k % 4 == 1
  size_t dirty = 0;
  for (const WatchState& s : states) dirty += s.dirty;
  EXPECT_GT(dirty, 0u);
  EXPECT_EQ(index.size(), (states.size() - dirty) * 10);
  for (WatchState& s : states) index.unwatch_all(s);
  EXPECT_TRUE(index.empty());
  for (int db = 0; db < 4; db++) EXPECT_FALSE(index.watched_in(db));
}

}  // namespace
}  // namespace rkv::server
