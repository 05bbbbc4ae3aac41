/** A bounded ring buffer: pushing past capacity overwrites the oldest item; no timers, no growth. */
export class Ring<T> {
  private items: T[] = [];
  private start = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('ring capacity must be a positive integer');
  }

  push(item: T): void {
    if (this.items.length < this.capacity) this.items.push(item);
    else {
      this.items[this.start] = item;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  get size(): number {
    return this.items.length;
  }

  /** Returns the items oldest first. */
  toArray(): T[] {
    return this.items.slice(this.start).concat(this.items.slice(0, this.start));
  }
}
