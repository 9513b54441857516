// Keyspace notifications: from a key change to the __keyspace@/__keyevent@ messages.
#include "server/notify.h"

#include <string>

#include "server/command.h"
#include "server/server.h"

namespace rkv::server {

void CommandContext::key_modified(unsigned klass, std::string_view event, std::string_view key) {
  server.signal_modified_key(db.id(), key);
  server.add_dirty(1);
  server.notify_keyspace_event(klass, event, key, db.id());
}

void Server::notify_keyspace_event(unsigned klass, std::string_view event, std::string_view key,
                                   int db) {
  const unsigned flags = config_.notify_keyspace_flags;
  if (!(flags & klass)) return;
  std::string channel;
  if (flags & kNotifyKeyspace) {
    channel = "__keyspace@" + std::to_string(db) + "__:";
    channel += key;
    publish(channel, event);
  }
  if (flags & kNotifyKeyevent) {
    channel = "__keyevent@" + std::to_string(db) + "__:";
    channel += event;
    publish(channel, key);
  }
}

}  // namespace rkv::server
