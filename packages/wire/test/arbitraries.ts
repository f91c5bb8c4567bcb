// fast-check arbitraries for every frame shape, shared by the wire tests.
import fc from 'fast-check';
import { Op, type Frame, type JsonValue, type Message } from '../src/index.js';

const U64_MAX = (1n << 64n) - 1n;
export const snowflake: fc.Arbitrary<string> = fc.bigInt({ min: 0n, max: U64_MAX }).map(String);
const nullableSnowflake = fc.option(snowflake, { nil: null });
const uint = fc.nat({ max: Number.MAX_SAFE_INTEGER });
const text = (max: number): fc.Arbitrary<string> => fc.string({ unit: 'binary', maxLength: max });

// Generic payloads follow JSON's rules: -0 travels as 0, as JSON.stringify does.
export const json: fc.Arbitrary<JsonValue> = fc
  .jsonValue({ maxDepth: 4 })
  .filter((v) => !JSON.stringify(v).match(/"(__proto__|constructor|prototype)":/))
  .map((v) => JSON.parse(JSON.stringify(v)) as JsonValue);

export const message: fc.Arbitrary<Message> = fc.record({
  id: snowflake,
  channelId: snowflake,
  guildId: nullableSnowflake,
  author: fc.record({
    id: snowflake,
    username: text(64),
    nickname: fc.option(text(64), { nil: null }),
    avatar: fc.option(text(256), { nil: null }),
  }),
  content: text(4000),
  timestamp: uint,
  editedTimestamp: fc.option(uint, { nil: null }),
  mentions: fc.array(snowflake, { maxLength: 100 }),
  replyTo: nullableSnowflake,
  attachments: fc.array(fc.record({ id: snowflake, filename: text(255), contentType: text(255), size: uint }), { maxLength: 10 }),
});

const seq = fc.nat({ max: 0xffffffff });
const eventName = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,20}$/).filter((n) => !KNOWN.has(n));
const KNOWN = new Set(['MESSAGE_CREATE', 'MESSAGE_UPDATE', 'MESSAGE_DELETE', 'MESSAGE_REACTION_ADD', 'MESSAGE_REACTION_REMOVE', 'TYPING_START', 'PRESENCE_UPDATE']);
const reaction = fc.record({ messageId: snowflake, channelId: snowflake, guildId: nullableSnowflake, userId: snowflake, emoji: text(64) });

/** Every frame the protocol defines, with arbitrary valid payloads. */
export const frame: fc.Arbitrary<Frame> = fc.oneof(
  fc.record({ op: fc.constant(Op.Dispatch), s: seq, t: fc.constantFrom('MESSAGE_CREATE', 'MESSAGE_UPDATE'), d: message }),
  fc.record({ op: fc.constant(Op.Dispatch), s: seq, t: fc.constant('MESSAGE_DELETE'), d: fc.record({ id: snowflake, channelId: snowflake, guildId: nullableSnowflake }) }),
  fc.record({ op: fc.constant(Op.Dispatch), s: seq, t: fc.constantFrom('MESSAGE_REACTION_ADD', 'MESSAGE_REACTION_REMOVE'), d: reaction }),
  fc.record({ op: fc.constant(Op.Dispatch), s: seq, t: fc.constant('TYPING_START'), d: fc.record({ channelId: snowflake, guildId: nullableSnowflake, userId: snowflake, timestamp: uint }) }),
  fc.record({ op: fc.constant(Op.Dispatch), s: seq, t: fc.constant('PRESENCE_UPDATE'), d: fc.record({ userId: snowflake, status: fc.constantFrom('online' as const, 'idle' as const, 'offline' as const), guildId: nullableSnowflake }) }),
  fc.record({ op: fc.constant(Op.Dispatch), s: seq, t: eventName, d: json }),
  fc.record({ op: fc.constant(Op.Heartbeat), d: fc.option(seq, { nil: null }) }),
  fc.record({ op: fc.constant(Op.Identify), d: fc.record({ token: text(512), client: text(128) }, { requiredKeys: ['token'] }) }),
  fc.record({ op: fc.constant(Op.Ready), d: fc.record({ sessionId: text(128), user: json, guilds: json, presences: json, privateChannels: json }, { requiredKeys: ['sessionId', 'user', 'guilds'] }) }),
  fc.record({ op: fc.constant(Op.Resume), d: fc.record({ token: text(512), sessionId: text(128), seq }) }),
  fc.record({ op: fc.constant(Op.Resumed), d: fc.record({ replayed: uint }) }),
  fc.record({ op: fc.constant(Op.Reconnect) }),
  fc.record({ op: fc.constant(Op.InvalidSession), d: fc.record({ resumable: fc.boolean() }) }),
  fc.record({ op: fc.constant(Op.Hello), d: fc.record({ heartbeatIntervalMs: fc.nat({ max: 0x7fffffff }) }) }),
  fc.record({ op: fc.constant(Op.HeartbeatAck) }),
  fc.record({ op: fc.constant(Op.Request), d: fc.record({ id: seq, method: text(128), params: json }, { requiredKeys: ['id', 'method'] }) }),
  fc.record({
    op: fc.constant(Op.Response),
    d: fc.record({ id: seq, result: json, error: fc.record({ code: text(64), message: text(1024) }) }, { requiredKeys: ['id'] }),
  }),
  fc.record({ op: fc.constant(Op.Error), d: fc.record({ code: text(64), message: text(1024) }) }),
) as fc.Arbitrary<Frame>;
