import { locateData } from './data.js';
import { summarize } from './stats.js';
import type { BenchResult } from './results.js';

/** One measured quantity from one run of one contender. */
export interface Measurement {
  metric: string;
  unit: string;
  value: number;
}

/** An implementation taking part in a comparison. `measure` performs one run. */
export interface Contender {
  impl: string;
  measure(): Measurement[] | Promise<Measurement[]>;
}

export interface CompareSpec {
  case: string;
  contenders: Contender[];
  /** Measured runs per contender; defaults to 7 (3 with --quick). */
  runs?: number;
  /** Unrecorded runs per contender before measuring; defaults to 2 (1 with --quick). */
  warmup?: number;
}

/** A benchmark: `pnpm bench <name>` runs it. */
export interface Suite {
  name: string;
  title: string;
  run(ctx: BenchContext): Promise<void>;
}

export interface BenchOptions {
  quick: boolean;
  data: string | undefined;
  log: (line: string) => void;
}

/** What a suite sees: options, data lookup, and the result sink. */
export class BenchContext {
  readonly quick: boolean;
  readonly results: BenchResult[] = [];
  dataSource = 'generated';
  synthetic = true;
  readonly log: (line: string) => void;
  private readonly dataOverride: string | undefined;

  constructor(options: BenchOptions) {
    this.quick = options.quick;
    this.dataOverride = options.data;
    this.log = options.log;
  }

  /** Default for time-based loops: how long one timed run lasts, in ms. */
  get minMs(): number {
    return this.quick ? 50 : 300;
  }

  /**
   * The folder of real data for `topic` (see ../shared/data/<topic>/SOURCE.md) or undefined;
   * records the source in the result file. Suites must then fall back to generated data and
   * call {@link useGenerated}.
   */
  realData(topic: string): string | undefined {
    const dir = locateData(topic, this.dataOverride);
    if (dir !== undefined) {
      this.dataSource = this.dataSource === 'generated' || this.dataSource === dir ? dir : `${this.dataSource}; ${dir}`;
      this.synthetic = false;
    }
    return dir;
  }

  /** Declares that (part of) the data was generated, with a line saying what. */
  useGenerated(what: string): void {
    this.log(`note: using generated data (${what})`);
    if (this.synthetic) this.dataSource = `generated: ${what}`;
    else this.dataSource += `; generated: ${what}`;
  }

  /** Records a figure measured once or summarised by the suite itself. */
  record(result: Omit<BenchResult, 'runs' | 'min' | 'max'> & Partial<Pick<BenchResult, 'runs' | 'min' | 'max'>>): void {
    this.results.push({
      case: result.case,
      impl: result.impl,
      metric: result.metric,
      unit: result.unit,
      median: result.median,
      min: result.min ?? result.median,
      max: result.max ?? result.median,
      runs: result.runs ?? 1,
    });
  }

  /**
   * Runs every contender interleaved (A B A B ...) after warm-up runs, and records the
   * median, min and max of each of their measurements.
   */
  async compare(spec: CompareSpec): Promise<void> {
    const runs = spec.runs ?? (this.quick ? 3 : 7);
    const warmup = spec.warmup ?? (this.quick ? 1 : 2);
    const samples = new Map<string, { impl: string; metric: string; unit: string; values: number[] }>();
    for (let round = 0; round < warmup + runs; round++) {
      for (const c of spec.contenders) {
        const ms = await c.measure();
        if (round < warmup) continue;
        for (const m of ms) {
          const key = `${c.impl}\u0000${m.metric}`;
          let s = samples.get(key);
          if (!s) {
            s = { impl: c.impl, metric: m.metric, unit: m.unit, values: [] };
            samples.set(key, s);
          }
          s.values.push(m.value);
        }
      }
    }
    for (const s of samples.values()) {
      const { median, min, max } = summarize(s.values);
      this.results.push({ case: spec.case, impl: s.impl, metric: s.metric, unit: s.unit, median, min, max, runs: s.values.length });
    }
  }
}
