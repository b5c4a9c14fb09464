// Runs the official @supabase/realtime-js client against a Realtime endpoint (normally `harness target`) and
// reports, one JSON object per stdout line, what the client hands its callbacks:
//   {"channel":"changes","status":"SUBSCRIBED"}          subscribe() callback states (with "error" when given)
//   {"channel":"changes","system":{...}}                 system messages, e.g. "Subscribed to PostgreSQL"
//   {"postgres_changes":{...}}                           the payload of the postgres_changes callback
//   {"channel":"echo","sent":"ok"}                       the result of channel.send()
//   {"broadcast":{...}}                                  the payload of the broadcast callback (self: true)
//   {"wire":{"dir":"out","frame":"binary","kind":3,...}} every WebSocket frame, as the transport saw it
//   {"done":true,...} / {"timeout":true,...}             the last line: exit 0, or 1 after --timeout-ms
// Diagnostics (the client's own log, when --verbose) go to stderr.
//
// Usage: node check.mjs --ws-url ws://127.0.0.1:P/realtime/v1/websocket --apikey JWT --driver UUID
//                       [--access-token JWT] [--vsn 2.0.0|1.0.0] [--timeout-ms 20000] [--linger-ms 500] [--verbose]
// --access-token is the signed-in user's JWT the channels join with (client.setAuth); without it they join with the
// apikey, which sees nothing of a table with row-level security such as public.orders.
// Each option may also come from the environment: RT_WS_URL, RT_APIKEY, RT_ACCESS_TOKEN, RT_DRIVER, RT_VSN,
// RT_TIMEOUT_MS, RT_LINGER_MS, RT_VERBOSE=1.
import { RealtimeClient } from '@supabase/realtime-js';
// Node 20 has no global WebSocket: the ws package is the transport.
import WebSocket from 'ws';

function options(argv, env) {
  const o = {
    wsUrl: env.RT_WS_URL,
    apikey: env.RT_APIKEY,
    accessToken: env.RT_ACCESS_TOKEN,
    driver: env.RT_DRIVER,
    vsn: env.RT_VSN || '2.0.0',
    timeoutMs: Number(env.RT_TIMEOUT_MS || 20000),
    lingerMs: Number(env.RT_LINGER_MS || 500),
    verbose: env.RT_VERBOSE === '1',
  };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) {
        throw new Error(`${a} needs a value`);
      }
      return argv[++i];
    };
    switch (a) {
      case '--ws-url': o.wsUrl = value(); break;
      case '--apikey': o.apikey = value(); break;
      case '--access-token': o.accessToken = value(); break;
      case '--driver': o.driver = value(); break;
      case '--vsn': o.vsn = value(); break;
      case '--timeout-ms': o.timeoutMs = Number(value()); break;
      case '--linger-ms': o.lingerMs = Number(value()); break;
      case '--verbose': o.verbose = true; break;
      default: throw new Error(`unknown option ${a}`);
    }
  }
  for (const [name, v] of [['--ws-url', o.wsUrl], ['--apikey', o.apikey], ['--driver', o.driver]]) {
    if (!v) {
      throw new Error(`${name} is required`);
    }
  }
  return o;
}

// One line per event. process.stdout is synchronous for pipes and files on Linux, so each line is out before the
// next event is handled and nothing is lost at exit.
function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

let opts;
try {
  opts = options(process.argv, process.env);
} catch (e) {
  process.stderr.write(`check.mjs: ${e.message}\n`);
  process.exit(2);
}

// The transport: ws, wrapped only to report each frame's type (text or binary, and a binary frame's kind byte), so
// the caller can see which framing the client chose without a packet capture.
function describe(dir, data) {
  if (typeof data === 'string') {
    let event;
    try {
      const m = JSON.parse(data);
      event = Array.isArray(m) ? m[3] : m.event;
    } catch {
      event = undefined;
    }
    return { dir, frame: 'text', event, length: data.length };
  }
  // phoenix sets binaryType 'arraybuffer'; a view (a Node Buffer) may sit inside a larger pooled buffer.
  const bytes = ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);
  return { dir, frame: 'binary', kind: bytes.length > 0 ? bytes[0] : null, length: bytes.length };
}

class TracedWebSocket extends WebSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', (ev) => emit({ wire: describe('in', ev.data) }));
  }

  send(data, ...rest) {
    emit({ wire: describe('out', data) });
    return super.send(data, ...rest);
  }
}

// RealtimeClient appends /websocket to its endpoint; the URL `harness target` prints already ends with it.
const endpoint = opts.wsUrl.replace(/\/websocket\/?$/, '');
const client = new RealtimeClient(endpoint, {
  params: { apikey: opts.apikey },
  transport: TracedWebSocket,
  vsn: opts.vsn,
  logger: opts.verbose
    ? (kind, msg, data) => process.stderr.write(`${kind}: ${msg} ${data === undefined ? '' : JSON.stringify(data)}\n`)
    : undefined,
});
emit({ endpoint: client.endpointURL(), vsn: opts.vsn });
if (opts.accessToken) {
  // Every channel's phx_join then carries it as access_token.
  await client.setAuth(opts.accessToken);
}

const got = { postgresChanges: 0, broadcast: 0 };
let finishing = false;

async function finish(code, line) {
  if (finishing) {
    return;
  }
  finishing = true;
  clearTimeout(overall);
  // Leave both channels (phx_leave, then phx_close from the server) and close the socket, at most 3 s; the final
  // line comes after, so it is always the last one.
  try {
    await Promise.race([client.removeAllChannels(), new Promise((r) => setTimeout(r, 3000))]);
  } catch (e) {
    process.stderr.write(`check.mjs: leaving: ${e}\n`);
  }
  emit(line);
  process.exit(code);
}

function maybeDone() {
  if (got.postgresChanges > 0 && got.broadcast > 0 && !finishing) {
    // Stay a little longer so that a change or broadcast that should not arrive, and would come right after, is
    // still reported.
    setTimeout(() => finish(0, { done: true, received: got }), opts.lingerMs);
  }
}

const overall = setTimeout(() => finish(1, { timeout: true, timeoutMs: opts.timeoutMs, received: got }), opts.timeoutMs);

function statusCallback(name, onSubscribed) {
  return (status, err) => {
    const line = { channel: name, status };
    if (err) {
      line.error = String(err?.message ?? err);
    }
    emit(line);
    if (status === 'SUBSCRIBED' && onSubscribed) {
      onSubscribed();
    }
  };
}

// postgres_changes on public.orders for one driver.
const changes = client.channel(`rtjs-changes-${opts.vsn}`);
changes
  .on('postgres_changes',
    { event: 'INSERT', schema: 'public', table: 'orders', filter: `driver_id=eq.${opts.driver}` },
    (payload) => {
      got.postgresChanges++;
      emit({ postgres_changes: payload });
      maybeDone();
    })
  .on('system', {}, (payload) => emit({ channel: 'changes', system: payload }))
  .subscribe(statusCallback('changes'));

// A broadcast to itself: self: true, sent once the join is acknowledged.
const echo = client.channel(`rtjs-echo-${opts.vsn}`, { config: { broadcast: { self: true } } });
echo
  .on('broadcast', { event: 'order' }, (payload) => {
    got.broadcast++;
    emit({ broadcast: payload });
    maybeDone();
  })
  .subscribe(statusCallback('echo', async () => {
    const result = await echo.send({ type: 'broadcast', event: 'order', payload: { probe: 'x' } });
    emit({ channel: 'echo', sent: result });
  }));
