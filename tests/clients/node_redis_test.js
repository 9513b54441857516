#!/usr/bin/env node
// node-redis (Debian's node-redis 4.5) against a running server, used as applications
// use it. Like redis_py_test.py, it runs against reactorkv in each IO mode and against
// Debian's redis-server, whose run proves the expectations.
//
//   NODE_PATH=/usr/share/nodejs node tests/clients/node_redis_test.js \
//       --server build/reactorkv-server -- --io-backend epoll
//
// Exit code 77 (ctest's skip) when node-redis is not installed or the server refuses the
// mode (io_uring on a kernel that does not allow it).
'use strict';

const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const SKIP = 77;
let redis;
try {
  redis = require('redis');
} catch (e) {
  console.log('node_redis_test: skipped: node-redis not installed (apt-get install node-redis)');
  process.exit(SKIP);
}
const { createClient, defineScript, commandOptions } = redis;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

class ServerProcess {
  static async start(binary, extraArgs) {
    const server = new ServerProcess();
    server.port = await freePort();
    server.logPath = path.join(os.tmpdir(), `rkv-node-${process.pid}-${server.port}.log`);
    const log = fs.openSync(server.logPath, 'w');
    const args = ['--port', String(server.port), '--bind', '127.0.0.1', '--save', '',
      '--appendonly', 'no', ...extraArgs];
    server.proc = spawn(binary, args, { stdio: ['ignore', log, log] });
    server.exit = new Promise((resolve) => server.proc.once('exit', (code, signal) =>
      resolve({ code, signal })));
    fs.closeSync(log);
    const deadline = Date.now() + 10000;
    while (Date.now() < deadline) {
      if (server.proc.exitCode !== null) break;
      if (await server.answersPing()) return server;
      await sleep(20);
    }
    await server.stop();
    throw new Error(`server did not answer PING: ${server.logText()}`);
  }

  answersPing() {
    return new Promise((resolve) => {
      const sock = net.connect(this.port, '127.0.0.1');
      sock.once('error', () => resolve(false));
      sock.once('data', (d) => {
        sock.destroy();
        resolve(d.toString().startsWith('+PONG'));
      });
      sock.once('connect', () => sock.write('PING\r\n'));
    });
  }

  logText() {
    try {
      return fs.readFileSync(this.logPath, 'utf8');
    } catch (e) {
      return '';
    }
  }

  async stop() {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill('SIGTERM');
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 10000);
      await this.exit;
      clearTimeout(timer);
    }
    fs.rmSync(this.logPath, { force: true });
    return this.proc.exitCode;
  }
}

let server;
const clients = [];

async function client(options = {}) {
  const c = createClient({ socket: { host: '127.0.0.1', port: server.port }, ...options });
  c.on('error', () => {}); // a failed test reports through its assertions
  await c.connect();
  clients.push(c);
  return c;
}

async function waitFor(predicate, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return true;
    await sleep(5);
  }
  return false;
}

// Collects what a subscription callback receives until `count` arrived (or 5 s passed).
function collector() {
  const got = [];
  return {
    got,
    push: (...args) => got.push(args),
    until: (count) => waitFor(() => got.length >= count),
  };
}

