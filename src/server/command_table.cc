#include "server/command_table.h"

namespace rkv::server {
namespace {

// Lowercases into a stack buffer (ASCII only, as command names are): the lookup runs
// once per command and must not allocate or call into the locale machinery.
bool lower_into(std::string_view in, char* buf, size_t cap, std::string_view* out) {
  if (in.size() > cap) return false;
  for (size_t i = 0; i < in.size(); i++) {
    char c = in[i];
    buf[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c;
  }
  *out = std::string_view(buf, in.size());
  return true;
}

Command* lookup(const std::unordered_map<std::string_view, Command*>& index,
                std::string_view name) {
  char buf[64];
  std::string_view key;
  if (!lower_into(name, buf, sizeof(buf), &key)) return nullptr;
  auto it = index.find(key);
  return it == index.end() ? nullptr : it->second;
}

}  // namespace

CommandTable::CommandTable() {
  for (auto family :
       {connection_commands(), string_commands(), keys_commands(), server_commands(),
        list_commands(), hash_commands(), set_commands(), zset_commands(), bitmap_commands(),
        hyperloglog_commands(), memory_commands(), sort_commands(), pubsub_commands(),
        transaction_commands(), scripting_commands(), function_commands()}) {
    for (const CommandSpec& spec : family) {
      auto cmd = std::make_unique<Command>();
      cmd->spec = &spec;
      cmd->full_name = std::string(spec.name);
      cmd->keys = legacy_key_range(spec);
      for (const CommandSpec& sub : spec.subcommands) {
        auto sc = std::make_unique<Command>();
        sc->spec = &sub;
        sc->full_name = cmd->full_name + "|" + std::string(sub.name);
        sc->keys = legacy_key_range(sub);
        sc->parent = cmd.get();
        cmd->sub_index.emplace(sub.name, sc.get());
        cmd->subcommands.push_back(std::move(sc));
      }
      index_.emplace(spec.name, cmd.get());
      commands_.push_back(std::move(cmd));
    }
  }
}

Command* CommandTable::find(std::string_view name) const {
  return lookup(index_, name);
}

Command* CommandTable::find_sub(const Command& parent, std::string_view name) const {
  return lookup(parent.sub_index, name);
}

void reply_help(resp::Reply& reply, std::string_view first,
                std::span<const std::string_view> lines) {
  reply.array(lines.size() + 3);
  reply.simple(first);
  for (auto l : lines) reply.simple(l);
  reply.simple("HELP");
  reply.simple("    Prints this help.");
}

void reply_subcommand_syntax_error(resp::Reply& reply, std::string_view command,
                                   std::string_view sub) {
  reply.error("ERR unknown subcommand or wrong number of arguments for '" + std::string(sub) +
              "'. Try " + std::string(command) + " HELP.");
}

void reply_container_fallback(CommandContext& ctx) {
  ctx.reply.error("ERR syntax error");
}

void CommandTable::reset_stats() {
  for (auto& c : commands_) {
    c->stats = {};
    for (auto& s : c->subcommands) s->stats = {};
  }
}

}  // namespace rkv::server
