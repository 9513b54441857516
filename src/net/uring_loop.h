// UringLoop: a completion-driven Reactor over io_uring (Linux, liburing).
//
// Instead of asking "which fds are ready?" and then doing one syscall per read and write,
// the loop keeps operations in flight in the kernel and collects their results:
//  - each listener has one multishot accept;
//  - each connection has one multishot recv that picks buffers from a ring shared by all
//    connections (provided buffers), so idle connections pin no memory;
//  - writes are copied into the connection's send queue and sent by send operations;
//  - everything queued during an iteration (sends, re-armed recvs, cancels) goes to the
//    kernel in the same io_uring_enter that waits for completions: one syscall per
//    iteration in the steady state.
// Completions carry (operation, connection id) in user_data, never a pointer: a completion
// for a connection that has been destroyed finds no entry and is dropped (its buffer, if
// any, goes back to the ring).
#pragma once

#ifdef RKV_HAVE_LIBURING

#include <memory>
#include <string>

#include "net/reactor.h"

namespace rkv::net {

// nullptr with *err set when the kernel refuses io_uring (ENOSYS, EPERM, ENOMEM...).
std::unique_ptr<Reactor> make_uring_loop(std::string* err);

}  // namespace rkv::net

#endif  // RKV_HAVE_LIBURING
