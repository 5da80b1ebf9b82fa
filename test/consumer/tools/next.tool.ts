// Next.js 16 as create-next-app makes a TypeScript App Router app, the page a 'use client' component: Turbopack (its
// default) and webpack (--webpack), each as the dev server and as a production build served by `next start`.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { copyPage, freePort, npmInstall, run, serve, write, type ConsumerTool, type ToolMode } from './tool.js';

// The newest Next.js and React; TypeScript and @types at the majors create-next-app asks for (^5, ^20, ^19).
const VERSIONS = { next: '16.5.0', react: '19.3.1', 'react-dom': '19.3.1' };
const DEV_VERSIONS = {
  typescript: '5.9.3',
  '@types/node': '20.19.43',
  '@types/react': '19.3.3',
  '@types/react-dom': '19.3.0',
};

// create-next-app's tsconfig.json (app template, TypeScript), as it writes it.
const TSCONFIG = {
  compilerOptions: {
    target: 'ES2017',
    lib: ['dom', 'dom.iterable', 'esnext'],
    allowJs: true,
    skipLibCheck: true,
    strict: true,
    noEmit: true,
    esModuleInterop: true,
    module: 'esnext',
    moduleResolution: 'bundler',
    resolveJsonModule: true,
    isolatedModules: true,
    jsx: 'react-jsx',
    incremental: true,
    plugins: [{ name: 'next' }],
    paths: { '@/*': ['./*'] },
  },
  include: ['next-env.d.ts', '**/*.ts', '**/*.tsx', '.next/types/**/*.ts', '.next/dev/types/**/*.ts', '**/*.mts'],
  exclude: ['node_modules'],
};

const NEXT_ENV = `/// <reference types="next" />
/// <reference types="next/image-types/global" />
import "./.next/types/routes.d.ts";

// NOTE: This file should not be edited
// see https://nextjs.org/docs/app/api-reference/config/typescript for more information.
`;

// The template's layout.
const LAYOUT = `import type { Metadata } from "next";

export const metadata: Metadata = {
  title: "video-sprite + Next.js",
};

export default function RootLayout({ children }: LayoutProps<"/">) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
`;

// The README's one step for Next.js: the page's code in a 'use client' component, attached once it is in the document.
// The dev server runs effects twice (React's Strict Mode): `attached` keeps it to one listener, hence one job a file.
const SPRITE_FORM = `'use client';

import { useEffect, useRef } from "react";
import { attach } from "./sprite-page.js";

export default function SpriteForm() {
  const input = useRef<HTMLInputElement>(null);
  const out = useRef<HTMLPreElement>(null);
  const attached = useRef(false);
  useEffect(() => {
    if (attached.current) return;
    attached.current = true;
    attach(input.current!, out.current!);
  }, []);
  return (
    <>
      <h1>video-sprite in a fresh app</h1>
      <label>
        Video <input type="file" id="video" accept="video/*,.avi" ref={input} />
      </label>
      <pre id="out" data-state="idle" ref={out}></pre>
    </>
  );
}
`;

const PAGE = `import SpriteForm from "./sprite-form";

export default function Home() {
  return (
    <main>
      <SpriteForm />
    </main>
  );
}
`;

// A server component that calls the package on the server, as a route handler or server action might by mistake: it
// must fail with a SpriteError, not crash the import. Dynamic, so that the call runs per request in `next start` too.
const SERVER_PAGE = `import { generateSprites } from "video-sprite";

export const dynamic = "force-dynamic";

export default async function ServerPage() {
  let outcome = "resolved";
  try {
    await generateSprites(new Blob([]), { f: "jpg" });
  } catch (e) {
    const error = e as { name?: string; code?: string; message?: string };
    outcome = \`\${error.name} \${error.code}: \${error.message}\`;
  }
  return <pre id="server">{outcome}</pre>;
}
`;

/** A mode on a fresh `.next` (a Turbopack and a webpack build both write it; a dev server's cache would skew times). */
function mode(name: string, bundlerArgs: string[], build: boolean): ToolMode {
  return {
    name,
    async start(dir) {
      rmSync(join(dir, '.next'), { recursive: true, force: true });
      if (build) run('npm', ['run', 'build', '--', ...bundlerArgs], dir);
      const port = await freePort();
      const args = build
        ? ['run', 'start', '--', '-p', String(port)]
        : ['run', 'dev', '--', ...bundlerArgs, '-p', String(port)];
      return serve('npm', args, dir, `http://localhost:${port}/`);
    },
    ...(build
      ? {
          output: (dir: string) => ({ client: [join(dir, '.next', 'static')], server: [join(dir, '.next', 'server')] }),
        }
      : {}),
    serverCheckPath: 'server',
  };
}

const tool: ConsumerTool = {
  id: 'next',
  name: `Next.js ${VERSIONS.next} (App Router)`,
  create(dir, tarball) {
    write(join(dir, 'tsconfig.json'), `${JSON.stringify(TSCONFIG, null, 2)}\n`);
    write(join(dir, 'next-env.d.ts'), NEXT_ENV);
    write(join(dir, 'app', 'layout.tsx'), LAYOUT);
    write(join(dir, 'app', 'page.tsx'), PAGE);
    write(join(dir, 'app', 'sprite-form.tsx'), SPRITE_FORM);
    copyPage(join(dir, 'app'));
    write(join(dir, 'app', 'server', 'page.tsx'), SERVER_PAGE);
    npmInstall(dir, tarball, {
      scripts: { dev: 'next dev', build: 'next build', start: 'next start' },
      dependencies: VERSIONS,
      devDependencies: DEV_VERSIONS,
    });
    // create-next-app makes the app a git repository of its own, and Next stops its search for the workspace root at
    // it: without it, the library's repository around the app (its package-lock.json) would become the root.
    run('git', ['init', '-q'], dir);
  },
  modes: [
    mode('dev (Turbopack)', [], false),
    mode('build (Turbopack)', [], true),
    mode('dev --webpack', ['--webpack'], false),
    mode('build --webpack', ['--webpack'], true),
  ],
};

export default tool;
