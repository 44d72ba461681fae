/**
 * The append-only receipt journal on disk (see format.ts for the line format and docs/journal.md).
 *
 * - `journal/<day>.jsonl`: the records written on that China day. The only source of truth.
 * - `journal/index/<day>.meta.json`: derived per-file summary (size covered, sequence range, keys left
 *   unresolved, records that belong to orders of other days). Rebuilt from the file whenever its size does
 *   not match; deleting `index/` is always safe.
 * - `journal/torn/`: torn last lines set aside on open.
 *
 * Opening a year of history reads only the small metas plus the files they do not cover (normally just
 * today's), so start-up cost does not grow with the size of the history.
 *
 * Appends are synchronous and fsync'd: when `append` returns, the record is on disk. The engine relies on
 * this to write an intent before a request leaves.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createLogger } from '../log/logger.js';
import {
  chainHash,
  chinaDay,
  decodeLine,
  encodeChained,
  GENESIS,
  isDay,
  type JournalRecord,
  splitChain,
} from './format.js';

const log = createLogger('journal');

const META_VERSION = 3;
/** Metas written before the hash chain: same shape, no `lastH` (read from the file's last line instead). */
const META_VERSIONS_ACCEPTED: ReadonlySet<number> = new Set([2, META_VERSION]);

export interface FileMeta {
  v: number;
  day: string;
  size: number;
  records: number;
  damaged: number;
  minSeq: number;
  maxSeq: number;
  /** `h` of the file's last record; absent when that record is a legacy one (or in a v2 meta). */
  lastH?: string;
  /** Keys whose last record in this file is unresolved. */
  unresolved: Array<{ k: string; od: string; s: number; st?: string }>;
  /** Records in this file for orders of another day: where to read them. */
  foreign: Array<{ k: string; od: string; s: number; off: number; len: number; un: boolean; st?: string }>;
}

export interface OpenEntry {
  k: string;
  od: string;
  s: number;
  st?: string;
}

export interface AppendInput<D = Record<string, unknown>> {
  t: string;
  k: string;
  /** The order's day. Defaults to the day of this write (a new order). */
  od?: string;
  op: string;
  st?: string;
  un?: boolean;
  d: D;
}

export interface OpenReport {
  files: number;
  filesRead: number;
  records: number;
  tornSetAside: Array<{ file: string; bytes: number; savedAs: string }>;
  ms: number;
}

export type ProblemKind = 'damaged' | 'altered' | 'deleted' | 'reordered' | 'gap' | 'unchained' | 'torn';

export interface VerifyProblem {
  file: string;
  /** 1-based line in the file (0 for a problem of the file as a whole). */
  line: number;
  kind: ProblemKind;
  /** The record's sequence, when its line could be read. */
  s?: number;
  problem: string;
}

export interface VerifyFileReport {
  file: string;
  records: number;
  /** Records without `h` before the chain starts (written before the chain existed). */
  legacy: number;
  firstSeq?: number;
  lastSeq?: number;
  ok: boolean;
  problems: VerifyProblem[];
}

export interface VerifyReport {
  files: number;
  records: number;
  /** Legacy records (no `h`) at the start of the history: reported, not an error. */
  legacy: number;
  /** True when no record was found deleted, altered, reordered or missing and every line checks out. */
  ok: boolean;
  /** Every problem of every file, in file order (kept under this name for the settings screen). */
  damaged: VerifyProblem[];
  perFile: VerifyFileReport[];
  /** Torn last lines set aside on an open (journal/torn/): never records, listed for the record. */
  tornSetAside: Array<{ file: string; bytes: number }>;
  /** The `h` of the last record: publish it (head office) to anchor the chain. */
  headH: string;
  headSeq: number;
}

export interface JournalStoreOptions {
  dir: string;
  now?: () => number;
  /** How many non-current days of parsed records to keep in memory. */
  cacheDays?: number;
}

type Listener = (record: JournalRecord) => void;

