// Vite as `npm create vite` sets up a vanilla app (no config file at all): the dev server and the production build
// with its preview, both under a sub-path (`--base`), as apps hosted in a sub-folder are.

import { join } from 'node:path';
import { copyPage, freePort, npmInstall, PAGE_BODY, run, serve, write, type ConsumerTool } from './tool.js';

const VERSIONS = { vite: '8.4.1' };
const BASE = '/sub/';

const tool: ConsumerTool = {
  id: 'vite',
  name: `Vite ${VERSIONS.vite}`,
  create(dir, tarball) {
    write(join(dir, 'index.html'), `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>video-sprite + Vite</title>\n</head>\n<body>\n${PAGE_BODY}<script type="module" src="/src/main.js"></script>\n</body>\n</html>\n`);
    copyPage(join(dir, 'src'));
    write(join(dir, 'src', 'main.js'), `import { attach } from './sprite-page.js';\n\nattach(document.querySelector('#video'), document.querySelector('#out'));\n`);
    npmInstall(dir, tarball, { type: 'module', scripts: { dev: 'vite', build: 'vite build', preview: 'vite preview' }, devDependencies: VERSIONS });
  },
  modes: [
    {
      name: 'dev',
      async start(dir) {
        const port = await freePort();
        return serve('npx', ['vite', '--base', BASE, '--port', String(port), '--strictPort'], dir, `http://localhost:${port}${BASE}`);
      },
    },
    {
      name: 'build + preview',
      async start(dir) {
        run('npx', ['vite', 'build', '--base', BASE, '--logLevel', 'warn'], dir);
        const port = await freePort();
        return serve('npx', ['vite', 'preview', '--base', BASE, '--port', String(port), '--strictPort'], dir, `http://localhost:${port}${BASE}`);
      },
      output: (dir) => ({ client: [join(dir, 'dist')] }),
    },
  ],
};

export default tool;
