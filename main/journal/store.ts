/**
 * The append-only receipt journal on disk (see format.ts for the line format and docs/journal.md).
 *
 * - `journal/<day>.jsonl`: the records written on that China day. The only source of truth.
 * - `journal/index/<day>.meta.json`: derived per-file summary (size and mtime covered, sequence range,
 *   chain ends, keys left unresolved, records that belong to orders of other days, problems found when it
 *   was built). Rebuilt from the file whenever size or mtime do not match; deleting `index/` is always safe.
 * - `journal/torn/`: torn last lines and the bytes of failed appends, set aside.
 *
 * Opening a year of history reads only the small metas plus the files they do not cover (normally just
 * today's), so start-up cost does not grow with the size of the history.
 *
 * Appends are synchronous: one positioned write + one fdatasync; when `append` returns, the record is on
 * disk. The engine relies on this to write an intent before a request leaves. An append that fails (disk
 * full, I/O error, read-only, short write) is cut back to the last good offset before it throws, so the
 * file only ever holds whole records; if even that fails, writing stays closed and the next append (or
 * the probe) repairs the file first. Nothing is ever written after a partial line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createLogger } from '../log/logger.js';
import { AppError, type Bilingual } from '../shared/errors.js';
import {
  chainHash,
  chinaDay,
  decodeLine,
  decodeSlice,
  encodeChained,
  GENESIS,
  isDay,
  type JournalRecord,
  splitChain,
} from './format.js';

const log = createLogger('journal');

const META_VERSION = 3;
/** Metas written before the hash chain: same shape, no chain ends (read from the file instead). */
const META_VERSIONS_ACCEPTED: ReadonlySet<number> = new Set([2, META_VERSION]);
/** At most this many problems are kept in one file's meta (verify lists them all). */
const META_PROBLEMS = 20;
/** The probe writes one page: a record needs about that much room. */
const PROBE_BYTES = 4096;
/** Today's file grows in zero-filled steps of this size (see JournalStoreOptions.preallocate). */
const PREALLOCATE = 1 << 20;
/** After the disk refused a step, records are appended without one for this long. */
const PREALLOCATE_BACKOFF_MS = 60_000;

export interface FileMeta {
  v: number;
  day: string;
  size: number;
  /** mtime of the file when the meta was written: an edit in place (same size) makes the meta stale. */
  mtimeMs?: number;
  records: number;
  damaged: number;
  minSeq: number;
  maxSeq: number;
  /** The file's first chained record: to check its link to the previous file without reading this one. */
  first?: { s: number; bare: string; h: string };
  /** `h` of the file's last record; absent when that record is a legacy one (or in a v2 meta). */
  lastH?: string;
  /** Problems inside this file found when the meta was built (shown at every start until dealt with). */
  problems?: VerifyProblem[];
  /**
   * Keys whose last record in this file is unresolved, with where all of that key's records in this
   * file are (`at`: offset, length, offset, length, …): recovery reads an old order without its day.
   */
  unresolved: Array<{ k: string; od: string; s: number; st?: string; at?: number[] }>;
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
  /**
   * What the start-up check found: the chain across every file (from the metas' chain ends), every
   * line of the files read now, and the problems the metas remember. Empty: nothing found.
   */
  problems: VerifyProblem[];
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
  /** Torn last lines and failed appends set aside (journal/torn/): never records, listed for the record. */
  tornSetAside: Array<{ file: string; bytes: number }>;
  /** The `h` of the last record: publish it (head office) to anchor the chain. */
  headH: string;
  headSeq: number;
}

/** Whether records can be written now; `problem` says why not, for the cashier. */
export interface JournalHealth {
  writable: boolean;
  problem?: Bilingual;
  /** When writing stopped (ISO). */
  since?: string;
}

/** The file calls the write path makes: node:fs by default, a shim in tests to inject failures. */
export interface JournalFs {
  openSync(path: string, flags: string | number, mode?: number): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  fdatasyncSync(fd: number): void;
  ftruncateSync(fd: number, len: number): void;
  closeSync(fd: number): void;
  fstatSync(fd: number): { size: number };
}

export interface JournalStoreOptions {
  dir: string;
  now?: () => number;
  /** How many non-current days of parsed records to keep in memory. */
  cacheDays?: number;
  /** The write path's file calls (tests inject failures here). */
  fs?: JournalFs;
  /** While writing is down, how often to probe whether it works again (ms; 0: only on append). */
  probeMs?: number;
  /**
   * Bytes by which today's file is extended, zero-filled and synced, ahead of the records (0: none).
   * A record then overwrites zeros inside the file: its fdatasync flushes data only, not a new file
   * size (a metadata commit) every time, which is what made growing appends slow and jittery. The
   * zeros are cut off when the day's file is closed; readers stop at them.
   */
  preallocate?: number;
}

type Listener = (record: JournalRecord) => void;
type HealthListener = (health: JournalHealth) => void;

