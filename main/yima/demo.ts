/**
 * Demo mode: the Yima simulator answering on loopback, either mounted on the gateway simulator's server
 * (issue 3's `Simulator.mount`) or, without one, on its own 127.0.0.1 server.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createYimaSimulator, type YimaSimulator } from './simulator.js';

/** The part of the gateway simulator (main/simulator/server.ts) this needs. */
export interface MountableServer {
  readonly url: string;
  mount(
    pathPrefix: string,
    handler: (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>,
  ): () => void;
}

export interface YimaDemo {
  /** The refund endpoint to send to. */
  readonly url: string;
  readonly sim: YimaSimulator;
  stop(): Promise<void>;
}

export async function startYimaDemo(key: string, host?: MountableServer): Promise<YimaDemo> {
  const sim = createYimaSimulator({ key, extraNodes: true });
  if (host) {
    const unmount = host.mount('/yima/', (req, res) => {
      if (!sim.handle(req, res)) res.writeHead(404).end();
    });
    return { url: `${host.url.replace(/\/$/, '')}${sim.path}`, sim, stop: async () => unmount() };
  }
  const server = http.createServer(sim.listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${sim.path}`,
    sim,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
