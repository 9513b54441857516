// Client: one connection's protocol state (query buffer, parser, replies, db, auth...).
//
// A Client never calls the kernel itself: bytes come and go through its net::Connection,
// and the Server decides when to read, execute and flush. A client is only destroyed by
// the Server between event dispatches (before_sleep), so a handler may mark any client,
// itself included, for closing without invalidating pointers in use.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "net/connection.h"
#include "resp/parser.h"
#include "resp/reply.h"
#include "resp/reply_buffer.h"
#include "server/blocking.h"
#include "server/multi.h"
#include "server/pubsub.h"
#include "server/query_buffer.h"

namespace rkv::server {

class Server;

class Client final : public net::ConnectionHandler {
 public:
  Client(Server& server, std::unique_ptr<net::Connection> conn, uint64_t id, int64_t now_ms);
  // A client without a connection (a script's: commands run for it through
  // Server::call and the caller takes its replies out of out()); conn() reads nothing
  // and accepts no writes, and the server never lists, reads or flushes it.
  Client(Server& server, uint64_t id, int64_t now_ms);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  uint64_t id() const { return id_; }
  net::Connection& conn() { return *conn_; }
  const net::Connection& conn() const { return *conn_; }

  void on_readable() override;
  void on_writable() override;

  // Output: handlers write through reply(); the Server flushes in before_sleep.
  resp::Reply& reply() { return reply_; }
  resp::ReplyBuffer& out() { return out_; }
  const resp::ReplyBuffer& out() const { return out_; }
  bool has_pending_output() const { return !out_.empty(); }

  // Closing: after the pending reply has been written, or at once.
  void close_after_reply() { close_after_reply_ = true; }
  bool closing_after_reply() const { return close_after_reply_; }
  bool close_asap() const { return close_asap_; }
  void mark_close_asap() { close_asap_ = true; }

  // What this client costs, as CLIENT LIST's tot-mem and client eviction count it: the
  // query and reply buffers, the client itself, the MULTI queue, and the per-client
  // entries of WATCH and Pub/Sub (the keys and channel names themselves are shared).
  size_t memory_usage() const;

  int resp_version() const { return reply_.proto(); }
  void set_resp_version(int v) { reply_.set_proto(v); }

  // State read and changed by command handlers.
  std::string name;
  int db_index = 0;
  bool authenticated = false;
  std::string user = "default";
  int64_t ctime_ms;
  int64_t last_interaction_ms;
  std::string_view last_command = "NULL";  // views Command::full_name (lives as long as the server)
  uint64_t commands_processed = 0;

  QueryBuffer query;
  resp::RequestParser parser;
  bool in_pending_writes = false;           // on Server's pending-writes list
  bool write_watched = false;               // waiting for the socket to drain
  bool read_parked = false;                 // readable, waiting for before_sleep's threaded reads
  std::unique_ptr<BlockedCommand> blocked;  // parked by a blocking command (blocking.h)
  Subscriptions subs{this};                 // Pub/Sub channels and patterns (pubsub.h)
  int64_t obuf_soft_since_ms = 0;           // output over the soft limit since (output_limits.cc)
  std::unique_ptr<MultiState> multi;        // between MULTI and EXEC/DISCARD (multi.h)
  WatchState watch;                         // WATCHed keys (multi.h)
  // Set while EXEC (or a script) runs commands for this client: a blocking command then
  // answers at once as if timed out instead of parking (Server::block_client).
  bool deny_blocking = false;
  // Errors replied by commands run inside this client's current command (EXEC's queue):
  // each was counted by its own call, not again by the enclosing one (Server::call).
  uint64_t nested_errors = 0;
  // Client eviction (client_evict.cc): CLIENT NO-EVICT, and the memory_usage() last
  // added to the server's sum of client memory.
  bool no_evict = false;
  size_t tracked_memory = 0;

  // What one socket read or flush did, written by whichever thread did it (an I/O helper
  // or the main thread) and accounted by the main thread afterwards.
  struct IoOutcome {
    ssize_t read_bytes = 0;
    int read_errno = 0;
    // A command the helper already parsed out of the query buffer (parser.args() holds it).
    bool preparsed = false;
    resp::RequestParser::Result parse_result = resp::RequestParser::Result::kIncomplete;
    size_t parse_consumed = 0;
    uint64_t written = 0;
    uint32_t write_calls = 0;
    uint32_t writes_done = 0;
    int write_errno = 0;
  } io;

 private:
  Server& server_;
  std::unique_ptr<net::Connection> conn_;
  uint64_t id_;
  resp::ReplyBuffer out_;
  resp::Reply reply_;
  bool close_after_reply_ = false;
  bool close_asap_ = false;
};

}  // namespace rkv::server
