/** The language switch, shared by the status bar and Settings → 关于. */
import { cashier } from './cashier';
import { useCashier } from './store';

/** Switch now; main's reply (or a late start-up reply) cannot switch it back. */
export async function switchLanguage(next: 'zh-CN' | 'en'): Promise<void> {
  const store = useCashier.getState();
  useCashier.setState({ pendingLang: next });
  store.setLang(next);
  const r = await cashier.settings.update({ language: next });
  if (r.ok) store.setSettings(r.data);
  else useCashier.setState({ pendingLang: undefined });
}
