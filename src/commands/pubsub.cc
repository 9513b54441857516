// Pub/Sub: SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE and their UNSUBSCRIBEs, PUBLISH, SPUBLISH, PUBSUB.
#include "server/command.h"

namespace rkv::server {

// Rows land with the family's implementation.
std::span<const CommandSpec> pubsub_commands() {
  return {};
}

}  // namespace rkv::server
