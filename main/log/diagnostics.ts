/**
 * "Collect diagnostics" for support: one zip in `<dataDir>/diagnostics/` with the log files, the
 * settings (public view + device settings: no secret is in either), the operators (no PIN hashes)
 * and what the app runs on. Every text file is redacted once more on the way in; other files (the
 * display capture) come already made safe by their owner.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strToU8, type Zippable, zipSync } from 'fflate';
import { redact, redactText } from './redact.js';

export interface DiagnosticsInput {
  dataDir: string;
  /** Log files to include (newest first). */
  logFiles: string[];
  /** JSON-serialisable documents, each written as `<name>.json` (settings, operators, ...). */
  documents: Record<string, unknown>;
  /** Other text files by their name in the zip, already made safe by their owner (written as given). */
  files?: Record<string, string | undefined>;
  version: string;
  transport: string;
  now?: () => Date;
}

export interface DiagnosticsResult {
  path: string;
  bytes: number;
  at: string;
}

/** Largest log file copied whole; a larger one is cut to its last part (the recent lines). */
const MAX_LOG_BYTES = 8 * 1024 * 1024;

export function collectDiagnostics(input: DiagnosticsInput): DiagnosticsResult {
  const at = (input.now?.() ?? new Date()).toISOString();
  const files: Zippable = {};
  for (const file of input.logFiles) {
    let text: string;
    try {
      const data = fs.readFileSync(file);
      text = data.subarray(Math.max(0, data.length - MAX_LOG_BYTES)).toString('utf8');
    } catch {
      continue;
    }
    files[`logs/${path.basename(file)}`] = strToU8(redactLines(text));
  }
  for (const [name, document] of Object.entries(input.documents)) {
    files[`${name}.json`] = strToU8(JSON.stringify(redact(document), null, 2));
  }
  for (const [name, text] of Object.entries(input.files ?? {})) {
    if (text !== undefined) files[name] = strToU8(text);
  }
  files['about.json'] = strToU8(
    JSON.stringify(
      {
        app: 'Counter Cashier',
        version: input.version,
        transport: input.transport,
        collectedAt: at,
        platform: process.platform,
        arch: process.arch,
        osRelease: os.release(),
        versions: process.versions,
        uptimeSeconds: Math.round(process.uptime()),
      },
      null,
      2,
    ),
  );
  const zip = zipSync(files, { level: 6, mtime: new Date(at) });
  const dir = path.join(input.dataDir, 'diagnostics');
  fs.mkdirSync(dir, { recursive: true });
  const target = path.join(dir, `cashier-diagnostics-${at.replaceAll(':', '-').replace('.', '-')}.zip`);
  fs.writeFileSync(target, zip, { mode: 0o600 });
  return { path: target, bytes: zip.length, at };
}

/** Each JSON line redacted as data (stays valid JSON); anything else as text. */
function redactLines(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      if (!line.startsWith('{')) return redactText(line);
      try {
        return JSON.stringify(redact(JSON.parse(line)));
      } catch {
        return redactText(line);
      }
    })
    .join('\n');
}
