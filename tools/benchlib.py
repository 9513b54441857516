"""Helpers shared by the benchmark tools in this directory."""
import socket


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
