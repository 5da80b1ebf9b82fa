// The page every consumer app shows, whatever builds it: a file input whose video goes to generateSprites exactly as
// a new user would call it, and the outcome written as JSON for the test (and a person) to read.

import { generateSprites, SpriteError } from 'video-sprite';

/** The job of the bundler matrix (issue 15): 5×5 sheets of 160×90 cells, a tile a second. */
export const OPTIONS = { f: 'jpg', inter: 1000, tw: 5, th: 5, sw: 160, sh: 90 };

/**
 * Runs a job for each video chosen in `input` and writes its outcome into `out` as JSON; `out.dataset.state` says
 * `running`, then `done`;
 * `out.dataset.ready` is `yes` once the input listens.
 * @param {HTMLInputElement} input
 * @param {HTMLElement} out
 */
export function attach(input, out) {
  out.dataset.ready = 'yes';
  input.addEventListener('change', async () => {
    const file = input.files && input.files[0];
    if (!file) return;
    out.dataset.state = 'running';
    out.textContent = '';
    let outcome;
    try {
      const result = await generateSprites(file, OPTIONS);
      outcome = {
        ok: true,
        file: file.name,
        sheets: result.sheets.map((s) => ({
          name: s.name,
          type: s.blob.type,
          width: s.width,
          height: s.height,
          bytes: s.blob.size,
        })),
        times: result.tiles.map((t) => t.time),
        engine: result.engine,
        vtt: result.vtt,
      };
    } catch (e) {
      const error = /** @type {any} */ (e);
      outcome = {
        ok: false,
        file: file.name,
        name: error?.name,
        isSpriteError: e instanceof SpriteError,
        code: error?.code,
        message: String(error?.message ?? e),
      };
    }
    out.textContent = JSON.stringify(outcome, null, 1);
    out.dataset.state = 'done';
  });
}
