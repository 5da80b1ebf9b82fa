// `npm run build`: the library as it ships in the package, in dist/.
//
//   index.js, core/index.js   the public entries (main thread / anywhere); shared code in chunks/
//   server.js                 the package root on a server ("node" condition): no workers, no core
//   engine.worker.js          the engine worker, self-contained, naming no URL
//   ffmpeg.worker.js          the decoder worker, one per ffmpeg core, with @ffmpeg/core's glue bundled in
//   ffmpeg-core/              @ffmpeg/core's wasm (GPL-2.0-or-later), with its licence
//   *.d.ts                    the types (tsc -p tsconfig.lib.json)
//
// Every file is named in index.js, the module an app imports, as a literal relative to it: the engine worker as
// `new Worker(new URL('./engine.worker.js', import.meta.url), …)`, the decoder worker and the wasm as
// `new URL('./…', import.meta.url)`. Those are the patterns app bundlers follow to copy files into an app (Vite,
// webpack 5, Parcel, Rollup's import-meta-assets, Turbopack), and what a page without a bundler resolves at run time,
// under any sub-path. The workers name no URL at all (index.js hands them down), so a bundler that copies a worker as
// an opaque file loses nothing. Vite's own library mode rewrites such URLs into expressions marked /* @vite-ignore */
// that an app's bundler cannot follow, hence rolldown directly here.

import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';
import { ffmpegCoreGlue } from './ffmpeg-core-glue.mjs';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist');
const pkg = (name) => JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8'));

/**
 * Rewrites exact source strings in the modules whose path matches `file`, and fails the build when one is missing:
 * a dependency upgrade that moves them must not silently ship a worker URL that points nowhere.
 */
function rewrite(name, file, pairs) {
  const seen = new Set();
  return {
    name,
    transform(code, id) {
      if (!file.test(id.replaceAll('\\', '/'))) return null;
      let out = code;
      for (const [from, to] of pairs) {
        if (out.includes(from)) {
          out = out.replaceAll(from, to);
          seen.add(from);
        }
      }
      return out === code ? null : { code: out, map: null };
    },
    buildEnd() {
      const missing = pairs.filter(([from]) => !seen.has(from)).map(([from]) => from);
      if (missing.length) throw new Error(`${name}: not found in the source: ${missing.join(', ')}`);
    },
  };
}

const common = { platform: 'browser', logLevel: 'warn', transform: { target: 'es2022' } };
const output = { dir: dist, format: 'esm', sourcemap: true };

rmSync(dist, { recursive: true, force: true });

/**
 * The source's Vite-style asset imports (src/client/assets.ts) as the URLs they have in dist/, relative to index.js:
 * `new URL('./…', import.meta.url).href`, the literal form every app bundler follows.
 */
function packageUrls() {
  const urls = new Map([
    ['../engine/ffmpeg/ffmpeg.worker.ts?worker&url', './ffmpeg.worker.js'],
    ['@ffmpeg/core/wasm?url', './ffmpeg-core/ffmpeg-core.wasm'],
  ]);
  const seen = new Set();
  return {
    name: 'package-urls',
    resolveId(source) {
      return urls.has(source) ? `\0package-url:${source}` : null;
    },
    load(id) {
      if (!id.startsWith('\0package-url:')) return null;
      const source = id.slice('\0package-url:'.length);
      seen.add(source);
      const file = JSON.stringify(urls.get(source));
      // Without import.meta (esbuild's iife), the bare name: assets.ts resolves it beside the classic script.
      return `export default import.meta.url ? new URL(${file}, import.meta.url).href : ${file};`;
    },
    buildEnd() {
      const missing = [...urls.keys()].filter((u) => !seen.has(u));
      if (missing.length) throw new Error(`package-urls: never imported: ${missing.join(', ')}`);
    },
  };
}

