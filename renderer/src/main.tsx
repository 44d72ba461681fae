import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { cashier } from './cashier';
import './i18n';
import './styles.css';

/**
 * Mount the keyboard wedge (the scanner engineer's module, renderer/src/wedge/) once at start-up:
 * fast keystrokes ending in Enter become `scan.submit({ source: 'wedge' })`, routed by main exactly
 * like a HID or serial scan.
 * TODO(issue 5): switch to `import { installWedge } from './wedge/install'` once the module has landed;
 * until then the glob finds nothing and the manual code field is the way in.
 */
type WedgeModule = { installWedge?: (onScan: (code: string) => void) => unknown };
const wedge = Object.values(import.meta.glob<WedgeModule>('./wedge/install.ts', { eager: true }))[0];
wedge?.installWedge?.((code) => {
  void cashier.scan.submit({ code, source: 'wedge' });
});

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
