/**
 * A short sound on a sale's result (and, when the shop turned voice on and the system has a voice for
 * the language, the result spoken like a 云音箱: "收款成功，12.34 元"), made with a WebAudio oscillator (no audio files: the CSP allows
 * none and none are needed). Silently does nothing where the platform has no audio.
 */
import { fenToYuanText, fenToYuanWords } from '../../main/shared/money';

let context: AudioContext | undefined;

function tone(ctx: AudioContext, frequency: number, startAt: number, seconds: number): void {
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.type = 'sine';
  osc.frequency.value = frequency;
  gain.gain.setValueAtTime(0.0001, startAt);
  gain.gain.exponentialRampToValueAtTime(0.25, startAt + 0.01);
  gain.gain.exponentialRampToValueAtTime(0.0001, startAt + seconds);
  osc.connect(gain).connect(ctx.destination);
  osc.start(startAt);
  osc.stop(startAt + seconds + 0.02);
}

/** paid: one high beep; declined / voided: two low; needs attention: three low. */
export function beepFor(phase: string): void {
  try {
    const Ctor = globalThis.AudioContext;
    if (!Ctor) return;
    context ??= new Ctor();
    const ctx = context;
    if (ctx.state === 'suspended') void ctx.resume();
    const now = ctx.currentTime + 0.01;
    if (phase === 'paid') {
      tone(ctx, 1320, now, 0.18);
      return;
    }
    const count = phase === 'needs-attention' ? 3 : 2;
    for (let i = 0; i < count; i++) tone(ctx, 440, now + i * 0.22, 0.16);
  } catch {
    // No audio device or autoplay refused: the on-screen result is what counts.
  }
}

/** What the voice says for a result, in the UI language; undefined for results not worth a voice. */
export function spokenResult(
  phase: string,
  fen: number | undefined,
  lang: 'zh-CN' | 'en',
): string | undefined {
  const yuan = fen === undefined ? '' : fenToYuanText(fen);
  if (lang === 'en') {
    if (phase === 'paid') return `Payment received, ${yuan} yuan`;
    if (phase === 'declined') return 'Payment failed';
    if (phase === 'needs-attention') return 'Needs attention';
    return undefined;
  }
  if (phase === 'paid') return fen === undefined ? '收款成功' : `收款成功，${fenToYuanWords(fen)}`;
  if (phase === 'declined') return '收款失败';
  if (phase === 'needs-attention') return '请处理此单';
  return undefined;
}

/** Speaks through the Web Speech API when a voice for the language is installed; false otherwise. */
function speak(text: string, lang: 'zh-CN' | 'en'): boolean {
  try {
    const synth = globalThis.speechSynthesis;
    if (!synth || typeof SpeechSynthesisUtterance === 'undefined') return false;
    const prefix = lang === 'en' ? 'en' : 'zh';
    const voice = synth.getVoices().find((v) => v.lang.toLowerCase().startsWith(prefix));
    if (!voice) return false;
    const u = new SpeechSynthesisUtterance(text);
    u.voice = voice;
    u.lang = voice.lang;
    synth.cancel();
    synth.speak(u);
    return true;
  } catch {
    return false;
  }
}

/** A result: spoken when voice is on and a voice exists, beeps otherwise. */
export function announce(
  phase: string,
  fen: number | undefined,
  options: { voice?: boolean } | undefined,
  lang: 'zh-CN' | 'en',
): void {
  const text = options?.voice ? spokenResult(phase, fen, lang) : undefined;
  if (text && speak(text, lang)) return;
  beepFor(phase);
}
