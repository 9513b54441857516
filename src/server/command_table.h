// CommandTable: the runtime registry built from every family's CommandSpec rows, with
// per-command statistics (INFO commandstats) and case-insensitive lookup.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/command.h"
#include "server/key_specs.h"

namespace rkv::server {

struct CommandStats {
  uint64_t calls = 0;
  uint64_t usec = 0;
  uint64_t rejected_calls = 0;
  uint64_t failed_calls = 0;
};

struct Command {
  const CommandSpec* spec;
  std::string full_name;  // "get", "config|get"
  LegacyKeyRange keys;    // COMMAND INFO's first/last/step and movablekeys
  Command* parent = nullptr;
  CommandStats stats;
  std::vector<std::unique_ptr<Command>> subcommands;
  std::unordered_map<std::string_view, Command*> sub_index;  // keys view full_name storage
};

class CommandTable {
 public:
  CommandTable();
  Command* find(std::string_view name) const;
  Command* find_sub(const Command& parent, std::string_view name) const;
  const std::vector<std::unique_ptr<Command>>& all() const { return commands_; }
  void reset_stats();

 private:
  std::vector<std::unique_ptr<Command>> commands_;
  std::unordered_map<std::string_view, Command*> index_;  // keys view Command::spec->name
};

}  // namespace rkv::server
