// The official @supabase/realtime-js against a Realtime endpoint (normally `harness target`), one scenario per
// sub-command, for RealtimeJsScenariosIT. Each scenario sets its clients up, prints {"ready":true} once every channel
// is subscribed, and then runs the actions the test writes to stdin, one name per line ("send-a", ..., "finish").
// Output: one JSON object per line, as lib.mjs describes:
//   {"client":"a","channel":"room","status":"SUBSCRIBED"}     subscribe() callback states ("error": err.message)
//   {"client":"a","system":{...}}                             system messages
//   {"client":"a","change":"insert-own","payload":{...}}      a postgres_changes callback: binding label and payload
//   {"client":"a","broadcast":{...}}                          a broadcast callback's payload (bytes as "bytes":[..])
//   {"client":"a","sent":"ok"}                                what channel.send() resolved to
//   {"client":"a","presence":"sync","state":{...}}            presence callbacks with presenceState()
//   {"wire":{"client":"a","dir":"out","frame":"binary","kind":3,"topic":..,"ref":..}}   every frame
//   {"did":"send-a"}                                          an action finished
//   {"done":true} / {"timeout":true} / {"failed":"name"}      the last line: exit 0, or 1
//
// Usage: node scenarios.mjs SCENARIO --ws-url URL --apikey JWT [--vsn 2.0.0|1.0.0] [--topic NAME] [options]
//   changes        --access-token JWT --driver UUID   postgres_changes INSERT/UPDATE with filters, DELETE
//   rls            --token-a JWT --token-b JWT        clients a (setAuth), b (accessToken callback), anon
//   broadcast                                          a: self+ack, b: neither; actions send-a, send-b, send-a-bytes
//   presence                                           a and b; actions track, untrack-b, track-b, leave-b
//   set-auth       --access-token JWT --new-access-token JWT   action set-auth, then states
//   channel-limit  [--channels 100]                    100 channels, then one more (action extra)
import { REALTIME_SUBSCRIBE_STATES } from '@supabase/realtime-js';
import { connect, emit, finish, parseOptions, required, serveCommands, subscribe } from './lib.mjs';

const ORDERS = { schema: 'public', table: 'orders' };

// Waits for `SUBSCRIBED`; anything else ends the run, since no later step would mean anything.
async function subscribed(channel, client, name) {
  const line = await subscribe(channel, client, name);
  if (line.status !== REALTIME_SUBSCRIBE_STATES.SUBSCRIBED) {
    await finish(1, { failed: `subscribe ${client}/${name}`, status: line.status, error: line.error });
  }
}

// The system message "Subscribed to PostgreSQL" says the change subscription is in place: a change committed after
// it is delivered.
function postgresReady(channel, client) {
  return new Promise((resolve) => {
    channel.on('system', {}, (payload) => {
      emit({ client, system: payload });
      if (payload?.extension === 'postgres_changes') {
        resolve(payload);
      }
    });
  });
}

function onChange(channel, client, label, filter) {
  return channel.on('postgres_changes', { ...ORDERS, ...filter }, (payload) => emit({ client, change: label, payload }));
}

// A broadcast callback's payload as JSON; an ArrayBuffer payload (binary, encoding 0) as its bytes.
function onBroadcast(channel, client) {
  return channel.on('broadcast', { event: '*' }, (payload) => {
    const p = payload.payload instanceof ArrayBuffer
      ? { ...payload, payload: undefined, bytes: [...new Uint8Array(payload.payload)] }
      : payload;
    emit({ client, broadcast: p });
  });
}

