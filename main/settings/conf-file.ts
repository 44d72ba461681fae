/**
 * Opening a `conf` JSON store so that a damaged file never stops the app: a file that does not parse,
 * fails the schema or fails a migration is renamed aside with a timestamp (kept for support, never
 * deleted) and a fresh store is opened in its place. The caller is told, to warn the cashier.
 */
import fs from 'node:fs';
import path from 'node:path';
import Conf, { type Options } from 'conf';

export type StoreData = Record<string, unknown>;

/**
 * The store implementation. `conf` in plain Node (browser harness, tests); the Electron app passes
 * electron-store, which is `conf` plus Electron's userData default (we always give an explicit folder,
 * so `CASHIER_DATA_DIR` still wins). electron-store takes the file name from `name`, conf from
 * `configName`: both are set.
 */
export type StoreClass = typeof Conf;

export interface OpenedStore<T extends StoreData> {
  store: Conf<T>;
  /** True when no file existed before: first start (or the file was just set aside). */
  created: boolean;
  /** Where a damaged file was moved, and why. */
  reset?: { asidePath: string; reason: string };
}

export interface OpenStoreOptions<T extends StoreData> {
  dir: string;
  /** File name without `.json`. */
  name: string;
  /** Further `conf` options (schema, defaults, migrations, projectVersion, ...). */
  conf?: Partial<Options<T>>;
  /** Mode for files holding secrets or PIN hashes (0o600). */
  fileMode?: number;
  now?: () => Date;
  storeClass?: StoreClass;
}

export function openStore<T extends StoreData>(options: OpenStoreOptions<T>): OpenedStore<T> {
  fs.mkdirSync(options.dir, { recursive: true });
  const file = path.join(options.dir, `${options.name}.json`);
  const existed = fs.existsSync(file);
  const Store = options.storeClass ?? Conf;
  const make = () =>
    new Store<T>({
      ...options.conf,
      cwd: options.dir,
      configName: options.name,
      ...{ name: options.name },
      clearInvalidConfig: false,
      ...(options.fileMode === undefined ? {} : { configFileMode: options.fileMode }),
    });
  try {
    return { store: make(), created: !existed };
  } catch (error) {
    if (!existed) throw error;
    const stamp = (options.now?.() ?? new Date()).toISOString().replaceAll(':', '-').replace('.', '-');
    let asidePath = path.join(options.dir, `${options.name}.corrupt-${stamp}.json`);
    for (let n = 2; fs.existsSync(asidePath) && n < 100; n++) {
      asidePath = path.join(options.dir, `${options.name}.corrupt-${stamp}-${n}.json`);
    }
    fs.renameSync(file, asidePath);
    // A JSON.parse message quotes the file's text, which may hold a secret: name the error only.
    const reason =
      error instanceof SyntaxError
        ? 'SyntaxError: not valid JSON'
        : error instanceof Error
          ? `${error.name}: ${error.message}`
          : String(error);
    return { store: make(), created: true, reset: { asidePath, reason: reason.slice(0, 500) } };
  }
}
