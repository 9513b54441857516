// The one-line client description used by CLIENT LIST and CLIENT INFO (Redis 7.0 fields).
#pragma once

#include <string>

namespace rkv::server {
class Client;
class Server;
std::string describe_client(const Server& server, const Client& c, int64_t now_ms);
}  // namespace rkv::server
