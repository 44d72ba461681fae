import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { callNames, calls } from './contract.js';
import { channelRules, ruleFor } from './roles.js';

describe('a role for every channel', () => {
  it('every call in the contract declares who may make it', () => {
    const missing = callNames.filter((name) => ruleFor(name) === undefined);
    expect(missing, `declare these in main/ipc/roles.ts and docs/security.md: ${missing.join(', ')}`).toEqual(
      [],
    );
  });

  it('an inline manager PIN is read from a field the call really has', () => {
    for (const name of callNames) {
      const rule = ruleFor(name)!;
      if (!rule.pinField) continue;
      const shape = (calls[name].input as unknown as z.ZodObject<z.ZodRawShape>).shape;
      expect(shape?.[rule.pinField], `${name}.${rule.pinField}`).toBeDefined();
    }
  });

  it('the manager-only channels are the ones NOTES §7 names', () => {
    const managerOnly = Object.entries(channelRules)
      .filter(([name, rule]) => rule.role === 'manager' && (callNames as string[]).includes(name))
      .map(([name]) => name)
      .sort();
    expect(managerOnly).toEqual(
      expect.arrayContaining([
        'audit.list',
        'operators.remove',
        'orders.refund',
        'orders.void',
        'preauth.complete',
        'preauth.quickComplete',
        'preauth.quickVoid',
        'preauth.void',
        'printers.configure',
        'scanners.configure',
        'settings.clearSecret',
        'settings.setSecret',
        'yima.refund',
      ]),
    );
  });

  it('docs/security.md lists every channel with the role roles.ts declares', () => {
    const doc = fs.readFileSync(path.resolve(import.meta.dirname, '../../docs/security.md'), 'utf8');
    const rows = new Map<string, string>();
    for (const m of doc.matchAll(/^\| `([a-z]+\.[A-Za-z]+)` \| (.+) \|$/gm)) rows.set(m[1]!, m[2]!);
    for (const name of callNames) {
      const rule = ruleFor(name)!;
      const row = rows.get(name);
      expect(row, `docs/security.md has no row for ${name}`).toBeDefined();
      const word = rule.role === 'setup' ? 'first set-up' : rule.role;
      expect(row, name).toContain(word);
    }
  });
});
