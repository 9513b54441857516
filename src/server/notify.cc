// Keyspace notifications: from a key change to the __keyspace@/__keyevent@ messages.
#include "server/notify.h"

#include <string>

#include "server/command.h"
#include "server/server.h"

namespace rkv::server {

void CommandContext::key_modified(unsigned klass, std::string_view event, std::string_view key,
                                  uint64_t changes) {
  server.signal_modified_key(db.id(), key);
  server.add_dirty(changes);
  server.notify_keyspace_event(klass, event, key, db.id());
}

void CommandContext::notify(unsigned klass, std::string_view event, std::string_view key) {
  server.notify_keyspace_event(klass, event, key, db.id());
}

void CommandContext::remove_emptied(std::string_view key) {
  db.remove(key);
  notify(kNotifyGeneric, "del", key);
}

void Server::publish_keyspace_event(std::string_view event, std::string_view key, int db) {
  const unsigned flags = config_.notify_keyspace_flags;
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

void Server::key_expired(store::Db& db, std::string_view key) {
  // As Redis's deleteExpiredKeyAndPropagate: the notification, then WATCH sees a change
  // (on_key_expired: the key is still in the table, as good as gone).
  notify_keyspace_event(kNotifyExpired, "expired", key, db.id());
  on_key_expired(db.id(), key);
}

void Server::update_db_hooks(int db) {
  const unsigned flags = config_.notify_keyspace_flags;
  const bool publishing = (flags & (kNotifyKeyspace | kNotifyKeyevent)) != 0;
  store::Db& d = *dbs_[static_cast<size_t>(db)];
  d.enable_key_added_hook(blocked_in_db_[static_cast<size_t>(db)] > 0 ||
                          (publishing && (flags & kNotifyNew)));
  d.enable_key_miss_hook(publishing && (flags & kNotifyKeyMiss));
}

}  // namespace rkv::server
