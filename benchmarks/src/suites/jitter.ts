// Benchmark `jitter`: @chorus/jitter's adaptive playout on the real Starlink one-way-delay trace,
// a real 5G delay log and generated traces (Gilbert-Elliott loss, Pareto jitter, delay spikes,
// reordering, DTX talk spurts), against the hindsight-best fixed delay and fixed 20-200 ms
// buffers; plus CPU of timing-only pull() and of the decode+stretch+conceal audio path.
import type { BenchContext, Suite } from '../harness/suite.js';
import { runCpu } from '../jitter/cpu.js';
import { runQuality } from '../jitter/quality.js';
import { loadTraces } from '../jitter/traces.js';

export const suite: Suite = {
  name: 'jitter',
  title: 'adaptive jitter buffer: playout delay and late loss per trace vs oracleFixedDelay and fixed buffers; CPU per block',
  async run(ctx: BenchContext): Promise<void> {
    const traces = loadTraces(ctx);
    runQuality(ctx, traces);
    await runCpu(ctx, traces[0]!.trace);
  },
};
