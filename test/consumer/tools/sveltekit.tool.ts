// SvelteKit 2 as `npx sv create --template minimal --types ts` (sv 0.17) makes it, adapter-auto included: `vite dev`,
// and `vite build` + `vite preview`; each mode also checks that the package imported and called on the server fails
// cleanly (the /server route).

import { join } from 'node:path';
import { copyPage, freePort, npmInstall, PAGE_BODY, run, serve, write, type ConsumerTool } from './tool.js';

// What sv 0.17.1 writes as ^ranges, pinned to the newest that resolved when this was written (Vite 8 and Kit 2 run
// on Node ^20.19).
const VERSIONS = {
  '@sveltejs/adapter-auto': '7.0.1',
  '@sveltejs/kit': '2.70.4',
  '@sveltejs/vite-plugin-svelte': '7.3.2',
  svelte: '5.59.1',
  'svelte-check': '4.7.8',
  typescript: '6.0.3',
  vite: '8.4.1',
};

// sv's vite.config.ts: Kit's options (the adapter) live in the plugin's call, no svelte.config.js.
const VITE_CONFIG = `import adapter from '@sveltejs/adapter-auto';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
\tplugins: [
\t\tsveltekit({
\t\t\tcompilerOptions: {
\t\t\t\trunes: ({ filename }) =>
\t\t\t\t\tfilename.split(/[/\\\\]/).includes('node_modules') ? undefined : true
\t\t\t},
\t\t\tadapter: adapter()
\t\t})
\t]
});
`;

const TSCONFIG = {
  extends: './.svelte-kit/tsconfig.json',
  compilerOptions: {
    rewriteRelativeImportExtensions: true,
    allowJs: true,
    checkJs: true,
    esModuleInterop: true,
    forceConsistentCasingInFileNames: true,
    resolveJsonModule: true,
    skipLibCheck: true,
    sourceMap: true,
    strict: true,
    moduleResolution: 'bundler',
  },
};

const APP_HTML = `<!doctype html>
<html lang="en">
\t<head>
\t\t<meta charset="utf-8" />
\t\t<meta name="viewport" content="width=device-width, initial-scale=1" />
\t\t<meta name="text-scale" content="scale" />
\t\t%sveltekit.head%
\t</head>
\t<body data-sveltekit-preload-data="hover">
\t\t<div style="display: contents">%sveltekit.body%</div>
\t</body>
</html>
`;

const LAYOUT = `<script lang="ts">
\timport favicon from '$lib/assets/favicon.svg';

\tlet { children } = $props();
</script>

<svelte:head>
\t<link rel="icon" href={favicon} />
</svelte:head>

{@render children()}
`;

// The shared page: its markup as is, attached once mounted (the server render has no file input to listen to).
const PAGE = `<script lang="ts">
\timport { onMount } from 'svelte';
\timport { attach } from '$lib/sprite-page.js';

\tonMount(() => attach(document.querySelector<HTMLInputElement>('#video')!, document.querySelector<HTMLElement>('#out')!));
</script>

${PAGE_BODY}`;

// The server check: the package imported by server code, and a job started there, must give a SpriteError, not a
// crash of the route or of the server.
const SERVER_LOAD = `import { generateSprites } from 'video-sprite';

export const load = async () => {
\ttry {
\t\tawait generateSprites(new Blob([]), { f: 'jpg' });
\t\treturn { outcome: 'resolved' };
\t} catch (e) {
\t\tconst error = e as { name?: string; code?: string; message?: string };
\t\treturn { outcome: \`\${error?.name} \${error?.code}: \${error?.message ?? e}\` };
\t}
};
`;

const SERVER_PAGE = `<script lang="ts">
\tlet { data } = $props();
</script>

<pre id="server">{data.outcome}</pre>
`;

const tool: ConsumerTool = {
  id: 'sveltekit',
  name: `SvelteKit ${VERSIONS['@sveltejs/kit']} + Vite ${VERSIONS.vite} (adapter-auto ${VERSIONS['@sveltejs/adapter-auto']})`,
  create(dir, tarball) {
    write(join(dir, '.npmrc'), 'engine-strict=true\n');
    write(join(dir, 'vite.config.ts'), VITE_CONFIG);
    write(join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, '\t') + '\n');
    write(join(dir, 'src', 'app.html'), APP_HTML);
    write(join(dir, 'src', 'app.d.ts'), 'declare global {\n\tnamespace App {}\n}\n\nexport {};\n');
    write(
      join(dir, 'src', 'lib', 'assets', 'favicon.svg'),
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>\n',
    );
    write(
      join(dir, 'src', 'lib', 'index.ts'),
      '// place files you want to import through the `$lib` alias in this folder.\n',
    );
    write(join(dir, 'src', 'routes', '+layout.svelte'), LAYOUT);
    copyPage(join(dir, 'src', 'lib'));
    write(join(dir, 'src', 'routes', '+page.svelte'), PAGE);
    write(join(dir, 'src', 'routes', 'server', '+page.server.ts'), SERVER_LOAD);
    write(join(dir, 'src', 'routes', 'server', '+page.svelte'), SERVER_PAGE);
    write(join(dir, 'static', 'robots.txt'), '# allow crawling everything by default\nUser-agent: *\nDisallow:\n');
    // sv's scripts; `prepare` runs `svelte-kit sync` during the install, as in a new project.
    npmInstall(dir, tarball, {
      type: 'module',
      scripts: { dev: 'vite dev', build: 'vite build', preview: 'vite preview', prepare: "svelte-kit sync || echo ''" },
      devDependencies: VERSIONS,
    });
  },
  modes: [
    {
      name: 'dev',
      serverCheckPath: 'server',
      async start(dir) {
        const port = await freePort();
        return serve(
          'npm',
          ['run', 'dev', '--', '--port', String(port), '--strictPort'],
          dir,
          `http://localhost:${port}/`,
        );
      },
    },
    {
      // adapter-auto finds no host here and builds only Kit's own output, which `vite preview` serves.
      name: 'build',
      serverCheckPath: 'server',
      async start(dir) {
        run('npm', ['run', 'build'], dir);
        const port = await freePort();
        return serve(
          'npm',
          ['run', 'preview', '--', '--port', String(port), '--strictPort'],
          dir,
          `http://localhost:${port}/`,
        );
      },
      output: (dir) => ({
        client: [join(dir, '.svelte-kit', 'output', 'client')],
        server: [join(dir, '.svelte-kit', 'output', 'server')],
      }),
    },
  ],
};

export default tool;
