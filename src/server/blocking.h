// Clients blocked on keys: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX,
// BZMPOP.
//
// A blocking command that finds nothing to serve parks its client on its keys
// (Server::block_client) instead of replying. When a write makes one of those keys exist
// with the type the command waits for, the key is marked ready; right after that command
// (and after each command a wake-up runs) the clients parked on a ready key are woken in
// the order they blocked, and each one's command runs again from the start as if just
// received (Redis 7.2's model; the replies are 7.0's). A client that finds the key empty
// again (an earlier waiter took the last element) stays parked, in its place. A timeout
// (or CLIENT UNBLOCK ... TIMEOUT) answers a null array, whatever the command: so does
// Redis 7.0, BLMOVE and BRPOPLPUSH included.
// A parked client runs nothing else: its later pipelined commands wait in its query
// buffer and run in before_sleep once it is woken, timed out or unblocked.
#pragma once

#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <vector>

#include "resp/reply.h"
#include "store/object_type.h"

namespace rkv::server {

class Client;
struct Command;

// The parked command of one client (Client::blocked while it waits).
struct BlockedCommand {
  Command* cmd = nullptr;
  std::vector<std::string> argv;  // owned: the query buffer moves on
  int db = 0;
  store::ObjType waits_for = store::ObjType::kList;
  std::vector<std::string> keys;
  // Positions in each key's FIFO of waiters (parallel to keys).
  std::vector<std::list<Client*>::iterator> positions;
  int64_t deadline_ms = 0;  // monotonic; 0: waits forever
  // Set by a handler that, run again after a wake-up, still has nothing to serve: the
  // client then stays parked where it is in each key's line.
  bool blocked_again = false;
};

// Parses a blocking timeout argument (seconds, fractions allowed; 0 = forever) as Redis
// does: false after replying its error. *timeout_ms = 0 means no timeout.
bool parse_block_timeout(std::string_view arg, resp::Reply& reply, int64_t* timeout_ms);

}  // namespace rkv::server
