// Wall-clock and monotonic time in the units Redis uses (ms and us since the epoch).
#pragma once

#include <cstdint>
#include <ctime>

namespace rkv {

inline int64_t wall_us() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}
inline int64_t wall_ms() {
  return wall_us() / 1000;
}

inline int64_t mono_us() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}
inline int64_t mono_ms() {
  return mono_us() / 1000;
}

// CPU time the calling thread has used (user + system).
inline int64_t thread_cpu_us() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

}  // namespace rkv
