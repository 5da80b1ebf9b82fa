// The page's globals as they really are: each is missing somewhere this code runs (a worker has no document, a
// server-side render has none of them), though lib.dom.d.ts declares them always present.

/** `document`, `location` and `navigator`, each possibly absent. */
export const host = globalThis as {
  readonly document?: Document;
  readonly location?: Location;
  readonly navigator?: Navigator;
};

/** The address relative URLs are read against: the document's base, else the worker's or page's location. */
export function baseAddress(): string | undefined {
  return host.document?.baseURI ?? host.location?.href;
}
