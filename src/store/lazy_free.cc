#include "store/lazy_free.h"

#include <utility>

#include "util/memory.h"

namespace rkv::store {

LazyFree::LazyFree() : thread_([this] { work(); }) {}

LazyFree::~LazyFree() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void LazyFree::submit(std::function<void()> job, uint64_t objects) {
  pending_.fetch_add(objects, std::memory_order_relaxed);
  {
    std::lock_guard lock(mu_);
    jobs_.push_back(Job{std::move(job), objects});
  }
  wake_.notify_one();
}

void LazyFree::drain() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [this] { return jobs_.empty() && !busy_; });
}

void LazyFree::work() {
  const CountedThread counted;  // what it frees leaves used_memory()
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
    if (jobs_.empty()) return;  // stopping, and nothing left to free
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    busy_ = true;
    lock.unlock();
    job.run();
    job.run = nullptr;  // whatever the job captured goes now, outside the lock
    pending_.fetch_sub(job.objects, std::memory_order_relaxed);
    freed_.fetch_add(job.objects, std::memory_order_relaxed);
    lock.lock();
    busy_ = false;
    if (jobs_.empty()) idle_.notify_all();
  }
}

}  // namespace rkv::store
