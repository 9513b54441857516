// Bitmap family: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO.
//
// Bitmaps are plain string values. Writes make the value a raw string first (an int or
// embstr value is rewritten as its text), then grow it zero-filled to the highest byte
// touched, through the same helpers as SETRANGE. Argument checks and the key lookup run
// in Redis 7.0's order, which decides the error a client sees: BITCOUNT and BITPOS look
// the key up before parsing their range, so a missing key answers 0 (or -1) even for a
// malformed range.
#include <algorithm>
#include <climits>
#include <cstring>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "commands/string_value.h"
#include "commands/typed_lookup.h"
#include "server/command.h"
#include "server/errors.h"
#include "server/key_specs.h"
#include "server/notify.h"
#include "server/server.h"
#include "store/bitops.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace rkv::server {
namespace {

using store::BlobString;
using store::Entry;
using store::ObjType;
namespace bits = store::bits;

constexpr std::string_view kBadOffset = "ERR bit offset is not an integer or out of range";
constexpr std::string_view kBadBitValue = "ERR bit is not an integer or out of range";
constexpr std::string_view kBadBitArg = "ERR The bit argument must be 1 or 0.";
constexpr std::string_view kBadFieldType =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported "
    "but i64 is.";

const uint8_t* ubytes(std::string_view s) {
  return reinterpret_cast<const uint8_t*>(s.data());
}

// A bit offset argument. With `width` > 0 (BITFIELD) "#N" means N fields of that width;
// the multiplication wraps as Redis's does. Offsets whose byte is beyond
// proto-max-bulk-len are refused, so a write never builds a longer string.
std::optional<uint64_t> parse_bit_offset(CommandContext& ctx, std::string_view arg,
                                         unsigned width = 0) {
  const bool fields = width > 0 && !arg.empty() && arg[0] == '#';
  auto v = parse_int64(fields ? arg.substr(1) : arg);
  if (v && fields) v = static_cast<int64_t>(static_cast<uint64_t>(*v) * width);
  if (!v || *v < 0 || (*v >> 3) >= ctx.server.config().proto_max_bulk_len) {
    ctx.reply.error(kBadOffset);
    return std::nullopt;
  }
  return static_cast<uint64_t>(*v);
}

// The value for a bit write: a raw string of at least `size` bytes (Redis's
// lookupStringForBitCommand: a new key is created even when nothing ends up set).
// nullptr after a WRONGTYPE reply. *grown (optional): whether the key was created or
// lengthened, a change in itself.
BlobString* writable_bits(CommandContext& ctx, std::string_view key, uint64_t size,
                          bool* grown = nullptr) {
  Entry* e;
  if (!lookup_write_typed(ctx, key, ObjType::kString, &e)) return nullptr;
  if (!e) {
    e = Entry::make_raw(key, BlobString::create({}, size));
    ctx.db.add(e);
    if (grown) *grown = true;
  } else {
    e = make_mutable(ctx, e);
    if (grown) *grown = e->blob()->size() < size;
  }
  return grow_zeroed(e, size);
}

// Range arguments are numbers of bytes unless BIT is given.
enum class Unit { kByte, kBit };

std::optional<Unit> parse_unit(CommandContext& ctx, std::string_view arg) {
  if (iequals(arg, "bit")) return Unit::kBit;
  if (iequals(arg, "byte")) return Unit::kByte;
  ctx.reply.error(err::kSyntax);
  return std::nullopt;
}

std::optional<int64_t> parse_index(CommandContext& ctx, std::string_view arg) {
  auto v = parse_int64(arg);
  if (!v) ctx.reply.error(err::kNotInteger);
  return v;
}

// Clamps a start/end pair (negative = from the end) to [0, total - 1], as GETRANGE does.
// The result may be empty (start > end).
void clamp_range(int64_t total, int64_t* start, int64_t* end) {
  if (*start < 0) *start = std::max<int64_t>(total + *start, 0);
  if (*end < 0) *end = std::max<int64_t>(total + *end, 0);
  if (*end >= total) *end = total - 1;
}

void setbit(CommandContext& ctx) {
  auto offset = parse_bit_offset(ctx, ctx.arg(2));
  if (!offset) return;
  auto on = parse_int64(ctx.arg(3));
  if (!on || (*on & ~int64_t{1})) {
    ctx.reply.error(kBadBitValue);
    return;
  }
  bool grown = false;
  BlobString* b = writable_bits(ctx, ctx.arg(1), (*offset >> 3) + 1, &grown);
  if (!b) return;
  auto* p = reinterpret_cast<uint8_t*>(b->data());
  const bool old = bits::get_bit(p, *offset);
  bits::set_bit(p, *offset, *on != 0);
  // A bit set to the value it had is no change, unless the string came to be or grew.
  if (grown || old != (*on != 0)) ctx.key_modified(kNotifyString, "setbit", ctx.arg(1));
  ctx.reply.integer(old);
}

void getbit(CommandContext& ctx) {
  auto offset = parse_bit_offset(ctx, ctx.arg(2));
  if (!offset) return;
  Entry* e;
  if (!lookup_read_typed(ctx, ctx.arg(1), ObjType::kString, &e)) return;
  if (!e) {
    ctx.reply.integer(0);
    return;
  }
  char scratch[kMaxInt64Chars];
  std::string_view s = e->string_value(scratch);
  ctx.reply.integer((*offset >> 3) < s.size() && bits::get_bit(ubytes(s), *offset));
}

void bitcount(CommandContext& ctx) {
  Entry* e;
  if (!lookup_read_typed(ctx, ctx.arg(1), ObjType::kString, &e)) return;
  if (!e) {
    ctx.reply.integer(0);
    return;
  }
  char scratch[kMaxInt64Chars];
  std::string_view s = e->string_value(scratch);
  const auto len = static_cast<int64_t>(s.size());
  if (ctx.argc() == 2) {
    ctx.reply.integer(static_cast<int64_t>(bits::popcount(ubytes(s), s.size())));
    return;
  }
  if (ctx.argc() != 4 && ctx.argc() != 5) {
    ctx.reply.error(err::kSyntax);
    return;
  }
  auto start = parse_index(ctx, ctx.arg(2));
  if (!start) return;
  auto end = parse_index(ctx, ctx.arg(3));
  if (!end) return;
  Unit unit = Unit::kByte;
  if (ctx.argc() == 5) {
    auto u = parse_unit(ctx, ctx.arg(4));
    if (!u) return;
    unit = *u;
  }
  // Both negative and crossed: empty before clamping could make them overlap.
  if (*start < 0 && *end < 0 && *start > *end) {
    ctx.reply.integer(0);
    return;
  }
  const int64_t total = unit == Unit::kBit ? len * 8 : len;
  clamp_range(total, &*start, &*end);
  if (*start > *end) {
    ctx.reply.integer(0);
    return;
  }
  const uint64_t first = unit == Unit::kBit ? *start : *start * 8;
  const uint64_t last = unit == Unit::kBit ? *end : *end * 8 + 7;
  ctx.reply.integer(static_cast<int64_t>(bits::count_range(ubytes(s), first, last)));
}

void bitpos(CommandContext& ctx) {
  auto bit = parse_index(ctx, ctx.arg(2));
  if (!bit) return;
  if (*bit != 0 && *bit != 1) {
    ctx.reply.error(kBadBitArg);
    return;
  }
  Entry* e;
  if (!lookup_read_typed(ctx, ctx.arg(1), ObjType::kString, &e)) return;
  // A missing key is an endless run of zeros.
  if (!e) {
    ctx.reply.integer(*bit ? -1 : 0);
    return;
  }
  char scratch[kMaxInt64Chars];
  std::string_view s = e->string_value(scratch);
  const auto len = static_cast<int64_t>(s.size());
  int64_t start = 0, end = len - 1;
  Unit unit = Unit::kByte;
  bool end_given = false;
  if (ctx.argc() > 6) {
    ctx.reply.error(err::kSyntax);
    return;
  }
  if (ctx.argc() >= 4) {
    auto v = parse_index(ctx, ctx.arg(3));
    if (!v) return;
    start = *v;
    // Redis reads the unit before the end argument.
    if (ctx.argc() == 6) {
      auto u = parse_unit(ctx, ctx.arg(5));
      if (!u) return;
      unit = *u;
    }
    if (ctx.argc() >= 5) {
      auto w = parse_index(ctx, ctx.arg(4));
      if (!w) return;
      end = *w;
      end_given = true;
    }
    clamp_range(unit == Unit::kBit ? len * 8 : len, &start, &end);
  }
  if (start > end) {
    ctx.reply.integer(-1);
    return;
  }
  const uint64_t first = unit == Unit::kBit ? start : start * 8;
  const uint64_t last = unit == Unit::kBit ? end : end * 8 + 7;
  const int64_t pos = bits::find_bit(ubytes(s), first, last, *bit == 1);
  // Looking for a clear bit without an explicit end, the string counts as followed by
  // zeros: the answer is the first bit after it.
  if (pos < 0 && *bit == 0 && !end_given) {
    ctx.reply.integer(static_cast<int64_t>(last + 1));
    return;
  }
  ctx.reply.integer(pos);
}

void bitop(CommandContext& ctx) {
  std::string_view name = ctx.arg(1);
  bits::Op op;
  if (iequals(name, "and")) {
    op = bits::Op::kAnd;
  } else if (iequals(name, "or")) {
    op = bits::Op::kOr;
  } else if (iequals(name, "xor")) {
    op = bits::Op::kXor;
  } else if (iequals(name, "not")) {
    op = bits::Op::kNot;
  } else {
    ctx.reply.error(err::kSyntax);
    return;
  }
  if (op == bits::Op::kNot && ctx.argc() != 4) {
    ctx.reply.error("ERR BITOP NOT must be called with a single source key.");
    return;
  }
  std::vector<std::string_view> srcs;
  std::deque<std::string> int_texts;  // stable storage for int-encoded sources
  size_t maxlen = 0;
  for (size_t i = 3; i < ctx.argc(); i++) {
    Entry* e;
    if (!lookup_read_typed(ctx, ctx.arg(i), ObjType::kString, &e)) return;
    std::string_view s;
    if (e && e->encoding() == store::Encoding::kInt) {
      s = int_texts.emplace_back(int64_to_string(e->int_value()));
    } else if (e) {
      char unused[kMaxInt64Chars];
      s = e->string_value(unused);
    }
    srcs.push_back(s);
    maxlen = std::max(maxlen, s.size());
  }
  std::string_view dest = ctx.arg(2);
  if (maxlen == 0) {
    if (ctx.db.remove(dest)) ctx.key_modified(kNotifyGeneric, "del", dest);
    ctx.reply.integer(0);
    return;
  }
  BlobString* out = BlobString::create({}, maxlen);
  bits::bitop(op, srcs, reinterpret_cast<uint8_t*>(out->data()), maxlen);
  out->set_size(maxlen);
  ctx.db.set(Entry::make_raw(dest, out), false);
  ctx.key_modified(kNotifyString, "set", dest);
  ctx.reply.integer(static_cast<int64_t>(maxlen));
}

// --- BITFIELD -------------------------------------------------------------------------

struct FieldOp {
  enum Kind : uint8_t { kGet, kSet, kIncrBy } kind;
  bool is_signed;
  bits::Overflow overflow;
  unsigned width;
  uint64_t offset;
  int64_t value;  // SET value / INCRBY increment
};

// "i1".."i64" or "u1".."u63"; Redis reads the digits up to a NUL byte.
bool parse_field_type(CommandContext& ctx, std::string_view arg, FieldOp* op) {
  if (arg.empty() || (arg[0] != 'i' && arg[0] != 'u')) {
    ctx.reply.error(kBadFieldType);
    return false;
  }
  op->is_signed = arg[0] == 'i';
  std::string_view digits = arg.substr(1);
  digits = digits.substr(0, digits.find('\0'));
  auto width = parse_int64(digits);
  if (!width || *width < 1 || *width > (op->is_signed ? 64 : 63)) {
    ctx.reply.error(kBadFieldType);
    return false;
  }
  op->width = static_cast<unsigned>(*width);
  return true;
}

// Parses every subcommand before touching the key, so a bad one leaves it unchanged.
bool parse_field_ops(CommandContext& ctx, std::vector<FieldOp>* ops) {
  bits::Overflow overflow = bits::Overflow::kWrap;
  for (size_t j = 2; j < ctx.argc(); j++) {
    const size_t remaining = ctx.argc() - j - 1;
    std::string_view sub = ctx.arg(j);
    FieldOp op{};
    if (iequals(sub, "get") && remaining >= 2) {
      op.kind = FieldOp::kGet;
    } else if (iequals(sub, "set") && remaining >= 3) {
      op.kind = FieldOp::kSet;
    } else if (iequals(sub, "incrby") && remaining >= 3) {
      op.kind = FieldOp::kIncrBy;
    } else if (iequals(sub, "overflow") && remaining >= 1) {
      std::string_view mode = ctx.arg(++j);
      if (iequals(mode, "wrap")) {
        overflow = bits::Overflow::kWrap;
      } else if (iequals(mode, "sat")) {
        overflow = bits::Overflow::kSat;
      } else if (iequals(mode, "fail")) {
        overflow = bits::Overflow::kFail;
      } else {
        ctx.reply.error("ERR Invalid OVERFLOW type specified");
        return false;
      }
      continue;
    } else {
      ctx.reply.error(err::kSyntax);
      return false;
    }
    if (!parse_field_type(ctx, ctx.arg(j + 1), &op)) return false;
    auto offset = parse_bit_offset(ctx, ctx.arg(j + 2), op.width);
    if (!offset) return false;
    op.offset = *offset;
    op.overflow = overflow;
    if (op.kind != FieldOp::kGet) {
      auto v = parse_int64(ctx.arg(j + 3));
      if (!v) {
        ctx.reply.error(err::kNotInteger);
        return false;
      }
      op.value = *v;
    }
    ops->push_back(op);
    j += op.kind == FieldOp::kGet ? 2 : 3;
  }
  return true;
}

// Runs one SET or INCRBY on the field; replies the old value (SET), the new one
// (INCRBY), or null when OVERFLOW FAIL refused it. False when refused (no change).
bool write_field(CommandContext& ctx, const FieldOp& op, uint8_t* p, std::string_view s) {
  bool overflow;
  uint64_t stored;
  int64_t reply;
  if (op.is_signed) {
    const int64_t old = bits::get_signed_field(s, op.offset, op.width);
    int64_t result;
    if (op.kind == FieldOp::kIncrBy) {
      overflow = bits::add_signed(old, op.value, op.width, op.overflow, &result);
      reply = result;
    } else {
      overflow = bits::add_signed(op.value, 0, op.width, op.overflow, &result);
      reply = old;
    }
    stored = static_cast<uint64_t>(result);
  } else {
    const uint64_t old = bits::get_field(s, op.offset, op.width);
    uint64_t result;
    if (op.kind == FieldOp::kIncrBy) {
      overflow = bits::add_unsigned(old, op.value, op.width, op.overflow, &result);
      reply = static_cast<int64_t>(result);
    } else {
      overflow =
          bits::add_unsigned(static_cast<uint64_t>(op.value), 0, op.width, op.overflow, &result);
      reply = static_cast<int64_t>(old);
    }
    stored = result;
  }
  if (overflow && op.overflow == bits::Overflow::kFail) {
    ctx.reply.null();
    return false;
  }
  ctx.reply.integer(reply);
  bits::set_field(p, op.offset, op.width, stored);
  return true;
}

void bitfield_generic(CommandContext& ctx, bool read_only_command) {
  std::vector<FieldOp> ops;
  if (!parse_field_ops(ctx, &ops)) return;
  bool writes = false;
  uint64_t highest = 0;  // the last bit any write touches
  for (const FieldOp& op : ops) {
    if (op.kind == FieldOp::kGet) continue;
    writes = true;
    highest = std::max(highest, op.offset + op.width - 1);
  }
  std::string_view s;
  char scratch[kMaxInt64Chars];
  BlobString* b = nullptr;
  if (!writes) {
    Entry* e;
    if (!lookup_read_typed(ctx, ctx.arg(1), ObjType::kString, &e)) return;
    if (e) s = e->string_value(scratch);
  } else {
    if (read_only_command) {
      ctx.reply.error("ERR BITFIELD_RO only supports the GET subcommand");
      return;
    }
    b = writable_bits(ctx, ctx.arg(1), (highest >> 3) + 1);
    if (!b) return;
    s = b->view();  // the string no longer grows: later ops see earlier writes through it
  }
  ctx.reply.array(ops.size());
  uint64_t changes = 0;
  for (const FieldOp& op : ops) {
    if (op.kind != FieldOp::kGet) {
      changes += write_field(ctx, op, reinterpret_cast<uint8_t*>(b->data()), s);
    } else if (op.is_signed) {
      ctx.reply.integer(bits::get_signed_field(s, op.offset, op.width));
    } else {
      ctx.reply.integer(static_cast<int64_t>(bits::get_field(s, op.offset, op.width)));
    }
  }
  // One change however many fields were written, as Redis counts it.
  if (changes) ctx.key_modified(kNotifyString, "setbit", ctx.arg(1));
}

void bitfield(CommandContext& ctx) {
  bitfield_generic(ctx, false);
}
void bitfield_ro(CommandContext& ctx) {
  bitfield_generic(ctx, true);
}

constexpr std::string_view kWriteSlow = "@write @bitmap @slow";
constexpr std::string_view kReadSlow = "@read @bitmap @slow";
constexpr std::string_view kReadFast = "@read @bitmap @fast";
constexpr std::string_view kFieldComplexity = "O(1) for each subcommand specified";

const CommandSpec kBitmapCommands[] = {
    {"setbit", 4, kWrite | kDenyOom, 1, 1, 1, setbit, kWriteSlow, "bitmap", "2.2.0",
     "Sets or clears the bit at offset in the string value stored at key", "O(1)"},
    {"getbit", 3, kReadonly | kFast, 1, 1, 1, getbit, kReadFast, "bitmap", "2.2.0",
     "Returns the bit value at offset in the string value stored at key", "O(1)"},
    {"bitcount", -2, kReadonly, 1, 1, 1, bitcount, kReadSlow, "bitmap", "2.6.0",
     "Count set bits in a string", "O(N)"},
    {"bitpos", -3, kReadonly, 1, 1, 1, bitpos, kReadSlow, "bitmap", "2.8.7",
     "Find first bit set or clear in a string", "O(N)"},
    {"bitop", -4, kWrite | kDenyOom, 2, -1, 1, bitop, kWriteSlow, "bitmap", "2.6.0",
     "Perform bitwise operations between strings", "O(N)", kNoSubcommands, kKeysBitop},
    {"bitfield", -2, kWrite | kDenyOom, 1, 1, 1, bitfield, kWriteSlow, "bitmap", "3.2.0",
     "Perform arbitrary bitfield integer operations on strings", kFieldComplexity, kNoSubcommands,
     kKeysBitfield, bitfield_get_keys},
    {"bitfield_ro", -2, kReadonly | kFast, 1, 1, 1, bitfield_ro, kReadFast, "bitmap", "6.0.0",
     "Perform arbitrary bitfield integer operations on strings. Read-only variant of "
     "BITFIELD",
     kFieldComplexity},
};

}  // namespace

std::span<const CommandSpec> bitmap_commands() {
  return kBitmapCommands;
}

}  // namespace rkv::server
