// Base64 in both alphabets, padding optional: what the original API's saveas/notify values arrive in.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUES = new Map(Array.from(ALPHABET, (ch, i) => [ch, i]));

/**
 * Decodes base64url or standard base64 (the two alphabets may even mix), with or without `=` padding.
 * Returns null for anything that is not base64.
 */
export function decodeBase64Flexible(text: string): Uint8Array | null {
  const body = text
    .replace(/={1,2}$/, '')
    .replace(/-/g, '+')
    .replace(/_/g, '/');
  if (body.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(body)) return null;
  if (text.length !== body.length && text.length % 4 !== 0) return null; // padding present but wrong
  const bytes = new Uint8Array(Math.floor((body.length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let out = 0;
  for (const ch of body) {
    buffer = (buffer << 6) | VALUES.get(ch)!;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[out++] = (buffer >> bits) & 0xff;
    }
  }
  // Leftover bits must be zero, or the text was not produced by an encoder.
  if ((buffer & ((1 << bits) - 1)) !== 0) return null;
  return bytes;
}

/** Encodes bytes as base64url without padding (what the original API's SDK examples send). */
export function encodeBase64Url(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = i + 2 < bytes.length ? 4 : i + 1 < bytes.length ? 3 : 2;
    for (let c = 0; c < chars; c++) text += ALPHABET.charAt((n >> (18 - 6 * c)) & 63);
  }
  return text.replace(/\+/g, '-').replace(/\//g, '_');
}
