/**
 * The settings file's schema and its migrations.
 *
 * One zod schema (`SettingsSchema`) is the truth: the JSON Schema that `conf` validates every read and
 * write against is generated from it, so the two cannot drift. `SETTINGS_VERSION` is the layout of the
 * settings file, independent of the app version; `conf` records it in the file and runs the migrations
 * below when an older file is opened.
 */
import type Conf from 'conf';
import { z } from 'zod';
import { EcrSettings } from '../ecr/types.js';
import { PrinterConfig } from '../printing/types.js';
import { ScannerConfig } from '../scanners/types.js';
import { defaultSettings } from './defaults.js';
import { PublicSettings } from './public.js';

export const PrinterSettingsSchema = z
  .object({ printer: PrinterConfig, paperWidth: z.enum(['58', '80']), drawerKick: z.boolean() })
  .strict();

export const SettingsSchema = PublicSettings.omit({ secrets: true, secretsProtection: true, notices: true })
  .extend({ scanner: ScannerConfig, printer: PrinterSettingsSchema, ecr: EcrSettings.optional() })
  .strict();

/** The layout of settings.json. Bump it, and add a migration below, whenever a stored field changes. */
export const SETTINGS_VERSION = 2;
/** `conf` keys migrations by semantic version: layout N is `N.0.0`. */
export const settingsProjectVersion = (version = SETTINGS_VERSION): string => `${version}.0.0`;

/** The `properties` object `conf` wants, generated from the zod schema. */
export function settingsJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(SettingsSchema, { io: 'input' }) as { properties: Record<string, unknown> };
  return schema.properties;
}

type AnyStore = Conf<Record<string, unknown>>;

/**
 * Migrations, keyed by the layout version they bring a file up to. Each one sees the file as it is
 * (plus top-level defaults) and must leave something `SettingsSchema` accepts for its version.
 *
 * Layout 1 is the pre-release layout (before issue 9): printer options flat at the top level
 * (`paperWidth`, `drawerKick`, `printerHost`/`printerPort`), the test gateway called `sandbox`,
 * and no `yima.signMode`.
 */
export const settingsMigrations: Record<string, (store: AnyStore) => void> = {
  [settingsProjectVersion(2)]: (store) => {
    const defaults = defaultSettings();
    if (store.get('environment') === 'sandbox') store.set('environment', 'test');

    const printer = { ...defaults.printer, ...(store.get('printer') as object | undefined) } as Record<
      string,
      unknown
    >;
    const paperWidth = store.get('paperWidth');
    if (paperWidth !== undefined) {
      printer.paperWidth = String(paperWidth) === '58' ? '58' : '80';
      store.delete('paperWidth');
    }
    const drawerKick = store.get('drawerKick');
    if (drawerKick !== undefined) {
      printer.drawerKick = drawerKick === true;
      store.delete('drawerKick');
    }
    const host = store.get('printerHost');
    const port = Number(store.get('printerPort') ?? 9100);
    if (typeof host === 'string' && host.length > 0) {
      printer.printer = { kind: 'tcp', host, port: Number.isInteger(port) ? port : 9100 };
    }
    store.delete('printerHost');
    store.delete('printerPort');
    store.set('printer', printer);

    const yima = store.get('yima') as Record<string, unknown> | undefined;
    if (yima && yima.signMode === undefined) store.set('yima', { ...yima, signMode: defaults.yima.signMode });
  },
};
