"""Helpers shared by the benchmark tools in this directory."""
import csv
import io
import os
import resource
import signal
import socket
import sys
import subprocess
import tempfile
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port(lo=0, hi=0, exclude=()):
    """A free loopback TCP port: the first free one in [lo, hi] not in exclude when a
    range is given, else (or when the range is full) one the kernel picks."""
    candidates = [p for p in range(lo, hi + 1) if p not in exclude] if lo and hi else []
    for port in candidates + [0]:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind(("127.0.0.1", port))
            return s.getsockname()[1]
        except OSError:
            continue
        finally:
            s.close()
    raise RuntimeError("no free port")


def ping(port, timeout=0.5):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(b"*1\r\n$4\r\nPING\r\n")
            return s.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def info(port, section="", timeout=2.0):
    """INFO [section] as a dict of field -> value; {} when the server does not answer it."""
    cmd = b"*2\r\n$4\r\nINFO\r\n$%d\r\n%s\r\n" % (len(section), section.encode()) if section \
        else b"*1\r\n$4\r\nINFO\r\n"
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(cmd)
            data = b""
            while b"\r\n" not in data:
                chunk = s.recv(65536)
                if not chunk:
                    return {}
                data += chunk
            head, _, rest = data.partition(b"\r\n")
            if not head.startswith(b"$"):
                return {}
            size = int(head[1:])
            while len(rest) < size:
                chunk = s.recv(65536)
                if not chunk:
                    break
                rest += chunk
    except (OSError, ValueError):
        return {}
    out = {}
    for line in rest[:size].decode("utf-8", "replace").splitlines():
        if ":" in line and not line.startswith("#"):
            k, _, v = line.partition(":")
            out[k] = v
    return out


def cpu_seconds(pid):
    """utime + stime of pid in seconds (clock-tick resolution), all threads included."""
    with open("/proc/%d/stat" % pid) as f:
        data = f.read()
    # The command name (field 2) may hold spaces: split after its closing paren.
    fields = data[data.rindex(")") + 2:].split()
    # fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def thread_count(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return 0


def raise_nofile(want):
    """Raises this process's soft fd limit towards want (capped by the hard limit), so the
    servers and redis-benchmark started from here inherit it. Returns the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = want if hard == resource.RLIM_INFINITY else min(want, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    return soft


def redis_like_args(binary, port, workdir, extra=()):
    """Command line for reactorkv or redis-server with the benchmarks' common settings."""
    return [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", workdir] + list(extra)


class Server:
    """One server process on 127.0.0.1:port, its output in <workdir>/<label>.log."""

    def __init__(self, label, args, port, workdir):
        self.label = label
        self.args = list(args)
        self.binary = self.args[0]
        self.port = port
        self.workdir = workdir
        self.log_path = os.path.join(workdir, "%s.log" % label.replace(" ", "_").replace("/", "_"))
        self.proc = None

    def start(self, timeout=10.0):
        log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.args, stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, cwd=self.workdir)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            if ping(self.port):
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("%s did not start on port %d; log:\n%s" % (self.label, self.port, self.log_tail()))

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def cpu(self):
        return cpu_seconds(self.proc.pid)

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def log_tail(self, n=20):
        try:
            with open(self.log_path, "rb") as f:
                return b"\n".join(f.read().splitlines()[-n:]).decode("utf-8", "replace")
        except OSError:
            return ""


def _num(rec, i):
    try:
        return float(rec[i])
    except (IndexError, ValueError):
        return float("nan")


def run_redis_benchmark(redis_benchmark, server, test, pipeline, requests, clients, extra=(),
                        run_timeout=300):
    """One redis-benchmark --csv invocation of one test against server.

    Returns (rows, cpu_s, requests_done, error): rows are dicts with test, rps and the
    latency columns of redis-benchmark 7.0's CSV (avg/min/p50/p95/p99/max, in ms); cpu_s
    is the server's utime+stime over the run."""
    cmd = [redis_benchmark, "-h", "127.0.0.1", "-p", str(server.port), "-t", test,
           "-n", str(requests), "-c", str(clients), "-P", str(pipeline), "--csv"] + list(extra)
    cpu0 = server.cpu()
    # redis-benchmark spins forever when its server goes away: watch both.
    with tempfile.TemporaryFile("w+") as fout, tempfile.TemporaryFile("w+") as ferr:
        p = subprocess.Popen(cmd, stdout=fout, stderr=ferr, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + run_timeout
        reason = None
        while True:
            try:
                p.wait(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                pass
            if not server.alive():
                reason = "server died (log: %s)" % server.log_path
            elif time.monotonic() > deadline:
                reason = "timed out after %ds" % run_timeout
            if reason:
                p.kill()
                p.wait()
                return [], 0.0, requests, reason
        cpu1 = server.cpu() if server.alive() else cpu0
        fout.seek(0)
        ferr.seek(0)
        out, err = fout.read(), ferr.read()
    rows = []
    problems = []
    for line in out.splitlines():
        if not line.startswith('"'):
            if line.strip():
                problems.append(line.strip())
            continue
        rec = next(csv.reader(io.StringIO(line)))
        if rec[0] == "test":
            continue
        rows.append({"test": rec[0], "rps": _num(rec, 1), "avg_ms": _num(rec, 2), "min_ms": _num(rec, 3),
                     "p50_ms": _num(rec, 4), "p95_ms": _num(rec, 5), "p99_ms": _num(rec, 6),
                     "max_ms": _num(rec, 7)})
    # redis-benchmark 7.0 prints "Error from server: ..." and exits on an error reply;
    # connection problems go to stderr. Warnings about CONFIG are harmless.
    for line in err.splitlines():
        s = line.strip()
        if s and not s.startswith("WARNING: Could not fetch server CONFIG"):
            problems.append(s)
    error = None
    if p.returncode != 0 or not rows or any("error" in x.lower() for x in problems):
        error = "; ".join(problems[:3]) or "exit status %d, no CSV rows" % p.returncode
    if not server.alive():
        error = "server died (log: %s)" % server.log_path
    return rows, cpu1 - cpu0, requests * max(1, len(rows)), error


def emit_markdown(dest, text, tool, mode="a"):
    """Prints text when dest is '-', else writes it to the file dest (appending by
    default) and says so on stderr."""
    if dest == "-":
        print()
        print(text, end="")
        return
    with open(dest, mode) as f:
        f.write(text)
    print("%s: table %s %s" % (tool, "appended to" if mode == "a" else "written to", dest),
          file=sys.stderr)

