#!/usr/bin/env python3
"""Worst-case latency while the keyspace grows (incremental rehashing at work).

One connection loads N keys with pipelined SETs (batches of --batch); a second
connection sends PING in a loop and records each round trip. A table that rehashed in
one go would show a spike as large as the rehash of the biggest table (hundreds of ms
at 10M keys); incremental rehashing keeps the worst PING near the cost of one batch.

Runs reactorkv and, when installed, redis-server, one after the other, each started by
this script on a free port. Prints max / p99.9 / p99 PING latency for each.
"""
import argparse
import os
import shutil
import socket
import subprocess
import threading
import time

from benchlib import free_port


def wait_ready(port, proc, timeout=10.0):
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            raise RuntimeError("server exited early")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("server did not start")


def load(port, keys, batch, done):
    s = socket.create_connection(("127.0.0.1", port))
    value = b"v" * 10
    pending = b""
    for start in range(0, keys, batch):
        parts = []
        for i in range(start, min(start + batch, keys)):
            k = b"key:%012d" % i
            parts.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$10\r\n%s\r\n" % (len(k), k, value))
        s.sendall(b"".join(parts))
        need = (min(start + batch, keys) - start) * 5  # "+OK\r\n"
        got = 0
        while got < need:
            chunk = s.recv(1 << 20)
            if not chunk:
                raise RuntimeError("connection closed")
            got += len(chunk)
    s.close()
    done.set()


def ping_loop(port, done, samples):
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    while not done.is_set():
        t0 = time.perf_counter()
        s.sendall(b"PING\r\n")
        buf = b""
        while not buf.endswith(b"\r\n"):
            buf += s.recv(64)
        samples.append(time.perf_counter() - t0)
        time.sleep(0.0005)
    s.close()


def run(name, cmd, port, keys, batch):
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(port, proc)
        done = threading.Event()
        samples = []
        pinger = threading.Thread(target=ping_loop, args=(port, done, samples))
        pinger.start()
        t0 = time.time()
        load(port, keys, batch, done)
        elapsed = time.time() - t0
        pinger.join()
        samples.sort()
        pick = lambda q: samples[min(len(samples) - 1, int(q * len(samples)))] * 1000
        print(f"| {name} | {keys:,} | {elapsed:.1f} s | {len(samples)} | {pick(0.99):.2f} | "
              f"{pick(0.999):.2f} | {samples[-1] * 1000:.2f} |", flush=True)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--server", default="build/reactorkv-server")
    ap.add_argument("--keys", type=int, default=10_000_000)
    ap.add_argument("--batch", type=int, default=1000)
    args = ap.parse_args()
    print("| server | keys | load time | pings | p99 ms | p99.9 ms | max ms |")
    print("|---|---|---|---|---|---|---|")
    port = free_port()
    run("reactorkv", [os.path.abspath(args.server), "--port", str(port), "--bind", "127.0.0.1",
                      "--loglevel", "warning"], port, args.keys, args.batch)
    if shutil.which("redis-server"):
        port = free_port()
        run("redis-server", ["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no", "--loglevel", "warning"],
            port, args.keys, args.batch)


if __name__ == "__main__":
    main()
