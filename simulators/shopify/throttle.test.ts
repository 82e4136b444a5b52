import { describe, expect, it } from 'vitest';
import { LeakyBucket } from './throttle.ts';

describe('when the leaky bucket meets a burst', () => {
  const standard = { maximumAvailable: 2000, restoreRate: 100 };

  it('takes what fits and refuses the rest without taking it', () => {
    const bucket = new LeakyBucket(standard, 0);
    expect(bucket.take(1500, 0)).toBe(true);
    expect(bucket.take(600, 0)).toBe(false);
    expect(bucket.status(0).currentlyAvailable).toBe(500);
  });

  it('restores at the restore rate up to the maximum', () => {
    const bucket = new LeakyBucket(standard, 0);
    bucket.take(2000, 0);
    expect(bucket.status(3_000).currentlyAvailable).toBe(300);
    expect(bucket.status(60_000).currentlyAvailable).toBe(2000);
  });

  it('gives back the unused part of a query', () => {
    const bucket = new LeakyBucket(standard, 0);
    bucket.take(1000, 0);
    bucket.refund(990, 0);
    expect(bucket.status(0).currentlyAvailable).toBe(1990);
  });

  it('keeps restoring after the clock was set back', () => {
    const bucket = new LeakyBucket(standard, 0);
    bucket.take(2000, 10_000);
    expect(bucket.status(5_000).currentlyAvailable).toBe(0);
    expect(bucket.status(6_000).currentlyAvailable).toBe(100);
  });
});
