// bitmap family: commands land here (issue #4).
#include "server/command.h"

namespace rkv::server {

std::span<const CommandSpec> bitmap_commands() {
  return {};
}

}  // namespace rkv::server
