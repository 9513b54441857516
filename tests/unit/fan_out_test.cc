#include "util/fan_out.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace rkv {
namespace {

TEST(FanOutTest, EveryItemRunsExactlyOnce) {
  FanOut pool(4, 20);
  EXPECT_EQ(pool.threads(), 4);
  for (size_t n : {0u, 1u, 2u, 3u, 4u, 5u, 7u, 64u, 1000u}) {
    std::vector<std::atomic<int>> hits(n);
    pool.run(n, [&](size_t i) { hits[i].fetch_add(1); });
    for (size_t i = 0; i < n; i++) ASSERT_EQ(hits[i].load(), 1) << "n=" << n << " i=" << i;
  }
  EXPECT_EQ(pool.batches(), 9u);
}

// The caller sees every write the helpers made for their items once run() returns.
TEST(FanOutTest, ResultsAreVisibleAfterRun) {
  FanOut pool(3, 0);
  std::vector<uint64_t> out(10000);
  for (int round = 1; round <= 50; round++) {
    pool.run(out.size(), [&](size_t i) { out[i] = i * static_cast<size_t>(round); });
    for (size_t i = 0; i < out.size(); i++) ASSERT_EQ(out[i], i * static_cast<size_t>(round));
  }
}

TEST(FanOutTest, ASingleItemRunsOnAHelper) {
  FanOut pool(2, 20);
  std::thread::id ran_on;
  pool.run(1, [&](size_t) { ran_on = std::this_thread::get_id(); });
  EXPECT_NE(ran_on, std::this_thread::get_id());
}

TEST(FanOutTest, ItemsSpreadOverAllThreads) {
  FanOut pool(4, 1000);
  std::mutex mu;
  std::set<std::thread::id> ids;
  pool.run(400, [&](size_t) {
    std::lock_guard<std::mutex> lock(mu);
    ids.insert(std::this_thread::get_id());
  });
  EXPECT_EQ(ids.size(), 4u);
}

// After the spin window a helper sleeps, and the next batch has to wake it.
TEST(FanOutTest, SleepingHelpersAreWoken) {
  FanOut pool(3, 10);
  std::atomic<int> sum{0};
  for (int round = 0; round < 5; round++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    pool.run(2, [&](size_t i) { sum += static_cast<int>(i) + 1; });
  }
  EXPECT_EQ(sum.load(), 15);
  EXPECT_GE(pool.helper_wakeups(), 4u);
}

}  // namespace
}  // namespace rkv
