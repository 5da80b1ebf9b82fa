// Reads of a file through a few chunks kept in memory: a File's reads cross to the browser's process, and one costs
// about as much for 40 KB as for 1 MB, so readers that take small pieces near each other (a cluster's blocks, a run of
// samples) take them from 1 MiB chunks instead. Memory stays at the chunks kept, whatever the file's size.

import { readBytes, type EngineInput } from './input.js';
import { UNWATCHED, type Watch } from './watchdog.js';

/** Bytes of a chunk of the file read at once, and chunks kept (8 MiB). */
const CHUNK_BYTES = 1024 * 1024;
const KEPT_CHUNKS = 8;

/** Byte ranges of one file, read through the last few chunks used. */
export class ChunkedReads {
  /** The file's chunks last read, the most recently used last. */
  private readonly chunks = new Map<number, Promise<Uint8Array>>();

  constructor(
    private readonly input: EngineInput,
    /** Where reads stop, bytes: the file's size. */
    private readonly fileEnd: number,
    private readonly watch: Watch = UNWATCHED,
  ) {}

  /**
   * Bytes `[from, to)` of the file, up to its end. A range over more than two chunks, or not `chunked` (a scan that
   * will not come back here), is read directly.
   */
  async read(from: number, to: number, chunked = true): Promise<Uint8Array> {
    const end = Math.min(to, this.fileEnd);
    if (end <= from) return new Uint8Array(0);
    const first = Math.floor(from / CHUNK_BYTES);
    const last = Math.floor((end - 1) / CHUNK_BYTES);
    if (!chunked || last > first + 1) return readBytes(this.input, from, end, this.watch);
    const chunks = await Promise.all(first === last ? [this.chunk(first)] : [this.chunk(first), this.chunk(last)]);
    const base = first * CHUNK_BYTES;
    if (chunks.length === 1) return chunks[0].subarray(from - base, end - base);
    const out = new Uint8Array(end - from);
    out.set(chunks[0].subarray(from - base));
    out.set(chunks[1].subarray(0, end - base - CHUNK_BYTES), CHUNK_BYTES - (from - base));
    return out;
  }

  /** Chunk `n` of the file, from the few kept or read. */
  private chunk(n: number): Promise<Uint8Array> {
    let chunk = this.chunks.get(n);
    if (chunk) this.chunks.delete(n);
    else {
      const start = n * CHUNK_BYTES;
      chunk = readBytes(this.input, start, Math.min(start + CHUNK_BYTES, this.fileEnd), this.watch);
      // A failed read is not kept: the next one tries again.
      chunk.catch(() => this.chunks.get(n) === chunk && this.chunks.delete(n));
    }
    this.chunks.set(n, chunk);
    if (this.chunks.size > KEPT_CHUNKS) this.chunks.delete(this.chunks.keys().next().value!);
    return chunk;
  }
}
