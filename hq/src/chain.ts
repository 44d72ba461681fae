// Until the journal's hash chain lands on main: the same two functions as main/journal/format.ts.
import { createHash } from 'node:crypto';

export const GENESIS = '0'.repeat(64);

export function chainHash(prevH: string, json: string): string {
  return createHash('sha256').update(prevH).update(json).digest('hex');
}

const H_SUFFIX = /,"h":"([0-9a-f]{64})"\}$/;

export function splitChain(json: string): { bare: string; h: string } | undefined {
  const m = H_SUFFIX.exec(json);
  if (!m) return undefined;
  return { bare: `${json.slice(0, m.index)}}`, h: m[1] as string };
}