const tests = {
  async pubsubChannelsAndPatterns(r) {
    const sub = await client();
    const exact = collector();
    const pattern = collector();
    await sub.subscribe('news', (message, channel) => exact.push(channel, message));
    await sub.pSubscribe('n*', (message, channel) => pattern.push(channel, message));
    assert.equal(await r.publish('news', 'hi'), 2);
    assert.equal(await r.publish('nope', 'x'), 1);
    assert.ok(await exact.until(1));
    assert.ok(await pattern.until(2));
    assert.deepEqual(exact.got, [['news', 'hi']]);
    assert.deepEqual(pattern.got, [['news', 'hi'], ['nope', 'x']]);
    assert.deepEqual(await r.pubSubChannels(), ['news']);
    assert.deepEqual({ ...await r.pubSubNumSub(['news', 'other']) }, { news: 1, other: 0 });
    assert.equal(await r.pubSubNumPat(), 1);
    await sub.unsubscribe('news');
    await sub.pUnsubscribe('n*');
    assert.equal(await r.publish('news', 'gone'), 0);
  },

  async keyspaceNotifications(r) {
    await r.configSet('notify-keyspace-events', 'KEA');
    const sub = await client();
    const events = collector();
    await sub.pSubscribe('__keyspace@0__:*', (message, channel) => events.push(channel, message));
    await r.set('k', 'v');
    await r.expire('k', 100);
    await r.lPush('l', 'a');
    await r.del('k');
    await r.set('short', 'v', { PX: 1 });
    assert.ok(await events.until(7));
    assert.deepEqual(events.got, [
      ['__keyspace@0__:k', 'set'], ['__keyspace@0__:k', 'expire'],
      ['__keyspace@0__:l', 'lpush'], ['__keyspace@0__:k', 'del'],
      ['__keyspace@0__:short', 'set'], ['__keyspace@0__:short', 'expire'],
      ['__keyspace@0__:short', 'expired'],
    ]);
  },

  async multiExec(r) {
    const replies = await r.multi().set('a', '1').incr('a').lPush('l', ['x', 'y'])
      .lRange('l', 0, -1).exec();
    assert.deepEqual(replies, ['OK', 2, 2, ['y', 'x']]);
  },

  async watchFailsAfterAConcurrentWrite(r) {
    await r.executeIsolated(async (isolated) => {
      await isolated.watch('w');
      await r.set('w', 'changed');
      await assert.rejects(isolated.multi().set('w', 'mine').exec(),
        (e) => e instanceof redis.WatchError);
    });
    assert.equal(await r.get('w'), 'changed');
    // Unchanged, the same transaction goes through.
    await r.executeIsolated(async (isolated) => {
      await isolated.watch('w');
      assert.deepEqual(await isolated.multi().set('w', 'mine').exec(), ['OK']);
    });
    assert.equal(await r.get('w'), 'mine');
  },

  async errorsInsideAndBeforeExec(r) {
    await r.set('s', 'x');
    const replies = await r.multi().lPush('s', 'y').get('s').exec();
    assert.ok(replies[0] instanceof Error);
    assert.match(replies[0].message, /^WRONGTYPE/);
    assert.equal(replies[1], 'x');
    // A queuing error (wrong arity) aborts the whole transaction; node-redis reports it.
    await assert.rejects(r.multi().set('t', '1').addCommand(['GET']).exec(),
      /^Error: ERR wrong number of arguments for 'get' command$/);
    assert.equal(await r.get('t'), null);
  },

  async definedScriptsReloadAfterScriptFlush() {
    const c = await client({
      scripts: {
        incrBy: defineScript({
          NUMBER_OF_KEYS: 1,
          SCRIPT: "return redis.call('incrby', KEYS[1], ARGV[1])",
          transformArguments: (key, n) => [key, String(n)],
          transformReply: (reply) => reply,
        }),
      },
    });
    assert.equal(await c.incrBy('c', 5), 5);
    await c.scriptFlush();
    assert.equal(await c.incrBy('c', 2), 7); // NOSCRIPT, then EVAL
    assert.deepEqual(await c.multi().incrBy('c', 1).incrBy('c', 1).exec(), [8, 9]);
  },

  async conversionsAndErrors(r) {
    assert.deepEqual(await r.eval("return {1, 'two', {3, 4.9}, true, false, nil, 5}"),
      [1, 'two', [3, 4], 1, null]);
    assert.equal(await r.eval("return redis.status_reply('FINE')"), 'FINE');
    await assert.rejects(r.eval("return redis.error_reply('my error')"), /^Error: my error$/);
    await r.set('str', 'v');
    await assert.rejects(r.eval("return redis.call('lpush', KEYS[1], 'x')", { keys: ['str'] }),
      /WRONGTYPE/);
    await assert.rejects(r.eval('return undefined_thing'),
      /Script attempted to access nonexistent global variable 'undefined_thing'/);
    assert.equal(await r.eval('return cjson.encode(cjson.decode(ARGV[1]))',
      { arguments: ['[1,"a",[true,null]]'] }), '[1,"a",[true,null]]');
    assert.deepEqual(await r.eval("return cmsgpack.unpack(cmsgpack.pack({1, 'x', {2}}))"),
      [1, 'x', [2]]);
  },

  async functions(r) {
    const code = '#!lua name=counters\n' +
      "redis.register_function('bump', function(keys, args)\n" +
      "  return redis.call('incrby', keys[1], args[1]) end)\n" +
      "redis.register_function{function_name='peek', flags={'no-writes'},\n" +
      "  callback=function(keys) return redis.call('get', keys[1]) end}\n";
    assert.equal(await r.functionLoad(code), 'counters');
    assert.equal(await r.fCall('bump', { keys: ['n'], arguments: ['4'] }), 4);
    assert.equal(await r.fCallRo('peek', { keys: ['n'] }), '4');
    await assert.rejects(r.fCallRo('bump', { keys: ['n'], arguments: ['1'] }),
      /Can not execute a script with write flag using \*_ro command/);
    const listed = await r.functionList();
    assert.equal(listed.length, 1);
    assert.equal(listed[0].libraryName, 'counters');
    const dump = await r.functionDump(commandOptions({ returnBuffers: true }));
    await r.functionFlush();
    await assert.rejects(r.fCall('bump', { keys: ['n'], arguments: ['1'] }), /Function not found/);
    assert.equal(await r.functionRestore(dump), 'OK');
    assert.equal(await r.fCall('bump', { keys: ['n'], arguments: ['1'] }), 5);
  },

  async busyScriptIsKilled(r) {
    await r.configSet('busy-reply-threshold', '100');
    const runner = await client();
    const outcome = runner.eval('local i = 0 while true do i = i + 1 end').then(
      () => 'returned', (e) => e.message);
    assert.ok(await waitFor(async () => {
      try {
        await r.ping();
        return false;
      } catch (e) {
        return e.message.startsWith('BUSY');
      }
    }));
    assert.equal(await r.scriptKill(), 'OK');
    assert.match(await outcome, /^ERR Script killed by user with SCRIPT KILL/);
    assert.equal(await r.ping(), 'PONG');
  },

  async scriptPushWakesABlockedClient(r) {
    const waiter = await client();
    const popped = waiter.blPop('q', 5);
    assert.ok(await waitFor(async () => (await r.info('clients')).includes('blocked_clients:1')));
    assert.equal(await r.eval("redis.call('rpush', KEYS[1], 'job') " +
      "return redis.call('llen', KEYS[1])", { keys: ['q'] }), 1);
    assert.deepEqual(await popped, { key: 'q', element: 'job' });
    assert.equal(await r.lLen('q'), 0);
  },
};

