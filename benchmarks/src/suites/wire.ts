// Benchmark `wire`: encode+decode of a typical chat dispatch with @chorus/wire, against
// JSON.stringify + Buffer.from / JSON.parse and against plain @msgpack/msgpack maps.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { decode as mpDecode, encode as mpEncode } from '@msgpack/msgpack';
import { FrameCodec, Op, type DispatchFrame, type Message } from '@chorus/wire';
import { nsPerOp } from '../harness/measure.js';
import type { BenchContext, Contender, Suite } from '../harness/suite.js';

const GENERATED_CONTENT =
  'hey @alice and @bob, the build on main is green again — can one of you look at the flaky voice test before the release tonight?';

function makeFrames(contents: readonly string[]): DispatchFrame<'MESSAGE_CREATE', Message>[] {
  return contents.map((content, i) => ({
    op: Op.Dispatch,
    s: 1000 + i,
    t: 'MESSAGE_CREATE',
    d: {
      id: String(1_250_000_000_000_000_000n + BigInt(i) * 4_194_304n),
      channelId: '1249876543210987776',
      guildId: '1249870000000000000',
      author: { id: String(1_240_000_000_000_000_000n + BigInt(i % 50)), username: `user${i % 50}`, nickname: i % 3 === 0 ? 'Nick' : null, avatar: null },
      content,
      timestamp: 1_763_770_000_000 + i * 1000,
      editedTimestamp: null,
      mentions: ['1240000000000000001', '1240000000000000002'],
      replyTo: i % 4 === 0 ? '1249999999999999999' : null,
      attachments: [],
    },
  }));
}

function ircTexts(dir: string, n: number): string[] {
  const lines = gunzipSync(readFileSync(join(dir, 'ubuntu-irc-messages.tsv.gz'))).toString('utf8').split('\n');
  const out: string[] = [];
  for (let i = 1; i < lines.length && out.length < n; i++) {
    const text = lines[i]!.split('\t')[5];
    if (text !== undefined && text.length > 0) out.push(text);
  }
  return out;
}

function contenders(ctx: BenchContext, frames: DispatchFrame[]): Contender[] {
  const codec = new FrameCodec();
  const n = frames.length;
  const roundTrip = (enc: (f: DispatchFrame) => Uint8Array, dec: (b: Uint8Array) => unknown): (() => unknown) => {
    let i = 0;
    return () => dec(enc(frames[i++ % n]!));
  };
  const meanBytes = (enc: (f: DispatchFrame) => Uint8Array): number => frames.reduce((sum, f) => sum + enc(f).length, 0) / n;
  const make = (impl: string, enc: (f: DispatchFrame) => Uint8Array, dec: (b: Uint8Array) => unknown): Contender => {
    const bytes = meanBytes(enc);
    return {
      impl,
      measure: () => [
        { metric: 'encode+decode', unit: 'ns/frame', value: nsPerOp(roundTrip(enc, dec), ctx.minMs) },
        { metric: 'frame size', unit: 'bytes', value: bytes },
      ],
    };
  };
  return [
    make('@chorus/wire', (f) => codec.encode(f), (b) => codec.decode(b)),
    make('JSON + Buffer', (f) => Buffer.from(JSON.stringify(f)), (b) => JSON.parse((b as Buffer).toString('utf8'))),
    make('@msgpack/msgpack maps', (f) => mpEncode(f), (b) => mpDecode(b)),
  ];
}

/**
 * Fan-out: one dispatch to `n` sessions, each with its own sequence number. Each contender uses
 * its best practice: @chorus/wire prepares once and splices sequence numbers; JSON stringifies the
 * payload once and concatenates per recipient; plain msgpack has no splice and encodes per recipient.
 */
function fanOutContenders(ctx: BenchContext, frame: DispatchFrame, n: number): Contender[] {
  const codec = new FrameCodec();
  const per = (fn: () => unknown): number => nsPerOp(fn, ctx.minMs) / n;
  return [
    {
      impl: '@chorus/wire prepared',
      measure: () => [
        {
          metric: `encode per recipient (1 dispatch, ${n} recipients)`,
          unit: 'ns/frame',
          value: per(() => {
            const p = codec.prepareDispatch(frame.t, frame.d);
            let last: Uint8Array | undefined;
            for (let i = 0; i < n; i++) last = codec.encodePrepared(p, frame.s + i);
            return last;
          }),
        },
      ],
    },
    {
      impl: 'JSON + Buffer (payload once)',
      measure: () => [
        {
          metric: `encode per recipient (1 dispatch, ${n} recipients)`,
          unit: 'ns/frame',
          value: per(() => {
            const d = JSON.stringify(frame.d);
            let last: Buffer | undefined;
            for (let i = 0; i < n; i++) last = Buffer.from(`{"op":0,"s":${frame.s + i},"t":"${frame.t}","d":${d}}`);
            return last;
          }),
        },
      ],
    },
    {
      impl: '@msgpack/msgpack maps',
      measure: () => [
        {
          metric: `encode per recipient (1 dispatch, ${n} recipients)`,
          unit: 'ns/frame',
          value: per(() => {
            let last: Uint8Array | undefined;
            for (let i = 0; i < n; i++) last = mpEncode({ ...frame, s: frame.s + i });
            return last;
          }),
        },
      ],
    },
  ];
}

export const suite: Suite = {
  name: 'wire',
  title: 'gateway frame encode+decode and size: @chorus/wire vs JSON vs plain msgpack',
  async run(ctx) {
    // Check that every contender round-trips before timing anything.
    const typical = makeFrames([GENERATED_CONTENT]);
    ctx.useGenerated('one MESSAGE_CREATE with 126-character content, 2 mentions');
    await ctx.compare({ case: 'MESSAGE_CREATE, 126-char content', contenders: contenders(ctx, typical) });
    await ctx.compare({ case: 'MESSAGE_CREATE fan-out to 10', contenders: fanOutContenders(ctx, typical[0]!, 10) });

    const dir = ctx.realData('chat-text');
    if (dir !== undefined) {
      const frames = makeFrames(ircTexts(dir, ctx.quick ? 500 : 5000));
      await ctx.compare({ case: `MESSAGE_CREATE, ${frames.length} real IRC messages`, contenders: contenders(ctx, frames) });
    }
  },
};
