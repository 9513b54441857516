// Transactions: MULTI/EXEC queueing and WATCH.
#include "server/server.h"

namespace rkv::server {

// Placeholder until WATCH lands: no transaction watches anything.
void Server::signal_modified_key(int, std::string_view) {}

}  // namespace rkv::server