async function main() {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--server');
  if (at < 0 || at + 1 >= argv.length) {
    console.error('usage: node_redis_test.js --server BINARY [-- SERVER_ARGS...]');
    return 2;
  }
  const dashes = argv.indexOf('--');
  const serverArgs = dashes >= 0 ? argv.slice(dashes + 1) : [];
  try {
    server = await ServerProcess.start(argv[at + 1], serverArgs);
  } catch (e) {
    if (serverArgs.includes('io_uring')) {
      console.log(`node_redis_test: skipped: the server refused io_uring here: ${e.message}`);
      return SKIP;
    }
    console.error(`node_redis_test: ${e.message}`);
    return 1;
  }
  let failed = 0;
  const r = await client();
  for (const [name, test] of Object.entries(tests)) {
    await r.flushAll();
    await r.scriptFlush();
    await r.functionFlush();
    await r.configSet('notify-keyspace-events', '');
    await r.configSet('busy-reply-threshold', '5000');
    const started = Date.now();
    try {
      await test(r);
      console.log(`ok    ${name} (${Date.now() - started} ms)`);
    } catch (e) {
      failed++;
      console.log(`FAIL  ${name}\n${e.stack}`);
    }
    while (clients.length > 1) {
      const c = clients.pop();
      await c.disconnect().catch(() => {});
    }
  }
  await r.disconnect();
  const code = await server.stop();
  if (code !== 0) {
    console.error(`node_redis_test: server exited with ${code}`);
    return 1;
  }
  console.log(`${Object.keys(tests).length - failed}/${Object.keys(tests).length} passed`);
  return failed ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => {
  console.error(e);
  if (server) server.proc.kill('SIGKILL');
  process.exit(1);
});
