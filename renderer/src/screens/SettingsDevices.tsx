/**
 * Scanner and printer choice, with a test button each. Both forms start from the saved choice
 * (settings.scanner / settings.printer) and follow it when it changes.
 */
import { useCallback, useEffect, useState } from 'react';
import type { DeviceStatus, PrinterConfig, ScannerConfig } from '../../../main/ipc/channels/devices';
import type { PublicSettings } from '../../../main/ipc/channels/settings';
import type { CallOutput } from '../../../main/ipc/contract';
import { cashier } from '../cashier';
import { DoneText, ErrorText, SelectField, TextField, useAction, usePrint } from '../components/common';
import { deviceLabel } from '../components/StatusBar';
import { type MessageKey, useT } from '../i18n';
import { useCashier } from '../store';

type ScannerKind = ScannerConfig['kind'];
type PrinterKind = PrinterConfig['kind'];
type Terminator = 'CR' | 'LF' | 'CRLF' | 'none';
type HidList = CallOutput<'scanners.list'>;
type PrinterList = CallOutput<'printers.list'>;
type SavedPrinter = PublicSettings['printer'];

export function Devices() {
  return (
    <>
      <ScannerCard />
      <PrinterCard />
    </>
  );
}

/** A device card's heading: its name, then what main last said about it. */
function DeviceHeading({ title, status }: { title: string; status: DeviceStatus | undefined }) {
  const { t, bi, lang } = useT();
  return (
    <h2>
      {title}
      {status && (
        <span className="msg-muted">
          {' '}
          · {deviceLabel(status, t, lang)} {t(`device.${status.state}` as MessageKey)}{' '}
          {status.detail ? bi(status.detail) : ''}
        </span>
      )}
    </h2>
  );
}

/** The message after configure: the device and its state. */
function useDeviceLine() {
  const { t, lang } = useT();
  return (s: DeviceStatus) => `${deviceLabel(s, t, lang)}: ${t(`device.${s.state}` as MessageKey)}`;
}

/** A form draft that starts from the saved value and starts again whenever the saved value changes. */
function useDraftFrom<S, D>(saved: S, toDraft: (saved: S) => D) {
  const [draft, setDraft] = useState(() => toDraft(saved));
  const key = JSON.stringify(saved);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for `saved` (compared by value)
  useEffect(() => setDraft(toDraft(saved)), [key]);
  const set = useCallback((patch: Partial<D>) => setDraft((d) => ({ ...d, ...patch })), []);
  return [draft, set] as const;
}

interface ScannerDraft {
  kind: ScannerKind;
  hidPath: string;
  serialPath: string;
  baudRate: string;
  terminator: Terminator;
}

function scannerDraft(saved: ScannerConfig | undefined): ScannerDraft {
  return {
    kind: saved?.kind ?? 'wedge',
    hidPath: saved?.kind === 'hid' ? (saved.path ?? '') : '',
    serialPath: saved?.kind === 'serial' ? saved.path : '',
    baudRate: saved?.kind === 'serial' ? String(saved.baudRate) : '9600',
    terminator: saved?.kind === 'serial' ? saved.terminator : 'CR',
  };
}

const SCANNER_SERIAL_DEFAULTS = {
  dataBits: 8,
  parity: 'none',
  stopBits: 1,
  interByteTimeoutMs: 50,
} as const;

