// Matroska and WebM on ffmpeg.wasm (codecs the browser does not decode: MPEG-2 from DVD rips, HEVC, MPEG-4 Part 2):
// the frames a job with targets needs, read through mediabunny at the file's two ends and at each target
// (container-index.ts), instead of ffprobe's list of every packet, which reads the whole file (about 90 MB/s here).
// The execs then seek by time, through the cues; without cues (matroska-clusters.ts finds the targets), each exec reads
// the file's head and the clusters from its key frame's on (partFile). Block times are the same numbers to both
// demuxers; ffprobe's first packets check that the start is too.

import { BlobSource, EncodedPacketSink, Input, MATROSKA, WEBM } from 'mediabunny';
import {
  buildFrameTable,
  keyFrameTable,
  roundMs,
  targetFramesTable,
  type FrameTable,
  type TimedFrame,
} from '../../core/frame-table.js';
import type { SelectionFacts } from '../../core/selection.js';
import { framesAtTargets, gridIndex, TARGET_LOOKUP_COST, trackClock, type NumberedPacket } from '../container-index.js';

/** How far mediabunny's start may be from ffprobe's, s: ffprobe prints times to the µs. */
const START_SLACK_SEC = 2e-6;

/** A target-driven job's table in Matroska or WebM, and for a file without cues where its execs can start reading. */
export interface MatroskaTargets {
  table: FrameTable;
  /**
   * Without cues: where the cluster of each key frame an exec may start from begins, by the key frame's time in the
   * table (ms), and where the file's first cluster begins. An exec then reads a file made of the head and the
   * clusters from there on (see partFile), as ffmpeg's `-ss` there would read every cluster from the start.
   */
  clusters: { starts: Map<number, number>; clustersAt: number } | null;
}

/**
 * The frame table of a target-driven job on a Matroska or WebM `blob`: the frame on screen at each target and the key
 * frame it decodes from, with the count, length and interval of the list of every packet (`partial: 'targets'`).
 * Null where the grid cannot give that list's answer (see gridIndex), where the job wants every frame, or where
 * mediabunny's start is not ffmpeg's (`ffmpegHead`: the first packets ffprobe lists).
 */
export async function matroskaTargetsTable(
  blob: Blob,
  targetsOf: (facts: SelectionFacts) => readonly number[] | 'every',
  ffmpegHead: readonly TimedFrame[],
): Promise<MatroskaTargets | null> {
  const input = new Input({ source: new BlobSource(blob), formats: [MATROSKA, WEBM] });
  try {
    const track = await input.getPrimaryVideoTrack();
    if (!track) return null;
    const clock = await trackClock(track, await input.getFormat(), blob);
    // Without cues, the search on bytes; the execs' `-ss` then reads such a file from its start, as the CLI's does.
    const sink = () => clock.clusters ?? new EncodedPacketSink(track);
    const grid = await gridIndex(sink(), clock);
    const ffmpegStart = buildFrameTable(ffmpegHead)?.startSec;
    if (!grid || ffmpegStart === undefined || Math.abs(ffmpegStart - grid.startSec) > START_SLACK_SEC) return null;
    const facts = keyFrameTable(grid.keys.pts, grid.frameCount, grid.lastSec);
    const targets = targetsOf(facts);
    if (targets === 'every' || targets.length * TARGET_LOOKUP_COST > grid.frameCount) return null;
    const found = await framesAtTargets(sink(), grid.startSec, targets, grid);
    if (!found) return null;
    // The key frames too: the execs are planned from the key frame before each target.
    const frames = new Map<number, NumberedPacket>();
    for (const f of [...found.frames, ...found.keyOf.values()]) frames.set(f.seq, f);
    const table = targetFramesTable(grid.startSec, [...frames.values()], grid.frameCount, grid.lastSec);
    const search = clock.clusters;
    if (!search) return { table, clusters: null };
    const starts = new Map<number, number>();
    for (const k of found.keyOf.values()) starts.set(roundMs((k.pts - grid.startSec) * 1000), search.clusterOf(k.seq));
    return { table, clusters: { starts, clustersAt: search.clustersAt } };
  } catch {
    // A file mediabunny cannot read is still ffprobe's to list.
    return null;
  } finally {
    input.dispose();
  }
}

/**
 * The file an exec starting at the cluster at `from` reads: the file's head (`head`: its bytes before the first
 * cluster) and the clusters from there on, as one Blob made of pieces of `blob` (nothing is copied). ffmpeg's `-ss`
 * in a file without cues reads every cluster from the first: here that is the one the key frame is in.
 */
export function partFile(blob: Blob, head: Blob, from: number): Blob {
  return new Blob([head, blob.slice(from)]);
}
