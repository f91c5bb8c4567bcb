/** One change to announce: the gateway sends it as a Dispatch frame named `t` with payload `d`. */
export interface DispatchEvent {
  t: string;
  d: unknown;
}

/**
 * Where changes go so that connected clients hear of them. Topics are `guild:<id>`,
 * `channel:<id>` (private channels) and `user:<id>`. In one process this is
 * {@link InProcessFanOut}; a cluster would put NATS (or similar) behind the same interface,
 * and handlers would not change.
 */
export interface FanOut {
  /**
   * Announces an event to every subscriber of `topic`.
   * @param topic - e.g. `guild:123`
   * @param event - the change
   */
  publish(topic: string, event: DispatchEvent): void;
  /**
   * Listens to a topic.
   * @param topic - e.g. `user:42`
   * @param listener - called for each event, synchronously in publish order
   * @returns a function that stops listening
   */
  subscribe(topic: string, listener: (event: DispatchEvent, topic: string) => void): () => void;
}

/**
 * {@link FanOut} within one process: a map from topic to listeners. A listener that throws
 * does not stop the others.
 *
 * @example
 * ```ts
 * const bus = new InProcessFanOut();
 * const off = bus.subscribe('guild:1', (e) => console.log(e.t));
 * bus.publish('guild:1', { t: 'GUILD_UPDATE', d: {} });
 * off();
 * ```
 */
export class InProcessFanOut implements FanOut {
  private readonly topics = new Map<string, Set<(event: DispatchEvent, topic: string) => void>>();
  /** Errors thrown by listeners, counted rather than lost. */
  listenerErrors = 0;

  publish(topic: string, event: DispatchEvent): void {
    const set = this.topics.get(topic);
    if (!set) return;
    for (const l of set) {
      try {
        l(event, topic);
      } catch {
        this.listenerErrors++;
      }
    }
  }

  subscribe(topic: string, listener: (event: DispatchEvent, topic: string) => void): () => void {
    let set = this.topics.get(topic);
    if (!set) this.topics.set(topic, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.topics.get(topic) === set) this.topics.delete(topic);
    };
  }

  /**
   * @param topic - e.g. `guild:1`
   * @returns how many listeners the topic has
   */
  listenerCount(topic: string): number {
    return this.topics.get(topic)?.size ?? 0;
  }

  /** @returns how many topics have listeners */
  get topicCount(): number {
    return this.topics.size;
  }
}
