import { describe, expect, it } from 'vitest';
import { type CloseFacts, mayClose } from './kiosk.js';

describe('closing the window in kiosk mode', () => {
  const facts = (f: Partial<CloseFacts>): CloseFacts => ({
    kiosk: true,
    systemEnding: false,
    appLeaving: false,
    ...f,
  });

  it('refuses Alt+F4 / close / quit while in kiosk mode', () => {
    expect(mayClose(facts({}))).toBe(false);
  });

  it('allows it after the manager PIN exit (kiosk off), or when the till is no kiosk at all', () => {
    expect(mayClose(facts({ kiosk: false }))).toBe(true);
  });

  it('never holds up the OS shutting down or a logoff, nor an update installing', () => {
    expect(mayClose(facts({ systemEnding: true }))).toBe(true);
    expect(mayClose(facts({ appLeaving: true }))).toBe(true);
  });
});
