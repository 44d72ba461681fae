/**
 * A small TCP proxy between a counter and head office that misbehaves on purpose. A fault is chosen per
 * HTTP request (a chunk from the client that starts with a request line), so keep-alive connections get
 * a fresh fault for every request:
 *
 * - pass: forward both ways;
 * - latency: forward both ways after `ms`;
 * - blackhole: swallow the request, never answer (the client times out);
 * - refuse: close the connection at once (the request never reaches the server);
 * - drop-response: forward the request, and when the server answers, cut the connection instead
 *   (the server committed, the counter never hears it);
 * - reset-after: forward the request and the first `bytes` of the answer, then cut.
 */
import net from 'node:net';

export type Fault =
  | { kind: 'pass' }
  | { kind: 'latency'; ms: number }
  | { kind: 'blackhole' }
  | { kind: 'refuse' }
  | { kind: 'drop-response' }
  | { kind: 'reset-after'; bytes: number };

export interface FaultProxy {
  readonly port: number;
  readonly url: string;
  /** Where to forward (the service may move after a restart). */
  target: { host: string; port: number };
  /** The fault for the next request. */
  policy: () => Fault;
  /** Requests seen per fault kind. */
  readonly counts: Record<Fault['kind'], number>;
  /** Requests forwarded to the server and not yet answered. */
  inFlight(): number;
  close(): Promise<void>;
}

const REQUEST_LINE = /^(GET|POST|PUT|DELETE|HEAD|PATCH) \//;

export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  const counts: FaultProxy['counts'] = {
    pass: 0,
    latency: 0,
    blackhole: 0,
    refuse: 0,
    'drop-response': 0,
    'reset-after': 0,
  };
  const sockets = new Set<net.Socket>();
  let inFlight = 0;
  const proxy: FaultProxy = {
    port: 0,
    url: '',
    target,
    policy: () => ({ kind: 'pass' }),
    counts,
    inFlight: () => inFlight,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };

  const server = net.createServer((client) => {
    sockets.add(client);
    let upstream: net.Socket | undefined;
    let fault: Fault = { kind: 'pass' };
    let answered = 0;
    let waiting = false;
    const end = () => {
      if (waiting) {
        waiting = false;
        inFlight -= 1;
      }
      client.destroy();
      upstream?.destroy();
    };
    const ensureUpstream = () => {
      if (upstream) return upstream;
      const up = net.connect(proxy.target.port, proxy.target.host);
      sockets.add(up);
      upstream = up;
      up.on('data', (chunk: Buffer) => {
        if (waiting) {
          waiting = false;
          inFlight -= 1;
        }
        if (fault.kind === 'drop-response') return end();
        if (fault.kind === 'reset-after') {
          const room = fault.bytes - answered;
          if (room > 0) client.write(chunk.subarray(0, room));
          answered += chunk.length;
          if (answered >= fault.bytes) end();
          return;
        }
        if (fault.kind === 'latency') {
          const ms = fault.ms;
          setTimeout(() => client.writable && client.write(chunk), ms);
          return;
        }
        client.write(chunk);
      });
      up.on('error', end);
      up.on('close', () => {
        sockets.delete(up);
        // Let a delayed last chunk go out before closing the client.
        setTimeout(end, fault.kind === 'latency' ? fault.ms + 5 : 0);
      });
      return up;
    };
    client.on('data', (chunk: Buffer) => {
      if (REQUEST_LINE.test(chunk.toString('latin1', 0, 8))) {
        fault = proxy.policy();
        counts[fault.kind] += 1;
        answered = 0;
        if (fault.kind !== 'blackhole' && fault.kind !== 'refuse') {
          if (!waiting) inFlight += 1;
          waiting = true;
        }
      }
      switch (fault.kind) {
        case 'refuse':
          return end();
        case 'blackhole':
          return;
        case 'latency': {
          const ms = fault.ms;
          const up = ensureUpstream();
          setTimeout(() => up.writable && up.write(chunk), ms);
          return;
        }
        default:
          ensureUpstream().write(chunk);
      }
    });
    client.on('error', end);
    client.on('close', () => {
      sockets.delete(client);
      end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  Object.assign(proxy, { port, url: `http://127.0.0.1:${port}` });
  return proxy;
}
