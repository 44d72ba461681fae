/**
 * `npx tsx bench/journal.ts`: the receipt journal's figures.
 *
 * 1. appends per second with fsync (the real durability path, one record per append);
 * 2. a generated year at 2,000 orders a day (intent + reply per order, a cross-day refund every 50 orders),
 *    written straight into day files in a temp dir (no fsync: generation only);
 * 3. open + recovery time: cold (no derived metas: every file read once) and warm (metas present: only
 *    today's file is replayed), with the open set of unresolved orders;
 * 4. daily settlement time for a past day and for today; full verify of the year;
 * 5. peak memory (maxRSS).
 *
 * Bounded: BENCH_DAYS (default 365) × BENCH_ORDERS (default 2000); appends stop after 2 s or 5,000.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { chinaDay, encodeChained, GENESIS, type JournalRecord } from '../main/journal/format.js';
import { Journal } from '../main/journal/journal.js';
import { RECORD } from '../main/journal/records.js';
import { settlementReport } from '../main/reports/journal-source.js';
import { formatFen } from '../main/shared/money.js';

// Child mode: open a prepared journal warm in a fresh process, so its peak memory is its own.
if (process.argv[2] === '--warm-child') {
  const dataDir = process.argv[3] as string;
  const now = Number(process.argv[4]);
  const t0 = performance.now();
  const journal = Journal.open({ dataDir, now: () => now });
  const openMs = performance.now() - t0;
  const unresolved = journal.unresolved().length;
  const report = settlementReport(journal.store, chinaDay(now), now);
  const totalMs = performance.now() - t0;
  journal.close();
  console.log(
    JSON.stringify({
      openMs,
      totalMs,
      unresolved,
      sales: report.totals.salesCount,
      maxRssKb: process.resourceUsage().maxRSS,
    }),
  );
  process.exit(0);
}

// Child mode: past days' settlements, each the first time in this fresh process (their derived facts
// were kept by the parent's first settlement of those days).
if (process.argv[2] === '--past-child') {
  const dataDir = process.argv[3] as string;
  const now = Number(process.argv[4]);
  const days = (process.argv[5] as string).split(',');
  const journal = Journal.open({ dataDir, now: () => now });
  const firsts: number[] = [];
  let sales = 0;
  for (const day of days) {
    const t0 = performance.now();
    sales = settlementReport(journal.store, day, now).totals.salesCount;
    firsts.push(performance.now() - t0);
  }
  journal.close();
  console.log(JSON.stringify({ firsts, sales }));
  process.exit(0);
}

const DAYS = Math.min(Number(process.env.BENCH_DAYS ?? 365), 400);
const ORDERS = Math.min(Number(process.env.BENCH_ORDERS ?? 2000), 5000);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-journal-'));
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });
const mb = (bytes: number) => `${fmt(bytes / 1048576, 1)} MB`;

function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const out = fn();
  return [out, performance.now() - t0];
}

try {
  // ── 1. fsync'd appends: the journal and SQLite on the same disk, in the same run ────────────
  {
    const dir = path.join(root, 'appends');
    const journal = Journal.open({ dataDir: dir });
    const db = new DatabaseSync(path.join(root, 'appends.sqlite'));
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = FULL');
    db.exec('CREATE TABLE records (s INTEGER PRIMARY KEY, t TEXT, k TEXT, od TEXT, json TEXT)');
    const insert = db.prepare('INSERT INTO records (s, t, k, od, json) VALUES (?, ?, ?, ?, ?)');
    const data = (n: number) => ({
      amountFen: 1000 + n,
      channel: 'wechat',
      codeLast4: '1234',
      payMode: 'CODE_SCAN',
      merchantCode: '898310000000001',
      terminalCode: 'DEMO0001',
    });
    const key = (n: number) => `DEMO000120260630120000000${String(n).padStart(8, '0')}`;
    let jn = 0;
    let sn = 0;
    let jms = 0;
    let sms = 0;
    const ratios: number[] = [];
    // Short alternating rounds, so a noisy neighbour on the disk slows both alike; the median of the
    // per-round ratios is the figure least coloured by it.
    const ROUND = 100;
    for (let round = 0; round < 30 && jms + sms < 8000; round += 1) {
      let t0 = performance.now();
      for (let i = 0; i < ROUND; i += 1, jn += 1) {
        journal.write({
          t: RECORD.payIntent,
          k: key(jn),
          op: 'cashier',
          st: 'pending',
          un: true,
          d: data(jn),
        });
      }
      const jRound = performance.now() - t0;
      t0 = performance.now();
      for (let i = 0; i < ROUND; i += 1, sn += 1) {
        // One transaction per record, the same record JSON as the journal line carries.
        const record = {
          s: sn + 1,
          at: new Date().toISOString(),
          t: RECORD.payIntent,
          k: key(sn),
          od: '2026-06-30',
          op: 'cashier',
          st: 'pending',
          un: true,
          d: data(sn),
        };
        db.exec('BEGIN');
        insert.run(record.s, record.t, record.k, record.od, JSON.stringify(record));
        db.exec('COMMIT');
      }
      const sRound = performance.now() - t0;
      jms += jRound;
      sms += sRound;
      ratios.push(sRound / jRound);
    }
    journal.close();
    db.close();
    const jRate = (jn / jms) * 1000;
    const sRate = (sn / sms) * 1000;
    console.log(
      `appends, journal (fsync each, hash chain): ${fmt(jRate)} /s  (${jn} records, ${fmt((jms / jn) * 1000)} µs each)`,
    );
    console.log(
      `appends, SQLite WAL synchronous=FULL:      ${fmt(sRate)} /s  (${sn} records, one transaction each, same disk)`,
    );
    ratios.sort((a, b) => a - b);
    const median = ratios[Math.floor(ratios.length / 2)] as number;
    console.log(
      `appends, journal ÷ SQLite:                 ${fmt(median, 2)}× median of ${ratios.length} rounds of ${ROUND} (overall ${fmt(jRate / sRate, 2)}×; target ≥ 1)`,
    );
  }

  // ── 2. generate a year ──────────────────────────────────────────────────────────────────────
  const dataDir = path.join(root, 'year');
  const dir = path.join(dataDir, 'journal');
  fs.mkdirSync(dir, { recursive: true });
  const lastDayMs = Date.parse('2026-06-30T04:00:00.000Z'); // 12:00 China time on the last ("today") day
  const firstDayMs = lastDayMs - (DAYS - 1) * 86_400_000;
  let seq = 0;
  let lastH = GENESIS;
  let bytes = 0;
  let records = 0;
  const [, genMs] = time(() => {
    for (let day = 0; day < DAYS; day += 1) {
      const dayStart = firstDayMs - 4 * 3600_000 + day * 86_400_000; // 08:00 China
      const dayName = chinaDay(dayStart);
      const lines: string[] = [];
      for (let i = 0; i < ORDERS; i += 1) {
        const at = dayStart + Math.floor((i * 14 * 3600_000) / ORDERS);
        const key = `DEMO0001${dayName.replace(/-/g, '')}${String(i).padStart(6, '0')}000${String(seq + 1).padStart(8, '0')}`;
        const iso = new Date(at).toISOString();
        const amountFen = 100 + ((i * 7919) % 50_000);
        const channel = (['wechat', 'alipay', 'unionpay'] as const)[i % 3];
        const rec = (r: Omit<JournalRecord, 's'>) => {
          seq += 1;
          const encoded = encodeChained({ s: seq, ...r }, lastH);
          lastH = encoded.h;
          lines.push(encoded.line);
        };
        rec({
          at: iso,
          t: RECORD.payIntent,
          k: key,
          od: dayName,
          op: i % 2 ? 'cashier' : 'manager',
          st: 'pending',
          un: true,
          d: {
            amountFen,
            channel,
            codeLast4: String(1000 + (i % 9000)),
            payMode: 'CODE_SCAN',
            merchantCode: '898310000000001',
            terminalCode: 'DEMO0001',
          },
        });
        // A few orders left unresolved (no reply): what recovery finds at start.
        if (i === ORDERS - 1 && day % 100 === 0) continue;
        rec({
          at: new Date(at + 1500).toISOString(),
          t: RECORD.payReply,
          k: key,
          od: dayName,
          op: 'cashier',
          st: 'paid',
          un: false,
          d: {
            outcome: 'ok',
            errCode: '00',
            errInfo: '交易成功',
            orderId: `3${key.slice(-20)}`,
            paidFen: amountFen,
            retrievalRefNum: String(100000000000 + seq),
            thirdPartyName: '微信支付',
          },
        });
        // A refund a few days later for every 50th order of a previous day: a cross-day record.
        if (i % 50 === 0 && day >= 3) {
          const origin = chinaDay(dayStart - 3 * 86_400_000);
          const originKey = `DEMO0001${origin.replace(/-/g, '')}${String(i + 1).padStart(6, '0')}00000000000`;
          rec({
            at: iso,
            t: RECORD.refundReply,
            k: originKey,
            od: origin,
            op: 'manager',
            st: 'partially-refunded',
            un: false,
            d: {
              refundRequestId: `R${originKey}`,
              amountFen: 50,
              outcome: 'ok',
              channel,
              payMode: 'CODE_SCAN',
            },
          });
        }
      }
      const text = lines.join('');
      bytes += Buffer.byteLength(text);
      records += lines.length;
      fs.writeFileSync(path.join(dir, `${dayName}.jsonl`), text);
    }
  });
  console.log(
    `generated:                   ${DAYS} days × ${ORDERS} orders = ${fmt(records)} records, ${mb(bytes)} in ${fmt(genMs)} ms`,
  );
  const now = () => lastDayMs;

  // ── 3. open + recovery ──────────────────────────────────────────────────────────────────────
  const [cold, coldMs] = time(() => Journal.open({ dataDir, now }));
  const coldOpen = cold.store.openReport;
  const [coldUnresolved, coldUnresolvedMs] = time(() => cold.unresolved());
  cold.close();
  console.log(
    `open, cold (no metas):       ${fmt(coldMs)} ms  (${coldOpen?.filesRead} files read, ${fmt(coldOpen?.records ?? 0)} records)`,
  );
  const rssBefore = process.memoryUsage().rss;
  const [warm, warmMs] = time(() => Journal.open({ dataDir, now }));
  const [unresolved, unresolvedMs] = time(() => warm.unresolved());
  console.log(
    `open, warm (metas present):  ${fmt(warmMs, 1)} ms  (${warm.store.openReport?.filesRead} file read: today; RSS +${mb(process.memoryUsage().rss - rssBefore)})`,
  );
  console.log(
    `unresolved orders at start:  ${unresolved.length} in ${fmt(unresolvedMs, 1)} ms (cold ${coldUnresolved.length} in ${fmt(coldUnresolvedMs, 1)} ms)`,
  );

  // ── 4. reports, lookups, verify ─────────────────────────────────────────────────────────────
  const pastDay = chinaDay(lastDayMs - 100 * 86_400_000);
  const today = chinaDay(lastDayMs);
  // A fresh process: open (warm) + unresolved + today's settlement, its own peak memory.
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', import.meta.filename, '--warm-child', dataDir, String(lastDayMs)],
    {
      encoding: 'utf8',
      env: { ...process.env, CASHIER_LOG_LEVEL: 'error' },
    },
  );
  const fresh = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as {
    openMs: number;
    totalMs: number;
    maxRssKb: number;
  };
  console.log(
    `fresh process start:         open ${fmt(fresh.openMs)} ms, + recovery scan + today's settlement ${fmt(fresh.totalMs)} ms, maxRSS ${mb(fresh.maxRssKb * 1024)}`,
  );
  // A past day as the settlement reads it, the first time (nothing of that day in memory): storage
  // alone (the day's own records + its orders' records written on later days), the settlement of
  // another past day read for the first time, and the same settlement again (its day now in memory:
  // what is left is the report's own work). Five different days; the median and the best are printed,
  // since a neighbour on this machine can stall any single reading.
  const reads: number[] = [];
  const firsts: number[] = [];
  const agains: number[] = [];
  let past: ReturnType<typeof settlementReport> | undefined;
  let pastRecords = 0;
  for (let i = 0; i < 5; i += 1) {
    const readDay = chinaDay(lastDayMs - (100 + 20 * i) * 86_400_000);
    const settleDay = chinaDay(lastDayMs - (110 + 20 * i) * 86_400_000);
    const [records, readMs] = time(() => warm.store.recordsOfOrdersOn(readDay));
    pastRecords = records.length;
    const [report, firstMs] = time(() => settlementReport(warm.store, settleDay));
    const [, againMs] = time(() => settlementReport(warm.store, settleDay));
    past = report;
    reads.push(readMs);
    firsts.push(firstMs);
    agains.push(againMs);
  }
  const med = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] as number;
  const best = (list: number[]) => Math.min(...list);
  console.log(
    `past day read (storage):     ${fmt(med(reads), 1)} ms median, ${fmt(best(reads), 1)} best  (${fmt(pastRecords)} records of one day's orders, first read)`,
  );
  console.log(
    `settlement, past day:        ${fmt(med(firsts), 1)} ms median first computed (best ${fmt(best(firsts), 1)}), ${fmt(med(agains), 1)} ms again  (target ≤ 20 ms; ${past?.totals.salesCount} sales, ${past?.totals.refundsCount} refunds, net ${formatFen(past?.totals.netFen ?? 0)})`,
  );
  // The same past days in a fresh process (open warm, then each day's settlement once): the kept facts.
  const settleDays = [0, 1, 2, 3, 4].map((i) => chinaDay(lastDayMs - (110 + 20 * i) * 86_400_000));
  const pastChild = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      import.meta.filename,
      '--past-child',
      dataDir,
      String(lastDayMs),
      settleDays.join(','),
    ],
    { encoding: 'utf8', env: { ...process.env, CASHIER_LOG_LEVEL: 'error' } },
  );
  const kept = JSON.parse(pastChild.stdout.trim().split('\n').pop() ?? '{}') as {
    firsts: number[];
    sales: number;
  };
  console.log(
    `settlement, past day, kept:  ${fmt(med(kept.firsts), 1)} ms median first in a fresh process (best ${fmt(best(kept.firsts), 1)}, very first ${fmt(kept.firsts[0] ?? 0, 1)})  (target ≤ 20 ms; derived facts of a closed day; ${kept.sales} sales)`,
  );
  const [todayReport, todayMs] = time(() => settlementReport(warm.store, today));
  console.log(`settlement, today:           ${fmt(todayMs, 1)} ms  (${todayReport.totals.salesCount} sales)`);
  const [list, listMs] = time(() => warm.list({ day: pastDay, query: '1234' }));
  console.log(`orders.list by last 4:       ${fmt(listMs, 1)} ms  (${list.length} found)`);
  const [verify, verifyMs] = time(() => warm.verify());
  console.log(
    `verify whole year:           ${fmt(verifyMs)} ms  (${fmt(verify.records)} records, ${verify.damaged.length} damaged)`,
  );
  warm.close();

  const usage = process.resourceUsage();
  const mem = process.memoryUsage();
  console.log(
    `peak memory, this process:   ${mb(usage.maxRSS * 1024)} (includes generating the year and the cold pass; heapUsed now ${mb(mem.heapUsed)})`,
  );
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
