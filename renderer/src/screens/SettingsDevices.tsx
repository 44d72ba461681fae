/** Scanner and printer choice, with a test button each. */
import { useEffect, useState } from 'react';
import type { PrinterConfig, ScannerConfig } from '../../../main/ipc/channels/devices';
import type { CallOutput } from '../../../main/ipc/contract';
import { cashier } from '../cashier';
import { DoneText, ErrorText, useAction } from '../components/common';
import { type MessageKey, useT } from '../i18n';
import { useCashier } from '../store';

type ScannerKind = ScannerConfig['kind'];
type PrinterKind = PrinterConfig['kind'];
type HidList = CallOutput<'scanners.list'>;
type PrinterList = CallOutput<'printers.list'>;

export function Devices() {
  return (
    <>
      <ScannerCard />
      <PrinterCard />
    </>
  );
}

function ScannerCard() {
  const { t, bi } = useT();
  const status = useCashier((s) => s.scanner);
  const lastScan = useCashier((s) => s.lastScan);
  const [kind, setKind] = useState<ScannerKind>('wedge');
  const [found, setFound] = useState<HidList>({ hid: [], serial: [] });
  const [hidPath, setHidPath] = useState('');
  const [serialPath, setSerialPath] = useState('');
  const [baudRate, setBaudRate] = useState('9600');
  const [terminator, setTerminator] = useState<'CR' | 'LF' | 'CRLF' | 'none'>('CR');
  const [testing, setTesting] = useState(false);
  const action = useAction();

  const testResult = testing && lastScan?.routedTo === 'scanner-test' ? lastScan.codeMasked : undefined;

  const list = () =>
    action.run(
      () => cashier.scanners.list({}),
      (l) => {
        setFound(l);
        if (!hidPath && l.hid[0]) setHidPath(l.hid[0].path);
        if (!serialPath && l.serial[0]) setSerialPath(l.serial[0].path);
        return undefined;
      },
    );

  const config = (): ScannerConfig | undefined => {
    if (kind === 'wedge') return { kind: 'wedge' };
    if (kind === 'hid') {
      const dev = found.hid.find((d) => d.path === hidPath);
      return dev
        ? { kind: 'hid', vendorId: dev.vendorId, productId: dev.productId, path: dev.path }
        : undefined;
    }
    if (!serialPath) return undefined;
    return {
      kind: 'serial',
      path: serialPath,
      baudRate: Number(baudRate) || 9600,
      dataBits: 8,
      parity: 'none',
      stopBits: 1,
      terminator,
      interByteTimeoutMs: 50,
    };
  };

  const selectedHid = found.hid.find((d) => d.path === hidPath);

  return (
    <div className="card">
      <h2>
        {t('settings.scanner')}
        {status && (
          <span className="msg-muted">
            {' '}
            · {status.label} {t(`device.${status.state}` as MessageKey)}{' '}
            {status.detail ? bi(status.detail) : ''}
          </span>
        )}
      </h2>
      <div className="field-row">
        <label className="field" htmlFor="scanner-kind">
          {t('settings.scannerKind')}
          <select id="scanner-kind" value={kind} onChange={(e) => setKind(e.target.value as ScannerKind)}>
            {(['wedge', 'hid', 'serial'] as const).map((k) => (
              <option key={k} value={k}>
                {t(`settings.scanner.${k}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => void list()}>
          {t('settings.listDevices')}
        </button>
      </div>
      {kind === 'hid' && (
        <div className="field-row">
          <label className="field" htmlFor="scanner-hid">
            {t('settings.scannerDevice')}
            <select id="scanner-hid" value={hidPath} onChange={(e) => setHidPath(e.target.value)}>
              {found.hid.map((d) => (
                <option key={d.path} value={d.path}>
                  {d.manufacturer ?? ''} {d.product ?? d.path} ({d.vendorId.toString(16)}:
                  {d.productId.toString(16)}){d.keyboardMode ? ` ${t('settings.scannerKeyboardMode')}` : ''}
                </option>
              ))}
            </select>
          </label>
          {selectedHid?.keyboardMode && <p className="msg msg-warn">{t('settings.scannerKeyboardMode')}</p>}
        </div>
      )}
      {kind === 'serial' && (
        <div className="field-row">
          <label className="field" htmlFor="scanner-serial">
            {t('settings.serialPath')}
            <input
              id="scanner-serial"
              list="scanner-serial-list"
              value={serialPath}
              onChange={(e) => setSerialPath(e.target.value)}
            />
            <datalist id="scanner-serial-list">
              {found.serial.map((p) => (
                <option key={p.path} value={p.path}>
                  {p.manufacturer ?? ''}
                </option>
              ))}
            </datalist>
          </label>
          <label className="field" htmlFor="scanner-baud">
            {t('settings.baudRate')}
            <select id="scanner-baud" value={baudRate} onChange={(e) => setBaudRate(e.target.value)}>
              {['9600', '19200', '38400', '57600', '115200'].map((b) => (
                <option key={b}>{b}</option>
              ))}
            </select>
          </label>
          <label className="field" htmlFor="scanner-term">
            {t('settings.terminator')}
            <select
              id="scanner-term"
              value={terminator}
              onChange={(e) => setTerminator(e.target.value as typeof terminator)}
            >
              {(['CR', 'LF', 'CRLF', 'none'] as const).map((x) => (
                <option key={x}>{x}</option>
              ))}
            </select>
          </label>
        </div>
      )}
      <div className="toolbar">
        <button
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
                return `${s.label}: ${t(`device.${s.state}` as MessageKey)}`;
              },
            );
          }}
        >
          {t('settings.scannerApply')}
        </button>
        <button
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

function PrinterCard() {
  const { t, bi } = useT();
  const status = useCashier((s) => s.printer);
  const [kind, setKind] = useState<PrinterKind>('none');
  const [found, setFound] = useState<PrinterList>({ serial: [], usb: [], system: [] });
  const [host, setHost] = useState('');
  const [port, setPort] = useState('9100');
  const [path, setPath] = useState('');
  const [baudRate, setBaudRate] = useState('9600');
  const [deviceName, setDeviceName] = useState('');
  const [paperWidth, setPaperWidth] = useState<'58' | '80'>('80');
  const [drawerKick, setDrawerKick] = useState(false);
  const action = useAction();

  useEffect(() => {
    if (kind === 'usb-file' && !path && found.usb[0]) setPath(found.usb[0]);
    if (kind === 'serial' && !path && found.serial[0]) setPath(found.serial[0].path);
    if (kind === 'system' && !deviceName && found.system[0]) setDeviceName(found.system[0]);
  }, [kind, found, path, deviceName]);

  const config = (): PrinterConfig => {
    if (kind === 'tcp') return { kind, host: host.trim(), port: Number(port) || 9100 };
    if (kind === 'serial') return { kind, path, baudRate: Number(baudRate) || 9600 };
    if (kind === 'usb-file') return { kind, path };
    if (kind === 'system') return { kind, deviceName };
    return { kind: 'none' };
  };

  return (
    <div className="card">
      <h2>
        {t('settings.printer')}
        {status && (
          <span className="msg-muted">
            {' '}
            · {status.label} {t(`device.${status.state}` as MessageKey)}{' '}
            {status.detail ? bi(status.detail) : ''}
          </span>
        )}
      </h2>
      <div className="field-row">
        <label className="field" htmlFor="printer-kind">
          {t('settings.printerKind')}
          <select id="printer-kind" value={kind} onChange={(e) => setKind(e.target.value as PrinterKind)}>
            {(['none', 'tcp', 'serial', 'usb-file', 'system'] as const).map((k) => (
              <option key={k} value={k}>
                {t(`settings.printer.${k}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label className="field" htmlFor="printer-width">
          {t('settings.paperWidth')}
          <select
            id="printer-width"
            value={paperWidth}
            onChange={(e) => setPaperWidth(e.target.value as '58' | '80')}
          >
            <option value="80">80</option>
            <option value="58">58</option>
          </select>
        </label>
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
          <label className="field" htmlFor="printer-host">
            {t('settings.host')}
            <input id="printer-host" value={host} maxLength={253} onChange={(e) => setHost(e.target.value)} />
          </label>
          <label className="field" htmlFor="printer-port">
            {t('settings.port')}
            <input
              id="printer-port"
              inputMode="numeric"
              value={port}
              onChange={(e) => setPort(e.target.value)}
            />
          </label>
        </div>
      )}
      {(kind === 'serial' || kind === 'usb-file') && (
        <div className="field-row">
          <label className="field" htmlFor="printer-path">
            {t('settings.devicePath')}
            <input
              id="printer-path"
              list="printer-path-list"
              value={path}
              onChange={(e) => setPath(e.target.value)}
            />
            <datalist id="printer-path-list">
              {(kind === 'serial' ? found.serial.map((p) => p.path) : found.usb).map((p) => (
                <option key={p} value={p} />
              ))}
            </datalist>
          </label>
          {kind === 'serial' && (
            <label className="field" htmlFor="printer-baud">
              {t('settings.baudRate')}
              <select id="printer-baud" value={baudRate} onChange={(e) => setBaudRate(e.target.value)}>
                {['9600', '19200', '38400', '115200'].map((b) => (
                  <option key={b}>{b}</option>
                ))}
              </select>
            </label>
          )}
        </div>
      )}
      {kind === 'system' && (
        <div className="field-row">
          <label className="field" htmlFor="printer-system">
            {t('settings.deviceName')}
            <select id="printer-system" value={deviceName} onChange={(e) => setDeviceName(e.target.value)}>
              {found.system.map((name) => (
                <option key={name}>{name}</option>
              ))}
            </select>
          </label>
        </div>
      )}
      <label className="check" htmlFor="printer-drawer">
        <input
          id="printer-drawer"
          type="checkbox"
          checked={drawerKick}
          onChange={(e) => setDrawerKick(e.target.checked)}
        />
        {t('settings.drawerKick')}
      </label>
      <div className="toolbar">
        <button
          type="button"
          className="primary"
          disabled={action.busy}
          onClick={() =>
            void action.run(
              () => cashier.printers.configure({ printer: config(), paperWidth, drawerKick }),
              (s) => {
                useCashier.setState({ printer: s });
                return `${s.label}: ${t(`device.${s.state}` as MessageKey)}`;
              },
            )
          }
        >
          {t('settings.printerApply')}
        </button>
        <button
          type="button"
          disabled={action.busy}
          onClick={() =>
            void action.run(
              () => cashier.printers.test({}),
              () => t('orders.printed'),
            )
          }
        >
          {t('settings.printerTest')}
        </button>
      </div>
      <ErrorText error={action.error} />
      <DoneText text={action.done} />
    </div>
  );
}
