/**
 * Child process for the crash tests (crash.test.ts): opens the journal + engine in CASHIER_DATA_DIR
 * against the simulator at CASHIER_GATEWAY_URL and runs ONE sale (CRASH_AMOUNT fen, a code ending
 * CRASH_LAST4; with CRASH_VOID=1 a manager then voids it, with CRASH_REFUND=1 refunds 400 fen of it). When the engine reaches the step named by CASHIER_CRASH_AT, the process SIGKILLs itself
 * (CRASH_PREAUTH=1: a pre-auth and its completion instead; CRASH_YIMA_URL: one Yima refund instead):
 * no finally blocks, no flush, exactly like a power cut after the last fsync.
 *
 * `after-send` is a transport-level point: the pay request reached the gateway (its answer, or its
 * failure, is back in the socket) but the client never sees it.
 */
import { defaultSettings } from '../settings/defaults.js';
import { kitPreauth, kitYima, makeKit } from './testkit.js';

const crashAt = process.env.CASHIER_CRASH_AT ?? '';
const die = (name: string) => {
  if (name === crashAt) process.kill(process.pid, 'SIGKILL');
};

const realFetch = globalThis.fetch;
const crashingFetch: typeof fetch = async (input, init) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const isPay = url.endsWith('/v2/poslink/transaction/pay');
  try {
    const response = await realFetch(input, init);
    if (isPay) die('after-send');
    return response;
  } catch (error) {
    if (isPay) die('after-send');
    throw error;
  }
};

async function main(): Promise<void> {
  const kit = makeKit({
    dataDir: process.env.CASHIER_DATA_DIR as string,
    gatewayUrl: process.env.CASHIER_GATEWAY_URL as string,
    fetch: crashingFetch,
    engine: { crashPoint: die },
    settings: {
      ...(process.env.CRASH_TERMINAL ? { terminalCode: process.env.CRASH_TERMINAL } : {}),
      ...(process.env.CRASH_YIMA_URL
        ? { yima: { ...defaultSettings().yima, url: process.env.CRASH_YIMA_URL } }
        : {}),
    },
  });
  if (process.env.CRASH_PREAUTH === '1') {
    // A pre-auth, then its completion (the pre-auth crash points are armed for the follow-up).
    const preauth = kitPreauth(kit, process.env.CASHIER_DATA_DIR as string);
    const started = await preauth.start({ amountFen: 5000, code: '134567890123451234' });
    await preauth.complete({ id: started.id, amountFen: 4000 });
    process.stdout.write('{}\n');
    await kit.close();
    return;
  }
  if (process.env.CRASH_YIMA_URL) {
    const yima = kitYima(kit, die);
    await yima.refund({ orgPosSeq: 'AP2026120100000001', amountFen: 1234, pin: '123456' });
    process.stdout.write('{}\n');
    await yima.stop();
    await kit.close();
    return;
  }
  kit.engine.sale.begin({ amountFen: Number(process.env.CRASH_AMOUNT ?? '1000') });
  await kit.engine.sale.acceptCode(`13456789012345${process.env.CRASH_LAST4 ?? '1234'}`, 'manual', 'crash');
  await kit.engine.idle();
  if (process.env.CRASH_REFUND === '1') {
    // Then a manager refunds part of it (the refund's crash points are armed only here).
    const id = kit.engine.sale.current().merchantOrderId as string;
    await kit.engine.refundOrder({
      merchantOrderId: id,
      amountFen: 400,
      pin: '123456',
      reason: 'crash test',
    });
  }
  if (process.env.CRASH_VOID === '1') {
    // Then a manager voids it (the void's crash points are armed only here for a paid sale).
    const id = kit.engine.sale.current().merchantOrderId as string;
    await kit.engine.voidOrder({ merchantOrderId: id, pin: '123456', reason: 'crash test' });
  }
  process.stdout.write(`${JSON.stringify(kit.engine.sale.current())}\n`);
  await kit.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