const scenarios = {
  // One driver's client: INSERT and UPDATE with an eq and an in filter each, DELETE without a filter (the server
  // never matches a filtered binding for DELETE). The test inserts, updates and deletes rows and checks which
  // binding got what.
  async changes(opts) {
    required(opts, 'accessToken', 'driver');
    const client = await connect(opts, 'a', { accessToken: opts.accessToken });
    const channel = client.channel(opts.topic);
    onChange(channel, 'a', 'insert-own', { event: 'INSERT', filter: `driver_id=eq.${opts.driver}` });
    onChange(channel, 'a', 'insert-status', { event: 'INSERT', filter: 'status=in.(new,assigned)' });
    onChange(channel, 'a', 'update-own', { event: 'UPDATE', filter: `driver_id=eq.${opts.driver}` });
    onChange(channel, 'a', 'update-status', { event: 'UPDATE', filter: 'status=in.(picked_up,delivered)' });
    onChange(channel, 'a', 'delete', { event: 'DELETE' });
    const ready = postgresReady(channel, 'a');
    await subscribed(channel, 'a', opts.topic);
    await ready;
    return {};
  },

  // Row-level security: the same unfiltered INSERT subscription for driver A's token (setAuth), driver B's token
  // (the accessToken callback) and the bare anon key.
  async rls(opts) {
    required(opts, 'tokenA', 'tokenB');
    const clients = {
      a: await connect(opts, 'a', { accessToken: opts.tokenA }),
      b: await connect(opts, 'b', { accessTokenCallback: async () => opts.tokenB }),
      anon: await connect(opts, 'anon'),
    };
    // With only the callback, a channel subscribed before the callback has answered joins without access_token
    // (the phx_join payload is fixed when subscribe() pushes it, before the socket is open), and the setAuth after
    // the join finds the token unchanged and pushes nothing: the channel would stay anon. setAuth() with no argument
    // asks the callback first, as supabase-js does when it creates its client.
    await clients.b.setAuth();
    await Promise.all(Object.entries(clients).map(async ([name, client]) => {
      const channel = client.channel(opts.topic);
      onChange(channel, name, 'insert', { event: 'INSERT' });
      const ready = postgresReady(channel, name);
      await subscribed(channel, name, opts.topic);
      await ready;
    }));
    return {};
  },

  // Two clients on one topic: a with self and ack, b with neither.
  async broadcast(opts) {
    const a = await connect(opts, 'a');
    const b = await connect(opts, 'b');
    const chA = onBroadcast(a.channel(opts.topic, { config: { broadcast: { self: true, ack: true } } }), 'a');
    const chB = onBroadcast(b.channel(opts.topic, { config: { broadcast: { self: false, ack: false } } }), 'b');
    await Promise.all([subscribed(chA, 'a', opts.topic), subscribed(chB, 'b', opts.topic)]);
    const send = async (channel, client, event, payload) => {
      emit({ client, sent: await channel.send({ type: 'broadcast', event, payload }) });
    };
    return {
      'send-a': () => send(chA, 'a', 'from-a', { from: 'a', n: 1 }),
      'send-b': () => send(chB, 'b', 'from-b', { from: 'b', n: 2 }),
      // An ArrayBuffer payload goes out raw (payload encoding 0) under vsn 2.0.0.
      'send-a-bytes': () => send(chA, 'a', 'bytes-a', new Uint8Array([1, 2, 3, 250]).buffer),
    };
  },

  // Two clients with presence keys "a" and "b" on one topic; every presence callback is reported with the state.
  async presence(opts) {
    const channels = {};
    for (const name of ['a', 'b']) {
      const client = await connect(opts, name);
      const channel = client.channel(opts.topic, { config: { presence: { key: name } } });
      channel
        .on('presence', { event: 'sync' }, () => emit({ client: name, presence: 'sync', state: channel.presenceState() }))
        .on('presence', { event: 'join' }, ({ key, newPresences }) =>
          emit({ client: name, presence: 'join', key, presences: newPresences }))
        .on('presence', { event: 'leave' }, ({ key, leftPresences }) =>
          emit({ client: name, presence: 'leave', key, presences: leftPresences }));
      channels[name] = channel;
    }
    await Promise.all(Object.entries(channels).map(([name, ch]) => subscribed(ch, name, opts.topic)));
    const report = async (client, what, promise) => emit({ client, [what]: await promise });
    return {
      track: () => Promise.all(Object.entries(channels).map(([name, ch]) =>
        report(name, 'tracked', ch.track({ user: name, online_at: 'now' })))),
      'untrack-b': () => report('b', 'untracked', channels.b.untrack()),
      'track-b': () => report('b', 'tracked', channels.b.track({ user: 'b', online_at: 'again' })),
      'leave-b': () => report('b', 'left', channels.b.unsubscribe()),
    };
  },

  // A client joined to two channels (one with postgres_changes) under one token; the action set-auth gives it
  // another, which realtime-js pushes as access_token to every joined channel.
  async 'set-auth'(opts) {
    required(opts, 'accessToken', 'newAccessToken');
    const client = await connect(opts, 'a', { accessToken: opts.accessToken });
    const changes = client.channel(`${opts.topic}-changes`);
    onChange(changes, 'a', 'insert', { event: 'INSERT' });
    const ready = postgresReady(changes, 'a');
    const plain = onBroadcast(client.channel(`${opts.topic}-plain`), 'a');
    await Promise.all([subscribed(changes, 'a', changes.subTopic), subscribed(plain, 'a', plain.subTopic)]);
    await ready;
    return {
      'set-auth': () => client.setAuth(opts.newAccessToken),
      states: async () => {
        for (const ch of [changes, plain]) {
          emit({ client: 'a', channel: ch.subTopic, state: ch.state });
        }
      },
    };
  },

  // One client with --channels (100) channels joined; the action extra subscribes one more and reports its state
  // and how long the answer took.
  async 'channel-limit'(opts) {
    const n = Number(opts.channels || 100);
    const client = await connect(opts, 'a');
    const channels = Array.from({ length: n }, (_, i) => client.channel(`${opts.topic}-${i}`));
    await Promise.all(channels.map((ch) => subscribed(ch, 'a', ch.subTopic)));
    emit({ client: 'a', joined: channels.length });
    return {
      extra: async () => {
        const ch = client.channel(`${opts.topic}-${n}`);
        const started = Date.now();
        const line = await subscribe(ch, 'a', ch.subTopic);
        emit({ client: 'a', extra: line, elapsedMs: Date.now() - started });
      },
    };
  },
};

const [name, ...rest] = process.argv.slice(2);
let opts;
try {
  if (!scenarios[name]) {
    throw new Error(`unknown scenario ${name}; one of ${Object.keys(scenarios).join(', ')}`);
  }
  opts = parseOptions(rest);
  required(opts, 'wsUrl', 'apikey');
  opts.topic = opts.topic || `rtjs-${name}-${process.pid}`;
} catch (e) {
  process.stderr.write(`scenarios.mjs: ${e.message}\n`);
  process.exit(2);
}
const setup = scenarios[name](opts);
serveCommands(setup, { timeoutMs: Number(opts.timeoutMs || 25000), lingerMs: Number(opts.lingerMs || 500) });
await setup;
emit({ ready: true, scenario: name, vsn: opts.vsn || '2.0.0', topic: opts.topic });