function ScannerCard() {
  const { t } = useT();
  const status = useCashier((s) => s.scanner);
  const saved = useCashier((s) => s.settings?.scanner);
  const lastScan = useCashier((s) => s.lastScan);
  const [draft, set] = useDraftFrom(saved, scannerDraft);
  const [found, setFound] = useState<HidList>({ hid: [], serial: [] });
  const [testing, setTesting] = useState(false);
  const action = useAction();
  const deviceLine = useDeviceLine();

  const testResult = testing && lastScan?.routedTo === 'scanner-test' ? lastScan.codeMasked : undefined;

  const list = () =>
    action.run(
      () => cashier.scanners.list({}),
      (l) => {
        setFound(l);
        if (!draft.hidPath && l.hid[0]) set({ hidPath: l.hid[0].path });
        if (!draft.serialPath && l.serial[0]) set({ serialPath: l.serial[0].path });
        return undefined;
      },
    );

  const config = (): ScannerConfig | undefined => {
    if (draft.kind === 'wedge') return { kind: 'wedge' };
    if (draft.kind === 'hid') {
      const dev = found.hid.find((d) => d.path === draft.hidPath);
      if (dev) return { kind: 'hid', vendorId: dev.vendorId, productId: dev.productId, path: dev.path };
      // Not listed (yet): the saved device, as it was.
      return saved?.kind === 'hid' && (saved.path ?? '') === draft.hidPath ? saved : undefined;
    }
    if (!draft.serialPath) return undefined;
    const { usb: _savedUsb, ...savedSerial } = saved?.kind === 'serial' ? saved : { usb: undefined };
    const usb =
      usbIdOf(found.serial, draft.serialPath) ??
      (saved?.kind === 'serial' && saved.path === draft.serialPath ? saved.usb : undefined);
    return {
      kind: 'serial',
      ...SCANNER_SERIAL_DEFAULTS,
      ...savedSerial,
      path: draft.serialPath,
      baudRate: Number(draft.baudRate) || 9600,
      terminator: draft.terminator,
      ...(usb ? { usb } : {}),
    };
  };

  const selectedHid = found.hid.find((d) => d.path === draft.hidPath);
  const savedHidUnlisted = saved?.kind === 'hid' && !found.hid.some((d) => d.path === (saved.path ?? ''));

  return (
    <div className="card">
      <DeviceHeading title={t('settings.scanner')} status={status} />
      <div className="field-row">
        <SelectField
          id="scanner-kind"
          label={t('settings.scannerKind')}
          value={draft.kind}
          onChange={(kind) => set({ kind })}
          options={(['wedge', 'hid', 'serial'] as const).map((k) => ({
            value: k,
            label: t(`settings.scanner.${k}` as MessageKey),
          }))}
        />
        <button type="button" onClick={() => void list()}>
          {t('settings.listDevices')}
        </button>
      </div>
      {draft.kind === 'hid' && (
        <div className="field-row">
          <label className="field" htmlFor="scanner-hid">
            {t('settings.scannerDevice')}
            <select id="scanner-hid" value={draft.hidPath} onChange={(e) => set({ hidPath: e.target.value })}>
              {savedHidUnlisted && saved?.kind === 'hid' && (
                <option value={saved.path ?? ''}>
                  {saved.path ?? ''} ({saved.vendorId.toString(16)}:{saved.productId.toString(16)})
                </option>
              )}
              {found.hid.map((d) => (
                <option key={d.path} value={d.path}>
                  {d.manufacturer ?? ''} {d.product ?? d.path} ({d.vendorId.toString(16)}:
                  {d.productId.toString(16)}){d.keyboardMode ? ` ${t('settings.scannerKeyboardMode')}` : ''}
                </option>
              ))}
            </select>
          </label>
          {selectedHid?.keyboardMode && <p className="msg msg-warn">{t('settings.scannerKeyboardMode')}</p>}
          <p className="msg">{t('settings.scannerHidModes')}</p>
        </div>
      )}
      {draft.kind === 'serial' && (
        <div className="field-row">
          <TextField
            id="scanner-serial"
            label={t('settings.serialPath')}
            list="scanner-serial-list"
            value={draft.serialPath}
            onChange={(serialPath) => set({ serialPath })}
          />
          <datalist id="scanner-serial-list">
            {found.serial.map((p) => (
              <option key={p.path} value={p.path}>
                {p.manufacturer ?? ''}
              </option>
            ))}
          </datalist>
          <SelectField
            id="scanner-baud"
            label={t('settings.baudRate')}
            value={draft.baudRate}
            onChange={(baudRate) => set({ baudRate })}
            options={withCurrent(['9600', '19200', '38400', '57600', '115200'], draft.baudRate)}
          />
          <SelectField
            id="scanner-term"
            label={t('settings.terminator')}
            value={draft.terminator}
            onChange={(terminator) => set({ terminator })}
            options={(['CR', 'LF', 'CRLF', 'none'] as const).map((x) => ({ value: x, label: x }))}
          />
        </div>
      )}
      <div className="toolbar">
        <button
          data-testid="scanner-apply"
          type="button"
          className="primary"
          disabled={action.busy}
          onClick={() => {
            const c = config();
            if (!c) return action.fail(t('settings.scannerDevice'));
            void action.run(
              () => cashier.scanners.configure(c),
              (s) => {
                useCashier.setState({ scanner: s });
                return deviceLine(s);
              },
            );
          }}
        >
          {t('settings.scannerApply')}
        </button>
        <button
          data-testid="scanner-test"
          type="button"
          disabled={action.busy}
          onClick={() => {
            useCashier.setState({ lastScan: undefined });
            void action.run(
              () => cashier.scanners.test({}),
              () => {
                setTesting(true);
                return t('settings.scannerTestHint');
              },
            );
          }}
        >
          {t('settings.scannerTest')}
        </button>
      </div>
      <ErrorText error={action.error} />
      <DoneText text={action.done} />
      {testResult && (
        <p role="status" className="msg msg-ok" aria-label={t('settings.scannerTest')}>
          {t('settings.scannerTestGot', { code: testResult })}
        </p>
      )}
    </div>
  );
}

