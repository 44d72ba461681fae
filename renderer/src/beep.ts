/**
 * A short sound on a sale's result, made with a WebAudio oscillator (no audio files: the CSP allows
 * none and none are needed). Silently does nothing where the platform has no audio.
 */
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
