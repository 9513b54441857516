#!/usr/bin/env python3
"""redis-py (Debian's python3-redis) against a running server, used as applications use it.

The same tests run against reactorkv in each IO mode and against Debian's redis-server,
so an expectation that only our server meets shows up as a failure of the reference run.

    tests/clients/redis_py_test.py --server build/reactorkv-server -- --io-backend epoll
    tests/clients/redis_py_test.py --server /usr/bin/redis-server

Exit code 77 (ctest's skip) when redis-py is not installed or the server refuses the mode
(io_uring on a kernel that does not allow it).
"""
import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

try:
    import redis
    from redis.exceptions import LockNotOwnedError, ResponseError, WatchError
except ImportError:
    print("redis_py_test: skipped: redis-py not installed (apt-get install python3-redis)")
    sys.exit(77)

SKIP = 77
SERVER = None  # ServerProcess shared by the tests of one run


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    def __init__(self, binary, extra_args):
        self.log = tempfile.NamedTemporaryFile(prefix="rkv-py-", suffix=".log", delete=False)
        self.port = free_port()
        args = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no"] + extra_args
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited with %d: %s" % (self.proc.returncode,
                                                                   self.log_text()))
            try:
                if redis.Redis(port=self.port, socket_timeout=1).ping():
                    return
            except redis.exceptions.ConnectionError:
                time.sleep(0.02)
        self.stop()
        raise RuntimeError("server did not answer PING: " + self.log_text())

    def log_text(self):
        with open(self.log.name, errors="replace") as f:
            return f.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        os.unlink(self.log.name)
        return self.proc.returncode


class ClientTest(unittest.TestCase):
    def setUp(self):
        self.r = self.client()
        self.r.flushall()
        self.r.script_flush()
        self.r.function_flush()
        self.r.config_set("notify-keyspace-events", "")
        self.r.config_set("busy-reply-threshold", 5000)

    def tearDown(self):
        self.r.close()

    def client(self, **kwargs):
        return redis.Redis(port=SERVER.port, socket_timeout=10, **kwargs)

    def wait_for(self, predicate, timeout=5.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.005)
        return False

    def messages(self, pubsub, quiet=0.2):
        """Every message that arrives until none has for `quiet` seconds."""
        out = []
        while True:
            m = pubsub.get_message(timeout=quiet)
            if m is None:
                return out
            out.append((m["type"], m["channel"], m["data"]))


class PubSubTest(ClientTest):
    def test_channels_and_patterns(self):
        p = self.r.pubsub()
        p.subscribe("news")
        p.psubscribe("n*")
        self.assertEqual(self.messages(p), [("subscribe", b"news", 1), ("psubscribe", b"n*", 2)])
        self.assertEqual(self.r.publish("news", "hi"), 2)
        self.assertEqual(self.r.publish("nope", "x"), 1)
        self.assertEqual(self.messages(p), [("message", b"news", b"hi"),
                                            ("pmessage", b"news", b"hi"),
                                            ("pmessage", b"nope", b"x")])
        self.assertEqual(self.r.pubsub_channels(), [b"news"])
        self.assertEqual(self.r.pubsub_numsub("news", "other"), [(b"news", 1), (b"other", 0)])
        self.assertEqual(self.r.pubsub_numpat(), 1)
        p.unsubscribe("news")
        p.punsubscribe("n*")
        self.assertEqual(self.messages(p), [("unsubscribe", b"news", 1),
                                            ("punsubscribe", b"n*", 0)])
        self.assertEqual(self.r.publish("news", "gone"), 0)
        p.close()

    def test_handler_thread(self):
        got = []
        done = threading.Event()

        def handler(message):
            got.append(message["data"])
            if len(got) == 3:
                done.set()

        p = self.r.pubsub(ignore_subscribe_messages=True)
        p.subscribe(jobs=handler)
        worker = p.run_in_thread(sleep_time=0.01, daemon=True)
        self.assertTrue(self.wait_for(lambda: self.r.pubsub_numsub("jobs") == [(b"jobs", 1)]))
        for i in range(3):
            self.r.publish("jobs", str(i))
        self.assertTrue(done.wait(5))
        worker.stop()
        worker.join(5)
        self.assertEqual(got, [b"0", b"1", b"2"])

    def test_keyspace_notifications(self):
        self.r.config_set("notify-keyspace-events", "KEA")
        p = self.r.pubsub()
        p.psubscribe("__keyspace@0__:*")
        self.messages(p)
        self.r.set("k", "v")
        self.r.expire("k", 100)
        self.r.lpush("l", "a")
        self.r.delete("k")
        self.r.set("short", "v", px=1)
        self.assertTrue(self.wait_for(lambda: self.r.exists("short") == 0))
        events = [(c, d) for _, c, d in self.messages(p) if _ == "pmessage"]
        self.assertEqual(events, [(b"__keyspace@0__:k", b"set"),
                                  (b"__keyspace@0__:k", b"expire"),
                                  (b"__keyspace@0__:l", b"lpush"),
                                  (b"__keyspace@0__:k", b"del"),
                                  (b"__keyspace@0__:short", b"set"),
                                  (b"__keyspace@0__:short", b"expire"),
                                  (b"__keyspace@0__:short", b"expired")])
        p.close()


