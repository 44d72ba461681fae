/**
 * This PC (本机): start at login, kiosk mode with its manager-PIN exit, and the update state
 * (docs/updates.md). Desktop app only: the browser harness answers UNAVAILABLE and the card says so.
 */
import { type FormEvent, useEffect, useState } from 'react';
import type { StationState } from '../../../main/ipc/channels/station';
import { cashier } from '../cashier';
import { ErrorText, useAction } from '../components/common';
import { PinField } from '../components/PinField';
import { useT } from '../i18n';

const L = {
  title: { zh: '本机', en: 'This PC' },
  desktopOnly: {
    zh: '仅桌面应用支持（开机启动、全屏、自动更新）',
    en: 'Desktop app only (start at login, kiosk, updates)',
  },
  startAtLogin: { zh: '开机自动启动', en: 'Starts at login' },
  kiosk: { zh: '全屏锁定', en: 'Kiosk (full screen)' },
  on: { zh: '开', en: 'on' },
  off: { zh: '关', en: 'off' },
  exitKiosk: { zh: '退出全屏（至下次启动）', en: 'Leave kiosk until the next start' },
  update: { zh: '更新', en: 'Update' },
  noUpdates: { zh: '未配置更新源', en: 'No update feed configured' },
};

export function StationCard() {
  const { bi } = useT();
  const [state, setState] = useState<StationState | undefined>();
  const [unavailable, setUnavailable] = useState(false);
  const [pin, setPin] = useState('');
  const action = useAction();

  useEffect(() => {
    void cashier.station.state({}).then((r) => (r.ok ? setState(r.data) : setUnavailable(true)));
  }, []);

  const exit = async (e: FormEvent) => {
    e.preventDefault();
    const next = await action.run(() => cashier.station.exitKiosk({ pin }));
    setPin('');
    if (next) setState(next);
  };

  return (
    <section className="card" aria-label={bi(L.title)}>
      <h2>{bi(L.title)}</h2>
      {unavailable && <p className="msg msg-muted">{bi(L.desktopOnly)}</p>}
      {state && (
        <>
          <p>
            {bi(L.startAtLogin)}: {bi(state.startAtLogin ? L.on : L.off)} · {bi(L.kiosk)}:{' '}
            {bi(state.kiosk ? L.on : L.off)}
          </p>
          <p className="msg">
            {bi(L.update)}: {state.update ? bi(state.update.message) : bi(L.noUpdates)}
            {state.update?.version ? ` (${state.update.version})` : ''}
          </p>
          {state.kiosk && (
            <form className="field-row" onSubmit={exit}>
              <PinField id="kiosk-pin" value={pin} onChange={setPin} />
              <button type="submit" disabled={action.busy || pin.length < 4}>
                {bi(L.exitKiosk)}
              </button>
            </form>
          )}
        </>
      )}
      <ErrorText error={action.error} />
    </section>
  );
}
