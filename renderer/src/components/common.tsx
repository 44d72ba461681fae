/** Small shared pieces: envelope handling, amount validation, error display. */
import { type InputHTMLAttributes, type Ref, useCallback, useRef, useState } from 'react';
import type { Bilingual, Envelope, ErrorBody } from '../../../main/ipc/errors';
import { formatFen, parseYuanToFen, yuanTypingVerdict } from '../../../main/shared/money';
import { type MessageKey, type TFn, useT } from '../i18n';
import { useCashier, watchPrintJobs } from '../store';

export type AmountCheck = { ok: true; fen: number } | { ok: false; message: string };

/**
 * What a cashier types, as the field shows it: full-width digits (a Chinese IME) as digits and a
 * full-width point or a Chinese full stop as the point. A comma stays a comma: money.ts refuses it
 * with a reason rather than guess ("1,5" is neither 15 nor 1.5).
 */
export function normalizeAmountText(text: string): string {
  return text
    .replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[。．]/g, '.');
}

/** The counter's amount rules: a number, at most two decimals, greater than 0, at most `maxFen`. */
export function checkAmount(text: string, maxFen: number | undefined, t: TFn): AmountCheck {
  const parsed = parseYuanToFen(normalizeAmountText(text));
  if (!parsed.ok) {
    const key =
      parsed.reason === 'empty'
        ? 'amount.empty'
        : parsed.reason === 'decimals'
          ? 'amount.decimals'
          : parsed.reason === 'comma'
            ? 'amount.comma'
            : 'amount.format';
    return { ok: false, message: t(key) };
  }
  if (parsed.fen <= 0) return { ok: false, message: t('amount.zero') };
  if (maxFen !== undefined && parsed.fen > maxFen) {
    return { ok: false, message: t('amount.max', { max: formatFen(maxFen) }) };
  }
  return { ok: true, fen: parsed.fen };
}

/** What an amount field may hold while typing (money.ts's verdict on normalized text). */
export function acceptAmountTyping(next: string): 'ok' | 'decimals' | 'comma' | 'bad' {
  return yuanTypingVerdict(next);
}

/** Runs one call at a time for a form: busy flag, the last error, the last success message. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorBody | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const last = useRef<ErrorBody | undefined>(undefined);
  const run = useCallback(
    async <T,>(call: () => Promise<Envelope<T>>, onOk?: (data: T) => string | undefined) => {
      setBusy(true);
      setError(undefined);
      setDone(undefined);
      last.current = undefined;
      try {
        const r = await call();
        if (r.ok) {
          const message = onOk?.(r.data);
          if (typeof message === 'string') setDone(message);
          return r.data;
        }
        setError(r.error);
        last.current = r.error;
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [],
  );
  const fail = useCallback((message: string) => {
    setDone(undefined);
    setError({ code: 'BAD_INPUT', message: { zh: message, en: message } });
  }, []);
  const clear = useCallback(() => {
    setError(undefined);
    setDone(undefined);
  }, []);
  const succeed = useCallback((message: string) => {
    setError(undefined);
    setDone(message);
  }, []);
  const lastCode = useCallback(() => last.current?.code, []);
  /** The last call's refusal, read right after `run` (the `error` state updates on the next render). */
  const lastError = useCallback(() => last.current, []);
  return { busy, error, done, run, fail, clear, succeed, lastCode, lastError };
}

/**
 * A print call run on an action. "Sent" is not "printed": it waits for the printer's own answer and
 * reports that. Resolves false when main refused the call itself.
 */
export function usePrint(action: ReturnType<typeof useAction>) {
  const { t, bi } = useT();
  return async (call: () => Promise<Envelope<{ jobIds: string[] }>>): Promise<boolean> => {
    const r = await action.run(call, () => t('print.sending'));
    if (!r) return false;
    const outcome = await watchPrintJobs(r.jobIds);
    if (outcome.level === 'info') action.succeed(bi(outcome.message));
    else action.fail(bi(outcome.message));
    return true;
  };
}

/** Settings and form fields main may name in a BAD_INPUT, as the cashier knows them. */
const FIELD_LABELS: Record<string, MessageKey> = {
  shopName: 'settings.shopName',
  merchantCode: 'settings.merchantCode',
  terminalCode: 'settings.terminalCode',
  appId: 'settings.appId',
  customGatewayUrl: 'settings.customUrl',
  maxAmountFen: 'settings.maxAmount',
  queryDeadlineSeconds: 'settings.queryDeadline',
  receiptLogoLine: 'settings.receiptLogoLine',
  amountFen: 'common.amountYuan',
  pin: 'settings.pin',
  managerPin: 'common.managerPin',
  id: 'settings.opId',
  name: 'settings.opName',
  reason: 'orders.reason',
  host: 'settings.host',
  port: 'settings.port',
  path: 'settings.devicePath',
};

