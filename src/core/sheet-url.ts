// How the VTT track and the storyboard refer to the sheets: by name, under a base URL, or by any URL function.

/** Where the sheets are, for the VTT track and the storyboard (`writeVtt`, `buildStoryboard`). */
export interface SheetUrlOptions {
  /** Prefix for every sheet URL (e.g. `https://cdn.example/sprites/`). Default `''`: names relative to the file. */
  baseUrl?: string | undefined;
  /**
   * The URL of each sheet, given its index and file name; wins over `baseUrl`. Default: the percent-encoded name
   * after `baseUrl`. Its result is used as is (an object URL, an absolute URL).
   */
  sheetUrl?: ((index: number, name: string) => string) | undefined;
}

/** The URL a track or storyboard gives sheet `index`. */
export function sheetUrlOf(index: number, sheetNames: readonly string[], opts: SheetUrlOptions): string {
  const name = sheetNames[index] ?? `sheet-${index}`;
  // The payload is a URL: a space or `#` in a name would break it.
  return opts.sheetUrl ? opts.sheetUrl(index, name) : `${opts.baseUrl ?? ''}${encodeURIComponent(name)}`;
}
