#!/usr/bin/env python3
"""Keyspace notifications of reactorkv against Debian's redis-server 7.0, message by message.

Runs each script (tests/notify/*.txt by default) on a fresh redis-server and a fresh
reactorkv, once per notify-keyspace-events variant, with a subscriber on
PSUBSCRIBE '__key*__:*'. After every command both servers get PUBLISH on a private sync
channel, so the subscriber knows where one command's notifications end; the sequences of
(channel, message) pairs each command produced are compared, as are the replies and, in
the first variant, how much the command moved INFO's rdb_changes_since_last_save (Redis's
server.dirty, which counts changes as notifications do). Every difference is printed;
exit status 1 when there is one, 2 when a server cannot be started.

  tools/notify-diff.py                                   # build/reactorkv-server
  tools/notify-diff.py --server B tests/notify/list.txt --variants KEA
  RKV_PORT_RANGE=21100-21199 tools/notify-diff.py

Script syntax: one command a line in redis-cli syntax as in tests/compat (double quotes,
\\xHH escapes, # comments), plus:
  #! variants: KEA Kl ...   first line(s): the variants for this file (default below)
  @name CMD ...             CMD on another connection (opened on first use, RESP2, db 0)
  @name& CMD ...            sent without waiting: a blocking command; the tool waits until
                            the servers count it among blocked_clients
  @name?                    reads the reply the blocked command finally got
  !sleep SECONDS            pause (lets active expiry run; events land on the next line)
  ~CMD ...                  the reply is not compared (random: SPOP, RANDOMKEY, KEYS)
  %CMD ...                  the events are compared as a multiset (their order follows
                            hash-table layout: active expiry of several keys)
Every variant starts from FLUSHALL with active expiry off (DEBUG SET-ACTIVE-EXPIRE 0):
scripts that want it on say so.
"""
import argparse
import glob
import os
import select
import shlex
import shutil
import socket
import sys
import tempfile
import time

from benchlib import Server, free_port, redis_like_args

DEFAULT_VARIANTS = ["KEA", "KEAmn", "Kl", "Eg$", "Ex", "Kshz", "Etmd"]
SYNC_CHANNEL = "notify-diff-sync"


