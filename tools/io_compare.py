#!/usr/bin/env python3
"""IO paths side by side: reactorkv per io backend, the rkv-ceiling server, redis-server.

Runs a matrix of clients x pipeline depth x test (redis-benchmark -c/-P/-t, --csv,
-r 100000) against every target, INTERLEAVED: in each round every matrix cell runs on
all targets back to back, and the target order is reversed every other round, so the
slow drifts of a shared machine hit all targets alike. Per cell and target it reports the
median over the rounds of requests/s, p50 and p99 latency (redis-benchmark's own
columns), server CPU microseconds per request (utime+stime of the server pid from
/proc/<pid>/stat around each run, all threads included) and, for reactorkv, system calls
per command (read + write + wait calls, or io_uring_enter calls) and commands per loop
iteration, from INFO deltas around each run.

Targets (--targets, comma-separated; default all):
  rkv-epoll, rkv-poll      reactorkv with --io-backend epoll / poll
  rkv-io_uring             reactorkv with --io-backend io_uring
  rkv-epoll-iothreads4     reactorkv with --io-backend epoll --io-threads 4
                           --io-threads-do-reads yes (helpers only above 8 pending clients)
  ceiling                  build/rkv-ceiling --io-backend epoll: our net/ and resp/ code
                           with a fixed reply per command and no storage
  redis                    Debian's redis-server, when installed
  redis-iothreads4         the same with --io-threads 4 --io-threads-do-reads yes
A reactorkv target that refuses its configuration, falls back to another backend (INFO
io's io_backend) or, for io-threads, still runs a single thread, is skipped with a note.

  python3 tools/io_compare.py --rounds 3 --markdown docs/x.md --png docs/io-compare.png

Exit status: 0 on success, 1 when a run failed, 2 on a usage or start-up problem. Only
127.0.0.1 is contacted; every server is stopped before the script returns.
"""
import argparse
import datetime
import os
import platform
import shlex
import shutil
import statistics
import sys
import tempfile
import time

from benchlib import (Server, emit_markdown, free_port, info, raise_nofile, redis_like_args,
                      run_redis_benchmark, thread_count)

ALL_TARGETS = ["rkv-epoll", "rkv-poll", "rkv-io_uring", "rkv-epoll-iothreads4", "ceiling", "redis",
               "redis-iothreads4"]
THREADED = ["--io-threads", "4", "--io-threads-do-reads", "yes"]


def target_spec(name, args, port, workdir):
    """(command line, check) for a target; check(server) returns None or why to skip it."""
    def backend_is(want, threads=1):
        def check(server):
            got = info(server.port, "io").get("io_backend", "?")
            if got != want:
                return "asked for io-backend %s, server runs %s" % (want, got)
            # Process-wide thread count: io-threads that exist only as a config value
            # would measure the single-threaded path under another name. The server always
            # has the main thread and the lazy-free thread; io-threads N adds N - 1 helpers.
            n = thread_count(server.proc.pid)
            if threads > 1 and n < threads + 1:
                return "io-threads %d accepted but the server runs %d threads" % (threads, n)
            return None
        return check

    rkv = os.path.abspath(args.server)
    if name in ("rkv-epoll", "rkv-poll", "rkv-io_uring"):
        backend = name.split("-", 1)[1]
        return redis_like_args(rkv, port, workdir, ["--io-backend", backend]), backend_is(backend)
    if name == "rkv-epoll-iothreads4":
        return (redis_like_args(rkv, port, workdir, ["--io-backend", "epoll"] + THREADED),
                backend_is("epoll", threads=4))
    if name == "ceiling":
        return [os.path.abspath(args.ceiling), "--port", str(port), "--io-backend", "epoll"], None
    if name == "redis":
        return redis_like_args(args.redis_server, port, workdir), None
    if name == "redis-iothreads4":
        return redis_like_args(args.redis_server, port, workdir, THREADED), None
    raise ValueError(name)


