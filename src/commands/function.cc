// Redis 7 functions: FUNCTION, FCALL, FCALL_RO.
#include "server/command.h"

namespace rkv::server {

// Rows land with the family's implementation.
std::span<const CommandSpec> function_commands() {
  return {};
}

}  // namespace rkv::server
