// A stand-in for BSD's <sys/event.h>, written from the FreeBSD and macOS kqueue(2) manual
// pages, so that src/net/poller_kqueue.cc is at least compiled on Linux (see
// tests/CMakeLists.txt: kqueue_compile_check). It declares what the poller uses, with
// the platforms' types; nothing is linked or run. Our machines have no BSD, and Debian 12
// has no libkqueue: this catches C++ errors in the kqueue backend, not kernel behaviour.
#pragma once

#include <cstdint>
#include <ctime>

struct kevent {
  uintptr_t ident;
  short filter;
  unsigned short flags;
  unsigned int fflags;
  int64_t data;
  void* udata;
  uint64_t ext[4];
};

#define EVFILT_READ (-1)
#define EVFILT_WRITE (-2)
#define EV_ADD 0x0001
#define EV_DELETE 0x0002
#define EV_ERROR 0x4000

#define EV_SET(kevp, a, b, c, d, e, f) \
  do {                                 \
    struct kevent* ev_ = (kevp);       \
    ev_->ident = (a);                  \
    ev_->filter = (b);                 \
    ev_->flags = (c);                  \
    ev_->fflags = (d);                 \
    ev_->data = (e);                   \
    ev_->udata = (f);                  \
  } while (0)

extern "C" {
int kqueue(void);
int kevent(int kq, const struct kevent* changelist, int nchanges, struct kevent* eventlist,
           int nevents, const struct timespec* timeout);
}
