// ScriptHost: the server's handle on the scripting engine (script/), which server/ never
// includes. The server owns the engine through it, so that both go away together, and
// reads INFO's figures from it; commands/ reach the engine itself directly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace rkv::server {

// INFO memory's scripting figures, under Redis 7.0's names.
struct ScriptMemory {
  size_t vm_eval = 0;           // used_memory_vm_eval (and used_memory_lua): the EVAL VM
  size_t scripts_eval = 0;      // used_memory_scripts_eval: the cached scripts
  size_t cached_scripts = 0;    // number_of_cached_scripts
  size_t vm_functions = 0;      // used_memory_vm_functions: the FUNCTION VM
  size_t functions_memory = 0;  // used_memory_functions: the function libraries
  size_t functions = 0;         // number_of_functions
  size_t libraries = 0;         // number_of_libraries
};

class ScriptHost {
 public:
  virtual ~ScriptHost() = default;
  virtual ScriptMemory memory() const = 0;
  // The flags EVAL, EVALSHA, FCALL and their _RO forms (the rows flagged
  // kNoMandatoryKeys) run with, given their command line: a script that declares flags
  // (#!lua flags=..., a registered function's) replaces the row's deny-oom, write and
  // stale flags with what it declares, as Redis's getCommandFlags.
  virtual uint32_t command_flags(std::span<const std::string_view> argv,
                                 uint32_t row_flags) const = 0;
};

}  // namespace rkv::server
