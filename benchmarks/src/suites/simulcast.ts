// Benchmark `simulcast`: @chorus/simulcast's LayerSelector (and BandwidthEstimator in the loop)
// against a naive highest-layer-that-fits selector and a fixed-hysteresis selector, replaying the
// real link traces of ../shared/data/bandwidth; plus allocation speed.
import type { BenchContext, Suite } from '../harness/suite.js';
import { runQuality } from '../simulcast/quality.js';
import { runSpeed } from '../simulcast/speed.js';
import { loadTraces } from '../simulcast/traces.js';

export const suite: Suite = {
  name: 'simulcast',
  title: 'simulcast layer selection and bandwidth estimation on real link traces, vs naive and fixed-hysteresis selectors',
  async run(ctx: BenchContext): Promise<void> {
    await runSpeed(ctx);
    runQuality(ctx, loadTraces(ctx));
  },
};
