import { simulcastLadder, type Layer } from '../layers.js';
import type { TrackInput } from '../tracks.js';

/** What the simulated subscriber receives. */
export interface Scenario {
  /** Audio and video tracks; video tracks are simulcast with temporal layers. */
  readonly tracks: readonly TrackInput[];
  /** Mean talk-spurt length of audio tracks, in ms; silence between spurts uses Opus DTX. @defaultValue 3000 */
  readonly talkSpurtMs?: number;
  /** Mean silence length, in ms. @defaultValue 2000 */
  readonly silenceMs?: number;
}

const CAMERA: Layer[] = simulcastLadder([
  { bitrateBps: 150_000, width: 320, height: 180 },
  { bitrateBps: 500_000, width: 640, height: 360 },
  { bitrateBps: 1_500_000, width: 1280, height: 720 },
]);

const SCREEN: Layer[] = simulcastLadder(
  [
    { bitrateBps: 200_000, width: 640, height: 360 },
    { bitrateBps: 600_000, width: 1280, height: 720 },
    { bitrateBps: 1_800_000, width: 1920, height: 1080 },
  ],
  15,
);

const OPUS: Layer[] = [{ spatial: 0, temporal: 0, bitrateBps: 40_000, width: 0, height: 0, fps: 50 }];

/**
 * The default scenario: one subscriber receiving Opus audio (40 kbit/s with DTX), a screen share
 * (200 k / 600 k / 1.8 Mbit/s at 15 fps) in a 1920x1080 viewport, the active speaker's camera
 * (150 k / 500 k / 1.5 Mbit/s) at 1280x720, and two more cameras at 640x360 and 320x180. At the top
 * layers the viewports allow, demand is about 4 Mbit/s, above most cellular traces' capacity
 * some of the time.
 *
 * @returns a fresh scenario
 * @example
 * ```ts
 * const result = simulate(trace, { scenario: defaultScenario() });
 * ```
 */
export function defaultScenario(): Scenario {
  return {
    tracks: [
      { id: 'audio', kind: 'audio', layers: OPUS, viewport: null },
      { id: 'screen', kind: 'screen', layers: SCREEN, viewport: { width: 1920, height: 1080 } },
      { id: 'speaker', kind: 'video', layers: CAMERA, viewport: { width: 1280, height: 720 }, speaking: true },
      { id: 'camera-2', kind: 'video', layers: CAMERA, viewport: { width: 640, height: 360 } },
      { id: 'camera-3', kind: 'video', layers: CAMERA, viewport: { width: 320, height: 180 } },
    ],
  };
}