export class JournalStore {
  readonly dir: string;
  private readonly indexDir: string;
  private readonly tornDir: string;
  private readonly now: () => number;
  private readonly metas = new Map<string, FileMeta>();
  private readonly open = new Map<string, OpenEntry & { un: boolean }>();
  private readonly foreignByDay = new Map<
    string,
    Array<{ file: string; off: number; len: number; s: number }>
  >();
  private readonly cache = new Map<string, JournalRecord[]>();
  private readonly cacheDays: number;
  private readonly listeners = new Set<Listener>();
  private current: { day: string; fd: number; size: number; records: JournalRecord[] } | undefined;
  private seq = 0;
  /** `h` of the last record (GENESIS when there is none, or it is a legacy record without `h`). */
  private lastH = GENESIS;
  private closed = false;
  openReport: OpenReport | undefined;

  private constructor(options: JournalStoreOptions) {
    this.dir = options.dir;
    this.indexDir = path.join(this.dir, 'index');
    this.tornDir = path.join(this.dir, 'torn');
    this.now = options.now ?? Date.now;
    this.cacheDays = options.cacheDays ?? 4;
  }

  static open(options: JournalStoreOptions): JournalStore {
    const store = new JournalStore(options);
    store.load();
    return store;
  }

  /** The sequence the next record will carry. Stable until the next append (appends are synchronous). */
  get nextSeq(): number {
    return this.seq + 1;
  }

  today(): string {
    return chinaDay(this.now());
  }

  onAppend(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  append<D extends Record<string, unknown>>(input: AppendInput<D>): JournalRecord<D> {
    if (this.closed) throw new Error('journal is closed');
    const ms = this.now();
    const day = chinaDay(ms);
    const file = this.ensureCurrent(day);
    const bare: JournalRecord<D> = {
      s: this.seq + 1,
      at: new Date(ms).toISOString(),
      t: input.t,
      k: input.k,
      od: input.od ?? day,
      op: input.op,
      ...(input.st !== undefined ? { st: input.st } : {}),
      ...(input.un !== undefined ? { un: input.un } : {}),
      d: input.d,
    };
    const encoded = encodeChained(bare, this.lastH);
    const record: JournalRecord<D> = { ...bare, h: encoded.h };
    const line = Buffer.from(encoded.line, 'utf8');
    let written = 0;
    while (written < line.length) written += fs.writeSync(file.fd, line, written, line.length - written);
    fs.fdatasyncSync(file.fd);
    this.seq = record.s;
    this.lastH = encoded.h;
    const off = file.size;
    file.size += line.length;
    file.records.push(record as JournalRecord);
    this.noteRecord(day, record as JournalRecord, off, line.length);
    for (const listener of this.listeners) {
      try {
        listener(record as JournalRecord);
      } catch (error) {
        log.error('journal listener failed', { error });
      }
    }
    return record;
  }

  /** Every file day, oldest first. */
  days(): string[] {
    const set = new Set(this.metas.keys());
    if (this.current) set.add(this.current.day);
    return [...set].sort();
  }

  /** The records written on a day (its file), in order. */
  recordsWrittenOn(day: string): JournalRecord[] {
    if (this.current?.day === day) return this.current.records;
    const cached = this.cache.get(day);
    if (cached) return cached;
    const file = this.fileOf(day);
    if (!fs.existsSync(file)) return [];
    const { records } = readFile(file);
    this.cache.set(day, records);
    while (this.cache.size > this.cacheDays) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.delete(oldest);
    }
    return records;
  }

  /** Every record of the orders created on `day`, wherever it was written, in sequence order. */
  recordsOfOrdersOn(day: string): JournalRecord[] {
    const own = this.recordsWrittenOn(day).filter((r) => r.od === day);
    const refs = this.foreignByDay.get(day) ?? [];
    if (refs.length === 0) return own;
    const extra = refs.map((ref) => this.readAt(ref.file, ref.off, ref.len)).filter((r) => r !== undefined);
    return [...own, ...extra].sort((a, b) => a.s - b.s);
  }

  /** Every record of one order. */
  recordsOfKey(key: string, od: string): JournalRecord[] {
    return this.recordsOfOrdersOn(od).filter((r) => r.k === key);
  }

  /** Orders with work left (unresolved), oldest first. */
  openSet(): OpenEntry[] {
    return [...this.open.values()].filter((e) => e.un).sort((a, b) => a.s - b.s);
  }