/** Select options from a list of values, with the current value kept even when it is not listed. */
function withCurrent(values: string[], current: string): Array<{ value: string; label: string }> {
  const all = current && !values.includes(current) ? [current, ...values] : values;
  return all.map((v) => ({ value: v, label: v }));
}

/** A listed serial port's USB ids, so the device is found again under a new COM number. */
function usbIdOf(ports: PrinterList['serial'], path: string) {
  const p = ports.find((x) => x.path === path);
  if (!p?.vendorId || !p.productId) return undefined;
  return {
    vendorId: p.vendorId.padStart(4, '0'),
    productId: p.productId.padStart(4, '0'),
    ...(p.serialNumber ? { serialNumber: p.serialNumber } : {}),
  };
}

interface PrinterDraft {
  kind: PrinterKind;
  host: string;
  port: string;
  path: string;
  baudRate: string;
  deviceName: string;
  paperWidth: '58' | '80';
  drawerKick: boolean;
}

function printerDraft(saved: SavedPrinter | undefined): PrinterDraft {
  const p = saved?.printer;
  return {
    kind: p?.kind ?? 'none',
    host: p?.kind === 'tcp' ? p.host : '',
    port: p?.kind === 'tcp' ? String(p.port) : '9100',
    path: p?.kind === 'serial' || p?.kind === 'usb-file' ? p.path : '',
    baudRate: p?.kind === 'serial' ? String(p.baudRate) : '9600',
    deviceName: p?.kind === 'system' ? p.deviceName : p?.kind === 'spooler' ? p.printerName : '',
    paperWidth: saved?.paperWidth ?? '80',
    drawerKick: saved?.drawerKick ?? false,
  };
}

