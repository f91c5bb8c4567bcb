// Just the part of opossum's API this benchmark uses (the package ships no types).
declare module 'opossum' {
  interface Options {
    timeout?: number | false;
    errorThresholdPercentage?: number;
    resetTimeout?: number;
    volumeThreshold?: number;
    rollingCountTimeout?: number;
    rollingCountBuckets?: number;
  }
  class CircuitBreaker<R = unknown> {
    constructor(action: (...args: unknown[]) => Promise<R>, options?: Options);
    fire(...args: unknown[]): Promise<R>;
    open(): void;
    close(): void;
    shutdown(): void;
    readonly opened: boolean;
    readonly halfOpen: boolean;
    readonly closed: boolean;
  }
  export default CircuitBreaker;
}
