// No bundler: the installed package folder copied as it is into a static site, imported through an import map, and
// served under a sub-path by a plain static server.

import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '../static-server.js';
import { copyPage, npmInstall, PAGE_BODY, write, type ConsumerTool } from './tool.js';

const tool: ConsumerTool = {
  id: 'static',
  name: 'no bundler (import map)',
  create(dir, tarball) {
    npmInstall(dir, tarball, {});
    const site = join(dir, 'site');
    cpSync(join(dir, 'node_modules', 'video-sprite', 'dist'), join(site, 'vendor', 'video-sprite'), {
      recursive: true,
    });
    copyPage(site);
    write(
      join(site, 'index.html'),
      `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>video-sprite without a bundler</title>\n` +
        `<script type="importmap">{ "imports": { "video-sprite": "./vendor/video-sprite/index.js" } }</script>\n</head>\n<body>\n${PAGE_BODY}` +
        `<script type="module">\nimport { attach } from './sprite-page.js';\nattach(document.querySelector('#video'), document.querySelector('#out'));\n</script>\n</body>\n</html>\n`,
    );
  },
  modes: [
    {
      name: 'static host',
      async start(dir) {
        const server = await serveStatic(join(dir, 'site'), '/sub/');
        return { url: server.url, stop: () => server.close() };
      },
      output: (dir) => ({ client: [join(dir, 'site')] }),
    },
  ],
};

export default tool;
