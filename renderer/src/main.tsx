import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { cashier } from './cashier';
import './i18n';
import './styles.css';
import { installWedge } from './wedge/install';

/**
 * The keyboard wedge (renderer/src/wedge/, the scanner engineer's module), mounted once at start-up:
 * a keyboard-mode scanner's fast keystrokes ending in Enter become `scan.submit({ source: 'wedge' })`,
 * routed by main exactly like a HID or serial scan. Human typing passes through unchanged.
 */
installWedge((code) => {
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
