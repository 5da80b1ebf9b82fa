// The ffmpeg core's WebAssembly, fetched and compiled once per engine and shared by all its decoders: each decoder
// worker instantiates the same compiled module instead of downloading and compiling 32 MB on its own.

import { SpriteError } from '../../core/errors.js';
import { describeResponse, fetchFailureReason, setupHint } from '../../shared/load-failure.js';

/** Fetches and compiles the core at `wasmURL`; ENGINE_FAILED names the URL, what came back, and where to look. */
export async function compileCore(wasmURL: string): Promise<WebAssembly.Module> {
  const fail = (why: string, cause?: unknown) =>
    new SpriteError(
      'ENGINE_FAILED',
      `The ffmpeg core could not be loaded from ${wasmURL}: ${why}. ${setupHint(wasmURL)}`,
      { cause, details: { url: wasmURL } },
    );
  let response: Response;
  try {
    response = await fetch(wasmURL);
  } catch (e) {
    throw fail(fetchFailureReason(e), e);
  }
  const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
  // Said from this answer: no second request for the 32 MB file.
  if (!response.ok || /html/i.test(type)) throw fail(await describeResponse(response, 'wasm'));
  try {
    // Streaming compilation needs the wasm MIME type; a host that sends another still gets a working engine.
    return type === 'application/wasm'
      ? await WebAssembly.compileStreaming(response)
      : await WebAssembly.compile(await response.arrayBuffer());
  } catch (e) {
    const raw = e instanceof Error ? e.message : String(e);
    if (/Content.Security|CSP|unsafe-eval|disallowed|not allowed|refused/i.test(raw)) {
      throw fail(
        `WebAssembly is blocked by a Content-Security-Policy (it needs 'wasm-unsafe-eval' in script-src) (${raw})`,
        e,
      );
    }
    throw fail(`what came back (${type || 'no Content-Type'}) is not the ffmpeg core's WebAssembly (${raw})`, e);
  }
}