// The public entries. The client starts the engine worker from its source path; in the package it sits beside index.js.
await build({
  ...common,
  input: {
    index: join(root, 'src/index.ts'),
    server: join(root, 'src/server.ts'),
    'core/index': join(root, 'src/core/index.ts'),
  },
  plugins: [
    packageUrls(),
    rewrite('engine-worker-url', /\/src\/client\/assets\.ts$/, [
      ["new URL('../engine/engine.worker.ts', import.meta.url)", "new URL('./engine.worker.js', import.meta.url)"],
    ]),
  ],
  output: { ...output, entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
});

// The engine worker, one file.
await build({
  ...common,
  input: { 'engine.worker': join(root, 'src/engine/engine.worker.ts') },
  output: { ...output, entryFileNames: '[name].js', codeSplitting: false },
});

// The decoder worker, one file, with the core's glue prepared for bundling (tools/ffmpeg-core-glue.mjs).
await build({
  ...common,
  input: { 'ffmpeg.worker': join(root, 'src/engine/ffmpeg/ffmpeg.worker.ts') },
  plugins: [ffmpegCoreGlue()],
  output: { ...output, entryFileNames: '[name].js', codeSplitting: false },
});

// The core's wasm, unchanged (its glue is in ffmpeg.worker.js).
const coreDir = dirname(fileURLToPath(import.meta.resolve('@ffmpeg/core/wasm')));
const core = pkg('@ffmpeg/core');
mkdirSync(join(dist, 'ffmpeg-core'), { recursive: true });
cpSync(join(coreDir, 'ffmpeg-core.wasm'), join(dist, 'ffmpeg-core', 'ffmpeg-core.wasm'));
writeFileSync(
  join(dist, 'ffmpeg-core', 'LICENSE.md'),
  `# ffmpeg-core ${core.version}\n\n` +
    `\`ffmpeg-core.wasm\` is @ffmpeg/core ${core.version} (FFmpeg compiled to WebAssembly by ffmpeg.wasm,\n` +
    `https://github.com/ffmpegwasm/ffmpeg.wasm, tag v${core.version}), copied unchanged from its npm package's dist/esm.\n` +
    `Its JavaScript glue (dist/esm/ffmpeg-core.js) is bundled into ../ffmpeg.worker.js, with three edits made by\n` +
    `video-sprite's tools/ffmpeg-core-glue.mjs (stackSave/stackRestore exposed on the module; no import.meta).\n` +
    `Licence: ${core.license}. The build links GPL components (x264, among others), so the whole core is under the GPL.\n\n` +
    `The corresponding source is FFmpeg and the libraries listed in ffmpeg.wasm's build scripts at that tag\n` +
    `(https://github.com/ffmpegwasm/ffmpeg.wasm/tree/v${core.version}/build). The GPL version 2 text follows.\n\n` +
    '```\n' +
    readFileSync(join(root, 'tools/licenses/GPL-2.0.txt'), 'utf8') +
    '```\n',
);

// Licences of the code bundled into the workers and entries.
const comlink = pkg('comlink');
const mediabunny = pkg('mediabunny');
writeFileSync(
  join(dist, 'THIRD-PARTY-NOTICES.md'),
  '# Third-party code in this package\n\n' +
    `- \`ffmpeg-core/ffmpeg-core.wasm\` and, bundled into \`ffmpeg.worker.js\`, its JavaScript glue: @ffmpeg/core ${core.version}, ` +
    `${core.license}; see ffmpeg-core/LICENSE.md. \`ffmpeg.worker.js\` as a whole is therefore under the GPL too.\n` +
    `- \`engine.worker.js\`: mediabunny ${mediabunny.version} (https://github.com/Vanilagy/mediabunny), ${mediabunny.license}, ` +
    'unmodified; its source is in the npm package `mediabunny` and at that repository. Its licence text follows the ' +
    'comlink one below.\n' +
    `- \`index.js\`, \`engine.worker.js\`, \`ffmpeg.worker.js\`: comlink ${comlink.version} (https://github.com/GoogleChromeLabs/comlink), ${comlink.license}, ` +
    'Copyright 2017 Google Inc. Its licence text follows.\n\n' +
    '```\n' +
    readFileSync(join(root, 'node_modules/comlink/LICENSE'), 'utf8') +
    '```\n\n' +
    `## mediabunny (${mediabunny.license})\n\n` +
    '```\n' +
    readFileSync(join(root, 'node_modules/mediabunny/LICENSE'), 'utf8') +
    '```\n',
);

// The types of both entries.
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.lib.json')], {
  stdio: 'inherit',
});

// What an app's bundler must find, checked on the output itself.
const expectIn = (file, needle) => {
  if (!readFileSync(join(dist, file), 'utf8').includes(needle)) throw new Error(`dist/${file} lacks ${needle}`);
};
expectIn('index.js', 'new Worker(new URL("./engine.worker.js", import.meta.url)');
expectIn('index.js', 'new URL("./ffmpeg.worker.js", import.meta.url)');
expectIn('index.js', 'new URL("./ffmpeg-core/ffmpeg-core.wasm", import.meta.url)');
// Nothing a bundler would try to resolve, or refuse, anywhere else.
const forbidden = [/import\.meta/, /\bimportScripts\s*\(/, /\bimport\s*\(/];
for (const file of ['engine.worker.js', 'ffmpeg.worker.js', 'server.js']) {
  const text = readFileSync(join(dist, file), 'utf8');
  const found = forbidden.filter((re) => re.test(text));
  if (found.length)
    throw new Error(`dist/${file} contains ${found.join(', ')}: an app's bundler would try to follow it`);
}
console.log('built dist/');
