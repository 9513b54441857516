#!/usr/bin/env python3
"""Bytes per key or element: reactorkv beside Debian's redis-server, per data type.

For every case and every round it starts each server fresh on a free loopback port (no
persistence, the same settings, the same defaults for the compact encodings), churns the
allocator with --warmup SETs over 1,000 keys and FLUSHALL (see measure()), reads INFO
memory, loads the case's data through pipelined raw RESP (large batches over one socket,
no per-command round trip), waits a second for incremental rehashing, reads INFO memory
again, checks the data arrived (DBSIZE, HLEN / SCARD / LLEN / ZCARD) and stops the
server. The two servers run back to back within a case and the one that goes first
alternates between rounds. It reports, per case, the medians over the rounds of the
growth of used_memory (what the allocator handed out) and of the process's RSS
(/proc/<pid>/statm) divided by the number of items, the ratio reactorkv / redis, MEMORY
USAGE of a sample key (SAMPLES 0) per item and its OBJECT ENCODING.

Cases (--cases, comma-separated, default all):
  strings  1,000,000 string keys key:000000000001 ... with 10-byte values (SET)
  hashes   100,000 hashes of 10 small fields (HSET hash:N f1 v1 ... f10 v10)
  sets     100,000 sets of 10 integers (SADD set:N 10N ... 10N+9)
  list     one list of 1,000,000 short strings (RPUSH, 100 a command)
  zset     one sorted set of 1,000,000 members, random scores (ZADD, 100 a command)

  python3 tools/memory_bench.py --server build/reactorkv-server
  python3 tools/memory_bench.py --cases hashes,zset --rounds 1 --markdown -

Exit status: 0 on success, 1 when a server answered a load command with an error or
ended up with the wrong data, 2 on a start-up problem. Servers are stopped before exit.
"""
import argparse
import datetime
import os
import platform
import random
import shlex
import shutil
import socket
import statistics
import sys
import tempfile
import time

from benchlib import Server, free_port, redis_like_args, emit_markdown

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