  /**
   * Records with `s >= seq`, in sequence order, at most `limit` (the head-office uploader pages with it).
   * Reads only the day files whose sequence range reaches `seq`.
   */
  readFrom(seq: number, limit: number): JournalRecord[] {
    const out: JournalRecord[] = [];
    if (limit <= 0) return out;
    for (const day of this.days()) {
      const meta = this.metas.get(day);
      if (meta && meta.records > 0 && meta.maxSeq < seq) continue;
      for (const record of this.recordsWrittenOn(day)) {
        if (record.s < seq) continue;
        out.push(record);
        if (out.length >= limit) return out;
      }
    }
    return out;
  }

  /** `h` and `s` of the last record: the head of the chain. */
  head(): { s: number; h: string } {
    return { s: this.seq, h: this.lastH };
  }

  /**
   * Check the whole history: every line's checksum, the hash chain from GENESIS across all day files,
   * and the sequence. Reports, per file and overall, records altered (a record no longer matches its
   * hash), deleted (a sequence gap where the chain breaks), reordered (a sequence out of order), gaps
   * (a sequence gap over an intact chain: renumbered), records without a hash after the chain started,
   * damaged lines (checksum), torn last lines, and the torn tails set aside earlier. Legacy records
   * without `h` before the chain starts are counted, not an error. Reads every file once.
   */
  verify(): VerifyReport {
    const checker = new ChainChecker();
    const perFile: VerifyFileReport[] = [];
    for (const day of this.days()) {
      const name = `${day}.jsonl`;
      let buf: Buffer;
      try {
        buf = fs.readFileSync(path.join(this.dir, name));
      } catch {
        buf = Buffer.alloc(0);
      }
      perFile.push(checker.file(name, buf));
    }
    const problems = checker.finish();
    for (const problem of problems) {
      const file = perFile.find((f) => f.file === problem.file);
      file?.problems.push(problem);
    }
    const damaged: VerifyProblem[] = [];
    for (const file of perFile) {
      file.problems.sort((a, b) => a.line - b.line);
      file.ok = file.problems.length === 0;
      damaged.push(...file.problems);
    }
    return {
      files: perFile.length,
      records: perFile.reduce((n, f) => n + f.records, 0),
      legacy: perFile.reduce((n, f) => n + f.legacy, 0),
      ok: damaged.length === 0,
      damaged,
      perFile,
      tornSetAside: this.tornFiles(),
      headH: this.lastH,
      headSeq: this.seq,
    };
  }

  private tornFiles(): Array<{ file: string; bytes: number }> {
    try {
      return fs
        .readdirSync(this.tornDir)
        .filter((name) => name.endsWith('.torn'))
        .sort()
        .map((name) => ({ file: name, bytes: fs.statSync(path.join(this.tornDir, name)).size }));
    } catch {
      return [];
    }
  }

  /** Persist the current file's meta and close. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.current) {
      this.writeMeta(this.metas.get(this.current.day));
      fs.closeSync(this.current.fd);
      this.current = undefined;
    }
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────────

  private fileOf(day: string): string {
    return path.join(this.dir, `${day}.jsonl`);
  }

  private load(): void {
    const started = performance.now();
    fs.mkdirSync(this.indexDir, { recursive: true });
    const report: OpenReport = { files: 0, filesRead: 0, records: 0, tornSetAside: [], ms: 0 };
    const days = fs
      .readdirSync(this.dir)
      .filter((name) => name.endsWith('.jsonl') && isDay(name.slice(0, -6)))
      .map((name) => name.slice(0, -6))
      .sort();
    const today = this.today();
    for (const day of days) {
      report.files += 1;
      const file = this.fileOf(day);
      // A meta covering exactly this size was written after the file was fully read and checked, and
      // nothing was appended since: no torn tail possible, no need to read the file.
      let meta = day === today ? undefined : this.readMeta(day, fs.statSync(file).size);
      if (!meta) {
        const torn = this.setAsideTornTail(file);
        if (torn) report.tornSetAside.push(torn);
        const size = fs.statSync(file).size;
        report.filesRead += 1;
        const { records, offsets, damaged } = readFile(file);
        meta = buildMeta(day, size, records, offsets, damaged);
        if (day !== today) this.writeMeta(meta);
        else this.current = { day, fd: -1, size, records };
      }
      report.records += meta.records;
      this.metas.set(day, meta);
      this.seq = Math.max(this.seq, meta.maxSeq);
    }
    // The open set and the cross-day references, from the metas in sequence order.
    for (const day of days) this.applyMeta(this.metas.get(day) as FileMeta);
    this.lastH = this.findLastH(days);
    if (this.current) {
      this.current.fd = fs.openSync(this.fileOf(this.current.day), 'a');
    }
    report.ms = performance.now() - started;
    this.openReport = report;
    if (report.tornSetAside.length > 0)
      log.warn('torn journal lines set aside', { torn: report.tornSetAside });
  }

  /** The chain continues from the record with the highest sequence (the last one of the last file). */
  private findLastH(days: string[]): string {
    for (const day of [...days].reverse()) {
      const meta = this.metas.get(day) as FileMeta;
      if (meta.records === 0) continue;
      if (this.current?.day === day) return this.current.records.at(-1)?.h ?? GENESIS;
      if (meta.v === META_VERSION) return meta.lastH ?? GENESIS;
      return lastRecordOf(this.fileOf(day))?.h ?? GENESIS;
    }
    return GENESIS;
  }

