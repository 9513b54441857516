// Key specs: where a command line's keys are, as Redis 7.0 describes them (COMMAND INFO's
// key specs, COMMAND GETKEYS), for commands the legacy first/last/step triple cannot
// express. See the comment above CommandSpec in command.h for how a row uses them.
//
// The kKeys* arrays below are the key specs of redis-server 7.0.15's COMMAND INFO, in its
// order, for the commands of our families that need more than the triple: keys after a
// numkeys count (movablekeys), several kinds of keys (source and destination), or notes.
// A row points its key_specs field at one of them; commands of the other Redis families
// add theirs here the same way (copy them from `COMMAND INFO name`).
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "server/command.h"

namespace rkv::server {

constexpr KeySpec with_notes(KeySpec spec, std::string_view notes) {
  spec.notes = notes;
  return spec;
}

// --- sets ---
inline constexpr KeySpec kKeysSintercard[] = {key_numkeys("RO access", 1)};
inline constexpr KeySpec kKeysSinterstore[] = {key_range("RW update", 1),
                                               key_range("RO access", 2, -1)};
inline constexpr KeySpec kKeysSunionstore[] = {key_range("OW update", 1),
                                               key_range("RO access", 2, -1)};
inline constexpr KeySpec kKeysSdiffstore[] = {key_range("OW update", 1),
                                              key_range("RO access", 2, -1)};
inline constexpr KeySpec kKeysSmove[] = {key_range("RW access delete", 1),
                                         key_range("RW insert", 2)};
// --- generic ---
inline constexpr KeySpec kKeysRename[] = {key_range("RW access delete", 1),
                                          key_range("OW update", 2)};
inline constexpr KeySpec kKeysRenamenx[] = {key_range("RW access delete", 1),
                                            key_range("OW insert", 2)};
inline constexpr KeySpec kKeysCopy[] = {key_range("RO access", 1), key_range("OW update", 2)};
inline constexpr KeySpec kKeysMigrate[] = {
    key_range("RW access delete", 3), key_keyword("RW access delete incomplete", "KEYS", -2, -1)};
// SORT: BY/GET patterns name keys through the values sorted, and STORE may come anywhere.
inline constexpr KeySpec kKeysSort[] = {
    key_range("RO access", 1),
    key_unknown("RO access",
                "For the optional BY/GET keyword. It is marked 'unknown' because the key names "
                "derive from the content of the key we sort"),
    key_unknown("OW update",
                "For the optional STORE keyword. It is marked 'unknown' because the keyword can "
                "appear anywhere in the argument array")};
inline constexpr KeySpec kKeysSortRo[] = {
    key_range("RO access", 1),
    key_unknown("RO access",
                "For the optional BY/GET keyword. It is marked 'unknown' because the key names "
                "derive from the content of the key we sort")};
// --- strings and bitmaps ---
inline constexpr KeySpec kKeysSet[] = {
    with_notes(key_range("RW access update variable_flags", 1),
               "RW and ACCESS due to the optional `GET` argument")};
inline constexpr KeySpec kKeysGetex[] = {
    with_notes(key_range("RW access update", 1), "RW and UPDATE because it changes the TTL")};
inline constexpr KeySpec kKeysBitop[] = {key_range("OW update", 2), key_range("RO access", 3, -1)};
inline constexpr KeySpec kKeysBitfield[] = {
    with_notes(key_range("RW access update variable_flags", 1),
               "This command allows both access and modification of the key")};
// --- HyperLogLog ---
inline constexpr KeySpec kKeysPfcount[] = {
    with_notes(key_range("RW access", 1, -1),
               "RW because it may change the internal representation of the key, and propagate "
               "to replicas")};
inline constexpr KeySpec kKeysPfmerge[] = {key_range("RW access insert", 1),
                                           key_range("RO access", 2, -1)};
// --- lists ---
inline constexpr KeySpec kKeysLmove[] = {key_range("RW access delete", 1),
                                         key_range("RW insert", 2)};
inline constexpr KeySpec kKeysBlmove[] = {key_range("RW access delete", 1),
                                          key_range("RW insert", 2)};
inline constexpr KeySpec kKeysRpoplpush[] = {key_range("RW access delete", 1),
                                             key_range("RW insert", 2)};
inline constexpr KeySpec kKeysBrpoplpush[] = {key_range("RW access delete", 1),
                                              key_range("RW insert", 2)};
inline constexpr KeySpec kKeysLmpop[] = {key_numkeys("RW access delete", 1)};
inline constexpr KeySpec kKeysBlmpop[] = {key_numkeys("RW access delete", 2)};
// --- sorted sets ---
inline constexpr KeySpec kKeysZunion[] = {key_numkeys("RO access", 1)};
inline constexpr KeySpec kKeysZinter[] = {key_numkeys("RO access", 1)};
inline constexpr KeySpec kKeysZdiff[] = {key_numkeys("RO access", 1)};
inline constexpr KeySpec kKeysZintercard[] = {key_numkeys("RO access", 1)};
inline constexpr KeySpec kKeysZunionstore[] = {key_range("OW update", 1),
                                               key_numkeys("RO access", 2)};
inline constexpr KeySpec kKeysZinterstore[] = {key_range("OW update", 1),
                                               key_numkeys("RO access", 2)};
inline constexpr KeySpec kKeysZdiffstore[] = {key_range("OW update", 1),
                                              key_numkeys("RO access", 2)};
inline constexpr KeySpec kKeysZrangestore[] = {key_range("OW update", 1),
                                               key_range("RO access", 2)};
inline constexpr KeySpec kKeysZmpop[] = {key_numkeys("RW access delete", 1)};
inline constexpr KeySpec kKeysBzmpop[] = {key_numkeys("RW access delete", 2)};
// --- scripting (later issues) ---
inline constexpr KeySpec kKeysEval[] = {
    key_numkeys("RW access update", 2, 0, 1, 1,
                "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE")};
inline constexpr KeySpec kKeysEvalsha[] = {key_numkeys("RW access update", 2)};
inline constexpr KeySpec kKeysEvalRo[] = {
    key_numkeys("RO access", 2, 0, 1, 1,
                "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS")};
inline constexpr KeySpec kKeysEvalshaRo[] = {key_numkeys("RO access", 2)};
inline constexpr KeySpec kKeysFcall[] = {
    key_numkeys("RW access update", 2, 0, 1, 1,
                "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE")};
inline constexpr KeySpec kKeysFcallRo[] = {
    key_numkeys("RO access", 2, 0, 1, 1,
                "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS")};

// get_keys functions for the rows whose specs cannot find every key, or whose key flags
// depend on the arguments (a spec flagged variable_flags): Redis's answers for
// COMMAND GETKEYS / GETKEYSANDFLAGS.
bool sort_get_keys(std::span<const std::string_view> argv, std::vector<KeyRef>* keys);
bool sort_ro_get_keys(std::span<const std::string_view> argv, std::vector<KeyRef>* keys);
bool set_get_keys(std::span<const std::string_view> argv, std::vector<KeyRef>* keys);
bool bitfield_get_keys(std::span<const std::string_view> argv, std::vector<KeyRef>* keys);

// COMMAND INFO's legacy key triple, derived from the key specs as Redis 7.0 does: the
// plain index+range specs that follow one another merge into one range; anything else
// (a count, a keyword, an unknown spec, a step other than 1, an incomplete spec) makes
// the command movablekeys. Rows without key_specs report their own triple.
struct LegacyKeyRange {
  int first_key = 0, last_key = 0, key_step = 0;
  bool movable = false;
};
LegacyKeyRange legacy_key_range(const CommandSpec& spec);

bool has_key_flag(const KeySpec& spec, std::string_view flag);

// The keys of a command line (argv[0] is the command name; arity already checked), as
// COMMAND GETKEYS finds them: the specs first; when they fail (a malformed count, an
// unknown or incomplete spec) or have variable flags, the row's get_keys, or for a
// numkeys spec Redis's lenient fallback (the count read as atoi() would). `specs` are
// the row's key_specs, or the one range spec built from its triple. Empty: no keys, or
// argv is not a valid call.
std::vector<KeyRef> find_keys(const CommandSpec& spec, std::span<const KeySpec> specs,
                              std::span<const std::string_view> argv);

}  // namespace rkv::server
