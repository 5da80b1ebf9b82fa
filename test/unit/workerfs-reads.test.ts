import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readWorkerfsInBlocks, type StreamRead, type WorkerfsCore } from '../../src/engine/ffmpeg/workerfs-reads.js';

/**
 * A Blob stand-in whose slices remember their range, and a sync reader over the bytes that counts its reads and
 * answers as FileReaderSync's readAsBinaryString does (one char per byte).
 */
function fakeFile(bytes: Uint8Array) {
  const blob = { size: bytes.length, slice: (start: number, end: number) => ({ start, end }) } as unknown as Blob;
  const reads: { start: number; end: number }[] = [];
  const readSync = (slice: Blob) => {
    const { start, end } = slice as unknown as { start: number; end: number };
    reads.push({ start, end });
    return Array.from(bytes.subarray(start, Math.min(end, bytes.length)), (b) => String.fromCharCode(b)).join('');
  };
  return { node: { contents: blob, size: bytes.length }, readSync, reads };
}

function patched(readSync: (blob: Blob) => string, blockBytes: number, seekBytes = blockBytes): StreamRead {
  const original: StreamRead = () => {
    throw new Error('the original read must not be called');
  };
  const core: WorkerfsCore = { FS: { filesystems: { WORKERFS: { stream_ops: { read: original } } } } };
  readWorkerfsInBlocks(core, readSync, blockBytes, seekBytes);
  return core.FS.filesystems.WORKERFS.stream_ops.read;
}

describe('readWorkerfsInBlocks', () => {
  it('gives exactly the bytes asked for, whatever the order and size of the reads', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 5000 }),
        fc.integer({ min: 1, max: 700 }),
        fc.array(fc.record({ position: fc.nat(5200), length: fc.nat(1600), offset: fc.nat(40) }), { maxLength: 40 }),
        (bytes, blockBytes, requests) => {
          const file = fakeFile(bytes);
          const read = patched(file.readSync, blockBytes);
          for (const { position, length, offset } of requests) {
            // The wasm heap, as Emscripten hands it over: signed bytes.
            const heap = new Int8Array(offset + length).fill(-18);
            const buffer = new Uint8Array(heap.buffer);
            const n = read({ node: file.node }, heap, offset, length, position);
            const want = bytes.subarray(Math.min(position, bytes.length), Math.min(bytes.length, position + length));
            expect(n).toBe(want.length);
            expect(buffer.subarray(offset, offset + n)).toEqual(want);
            // Nothing written outside the range asked for.
            expect(buffer.subarray(0, offset).every((b) => b === 0xee)).toBe(true);
            expect(buffer.subarray(offset + n).every((b) => b === 0xee)).toBe(true);
          }
        },
      ),
    );
  });

  it("serves ffmpeg's sequential 32 KB reads from 1 MiB blocks: 32 times fewer reads of the Blob", () => {
    const size = 8 * 2 ** 20 + 12345;
    const file = fakeFile(new Uint8Array(size).map((_, i) => i % 251));
    const read = patched(file.readSync, 2 ** 20, 2 ** 16);
    const buffer = new Uint8Array(32768);
    let total = 0;
    for (let position = 0; position < size; position += 32768)
      total += read({ node: file.node }, buffer, 0, 32768, position);
    expect(total).toBe(size);
    // 64 KiB at the start (a first read counts as a seek), then 1 MiB at a time.
    expect(file.reads.map(({ end, start }) => end - start)).toEqual([
      2 ** 16,
      ...Array<number>(7).fill(2 ** 20),
      size - 2 ** 16 - 7 * 2 ** 20,
    ]);
  });

  it('reads a small block after a seek, a large request whole, and what it holds again for nothing', () => {
    const file = fakeFile(new Uint8Array(4 * 2 ** 20).map((_, i) => i % 13));
    const read = patched(file.readSync, 2 ** 20, 2 ** 16);
    const node = { node: file.node };
    expect(read(node, new Uint8Array(3 * 2 ** 20), 0, 3 * 2 ** 20, 100)).toBe(3 * 2 ** 20);
    expect(file.reads).toEqual([{ start: 100, end: 100 + 3 * 2 ** 20 }]);
    const small = new Uint8Array(4096);
    read(node, small, 0, 4096, 2 * 2 ** 20);
    expect(file.reads).toHaveLength(1);
    // A jump to an index chunk elsewhere: 64 KiB, not a whole MiB; reading on within it costs nothing more.
    read(node, small, 0, 4096, 3.5 * 2 ** 20);
    read(node, small, 0, 4096, 3.5 * 2 ** 20 + 4096);
    expect(file.reads.slice(1)).toEqual([{ start: 3.5 * 2 ** 20, end: 3.5 * 2 ** 20 + 2 ** 16 }]);
    // Reading on past it: back to large blocks (here up to the file's end).
    for (let at = 3.5 * 2 ** 20 + 8192; at <= 3.5 * 2 ** 20 + 2 ** 16; at += 4096) read(node, small, 0, 4096, at);
    expect(file.reads.slice(2)).toEqual([{ start: 3.5 * 2 ** 20 + 2 ** 16, end: 4 * 2 ** 20 }]);
  });

  it('gives a short read, not a hang, when the file holds fewer bytes than its node says', () => {
    const file = fakeFile(new Uint8Array(1000).fill(7));
    const read = patched(file.readSync, 256);
    const node = { ...file.node, size: 2000 };
    const buffer = new Uint8Array(500);
    expect(read({ node }, buffer, 0, 500, 900)).toBe(100);
    expect(read({ node }, buffer, 0, 500, 1500)).toBe(0);
  });
});
