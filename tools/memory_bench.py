#!/usr/bin/env python3
"""Bytes per key: reactorkv beside Debian's redis-server.

Starts each server fresh on a free loopback port (no persistence), reads INFO memory,
loads N string keys ("key:000000000001" ...) with fixed-size values through pipelined raw
RESP (SET, in batches), reads INFO memory again and reports, per server, the growth of
used_memory (what the allocator handed out) and used_memory_rss (what the process
holds) divided by the number of keys, with the ratio reactorkv / redis.

  python3 tools/memory_bench.py --server build/reactorkv-server
  python3 tools/memory_bench.py --keys 100000 --value-size 100 --markdown -

Exit status: 0 on success, 1 when a server answered a SET with an error or ended up
with the wrong key count, 2 on a start-up problem. Servers are stopped before exit.
"""
import argparse
import datetime
import os
import platform
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from benchlib import free_port, emit_markdown


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
        """Consumes n one-line replies (as SET gives); returns how many were errors."""
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
    return int(out["used_memory"]), int(out.get("used_memory_rss", "0"))


def measure(label, args_list, port, keys, value_size, batch, workdir):
    log_path = os.path.join(workdir, label + ".log")
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(args_list + ["--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                             "--appendonly", "no", "--dir", workdir],
                                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=workdir)
    try:
        deadline = time.monotonic() + 10
        c = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                c = Client(port)
                if c.call("PING") == b"PONG":
                    break
            except (OSError, RuntimeError):
                c = None
            time.sleep(0.05)
        if c is None or proc.poll() is not None:
            with open(log_path, "rb") as f:
                tail = f.read()[-2000:].decode("utf-8", "replace")
            raise RuntimeError("%s did not start on port %d:\n%s" % (label, port, tail))

        time.sleep(0.2)
        used0, rss0 = info_memory(c)
        value = b"x" * value_size
        t0 = time.monotonic()
        errors = 0
        sent = 0
        while sent < keys:
            n = min(batch, keys - sent)
            payload = b"".join(b"*3\r\n$3\r\nSET\r\n$16\r\nkey:%012d\r\n$%d\r\n%s\r\n" %
                               (i, value_size, value) for i in range(sent + 1, sent + n + 1))
            c.s.sendall(payload)
            errors += c.count_simple_replies(n)
            sent += n
        load_s = time.monotonic() - t0
        # Let the cron finish any incremental rehash, so no second table is counted.
        time.sleep(1.0)
        used1, rss1 = info_memory(c)
        dbsize = int(c.call("DBSIZE"))
        c.close()
        return {"label": label, "pid": proc.pid, "used_before": used0, "used_after": used1,
                "rss_before": rss0, "rss_after": rss1, "dbsize": dbsize, "errors": errors,
                "load_s": load_s}
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--server", default=os.path.join(repo, "build", "reactorkv-server"))
    ap.add_argument("--server-args", default="", help="extra arguments for reactorkv only")
    ap.add_argument("--redis-server", default=shutil.which("redis-server") or "",
                    help="reference server ('' to measure reactorkv alone)")
    ap.add_argument("--keys", type=int, default=1000000, help="keys to load (default: %(default)s)")
    ap.add_argument("--value-size", type=int, default=10, help="value bytes (default: %(default)s)")
    ap.add_argument("--batch", type=int, default=10000, help="SETs per pipelined batch (default: %(default)s)")
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

    lo, hi = (int(x) for x in args.port_range.split("-"))
    runs = [("reactorkv", [os.path.abspath(args.server)] + args.server_args.split())]
    if args.redis_server:
        runs.append(("redis", [args.redis_server]))
    workdir = tempfile.mkdtemp(prefix="rkv-mem-")
    results = []
    try:
        used_ports = []
        for label, cmd in runs:
            port = free_port(lo, hi, used_ports)
            used_ports.append(port)
            print("memory_bench: %s: loading %d keys, %d-byte values ..." % (label, args.keys, args.value_size),
                  file=sys.stderr)
            results.append(measure(label, cmd, port, args.keys, args.value_size, args.batch, workdir))
    except (RuntimeError, OSError) as e:
        print("memory_bench: %s" % e, file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    status = 0
    rows = []
    for r in results:
        n = args.keys
        r["bytes_per_key"] = (r["used_after"] - r["used_before"]) / n
        r["rss_per_key"] = (r["rss_after"] - r["rss_before"]) / n
        if r["errors"] or r["dbsize"] != n:
            print("memory_bench: %s: %d SET errors, DBSIZE %d (expected %d)" % (r["label"], r["errors"], r["dbsize"], n),
                  file=sys.stderr)
            status = 1
        rows.append([r["label"], "%d" % r["used_after"], "%.1f" % r["bytes_per_key"], "%d" % r["rss_after"],
                     "%.1f" % r["rss_per_key"], "%.2f" % r["load_s"]])
    if len(results) == 2 and results[1]["bytes_per_key"] > 0:
        a, b = results
        rows.append(["ratio", "", "%.2f" % (a["bytes_per_key"] / b["bytes_per_key"]), "",
                     "%.2f" % (a["rss_per_key"] / b["rss_per_key"]) if b["rss_per_key"] > 0 else "-", ""])
    hdr = ["server", "used_memory", "bytes/key", "used_memory_rss", "rss bytes/key", "load s"]
    widths = [max(len(x[i]) for x in [hdr] + rows) for i in range(len(hdr))]
    print("%d keys, key:%%012d (16 bytes), %d-byte values, loaded with pipelined SET x %d" %
          (args.keys, args.value_size, args.batch))
    for row in [hdr] + rows:
        print("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))))
    print("(bytes/key = growth of used_memory / keys; ratio = reactorkv / redis, below 1 is smaller)")

    if args.markdown is not None:
        md = ["Measured %s on %s; `%s`" % (datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
                                           platform.node() or "?",
                                           shlex.join(["python3", "tools/memory_bench.py"] + sys.argv[1:])),
              "", "| " + " | ".join(hdr) + " |", "|---|" + "---:|" * (len(hdr) - 1)]
        md += ["| " + " | ".join(row) + " |" for row in rows]
        text = "\n".join(md) + "\n\n"
        emit_markdown(args.markdown, text, "memory_bench")
    return status


if __name__ == "__main__":
    sys.exit(main())
