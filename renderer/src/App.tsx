/**
 * The app shell: screen tabs (F1–F5 or Alt+1–5), the DEMO banner, the current screen and the status
 * bar. Screens talk to main only through `window.cashier`; shared state lives in ./store.
 */
import { useEffect } from 'react';
import { useActionHotkeys } from './components/Hotkeys';
import { StatusBar } from './components/StatusBar';
import { type MessageKey, useT } from './i18n';
import { Checkout } from './screens/Checkout';
import { Orders } from './screens/Orders';
import { Preauth } from './screens/Preauth';
import { Settings } from './screens/Settings';
import { Settlement } from './screens/Settlement';
import { SCREENS, type Screen, startStore, useCashier } from './store';

const NAV_KEYS: Record<Screen, MessageKey> = {
  checkout: 'nav.checkout',
  orders: 'nav.orders',
  preauth: 'nav.preauth',
  settlement: 'nav.settlement',
  settings: 'nav.settings',
};

export function App() {
  const { t } = useT();
  const screen = useCashier((s) => s.screen);
  const setScreen = useCashier((s) => s.setScreen);
  const info = useCashier((s) => s.info);
  const environment = useCashier((s) => s.settings?.environment ?? s.info?.environment);

  useEffect(() => {
    void startStore();
  }, []);
  useActionHotkeys();

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const fn = /^F([1-5])$/.exec(e.key);
      const alt = e.altKey ? /^Digit([1-5])$/.exec(e.code) : null;
      const match = fn ?? alt;
      if (!match?.[1]) return;
      e.preventDefault();
      const next = SCREENS[Number(match[1]) - 1];
      if (next) setScreen(next);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setScreen]);

  return (
    <div className="shell">
      <header className="topbar">
        <h1 className="brand">{t('app.title')}</h1>
        <nav aria-label={t('nav.label')} className="tabs">
          {SCREENS.map((s, i) => (
            <button
              key={s}
              type="button"
              className={s === screen ? 'tab tab-active' : 'tab'}
              aria-current={s === screen ? 'page' : undefined}
              aria-keyshortcuts={`F${i + 1} Alt+${i + 1}`}
              onClick={() => setScreen(s)}
            >
              <span className="tab-key">F{i + 1}</span> {t(NAV_KEYS[s])}
            </button>
          ))}
        </nav>
        <p data-testid="app-info" className="app-info">
          {info ? `${info.name} ${info.version} (${info.transport})` : ''}
        </p>
      </header>
      {environment === 'demo' && (
        <div className="demo-banner" role="note">
          {t('app.demoBanner')}
        </div>
      )}
      <main className="screen">
        {screen === 'checkout' && <Checkout />}
        {screen === 'orders' && <Orders />}
        {screen === 'preauth' && <Preauth />}
        {screen === 'settlement' && <Settlement />}
        {screen === 'settings' && <Settings />}
      </main>
      <StatusBar />
    </div>
  );
}
