#include "server/command_table.h"

#include <cctype>

namespace rkv::server {
namespace {

// Lowercases into a stack buffer: lookups on the hot path must not allocate.
bool lower_into(std::string_view in, char* buf, size_t cap, std::string_view* out) {
  if (in.size() > cap) return false;
  for (size_t i = 0; i < in.size(); i++)
    buf[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(in[i])));
  *out = std::string_view(buf, in.size());
  return true;
}

Command* lookup(const std::unordered_map<std::string, Command*>& index, std::string_view name) {
  char buf[64];
  std::string_view key;
  if (!lower_into(name, buf, sizeof(buf), &key)) return nullptr;
  // C++20 lacks heterogeneous lookup for unordered_map<string>; the key is short and
  // std::string's small-buffer keeps this allocation-free.
  auto it = index.find(std::string(key));
  return it == index.end() ? nullptr : it->second;
}

}  // namespace

CommandTable::CommandTable() {
  for (auto family : {connection_commands(), string_commands(), keys_commands(), server_commands()}) {
    for (const CommandSpec& spec : family) {
      auto cmd = std::make_unique<Command>();
      cmd->spec = &spec;
      cmd->full_name = std::string(spec.name);
      for (const CommandSpec& sub : spec.subcommands) {
        auto sc = std::make_unique<Command>();
        sc->spec = &sub;
        sc->full_name = cmd->full_name + "|" + std::string(sub.name);
        sc->parent = cmd.get();
        cmd->sub_index.emplace(std::string(sub.name), sc.get());
        cmd->subcommands.push_back(std::move(sc));
      }
      index_.emplace(cmd->full_name, cmd.get());
      commands_.push_back(std::move(cmd));
    }
  }
}

Command* CommandTable::find(std::string_view name) const { return lookup(index_, name); }

Command* CommandTable::find_sub(const Command& parent, std::string_view name) const {
  return lookup(parent.sub_index, name);
}

void CommandTable::reset_stats() {
  for (auto& c : commands_) {
    c->stats = {};
    for (auto& s : c->subcommands) s->stats = {};
  }
}

}  // namespace rkv::server
