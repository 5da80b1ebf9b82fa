// Load failures name the README section of the tool that served the file, guessed from the paths each tool uses.

import { describe, expect, it } from 'vitest';
import { setupHint } from '../../src/shared/load-failure.js';

describe('setupHint', () => {
  it('names the tool whose build or dev server the URL comes from', () => {
    expect(setupHint('http://localhost:3000/_next/static/media/ffmpeg.worker.0a1b.js')).toContain('(Next.js)');
    expect(setupHint('http://localhost:4200/@fs/app/.angular/cache/21.2.30/app/vite/deps/engine.worker.js')).toContain('(Angular)');
    expect(setupHint('http://localhost:5173/node_modules/.vite/deps/engine.worker.js')).toContain('(Vite)');
    expect(setupHint('http://localhost:4173/_app/immutable/assets/ffmpeg-core.1a2b.wasm')).toContain('(SvelteKit)');
  });

  it('points any other URL to the section itself', () => {
    const hint = setupHint('https://example.com/sub/vendor/video-sprite/engine.worker.js');
    expect(hint).toBe('See "Bundlers and frameworks" in video-sprite\'s README for how each tool serves the package\'s files.');
  });
});
