// Editing string values in place, shared by the families that write into strings (string:
// APPEND SETRANGE; bitmap: SETBIT BITFIELD; hyperloglog: PFADD PFMERGE PFCOUNT's cache).
#pragma once

#include <cstddef>
#include <cstdint>

#include "server/command.h"

namespace rkv::server {

// False, after replying the proto-max-bulk-len error, when size + extra would exceed it.
bool check_string_length(CommandContext& ctx, uint64_t size, uint64_t extra);
// Makes e's value a growable raw string (Redis's dbUnshareStringValue: int and embstr
// values become raw); returns the entry now holding it, which may be a new one.
// REQUIRES: e is a string entry in ctx.db.
store::Entry* make_mutable(CommandContext& ctx, store::Entry* e);
// Ensures the raw value of e holds at least `size` bytes, zero-filling new ones.
// REQUIRES: e->encoding() == kRaw.
store::BlobString* grow_zeroed(store::Entry* e, size_t size);

}  // namespace rkv::server
