// Minimal TextEncoder/TextDecoder for the pure core: it compiles against lib ES2022 only (no DOM, no Node), yet
// needs UTF-8 for the process strings' saveas/notify values, and every browser, worker and Node ≥ 11 has these
// globals. Only tsconfig.core.json includes this file; the DOM/WebWorker libs of the other projects declare the same
// names, and including it there would clash (duplicate identifiers).

declare class TextEncoder {
  encode(input?: string): Uint8Array;
}

declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array): string;
}
