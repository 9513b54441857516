#!/usr/bin/env python3
"""Throughput and server CPU per request: reactorkv beside Debian's redis-server.

Starts each server on its own free loopback port with equivalent settings (no
persistence), then runs redis-benchmark against them INTERLEAVED: for every round, every
pipeline depth and every test, both servers run back to back, and the one that goes
first alternates between rounds, so slow drifts of a shared machine hit both alike.

Per (test, pipeline) it prints the median requests/s of each server and the ratio
ours/redis, and the median server CPU time per request (utime+stime of the server pid
from /proc/<pid>/stat, read just before and after each run) and its ratio.

  python3 tools/bench.py --server build/reactorkv-server
  python3 tools/bench.py --rounds 3 --tests get,set --pipeline 1,16,64 --markdown docs/x.md
  python3 tools/bench.py --tests set --config 'maxmemory 8mb' --config 'maxmemory-policy allkeys-lru'

Exit status: 0 on success, 1 when redis-benchmark reported an error or a server died,
2 on a usage or start-up problem. Only 127.0.0.1 is ever contacted; the script stops
both servers before it returns, whatever happens.
"""
import argparse
import datetime
import json
import os
import platform
import shlex
import shutil
import statistics
import sys
import tempfile
import time

from benchlib import Server, free_port, info, redis_like_args, run_redis_benchmark, emit_markdown

# redis-benchmark runs "ping" as two tests; run them one at a time so each invocation
# measures exactly one test's CPU.
EXPAND = {"ping": ["ping_inline", "ping_mbulk"]}


def run_benchmark(args, server, test, pipeline):
    """One redis-benchmark invocation of one test; returns (rows, cpu_s, requests, error)."""
    requests = args.requests * (pipeline if args.scale_requests else 1)
    extra = ["-d", str(args.data_size)]
    if args.keyspace > 0:
        extra += ["-r", str(args.keyspace)]
    return run_redis_benchmark(args.redis_benchmark, server, test, pipeline, requests, args.clients,
                               extra, args.run_timeout)


def fmt_rate(x):
    return "%.0f" % x if x == x else "-"


def fmt_ratio(a, b):
    return "%.2f" % (a / b) if a == a and b == b and b > 0 else "-"


