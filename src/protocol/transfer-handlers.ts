// Lets a SpriteError cross the worker boundary whole: comlink's own handler keeps only name, message and stack
// (comlink #594), so the code, param and details would be lost on the way.

import { transferHandlers, type TransferHandler } from 'comlink';
import { SpriteError, type SpriteErrorData } from '../core/errors.js';

type Thrown = { value: unknown };
type Serialised = { spriteError: SpriteErrorData } | { other: unknown };

let installed = false;

/**
 * Replaces comlink's "throw" handler with one that keeps SpriteErrors. Both sides of a boundary call it where a
 * SpriteError may cross; errors from a side that does not (the ffmpeg decoder worker) are still read whole.
 */
export function installTransferHandlers(): void {
  if (installed) return;
  installed = true;
  const base = transferHandlers.get('throw') as TransferHandler<Thrown, unknown>;
  const handler: TransferHandler<Thrown, Serialised> = {
    canHandle: (value): value is Thrown => base.canHandle(value),
    serialize(thrown) {
      if (thrown.value instanceof SpriteError) return [{ spriteError: thrown.value.toData() }, []];
      const [other, transfer] = base.serialize(thrown);
      return [{ other }, transfer];
    },
    deserialize(serialised) {
      if ('spriteError' in serialised) throw SpriteError.fromData(serialised.spriteError);
      // A worker that did not install this handler (the ffmpeg decoder worker) sends comlink's own form: without this,
      // its error reached us as "undefined is not an object", its message lost.
      return base.deserialize('other' in serialised ? serialised.other : serialised);
    },
  };
  transferHandlers.set('throw', handler);
}
