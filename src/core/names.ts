// Sheet file names from the saveas template (SPEC §5). The template comes from a cloud API where it is an object key,
// but here it names files that land in a download folder or a ZIP on any OS, so every name must be valid as a single
// file name on Windows, macOS and Linux alike: a name that only some systems accept fails for the user who unpacks
// the ZIP elsewhere, and a name Windows silently rewrites (trailing dots, device names) can collide with another.

import { SpriteError } from './errors.js';
import type { SpriteFormat } from './options.js';

/** Template used when the job gives none: `sprite-0.jpg`, `sprite-1.jpg`, … */
export const DEFAULT_NAME_TEMPLATE = 'sprite-{index}.{autoext}';

/**
 * Longest file name we produce: 255 is the limit of ext4, APFS, NTFS and exFAT alike. It is counted both in UTF-8
 * bytes (ext4, APFS; UTF-16 units never exceed it, which covers NTFS) and in UTF-16 units of the decomposed form,
 * which is what HFS+ stores.
 */
const MAX_NAME_LENGTH = 255;

/** The longest suffix the library and the page add to {@link jobBaseName} (`<base>.storyboard.json`). */
const LONGEST_BASE_SUFFIX = '.storyboard.json';

const INDEX = /\{index\}|%d/g;
const HAS_INDEX = /\{index\}|%d/;
const EXTENSION = /\.([A-Za-z0-9]{1,5}|\{autoext\})$/;

// Windows reserves these in every folder, in any case, also before an extension (`nul.jpg` is the null device) and
// after trailing spaces (`con .jpg`). COM0/LPT0 and the Latin-1 superscripts are in Microsoft's current list;
// CONIN$/CONOUT$ are what CreateFile opens as the console.
const DEVICE =
  /^(?:CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|COM[0-9\u00b9\u00b2\u00b3]|LPT[0-9\u00b9\u00b2\u00b3])\s*(?:\.|$)/i;

/**
 * Makes a name valid as a single file name everywhere; what each rule guards against:
 * - Unpaired UTF-16 surrogates become U+FFFD: they cannot be encoded, and every encoder (ZIP, Blob, file system)
 *   would put U+FFFD there anyway, so the name we report is the name written.
 * - C0 controls, DEL and C1 controls (U+0080–U+009F) are removed: Windows refuses C0, and none of them is visible.
 * - `/ \ : * ? " < > |` become `_`: separators would escape the download folder or ZIP; the others are refused by
 *   Windows, and `X:name` is a drive-relative path there. Replaced, not refused, so that object keys written for the
 *   cloud API (often with `/` folders or `:` in times) still work.
 * - `..` runs become `.`, so no part of a name can read as a parent folder.
 * - Leading dots and spaces are removed (hidden files, names that look empty); trailing ones too, because Windows
 *   strips them silently, which would make `a.` and `a` one file.
 * Device names are handled by {@link avoidDevice}, after the caller's last change to the name.
 */