  private applyMeta(meta: FileMeta): void {
    for (const entry of meta.unresolved) this.track({ ...entry, un: true });
    for (const f of meta.foreign) {
      this.track({ k: f.k, od: f.od, s: f.s, un: f.un, ...(f.st !== undefined ? { st: f.st } : {}) });
      const list = this.foreignByDay.get(f.od) ?? [];
      list.push({ file: meta.day, off: f.off, len: f.len, s: f.s });
      this.foreignByDay.set(f.od, list);
    }
  }

  private track(entry: OpenEntry & { un: boolean }): void {
    const known = this.open.get(entry.k);
    if (known && known.s > entry.s) return;
    if (entry.un) this.open.set(entry.k, entry);
    else this.open.delete(entry.k);
  }

  private noteRecord(day: string, record: JournalRecord, off: number, len: number): void {
    let meta = this.metas.get(day);
    if (!meta) {
      meta = emptyMeta(day);
      this.metas.set(day, meta);
    }
    addToMeta(meta, record, off, len);
    meta.size = off + len;
    if (record.od !== day) {
      const list = this.foreignByDay.get(record.od) ?? [];
      list.push({ file: day, off, len, s: record.s });
      this.foreignByDay.set(record.od, list);
    }
    if (record.un !== undefined) {
      this.track({
        k: record.k,
        od: record.od,
        s: record.s,
        un: record.un,
        ...(record.st !== undefined ? { st: record.st } : {}),
      });
    }
  }

  private ensureCurrent(day: string): { day: string; fd: number; size: number; records: JournalRecord[] } {
    if (this.current?.day === day) return this.current;
    if (this.current) {
      this.writeMeta(this.metas.get(this.current.day));
      fs.closeSync(this.current.fd);
      this.current = undefined;
    }
    const file = this.fileOf(day);
    const existed = fs.existsSync(file);
    const records = existed ? readFile(file).records : [];
    const fd = fs.openSync(file, 'a');
    if (!existed) fsyncDir(this.dir);
    this.cache.delete(day);
    this.current = { day, fd, size: fs.fstatSync(fd).size, records };
    return this.current;
  }

  private readAt(day: string, off: number, len: number): JournalRecord | undefined {
    const fd = fs.openSync(this.fileOf(day), 'r');
    try {
      const buf = Buffer.alloc(len);
      fs.readSync(fd, buf, 0, len, off);
      const decoded = decodeLine(buf.toString('utf8').replace(/\n$/, ''));
      return decoded.ok ? decoded.record : undefined;
    } finally {
      fs.closeSync(fd);
    }
  }

  private readMeta(day: string, size: number): FileMeta | undefined {
    try {
      const meta = JSON.parse(
        fs.readFileSync(path.join(this.indexDir, `${day}.meta.json`), 'utf8'),
      ) as FileMeta;
      if (!META_VERSIONS_ACCEPTED.has(meta.v) || meta.size !== size || meta.day !== day) return undefined;
      return meta;
    } catch {
      return undefined;
    }
  }

