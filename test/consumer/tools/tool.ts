// What the bundler matrix knows of each tool: how to make a fresh app with the packed package installed, and how
// to serve it in each mode (dev server, production build). One file per tool beside this one; bundlers.spec.ts runs
// the same checks on every one of them.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { serveStatic } from '../static-server.js';

/** This folder: the shared page (page/) lives here. */
export const TOOLS_DIR = import.meta.dirname;
/** Where the apps are made: one folder per tool, kept between modes of one run. */
export const APPS_DIR = join(TOOLS_DIR, '..', '..', '..', '.cache', 'consumer', 'apps');

/** A served app. */
export interface RunningApp {
  /** The page's URL (with the sub-path, where the tool serves one). */
  url: string;
  /** Stops the server (and any watcher). */
  stop(): Promise<void>;
}

/** One way of running an app: its dev server, or its production build served as the tool's docs say. */
export interface ToolMode {
  /** `dev` or `build` (with a suffix where a tool has two, e.g. `build --webpack`). */
  name: string;
  /** Builds when needed, then serves the app in `dir`. */
  start(dir: string): Promise<RunningApp>;
  /**
   * For production builds: the folders whose files end up on the web host (client output) and, separately, any
   * server output. The test counts `.wasm` files: one in the client output, none on the server.
   */
  output?: (dir: string) => { client: string[]; server?: string[] };
  /**
   * For frameworks that render on the server: a page that imports the package and calls generateSprites on the
   * server, showing the caught error as `<pre id="server">{name} {code}: {message}</pre>`. Resolved against the
   * app's URL (`server`, not `/server`, keeps a sub-path).
   */
  serverCheckPath?: string;
}

/** A build tool or framework as users meet it. */
export interface ConsumerTool {
  /** Short id, also the app's folder name: `webpack`, `next`, … */
  id: string;
  /** Name and versions as the README states them, e.g. `webpack 5.101 + webpack-dev-server 5.2`. */
  name: string;
  /**
   * Makes a fresh app in `dir` (empty) with the tarball installed, as `npm create`/`npx` plus one import would:
   * any step beyond that is a documented step of the README's section for this tool.
   */
  create(dir: string, tarball: string): void;
  /** Its modes, each checked with both videos. */
  modes: ToolMode[];
}

const quietNpm = {
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
  NEXT_TELEMETRY_DISABLED: '1',
  NG_CLI_ANALYTICS: 'false',
};

/** Runs a command to its end; throws with its output when it fails. */
export function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): string {
  try {
    return execFileSync(cmd, args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...quietNpm, ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${cmd} ${args.join(' ')} failed in ${cwd}:\n${err.stdout ?? ''}\n${err.stderr ?? ''}\n${err.message}`,
      { cause: e },
    );
  }
}

/** Writes a file, making its folder. */
export function write(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

/** The shared page script and its types, copied into an app's source folder. */
export function copyPage(toDir: string): void {
  mkdirSync(toDir, { recursive: true });
  for (const f of ['sprite-page.js', 'sprite-page.d.ts']) cpSync(join(TOOLS_DIR, 'page', f), join(toDir, f));
}

/** The page's body markup (the file input and the output). */
export const PAGE_BODY = readFileSync(join(TOOLS_DIR, 'page', 'body.html'), 'utf8');

/** Writes `package.json` (with the tarball as a dependency) and installs. `devDependencies` carry exact versions. */
export function npmInstall(dir: string, tarball: string, pkg: Record<string, unknown>): void {
  const deps = {
    ...((pkg.dependencies as Record<string, string> | undefined) ?? {}),
    'video-sprite': `file:${tarball}`,
  };
  write(
    join(dir, 'package.json'),
    JSON.stringify(
      { name: `consumer-${dir.split('/').pop()}`, version: '0.0.0', private: true, ...pkg, dependencies: deps },
      null,
      2,
    ),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], dir);
}

/** A free TCP port on localhost. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, 'localhost', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Stops a child process and its children (started detached, so that it leads a process group). */
async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    child.kill('SIGTERM');
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }, 5_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts a long-running server command and waits until `url` answers HTTP 200 (polling), or `timeoutMs` passes, or
 * its output matches `failOn` (for dev servers that keep running after a failed build). The output is kept for the
 * error message.
 */
export async function serve(
  cmd: string,
  args: string[],
  cwd: string,
  url: string,
  opts: { env?: Record<string, string>; timeoutMs?: number; failOn?: RegExp } = {},
): Promise<RunningApp> {
  const child = spawn(cmd, args, {
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...quietNpm, BROWSER: 'none', ...opts.env },
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const deadline = Date.now() + (opts.timeoutMs ?? 180_000);
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${cmd} ${args.join(' ')} exited (${child.exitCode}) before serving ${url}:\n${out}`);
    if (opts.failOn?.test(out)) {
      await new Promise((r) => setTimeout(r, 1_000)); // the rest of the error's report
      await kill(child);
      throw new Error(`${cmd} ${args.join(' ')} failed before serving ${url}:\n${out}`);
    }
    try {
      const res = await fetch(url);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await kill(child);
      throw new Error(`${cmd} ${args.join(' ')} did not serve ${url} in time:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { url, stop: () => kill(child) };
}

/** Every file under `dir` whose name ends with `ext` (none when `dir` does not exist). */
export function filesEnding(dir: string, ext: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(ext) && statSync(p).isFile()) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Empties `dir` (made fresh for each run of the matrix). */
export function fresh(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

/** The sub-path production builds are served under, as apps hosted in a sub-folder are. */
export const SUB_PATH = '/sub/';

/**
 * Writes a plain-page app's two files: the page at `html` (the shared markup, and `script` at the end of its head or
 * of its body), and the entry script at `main`, beside a copy of the shared page script, which it attaches.
 */
export function writeScriptApp(
  dir: string,
  app: { title: string; html: string; main: string; script: string; scriptIn: 'head' | 'body' },
): void {
  const head = app.scriptIn === 'head' ? `${app.script}\n` : '';
  const tail = app.scriptIn === 'body' ? `${app.script}\n` : '';
  write(
    join(dir, app.html),
    `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>video-sprite + ${app.title}</title>\n${head}</head>\n<body>\n${PAGE_BODY}${tail}</body>\n</html>\n`,
  );
  copyPage(join(dir, app.main, '..'));
  write(
    join(dir, app.main),
    `import { attach } from './sprite-page.js';\n\nattach(document.querySelector('#video'), document.querySelector('#out'));\n`,
  );
}

/** A production build made by `npm run build` (with `args`), its `out` folder served statically under {@link SUB_PATH}. */
export function staticBuild(out: string, args: string[] = [], before?: (dir: string) => void): ToolMode {
  return {
    name: 'build',
    async start(dir) {
      before?.(dir);
      run('npm', ['run', 'build', ...(args.length ? ['--', ...args] : [])], dir);
      const server = await serveStatic(join(dir, out), SUB_PATH);
      return { url: server.url, stop: () => server.close() };
    },
    output: (dir) => ({ client: [join(dir, out)] }),
  };
}