class TransactionTest(ClientTest):
    def test_pipeline_is_a_transaction(self):
        with self.r.pipeline() as pipe:
            pipe.set("a", "1").incr("a").lpush("l", "x", "y").lrange("l", 0, -1)
            self.assertEqual(pipe.execute(), [True, 2, 2, [b"y", b"x"]])

    def test_watch_retries_after_a_concurrent_write(self):
        other = self.client()
        seen = []

        def bump(pipe):
            value = int(pipe.get("counter") or 0)
            if not seen:
                other.set("counter", 100)  # someone else writes between WATCH and EXEC
            seen.append(value)
            pipe.multi()
            pipe.set("counter", value + 1)

        self.r.transaction(bump, "counter")
        self.assertEqual(seen, [0, 100])
        self.assertEqual(self.r.get("counter"), b"101")
        other.close()

    def test_watch_error_surfaces_without_retry(self):
        other = self.client()
        with self.r.pipeline() as pipe:
            pipe.watch("w")
            other.set("w", "changed")
            pipe.multi()
            pipe.set("w", "mine")
            with self.assertRaises(WatchError):
                pipe.execute()
        self.assertEqual(self.r.get("w"), b"changed")
        other.close()

    def test_errors_inside_and_before_exec(self):
        self.r.set("s", "x")
        with self.r.pipeline() as pipe:
            pipe.lpush("s", "y").get("s")
            result = pipe.execute(raise_on_error=False)
        self.assertIsInstance(result[0], ResponseError)
        self.assertTrue(str(result[0]).startswith("WRONGTYPE"))
        self.assertEqual(result[1], b"x")
        # A queuing error (wrong arity) aborts the whole transaction.
        with self.r.pipeline() as pipe:
            pipe.set("t", "1")
            pipe.execute_command("GET")
            with self.assertRaises(ResponseError) as ctx:
                pipe.execute()
        self.assertIn("wrong number of arguments for 'get' command", str(ctx.exception))
        self.assertIsNone(self.r.get("t"))