interface CurrentFile {
  day: string;
  /** -1 while closed (not yet opened, or closed after a failed rollback). */
  fd: number;
  /** End of the last whole record: the only offset ever written at. */
  size: number;
  records: JournalRecord[];
  /** True when bytes past `size` may be on disk (a failed append not yet cut off). */
  dirty: boolean;
  /** The file's length on disk: `size` plus the zero-filled room ahead (preallocation). */
  allocated: number;
}

const nodeFs: JournalFs = fs;

export class JournalStore {
  readonly dir: string;
  private readonly indexDir: string;
  private readonly tornDir: string;
  private readonly now: () => number;
  private readonly fs: JournalFs;
  private readonly probeMs: number;
  private readonly preallocate: number;
  private preallocateAfter = 0;
  private readonly metas = new Map<string, FileMeta>();
  private readonly open = new Map<string, OpenEntry & { un: boolean }>();
  private readonly foreignByDay = new Map<
    string,
    Array<{ file: string; off: number; len: number; s: number; k: string }>
  >();
  /** Where the records of an order left unresolved in its own day's file are (from the metas). */
  private readonly locators = new Map<string, { od: string; at: number[] }>();
  private readonly cache = new Map<string, JournalRecord[]>();
  private readonly cacheDays: number;
  private readonly listeners = new Set<Listener>();
  private readonly healthListeners = new Set<HealthListener>();
  private current: CurrentFile | undefined;
  private seq = 0;
  /** `h` of the last record (GENESIS when there is none, or it is a legacy record without `h`). */
  private lastH = GENESIS;
  private closed = false;
  private healthState: JournalHealth = { writable: true };
  private probeTimer: NodeJS.Timeout | undefined;
  openReport: OpenReport | undefined;

  private constructor(options: JournalStoreOptions) {
    this.dir = options.dir;
    this.indexDir = path.join(this.dir, 'index');
    this.tornDir = path.join(this.dir, 'torn');
    this.now = options.now ?? Date.now;
    this.cacheDays = options.cacheDays ?? 4;
    this.fs = options.fs ?? nodeFs;
    this.probeMs = options.probeMs ?? 5000;
    this.preallocate = options.preallocate ?? PREALLOCATE;
  }

  /**
   * Open (and check) the journal in `dir`. Never throws for a folder that cannot be written (read-only,
   * full, no permission): the journal then opens for reading, `health()` says why it cannot write and
   * appends throw JOURNAL_UNAVAILABLE until a probe or an append finds it writable again.
   */
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

  health(): JournalHealth {
    return { ...this.healthState };
  }

  /** Called whenever `health().writable` changes (and when the reason changes while down). */
  onHealth(listener: HealthListener): () => void {
    this.healthListeners.add(listener);
    return () => this.healthListeners.delete(listener);
  }

  /**
   * Append one record: one positioned write at the end of the last whole record, one fdatasync. On any
   * failure the file is cut back to that offset, health goes down and AppError JOURNAL_UNAVAILABLE is
   * thrown: the record was not written, and nothing after it will be glued onto a partial line.
   */
  append<D extends Record<string, unknown>>(input: AppendInput<D>): JournalRecord<D> {
    if (this.closed) throw new Error('journal is closed');
    const ms = this.now();
    const day = chinaDay(ms);
    const file = this.writableFile(day);
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
    const line = Buffer.from(encoded.line, 'utf8');
    if (file.size + line.length > file.allocated) this.extend(file, file.size + line.length);
    try {
      writeAll(this.fs, file.fd, line, file.size);
      this.fs.fdatasyncSync(file.fd);
    } catch (error) {
      this.rollback(file);
      throw this.fail(error);
    }
    const record: JournalRecord<D> = { ...bare, h: encoded.h };
    this.seq = record.s;
    this.lastH = encoded.h;
    const off = file.size;
    file.size += line.length;
    file.allocated = Math.max(file.allocated, file.size);
    file.records.push(record as JournalRecord);
    this.noteRecord(day, record as JournalRecord, off, line.length, encoded.bare);
    if (!this.healthState.writable) this.setHealth({ writable: true });
    for (const listener of this.listeners) {
      try {
        listener(record as JournalRecord);
      } catch (error) {
        log.error('journal listener failed', { error });
      }
    }
    return record;
  }