def io_counters(port):
    """(system calls, loop iterations, commands) so far, from reactorkv's INFO."""
    io = info(port, "io")
    stats = info(port, "stats")
    def n(d, k):
        try:
            return int(d.get(k, "0"))
        except ValueError:
            return 0
    if io.get("io_backend") == "io_uring":
        calls = n(io, "io_submit_calls")  # every kernel entry is one io_uring_enter
    else:
        calls = n(io, "io_read_calls") + n(io, "io_write_calls") + n(io, "io_wait_calls")
    return calls, n(io, "io_loop_iterations"), n(stats, "total_commands_processed")


def median(xs):
    xs = [x for x in xs if x == x]
    return statistics.median(xs) if xs else float("nan")


def fmt(x, spec):
    return spec % x if x == x else "-"


def write_png(path, cells, targets, res):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    fig, axes = plt.subplots(2, 1, figsize=(max(10, 1.1 * len(cells) + 3), 9), sharex=True)
    width = 0.8 / max(1, len(targets))
    xs = range(len(cells))
    # Log scales: pipelining moves both figures by an order of magnitude, and on a linear
    # axis the unpipelined cells would be invisible next to the pipelined ones.
    for ax, key, ylabel in ((axes[0], "rps", "requests/s, thousands (log)"),
                            (axes[1], "us", "server CPU µs / request (log)")):
        for i, t in enumerate(targets):
            vals = []
            for cell in cells:
                v = res.get((t,) + cell, {}).get(key, float("nan"))
                vals.append(v / 1000 if key == "rps" and v == v else v)
            ax.bar([x + (i - (len(targets) - 1) / 2) * width for x in xs], vals, width, label=t)
        ax.set_yscale("log")
        # Plain numbers at 1-2-5 steps: powers of ten alone are too sparse to read off.
        ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: "%g" % v))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_ylabel(ylabel)
        ax.grid(axis="y", alpha=0.3)
    axes[0].legend(ncol=min(len(targets), 6), fontsize=9, loc="upper left")
    axes[0].set_title("IO paths: medians per cell (clients / pipeline / test)")
    axes[1].set_xticks(list(xs))
    axes[1].set_xticklabels(["c%d P%d\n%s" % c for c in cells], fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server", default=os.path.join(repo, "build", "reactorkv-server"),
                    help="reactorkv binary (default: build/reactorkv-server)")
    ap.add_argument("--ceiling", default=os.path.join(repo, "build", "rkv-ceiling"),
                    help="rkv-ceiling binary (default: build/rkv-ceiling)")
    ap.add_argument("--redis-server", default=shutil.which("redis-server") or "")
    ap.add_argument("--redis-benchmark", default=shutil.which("redis-benchmark") or "redis-benchmark")
    ap.add_argument("--targets", default=",".join(ALL_TARGETS), help="default: %(default)s")
    ap.add_argument("--tests", default="set,get", help="default: %(default)s")
    ap.add_argument("--clients", default="1,50,500", help="-c values (default: %(default)s)")
    ap.add_argument("--pipeline", default="1,16", help="-P values (default: %(default)s)")
    ap.add_argument("--requests", type=int, default=100000,
                    help="-n per run, multiplied by the pipeline depth unless --no-scale-requests "
                         "(default: %(default)s)")
    ap.add_argument("--no-scale-requests", dest="scale_requests", action="store_false")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default: %(default)s)")
    ap.add_argument("--keyspace", type=int, default=100000, help="-r (default: %(default)s)")
    ap.add_argument("--run-timeout", type=int, default=300, help="seconds before a run is abandoned")
    ap.add_argument("--port-range", default="7500-7599", help="default: %(default)s")
    ap.add_argument("--markdown", metavar="FILE", help="write the Markdown table to FILE ('-': print)")
    ap.add_argument("--png", metavar="FILE", help="write a bar chart (matplotlib) to FILE")
    args = ap.parse_args()

    if args.png:
        # Fail now, not after the whole run.
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            print("io_compare: --png needs matplotlib (apt-get install python3-matplotlib; "
                  "run with /usr/bin/python3 if another python3 comes first in PATH)", file=sys.stderr)
            return 2
    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    unknown = [t for t in targets if t not in ALL_TARGETS]
    if unknown:
        print("io_compare: unknown target(s) %s; known: %s" % (", ".join(unknown), ", ".join(ALL_TARGETS)),
              file=sys.stderr)
        return 2
    tests = [t.strip().lower() for t in args.tests.split(",") if t.strip()]
    clients = [int(x) for x in args.clients.split(",") if x.strip()]
    pipelines = [int(x) for x in args.pipeline.split(",") if x.strip()]
    if not shutil.which(args.redis_benchmark):
        print("io_compare: redis-benchmark not found (apt-get install redis-tools)", file=sys.stderr)
        return 2
    notes = []
    for what, path, used in (("reactorkv", args.server, any(t.startswith("rkv-") for t in targets)),
                             ("rkv-ceiling", args.ceiling, "ceiling" in targets)):
        if used and not (os.path.isfile(path) and os.access(path, os.X_OK)):
            print("io_compare: no %s binary at %s (build it first)" % (what, path), file=sys.stderr)
            return 2
    for t in ("redis", "redis-iothreads4"):
        if t in targets and not (args.redis_server and shutil.which(args.redis_server)):
            notes.append("%s: skipped, redis-server not installed" % t)
            targets.remove(t)

    # 500 clients need 500+ fds in redis-benchmark and in each server; children inherit
    # this process's limit (reactorkv and redis raise their own further if they can).
    nofile = raise_nofile(max(clients) * 2 + 1024)
    if nofile < max(clients) + 64:
        print("io_compare: fd limit %d is too low for %d clients" % (nofile, max(clients)), file=sys.stderr)
        return 2

    lo, hi = (int(x) for x in args.port_range.split("-"))
    workdir = tempfile.mkdtemp(prefix="rkv-iocmp-")
    servers = []
    used_ports = []
    failures = []
    samples = {}  # (target, clients, pipeline, TEST) -> list of (rps, p50, p99, us/req)
    cells = []
    try:
        for name in targets:
            port = free_port(lo, hi, exclude=used_ports)
            used_ports.append(port)
            cmd, check = target_spec(name, args, port, workdir)
            s = Server(name, cmd, port, workdir)
            try:
                s.start()
            except RuntimeError as e:
                # A server that refuses the configuration is a skipped mode, not a failure.
                if name.startswith("rkv-") and name != "rkv-epoll":
                    last = (str(e).strip().splitlines() or ["?"])[-1]
                    notes.append("%s: skipped, server refused to start (%s)" % (name, last))
                    print("io_compare: " + notes[-1], file=sys.stderr)
                    continue
                raise
            why = check(s) if check else None
            if why:
                notes.append("%s: skipped, %s" % (name, why))
                print("io_compare: " + notes[-1], file=sys.stderr)
                s.stop()
                continue
            servers.append(s)
            print("io_compare: %s pid %d on 127.0.0.1:%d" % (name, s.proc.pid, port), file=sys.stderr)

        started = time.monotonic()
        for rnd in range(args.rounds):
            order = servers if rnd % 2 == 0 else list(reversed(servers))
            for c in clients:
                for p in pipelines:
                    for test in tests:
                        n = args.requests * (p if args.scale_requests else 1)
                        for s in order:
                            if not s.alive():
                                continue
                            rkv = s.label.startswith("rkv-")
                            before = io_counters(s.port) if rkv else None
                            rows, cpu, nreq, error = run_redis_benchmark(
                                args.redis_benchmark, s, test, p, n, c, ["-r", str(args.keyspace)],
                                args.run_timeout)
                            if error:
                                failures.append("%s %s -c %d -P %d round %d: %s" %
                                                (s.label, test, c, p, rnd + 1, error))
                                print("io_compare: ERROR " + failures[-1], file=sys.stderr)
                            us = cpu * 1e6 / nreq if nreq else float("nan")
                            calls_per_cmd = cmds_per_wake = float("nan")
                            if rkv and s.alive():
                                after = io_counters(s.port)
                                d = [a - b for a, b in zip(after, before)]
                                if d[2] > 0:
                                    calls_per_cmd = d[0] / d[2]
                                if d[1] > 0:
                                    cmds_per_wake = d[2] / d[1]
                            for r in rows:
                                cell = (c, p, r["test"])
                                if cell not in cells:
                                    cells.append(cell)
                                samples.setdefault((s.label,) + cell, []).append(
                                    (r["rps"], r["p50_ms"], r["p99_ms"], us, calls_per_cmd, cmds_per_wake))
            print("io_compare: round %d/%d done (%.0fs)" % (rnd + 1, args.rounds, time.monotonic() - started),
                  file=sys.stderr)
    except RuntimeError as e:
        print("io_compare: %s" % e, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("io_compare: interrupted", file=sys.stderr)
        return 1
    finally:
        for s in servers:
            s.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    ran = [s.label for s in servers]
    res = {}
    for key, v in samples.items():
        res[key] = {"rps": median([x[0] for x in v]), "p50": median([x[1] for x in v]),
                    "p99": median([x[2] for x in v]), "us": median([x[3] for x in v]),
                    "calls": median([x[4] for x in v]), "per_wake": median([x[5] for x in v]), "n": len(v)}

    hdr = ["clients", "P", "test", "target", "requests/s", "% of ceiling", "p50 ms", "p99 ms",
           "CPU µs/req", "syscalls/cmd", "cmds/wake"]
    lines = []
    for cell in cells:
        ceil = res.get(("ceiling",) + cell, {}).get("rps", float("nan"))
        for t in ran:
            r = res.get((t,) + cell)
            if not r:
                continue
            pct = 100.0 * r["rps"] / ceil if ceil == ceil and ceil > 0 else float("nan")
            lines.append([str(cell[0]), str(cell[1]), cell[2], t, fmt(r["rps"], "%.0f"), fmt(pct, "%.0f%%"),
                          fmt(r["p50"], "%.3f"), fmt(r["p99"], "%.3f"), fmt(r["us"], "%.2f"),
                          fmt(r["calls"], "%.2f"), fmt(r["per_wake"], "%.1f")])
    widths = [max(len(x) for x in col) for col in zip(hdr, *lines)]
    print()
    print("medians of %d interleaved rounds, -n %d%s, -r %d" %
          (args.rounds, args.requests, " x P" if args.scale_requests else "", args.keyspace))
    for row in [hdr] + lines:
        print("  ".join(x.rjust(w) if i in (0, 1) or i > 3 else x.ljust(w)
                        for i, (x, w) in enumerate(zip(row, widths))))
    for n in notes:
        print("note: " + n)

    if args.markdown:
        md = ["Measured %s on %s, %d CPUs; `%s`" % (
            datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            platform.node() or "?", os.cpu_count() or 0,
            shlex.join(["python3", "tools/io_compare.py"] + sys.argv[1:])), ""]
        md.append("| " + " | ".join(hdr) + " |")
        md.append("|---:|---:|---|---|" + "---:|" * (len(hdr) - 4))
        md += ["| " + " | ".join(row) + " |" for row in lines]
        md.append("")
        if notes:
            md += ["Not measured:", ""] + ["- " + n for n in notes]
        text = "\n".join(md).rstrip() + "\n"
        emit_markdown(args.markdown, text, "io_compare", mode="w")
    if args.png and cells and ran:
        write_png(args.png, cells, ran, res)
        print("io_compare: chart written to %s" % args.png, file=sys.stderr)

    if failures:
        print("\nio_compare: %d run(s) failed:" % len(failures), file=sys.stderr)
        for f_ in failures:
            print("  " + f_, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
