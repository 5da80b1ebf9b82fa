// Prepares the consumer apps once: the package packed as it would be published, installed into a fresh Vite +
// TypeScript app (built with the project's own Vite, no config file at all) and copied into a plain static site.

import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const WORK = join(ROOT, '.cache', 'consumer');
export const VITE_APP = join(WORK, 'vite-app');
export const STATIC_SITE = join(WORK, 'static');
/** The project's own Vite: the consumer app runs it, so the test needs no network. */
export const VITE_BIN = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
/** Every consumer serves the app under this path, as apps hosted in a sub-folder are. */
export const BASE = '/sub/';
const SAMPLE = join(ROOT, 'test', 'fixtures', 'h264-aac_fmp4_320x180_bbb.mp4');

const run = (cmd: string, args: string[], cwd: string): string =>
  execFileSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' },
  });

/** What `npm pack --json` reports of the tarball. */
export interface PackReport {
  filename: string;
  unpackedSize: number;
  files: { path: string; size: number }[];
}

/** Builds the library and packs the package into `dir` (emptied first), as `npm publish` would. */
export function pack(dir: string): PackReport & { tarball: string } {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  run('npm', ['run', 'build'], ROOT);
  // The build just ran: skip prepack's second one, and keep stdout to the JSON report.
  const [info] = JSON.parse(
    run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], ROOT),
  ) as PackReport[];
  writeFileSync(join(dir, 'report.json'), JSON.stringify(info));
  return { ...info!, tarball: join(dir, info!.filename) };
}

/** A fresh Vite + TypeScript app with the tarball installed, type-checked against the package's own .d.ts. */
export function makeViteApp(tarball: string): void {
  rmSync(VITE_APP, { recursive: true, force: true });
  rmSync(STATIC_SITE, { recursive: true, force: true });
  cpSync(join(import.meta.dirname, 'app'), VITE_APP, { recursive: true });
  writeFileSync(
    join(VITE_APP, 'package.json'),
    JSON.stringify(
      { name: 'consumer-vite-app', private: true, type: 'module', dependencies: { 'video-sprite': `file:${tarball}` } },
      null,
      2,
    ),
  );
  mkdirSync(join(VITE_APP, 'public'), { recursive: true });
  cpSync(SAMPLE, join(VITE_APP, 'public', 'sample.mp4'));
  // The package has no runtime dependencies, so the install needs nothing from the registry.
  run('npm', ['install', '--offline', '--no-package-lock'], VITE_APP);
  symlinkSync(join(ROOT, 'node_modules', 'vite'), join(VITE_APP, 'node_modules', 'vite'), 'junction');
  run(
    process.execPath,
    [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(VITE_APP, 'tsconfig.json')],
    VITE_APP,
  );
}

/** A static site: the installed package folder copied under vendor/, and a page that imports it with an import map. */
export function makeStaticSite(): void {
  mkdirSync(STATIC_SITE, { recursive: true });
  cpSync(join(import.meta.dirname, 'static', 'index.html'), join(STATIC_SITE, 'index.html'));
  cpSync(join(VITE_APP, 'node_modules', 'video-sprite', 'dist'), join(STATIC_SITE, 'vendor', 'video-sprite'), {
    recursive: true,
  });
  cpSync(SAMPLE, join(STATIC_SITE, 'sample.mp4'));
}

/** Builds the Vite app for BASE into vite-app/dist (no config file: Vite's defaults). */
export function buildViteApp(): void {
  run(process.execPath, [VITE_BIN, 'build', '--base', BASE, '--logLevel', 'warn'], VITE_APP);
  if (!existsSync(join(VITE_APP, 'dist', 'index.html'))) throw new Error('the consumer app did not build');
}
