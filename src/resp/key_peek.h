// peek_keys: a look ahead at pipelined commands, for prefetching their keys.
//
// A pipeline of GETs misses the cache twice per key (hash slot, then entry), one command
// after another. Knowing the next keys before running the first lets the server start
// all those loads at once. This scan only reads lengths and skips bulk bodies; the
// RequestParser remains the judge of what the bytes mean.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace rkv::resp {

// Stores the second argument (argv[1]: the first key of most commands; empty when the
// command has one argument) of each complete multibulk command at the start of data, up
// to out.size() commands, and returns how many it stored. Stops at the first command that
// is incomplete, inline or not plain RESP.
//
// It is a guess made without the command table: where argv[1] is no key (SINTERCARD's
// and ZUNION's numkeys, BLMPOP's timeout, MEMORY USAGE's subcommand name, EVAL's
// script) the caller warms the slot of a key that may not exist. That costs one wasted
// cache line and nothing else: the prefetches only read the tables, and the command
// then finds its real keys itself (key specs, server/key_specs.h).
size_t peek_keys(std::string_view data, std::span<std::string_view> out);

}  // namespace rkv::resp