def encode(args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        b = a.encode("latin-1") if isinstance(a, str) else a
        out.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(out)


class Conn:
    """A RESP2 connection that parses replies into (raw bytes, value)."""

    def __init__(self, port, timeout=5.0):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def close(self):
        self.s.close()

    def _fill(self):
        chunk = self.s.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed")
        self.buf += chunk

    def _line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def read(self):
        line = self._line()
        raw = line + b"\r\n"
        kind, rest = line[:1], line[1:]
        if kind in b"$=!" and rest not in (b"-1", b"?"):
            data = self._exact(int(rest) + 2)
            return raw + data, data[:-2]
        if kind in b"*~>%|" and rest not in (b"-1", b"?"):
            n = int(rest) * (2 if kind in b"%|" else 1)
            items = []
            for _ in range(n):
                r, v = self.read()
                raw += r
                items.append(v)
            return raw, items
        if kind == b":":
            return raw, int(rest)
        return raw, rest if kind != b"-" else ("error", rest)

    def send(self, args):
        self.s.sendall(encode(args))

    def call(self, args):
        self.send(args)
        return self.read()


def info_field(conn, section, field):
    raw, text = conn.call(["INFO", section])
    for line in text.decode("latin-1").splitlines():
        if line.startswith(field + ":"):
            return int(line.split(":", 1)[1])
    return None


def unescape(tok):
    return tok.encode("latin-1").decode("unicode_escape")


def parse_script(path):
    """Returns (variants or None, [(lineno, kind, conn, args, text, marks)])."""
    variants = None
    steps = []
    with open(path, encoding="latin-1") as f:
        for n, line in enumerate(f.read().splitlines(), 1):
            s = line.strip()
            if s.startswith("#!") and "variants:" in s:
                variants = s.split("variants:", 1)[1].split()
                continue
            if not s or s.startswith("#"):
                continue
            if s.startswith("!sleep"):
                steps.append((n, "sleep", None, [s.split()[1]], s, ""))
                continue
            conn, kind = "main", "call"
            if s.startswith("@"):
                head, _, rest = s.partition(" ")
                conn = head[1:]
                if conn.endswith("&"):
                    conn, kind = conn[:-1], "async"
                elif conn.endswith("?"):
                    conn, kind = conn[:-1], "await"
                s = rest.strip()
            marks = ""
            while s[:1] in ("~", "%"):
                marks += s[0]
                s = s[1:]
            args = [unescape(t) for t in shlex.split(s)] if s else []
            steps.append((n, kind, conn, args, line.strip(), marks))
    return variants, steps


class Side:
    """One server's connections for one variant run."""

    def __init__(self, name, port, flags):
        self.name = name
        self.port = port
        self.main = Conn(port)
        self.conns = {"main": self.main}
        self.sub = Conn(port)
        self.main.call(["FLUSHALL"])
        r = self.main.call(["DEBUG", "SET-ACTIVE-EXPIRE", "0"])[0]
        if not r.startswith(b"+OK"):  # the expiry scripts' timing depends on it
            raise RuntimeError("%s: DEBUG SET-ACTIVE-EXPIRE 0 refused (enable-debug-command): %r"
                               % (name, r))
        r = self.main.call(["CONFIG", "SET", "notify-keyspace-events", flags])[0]
        if not r.startswith(b"+OK"):
            raise RuntimeError("%s: CONFIG SET notify-keyspace-events %s: %r" % (name, flags, r))
        self.sub.send(["PSUBSCRIBE", "__key*__:*"])
        self.sub.send(["SUBSCRIBE", SYNC_CHANNEL])
        for _ in range(2):
            raw, v = self.sub.read()
            if not isinstance(v, list):
                raise RuntimeError("%s: the subscriber could not subscribe: %r" % (name, raw))
        self.sync_id = 0
        # Connections that sent an @name& command not yet read back: True while it blocks,
        # False when its reply came at once (it did not block after all).
        self.pending = {}

    def conn(self, name):
        if name not in self.conns:
            self.conns[name] = Conn(self.port)
        return self.conns[name]

    def events(self):
        """The notifications since the previous call: publishes a sync marker, reads to it."""
        self.sync_id += 1
        marker = str(self.sync_id).encode()
        self.main.call(["PUBLISH", SYNC_CHANNEL, marker])
        out = []
        while True:
            try:
                _, msg = self.sub.read()
            except socket.timeout:
                out.append(("<timeout waiting for the sync message>", b""))
                return out
            if not isinstance(msg, list) or not msg:
                out.append(("<not a message>", repr(msg).encode()))
                continue
            if msg[0] == b"message" and msg[1] == SYNC_CHANNEL.encode():
                if msg[2] == marker:
                    return out
                continue
            if msg[0] == b"pmessage":
                out.append((msg[2].decode("latin-1"), msg[3]))
            else:
                out.append(("<unexpected>", repr(msg).encode()))

    def wait_blocked(self, name):
        """After an @name& send: waits until the server counts it as blocked, or it answered."""
        self.pending[name] = True
        c = self.conns[name]
        deadline = time.time() + 3
        while time.time() < deadline:
            want = sum(1 for b in self.pending.values() if b)
            if (info_field(self.main, "clients", "blocked_clients") or 0) >= want:
                return True
            if c.buf or select.select([c.s], [], [], 0)[0]:
                self.pending[name] = False
                return True
            time.sleep(0.001)
        return False

    def close(self):
        for c in self.conns.values():
            c.close()
        self.sub.close()


def fmt_events(evs):
    if not evs:
        return "(none)"
    return " ".join("%s=%s" % (ch, m.decode("latin-1")) for ch, m in evs)


def run_file(path, ref_port, test_port, variants_override, check_dirty):
    file_variants, steps = parse_script(path)
    variants = variants_override or file_variants or DEFAULT_VARIANTS
    name = os.path.basename(path)
    diffs = 0
    compared = 0
    for vi, flags in enumerate(variants):
        sides = [Side("ref", ref_port, flags), Side("test", test_port, flags)]
        try:
            for s in sides:
                s.events()  # drain anything the set-up published
            dirty_before = [info_field(s.main, "persistence", "rdb_changes_since_last_save")
                            for s in sides] if vi == 0 and check_dirty else None
            for lineno, kind, cname, args, text, marks in steps:
                where = "%s:%d [%s] %s" % (name, lineno, flags, text)
                if kind == "sleep":
                    time.sleep(float(args[0]))
                    continue
                replies = []
                for s in sides:
                    c = s.conn(cname)
                    if kind == "call":
                        replies.append(c.call(args)[0])
                    elif kind == "async":
                        c.send(args)
                        replies.append(b"" if s.wait_blocked(cname) else b"<never blocked>")
                    else:
                        replies.append(c.read()[0])
                        s.pending.pop(cname, None)
                evs = [s.events() for s in sides]
                compared += 1
                problems = []
                if "%" in marks:
                    evs = [sorted(e) for e in evs]
                if replies[0] != replies[1] and "~" not in marks:
                    problems.append("  reply  ref : %r\n         test: %r" % (replies[0], replies[1]))
                if evs[0] != evs[1]:
                    problems.append("  events ref : %s\n         test: %s" %
                                    (fmt_events(evs[0]), fmt_events(evs[1])))
                if dirty_before is not None:
                    now = [info_field(s.main, "persistence", "rdb_changes_since_last_save")
                           for s in sides]
                    deltas = [a - b if a is not None and b is not None else None
                              for a, b in zip(now, dirty_before)]
                    dirty_before = now
                    if deltas[0] != deltas[1]:
                        problems.append("  dirty  ref : +%s\n         test: +%s" % tuple(deltas))
                if problems:
                    diffs += 1
                    print(where)
                    print("\n".join(problems))
        finally:
            for s in sides:
                s.close()
    return diffs, compared


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server", default=os.environ.get("RKV_SERVER",
                                                       os.path.join(repo, "build/reactorkv-server")))
    ap.add_argument("--redis", default=os.environ.get("REDIS_SERVER", "redis-server"))
    ap.add_argument("--ref", type=int, help="port of a running redis-server (no start)")
    ap.add_argument("--test", type=int, help="port of a running reactorkv (no start)")
    ap.add_argument("--variants", help="notify-keyspace-events values, comma separated")
    ap.add_argument("--no-dirty", action="store_true", help="skip the dirty-count comparison")
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    files = a.files or sorted(glob.glob(os.path.join(repo, "tests/notify/*.txt")))
    variants = a.variants.split(",") if a.variants else None
    lo, hi = (int(x) for x in os.environ.get("RKV_PORT_RANGE", "7300-7399").split("-"))

    servers = []
    workdir = tempfile.mkdtemp(prefix="rkv-notify.")
    try:
        def start(label, binary, exclude):
            # The servers run in workdir: a relative path is the caller's.
            if os.sep in binary:
                binary = os.path.abspath(binary)
            port = free_port(lo, hi, exclude)
            servers.append(Server(label, redis_like_args(binary, port, workdir,
                                                         ["--enable-debug-command", "yes"]),
                                  port, workdir))
            servers[-1].start()
            return port

        ref_port = a.ref if a.ref is not None else start("redis", a.redis, set())
        test_port = a.test if a.test is not None else start("reactorkv", a.server, {ref_port})
        total_diffs = total = 0
        for path in files:
            d, n = run_file(path, ref_port, test_port, variants, not a.no_dirty)
            print("%s: %d difference(s) in %d commands" % (os.path.basename(path), d, n))
            total_diffs += d
            total += n
        for srv in servers:
            if not srv.alive():
                print("a server exited during the run (exit %s)" % srv.proc.returncode)
                total_diffs += 1
        print("notify-diff: %d difference(s) in %d commands" % (total_diffs, total))
        return 1 if total_diffs else 0
    except (RuntimeError, OSError) as e:
        print("notify-diff: %s" % e, file=sys.stderr)
        return 2
    finally:
        for srv in servers:
            srv.stop()
        shutil.rmtree(workdir, ignore_errors=True)

if __name__ == "__main__":
    sys.exit(main())
