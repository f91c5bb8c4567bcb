import type { DispatchEvent, FanOut } from '../FanOut.js';

/** Told of every event published, whatever its topic. */
export type FanOutObserver = (topic: string, event: DispatchEvent) => void;

/**
 * A {@link FanOut} that also shows every published event to observers before passing it on:
 * search, suggestions and notifications follow the chat core's changes this way, after they are
 * durable, without the core knowing about them. An observer that throws is counted, not fatal.
 *
 * @example
 * ```ts
 * const fanOut = new ObservedFanOut(new InProcessFanOut());
 * fanOut.observe((topic, e) => console.log(topic, e.t));
 * ```
 */
export class ObservedFanOut implements FanOut {
  private readonly observers: FanOutObserver[] = [];
  /** Errors thrown by observers. */
  observerErrors = 0;

  /**
   * @param inner - the fan-out that delivers to subscribers
   */
  constructor(readonly inner: FanOut) {}

  /**
   * Adds an observer.
   * @param observer - called for every event, in publish order
   */
  observe(observer: FanOutObserver): void {
    this.observers.push(observer);
  }

  publish(topic: string, event: DispatchEvent): void {
    for (const o of this.observers) {
      try {
        o(topic, event);
      } catch {
        this.observerErrors++;
      }
    }
    this.inner.publish(topic, event);
  }

  subscribe(topic: string, listener: (event: DispatchEvent, topic: string) => void): () => void {
    return this.inner.subscribe(topic, listener);
  }
}
