/** Per-institution rate limits: a token bucket each, refilled continuously, one second of burst. */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  async take(key: string, perSecond: number): Promise<void> {
    for (;;) {
      const now = performance.now();
      const bucket = this.buckets.get(key) ?? { tokens: perSecond, at: now };
      bucket.tokens = Math.min(perSecond, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
      bucket.at = now;
      this.buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return;
      }
      await new Promise((resolve) =>
        setTimeout(resolve, Math.ceil(((1 - bucket.tokens) / perSecond) * 1000)),
      );
    }
  }
}
