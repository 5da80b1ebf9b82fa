// `npm run build`: the library as it ships in the package, in dist/.
//
//   index.js, core/index.js   the public entries (main thread / anywhere); shared code in chunks/
//   engine.worker.js          the engine worker, self-contained
//   ffmpeg.worker.js          @ffmpeg/ffmpeg's worker, nested once per decoder, repairing the core it loads
//   ffmpeg-core/              @ffmpeg/core's ESM build (GPL-2.0-or-later), with its licence
//   *.d.ts                    the types (tsc -p tsconfig.lib.json)
//
// Every file is found relative to the module that needs it, as the literal `new URL('./…', import.meta.url)` (inside
// `new Worker(…)` for workers). That is the pattern Vite, webpack 5 and Parcel follow to copy the files into an app,
// and what a page without a bundler resolves at run time, under any sub-path. Vite's own library mode rewrites these
// into expressions marked /* @vite-ignore */ that an app's bundler cannot follow, hence rolldown directly here.

import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

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

// The public entries. The client starts the engine worker from its source path; in the package it sits beside index.js.
await build({
  ...common,
  input: { index: join(root, 'src/index.ts'), 'core/index': join(root, 'src/core/index.ts') },
  plugins: [
    rewrite('engine-worker-url', /\/src\/client\/engine-bridge\.ts$/, [
      ["new URL('../engine/engine.worker.ts', import.meta.url)", "new URL('./engine.worker.js', import.meta.url)"],
    ]),
  ],
  output: { ...output, entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
});

// The engine worker, one file. @ffmpeg/ffmpeg starts its own worker from './worker.js' beside its class: here that is
// our ffmpeg.worker.js (its worker, with the core repaired), beside engine.worker.js. vite.config.ts does the same for
// the page.
await build({
  ...common,
  input: { 'engine.worker': join(root, 'src/engine/engine.worker.ts') },
  plugins: [
    rewrite('ffmpeg-worker-url', /\/@ffmpeg\/ffmpeg\/dist\/esm\/classes\.js$/, [
      ['new URL("./worker.js", import.meta.url)', 'new URL("./ffmpeg.worker.js", import.meta.url)'],
    ]),
  ],
  output: { ...output, entryFileNames: '[name].js', codeSplitting: false },
});

// @ffmpeg/ffmpeg's worker with the core repaired (it imports the core given to load(); never its CDN default, since
// we always pass one).
await build({
  ...common,
  input: { 'ffmpeg.worker': join(root, 'src/engine/ffmpeg/ffmpeg.worker.ts') },
  output: { ...output, entryFileNames: '[name].js', codeSplitting: false },
});

// The core: the ESM build, the only one a module worker can import.
const coreDir = dirname(fileURLToPath(import.meta.resolve('@ffmpeg/core/wasm')));
const core = pkg('@ffmpeg/core');
mkdirSync(join(dist, 'ffmpeg-core'), { recursive: true });
for (const file of ['ffmpeg-core.js', 'ffmpeg-core.wasm']) cpSync(join(coreDir, file), join(dist, 'ffmpeg-core', file));
writeFileSync(
  join(dist, 'ffmpeg-core', 'LICENSE.md'),
  `# ffmpeg-core ${core.version}\n\n` +
    `\`ffmpeg-core.js\` and \`ffmpeg-core.wasm\` are @ffmpeg/core ${core.version} (FFmpeg compiled to WebAssembly by ffmpeg.wasm,\n` +
    `https://github.com/ffmpegwasm/ffmpeg.wasm, tag v${core.version}), copied unchanged from its npm package's dist/esm.\n` +
    `Licence: ${core.license}. The build links GPL components (x264, among others), so the whole core is under the GPL.\n\n` +
    `The corresponding source is FFmpeg and the libraries listed in ffmpeg.wasm's build scripts at that tag\n` +
    `(https://github.com/ffmpegwasm/ffmpeg.wasm/tree/v${core.version}/build). The GPL version 2 text follows.\n\n` +
    '```\n' + readFileSync(join(root, 'tools/licenses/GPL-2.0.txt'), 'utf8') + '```\n',
);

// Licences of the code bundled into the workers and entries.
const comlink = pkg('comlink');
const ffmpeg = pkg('@ffmpeg/ffmpeg');
const mediabunny = pkg('mediabunny');
writeFileSync(
  join(dist, 'THIRD-PARTY-NOTICES.md'),
  '# Third-party code in this package\n\n' +
    `- \`ffmpeg-core/\`: @ffmpeg/core ${core.version}, ${core.license}; see ffmpeg-core/LICENSE.md.\n` +
    `- \`engine.worker.js\`, \`ffmpeg.worker.js\`: @ffmpeg/ffmpeg ${ffmpeg.version} (https://github.com/ffmpegwasm/ffmpeg.wasm), ` +
    `${ffmpeg.license}, Copyright (c) 2019 Jerome Wu.\n` +
    `- \`engine.worker.js\`: mediabunny ${mediabunny.version} (https://github.com/Vanilagy/mediabunny), ${mediabunny.license}, ` +
    'unmodified; its source is in the npm package `mediabunny` and at that repository. Its licence text follows the ' +
    "comlink one below.\n" +
    `- \`index.js\`, \`engine.worker.js\`: comlink ${comlink.version} (https://github.com/GoogleChromeLabs/comlink), ${comlink.license}, ` +
    'Copyright 2017 Google Inc. Its licence text follows.\n\n' +
    '```\n' + readFileSync(join(root, 'node_modules/comlink/LICENSE'), 'utf8') + '```\n\n' +
    `## mediabunny (${mediabunny.license})\n\n` +
    '```\n' + readFileSync(join(root, 'node_modules/mediabunny/LICENSE'), 'utf8') + '```\n',
);

// The types of both entries.
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.lib.json')], { stdio: 'inherit' });

// What an app's bundler must find, checked on the output itself.
const expectIn = (file, needle) => {
  if (!readFileSync(join(dist, file), 'utf8').includes(needle)) throw new Error(`dist/${file} lacks ${needle}`);
};
expectIn('index.js', 'new Worker(new URL("./engine.worker.js", import.meta.url)');
expectIn('engine.worker.js', 'new Worker(new URL("./ffmpeg.worker.js", import.meta.url)');
expectIn('engine.worker.js', 'new URL("./ffmpeg-core/ffmpeg-core.js", import.meta.url)');
expectIn('engine.worker.js', 'new URL("./ffmpeg-core/ffmpeg-core.wasm", import.meta.url)');
console.log('built dist/');
