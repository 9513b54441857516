// LoopStats: counters that make IO paths comparable (INFO's "# IO" section), kept by
// every reactor backend. Cheap: a few adds per wake.
#pragma once

#include <cstdint>

namespace rkv::net {

struct LoopStats {
  uint64_t iterations = 0;
  uint64_t events = 0;
  uint64_t wait_calls = 0;      // poller calls, blocking and busy-poll ones
  uint64_t wait_us = 0;         // time in the poller (blocked or spinning)
  int64_t since_us = 0;         // monotonic time the counters started from
  uint64_t busy_polls = 0;      // iterations that spun before blocking
  uint64_t busy_poll_hits = 0;  // ... and found an event without sleeping
  uint64_t spin_idle_us = 0;    // spin time in polls that found nothing
  uint64_t batched_waits = 0;   // waits that held back for a batch (WakeBatcher)
  // Completion backends (io_uring) only: io_uring_enter calls, and reads/writes done as
  // completions rather than system calls.
  uint64_t submit_calls = 0;
  uint64_t read_completions = 0;
  uint64_t write_completions = 0;
};

}  // namespace rkv::net
