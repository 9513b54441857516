// Pub/Sub: SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE and their UNSUBSCRIBEs, PUBLISH, SPUBLISH, PUBSUB.
//
// Subscription changes answer one confirmation per name, as a 3-element array in RESP2 and
// a push in RESP3: [kind, name, count], count being what the client holds afterwards
// (channels + patterns, or shard channels for the S commands). The registry and delivery
// live in server/pubsub.*; the RESP2 subscriber-mode check is in dispatch.
#include <string>
#include <vector>

#include "server/client.h"
#include "server/command.h"
#include "server/server.h"
#include "util/glob.h"
#include "util/strings.h"

namespace rkv::server {
namespace {

void confirm(CommandContext& ctx, std::string_view what, std::string_view name, bool null_name,
             PubSub::Kind kind) {
  resp::Reply& r = ctx.reply;
  r.push(3);
  r.bulk(what);
  if (null_name)
    r.null();
  else
    r.bulk(name);
  r.integer(static_cast<int64_t>(ctx.client.subs.count(kind)));
}

void subscribe_to(CommandContext& ctx, PubSub::Kind kind, std::string_view what) {
  Subscriptions& subs = ctx.client.subs;
  for (size_t i = 1; i < ctx.argc(); i++) {
    ctx.server.pubsub().subscribe(subs, kind, ctx.arg(i));
    confirm(ctx, what, ctx.arg(i), false, kind);
  }
}

void unsubscribe_from(CommandContext& ctx, PubSub::Kind kind, std::string_view what) {
  Subscriptions& subs = ctx.client.subs;
  PubSub& registry = ctx.server.pubsub();
  if (ctx.argc() == 1) {
    std::vector<std::string> names = registry.names_of(subs, kind);
    for (const std::string& name : names) {
      registry.unsubscribe(subs, kind, name);
      confirm(ctx, what, name, false, kind);
    }
    // Subscribed to nothing of this kind: still one confirmation, with a null name.
    if (names.empty()) confirm(ctx, what, {}, true, kind);
  } else {
    for (size_t i = 1; i < ctx.argc(); i++) {
      registry.unsubscribe(subs, kind, ctx.arg(i));
      confirm(ctx, what, ctx.arg(i), false, kind);
    }
  }
}

void subscribe(CommandContext& ctx) {
  subscribe_to(ctx, PubSub::kChannel, "subscribe");
}
void psubscribe(CommandContext& ctx) {
  subscribe_to(ctx, PubSub::kPattern, "psubscribe");
}
void ssubscribe(CommandContext& ctx) {
  // Redis refuses it to a client that expects one reply per command; inside EXEC (the
  // only place a nested call reaches it: it is noscript) SUBSCRIBE and PSUBSCRIBE are
  // let through for compatibility, SSUBSCRIBE is not.
  if (ctx.server.call_depth() > 1) {
    ctx.reply.error("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
    return;
  }
  subscribe_to(ctx, PubSub::kShard, "ssubscribe");
}
void unsubscribe(CommandContext& ctx) {
  unsubscribe_from(ctx, PubSub::kChannel, "unsubscribe");
}
void punsubscribe(CommandContext& ctx) {
  unsubscribe_from(ctx, PubSub::kPattern, "punsubscribe");
}
void sunsubscribe(CommandContext& ctx) {
  unsubscribe_from(ctx, PubSub::kShard, "sunsubscribe");
}

void publish(CommandContext& ctx) {
  ctx.reply.integer(static_cast<int64_t>(ctx.server.publish(ctx.arg(1), ctx.arg(2))));
}
void spublish(CommandContext& ctx) {
  ctx.reply.integer(static_cast<int64_t>(ctx.server.publish_shard(ctx.arg(1), ctx.arg(2))));
}

// --- PUBSUB ---------------------------------------------------------------------------

void list_names(CommandContext& ctx, PubSub::Kind kind) {
  if (ctx.argc() > 3) {
    reply_subcommand_syntax_error(ctx.reply, "PUBSUB", ctx.arg(1));
    return;
  }
  const bool filtered = ctx.argc() == 3;
  std::vector<std::string_view> out;
  ctx.server.pubsub().for_each_name(kind, [&](std::string_view name) {
    if (!filtered || glob_match(ctx.arg(2), name)) out.push_back(name);
  });
  ctx.reply.array(out.size());
  for (std::string_view n : out) ctx.reply.bulk(n);
}

void count_subscribers(CommandContext& ctx, PubSub::Kind kind) {
  // A flat array of name, count pairs in both protocols, as Redis replies.
  ctx.reply.array((ctx.argc() - 2) * 2);
  for (size_t i = 2; i < ctx.argc(); i++) {
    ctx.reply.bulk(ctx.arg(i));
    ctx.reply.integer(static_cast<int64_t>(ctx.server.pubsub().subscribers(kind, ctx.arg(i))));
  }
}

void pubsub_channels(CommandContext& ctx) {
  list_names(ctx, PubSub::kChannel);
}
void pubsub_shardchannels(CommandContext& ctx) {
  list_names(ctx, PubSub::kShard);
}
void pubsub_numsub(CommandContext& ctx) {
  count_subscribers(ctx, PubSub::kChannel);
}
void pubsub_shardnumsub(CommandContext& ctx) {
  count_subscribers(ctx, PubSub::kShard);
}
void pubsub_numpat(CommandContext& ctx) {
  ctx.reply.integer(static_cast<int64_t>(ctx.server.pubsub().size(PubSub::kPattern)));
}

void pubsub_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "CHANNELS [<pattern>]",
      "    Return the currently active channels matching a <pattern> (default: '*').",
      "NUMPAT",
      "    Return number of subscriptions to patterns.",
      "NUMSUB [<channel> ...]",
      "    Return the number of subscribers for the specified channels, excluding",
      "    pattern subscriptions(default: no channels).",
      "SHARDCHANNELS [<pattern>]",
      "    Return the currently active shard level channels matching a <pattern> (default: "
      "'*').",
      "SHARDNUMSUB [<shardchannel> ...]",
      "    Return the number of subscribers for the specified shard level channel(s)",
  };
  reply_help(ctx.reply, "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", kLines);
}

constexpr uint32_t kSub = kPubsub | kNoscript | kLoading | kStale;
constexpr uint32_t kIntrospect = kPubsub | kLoading | kStale;
constexpr std::string_view kSlow = "@pubsub @slow";
constexpr KeySpec kKeysShardChannels[] = {key_range("not_key", 1, -1)};
constexpr KeySpec kKeysSpublish[] = {key_range("not_key", 1)};

const CommandSpec kPubsubSubcommands[] = {
    {"channels", -2, kIntrospect, 0, 0, 0, pubsub_channels, kSlow, "pubsub", "2.8.0",
     "List active channels",
     "O(N) where N is the number of active channels, and assuming constant time pattern matching "
     "(relatively short channels and patterns)"},
    {"numsub", -2, kIntrospect, 0, 0, 0, pubsub_numsub, kSlow, "pubsub", "2.8.0",
     "Get the count of subscribers for channels",
     "O(N) for the NUMSUB subcommand, where N is the number of requested channels"},
    {"help", 2, kLoading | kStale, 0, 0, 0, pubsub_help, "@slow", "pubsub", "6.2.0",
     "Show helpful text about the different subcommands", "O(1)"},
    {"shardnumsub", -2, kIntrospect, 0, 0, 0, pubsub_shardnumsub, kSlow, "pubsub", "7.0.0",
     "Get the count of subscribers for shard channels",
     "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels"},
    {"numpat", 2, kIntrospect, 0, 0, 0, pubsub_numpat, kSlow, "pubsub", "2.8.0",
     "Get the count of unique patterns pattern subscriptions", "O(1)"},
    {"shardchannels", -2, kIntrospect, 0, 0, 0, pubsub_shardchannels, kSlow, "pubsub", "7.0.0",
     "List active shard channels",
     "O(N) where N is the number of active shard channels, and assuming constant time pattern "
     "matching (relatively short shard channels)."},
};

const CommandSpec kPubsubCommands[] = {
    {"subscribe", -2, kSub, 0, 0, 0, subscribe, kSlow, "pubsub", "2.0.0",
     "Listen for messages published to the given channels",
     "O(N) where N is the number of channels to subscribe to."},
    {"psubscribe", -2, kSub, 0, 0, 0, psubscribe, kSlow, "pubsub", "2.0.0",
     "Listen for messages published to channels matching the given patterns",
     "O(N) where N is the number of patterns the client is already subscribed to."},
    {"unsubscribe", -1, kSub, 0, 0, 0, unsubscribe, kSlow, "pubsub", "2.0.0",
     "Stop listening for messages posted to the given channels",
     "O(N) where N is the number of clients already subscribed to a channel."},
    {"punsubscribe", -1, kSub, 0, 0, 0, punsubscribe, kSlow, "pubsub", "2.0.0",
     "Stop listening for messages posted to channels matching the given patterns",
     "O(N+M) where N is the number of patterns the client is already subscribed and M is the "
     "number of total patterns subscribed in the system (by any client)."},
    {"publish", 3, kPubsub | kLoading | kStale | kFast, 0, 0, 0, publish, "@pubsub @fast", "pubsub",
     "2.0.0", "Post a message to a channel",
     "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the "
     "total number of subscribed patterns (by any client)."},
    {"ssubscribe", -2, kSub, 1, -1, 1, ssubscribe, kSlow, "pubsub", "7.0.0",
     "Listen for messages published to the given shard channels",
     "O(N) where N is the number of shard channels to subscribe to.", kNoSubcommands,
     kKeysShardChannels},
    {"sunsubscribe", -1, kSub, 1, -1, 1, sunsubscribe, kSlow, "pubsub", "7.0.0",
     "Stop listening for messages posted to the given shard channels",
     "O(N) where N is the number of clients already subscribed to a shard channel.", kNoSubcommands,
     kKeysShardChannels},
    {"spublish", 3, kPubsub | kLoading | kStale | kFast, 1, 1, 1, spublish, "@pubsub @fast",
     "pubsub", "7.0.0", "Post a message to a shard channel",
     "O(N) where N is the number of clients subscribed to the receiving shard channel.",
     kNoSubcommands, kKeysSpublish},
    {"pubsub", -2, 0, 0, 0, 0, reply_container_fallback, "@slow", "pubsub", "2.8.0",
     "A container for Pub/Sub commands", "Depends on subcommand.", kPubsubSubcommands},
};

}  // namespace

std::span<const CommandSpec> pubsub_commands() {
  return kPubsubCommands;
}

}  // namespace rkv::server