class Client:
    def __init__(self, port, timeout=60):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""

    def close(self):
        self.s.close()

    def _fill(self):
        chunk = self.s.recv(1 << 20)
        if not chunk:
            raise ConnectionError("server closed the connection")
        self.buf += chunk

    def _line(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line, self.buf = self.buf[:i], self.buf[i + 2:]
                return line
            self._fill()

    def reply(self):
        """One reply: simple types as bytes, bulks as bytes, arrays as lists, errors raised."""
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"-":
            raise RuntimeError(rest.decode("utf-8", "replace"))
        if kind in (b"+", b":"):
            return rest
        if kind in (b"$", b"="):
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                self._fill()
            data, self.buf = self.buf[:n], self.buf[n + 2:]
            return data[4:] if kind == b"=" else data  # strip "txt:" of verbatim strings
        if kind == b"*":
            return [self.reply() for _ in range(int(rest))]
        raise RuntimeError("unexpected reply %r" % line[:40])

    def call(self, *args):
        self.s.sendall(encode(args))
        return self.reply()

    def count_simple_replies(self, n):
        """Consumes n one-line replies (as SET, HSET, RPUSH... give); returns how many were errors."""
        errors = 0
        got = 0
        while got < n:
            lines = self.buf.count(b"\r\n")
            if lines == 0:
                self._fill()
                continue
            take = min(lines, n - got)
            pos = 0
            for _ in range(take):
                end = self.buf.index(b"\r\n", pos)
                if self.buf[pos:pos + 1] == b"-":
                    errors += 1
                pos = end + 2
            self.buf = self.buf[pos:]
            got += take
        return errors


def encode(args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        b = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(out)


def info_memory(c):
    text = c.call("INFO", "memory").decode()
    out = {}
    for line in text.splitlines():
        if ":" in line and not line.startswith("#"):
            k, v = line.split(":", 1)
            out[k.strip()] = v.strip()
    return int(out["used_memory"])


def rss_bytes(pid):
    with open("/proc/%d/statm" % pid) as f:
        return int(f.read().split()[1]) * PAGE_SIZE


class Case:
    """One data set: the pipelined batches that load it and how to check it arrived.

    batches: list of (payload, commands in it); checks: list of (command args, expected
    reply); sample: the key MEMORY USAGE and OBJECT ENCODING look at (the last one loaded:
    set:00000001's small members fit a 16-bit intset, most sets need 32 bits);
    sample_items: how many of the case's items that key holds."""

    def __init__(self, name, title, unit, items, batches, checks, sample, sample_items):
        self.name = name
        self.title = title
        self.unit = unit
        self.items = items
        self.batches = batches
        self.checks = checks
        self.sample = sample
        self.sample_items = sample_items


def keyed_batches(n, batch, command):
    """One command per item, batch items per write; command(i) gives item i's RESP (1-based)."""
    out = []
    for start in range(1, n + 1, batch):
        end = min(n + 1, start + batch)
        out.append((b"".join(command(i) for i in range(start, end)), end - start))
    return out


def bulk_batches(n, batch, per_command, head, element):
    """Items packed per_command to a command (head, then element(i)'s words), batch items per write."""
    out = []
    per_command = max(1, min(per_command, batch))
    head_resp = b"".join(encode_words(head))
    for start in range(0, n, batch):
        end = min(n, start + batch)
        cmds = []
        for lo in range(start, end, per_command):
            words = [w for i in range(lo, min(end, lo + per_command)) for w in element(i)]
            cmds.append(b"*%d\r\n%s%s" % (len(head) + len(words), head_resp, b"".join(encode_words(words))))
        out.append((b"".join(cmds), len(cmds)))
    return out


def encode_words(words):
    return [b"$%d\r\n%s\r\n" % (len(w), w) for w in words]


def build_case(name, args):
    if name == "strings":
        n, size = args.keys, args.value_size
        value = b"x" * size
        return Case(name, "%d string keys key:%%012d (16 bytes), %d-byte values, SET" % (n, size), "key", n,
                    keyed_batches(n, args.batch, lambda i: b"*3\r\n$3\r\nSET\r\n$16\r\nkey:%012d\r\n$%d\r\n%s\r\n" %
                                  (i, size, value)),
                    [(["DBSIZE"], n)], "key:%012d" % n, 1)
    if name == "hashes":
        n = args.hash_keys
        tail = b"".join(encode_words([w for j in range(1, 11) for w in (b"f%d" % j, b"v%d" % j)]))
        return Case(name, "%d hashes hash:%%08d of 10 fields f1..f10 = v1..v10, HSET" % n, "key (10 fields)", n,
                    keyed_batches(n, args.batch, lambda i: b"*22\r\n$4\r\nHSET\r\n$13\r\nhash:%08d\r\n%s" % (i, tail)),
                    [(["DBSIZE"], n), (["HLEN", "hash:%08d" % 1], 10), (["HLEN", "hash:%08d" % n], 10)],
                    "hash:%08d" % n, 1)
    if name == "sets":
        n = args.set_keys

        def sadd(i):
            return b"*12\r\n$4\r\nSADD\r\n$12\r\nset:%08d\r\n%s" % (
                i, b"".join(encode_words([b"%d" % (10 * i + j) for j in range(10)])))
        return Case(name, "%d sets set:%%08d of 10 integers 10N..10N+9, SADD" % n, "key (10 members)", n,
                    keyed_batches(n, args.batch, sadd),
                    [(["DBSIZE"], n), (["SCARD", "set:%08d" % 1], 10), (["SCARD", "set:%08d" % n], 10)],
                    "set:%08d" % n, 1)
    if name == "list":
        n = args.list_len
        return Case(name, "one list of %d strings elem:%%07d (12 bytes), RPUSH x %d" % (n, args.per_command),
                    "element", n,
                    bulk_batches(n, args.batch, args.per_command, [b"RPUSH", b"list"],
                                 lambda i: (b"elem:%07d" % i,)),
                    [(["DBSIZE"], 1), (["LLEN", "list"], n)], "list", n)
    if name == "zset":
        n = args.zset_len
        rng = random.Random(args.seed)
        scores = [repr(rng.random() * 1e6).encode() for _ in range(n)]
        return Case(name, "one sorted set of %d members m:%%07d (9 bytes), random scores (seed %d), ZADD x %d" %
                    (n, args.seed, args.per_command), "member", n,
                    bulk_batches(n, args.batch, args.per_command, [b"ZADD", b"zset"],
                                 lambda i: (scores[i], b"m:%07d" % i)),
                    [(["DBSIZE"], 1), (["ZCARD", "zset"], n)], "zset", n)
    raise ValueError(name)


CASES = ["strings", "hashes", "sets", "list", "zset"]


def warmup_batches(n, batch):
    """n SETs over 1,000 keys: allocator traffic without a footprint."""
    return keyed_batches(n, batch, lambda i: b"*3\r\n$3\r\nSET\r\n$11\r\nwarmup:%04d\r\n$10\r\n0123456789\r\n" %
                         (i % 1000))


def measure(server, case, warmup, settle_s):
    """Loads case into a freshly started server; returns the figures of one run."""
    server.start()
    try:
        c = Client(server.port)
        # reactorkv's used_memory is jemalloc's stats.allocated, which counts what the
        # thread caches hold: start-up leaves a few hundred KB there that goes back only
        # after some MB of allocations. Churn first (overwriting a few keys, so no pages
        # are left for the load to reuse), or the load would seem to "free" it.
        errors = 0
        for payload, ncmds in warmup:
            c.s.sendall(payload)
            errors += c.count_simple_replies(ncmds)
        c.call("FLUSHALL", "SYNC")
        time.sleep(0.2)
        used0, rss0 = info_memory(c), rss_bytes(server.proc.pid)
        t0 = time.monotonic()
        for payload, ncmds in case.batches:
            c.s.sendall(payload)
            errors += c.count_simple_replies(ncmds)
        load_s = time.monotonic() - t0
        # Let the cron finish any incremental rehash, so no second table is counted.
        time.sleep(settle_s)
        used1, rss1 = info_memory(c), rss_bytes(server.proc.pid)
        problems = ["%d error replies" % errors] if errors else []
        for cmd, want in case.checks:
            got = int(c.call(*cmd))
            if got != want:
                problems.append("%s gave %d, expected %d" % (" ".join(cmd), got, want))
        encoding = c.call("OBJECT", "ENCODING", case.sample).decode()
        usage = int(c.call("MEMORY", "USAGE", case.sample, "SAMPLES", "0"))
        c.close()
        n = case.items
        return {"per_item": (used1 - used0) / n, "rss_per_item": (rss1 - rss0) / n,
                "usage_per_item": usage / case.sample_items, "encoding": encoding, "load_s": load_s,
                "problems": problems}
    finally:
        server.stop()


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def fmt(x, spec=None):
    """Bytes per item: two decimals below 100 (list elements differ in tenths), else one."""
    if x != x:
        return "-"
    return (spec or ("%.2f" if abs(x) < 100 else "%.1f")) % x


def fmt_ratio(a, b):
    return "%.2f" % (a / b) if a == a and b == b and b > 0 else "-"


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--server", default=os.path.join(repo, "build", "reactorkv-server"))
    ap.add_argument("--server-args", default="", help="extra arguments for reactorkv only")
    ap.add_argument("--redis-server", default=shutil.which("redis-server") or "",
                    help="reference server ('' to measure reactorkv alone)")
    ap.add_argument("--cases", default=",".join(CASES), help="comma-separated (default: %(default)s)")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds, medians reported (default: %(default)s)")
    ap.add_argument("--keys", type=int, default=1000000, help="strings: keys (default: %(default)s)")
    ap.add_argument("--value-size", type=int, default=10, help="strings: value bytes (default: %(default)s)")
    ap.add_argument("--hash-keys", type=int, default=100000, help="hashes: keys (default: %(default)s)")
    ap.add_argument("--set-keys", type=int, default=100000, help="sets: keys (default: %(default)s)")
    ap.add_argument("--list-len", type=int, default=1000000, help="list: elements (default: %(default)s)")
    ap.add_argument("--zset-len", type=int, default=1000000, help="zset: members (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=1, help="zset: score seed (default: %(default)s)")
    ap.add_argument("--batch", type=int, default=10000,
                    help="keys or elements per pipelined write (default: %(default)s)")
    ap.add_argument("--per-command", type=int, default=100,
                    help="list, zset: elements per RPUSH / ZADD (default: %(default)s)")
    ap.add_argument("--warmup", type=int, default=200000,
                    help="throwaway SETs over 1,000 keys (then FLUSHALL) before the baseline (default: %(default)s)")
    ap.add_argument("--settle", type=float, default=1.0,
                    help="seconds to wait after loading, for incremental rehashing (default: %(default)s)")
    ap.add_argument("--port-range", default="7300-7399")
    ap.add_argument("--markdown", nargs="?", const="-", default=None, metavar="FILE",
                    help="append a Markdown table to FILE ('-' or no FILE: print it)")
    args = ap.parse_args()

    if not os.access(args.server, os.X_OK):
        print("memory_bench: no server binary at %s (build it first)" % args.server, file=sys.stderr)
        return 2
    if args.redis_server and not shutil.which(args.redis_server):
        args.redis_server = ""
    if not args.redis_server:
        print("memory_bench: no reference redis-server; measuring reactorkv alone", file=sys.stderr)
    cases = [x.strip() for x in args.cases.split(",") if x.strip()]
    unknown = [x for x in cases if x not in CASES]
    if unknown or not cases or args.rounds < 1:
        print("memory_bench: unknown case(s) %s; known: %s" % (",".join(unknown), ",".join(CASES))
              if unknown or not cases else "memory_bench: --rounds must be at least 1", file=sys.stderr)
        return 2

    lo, hi = (int(x) for x in args.port_range.split("-"))
    workdir = tempfile.mkdtemp(prefix="rkv-mem-")
    servers = []
    port = free_port(lo, hi)
    servers.append(Server("reactorkv", redis_like_args(os.path.abspath(args.server), port, workdir,
                                                       args.server_args.split()), port, workdir))
    if args.redis_server:
        port = free_port(lo, hi, [port])
        servers.append(Server("redis", redis_like_args(args.redis_server, port, workdir), port, workdir))

    warmup = warmup_batches(args.warmup, args.batch)
    # runs[(case, label)] = list of measure() results
    runs = {}
    titles = {}
    failures = []
    started = time.monotonic()
    try:
        for name in cases:
            case = build_case(name, args)
            titles[name] = case
            for rnd in range(args.rounds):
                order = servers if rnd % 2 == 0 else list(reversed(servers))
                for s in order:
                    r = measure(s, case, warmup, args.settle)
                    runs.setdefault((name, s.label), []).append(r)
                    for p in r["problems"]:
                        failures.append("%s %s round %d: %s" % (name, s.label, rnd + 1, p))
                        print("memory_bench: ERROR " + failures[-1], file=sys.stderr)
                    print("memory_bench: %s round %d/%d %s: %.1f bytes/%s (rss %.1f), %s, %.2fs load (%.0fs)" %
                          (name, rnd + 1, args.rounds, s.label, r["per_item"], case.unit.split()[0],
                           r["rss_per_item"], r["encoding"], r["load_s"], time.monotonic() - started),
                          file=sys.stderr)
            case.batches = None
    except (RuntimeError, OSError) as e:
        print("memory_bench: %s" % e, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("memory_bench: interrupted", file=sys.stderr)
        return 1
    finally:
        for s in servers:
            s.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    have_redis = bool(args.redis_server)
    hdr = ["case", "per", "encoding (ours / redis)", "reactorkv B", "redis B", "ratio", "reactorkv RSS B",
           "redis RSS B", "RSS ratio", "reactorkv MEMORY USAGE", "redis MEMORY USAGE", "load s (ours / redis)",
           "at most redis"]
    rows = []
    for name in cases:
        ours = runs.get((name, "reactorkv"), [])
        ref = runs.get((name, "redis"), [])
        o, r = median([x["per_item"] for x in ours]), median([x["per_item"] for x in ref])
        o_rss, r_rss = median([x["rss_per_item"] for x in ours]), median([x["rss_per_item"] for x in ref])
        o_use, r_use = median([x["usage_per_item"] for x in ours]), median([x["usage_per_item"] for x in ref])
        o_load, r_load = median([x["load_s"] for x in ours]), median([x["load_s"] for x in ref])
        enc = "%s / %s" % (ours[-1]["encoding"] if ours else "-", ref[-1]["encoding"] if ref else "-")
        rows.append([name, titles[name].unit, enc, fmt(o), fmt(r), fmt_ratio(o, r), fmt(o_rss), fmt(r_rss),
                     fmt_ratio(o_rss, r_rss), fmt(o_use), fmt(r_use), "%s / %s" % (fmt(o_load, "%.2f"),
                                                                                   fmt(r_load, "%.2f")),
                     ("yes" if o <= r else "NO") if have_redis else "-"])
    widths = [max(len(x[i]) for x in [hdr] + rows) for i in range(len(hdr))]
    print()
    print("medians of %d interleaved rounds; bytes per item = growth of used_memory / items" % args.rounds)
    for name in cases:
        print("  %-8s %s" % (name, titles[name].title))
    for row in [hdr] + rows:
        print("  ".join(c.rjust(w) if i > 2 else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))))
    print("(ratio = reactorkv / redis, below 1 is smaller; MEMORY USAGE of one sample key, SAMPLES 0, per item)")

    if args.markdown is not None:
        md = ["Measured %s on %s; `%s`; medians of %d interleaved rounds" % (
                  datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), platform.node() or "?",
                  shlex.join(["python3", "tools/memory_bench.py"] + sys.argv[1:]), args.rounds), ""]
        md += ["- `%s`: %s" % (name, titles[name].title) for name in cases]
        md += ["", "| " + " | ".join(hdr) + " |", "|---|---|---|" + "---:|" * (len(hdr) - 4) + "---|"]
        md += ["| " + " | ".join(row) + " |" for row in rows]
        text = "\n".join(md) + "\n\n"
        emit_markdown(args.markdown, text, "memory_bench")

    if failures:
        print("\nmemory_bench: %d problem(s):" % len(failures), file=sys.stderr)
        for f_ in failures:
            print("  " + f_, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