/**
 * An error from main, in the current language. UNAVAILABLE reads as "not available yet", calmly. A
 * schema refusal names the fields in words, never the schema's own English.
 */
export function ErrorText({ error, label }: { error: ErrorBody | undefined; label?: string }) {
  const { t, bi } = useT();
  if (!error) return null;
  // A schema refusal (main's "参数无效（path: …）") reads as the fields in words; a domain refusal
  // already says what is wrong in both languages and is shown as it is.
  if (
    error.code === 'BAD_INPUT' &&
    error.fields &&
    error.fields.length > 0 &&
    error.message.zh.startsWith('参数无效')
  ) {
    const names = error.fields.map((f) => {
      const leaf = f.path.split('.').pop() ?? f.path;
      const key = FIELD_LABELS[leaf];
      return key ? t(key) : t('error.aField');
    });
    return (
      <p role="alert" aria-label={label} className="msg msg-error">
        {t('error.badFields', { fields: [...new Set(names)].join(t('common.listSep')) })}
      </p>
    );
  }
  return (
    <p
      role="alert"
      aria-label={label}
      className={error.code === 'UNAVAILABLE' ? 'msg msg-muted' : 'msg msg-error'}
    >
      {bi(error.message)}
    </p>
  );
}

export function DoneText({ text }: { text: string | undefined }) {
  if (!text) return null;
  return (
    <p role="status" className="msg msg-ok">
      {text}
    </p>
  );
}

export function Money({ fen, className }: { fen: number | undefined; className?: string }) {
  return <span className={className ?? 'money'}>{fen === undefined ? '—' : formatFen(fen)}</span>;
}

/** A labelled text input: the label wraps the input, so getByLabel finds it. */
export function TextField({
  id,
  label,
  value,
  onChange,
  ...input
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  ref?: Ref<HTMLInputElement>;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange'>) {
  return (
    <label className="field" htmlFor={id}>
      {label}
      <input id={id} autoComplete="off" value={value} onChange={(e) => onChange(e.target.value)} {...input} />
    </label>
  );
}

/** A labelled select over fixed choices. */
export function SelectField<V extends string>({
  id,
  label,
  value,
  onChange,
  options,
}: {
  id: string;
  label: string;
  value: V;
  onChange: (value: V) => void;
  options: ReadonlyArray<{ value: V; label: string }>;
}) {
  return (
    <label className="field" htmlFor={id}>
      {label}
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as V)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** An amount in yuan: digits and the point only. */
export function AmountField({
  inputRef,
  ...props
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  inputRef?: Ref<HTMLInputElement>;
}) {
  return (
    <TextField
      {...props}
      ref={inputRef}
      inputMode="decimal"
      onChange={(v) => props.onChange(normalizeAmountText(v).replace(/[^\d.,，]/g, ''))}
    />
  );
}

/** An operator by name (the id only when no one by that id is known, e.g. "system"). */
export function OperatorName({ id }: { id: string }) {
  const operators = useCashier((s) => s.operators);
  const { t } = useT();
  if (id === 'system') return <>{t('common.system')}</>;
  const found = operators.find((o) => o.id === id);
  // A name the shop typed: shown as it is in either language.
  return <span data-user-text="">{found ? found.name : id}</span>;
}

/**
 * A message from main in the UI language. Parts that are not copy are marked as such: in English,
 * words the gateway itself sent in Chinese (its errInfo, quoted in main's English text) as a Chinese
 * quotation; in either language, paths and environment variable names as data.
 */
const RAW_IN_EN =
  /([\u3400-\u9fff\u3000-\u303f\uff00-\uffef]+|[A-Z][A-Z0-9]*_[A-Z0-9_]+|(?:[A-Za-z]:)?[\\/][^\s，。；）)]+)/;
const RAW_IN_ZH = /([A-Z][A-Z0-9]*_[A-Z0-9_]+|(?:[A-Za-z]:)?[\\/][^\s，。；）)]+)/;

export function Bi({ m }: { m: Bilingual | undefined }) {
  const { bi, lang } = useT();
  const text = bi(m);
  const parts = text.split(lang === 'en' ? RAW_IN_EN : RAW_IN_ZH);
  if (parts.length === 1) return <>{text}</>;
  return (
    <>
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed string
          <span key={i} data-raw="" {...(/[\u3400-\u9fff]/.test(part) ? { lang: 'zh-CN' } : {})}>
            {part}
          </span>
        ) : (
          part
        ),
      )}
    </>
  );
}
