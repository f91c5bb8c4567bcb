/** An entry of a {@link WaitQueue}; `cancelled` entries are skipped and dropped lazily. */
export interface Queued {
  cancelled: boolean;
}

/**
 * A FIFO that also pops from the back and cancels in O(1): cancelled entries stay in place and
 * are skipped, and the array is compacted once the consumed prefix dominates it.
 */
export class WaitQueue<T extends Queued> {
  private items: T[] = [];
  private head = 0;
  private live = 0;

  /** Entries that are neither taken nor cancelled. */
  get size(): number {
    return this.live;
  }

  push(item: T): void {
    this.items.push(item);
    this.live++;
  }

  /** Marks `item` cancelled; it no longer counts and will never be returned. */
  cancel(item: T): void {
    if (item.cancelled) return;
    item.cancelled = true;
    this.live--;
  }

  /** The oldest live entry, without taking it. */
  peek(): T | undefined {
    this.skip();
    return this.items[this.head];
  }

  /** Takes the oldest live entry. */
  shift(): T | undefined {
    this.skip();
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++]!;
    this.live--;
    if (this.head > 64 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Takes the newest live entry. */
  pop(): T | undefined {
    let item = this.items.pop();
    while (item !== undefined && item.cancelled) item = this.items.pop();
    if (item === undefined) {
      this.head = 0;
      this.items = [];
      return undefined;
    }
    this.live--;
    if (this.items.length <= this.head) {
      this.items = [];
      this.head = 0;
    }
    return item;
  }

  private skip(): void {
    while (this.head < this.items.length && this.items[this.head]!.cancelled) this.head++;
  }
}
