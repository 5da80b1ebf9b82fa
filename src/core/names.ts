// Sheet file names from the saveas template (SPEC §5), sanitised so that no name escapes its folder.

import { SpriteError } from './errors.js';
import type { SpriteFormat } from './options.js';

/** Template used when the job gives none: `sprite-0.jpg`, `sprite-1.jpg`, … */
export const DEFAULT_NAME_TEMPLATE = 'sprite-{index}.{autoext}';

const INDEX = /\{index\}|%d/g;
const HAS_INDEX = /\{index\}|%d/;
const EXTENSION = /\.([A-Za-z0-9]{1,5}|\{autoext\})$/;

/** File extension of a sheet format, without the dot. */
export function formatExtension(f: SpriteFormat): string {
  return f;
}

/**
 * Makes a name safe as a single file name: `/` and `\` become `_` (an object key's folders would otherwise
 * escape a download folder or ZIP), `..` runs are broken, control characters removed, leading dots and spaces removed.
 */
function sanitise(name: string): string {
  return name
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .replace(/[\\/]/g, '_')
    .replace(/\.{2,}/g, '.')
    .replace(/^[.\s]+/, '')
    .trim();
}

/**
 * The file name of sheet `index` (from 0):
 * - `{index}` and `%d` become the index (every occurrence); `{autoext}` becomes the format's extension;
 *   other `{…}` are kept literally.
 * - A template without an index placeholder gets `_{index}` before its extension (or at the end), so sheets never
 *   overwrite each other (the original API appends an ordinal for the same reason).
 * - A template without any extension gets `.{ext}` appended: the files are images.
 * - A fixed extension that differs from the format is kept as written: the caller asked for it.
 * Throws INVALID_OPTION (param `o`) when nothing usable is left after sanitising.
 */
export function sheetFileName(template: string, index: number, format: SpriteFormat): string {
  // Judge the template as the user wrote it: nothing before its extension means no name was given.
  if (sanitise(template.replace(EXTENSION, '')) === '') throw noName(template);
  let name = template;
  if (!HAS_INDEX.test(name)) {
    name = EXTENSION.test(name) ? name.replace(EXTENSION, (ext) => `_{index}${ext}`) : `${name}_{index}`;
  }
  if (!EXTENSION.test(name)) name = `${name}.{autoext}`;
  name = name.replace(INDEX, String(index)).replaceAll('{autoext}', formatExtension(format));
  const safe = sanitise(name);
  if (!EXTENSION.test(safe) || safe.replace(EXTENSION, '') === '') throw noName(template);
  return safe;
}

function noName(template: string): SpriteError {
  return new SpriteError('INVALID_OPTION', `The sheet name template ${JSON.stringify(template)} leaves no usable file name; give it a name, e.g. "sprite-{index}.{autoext}".`, {
    param: 'o',
    details: { template },
  });
}

/** Validates a template before the job starts (throws INVALID_OPTION, param `o`). */
export function checkNameTemplate(template: string): void {
  if (typeof template !== 'string') {
    throw new SpriteError('INVALID_OPTION', `The sheet name template must be a string; got ${typeof template}.`, { param: 'o' });
  }
  sheetFileName(template, 0, 'jpg');
}

/**
 * Base name for the job's other files (VTT, manifest, storyboard): the template without its index placeholder (and
 * the separator before it) and without its extension. `outobjprefix-{index}.{autoext}` → `outobjprefix`.
 */
export function jobBaseName(template: string): string {
  const base = sanitise(template.replace(EXTENSION, '').replace(/[-_.\s]*(\{index\}|%d)/g, ''));
  return base.replace(/[-_.\s]+$/, '') || 'sprite';
}
