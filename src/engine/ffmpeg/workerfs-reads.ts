// Reads of a mounted (WORKERFS) input: in large blocks, as strings, so that reading a file of any size keeps memory
// flat and goes several times faster than Emscripten's own reads.
//
// Emscripten's WORKERFS answers each read with `blob.slice()` + `FileReaderSync.readAsArrayBuffer()`, measured
// (2026-11-26, Chromium 156, 2 cores):
// - ffmpeg asks for 32 KB at a time, and a 32 KB read costs Chromium about as much as a 1 MiB one: a probe scanning a
//   1.1 GB MPEG-TS read it at 31 MB/s (39 s); in 1 MiB blocks, at 187 MB/s.
// - Every read allocates a new ArrayBuffer outside the JavaScript heap, and a worker busy inside one long wasm call
//   lets them pile up: reading 3 GB in 1 MiB ArrayBuffers grew the tab to 1.46 GB; a 5 GB probe peaked at 1.13 GB.
//   `readAsBinaryString` gives a string on the JavaScript heap instead, which the garbage collector does see: the same
//   3 GB read stayed flat at 0.51 GB, at 127 MB/s.
// So reads are made in 1 MiB blocks as binary strings, the last block is kept for ffmpeg's next small reads and short
// backward seeks, and bytes are copied from it straight into the wasm heap. A read that does not follow on from the
// previous one (a seek) gets a small block: the AVI demuxer, on every open, jumps to each OpenDML index chunk of a few
// KB, and a whole MiB for each (29 in a 5 GiB file) cost 0.2 s per open.

import { copyChars } from './blob-reads.js';

/** The file a WORKERFS node holds: the mounted Blob and its size. */
interface WorkerfsNode {
  /** The mounted Blob (or File). */
  contents: Blob;
  /** Its size, bytes. */
  size: number;
}

/**
 * Emscripten's stream_ops.read: copies up to `length` bytes at `position` into `buffer[offset…]` (the wasm heap, an
 * Int8Array view) and returns how many it copied.
 */
export type StreamRead = (
  stream: { node: WorkerfsNode },
  buffer: Int8Array | Uint8Array,
  offset: number,
  length: number,
  position: number,
) => number;

/** The part of an Emscripten module this touches: the file systems its FS offers. */
export interface WorkerfsCore {
  /** Emscripten's FS object, as the ffmpeg core exposes it. */
  FS: { filesystems: { WORKERFS: { stream_ops: { read: StreamRead } } } };
}

/** Bytes read from the Blob at once while ffmpeg reads on. */
export const WORKERFS_BLOCK_BYTES = 1 << 20;
/** Bytes read from the Blob at once after a seek (ffmpeg asks for 32 KB). */
export const WORKERFS_SEEK_BLOCK_BYTES = 64 << 10;

/**
 * Replaces the core's WORKERFS read with one that reads through `readSync` (in the worker, a FileReaderSync's
 * `readAsBinaryString`: one char per byte) in blocks of `blockBytes` while reads follow on from each other, and
 * `seekBytes` from where a read jumps to, and keeps the last block. Only one block is held per core, whatever the
 * file's size.
 */
export function readWorkerfsInBlocks(
  core: WorkerfsCore,
  readSync: (blob: Blob) => string,
  blockBytes = WORKERFS_BLOCK_BYTES,
  seekBytes = WORKERFS_SEEK_BLOCK_BYTES,
): void {
  let block: { blob: Blob; start: number; chars: string } | null = null;
  let nextAt = 0;
  core.FS.filesystems.WORKERFS.stream_ops.read = (stream, buffer, offset, length, position) => {
    const { contents: blob, size } = stream.node;
    const end = Math.min(size, position + Math.max(0, length));
    const seek = !block || block.blob !== blob || position !== nextAt;
    let at = position;
    while (at < end) {
      if (!block || block.blob !== blob || at < block.start || at >= block.start + block.chars.length) {
        const start = at;
        const stop = Math.max(end, start + (seek ? seekBytes : blockBytes));
        block = { blob, start, chars: readSync(blob.slice(start, Math.min(size, stop))) };
        // A file that shrank under us: give what there is, as a short read.
        if (at >= start + block.chars.length) break;
      }
      const { start, chars } = block;
      at += copyChars(chars, at - start, end - start, buffer, offset + (at - position));
    }
    nextAt = at;
    return Math.max(0, at - position);
  };
}
