/**
 * The data folder (journal, settings, operators, logs) before anything opens it: it must be writable,
 * or the app says which folder and why and takes no sale. On POSIX it is 0700 and its files 0600;
 * looser modes found at start (a folder made by hand with 0755) are tightened.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Bilingual } from '../shared/errors.js';

export type DataFolderCheck =
  | { ok: true; tightened: string[] }
  | { ok: false; problem: Bilingual; code: string };

const REASONS: Record<string, Bilingual> = {
  EROFS: { zh: '文件系统为只读', en: 'the file system is read-only' },
  EACCES: { zh: '没有写入权限', en: 'no permission to write there' },
  EPERM: { zh: '没有写入权限', en: 'no permission to write there' },
  ENOSPC: { zh: '磁盘已满', en: 'the disk is full' },
  ENOTDIR: { zh: '路径中有一项不是文件夹', en: 'part of the path is not a folder' },
  EEXIST: { zh: '同名文件已存在', en: 'a file of that name is in the way' },
  EDQUOT: { zh: '磁盘配额已满', en: 'the disk quota is full' },
};

/** Walk at most this deep when tightening (journal/index, logs): the layout is shallow. */
const MAX_DEPTH = 3;

export function prepareDataFolder(
  dir: string,
  platform: NodeJS.Platform = process.platform,
): DataFolderCheck {
  const tightened: string[] = [];
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (platform !== 'win32') tighten(dir, 0, tightened);
    const probe = path.join(dir, `.write-test-${process.pid}`);
    const fd = fs.openSync(probe, 'w', 0o600);
    try {
      fs.writeSync(fd, 'ok');
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.unlinkSync(probe);
    return { ok: true, tightened };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'UNKNOWN';
    const reason = REASONS[code] ?? { zh: `无法写入（${code}）`, en: `it cannot be written (${code})` };
    return {
      ok: false,
      code,
      problem: {
        zh: `收银数据文件夹无法使用：${dir}。原因：${reason.zh}。在此问题解决前不能收款，请联系 IT。`,
        en: `The cashier's data folder cannot be used: ${dir}. Reason: ${reason.en}. No sale is possible until this is fixed: call IT.`,
      },
    };
  }
}

/**
 * A part that cannot be changed because the file system is read-only (or full, or gone) stops the
 * start like an unwritable folder: the journal lives there. Only a file we may not chmod (EPERM: not
 * ours) is left as it is.
 */
function tighten(target: string, depth: number, out: string[]): void {
  try {
    tightenOne(target, depth, out);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
  }
}

function tightenOne(target: string, depth: number, out: string[]): void {
  const stat = fs.lstatSync(target);
  if (stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    if (stat.mode & 0o077) {
      fs.chmodSync(target, 0o700);
      out.push(target);
    }
    if (depth >= MAX_DEPTH) return;
    for (const name of fs.readdirSync(target)) tighten(path.join(target, name), depth + 1, out);
  } else if (stat.isFile() && stat.mode & 0o077) {
    fs.chmodSync(target, 0o600);
    out.push(target);
  }
}

/** startAppServices refuses to start on a folder it cannot write: the shell shows `problem`. */
export class DataFolderError extends Error {
  constructor(
    readonly problem: Bilingual,
    readonly code: string,
  ) {
    super(problem.en);
    this.name = 'DataFolderError';
  }
}

/** umask 077: files the process creates from now on are 0600, folders 0700 (no-op where unsupported). */
export function restrictNewFiles(): void {
  try {
    process.umask(0o077);
  } catch {
    // worker threads cannot change the umask; the start-up tightening still applies
  }
}
