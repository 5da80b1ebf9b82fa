// Lets a SpriteError cross the worker boundary whole: comlink's own handler keeps only name, message and stack
// (comlink #594), so the code, param and details would be lost on the way.

import { transferHandlers, type TransferHandler } from 'comlink';
import { SpriteError, type SpriteErrorData } from '../core/errors.js';

type Thrown = { value: unknown };
type Serialised = { spriteError: SpriteErrorData } | { other: unknown };

let installed = false;

/** Replaces comlink's "throw" handler with one that keeps SpriteErrors; both sides of the boundary must call it. */
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
      return base.deserialize(serialised.other);
    },
  };
  transferHandlers.set('throw', handler);
}