function sanitise(name: string): string {
  return (
    name
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
      // Control characters are exactly what this line is for.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
      .replace(/[\\/:*?"<>|]/g, '_')
      .replace(/\.{2,}/g, '.')
      .replace(/^[.\s]+/, '')
      .replace(/[.\s]+$/, '')
  );
}

/** A `_` before a Windows device name: `con.jpg` would open the console rather than a file there. */
function avoidDevice(name: string): string {
  return DEVICE.test(name) ? `_${name}` : name;
}

/** UTF-8 bytes of one code point. */
function utf8Bytes(char: string): number {
  const cp = char.codePointAt(0)!;
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/**
 * The longest prefix of `name`, whole code points only, within `limit` by both measures of
 * {@link MAX_NAME_LENGTH}, and the length of the whole name by the stricter measure (both measures add up per code
 * point, decomposition included).
 */
function measure(name: string, limit: number): { fits: string; length: number } {
  let fits = '';
  let bytes = 0;
  let nfd = 0;
  for (const char of name) {
    bytes += utf8Bytes(char);
    nfd += char.normalize('NFD').length;
    if (Math.max(bytes, nfd) <= limit) fits += char;
  }
  return { fits, length: Math.max(bytes, nfd) };
}

/**
 * The file name of sheet `index` (from 0):
 * - `{index}` and `%d` become the index (every occurrence); `{autoext}` becomes the format's extension;
 *   other `{…}` are kept literally.
 * - A template without an index placeholder gets `_{index}` before its extension (or at the end), so sheets never
 *   overwrite each other (the original API appends an ordinal for the same reason).
 * - A template without any extension gets `.{ext}` appended: the files are images.
 * - A fixed extension that differs from the format is kept as written: the caller asked for it.
 *
 * Bad characters are replaced or removed, never refused: `/ \ : * ? " < > |` become `_` (so a drive prefix `C:`
 * becomes `C_`), control characters (U+0000–U+001F, U+007F–U+009F) are removed, unpaired surrogates become U+FFFD,
 * `..` becomes `.`, and leading and trailing dots and spaces are removed. A Windows device name (`CON`, `nul.jpg`,
 * `COM1.png`, …) gets a `_` in front.
 *
 * Throws INVALID_OPTION (param `o`) when nothing usable is left after sanitising, and when the name is longer than
 * {@link MAX_NAME_LENGTH} (UTF-8 bytes, or UTF-16 units once decomposed): cutting it short could give two sheets
 * the same name. The length is that of this sheet's name, its index digits as written, so a template at the limit
 * can pass for sheet 9 and fail for sheet 10.
 */
export function sheetFileName(template: string, index: number, format: SpriteFormat): string {
  // Judge the template as the user wrote it: nothing before its extension means no name was given.
  if (sanitise(template.replace(EXTENSION, '')) === '') throw noName(template);
  let name = template;
  if (!HAS_INDEX.test(name)) {
    name = EXTENSION.test(name) ? name.replace(EXTENSION, (ext) => `_{index}${ext}`) : `${name}_{index}`;
  }
  if (!EXTENSION.test(name)) name = `${name}.{autoext}`;
  name = name.replace(INDEX, String(index)).replaceAll('{autoext}', format);
  const safe = avoidDevice(sanitise(name));
  if (!EXTENSION.test(safe) || safe.replace(EXTENSION, '') === '') throw noName(template);
  const { length } = measure(safe, MAX_NAME_LENGTH);
  if (length > MAX_NAME_LENGTH) throw tooLong(template, index, length);
  return safe;
}

function noName(template: string): SpriteError {
  return new SpriteError(
    'INVALID_OPTION',
    `The sheet name template ${JSON.stringify(template)} leaves no usable file name; give it a name, e.g. "sprite-{index}.{autoext}".`,
    {
      param: 'o',
      details: { template },
    },
  );
}

function tooLong(template: string, index: number, length: number): SpriteError {
  return new SpriteError(
    'INVALID_OPTION',
    `The sheet name template ${JSON.stringify(template)} gives sheet ${index} a file name ${length} long (in UTF-8 bytes, or in UTF-16 units once decomposed as HFS+ stores it); file systems allow at most ${MAX_NAME_LENGTH}. Shorten the template (names are not cut short, as cut names could collide).`,
    { param: 'o', details: { template, index, length, max: MAX_NAME_LENGTH } },
  );
}

/**
 * The template of another cell size of a job (a sharp set): `@<width>x<height>` before the extension, or at the end
 * of a template without one. `sprite-{index}.{autoext}` → `sprite-{index}@320x180.{autoext}`.
 */
export function sizedTemplate(template: string, cell: { width: number; height: number }): string {
  const size = `@${cell.width}x${cell.height}`;
  return EXTENSION.test(template) ? template.replace(EXTENSION, (ext) => `${size}${ext}`) : `${template}${size}`;
}

/**
 * Validates a template before the job starts (throws INVALID_OPTION, param `o`): not a string, nothing usable left
 * once bad characters are replaced or removed as {@link sheetFileName} does, or a first sheet name over
 * {@link MAX_NAME_LENGTH}. Later sheets have longer indices; {@link sheetFileName} checks each one.
 */
export function checkNameTemplate(template: string): void {
  if (typeof template !== 'string') {
    throw new SpriteError('INVALID_OPTION', `The sheet name template must be a string; got ${typeof template}.`, {
      param: 'o',
    });
  }
  sheetFileName(template, 0, 'jpg');
}

/**
 * Base name for the job's other files (VTT, manifest, storyboard): the template without its index placeholder (and
 * the separator before it) and without its extension. `outobjprefix-{index}.{autoext}` → `outobjprefix`.
 *
 * Never throws: bad characters are replaced or removed as in {@link sheetFileName}, trailing separators dropped, a
 * device name gets a `_` in front, and an empty result becomes `sprite`. A long base is cut (at a whole code point)
 * so that `<base>.storyboard.json` still fits in {@link MAX_NAME_LENGTH}: there is one base per job, so nothing can
 * collide.
 */
export function jobBaseName(template: string): string {
  const trimSeparators = (s: string) => s.replace(/[-_.\s]+$/, '');
  let base = trimSeparators(sanitise(template.replace(EXTENSION, '').replace(/[-_.\s]*(\{index\}|%d)/g, '')));
  // One unit is kept for the `_` of a device name.
  base = trimSeparators(measure(base, MAX_NAME_LENGTH - LONGEST_BASE_SUFFIX.length - 1).fits);
  return avoidDevice(base || 'sprite');
}
