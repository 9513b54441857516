// A command that yields to the event loop while it runs: a Lua script past
// busy-reply-threshold (script/ calls these from its instruction-count hook), as Redis's
// processEventsWhileBlocked does. See Server::begin_busy in server.h.
//
// What makes re-entering the loop from inside a command safe:
//  - the script always runs from before_sleep (parked reads or unblocked clients), never
//    from a loop callback, so a nested run_once finds the poller and timers idle;
//  - the batch of parked clients the outer before_sleep is walking (the caller is in it)
//    does not change: clients readable meanwhile park on busy_reads_ instead. Those of
//    the batch not run yet (busy_backlog_) are run by the first nested iteration, and
//    the outer walk skips them (read_parked cleared);
//  - the caller's connection stops reading, so its query buffer, which the running
//    command's argv points into, does not move;
//  - nothing is freed (before_sleep is reduced to reads and writes), so no Client* held
//    by an outer frame dangles; expiry and the cron's housekeeping wait too;
//  - the command time (now_ms_) is the script's again after each iteration.
#include <algorithm>

#include "server/server.h"

namespace rkv::server {

void Server::begin_busy(Client& caller, std::string busy_error) {
  busy_caller_ = &caller;
  busy_error_ = std::move(busy_error);
  caller.conn().want_read(false);
  // When the caller came from the parked batch (not from an unblocked client's backlog),
  // the clients behind it were read with it and wait for their turn: they are answered
  // now, as if they had arrived meanwhile; the outer walk then skips them.
  const bool walking = !caller.read_parked && std::find(parked_reads_.begin(), parked_reads_.end(),
                                                        &caller) != parked_reads_.end();
  if (walking)
    for (Client* c : parked_reads_)
      if (c->read_parked) busy_backlog_.push_back(c);
}

void Server::process_events_while_busy() {
  const int64_t now_ms = now_ms_;
  const int64_t clock_us = clock_us_;
  loop_->run_once(0);
  now_ms_ = now_ms;
  clock_us_ = clock_us;
}

void Server::busy_before_sleep() {
  std::vector<Client*> backlog;
  backlog.swap(busy_backlog_);
  for (Client* c : backlog) {
    c->read_parked = false;
    if (c->close_asap() || c->closing_after_reply()) {
      c->io.preparsed = false;
      continue;
    }
    after_read(*c);
  }
  handle_parked_reads(busy_reads_);
  handle_pending_writes();
}

void Server::end_busy() {
  Client& caller = *busy_caller_;
  busy_caller_ = nullptr;
  busy_error_.clear();
  // Parked by the last iteration's events but never read: the loop reports them again
  // (readiness is level-triggered in every backend) once they are no longer marked.
  for (Client* c : busy_reads_) c->read_parked = false;
  busy_reads_.clear();
  busy_backlog_.clear();
  if (caller.close_asap()) return;
  caller.conn().want_read(true);
  // A flush while busy took it off the pending-writes list; its reply is still to come.
  queue_write(caller);
}

}  // namespace rkv::server