  private writeMeta(meta: FileMeta | undefined): void {
    if (!meta) return;
    const target = path.join(this.indexDir, `${meta.day}.meta.json`);
    const tmp = `${target}.tmp`;
    try {
      fs.writeFileSync(tmp, JSON.stringify(meta));
      fs.renameSync(tmp, target);
    } catch (error) {
      log.warn('could not write journal meta (derived, will be rebuilt)', { error });
    }
  }

  /**
   * A crash can leave a last line without its newline, or a complete-looking last line that does not
   * check out (zero-filled blocks after a power cut). Such trailing damage never was a record: copy it to
   * torn/ (fsync) and cut the file back to its last good line. Damage in the middle is left for verify.
   */
  private setAsideTornTail(file: string): OpenReport['tornSetAside'][number] | undefined {
    const size = fs.statSync(file).size;
    if (size === 0) return undefined;
    const fd = fs.openSync(file, 'r+');
    try {
      const tailLen = Math.min(size, 1 << 20);
      const buf = Buffer.alloc(tailLen);
      fs.readSync(fd, buf, 0, tailLen, size - tailLen);
      let goodEnd = tailLen; // exclusive, relative to buf
      for (;;) {
        if (goodEnd === 0) break;
        if (buf[goodEnd - 1] !== 0x0a) {
          const nl = buf.lastIndexOf(0x0a, goodEnd - 1);
          goodEnd = nl < 0 ? 0 : nl + 1;
          continue;
        }
        const prevNl = buf.lastIndexOf(0x0a, goodEnd - 2);
        if (prevNl < 0 && tailLen < size) break; // line longer than the window: leave it to verify
        const line = buf.subarray(prevNl + 1, goodEnd - 1).toString('utf8');
        if (decodeLine(line).ok) break;
        goodEnd = prevNl + 1;
      }
      if (goodEnd === tailLen) return undefined;
      const cutAt = size - tailLen + goodEnd;
      fs.mkdirSync(this.tornDir, { recursive: true });
      const savedAs = path.join(this.tornDir, `${path.basename(file)}.${cutAt}.${Date.now()}.torn`);
      const tornFd = fs.openSync(savedAs, 'w');
      fs.writeSync(tornFd, buf, goodEnd, tailLen - goodEnd);
      fs.fsyncSync(tornFd);
      fs.closeSync(tornFd);
      fsyncDir(this.tornDir);
      fs.ftruncateSync(fd, cutAt);
      fs.fsyncSync(fd);
      return { file: path.basename(file), bytes: size - cutAt, savedAs };
    } finally {
      fs.closeSync(fd);
    }
  }
}

function emptyMeta(day: string): FileMeta {
  return {
    v: META_VERSION,
    day,
    size: 0,
    records: 0,
    damaged: 0,
    minSeq: 0,
    maxSeq: 0,
    unresolved: [],
    foreign: [],
  };
}

function addToMeta(meta: FileMeta, record: JournalRecord, off: number, len: number): void {
  meta.records += 1;
  if (meta.minSeq === 0) meta.minSeq = record.s;
  meta.maxSeq = Math.max(meta.maxSeq, record.s);
  if (record.h !== undefined) meta.lastH = record.h;
  else delete meta.lastH;
  if (record.od !== meta.day) {
    meta.foreign.push({
      k: record.k,
      od: record.od,
      s: record.s,
      off,
      len,
      un: record.un === true,
      ...(record.st !== undefined ? { st: record.st } : {}),
    });
  } else if (record.un !== undefined) {
    const at = meta.unresolved.findIndex((e) => e.k === record.k);
    if (at >= 0) meta.unresolved.splice(at, 1);
    if (record.un) {
      meta.unresolved.push({
        k: record.k,
        od: record.od,
        s: record.s,
        ...(record.st !== undefined ? { st: record.st } : {}),
      });
    }
  }
}

function buildMeta(
  day: string,
  size: number,
  records: JournalRecord[],
  offsets: Array<[number, number]>,
  damaged: number,
): FileMeta {
  const meta = emptyMeta(day);
  records.forEach((record, i) => {
    const [off, len] = offsets[i] as [number, number];
    addToMeta(meta, record, off, len);
  });
  meta.size = size;
  meta.damaged = damaged;
  return meta;
}

const DAMAGED_H = 'damaged';
/** How many recent records the checker remembers to resolve a reordering (adjacent swaps and more). */
const CHAIN_WINDOW = 4096;

