// Wall-clock and monotonic time in the units Redis uses (ms and us since the epoch), and
// the calling thread's CPU time.
#pragma once

#include <cstdint>
#include <ctime>

namespace rkv {

inline int64_t clock_us(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

inline int64_t wall_us() {
  return clock_us(CLOCK_REALTIME);
}
inline int64_t wall_ms() {
  return wall_us() / 1000;
}

inline int64_t mono_us() {
  return clock_us(CLOCK_MONOTONIC);
}
inline int64_t mono_ms() {
  return mono_us() / 1000;
}

// CPU time the calling thread has used (user + system).
inline int64_t thread_cpu_us() {
  return clock_us(CLOCK_THREAD_CPUTIME_ID);
}

}  // namespace rkv