def fmt_us(x):
    return "%.2f" % x if x == x else "-"


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server", default=os.path.join(repo, "build", "reactorkv-server"),
                    help="reactorkv binary (default: build/reactorkv-server)")
    ap.add_argument("--server-args", default="",
                    help="extra arguments for reactorkv only, e.g. '--io-backend poll'")
    ap.add_argument("--config", action="append", default=[], metavar="'NAME VALUE...'",
                    help="a directive for BOTH servers, e.g. 'maxmemory 8mb' (repeatable); the "
                         "end-of-run summary then shows each server's used_memory and "
                         "evicted_keys")
    ap.add_argument("--redis-server", default=shutil.which("redis-server") or "",
                    help="reference server binary ('' to benchmark reactorkv alone)")
    ap.add_argument("--redis-benchmark", default=shutil.which("redis-benchmark") or "redis-benchmark")
    ap.add_argument("--tests", default="ping,set,get,incr,mset",
                    help="comma-separated redis-benchmark tests (default: %(default)s)")
    ap.add_argument("--clients", type=int, default=50, help="-c (default: %(default)s)")
    ap.add_argument("--pipeline", default="1,16", help="comma-separated -P values (default: %(default)s)")
    ap.add_argument("--requests", type=int, default=100000,
                    help="-n per run, multiplied by the pipeline depth unless --no-scale-requests "
                         "(default: %(default)s)")
    ap.add_argument("--no-scale-requests", dest="scale_requests", action="store_false")
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default: %(default)s)")
    ap.add_argument("--keyspace", type=int, default=100000,
                    help="-r random keyspace size, 0 for one fixed key (default: %(default)s)")
    ap.add_argument("--data-size", type=int, default=3, help="-d value size (default: %(default)s)")
    ap.add_argument("--run-timeout", type=int, default=300, help="seconds before a run is abandoned")
    ap.add_argument("--port-range", default="7300-7399",
                    help="look for free ports here first (default: %(default)s)")
    ap.add_argument("--markdown", nargs="?", const="-", default=None, metavar="FILE",
                    help="append a Markdown table to FILE ('-' or no FILE: print it)")
    ap.add_argument("--json", metavar="FILE", help="write every sample as JSON")
    args = ap.parse_args()

    if not os.path.isfile(args.server) or not os.access(args.server, os.X_OK):
        print("bench: no server binary at %s (build it first: make build)" % args.server, file=sys.stderr)
        return 2
    if not shutil.which(args.redis_benchmark):
        print("bench: redis-benchmark not found (apt-get install redis-tools)", file=sys.stderr)
        return 2
    if args.redis_server and not shutil.which(args.redis_server):
        print("bench: %s not found; benchmarking reactorkv alone" % args.redis_server, file=sys.stderr)
        args.redis_server = ""
    if not args.redis_server:
        print("bench: no reference redis-server; benchmarking reactorkv alone", file=sys.stderr)
    tests = []
    for t in args.tests.split(","):
        t = t.strip().lower()
        if t:
            tests.extend(EXPAND.get(t, [t]))
    pipelines = [int(x) for x in args.pipeline.split(",") if x.strip()]
    lo, hi = (int(x) for x in args.port_range.split("-"))
    # '--config "maxmemory 8mb"' -> ['--maxmemory', '8mb'], as both servers parse it.
    common = []
    for directive in args.config:
        words = shlex.split(directive)
        if words:
            common += ["--" + words[0]] + words[1:]
    after = {}  # server label -> INFO fields read after the last round

    workdir = tempfile.mkdtemp(prefix="rkv-bench-")
    servers = []
    failures = []
    # samples[(server_label, test_row_name, pipeline)] = list of (rps, us_per_req, p50_ms)
    samples = {}
    order_of_rows = []
    try:
        port = free_port(lo, hi)
        servers.append(Server("reactorkv", redis_like_args(os.path.abspath(args.server), port, workdir,
                                                           common + args.server_args.split()),
                              port, workdir))
        servers[-1].start()
        if args.redis_server:
            port = free_port(port + 1, hi) if port < hi else free_port()
            servers.append(Server("redis", redis_like_args(args.redis_server, port, workdir, common), port,
                                  workdir))
            servers[-1].start()
        for s in servers:
            print("bench: %s pid %d on 127.0.0.1:%d" % (s.label, s.proc.pid, s.port), file=sys.stderr)

        started = time.monotonic()
        for rnd in range(args.rounds):
            order = servers if rnd % 2 == 0 else list(reversed(servers))
            for pipeline in pipelines:
                for test in tests:
                    for s in order:
                        if not s.alive():
                            continue
                        rows, cpu, nreq, error = run_benchmark(args, s, test, pipeline)
                        if error:
                            failures.append("%s %s -P %d round %d: %s" % (s.label, test, pipeline, rnd + 1, error))
                            print("bench: ERROR " + failures[-1], file=sys.stderr)
                        us = cpu * 1e6 / nreq if nreq else float("nan")
                        for r in rows:
                            key = (r["test"], pipeline)
                            if key not in order_of_rows:
                                order_of_rows.append(key)
                            samples.setdefault((s.label,) + key, []).append((r["rps"], us, r["p50_ms"]))
            print("bench: round %d/%d done (%.0fs)" % (rnd + 1, args.rounds, time.monotonic() - started),
                  file=sys.stderr)
        if args.config:
            for s in servers:
                if s.alive():
                    fields = info(s.port, "everything")
                    after[s.label] = {k: fields.get(k, "?") for k in
                                      ("used_memory", "maxmemory", "maxmemory_policy", "evicted_keys")}
    except RuntimeError as e:
        print("bench: %s" % e, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        return 1
    finally:
        for s in servers:
            s.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    have_redis = bool(args.redis_server)
    table = []
    for test, pipeline in order_of_rows:
        ours = samples.get(("reactorkv", test, pipeline), [])
        ref = samples.get(("redis", test, pipeline), [])
        o_rps, r_rps = median([x[0] for x in ours]), median([x[0] for x in ref])
        o_us, r_us = median([x[1] for x in ours]), median([x[1] for x in ref])
        table.append((test, pipeline, o_rps, r_rps, o_us, r_us, len(ours), len(ref)))

    hdr = ["test", "P", "reactorkv rps", "redis rps", "ratio", "reactorkv CPU us/req",
           "redis CPU us/req", "CPU ratio"]
    lines = [hdr]
    for test, pipeline, o_rps, r_rps, o_us, r_us, _, _ in table:
        lines.append([test, str(pipeline), fmt_rate(o_rps), fmt_rate(r_rps) if have_redis else "-",
                      fmt_ratio(o_rps, r_rps), fmt_us(o_us), fmt_us(r_us) if have_redis else "-",
                      fmt_ratio(o_us, r_us)])
    widths = [max(len(row[i]) for row in lines) for i in range(len(hdr))]
    print()
    print("medians of %d interleaved rounds, -c %d, -n %d%s, -r %d, -d %d" %
          (args.rounds, args.clients, args.requests, " x P" if args.scale_requests else "",
           args.keyspace, args.data_size))
    for row in lines:
        print("  ".join(c.rjust(w) if i > 0 else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))))
    print("(ratio = reactorkv / redis: above 1 is faster for rps, below 1 is cheaper for CPU)")
    for label, fields in after.items():
        print("%s after the runs: %s" % (label, ", ".join("%s %s" % kv for kv in fields.items())))

    if args.markdown is not None:
        md = []
        md.append("Measured %s on %s, %d CPUs; `%s`" % (
            datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), platform.node() or "?", os.cpu_count() or 0,
            shlex.join(["python3", "tools/bench.py"] + sys.argv[1:])))
        md.append("")
        md.append("| " + " | ".join(hdr) + " |")
        md.append("|" + "|".join(["---"] + ["---:"] * (len(hdr) - 1)) + "|")
        for row in lines[1:]:
            md.append("| " + " | ".join(row) + " |")
        md.append("")
        for label, fields in after.items():
            md.append("%s after the runs: %s  " % (label, ", ".join("%s %s" % kv for kv in fields.items())))
        if after:
            md.append("")
        text = "\n".join(md) + "\n"
        emit_markdown(args.markdown, text, "bench")

    if args.json:
        out = {"settings": {k: v for k, v in vars(args).items()}, "failures": failures,
               "samples": [{"server": k[0], "test": k[1], "pipeline": k[2],
                            "rps": [x[0] for x in v], "cpu_us_per_req": [x[1] for x in v],
                            "p50_ms": [x[2] for x in v]} for k, v in samples.items()]}
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)

    if failures:
        print("\nbench: %d run(s) failed:" % len(failures), file=sys.stderr)
        for f_ in failures:
            print("  " + f_, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
