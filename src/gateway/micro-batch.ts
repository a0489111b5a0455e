/**
 * Group commit for the dispatcher's writes: items pushed while the event loop is busy (acks
 * answered together, JetStream ids delivered together) are written by one statement on the next
 * turn instead of one statement — and, on SQLite, one commit — each. One flush runs at a time; what
 * arrives meanwhile waits for the next. Each caller still awaits its own item, so nothing is
 * reported done before it is stored; a failed flush fails every item in it. With `delayMs` a
 * flush waits that long after its first item (what arrives meanwhile goes along).
 */
export class MicroBatch<T, R> {
  private pending: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private flushing: Promise<void> | undefined;
  private scheduled = false;

  constructor(
    /** Results in the order of `items`. */
    private readonly flush: (items: T[]) => Promise<R[]>,
    private readonly max = 256,
    private readonly delayMs = 0,
  ) {}

  push(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    const flush = () => {
      this.scheduled = false;
      this.flushing = this.run().finally(() => {
        this.flushing = undefined;
        if (this.pending.length > 0) this.schedule();
      });
    };
    if (this.delayMs > 0) setTimeout(flush, this.delayMs);
    else setImmediate(flush);
  }

  private async run(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.max);
      try {
        const results = await this.flush(batch.map((b) => b.item));
        for (const [i, b] of batch.entries()) b.resolve(results[i] as R);
      } catch (error) {
        for (const b of batch) b.reject(error);
      }
    }
  }
}
