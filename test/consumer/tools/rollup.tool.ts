// Rollup 4 as its docs set up an app (node-resolve for npm packages) with @web/rollup-plugin-import-meta-assets for
// `new URL('…', import.meta.url)`: the production build, served statically under a sub-path.

import { join } from 'node:path';
import { npmInstall, staticBuild, write, writeScriptApp, type ConsumerTool } from './tool.js';

const VERSIONS = {
  rollup: '4.69.3',
  '@rollup/plugin-node-resolve': '16.0.3',
  '@web/rollup-plugin-import-meta-assets': '2.3.3',
};

// Rollup has no HTML step of its own: the page lives in public/ and the bundle (ES module, Rollup's default format,
// so that import.meta.url is the bundle's own URL) is written beside it.
const CONFIG = `import { nodeResolve } from '@rollup/plugin-node-resolve';
import { importMetaAssets } from '@web/rollup-plugin-import-meta-assets';

export default {
  input: 'src/main.js',
  output: { dir: 'public/build', format: 'es' },
  plugins: [nodeResolve(), importMetaAssets()],
};
`;

const tool: ConsumerTool = {
  id: 'rollup',
  name: `Rollup ${VERSIONS.rollup} + @web/rollup-plugin-import-meta-assets ${VERSIONS['@web/rollup-plugin-import-meta-assets']}`,
  create(dir, tarball) {
    write(join(dir, 'rollup.config.mjs'), CONFIG);
    writeScriptApp(dir, {
      title: 'Rollup',
      html: 'public/index.html',
      main: 'src/main.js',
      script: '<script type="module" src="build/main.js"></script>',
      scriptIn: 'head',
    });
    npmInstall(dir, tarball, { scripts: { build: 'rollup -c' }, devDependencies: VERSIONS });
  },
  modes: [staticBuild('public')],
};

export default tool;
