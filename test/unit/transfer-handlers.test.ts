// Errors across the worker boundary: a SpriteError whole, and an error from a worker that sends comlink's own form.

import { transferHandlers, type TransferHandler } from 'comlink';
import { describe, expect, it } from 'vitest';
import { SpriteError } from '../../src/core/errors.js';
import { installTransferHandlers } from '../../src/protocol/transfer-handlers.js';

type Thrown = { value: unknown };

describe('the throw handler', () => {
  // Comlink's own, as a worker that does not install ours uses it; taken before ours replaces it.
  const comlinks = transferHandlers.get('throw') as TransferHandler<Thrown, unknown>;
  installTransferHandlers();
  const ours = transferHandlers.get('throw') as TransferHandler<Thrown, unknown>;
  const caught = (f: () => unknown): unknown => {
    try {
      f();
    } catch (e) {
      return e;
    }
    throw new Error('nothing thrown');
  };

  it('carries a SpriteError with its code, param and details', () => {
    const error = new SpriteError('INVALID_OPTION', 'sw must be an integer', { param: 'sw', details: { value: 1.5 } });
    const [wire] = ours.serialize({ value: error });
    expect(caught(() => ours.deserialize(structuredClone(wire)))).toMatchObject({
      code: 'INVALID_OPTION',
      param: 'sw',
      message: 'sw must be an integer',
      details: { value: 1.5 },
    });
  });

  it("keeps the message of an error sent in comlink's own form, by a worker without our handler", () => {
    const [wire] = comlinks.serialize({ value: new TypeError('memory access out of bounds') });
    const e = caught(() => ours.deserialize(structuredClone(wire)));
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).message).toBe('memory access out of bounds');
    // And what is thrown that is no Error arrives as it was.
    expect(caught(() => ours.deserialize(structuredClone(comlinks.serialize({ value: 'stopped' })[0])))).toBe(
      'stopped',
    );
  });
});
