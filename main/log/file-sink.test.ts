import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectDiagnostics } from './diagnostics.js';
import { createRotatingFileSink } from './file-sink.js';
import { createLogger, setLogSink } from './logger.js';
import { clearRegisteredSecrets, registerSecret } from './redact.js';

const APP_KEY = 'Kq7mZt2wXv9pLr4sNb6yHc8dFg3jQe5u'; // no long digit/hex runs: only registration catches it
const PAY_CODE = '134567890123456789';

let dir: string;
let restore: ReturnType<typeof setLogSink> | undefined;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-logs-'));
});
afterEach(() => {
  if (restore) setLogSink(restore);
  restore = undefined;
  clearRegisteredSecrets();
  fs.rmSync(dir, { recursive: true, force: true });
});

const allText = (files: string[]) => files.map((f) => fs.readFileSync(f, 'utf8')).join('');

describe('rotating file sink', () => {
  it('writes JSON lines through the real logger, with no AppKey and no full payment code on disk', () => {
    const sink = createRotatingFileSink({ dir: path.join(dir, 'logs') });
    restore = setLogSink(sink, 'debug');
    registerSecret(APP_KEY);
    const log = createLogger('gateway');
    log.info(`signing with ${APP_KEY}`);
    log.info('pay request', {
      body: `{"merchantCode":"898310000000001","payCode":"${PAY_CODE}","transactionAmount":100}`,
      appKey: APP_KEY,
      header: `OPEN-BODY-SIG AppId="x", Signature="abc+/="`,
    });
    log.error(`declined for ${PAY_CODE}`, { error: new Error(`key ${APP_KEY} code ${PAY_CODE}`) });
    log.debug('nested', { deep: { list: [{ note: `k=${APP_KEY}`, code: PAY_CODE }] } });

    const text = allText(sink.files());
    expect(text.split('\n').filter(Boolean)).toHaveLength(4);
    for (const line of text.split('\n').filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
    expect(text.includes(APP_KEY)).toBe(false);
    expect(text.includes(PAY_CODE)).toBe(false);
    expect(text).toContain('••••6789');
    expect(text).toContain('pay request');
    if (process.platform !== 'win32') expect(fs.statSync(sink.file).mode & 0o077).toBe(0);
  });

  it('rotates by size and keeps only N old files, newest first', () => {
    const sink = createRotatingFileSink({ dir, maxBytes: 2048, keep: 3 });
    const record = (i: number) => ({
      time: new Date(0).toISOString(),
      level: 'info' as const,
      scope: 't',
      message: `line ${i} ${'x'.repeat(200)}`,
    });
    for (let i = 0; i < 100; i++) sink(record(i));
    const files = sink.files();
    expect(files.map((f) => path.basename(f))).toEqual([
      'cashier.log',
      'cashier.1.log',
      'cashier.2.log',
      'cashier.3.log',
    ]);
    for (const f of files) expect(fs.statSync(f).size).toBeLessThanOrEqual(2048);
    expect(fs.existsSync(path.join(dir, 'cashier.4.log'))).toBe(false);
    // The newest line is in the current file; the oldest kept lines are in .3.
    expect(fs.readFileSync(sink.file, 'utf8')).toContain('line 99 ');
    expect(fs.readFileSync(files[3]!, 'utf8')).not.toContain('line 0 ');
  });

  it('continues an existing file after a restart instead of truncating it', () => {
    const first = createRotatingFileSink({ dir });
    first({ time: 't', level: 'info', scope: 's', message: 'before restart' });
    const second = createRotatingFileSink({ dir });
    second({ time: 't', level: 'info', scope: 's', message: 'after restart' });
    const text = fs.readFileSync(second.file, 'utf8');
    expect(text).toContain('before restart');
    expect(text).toContain('after restart');
  });

  it('a sink that cannot write does not throw into the caller', () => {
    const blocked = path.join(dir, 'blocked');
    const sink = createRotatingFileSink({ dir: blocked });
    fs.rmSync(blocked, { recursive: true });
    fs.writeFileSync(blocked, 'a file where the folder was');
    expect(() => sink({ time: 't', level: 'info', scope: 's', message: 'lost to stderr' })).not.toThrow();
  });
});

describe('diagnostics', () => {
  it('zips logs and documents into dataDir/diagnostics, with secrets and codes removed', () => {
    const logs = path.join(dir, 'logs');
    const sink = createRotatingFileSink({ dir: logs, maxBytes: 1024, keep: 2 });
    // An old line written before the secret was known (e.g. by an older build) still gets redacted.
    fs.appendFileSync(path.join(logs, 'cashier.log'), `{"message":"old line ${PAY_CODE}"}\n`);
    registerSecret(APP_KEY);
    for (let i = 0; i < 60; i++) sink({ time: 't', level: 'info', scope: 's', message: `line ${i}` });

    const result = collectDiagnostics({
      dataDir: dir,
      logFiles: sink.files(),
      documents: { settings: { shopName: 'Shop', note: APP_KEY }, operators: [{ id: 'manager' }] },
      version: '0.1.0',
      transport: 'web',
      now: () => new Date('2026-03-01T08:00:00.000Z'),
    });
    expect(result.path).toBe(
      path.join(dir, 'diagnostics', 'cashier-diagnostics-2026-03-01T08-00-00-000Z.zip'),
    );
    expect(fs.statSync(result.path).size).toBe(result.bytes);
    const entries = unzipSync(fs.readFileSync(result.path));
    expect(Object.keys(entries).sort()).toEqual(
      [
        'about.json',
        'logs/cashier.1.log',
        'logs/cashier.2.log',
        'logs/cashier.log',
        'operators.json',
        'settings.json',
      ].sort(),
    );
    const text = Object.values(entries)
      .map((bytes) => Buffer.from(bytes).toString('utf8'))
      .join('\n');
    expect(text.includes(APP_KEY)).toBe(false);
    expect(text.includes(PAY_CODE)).toBe(false);
    expect(JSON.parse(Buffer.from(entries['about.json']!).toString()).version).toBe('0.1.0');
  });
});