class ScriptTest(ClientTest):
    def test_registered_script_reloads_after_script_flush(self):
        incrby = self.r.register_script("return redis.call('incrby', KEYS[1], ARGV[1])")
        self.assertEqual(incrby(keys=["c"], args=[5]), 5)
        self.assertEqual(self.r.script_exists(incrby.sha), [True])
        self.r.script_flush()
        self.assertEqual(self.r.script_exists(incrby.sha), [False])
        self.assertEqual(incrby(keys=["c"], args=[2]), 7)  # NOSCRIPT, then loaded again

    def test_scripts_in_a_pipeline(self):
        push = self.r.register_script(
            "redis.call('rpush', KEYS[1], ARGV[1]) return redis.call('llen', KEYS[1])")
        with self.r.pipeline() as pipe:
            for i in range(3):
                push(keys=["q"], args=[i], client=pipe)
            pipe.lrange("q", 0, -1)
            self.assertEqual(pipe.execute(), [1, 2, 3, [b"0", b"1", b"2"]])

    def test_conversions_and_errors(self):
        self.assertEqual(self.r.eval("return {1, 'two', {3, 4.9}, true, false, nil, 5}", 0),
                         [1, b"two", [3, 4], 1, None])
        self.assertEqual(self.r.eval("return redis.status_reply('FINE')", 0), b"FINE")
        with self.assertRaisesRegex(ResponseError, "^my error$"):
            self.r.eval("return redis.error_reply('my error')", 0)
        with self.assertRaisesRegex(ResponseError, "WRONGTYPE"):
            self.r.set("str", "v")
            self.r.eval("return redis.call('lpush', KEYS[1], 'x')", 1, "str")
        pcall = self.r.eval("local r = redis.pcall('lpush', KEYS[1], 'x') return r['err']", 1,
                            "str")
        self.assertTrue(pcall.startswith(b"WRONGTYPE"))
        with self.assertRaisesRegex(ResponseError, "Script attempted to access nonexistent "
                                    "global variable 'undefined_thing'"):
            self.r.eval("return undefined_thing", 0)

    def test_libraries(self):
        self.assertEqual(self.r.eval("return cjson.encode(cjson.decode(ARGV[1]))", 0,
                                     '[1,"a",[true,null]]'), b'[1,"a",[true,null]]')
        self.assertEqual(self.r.eval("return cmsgpack.unpack(cmsgpack.pack({1, 'x', {2}}))", 0),
                         [1, b"x", [2]])
        self.assertEqual(self.r.eval("return bit.band(0xff, 0x0f)", 0), 15)
        self.assertEqual(self.r.eval("return {struct.unpack('>I2', struct.pack('>I2', 513))}", 0),
                         [513, 3])
        self.assertEqual(self.r.eval("return redis.sha1hex('')", 0),
                         b"da39a3ee5e6b4b0d3255bfef95601890afd80709")

    def test_lock_with_token_release(self):
        lock = self.r.lock("resource", timeout=10, blocking_timeout=1)
        self.assertTrue(lock.acquire())
        self.assertTrue(lock.locked())
        self.assertTrue(lock.owned())
        rival = self.r.lock("resource", blocking_timeout=0.1)
        self.assertFalse(rival.acquire())
        self.assertTrue(lock.extend(20))
        self.assertGreater(self.r.pttl("resource"), 20000)
        self.assertTrue(lock.reacquire())
        self.assertLessEqual(self.r.pttl("resource"), 10000)
        lock.release()
        self.assertFalse(lock.locked())
        self.assertTrue(rival.acquire())
        # A holder whose lock expired and was taken over cannot release the new owner's.
        self.r.set("resource", "someone-else")
        with self.assertRaises(LockNotOwnedError):
            rival.release()
        self.assertEqual(self.r.get("resource"), b"someone-else")

    def test_functions(self):
        code = ("#!lua name=counters\n"
                "redis.register_function('bump', function(keys, args)\n"
                "  return redis.call('incrby', keys[1], args[1]) end)\n"
                "redis.register_function{function_name='peek', flags={'no-writes'},\n"
                "  callback=function(keys) return redis.call('get', keys[1]) end}\n")
        self.assertEqual(self.r.function_load(code), b"counters")
        self.assertEqual(self.r.fcall("bump", 1, "n", 4), 4)
        self.assertEqual(self.r.fcall_ro("peek", 1, "n"), b"4")
        with self.assertRaisesRegex(ResponseError, "Can not execute a script with write flag "
                                    "using \\*_ro command"):
            self.r.fcall_ro("bump", 1, "n", 1)
        listed = self.r.function_list()
        self.assertEqual(len(listed), 1)
        self.assertEqual(listed[0][1], b"counters")
        dump = self.r.function_dump()
        self.r.function_flush()
        with self.assertRaisesRegex(ResponseError, "Function not found"):
            self.r.fcall("bump", 1, "n", 1)
        self.assertTrue(self.r.function_restore(dump))
        self.assertEqual(self.r.fcall("bump", 1, "n", 1), 5)

    def test_busy_script_is_killed(self):
        self.r.config_set("busy-reply-threshold", 100)
        runner = self.client()
        outcome = []

        def run():
            try:
                runner.eval("local i = 0 while true do i = i + 1 end", 0)
            except ResponseError as e:
                outcome.append(str(e))

        thread = threading.Thread(target=run)
        thread.start()

        def busy():
            try:
                self.r.ping()
                return False
            except ResponseError as e:
                return str(e).startswith("BUSY")

        self.assertTrue(self.wait_for(busy))
        self.assertTrue(self.r.script_kill())
        thread.join(10)
        self.assertEqual(len(outcome), 1)
        self.assertTrue(outcome[0].startswith("Script killed by user with SCRIPT KILL"))
        self.assertTrue(self.r.ping())
        runner.close()

    def test_script_push_wakes_a_blocked_client(self):
        popped = []
        waiter = self.client()
        thread = threading.Thread(target=lambda: popped.append(waiter.blpop("q", timeout=5)))
        thread.start()
        self.assertTrue(self.wait_for(
            lambda: self.r.info("clients")["blocked_clients"] == 1))
        self.assertEqual(self.r.eval("redis.call('rpush', KEYS[1], 'job') "
                                     "return redis.call('llen', KEYS[1])", 1, "q"), 1)
        thread.join(10)
        self.assertEqual(popped, [(b"q", b"job")])
        self.assertEqual(self.r.llen("q"), 0)
        waiter.close()


def main():
    global SERVER
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True, help="server binary")
    parser.add_argument("server_args", nargs="*", help="extra server arguments (after --)")
    opts, rest = parser.parse_known_args()
    try:
        SERVER = ServerProcess(opts.server, opts.server_args)
    except RuntimeError as e:
        if "io_uring" in " ".join(opts.server_args):
            print("redis_py_test: skipped: the server refused io_uring here: %s" % e)
            return SKIP
        print("redis_py_test: %s" % e, file=sys.stderr)
        return 1
    try:
        result = unittest.main(argv=[sys.argv[0]] + rest, exit=False, verbosity=2).result
    finally:
        status = SERVER.stop()
    if status != 0:
        print("redis_py_test: server exited with %s" % status, file=sys.stderr)
        return 1
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
