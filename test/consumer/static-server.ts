// A plain static file server for the consumer tests: the files of a folder under a URL prefix, with the MIME types a
// web host gives them, no COOP/COEP, and faults on demand (a 404, an HTML page, a wrong MIME type, extra headers).

import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.map': 'application/json',
  '.css': 'text/css',
  '.mp4': 'video/mp4',
  '.vtt': 'text/vtt',
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.md': 'text/markdown',
};

/** What to do instead of serving a file: its path (under the prefix) maps to one of these. */
export type Fault =
  { status: 404 } | { html: true } | { type: string } | { headers: Record<string, string> } | { script: string };

export interface StaticServer {
  /** Origin and prefix, e.g. `http://localhost:43123/sub/`. */
  url: string;
  /** Faults by path relative to the prefix (`vendor/video-sprite/engine.worker.js`); change them between tests. */
  faults: Map<string, Fault>;
  /** Extra headers on every HTML page (e.g. a Content-Security-Policy). */
  pageHeaders: Record<string, string>;
  close(): Promise<void>;
}

/** Serves `dir` at `prefix` (e.g. `/sub/`) on a free port of localhost. */
export async function serveStatic(dir: string, prefix: string): Promise<StaticServer> {
  const faults = new Map<string, Fault>();
  const state: { pageHeaders: Record<string, string> } = { pageHeaders: {} };
  const indexPage = join(dir, 'index.html');
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    if (!path.startsWith(prefix)) {
      res.writeHead(404).end('not under the prefix');
      return;
    }
    const rel = path.slice(prefix.length);
    const fault = faults.get(rel);
    if (fault && 'status' in fault) {
      res.writeHead(fault.status, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    // Another script in our file's place, as a build that replaced or rewrote it would leave.
    if (fault && 'script' in fault) {
      res.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store' }).end(fault.script);
      return;
    }
    // What SPA hosts do for a missing file: answer with the app's index page, 200 text/html.
    const file = fault && 'html' in fault ? indexPage : normalize(join(dir, rel || 'index.html'));
    if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    const type = fault && 'type' in fault ? fault.type : (TYPES[extname(file)] ?? 'application/octet-stream');
    const headers: Record<string, string> = {
      'Content-Type': type,
      'Content-Length': String(statSync(file).size),
      'Cache-Control': 'no-store',
    };
    if (type.startsWith('text/html')) Object.assign(headers, state.pageHeaders);
    if (fault && 'headers' in fault) Object.assign(headers, fault.headers);
    res.writeHead(200, headers);
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, 'localhost', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}${prefix}`,
    faults,
    get pageHeaders() {
      return state.pageHeaders;
    },
    set pageHeaders(value) {
      state.pageHeaders = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
