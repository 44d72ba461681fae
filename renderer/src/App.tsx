/**
 * The app shell: screen tabs (F1–F5 or Alt+1–5), the DEMO banner, the current screen and the status
 * bar. Screens talk to main only through `window.cashier`; shared state lives in ./store.
 */
import { lazy, Suspense, useEffect } from 'react';
import { useActionHotkeys } from './components/Hotkeys';
import { StatusBar } from './components/StatusBar';
import { type MessageKey, useT } from './i18n';
import { Checkout } from './screens/Checkout';
import { SignIn } from './screens/SignIn';
import { SCREENS, type Screen, startStore, useCashier } from './store';

// Only the checkout is on the first screen: the others (and the settlement's chart library) load when
// first opened, so the window is ready sooner.
const Orders = lazy(() => import('./screens/Orders').then((m) => ({ default: m.Orders })));
const Preauth = lazy(() => import('./screens/Preauth').then((m) => ({ default: m.Preauth })));
const Settlement = lazy(() => import('./screens/Settlement').then((m) => ({ default: m.Settlement })));
const Settings = lazy(() => import('./screens/Settings').then((m) => ({ default: m.Settings })));

/** Warm the other screens once the first one is up, so F2–F5 open without a wait. */
export function prefetchScreens(): void {
  void import('./screens/Orders');
  void import('./screens/Preauth');
  void import('./screens/Settings');
}

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
  const signInOpen = useCashier((s) => s.signInOpen);
  // Nobody signed in: the screens wait behind the sign-in screen, so their tabs do too.
  const locked = useCashier((s) => s.signInOpen && s.signInRequired);

  useEffect(() => {
    void startStore().then(() => {
      // After the first screen is up: fetch the rest while the cashier types.
      setTimeout(prefetchScreens, 1500);
    });
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
              disabled={locked}
              aria-keyshortcuts={`F${i + 1} Alt+${i + 1}`}
              data-testid={`nav-${s}`}
              onClick={() => setScreen(s)}
            >
              <span className="tab-key">F{i + 1}</span> {t(NAV_KEYS[s])}
            </button>
          ))}
        </nav>
        <p data-testid="app-info" data-transport={info?.transport} className="app-info">
          {info ? `${t('app.title')} ${info.version}` : ''}
        </p>
      </header>
      {environment === 'demo' && (
        <div className="demo-banner" role="note">
          {t('app.demoBanner')}
        </div>
      )}
      <main className="screen" data-screen={signInOpen ? 'signin' : screen}>
        {signInOpen && <SignIn />}
        {!signInOpen && screen === 'checkout' && <Checkout />}
        <Suspense fallback={<p className="msg msg-muted">{t('app.loading')}</p>}>
          {!signInOpen && screen === 'orders' && <Orders />}
          {!signInOpen && screen === 'preauth' && <Preauth />}
          {!signInOpen && screen === 'settlement' && <Settlement />}
          {!signInOpen && screen === 'settings' && <Settings />}
        </Suspense>
      </main>
      <StatusBar />
    </div>
  );
}
