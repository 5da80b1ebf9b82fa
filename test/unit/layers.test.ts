// The layers import only what ARCHITECTURE.md allows: app → index → client → (messages) → engine → core.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

/** Every .ts file under src/, with the src-relative paths of the project files it imports (type imports included). */
function imports(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && !entry.isSymbolicLink()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        const text = readFileSync(path, 'utf8');
        const specs = [
          ...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s*'([^']+)'|(?:^|\n)\s*import\s*'([^']+)'/g),
        ].map((m) => m[1] ?? m[2]!);
        out.set(
          relative(SRC, path),
          specs.filter((s) => s.startsWith('.')).map((s) => relative(SRC, resolve(dirname(path), s))),
        );
      }
    }
  };
  walk(SRC);
  return out;
}

/** What each folder may import, besides itself. */
const ALLOWED: [RegExp, RegExp][] = [
  [/^core\//, /^core\//],
  [/^protocol\//, /^(core|protocol)\//],
  [/^shared\//, /^(core|shared)\//],
  [/^engine\//, /^(core|protocol|shared|engine)\//],
  [/^client\//, /^(core|protocol|shared|client)\//],
  [/^(index|api)\.ts$/, /^(api\.js$|(core|protocol|client)\/)/],
  // The server root names no worker: it may import the client's types only (checked below).
  [/^server\.ts$/, /^(api\.js$|core\/|client\/generator\.js$)/],
  [/^app\//, /^(index\.js$|app\/)/],
];

describe('layers', () => {
  const graph = imports();

  it('finds the source files and their imports', () => {
    expect(graph.get('index.ts')).toContain('client/generator.js');
    expect(graph.size).toBeGreaterThan(30);
  });

  it('import only downward: the core nothing else, the engine no client, the client no engine, the page only the API', () => {
    const wrong: string[] = [];
    for (const [file, deps] of graph) {
      const rule = ALLOWED.find(([from]) => from.test(file));
      if (!rule) {
        wrong.push(`${file}: in no layer`);
        continue;
      }
      for (const dep of deps) {
        // A `?worker&url` import is the URL of a worker, not its code: the client starts workers it cannot import.
        if (file.startsWith('client/') && /^engine\/.*\.worker\.ts\?worker&url$/.test(dep)) continue;
        if (!rule[1].test(dep)) wrong.push(`${file} imports ${dep}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('the engine knows its decoders only through the contract: one registration file names their folders', () => {
    const decoderFolder = /^engine\/(ffmpeg|webcodecs)\//;
    const wrong: string[] = [];
    for (const [file, deps] of graph) {
      if (!file.startsWith('engine/')) continue;
      const own = decoderFolder.exec(file)?.[1];
      for (const dep of deps) {
        const theirs = decoderFolder.exec(dep)?.[1];
        if (!theirs || theirs === own) continue;
        // A decoder's folder may use the shared engine files, never another decoder; the shared files (the job, the
        // compositor, the hand-over, the chooser) may not name a decoder at all: only decoders.ts lists them.
        if (file !== 'engine/decoders.ts') wrong.push(`${file} imports ${dep}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(graph.get('engine/decoders.ts')).toEqual(
      expect.arrayContaining(['engine/ffmpeg/ffmpeg-decoder.js', 'engine/webcodecs/webcodecs-decoder.js']),
    );
  });
});
