// Vite as `npm create vite` sets up a vanilla app (no config file at all): the dev server and the production build
// with its preview, both under a sub-path (`--base`), as apps hosted in a sub-folder are.

import { join } from 'node:path';
import { freePort, npmInstall, run, serve, SUB_PATH, writeScriptApp, type ConsumerTool } from './tool.js';

const VERSIONS = { vite: '8.4.1' };

const tool: ConsumerTool = {
  id: 'vite',
  name: `Vite ${VERSIONS.vite}`,
  create(dir, tarball) {
    writeScriptApp(dir, {
      title: 'Vite',
      html: 'index.html',
      main: 'src/main.js',
      script: '<script type="module" src="/src/main.js"></script>',
      scriptIn: 'body',
    });
    npmInstall(dir, tarball, {
      type: 'module',
      scripts: { dev: 'vite', build: 'vite build', preview: 'vite preview' },
      devDependencies: VERSIONS,
    });
  },
  modes: [
    {
      name: 'dev',
      async start(dir) {
        const port = await freePort();
        return serve(
          'npx',
          ['vite', '--base', SUB_PATH, '--port', String(port), '--strictPort'],
          dir,
          `http://localhost:${port}${SUB_PATH}`,
        );
      },
    },
    {
      name: 'build + preview',
      async start(dir) {
        run('npx', ['vite', 'build', '--base', SUB_PATH, '--logLevel', 'warn'], dir);
        const port = await freePort();
        return serve(
          'npx',
          ['vite', 'preview', '--base', SUB_PATH, '--port', String(port), '--strictPort'],
          dir,
          `http://localhost:${port}${SUB_PATH}`,
        );
      },
      output: (dir) => ({ client: [join(dir, 'dist')] }),
    },
  ],
};

export default tool;
