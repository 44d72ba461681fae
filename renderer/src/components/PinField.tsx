/** A manager PIN field: digits only, never echoed. */
import { useT } from '../i18n';

export function PinField({
  id,
  value,
  onChange,
  label,
}: {
  id: string;
  value: string;
  onChange: (pin: string) => void;
  label?: string;
}) {
  const { t } = useT();
  return (
    <label className="field" htmlFor={id}>
      {label ?? t('common.managerPin')}
      <input
        id={id}
        type="password"
        inputMode="numeric"
        autoComplete="off"
        maxLength={12}
        value={value}
        onChange={(e) => onChange(e.target.value.replace(/\D/g, ''))}
      />
    </label>
  );
}

/** Status as a coloured badge, with the label from the catalogue. */
export function Badge({ state, label }: { state: string; label: string }) {
  return <span className={`badge st-${state}`}>{label}</span>;
}
