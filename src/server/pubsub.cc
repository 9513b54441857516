// Pub/Sub: channel and pattern subscriptions, PUBLISH delivery.
#include "server/server.h"

namespace rkv::server {

// Placeholder until the Pub/Sub registry lands: nobody is subscribed.
size_t Server::publish(std::string_view, std::string_view) {
  return 0;
}

}  // namespace rkv::server