function PrinterCard() {
  const { t } = useT();
  const status = useCashier((s) => s.printer);
  const saved = useCashier((s) => s.settings?.printer);
  const [draft, set] = useDraftFrom(saved, printerDraft);
  const [found, setFound] = useState<PrinterList>({ serial: [], usb: [], system: [], spooler: [] });
  const action = useAction();
  const printOn = usePrint(action);
  const deviceLine = useDeviceLine();
  const { kind, path, deviceName } = draft;

  useEffect(() => {
    if (kind === 'usb-file' && !path && found.usb[0]) set({ path: found.usb[0] });
    if (kind === 'serial' && !path && found.serial[0]) set({ path: found.serial[0].path });
    if (kind === 'system' && !deviceName && found.system[0]) set({ deviceName: found.system[0] });
    if (kind === 'spooler' && !deviceName && found.spooler[0]) set({ deviceName: found.spooler[0] });
  }, [kind, found, path, deviceName, set]);

  const config = (): PrinterConfig => {
    if (kind === 'tcp') return { kind, host: draft.host.trim(), port: Number(draft.port) || 9100 };
    if (kind === 'serial') {
      const p = saved?.printer;
      const usb =
        usbIdOf(found.serial, path) ?? (p?.kind === 'serial' && p.path === path ? p.usb : undefined);
      return { kind, path, baudRate: Number(draft.baudRate) || 9600, ...(usb ? { usb } : {}) };
    }
    if (kind === 'usb-file') return { kind, path };
    if (kind === 'system') return { kind, deviceName };
    if (kind === 'spooler') return { kind, printerName: deviceName };
    return { kind: 'none' };
  };

  return (
    <div className="card">
      <DeviceHeading title={t('settings.printer')} status={status} />
      <div className="field-row">
        <SelectField
          id="printer-kind"
          label={t('settings.printerKind')}
          value={kind}
          onChange={(next) => set({ kind: next })}
          options={(['none', 'tcp', 'serial', 'usb-file', 'spooler', 'system'] as const).map((k) => ({
            value: k,
            label: t(`settings.printer.${k}` as MessageKey),
          }))}
        />
        <SelectField
          id="printer-width"
          label={t('settings.paperWidth')}
          value={draft.paperWidth}
          onChange={(paperWidth) => set({ paperWidth })}
          options={[
            { value: '80', label: '80' },
            { value: '58', label: '58' },
          ]}
        />
        <button
          type="button"
          onClick={() =>
            void action.run(
              () => cashier.printers.list({}),
              (l) => {
                setFound(l);
                return undefined;
              },
            )
          }
        >
          {t('settings.listDevices')}
        </button>
      </div>
      {kind === 'tcp' && (
        <div className="field-row">
          <TextField
            id="printer-host"
            label={t('settings.host')}
            maxLength={253}
            value={draft.host}
            onChange={(host) => set({ host })}
          />
          <TextField
            id="printer-port"
            label={t('settings.port')}
            inputMode="numeric"
            value={draft.port}
            onChange={(port) => set({ port })}
          />
        </div>
      )}
      {(kind === 'serial' || kind === 'usb-file') && (
        <div className="field-row">
          <TextField
            id="printer-path"
            label={t('settings.devicePath')}
            list="printer-path-list"
            value={path}
            onChange={(next) => set({ path: next })}
          />
          <datalist id="printer-path-list">
            {(kind === 'serial' ? found.serial.map((p) => p.path) : found.usb).map((p) => (
              <option key={p} value={p} />
            ))}
          </datalist>
          {kind === 'serial' && (
            <SelectField
              id="printer-baud"
              label={t('settings.baudRate')}
              value={draft.baudRate}
              onChange={(baudRate) => set({ baudRate })}
              options={withCurrent(['9600', '19200', '38400', '115200'], draft.baudRate)}
            />
          )}
        </div>
      )}
      {(kind === 'system' || kind === 'spooler') && (
        <div className="field-row">
          <SelectField
            id="printer-system"
            label={t('settings.deviceName')}
            value={deviceName}
            onChange={(next) => set({ deviceName: next })}
            options={withCurrent(kind === 'spooler' ? found.spooler : found.system, deviceName)}
          />
        </div>
      )}
      <label className="check" htmlFor="printer-drawer">
        <input
          id="printer-drawer"
          type="checkbox"
          checked={draft.drawerKick}
          onChange={(e) => set({ drawerKick: e.target.checked })}
        />
        {t('settings.drawerKick')}
      </label>
      <div className="toolbar">
        <button
          data-testid="printer-apply"
          type="button"
          className="primary"
          disabled={action.busy}
          onClick={() =>
            void action.run(
              () =>
                cashier.printers.configure({
                  printer: config(),
                  paperWidth: draft.paperWidth,
                  drawerKick: draft.drawerKick,
                }),
              (s) => {
                useCashier.setState({ printer: s });
                return deviceLine(s);
              },
            )
          }
        >
          {t('settings.printerApply')}
        </button>
        <button
          data-testid="printer-test"
          type="button"
          disabled={action.busy}
          onClick={() => printOn(() => cashier.printers.test({}))}
        >
          {t('settings.printerTest')}
        </button>
      </div>
      <ErrorText error={action.error} />
      <DoneText text={action.done} />
    </div>
  );
}
