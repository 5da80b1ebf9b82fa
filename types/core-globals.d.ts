// The core compiles against lib ES2022 only (no DOM, no Node), yet needs UTF-8 coding, which every browser, worker
// and Node ≥ 11 provides as globals. Only tsconfig.core.json includes this file; the DOM/WebWorker libs declare the
// same names for the other layers, and including it there would clash.

declare class TextEncoder {
  encode(input?: string): Uint8Array;
}

declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array): string;
}
