// Lua scripts: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, SCRIPT.
#include "server/command.h"

namespace rkv::server {

// Rows land with the family's implementation.
std::span<const CommandSpec> scripting_commands() {
  return {};
}

}  // namespace rkv::server
