import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runOrdered } from '../../src/engine/ordered-pool.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('runOrdered', () => {
  it('runs every task once, on every worker that joins, and delivers the results in task order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 30 }),
        fc.array(fc.option(fc.integer({ min: 0, max: 6 }), { nil: null }), { maxLength: 3 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 3 }),
        async (durations, joins, maxAhead, deliverMs) => {
          const runs: number[] = [];
          const delivered: number[] = [];
          const workersUsed = new Set<string>();
          let maxSeenAhead = 0;
          await runOrdered<string, string>({
            count: durations.length,
            first: 'w0',
            // null: a worker that failed to load and never joins.
            late: joins.map((ms, i) => (ms === null ? Promise.resolve(null) : sleep(ms).then(() => `w${i + 1}`))),
            maxAhead,
            run: async (worker, index) => {
              runs.push(index);
              workersUsed.add(worker);
              maxSeenAhead = Math.max(maxSeenAhead, index + 1 - delivered.length);
              await sleep(durations[index]!);
              return `result ${index}`;
            },
            deliver: async (result, index) => {
              expect(result).toBe(`result ${index}`);
              await sleep(deliverMs);
              delivered.push(index);
            },
          });
          const all = durations.map((_, i) => i);
          expect(delivered).toEqual(all);
          expect([...runs].sort((a, b) => a - b)).toEqual(all);
          expect(maxSeenAhead).toBeLessThanOrEqual(maxAhead);
          if (durations.length > 0) expect(workersUsed.has('w0')).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a worker that joins late takes its share of the tasks', async () => {
    const spec = (late: Promise<string | null>[]) => ({
      count: 8,
      first: 'a',
      late,
      maxAhead: 4,
      run: async (worker: string) => {
        await sleep(20);
        return worker;
      },
      deliver: () => {},
    });
    const workers: string[] = [];
    await runOrdered({ ...spec([Promise.resolve('b')]), deliver: (w: string) => void workers.push(w) });
    expect(new Set(workers)).toEqual(new Set(['a', 'b']));
    expect(workers.filter((w) => w === 'b').length).toBeGreaterThanOrEqual(3);
  });

  it('stops taking tasks after a task fails, waits for the running ones, and rejects with that failure', async () => {
    const runs: number[] = [];
    let running = 0;
    let runningAtEnd = -1;
    await expect(
      runOrdered({
        count: 20,
        first: 1,
        late: [Promise.resolve(2)],
        maxAhead: 4,
        run: async (_worker, index) => {
          runs.push(index);
          running++;
          await sleep(index === 3 ? 1 : 5);
          running--;
          if (index === 3) throw new Error('decoder died');
          return index;
        },
        deliver: () => {},
      }).finally(() => (runningAtEnd = running)),
    ).rejects.toThrow('decoder died');
    expect(runs.length).toBeLessThan(20);
    expect(runningAtEnd).toBe(0);
  });

  it('rejects with a delivery failure and delivers nothing after it', async () => {
    const delivered: number[] = [];
    await expect(
      runOrdered({
        count: 10,
        first: 0,
        late: [],
        maxAhead: 2,
        run: (_w, index) => Promise.resolve(index),
        deliver: (index) => {
          if (index === 4) throw new Error('compositor failed');
          delivered.push(index);
        },
      }),
    ).rejects.toThrow('compositor failed');
    expect(delivered).toEqual([0, 1, 2, 3]);
  });

  it('does not wait for a worker that never finishes loading once the work is done', async () => {
    const never = new Promise<string | null>(() => {});
    const delivered: number[] = [];
    await runOrdered({
      count: 3,
      first: 'a',
      late: [never],
      maxAhead: 1,
      run: (_w, i) => Promise.resolve(i),
      deliver: (i) => void delivered.push(i),
    });
    expect(delivered).toEqual([0, 1, 2]);
  });
});
