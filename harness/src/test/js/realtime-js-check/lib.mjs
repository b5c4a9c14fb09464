// Shared plumbing for scenarios.mjs: options, one-JSON-object-per-line output, RealtimeClients over a wire-logging
// `ws` transport, and the stdin commands through which the Java test drives a scenario step by step.
import { createInterface } from 'node:readline';
import { RealtimeClient } from '@supabase/realtime-js';
// Node 20 has no global WebSocket: the ws package is the transport.
import WebSocket from 'ws';

// One line per event. process.stdout is synchronous for pipes and files on Linux, so each line is out before the
// next event is handled and nothing is lost at exit.
export function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

// --name value pairs (and bare --flags) after the sub-command; every option is a string.
export function parseOptions(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      throw new Error(`unexpected argument ${a}`);
    }
    const name = a.slice(2).replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) {
      o[name] = argv[++i];
    } else {
      o[name] = 'true';
    }
  }
  return o;
}

export function required(opts, ...names) {
  for (const n of names) {
    if (opts[n] === undefined) {
      throw new Error(`--${n.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} is required`);
    }
  }
}

// ---- the wire ----------------------------------------------------------------------------------------------------

function bytesOf(data) {
  // phoenix sets binaryType 'arraybuffer'; a view (a Node Buffer) may sit inside a larger pooled buffer.
  return ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);
}

const utf8 = new TextDecoder();

// Binary kinds 3 (user broadcast push, client → server) and 4 (user broadcast, server → client), protocol.md §2:
// a header of u8 lengths, then the strings, then the payload.
function describeBinary(bytes) {
  const kind = bytes.length > 0 ? bytes[0] : null;
  const w = { frame: 'binary', kind, length: bytes.length };
  const str = (from, len) => utf8.decode(bytes.subarray(from, from + len));
  if (kind === 3 && bytes.length >= 7) {
    const [joinRefLen, refLen, topicLen, eventLen, metaLen] = bytes.subarray(1, 6);
    let p = 7;
    w.join_ref = str(p, joinRefLen); p += joinRefLen;
    w.ref = str(p, refLen); p += refLen;
    w.topic = str(p, topicLen); p += topicLen;
    w.event = str(p, eventLen); p += eventLen;
    w.metadata_length = metaLen;
    w.encoding = bytes[6];
  } else if (kind === 4 && bytes.length >= 5) {
    const [topicLen, eventLen, metaLen] = bytes.subarray(1, 4);
    let p = 5;
    w.topic = str(p, topicLen); p += topicLen;
    w.event = str(p, eventLen); p += eventLen;
    w.metadata_length = metaLen;
    w.encoding = bytes[4];
  }
  return w;
}

// A text frame's envelope (both vsn): topic, event, refs, a reply's status, and the token of an access_token push.
function describeText(data) {
  const w = { frame: 'text', length: data.length };
  let m;
  try {
    m = JSON.parse(data);
  } catch {
    return w;
  }
  const [joinRef, ref, topic, event, payload] = Array.isArray(m)
    ? m
    : [m.join_ref, m.ref, m.topic, m.event, m.payload];
  Object.assign(w, { join_ref: joinRef ?? null, ref: ref ?? null, topic, event });
  if (event === 'phx_reply') {
    w.status = payload?.status;
  }
  if (event === 'access_token') {
    w.access_token = payload?.access_token;
  }
  if (event === 'phx_join') {
    w.access_token = payload?.access_token;
  }
  return w;
}

function describe(client, dir, data) {
  const w = typeof data === 'string' ? describeText(data) : describeBinary(bytesOf(data));
  return { client, dir, ...w };
}

// ws, wrapped only to report every frame, so the caller can see what the client put on the wire.
function tracedTransport(client) {
  return class TracedWebSocket extends WebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (ev) => emit({ wire: describe(client, 'in', ev.data) }));
      this.addEventListener('close', (ev) => emit({ wire: { client, dir: 'in', frame: 'close', code: ev.code } }));
    }

    send(data, ...rest) {
      emit({ wire: describe(client, 'out', data) });
      return super.send(data, ...rest);
    }
  };
}

// ---- clients -----------------------------------------------------------------------------------------------------

const clients = [];

// A RealtimeClient named `name` in the output. `accessToken` is a token given with setAuth before any channel
// exists; `accessTokenCallback` uses the client's accessToken option instead.
export async function connect(opts, name, { accessToken, accessTokenCallback } = {}) {
  // RealtimeClient appends /websocket to its endpoint; the URL `harness target` prints already ends with it.
  const endpoint = opts.wsUrl.replace(/\/websocket\/?$/, '');
  const client = new RealtimeClient(endpoint, {
    params: { apikey: opts.apikey },
    transport: tracedTransport(name),
    vsn: opts.vsn || '2.0.0',
    ...(accessTokenCallback ? { accessToken: accessTokenCallback } : {}),
    logger: opts.verbose
      ? (kind, msg, data) =>
        process.stderr.write(`${name} ${kind}: ${msg} ${data === undefined ? '' : JSON.stringify(data)}\n`)
      : undefined,
  });
  if (accessToken) {
    await client.setAuth(accessToken);
  }
  clients.push(client);
  return client;
}

// subscribe() as a promise of its first final state; every state change is reported as a line.
export function subscribe(channel, client, name) {
  return new Promise((resolve) => {
    channel.subscribe((status, err) => {
      const line = { client, channel: name, status };
      if (err) {
        line.error = String(err?.message ?? err);
      }
      emit(line);
      resolve(line);
    });
  });
}

// ---- the run -----------------------------------------------------------------------------------------------------

let finishing = false;

// Leaves every channel of every client (phx_leave, phx_close) within 3 s, then prints the last line and exits.
export async function finish(code, line) {
  if (finishing) {
    return;
  }
  finishing = true;
  try {
    await Promise.race([
      Promise.all(clients.map((c) => c.removeAllChannels())),
      new Promise((r) => setTimeout(r, 3000)),
    ]);
  } catch (e) {
    process.stderr.write(`scenarios.mjs: leaving: ${e}\n`);
  }
  emit(line);
  process.exit(code);
}

// Runs the named actions the Java side writes to stdin, one per line ("send-a", "finish", ...), once `setup` (a
// promise of the actions by name) has resolved; lines read before that wait their turn. "finish" waits `lingerMs`
// first, so that a frame that must not arrive, and would come right after the last expected one, is still reported.
// Every action reports {"did": name} when done; a failing action ends the run with exit 1.
export function serveCommands(setup, { timeoutMs = 20000, lingerMs = 500 } = {}) {
  const overall = setTimeout(() => finish(1, { timeout: true, timeoutMs }), timeoutMs);
  const finishAction = async () => {
    await new Promise((r) => setTimeout(r, lingerMs));
    clearTimeout(overall);
    await finish(0, { done: true });
  };
  // One action at a time, in the order given.
  let queue = setup;
  createInterface({ input: process.stdin }).on('line', (raw) => {
    const name = raw.trim();
    if (!name) {
      return;
    }
    queue = queue.then(async (actions) => {
      const action = name === 'finish' ? finishAction : actions[name];
      if (!action) {
        emit({ error: `unknown action ${name}` });
        return actions;
      }
      try {
        await action();
        emit({ did: name });
      } catch (e) {
        emit({ error: `${name}: ${e?.stack ?? e}` });
        clearTimeout(overall);
        await finish(1, { failed: name });
      }
      return actions;
    });
  });
}
