import { describe, expect, it } from 'vitest';
import { Concealer } from '../src/index.js';
import { codeOf } from './helpers.js';

function tone(n: number, f0: number, amp: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * f0 * i) / 48000));
}

function rms(x: Float32Array): number {
  return Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length);
}

describe('Concealer', () => {
  it('continues a periodic signal seamlessly, then fades to comfort noise', () => {
    const c = new Concealer({ fadeMs: 60 });
    c.remember(tone(480, 100, 0.001)); // a quiet block sets the background level
    const x = tone(4800, 200, 0.5);
    c.remember(x);
    const out = c.conceal(480);
    // The first concealed sample follows on from the last played one.
    expect(Math.abs(out[0]! - x[x.length - 1]!)).toBeLessThan(0.05);
    // After the fade only comfort noise at about the background level remains.
    const later = c.conceal(4800).subarray(3840);
    expect(rms(later)).toBeGreaterThan(0.0003);
    expect(rms(later)).toBeLessThan(0.003);
  });

  it('is deterministic for a seed and silent before anything played', () => {
    const a = new Concealer({ seed: 5 });
    const b = new Concealer({ seed: 5 });
    for (const c of [a, b]) c.remember(tone(2000, 150, 0.2));
    expect([...a.conceal(960)]).toEqual([...b.conceal(960)]);
    expect(rms(new Concealer().comfortNoise(480))).toBe(0);
  });

  it('rejects non-finite PCM and bad options', () => {
    expect(codeOf(() => new Concealer().remember(Float32Array.of(0, Number.NaN)))).toBe('INVALID_PCM');
    expect(codeOf(() => new Concealer({ fadeMs: 0 }))).toBe('INVALID_OPTION');
  });
});