  /**
   * Is writing possible again? Repairs the current file if a failed append left bytes behind, then
   * writes, syncs and removes one page in the journal folder. Updates (and returns) health.
   */
  probe(): JournalHealth {
    if (this.closed) return this.health();
    try {
      if (this.current) this.repair(this.current);
      this.probeWrite();
      if (!this.healthState.writable) this.setHealth({ writable: true });
    } catch (error) {
      this.setHealth({
        writable: false,
        problem: problemOf(error, this.dir),
        since: this.healthState.since ?? new Date(this.now()).toISOString(),
      });
    }
    return this.health();
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

  /**
   * Every record of one order. An old unresolved order (what recovery and the unresolved list ask for)
   * is read line by line from where its meta says, not by reading its whole day.
   */
  recordsOfKey(key: string, od: string): JournalRecord[] {
    const loc = this.locators.get(key);
    if (loc && loc.od === od && this.current?.day !== od && !this.cache.has(od)) {
      const own = this.readLines(od, loc.at);
      if (own) {
        const refs = (this.foreignByDay.get(od) ?? []).filter((ref) => ref.k === key);
        const extra = refs
          .map((ref) => this.readAt(ref.file, ref.off, ref.len))
          .filter((r) => r !== undefined);
        return [...own, ...extra].sort((a, b) => a.s - b.s);
      }
    }
    return this.recordsOfOrdersOn(od).filter((r) => r.k === key);
  }

  /** The lines at `at` (offset, length, …) of a day file; undefined if one does not check out. */
  private readLines(day: string, at: number[]): JournalRecord[] | undefined {
    let fd: number;
    try {
      fd = fs.openSync(this.fileOf(day), 'r');
    } catch {
      return undefined;
    }
    try {
      const out: JournalRecord[] = [];
      for (let i = 0; i + 1 < at.length; i += 2) {
        const len = at[i + 1] as number;
        const buf = Buffer.alloc(len);
        if (fs.readSync(fd, buf, 0, len, at[i] as number) !== len || buf[len - 1] !== 0x0a) return undefined;
        const decoded = decodeSlice(buf, 0, len - 1);
        if (!decoded.ok) return undefined;
        out.push(decoded.record);
      }
      return out;
    } finally {
      fs.closeSync(fd);
    }
  }

  /**
   * For a closed day (before today, its file not being written): a stamp that changes whenever its file
   * or any record of its orders (written on a later day) changes. Undefined for today or an unknown day.
   * Derived data computed from a closed day is valid as long as its stamp is.
   */
  closedDayStamp(day: string): string | undefined {
    if (day >= this.today() || this.current?.day === day) return undefined;
    const meta = this.metas.get(day);
    if (!meta) return undefined;
    const refs = this.foreignByDay.get(day) ?? [];
    let last = 0;
    for (const ref of refs) last = Math.max(last, ref.s);
    return [
      meta.size,
      meta.mtimeMs ?? '',
      meta.records,
      meta.maxSeq,
      meta.lastH ?? '',
      refs.length,
      last,
    ].join('|');
  }

  /** A derived file of a day (`index/<day>.<name>`), or undefined when absent or unreadable. */
  readDerived(day: string, name: string): Buffer | undefined {
    try {
      return fs.readFileSync(path.join(this.indexDir, `${day}.${name}`));
    } catch {
      return undefined;
    }
  }

  /** Write a derived file of a day, best effort (it is rebuilt whenever it is missing or stale). */
  writeDerived(day: string, name: string, data: string): void {
    const target = path.join(this.indexDir, `${day}.${name}`);
    const tmp = `${target}.tmp`;
    try {
      fs.mkdirSync(this.indexDir, { recursive: true });
      fs.writeFileSync(tmp, data);
      fs.renameSync(tmp, target);
    } catch (error) {
      log.warn('could not write a derived journal file (rebuilt when needed)', { error: errorCode(error) });
    }
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
    const perFile = this.days().map((day) => this.verifyFile(checker, day));
    return this.verifyReport(checker, perFile);
  }

  /**
   * The same report as `verify`, yielding to the event loop between files: a year takes seconds, and
   * the main process must keep serving the counter meanwhile. Appends in between are not included.
   */
  async verifyAsync(): Promise<VerifyReport> {
    const checker = new ChainChecker();
    const perFile: VerifyFileReport[] = [];
    for (const day of this.days()) {
      perFile.push(this.verifyFile(checker, day));
      await new Promise((resolve) => setImmediate(resolve));
    }
    return this.verifyReport(checker, perFile);
  }

  private verifyFile(checker: ChainChecker, day: string): VerifyFileReport {
    const name = `${day}.jsonl`;
    let buf: Buffer;
    try {
      buf = fs.readFileSync(path.join(this.dir, name));
    } catch {
      buf = Buffer.alloc(0);
    }
    // Bytes of a failed append not yet cut off, and the zeros ahead, are not part of the journal.
    if (this.current?.day === day) buf = buf.subarray(0, this.current.size);
    return checker.file(name, buf);
  }

  private verifyReport(checker: ChainChecker, perFile: VerifyFileReport[]): VerifyReport {
    const problems = checker.finish();
    for (const file of perFile) {
      file.problems = problems.filter((p) => p.file === file.file);
      file.ok = file.problems.length === 0;
      delete (file as { damaged?: number }).damaged;
    }
    return {
      files: perFile.length,
      records: perFile.reduce((n, f) => n + f.records, 0),
      legacy: perFile.reduce((n, f) => n + f.legacy, 0),
      ok: problems.length === 0,
      damaged: perFile.flatMap((f) => f.problems),
      perFile,
      tornSetAside: this.tornFiles(),
      headH: this.lastH,
      headSeq: this.seq,
    };
  }

  /** Persist the current file's meta and close. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopProbe();
    if (this.current) {
      this.finishFile(this.current);
      this.current = undefined;
    }
  }

  /** A day file is done (close, next day): cut the zeros ahead, write its meta, close it. */
  private finishFile(file: CurrentFile): void {
    if (file.fd >= 0 && !file.dirty && file.allocated > file.size) {
      try {
        this.fs.ftruncateSync(file.fd, file.size);
        this.fs.fdatasyncSync(file.fd);
        file.allocated = file.size;
      } catch (error) {
        // The next open cuts them (zeros are never records).
        log.warn('could not cut the preallocated tail', { error: errorCode(error) });
        file.dirty = true;
      }
    }
    if (!file.dirty) this.writeMeta(this.metas.get(file.day));
    this.closeFd(file);
  }

  /**
   * Room ahead for `end` bytes: extend the file with synced zeros, one step at a time. Best effort: if
   * the disk refuses, the zeros written are cut back and records are appended growing the file.
   */
  private extend(file: CurrentFile, end: number): void {
    if (this.preallocate <= 0 || this.now() < this.preallocateAfter) return;
    const target = Math.ceil(end / this.preallocate) * this.preallocate;
    const from = Math.max(file.allocated, file.size);
    try {
      writeAll(this.fs, file.fd, Buffer.alloc(target - from), from);
      this.fs.fdatasyncSync(file.fd);
      file.allocated = target;
    } catch (error) {
      log.warn('journal preallocation refused; appending without it for a while', {
        error: errorCode(error),
      });
      this.preallocateAfter = this.now() + PREALLOCATE_BACKOFF_MS;
      try {
        this.fs.ftruncateSync(file.fd, from);
      } catch {
        file.dirty = true; // cut with the next repair, before anything is written
      }
    }
  }

  // ── writing ────────────────────────────────────────────────────────────────────────────────

  /** The current file, opened and repaired for `day`, or throw JOURNAL_UNAVAILABLE. */
  private writableFile(day: string): CurrentFile {
    try {
      if (this.current && this.current.day !== day) {
        this.repair(this.current);
        this.finishFile(this.current);
        this.current = undefined;
      }
      if (!this.current) this.current = this.openDay(day);
      this.repair(this.current);
      return this.current;
    } catch (error) {
      throw this.fail(error);
    }
  }

  /** Start a day file (or continue an existing one written earlier today by another run). */
  private openDay(day: string): CurrentFile {
    ensureDir(this.dir);
    const file = this.fileOf(day);
    const existed = fs.existsSync(file);
    const read = existed ? readFile(file) : { records: [], offsets: [], damaged: 0 };
    const fd = this.fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
    if (!existed) fsyncDir(this.dir);
    this.cache.delete(day);
    const size = goodEnd(read.offsets);
    const onDisk = this.fs.fstatSync(fd).size;
    return { day, fd, size, records: read.records, dirty: onDisk !== size, allocated: onDisk };
  }

  /**
   * Make the file end exactly at the last whole record: reopen it if writing was closed, and cut off
   * (after copying to torn/, if there is room) any bytes a failed append left behind.
   */
  private repair(file: CurrentFile): void {
    if (file.fd >= 0 && !file.dirty) return;
    try {
      if (file.fd < 0) file.fd = this.fs.openSync(this.fileOf(file.day), fs.constants.O_RDWR);
      const size = this.fs.fstatSync(file.fd).size;
      if (size > file.size) {
        this.saveTail(file, size);
        this.fs.ftruncateSync(file.fd, file.size);
        this.fs.fdatasyncSync(file.fd);
      } else if (size < file.size) {
        // Someone else cut the file: believe the disk.
        log.error('journal file shorter than what was written; re-reading it', {
          file: file.day,
          expected: file.size,
          found: size,
        });
        const read = readFile(this.fileOf(file.day));
        file.records = read.records;
        file.size = goodEnd(read.offsets);
        if (size !== file.size) {
          this.fs.ftruncateSync(file.fd, file.size);
          this.fs.fdatasyncSync(file.fd);
        }
      }
      file.dirty = false;
      file.allocated = file.size;
    } catch (error) {
      this.closeFd(file);
      file.dirty = true;
      throw error;
    }
  }

  /** After a failed append: cut back to the last good offset, or close writing if even that fails. */
  private rollback(file: CurrentFile): void {
    try {
      this.fs.ftruncateSync(file.fd, file.size);
      this.fs.fdatasyncSync(file.fd);
      file.allocated = file.size;
    } catch (error) {
      log.error('journal rollback failed: writing closed until the file can be repaired', {
        error: errorCode(error),
      });
      this.closeFd(file);
      file.dirty = true;
    }
  }

  /** Health down, probing started; the error to throw. */
  private fail(error: unknown): AppError {
    if (error instanceof AppError) return error;
    const problem = problemOf(error, this.dir);
    log.error('journal append failed', { error: errorCode(error), dir: this.dir });
    this.setHealth({
      writable: false,
      problem,
      since: this.healthState.since ?? new Date(this.now()).toISOString(),
    });
    return new AppError('JOURNAL_UNAVAILABLE', problem);
  }

  private setHealth(next: JournalHealth): void {
    const before = this.healthState;
    this.healthState = next;
    if (next.writable) this.stopProbe();
    else this.startProbe();
    if (before.writable === next.writable && before.problem?.en === next.problem?.en) return;
    if (next.writable) log.info('journal writable again');
    for (const listener of this.healthListeners) {
      try {
        listener(this.health());
      } catch (error) {
        log.error('journal health listener failed', { error });
      }
    }
  }

  private startProbe(): void {
    if (this.probeTimer || this.probeMs <= 0 || this.closed) return;
    this.probeTimer = setInterval(() => this.probe(), this.probeMs);
    this.probeTimer.unref();
  }

  private stopProbe(): void {
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = undefined;
  }

  /** Create, fill, sync and remove one page: proof the folder takes a record. */
  private probeWrite(): void {
    ensureDir(this.indexDir);
    const file = path.join(this.dir, '.probe');
    const fd = this.fs.openSync(file, 'w');
    try {
      writeAll(this.fs, fd, Buffer.alloc(PROBE_BYTES, 0x20), 0);
      this.fs.fdatasyncSync(fd);
    } finally {
      this.fs.closeSync(fd);
      fs.rmSync(file, { force: true });
    }
  }

  /** Best effort: the bytes of a failed append, kept in torn/ for the record. */
  private saveTail(file: CurrentFile, size: number): void {
    try {
      const all = Buffer.alloc(size - file.size);
      fs.readSync(file.fd, all, 0, all.length, file.size);
      const buf = all.subarray(0, lastNonZero(all) + 1); // zeros ahead are room, not a record
      if (buf.length === 0) return;
      fs.mkdirSync(this.tornDir, { recursive: true });
      const savedAs = path.join(this.tornDir, `${file.day}.jsonl.${file.size}.${this.now()}.torn`);
      fs.writeFileSync(savedAs, buf, { flush: true });
    } catch (error) {
      log.warn('could not keep the bytes of a failed append (no room); cutting them off', {
        error: errorCode(error),
      });
    }
  }

  private closeFd(file: CurrentFile): void {
    if (file.fd < 0) return;
    try {
      this.fs.closeSync(file.fd);
    } catch {
      // Closing can report a deferred write error; the file is repaired before the next write anyway.
    }
    file.fd = -1;
  }

  // ── opening ────────────────────────────────────────────────────────────────────────────────

  private fileOf(day: string): string {
    return path.join(this.dir, `${day}.jsonl`);
  }

  private load(): void {
    const started = performance.now();
    const report: OpenReport = { files: 0, filesRead: 0, records: 0, tornSetAside: [], problems: [], ms: 0 };
    let days: string[] = [];
    try {
      days = fs
        .readdirSync(this.dir)
        .filter((name) => name.endsWith('.jsonl') && isDay(name.slice(0, -6)))
        .map((name) => name.slice(0, -6))
        .sort();
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    }
    const today = this.today();
    const checker = new ChainChecker();
    const readNow = new Set<string>();
    for (const day of days) {
      report.files += 1;
      const file = this.fileOf(day);
      const name = `${day}.jsonl`;
      // A meta covering exactly this size and mtime was written after the file was fully read and
      // checked, and nothing was written since: no torn tail possible, no need to read the file.
      let meta = day === today ? undefined : this.readMeta(day, fs.statSync(file));
      if (meta) {
        checker.summary(name, meta);
      } else {
        try {
          const torn = this.setAsideTornTail(file);
          if (torn) report.tornSetAside.push(torn);
        } catch (error) {
          // Read-only or full: readers skip the torn tail; it is cut off before the next write.
          log.warn('could not set a torn journal tail aside', { file: name, error: errorCode(error) });
        }
        report.filesRead += 1;
        readNow.add(day);
        const records: JournalRecord[] = [];
        const offsets: Array<[number, number]> = [];
        let firstBare: string | undefined;
        const stat = fs.statSync(file);
        const fileReport = checker.file(name, fs.readFileSync(file), (record, off, len, bare) => {
          if (records.length === 0) firstBare = bare;
          records.push(record);
          offsets.push([off, len]);
        });
        meta = buildMeta(day, goodEnd(offsets), records, offsets, fileReport.damaged, firstBare);
        meta.mtimeMs = stat.mtimeMs;
        if (day !== today) settled(meta, true);
        if (day === today) {
          this.current = {
            day,
            fd: -1,
            size: meta.size,
            records,
            dirty: stat.size !== meta.size,
            allocated: stat.size,
          };
        }
      }
      report.records += meta.records;
      this.metas.set(day, meta);
      this.seq = Math.max(this.seq, meta.maxSeq);
    }
    report.problems = checker.finish();
    for (const day of readNow) {
      const meta = this.metas.get(day) as FileMeta;
      const mine = report.problems.filter((p) => p.file === `${day}.jsonl` && p.kind !== 'torn');
      meta.problems = mine.slice(0, META_PROBLEMS);
      if (day !== today) this.writeMeta(meta);
    }
    // The open set and the cross-day references, from the metas in sequence order.
    for (const day of days) this.applyMeta(this.metas.get(day) as FileMeta);
    this.lastH = this.findLastH(days);
    // Can we write? Opening today's file for writing (and cutting a torn tail) or a probe page says so.
    try {
      if (this.current) this.repair(this.current);
      else this.probeWrite();
    } catch (error) {
      const problem = problemOf(error, this.dir);
      log.error('journal folder cannot be written', { dir: this.dir, error: errorCode(error) });
      this.setHealth({ writable: false, problem, since: new Date(this.now()).toISOString() });
    }
    report.ms = performance.now() - started;
    this.openReport = report;
    if (report.tornSetAside.length > 0)
      log.warn('torn journal lines set aside', { torn: report.tornSetAside });
    if (report.problems.length > 0)
      log.error('journal check at start found problems', { problems: report.problems.slice(0, 20) });
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
    for (const { at, ...entry } of meta.unresolved) {
      this.track({ ...entry, un: true });
      if (at) this.locators.set(entry.k, { od: entry.od, at });
    }
    for (const f of meta.foreign) {
      this.track({ k: f.k, od: f.od, s: f.s, un: f.un, ...(f.st !== undefined ? { st: f.st } : {}) });
      const list = this.foreignByDay.get(f.od) ?? [];
      list.push({ file: meta.day, off: f.off, len: f.len, s: f.s, k: f.k });
      this.foreignByDay.set(f.od, list);
    }
  }

  private track(entry: OpenEntry & { un: boolean }): void {
    const known = this.open.get(entry.k);
    if (known && known.s > entry.s) return;
    if (entry.un) this.open.set(entry.k, entry);
    else this.open.delete(entry.k);
  }

  private noteRecord(day: string, record: JournalRecord, off: number, len: number, bare: string): void {
    let meta = this.metas.get(day);
    if (!meta) {
      meta = emptyMeta(day);
      this.metas.set(day, meta);
    }
    addToMeta(meta, record, off, len, bare);
    meta.size = off + len;
    if (record.od !== day) {
      const list = this.foreignByDay.get(record.od) ?? [];
      list.push({ file: day, off, len, s: record.s, k: record.k });
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

  private readMeta(day: string, stat: fs.Stats): FileMeta | undefined {
    try {
      const meta = JSON.parse(
        fs.readFileSync(path.join(this.indexDir, `${day}.meta.json`), 'utf8'),
      ) as FileMeta;
      if (!META_VERSIONS_ACCEPTED.has(meta.v) || meta.size !== stat.size || meta.day !== day)
        return undefined;
      if (meta.v === META_VERSION && meta.mtimeMs !== stat.mtimeMs) return undefined;
      return meta;
    } catch {
      return undefined;
    }
  }

  private writeMeta(meta: FileMeta | undefined): void {
    if (!meta) return;
    settled(meta, meta.day !== this.current?.day);
    const target = path.join(this.indexDir, `${meta.day}.meta.json`);
    const tmp = `${target}.tmp`;
    try {
      meta.mtimeMs = fs.statSync(this.fileOf(meta.day)).mtimeMs;
      fs.mkdirSync(this.indexDir, { recursive: true });
      fs.writeFileSync(tmp, JSON.stringify(meta));
      fs.renameSync(tmp, target);
    } catch (error) {
      log.warn('could not write journal meta (derived, will be rebuilt)', { error: errorCode(error) });
    }
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

  /**
   * A crash can leave a last line without its newline, or a complete-looking last line that does not
   * check out (zero-filled blocks after a power cut). Such trailing damage never was a record: copy it to
   * torn/ (fsync) and cut the file back to its last good line. Damage in the middle is left for verify.
   */
  private setAsideTornTail(file: string): OpenReport['tornSetAside'][number] | undefined {
    const size = fs.statSync(file).size;
    if (size === 0) return undefined;
    // Zeros at the end are room a run preallocated (or blocks a power cut zeroed): never records.
    const contentEnd = contentEndOf(file, size);
    const tailLen = Math.min(contentEnd, 1 << 20);
    const buf = Buffer.alloc(tailLen);
    const rfd = fs.openSync(file, 'r');
    try {
      fs.readSync(rfd, buf, 0, tailLen, contentEnd - tailLen);
    } finally {
      fs.closeSync(rfd);
    }
    let goodEndAt = tailLen; // exclusive, relative to buf
    for (;;) {
      if (goodEndAt === 0) break;
      if (buf[goodEndAt - 1] !== 0x0a) {
        const nl = buf.lastIndexOf(0x0a, goodEndAt - 1);
        goodEndAt = nl < 0 ? 0 : nl + 1;
        continue;
      }
      const prevNl = buf.lastIndexOf(0x0a, goodEndAt - 2);
      if (prevNl < 0 && tailLen < contentEnd) break; // line longer than the window: leave it to verify
      const line = buf.subarray(prevNl + 1, goodEndAt - 1).toString('utf8');
      if (decodeLine(line).ok) break;
      goodEndAt = prevNl + 1;
    }
    const cutAt = contentEnd - tailLen + goodEndAt;
    if (cutAt === size) return undefined;
    let saved: OpenReport['tornSetAside'][number] | undefined;
    if (goodEndAt < tailLen) {
      fs.mkdirSync(this.tornDir, { recursive: true });
      const savedAs = path.join(this.tornDir, `${path.basename(file)}.${cutAt}.${Date.now()}.torn`);
      const tornFd = fs.openSync(savedAs, 'w');
      try {
        fs.writeSync(tornFd, buf, goodEndAt, tailLen - goodEndAt);
        fs.fsyncSync(tornFd);
      } finally {
        fs.closeSync(tornFd);
      }
      fsyncDir(this.tornDir);
      saved = { file: path.basename(file), bytes: tailLen - goodEndAt, savedAs };
    }
    const fd = fs.openSync(file, 'r+');
    try {
      fs.ftruncateSync(fd, cutAt);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    return saved;
  }
}

/** Index of the last byte that is not zero (-1 for none). */
function lastNonZero(buf: Uint8Array, end = buf.length): number {
  let i = end - 1;
  while (i >= 0 && buf[i] === 0) i -= 1;
  return i;
}

/** The length of a file without the zeros at its end. */
function contentEndOf(file: string, size: number): number {
  const fd = fs.openSync(file, 'r');
  try {
    const block = Buffer.alloc(64 * 1024);
    for (let end = size; end > 0; ) {
      const len = Math.min(block.length, end);
      fs.readSync(fd, block, 0, len, end - len);
      const at = lastNonZero(block, len);
      if (at >= 0) return end - len + at + 1;
      end -= len;
    }
    return 0;
  } finally {
    fs.closeSync(fd);
  }
}

/** Write every byte at `position`; a write that makes no progress is a short write (an error). */
function writeAll(io: JournalFs, fd: number, buf: Buffer, position: number): void {
  let written = 0;
  while (written < buf.length) {
    const n = io.writeSync(fd, buf, written, buf.length - written, position + written);
    if (!(n > 0)) throw Object.assign(new Error('short write'), { code: 'ESHORT' });
    written += n;
  }
}

/**
 * mkdir -p that reports the real cause: a recursive mkdir on a read-only mount says ENOENT, so on
 * failure the last step is retried alone to get EROFS / EACCES / ENOSPC.
 */
function ensureDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    fs.mkdirSync(dir);
  }
}

/** The end of the last whole record (0 for none). */
function goodEnd(offsets: Array<[number, number]>): number {
  const last = offsets.at(-1);
  return last ? last[0] + last[1] : 0;
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}

/** Why the journal cannot write, for the cashier (never the raw errno text). */
function problemOf(error: unknown, dir: string): Bilingual {
  const code = errorCode(error);
  const [zh, en] =
    code === 'ENOSPC' || code === 'EDQUOT'
      ? ['磁盘已满', 'the disk is full']
      : code === 'EROFS'
        ? ['数据文件夹是只读的', 'the data folder is read-only']
        : code === 'EACCES' || code === 'EPERM'
          ? ['没有写入数据文件夹的权限', 'no permission to write the data folder']
          : code === 'EIO'
            ? ['磁盘读写出错', 'the disk reported an I/O error']
            : code === 'ESHORT'
              ? ['写入不完整', 'a write was cut short']
              : ['写入出错', `a write failed (${code})`];
  return {
    zh: `收银记录无法写入：${zh}（${dir}）。已暂停收款；腾出空间或修复后会自动恢复。`,
    en: `The receipt journal cannot be written: ${en} (${dir}). Taking payments is paused until it can; it retries by itself.`,
  };
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

function addToMeta(meta: FileMeta, record: JournalRecord, off: number, len: number, bare?: string): void {
  meta.records += 1;
  if (meta.records === 1 && record.h !== undefined && bare !== undefined) {
    meta.first = { s: record.s, bare, h: record.h };
  }
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
  } else {
    let offsets = offsetsByMeta.get(meta);
    if (!offsets) {
      offsets = new Map();
      offsetsByMeta.set(meta, offsets);
    }
    const list = offsets.get(record.k);
    if (list) list.push(off, len);
    else offsets.set(record.k, [off, len]);
  }
  if (record.od === meta.day && record.un !== undefined) {
    // A map while the file is written to (an array search per append would grow with the day).
    const open = unresolvedOf(meta);
    open.delete(record.k);
    if (record.un) {
      open.set(record.k, {
        k: record.k,
        od: record.od,
        s: record.s,
        ...(record.st !== undefined ? { st: record.st } : {}),
      });
    }
    dirtyUnresolved.add(meta);
  }
}

const unresolvedByMeta = new WeakMap<FileMeta, Map<string, FileMeta['unresolved'][number]>>();
/** Where each key's own records are in the file, while the meta is built (dropped once stored). */
const offsetsByMeta = new WeakMap<FileMeta, Map<string, number[]>>();
const dirtyUnresolved = new WeakSet<FileMeta>();

function unresolvedOf(meta: FileMeta): Map<string, FileMeta['unresolved'][number]> {
  let map = unresolvedByMeta.get(meta);
  if (!map) {
    map = new Map(meta.unresolved.map((e) => [e.k, e]));
    unresolvedByMeta.set(meta, map);
  }
  return map;
}

/**
 * The meta as stored: its unresolved list brought up to date from the map appends keep, each entry
 * with where its key's records are. `done`: the file takes no more records (drop the offsets).
 */
function settled(meta: FileMeta, done: boolean): FileMeta {
  if (dirtyUnresolved.has(meta)) {
    meta.unresolved = [...unresolvedOf(meta).values()];
    dirtyUnresolved.delete(meta);
  }
  const offsets = offsetsByMeta.get(meta);
  if (offsets) {
    for (const entry of meta.unresolved) {
      const at = offsets.get(entry.k);
      if (at) entry.at = [...at];
    }
    if (done) offsetsByMeta.delete(meta);
  }
  return meta;
}

function buildMeta(
  day: string,
  size: number,
  records: JournalRecord[],
  offsets: Array<[number, number]>,
  damaged: number,
  firstBare?: string,
): FileMeta {
  const meta = emptyMeta(day);
  records.forEach((record, i) => {
    const [off, len] = offsets[i] as [number, number];
    addToMeta(meta, record, off, len, i === 0 ? firstBare : undefined);
  });
  meta.size = size;
  meta.damaged = damaged;
  return settled(meta, false);
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

  /**
   * Check every line of one file. `onRecord` gets each whole record with its offset, length and JSON
   * without `h` (callers building their state from the same pass).
   */
  file(
    name: string,
    whole: Buffer,
    onRecord?: (record: JournalRecord, off: number, len: number, bare: string | undefined) => void,
  ): VerifyFileReport & { damaged: number } {
    const buf = whole.subarray(0, lastNonZero(whole) + 1); // zeros at the end: preallocated room
    const report: VerifyFileReport & { damaged: number } = {
      file: name,
      records: 0,
      legacy: 0,
      ok: true,
      problems: [],
      damaged: 0,
    };
    let start = 0;
    let line = 0;
    while (start < buf.length) {
      const end = buf.indexOf(0x0a, start);
      line += 1;
      if (end < 0) {
        report.damaged += 1;
        this.problems.push({
          file: name,
          line,
          kind: 'torn',
          problem: `torn last line (${buf.length - start} bytes, no newline)`,
        });
        break;
      }
      const off = start;
      start = end + 1;
      const decoded = decodeSlice(buf, off, end);
      if (!decoded.ok) {
        report.damaged += 1;
        // The line is not trustworthy, but its sequence and hash (if legible) keep the chain checkable.
        const text = buf.toString('utf8', off, end);
        const json = text.slice(0, Math.max(0, text.lastIndexOf('\t')));
        const s = Number(/^\{"s":(\d+),/.exec(json)?.[1] ?? Number.NaN);
        this.problems.push({
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
      onRecord?.(record, off, end + 1 - off, split?.bare);
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

  /**
   * A file not read now, from its meta: its first record's link to the previous file, its sequence
   * range (gaps before it), its last h (for the next file), and the problems found when it was read.
   */
  summary(name: string, meta: FileMeta): void {
    this.problems.push(...(meta.problems ?? []));
    if (meta.records === 0) return;
    if (meta.first) {
      this.chained = true;
      this.link({ s: meta.first.s, bare: meta.first.bare, h: meta.first.h, file: name, line: 1 });
      this.note(meta.first.s, meta.first.h, name, 1);
    } else {
      this.note(meta.minSeq, meta.v === META_VERSION ? GENESIS : DAMAGED_H, name, 1);
    }
    if (meta.maxSeq > this.maxS) {
      // Inside the file was checked when the meta was built: step over it.
      this.maxS = meta.maxSeq;
      this.remember(meta.maxSeq, meta.v === META_VERSION ? (meta.lastH ?? GENESIS) : DAMAGED_H);
      if (meta.lastH) this.chained = true;
    }
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
    this.remember(s, h);
    const waiting = this.pending.get(s);
    if (waiting) {
      this.pending.delete(s);
      if (h !== DAMAGED_H && chainHash(h, waiting.bare) !== waiting.h) this.altered(waiting);
    }
  }

  private remember(s: number, h: string): void {
    this.seen.set(s, h);
    if (this.seen.size > CHAIN_WINDOW) this.seen.delete(this.seen.keys().next().value as number);
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
  const all = fs.readFileSync(file);
  // Zeros at the end are preallocated room (today's file while it is open): not lines.
  const buf = all.subarray(0, lastNonZero(all) + 1);
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
    const decoded = decodeSlice(buf, start, end);
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
