// Shares numbered tasks among workers that may join late, and hands the results on strictly in task order.

/** What {@link runOrdered} needs. */
export interface OrderedPoolSpec<W, R> {
  /** How many tasks there are; task `i` is `run(worker, i)`. */
  count: number;
  /** The worker that is ready now. */
  first: W;
  /** Workers still getting ready: each joins when its promise gives it, or never when it gives `null`. */
  late: readonly Promise<W | null>[];
  /**
   * How many tasks may be taken past the oldest undelivered one. Results wait in order, so this bounds the results
   * held while one worker is on a long task (≥ 1).
   */
  maxAhead: number;
  run: (worker: W, index: number) => Promise<R>;
  /** Receives each result in task order, one at a time (awaited before the next). */
  deliver: (result: R, index: number) => Promise<void> | void;
}

/**
 * Runs the tasks and resolves once every result has been delivered. On the first failure (of a task or of
 * `deliver`) no new task starts, the ones running are waited for, and the promise rejects with that failure.
 */
export async function runOrdered<W, R>(spec: OrderedPoolSpec<W, R>): Promise<void> {
  const { count, maxAhead } = spec;
  const finished = new Map<number, R>();
  let taken = 0;
  let delivered = 0;
  // Set by the workers' closures, so the compiler cannot follow it: the type is spelt out.
  let failure = null as { error: unknown } | null;
  let delivery: Promise<void> = Promise.resolve();
  const waiting: (() => void)[] = [];
  const wake = () => waiting.splice(0).forEach((resolve) => resolve());

  const deliver = async () => {
    while (!failure && finished.has(delivered)) {
      const result = finished.get(delivered)!;
      finished.delete(delivered);
      await spec.deliver(result, delivered);
      delivered++;
      wake();
    }
  };

  const work = async (worker: W) => {
    while (!failure && taken < count) {
      if (taken - delivered >= Math.max(1, maxAhead)) {
        await new Promise<void>((resolve) => waiting.push(resolve));
        continue;
      }
      const index = taken++;
      try {
        finished.set(index, await spec.run(worker, index));
      } catch (error) {
        failure ??= { error };
        break;
      }
      // Not awaited: the worker goes on while results are delivered; maxAhead holds it back if delivery lags.
      delivery = delivery.then(deliver).catch((error: unknown) => {
        failure ??= { error };
        wake();
      });
    }
    // A worker waiting for delivery must see the end (or the failure) too.
    wake();
  };

  const started: Promise<void>[] = [];
  let closed = false;
  for (const late of spec.late) {
    void late.then(
      (worker) => {
        if (worker !== null && !closed) started.push(work(worker));
      },
      () => {},
    );
  }
  await work(spec.first);
  // The first worker stops only when no task is left to take: a worker joining now would find none.
  closed = true;
  await Promise.all(started);
  await delivery;
  if (failure) throw failure.error;
}
