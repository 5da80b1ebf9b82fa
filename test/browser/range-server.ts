// A file server for the URL-input specs: HTTP Range support that can be turned off, CORS for the test page's origin,
// and a count of the bytes it really sent (a reader that stops a response early is counted as far as it got).

import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RangeServer {
  /** URL of the file. */
  url: string;
  /** Bytes sent so far, over every response. */
  sent(): number;
  /** The Range header of every request, `null` for none. */
  ranges: (string | null)[];
  close(): Promise<void>;
}

/** How the server misbehaves, when asked to. */
export interface RangeServerOptions {
  /** false: Range headers are ignored and the whole file is always sent. */
  ranges: boolean;
  /** Answers ranges with `Content-Range: bytes a-b/*`, as a server that does not know the file's size. */
  sizeUnknown?: boolean;
  /** Answers HTTP 500 to every range that starts at this byte or later: a read that fails mid-job. */
  failFrom?: number;
  /** Sends nothing past this byte, keeping the connection open: a server that stops answering mid-job. */
  stallFrom?: number;
}

/** Serves `file` at `/video.mp4`; with `ranges: false` it ignores Range headers and always sends the whole file. */
export async function serveFile(file: string, options: RangeServerOptions): Promise<RangeServer> {
  let sent = 0;
  const ranges: (string | null)[] = [];
  const size = statSync(file).size;
  const server = createServer((req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', 'Range');
    res.setHeader('Access-Control-Expose-Headers', 'Content-Range, Content-Length, Accept-Ranges');
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    ranges.push(req.headers.range ?? null);
    const m = options.ranges ? /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '') : null;
    const start = m ? Number(m[1]) : 0;
    const end = m && m[2] ? Math.min(size - 1, Number(m[2])) : size - 1;
    if (m && options.failFrom !== undefined && start >= options.failFrom) {
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end('failing on purpose');
      return;
    }
    res.writeHead(m ? 206 : 200, {
      'Content-Type': 'video/mp4',
      'Content-Length': String(end - start + 1),
      ...(options.ranges ? { 'Accept-Ranges': 'bytes' } : {}),
      ...(m ? { 'Content-Range': `bytes ${start}-${end}/${options.sizeUnknown ? '*' : size}` } : {}),
    });
    if (options.stallFrom !== undefined && end >= options.stallFrom) {
      // The headers, the bytes before the stall, then silence: the response never ends.
      if (start < options.stallFrom) {
        const before = createReadStream(file, { start, end: options.stallFrom - 1 });
        before.on('data', (chunk) => {
          sent += chunk.length;
          res.write(chunk);
        });
      }
      return;
    }
    // Piped, so the file is read only as fast as the client takes it: a reader that stops early stops the count.
    const stream = createReadStream(file, { start, end });
    stream.on('data', (chunk) => (sent += chunk.length));
    stream.pipe(res);
    res.on('close', () => stream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, 'localhost', resolve));
  return {
    url: `http://localhost:${(server.address() as AddressInfo).port}/video.mp4`,
    sent: () => sent,
    ranges,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