interface Pending {
  s: number;
  bare: string;
  h: string;
  file: string;
  line: number;
}

/**
 * Walks every record of the history in file order and checks each one's link to the record with the
 * previous sequence number (not merely the previous line, so a swap of two lines is reported as a
 * reordering instead of a cascade of breaks). A record whose predecessor has not appeared yet waits in
 * `pending`; sequence gaps left at the end are deleted records (chain broken across the gap) or a
 * renumbering (chain intact).
 */
class ChainChecker {
  /** s → h of recently seen records; legacy records count as GENESIS (the chain restarts after them). */
  private readonly seen = new Map<number, string>([[0, GENESIS]]);
  private readonly pending = new Map<number, Pending>();
  private readonly gaps: Array<{ from: number; to: number; file: string; line: number }> = [];
  private readonly problems: VerifyProblem[] = [];
  private maxS = 0;
  private chained = false;

  file(name: string, buf: Buffer): VerifyFileReport {
    const report: VerifyFileReport = { file: name, records: 0, legacy: 0, ok: true, problems: [] };
    let start = 0;
    let line = 0;
    while (start < buf.length) {
      const end = buf.indexOf(0x0a, start);
      line += 1;
      if (end < 0) {
        report.problems.push({
          file: name,
          line,
          kind: 'torn',
          problem: `torn last line (${buf.length - start} bytes, no newline)`,
        });
        break;
      }
      const text = buf.toString('utf8', start, end);
      start = end + 1;
      const decoded = decodeLine(text);
      if (!decoded.ok) {
        // The line is not trustworthy, but its sequence and hash (if legible) keep the chain checkable.
        const json = text.slice(0, Math.max(0, text.lastIndexOf('\t')));
        const s = Number(/^\{"s":(\d+),/.exec(json)?.[1] ?? Number.NaN);
        report.problems.push({
          file: name,
          line,
          kind: 'damaged',
          ...(Number.isSafeInteger(s) ? { s } : {}),
          problem: decoded.problem,
        });
        if (Number.isSafeInteger(s)) this.note(s, splitChain(json)?.h ?? DAMAGED_H, name, line);
        continue;
      }
      const record = decoded.record;
      report.records += 1;
      report.firstSeq ??= record.s;
      report.lastSeq = record.s;
      const split = splitChain(decoded.json);
      if (!split) {
        if (record.h !== undefined) {
          this.problems.push({
            file: name,
            line,
            kind: 'altered',
            s: record.s,
            problem: `record ${record.s}: its hash is not where it is written (record rewritten)`,
          });
          this.note(record.s, DAMAGED_H, name, line);
        } else if (!this.chained) {
          report.legacy += 1;
          this.note(record.s, GENESIS, name, line);
        } else {
          this.problems.push({
            file: name,
            line,
            kind: 'unchained',
            s: record.s,
            problem: `record ${record.s} has no hash although the chain started before it`,
          });
          this.note(record.s, GENESIS, name, line);
        }
        continue;
      }
      this.chained = true;
      this.link({ s: record.s, bare: split.bare, h: split.h, file: name, line });
      this.note(record.s, split.h, name, line);
    }
    return report;
  }

  /** Problems found only once everything was read (gaps, deletions, chain breaks to a missing record). */
  finish(): VerifyProblem[] {
    const out = this.problems.splice(0);
    for (const gap of this.gaps) {
      const after = this.pending.get(gap.to);
      const before = this.seen.get(gap.from - 1);
      const range = gap.from === gap.to ? `record ${gap.from} is` : `records ${gap.from}–${gap.to} are`;
      if (after) this.pending.delete(gap.to);
      const intact =
        after !== undefined &&
        before !== undefined &&
        before !== DAMAGED_H &&
        chainHash(before, after.bare) === after.h;
      out.push({
        file: gap.file,
        line: gap.line,
        kind: intact ? 'gap' : 'deleted',
        s: gap.to + 1,
        problem: intact
          ? `sequence gap: ${range} missing but the chain is intact (renumbered)`
          : `${range} missing (deleted): sequence gap and the chain breaks before record ${gap.to + 1}`,
      });
    }
    for (const p of this.pending.values()) {
      out.push({
        file: p.file,
        line: p.line,
        kind: 'altered',
        s: p.s,
        problem: `record ${p.s} does not chain onto the record before it`,
      });
    }
    this.pending.clear();
    return out;
  }

  /** Check `r` against its predecessor, or wait for the predecessor to appear. */
  private link(r: Pending): void {
    const prev = this.seen.get(r.s - 1);
    if (prev === undefined) {
      if (r.s - 1 > this.maxS - CHAIN_WINDOW) this.pending.set(r.s - 1, r);
      return;
    }
    if (prev === DAMAGED_H) return;
    if (chainHash(prev, r.bare) !== r.h) this.altered(r);
  }

  private altered(r: Pending): void {
    this.problems.push({
      file: r.file,
      line: r.line,
      kind: 'altered',
      s: r.s,
      problem: `record ${r.s} does not match the hash chain: it or record ${r.s - 1} was changed`,
    });
  }

  private note(s: number, h: string, file: string, line: number): void {
    if (this.seen.has(s) && s !== 0) {
      this.problems.push({ file, line, kind: 'reordered', s, problem: `sequence ${s} appears twice` });
    } else if (s < this.maxS) {
      this.problems.push({
        file,
        line,
        kind: 'reordered',
        s,
        problem: `record ${s} appears after record ${this.maxS} (out of order)`,
      });
      this.fillGap(s);
    } else if (s > this.maxS + 1) {
      this.gaps.push({ from: this.maxS + 1, to: s - 1, file, line });
    }
    this.maxS = Math.max(this.maxS, s);
    this.seen.set(s, h);
    if (this.seen.size > CHAIN_WINDOW) this.seen.delete(this.seen.keys().next().value as number);
    const waiting = this.pending.get(s);
    if (waiting) {
      this.pending.delete(s);
      if (h !== DAMAGED_H && chainHash(h, waiting.bare) !== waiting.h) this.altered(waiting);
    }
  }

  /** A late record fills (part of) an earlier gap. */
  private fillGap(s: number): void {
    const at = this.gaps.findIndex((g) => g.from <= s && s <= g.to);
    if (at < 0) return;
    const gap = this.gaps[at] as (typeof this.gaps)[number];
    const parts = [
      { ...gap, to: s - 1 },
      { ...gap, from: s + 1 },
    ].filter((g) => g.from <= g.to);
    this.gaps.splice(at, 1, ...parts);
  }
}

/** Parse a whole file. Damaged lines are skipped (verify reports them). */
export function readFile(file: string): {
  records: JournalRecord[];
  offsets: Array<[number, number]>;
  damaged: number;
} {
  const buf = fs.readFileSync(file);
  const records: JournalRecord[] = [];
  const offsets: Array<[number, number]> = [];
  let damaged = 0;
  let start = 0;
  while (start < buf.length) {
    const end = buf.indexOf(0x0a, start);
    if (end < 0) {
      damaged += 1;
      break;
    }
    const decoded = decodeLine(buf.toString('utf8', start, end));
    if (decoded.ok) {
      records.push(decoded.record);
      offsets.push([start, end + 1 - start]);
    } else {
      damaged += 1;
      log.warn('damaged journal line skipped', {
        file: path.basename(file),
        offset: start,
        problem: decoded.problem,
      });
    }
    start = end + 1;
  }
  return { records, offsets, damaged };
}

/** The last whole record of a file (read backwards in growing windows). */
function lastRecordOf(file: string): JournalRecord | undefined {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    for (let window = 64 * 1024; ; window *= 4) {
      const len = Math.min(size, window);
      const buf = Buffer.alloc(len);
      fs.readSync(fd, buf, 0, len, size - len);
      let end = buf.length;
      while (end > 0) {
        if (buf[end - 1] !== 0x0a) {
          end = buf.lastIndexOf(0x0a, end - 1) + 1;
          continue;
        }
        const nl = buf.lastIndexOf(0x0a, end - 2);
        if (nl < 0 && len < size) break; // the line may start before this window
        const decoded = decodeLine(buf.toString('utf8', nl + 1, end - 1));
        if (decoded.ok) return decoded.record;
        end = nl + 1;
      }
      if (len >= size) return undefined;
    }
  } finally {
    fs.closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some platforms (Windows) cannot fsync a directory; the file's own fsync is what we rely on there.
  }
}
