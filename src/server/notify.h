// Keyspace notification classes: the bits behind notify-keyspace-events' letters.
//
// A command that changes a key reports it once through CommandContext::key_modified
// (class, event name, key): that one call invalidates WATCHes on the key, counts a
// change (dirty) and publishes the keyspace/keyevent notifications the config asks for,
// as Redis's signalModifiedKey + notifyKeyspaceEvent + server.dirty++ do together.
#pragma once

namespace rkv::server {

enum NotifyClass : unsigned {
  kNotifyKeyspace = 1 << 0,  // K: __keyspace@<db>__:<key> carries the event
  kNotifyKeyevent = 1 << 1,  // E: __keyevent@<db>__:<event> carries the key
  kNotifyGeneric = 1 << 2,   // g: DEL, EXPIRE, RENAME...
  kNotifyString = 1 << 3,    // $
  kNotifyList = 1 << 4,      // l
  kNotifySet = 1 << 5,       // s
  kNotifyHash = 1 << 6,      // h
  kNotifyZset = 1 << 7,      // z
  kNotifyExpired = 1 << 8,   // x
  kNotifyEvicted = 1 << 9,   // e
  kNotifyStream = 1 << 10,   // t
  kNotifyKeyMiss = 1 << 11,  // m: not part of A
  kNotifyModule = 1 << 12,   // d
  kNotifyNew = 1 << 13,      // n: not part of A
  kNotifyAll = kNotifyGeneric | kNotifyString | kNotifyList | kNotifySet | kNotifyHash |
               kNotifyZset | kNotifyExpired | kNotifyEvicted | kNotifyStream | kNotifyModule,
};

}  // namespace rkv::server
