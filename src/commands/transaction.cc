// Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH.
#include "server/command.h"

namespace rkv::server {

// Rows land with the family's implementation.
std::span<const CommandSpec> transaction_commands() {
  return {};
}

}  // namespace rkv::server
