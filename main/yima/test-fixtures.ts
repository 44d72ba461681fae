/**
 * Set-up the Yima tests share (imported by *.test.ts only): clean-ups run after each test, newest first;
 * loopback HTTP servers on a free port; temporary folders; the Yima simulator on its own server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { createYimaSimulator, type YimaSimulator, type YimaSimulatorOptions } from './simulator.js';

export type Cleanup = () => Promise<void> | void;

export interface YimaFixtures {
  /** Push what a test must undo; it runs after that test, newest first. */
  cleanups: Cleanup[];
  /** A server on 127.0.0.1, a free port, closed after the test; resolves with its origin. */
  listen(handler: http.RequestListener): Promise<string>;
  /** A fresh folder under the OS temp folder, removed after the test. */
  tempDir(prefix: string): string;
  /** The Yima simulator on its own loopback server; `url` is its full refund URL. */
  startSim(options: YimaSimulatorOptions): Promise<{ sim: YimaSimulator; url: string }>;
}

/** Call once at the top of a test file: registers the afterEach that runs the clean-ups. */
export function yimaFixtures(): YimaFixtures {
  const cleanups: Cleanup[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const listen = async (handler: http.RequestListener): Promise<string> => {
    const server = http.createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  return {
    cleanups,
    listen,
    tempDir(prefix) {
      const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      return dir;
    },
    async startSim(options) {
      const sim = createYimaSimulator(options);
      return { sim, url: `${await listen(sim.listener)}${sim.path}` };
    },
  };
}
