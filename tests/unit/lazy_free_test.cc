#include "store/lazy_free.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>

#include "store/db.h"

namespace rkv::store {
namespace {

TEST(LazyFreeTest, RunsJobsInOrderAndCountsObjects) {
  LazyFree lf;
  std::string order;
  std::atomic<bool> release{false};
  // The first job holds the worker so the counters can be read mid-flight.
  lf.submit(
      [&] {
        while (!release.load()) std::this_thread::yield();
        order += 'a';
      },
      3);
  lf.submit([&] { order += 'b'; }, 2);
  EXPECT_EQ(lf.pending_objects(), 5u);
  release = true;
  lf.drain();
  EXPECT_EQ(order, "ab");
  EXPECT_EQ(lf.pending_objects(), 0u);
  EXPECT_EQ(lf.freed_objects(), 5u);
  lf.reset_stats();
  EXPECT_EQ(lf.freed_objects(), 0u);
}

TEST(LazyFreeTest, DestructorFinishesQueuedJobs) {
  int ran = 0;
  {
    LazyFree lf;
    for (int i = 0; i < 100; i++) lf.submit([&] { ran++; }, 1);
  }
  EXPECT_EQ(ran, 100);
}

TEST(LazyFreeTest, LazyClearEmptiesTheDbAtOnce) {
  int64_t now = 1'000'000;
  KeyspaceStats stats;
  LazyFree lf;
  FreePolicy policy{&lf, false, false};
  Db db(0, &now, &stats);
  db.set_free_policy(&policy);
  for (int i = 0; i < 1000; i++) {
    Entry* e = Entry::make_string("key:" + std::to_string(i), "value");
    db.set(e, false);
    if (i % 2) db.set_expire(e, now + 100000);
  }
  EXPECT_EQ(db.clear(true), 1000u);
  EXPECT_EQ(db.size(), 0u);
  EXPECT_EQ(db.volatile_size(), 0u);
  EXPECT_EQ(db.lookup_read("key:1"), nullptr);
  // The emptied db is usable at once, while the old tables are freed behind it.
  db.set(Entry::make_string("fresh", "v"), false);
  EXPECT_NE(db.lookup_read("fresh"), nullptr);
  lf.drain();
  EXPECT_EQ(lf.freed_objects(), 1000u);
}

TEST(LazyFreeTest, WithoutWorkerClearIsSynchronous) {
  int64_t now = 1'000'000;
  KeyspaceStats stats;
  Db db(0, &now, &stats);
  db.set(Entry::make_string("a", "1"), false);
  EXPECT_EQ(db.clear(true), 1u);
  EXPECT_EQ(db.size(), 0u);
}

}  // namespace
}  // namespace rkv::store
