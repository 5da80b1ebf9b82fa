// esbuild as its getting-started guide bundles an app (the CLI in an npm script, its default iife format), plus the
// README's one step for it: the package's dist/ copied beside the bundle. Served statically under a sub-path.

import { npmInstall, staticBuild, writeScriptApp, type ConsumerTool } from './tool.js';

const VERSIONS = { esbuild: '0.28.2' };

// The README's step, word for word: "esbuild does not copy the files that `new URL('./…', import.meta.url)` points
// to: copy `node_modules/video-sprite/dist/` into the folder of your bundle, e.g.
// `cp -r node_modules/video-sprite/dist/. www/build/ && esbuild src/main.js --bundle --outdir=www/build`."
// esbuild's own defaults otherwise: its iife format (no `import.meta`), loaded as a classic script, where the package
// finds its files beside the script that loaded it. Copied first, so that a bundle named like one of the package's
// files (index.js) overwrites it rather than the reverse.
const BUILD = 'cp -r node_modules/video-sprite/dist/. www/build/ && esbuild src/main.js --bundle --outdir=www/build';

const tool: ConsumerTool = {
  id: 'esbuild',
  name: `esbuild ${VERSIONS.esbuild}`,
  create(dir, tarball) {
    writeScriptApp(dir, {
      title: 'esbuild',
      html: 'www/index.html',
      main: 'src/main.js',
      script: '<script src="build/main.js"></script>',
      scriptIn: 'body',
    });
    npmInstall(dir, tarball, { scripts: { build: BUILD }, devDependencies: VERSIONS });
  },
  modes: [staticBuild('www')],
};

export default tool;
