// Parcel 2 as its getting-started guide sets up an app (an HTML entry, no config file): `parcel serve` and
// `parcel build`, both under a sub-path through --public-url.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, npmInstall, serve, staticBuild, SUB_PATH, writeScriptApp, type ConsumerTool } from './tool.js';

const VERSIONS = { parcel: '2.16.4' };

const tool: ConsumerTool = {
  id: 'parcel',
  name: `Parcel ${VERSIONS.parcel}`,
  create(dir, tarball) {
    writeScriptApp(dir, {
      title: 'Parcel',
      html: 'src/index.html',
      main: 'src/index.js',
      script: '<script type="module" src="./index.js"></script>',
      scriptIn: 'head',
    });
    npmInstall(dir, tarball, {
      source: 'src/index.html',
      scripts: { start: 'parcel', build: 'parcel build' },
      devDependencies: VERSIONS,
    });
  },
  modes: [
    {
      name: 'dev',
      async start(dir) {
        const port = await freePort();
        // Its first build takes minutes on a small machine: Parcel spends most of it packaging the 32 MB ffmpeg core.
        // A failed build leaves the server running (answering no page), so its report ends the wait.
        return serve(
          'npm',
          ['run', 'start', '--', '--port', String(port), '--public-url', SUB_PATH],
          dir,
          `http://localhost:${port}${SUB_PATH}`,
          {
            timeoutMs: 300_000,
            failOn: /Build failed/,
          },
        );
      },
    },
    // parcel build never empties dist/, where `parcel serve` writes its dev build too: start from an empty folder, so
    // that the output holds only what this build made.
    staticBuild('dist', ['--public-url', SUB_PATH], (dir) =>
      rmSync(join(dir, 'dist'), { recursive: true, force: true }),
    ),
  ],
};

export default tool;
