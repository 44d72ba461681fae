/**
 * The on-screen keypad (for touch screens). Its keys never take focus, so Enter on the physical
 * keyboard always means "charge", never "press the last key clicked".
 */
import { useT } from '../i18n';

export type PadKey =
  | '0'
  | '1'
  | '2'
  | '3'
  | '4'
  | '5'
  | '6'
  | '7'
  | '8'
  | '9'
  | '.'
  | '00'
  | 'back'
  | 'clear'
  | 'enter';

const DIGITS: PadKey[] = ['7', '8', '9', '4', '5', '6', '1', '2', '3', '0', '00', '.'];

export function Keypad({ onKey, disabled }: { onKey: (key: PadKey) => void; disabled: boolean }) {
  const { t } = useT();
  const key = (k: PadKey, label: string, className = 'pad-key', name?: string) => (
    <button
      key={k}
      type="button"
      className={className}
      tabIndex={-1}
      disabled={disabled}
      aria-label={name}
      data-testid={`pad-${k === '.' ? 'point' : k}`}
      onMouseDown={(e) => e.preventDefault()}
      onClick={() => onKey(k)}
    >
      {label}
    </button>
  );
  return (
    <fieldset className="keypad" aria-label={t('checkout.keypad')} data-testid="keypad">
      <div className="pad-digits">{DIGITS.map((d) => key(d, d))}</div>
      <div className="pad-side">
        {key('back', '⌫', 'pad-key pad-back', t('checkout.backspace'))}
        {key('clear', t('checkout.clear'), 'pad-key pad-clear')}
        {key('enter', t('checkout.charge'), 'pad-key pad-enter')}
      </div>
    </fieldset>
  );
}
