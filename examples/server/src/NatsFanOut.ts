// Node-only: a FanOut across processes through NATS core pub/sub.
import { randomBytes } from 'node:crypto';
import { connect, type NatsConnection, type Subscription } from 'nats';
import { InProcessFanOut, type DispatchEvent, type FanOut } from './FanOut.js';

/** Options of {@link NatsFanOut}. */
export interface NatsFanOutOptions {
  /** Subject prefix, so several deployments can share one NATS. @defaultValue `'chorus'` */
  prefix?: string;
  /** Told of publish failures and undecodable messages (they are also counted). */
  onError?: (error: Error) => void;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const TOPIC = /^[A-Za-z0-9_-]+(:[A-Za-z0-9_-]+)*$/;

/**
 * {@link FanOut} for several server processes: each event goes at once to this process's own
 * listeners (synchronously, in publish order, as {@link InProcessFanOut} does) and to NATS on
 * the subject `<prefix>.<topic with ':' as '.'>`, where the other processes pick it up. A process
 * subscribes to a topic's subject only while it has listeners for it, and ignores its own
 * messages coming back. NATS core is at-most-once: a process that was disconnected misses what
 * was published meanwhile, which gateway clients recover from by resuming or re-identifying.
 *
 * @example
 * ```ts
 * const fanOut = await NatsFanOut.connect('nats://127.0.0.1:4222');
 * const off = fanOut.subscribe('guild:1', (e) => console.log(e.t));
 * fanOut.publish('guild:1', { t: 'GUILD_UPDATE', d: {} }); // here and in every other process
 * off();
 * await fanOut.close();
 * ```
 */
export class NatsFanOut implements FanOut {
  private readonly local = new InProcessFanOut();
  private readonly subs = new Map<string, Subscription>();
  private readonly origin = randomBytes(8).toString('hex');
  private readonly prefix: string;
  private readonly onError: (error: Error) => void;
  /** Events that could not be handed to NATS (the local listeners still got them). */
  publishErrors = 0;
  /** Messages on our subjects that were not events of this format (dropped). */
  malformed = 0;

  /**
   * @param nc - a connection (see {@link NatsFanOut.connect})
   * @param options - prefix and error hook
   * @throws Error for a prefix that is not a plain subject token
   */
  constructor(
    private readonly nc: NatsConnection,
    options: NatsFanOutOptions = {},
  ) {
    this.prefix = options.prefix ?? 'chorus';
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(this.prefix)) throw new Error('the NATS subject prefix must be 1 to 64 letters, digits, "_" or "-"');
    this.onError = options.onError ?? (() => undefined);
  }

  /**
   * Connects to NATS.
   * @param url - e.g. `nats://127.0.0.1:4222`
   * @param options - prefix and error hook
   * @returns the fan-out
   * @throws Error when the server cannot be reached
   */
  static async connect(url: string, options: NatsFanOutOptions = {}): Promise<NatsFanOut> {
    const nc = await connect({ servers: url, name: 'chorus-example-server', maxReconnectAttempts: -1 });
    return new NatsFanOut(nc, options);
  }

  private subject(topic: string): string {
    if (!TOPIC.test(topic)) throw new Error(`topic ${JSON.stringify(topic.slice(0, 60))} cannot be a NATS subject`);
    return `${this.prefix}.${topic.replaceAll(':', '.')}`;
  }

  publish(topic: string, event: DispatchEvent): void {
    const subject = this.subject(topic);
    this.local.publish(topic, event);
    try {
      this.nc.publish(subject, encoder.encode(JSON.stringify({ o: this.origin, t: event.t, d: event.d })));
    } catch (e) {
      this.publishErrors++;
      this.onError(e instanceof Error ? e : new Error(String(e)));
    }
  }

  subscribe(topic: string, listener: (event: DispatchEvent, topic: string) => void): () => void {
    const subject = this.subject(topic);
    const off = this.local.subscribe(topic, listener);
    if (!this.subs.has(topic)) {
      const sub = this.nc.subscribe(subject, {
        callback: (err, msg) => {
          if (err) {
            this.onError(err);
            return;
          }
          const event = this.decode(msg.data);
          if (event && event !== 'own') this.local.publish(topic, event);
        },
      });
      this.subs.set(topic, sub);
    }
    return () => {
      off();
      if (this.local.listenerCount(topic) === 0) {
        this.subs.get(topic)?.unsubscribe();
        this.subs.delete(topic);
      }
    };
  }

  private decode(data: Uint8Array): DispatchEvent | 'own' | undefined {
    let m: unknown;
    try {
      m = JSON.parse(decoder.decode(data));
    } catch {
      m = undefined;
    }
    const v = m as { o?: unknown; t?: unknown; d?: unknown } | undefined;
    if (typeof v !== 'object' || v === null || typeof v.o !== 'string' || typeof v.t !== 'string' || !('d' in v)) {
      this.malformed++;
      this.onError(new Error('a message on a chorus subject is not a fan-out event; dropped'));
      return undefined;
    }
    return v.o === this.origin ? 'own' : { t: v.t, d: v.d };
  }

  /**
   * Tells every other process of the cluster about `message` on the control subject
   * `<prefix>._control` (cache invalidations: see {@link NatsFanOut.onControl}).
   * @param message - any JSON value
   */
  announce(message: unknown): void {
    try {
      this.nc.publish(`${this.prefix}._control`, encoder.encode(JSON.stringify({ o: this.origin, t: 'control', d: message })));
    } catch (e) {
      this.publishErrors++;
      this.onError(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /**
   * Listens to what other processes {@link NatsFanOut.announce} (never this process's own).
   * @param listener - called with each message
   * @returns a function that stops listening
   */
  onControl(listener: (message: unknown) => void): () => void {
    const sub = this.nc.subscribe(`${this.prefix}._control`, {
      callback: (err, msg) => {
        if (err) {
          this.onError(err);
          return;
        }
        const event = this.decode(msg.data);
        if (event && event !== 'own') listener(event.d);
      },
    });
    return () => sub.unsubscribe();
  }

  /** Topics this process listens to (each has one NATS subscription). */
  get topicCount(): number {
    return this.subs.size;
  }

  /** Sends what is buffered and waits until NATS has it (tests and orderly shutdown). */
  flush(): Promise<void> {
    return this.nc.flush();
  }

  /** Drains the subscriptions and closes the connection. */
  async close(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain();
  }
}
