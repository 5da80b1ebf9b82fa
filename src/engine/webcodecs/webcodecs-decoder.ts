// The WebCodecs decoder, as the engine sees it: mediabunny reads the container (only the index and the packets asked
// for, from Blob slices or HTTP ranges) and the browser's VideoDecoder decodes. Opening a file decides whether it is
// WebCodecs' to take, what the container itself rules out for every decoder, and the frame table; the job's frames
// come from WebCodecsSource.

import {
  BlobSource,
  CustomSource,
  EncodedPacketSink,
  Input,
  IsobmffInputFormat,
  MATROSKA,
  MP4,
  MPEG_TS,
  QTFF,
  UnsupportedInputFormatError,
  WEBM,
  type InputFormat,
  type InputVideoTrack,
} from 'mediabunny';
import { SpriteError } from '../../core/errors.js';
import { keyFrameTable, sourceInfo, targetFramesTable, type FrameTable } from '../../core/frame-table.js';
import { hdrTransferOf } from '../../core/tone-map.js';
import type { SelectionFacts } from '../../core/selection.js';
import {
  firstUnreadable,
  framesAtTargets,
  keyFrameIndex,
  listPackets,
  packetFrames,
  TARGET_LOOKUP_COST,
  type KeyFrameIndex,
  type GridIndex,
  gridIndex,
  type PacketIndex,
  type PacketLookup,
  trackClock,
  unlessUnreadable,
} from '../container-index.js';
import type { Declined, FrameDecoder, OpenOptions } from '../frame-source.js';
import { readRange, type EngineInput } from '../input.js';
import { Mp4SampleTable } from '../mp4-sample-table.js';
import { chooseSar } from './aspect.js';
import { findSps, spsFacts, type SpsFacts } from './h264-sps.js';
import { hevcTopTemporalId, nalFraming, type NalFraming } from './nal.js';
import { packetOrder, WebCodecsSource, type OpenedTrack } from './webcodecs-source.js';

/** The containers mediabunny demuxes that carry video WebCodecs can decode; the rest go to ffmpeg.wasm. */
const FORMATS = [MP4, QTFF, MATROSKA, WEBM, MPEG_TS];
/** mediabunny's codec names, as ffmpeg names them (what the manifest and messages say). */
const CODEC_NAMES: Record<string, string> = {
  avc: 'h264',
  hevc: 'hevc',
  vp8: 'vp8',
  vp9: 'vp9',
  av1: 'av1',
  prores: 'prores',
};
/** Bytes of a URL input mediabunny may keep cached: its reads are small (index, packets), not the whole file. */
const URL_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * Containers whose track list mediabunny reads whole, so that "no video track" is the file's truth and not a gap in
 * the demuxer. MPEG-TS is not one: mediabunny leaves out the streams it does not know (MPEG-2 video), which ffmpeg
 * decodes.
 */
const COMPLETE_TRACK_LISTS = new Set<InputFormat>([MP4, QTFF, MATROSKA, WEBM]);

/**
 * Matroska video codec IDs ffmpeg knows, by the families of the Matroska codec registry (it matches IDs by prefix
 * too). An ID outside all of them names a codec no decoder here has.
 */
const MATROSKA_VIDEO_FAMILIES = [
  'V_AV1',
  'V_AVS',
  'V_DIRAC',
  'V_FFV1',
  'V_MJPEG',
  'V_MPEG',
  'V_MS/',
  'V_PRORES',
  'V_QUICKTIME',
  'V_REAL/',
  'V_SNOW',
  'V_THEORA',
  'V_UNCOMPRESSED',
  'V_VP8',
  'V_VP9',
];

function declined(
  reason: string,
  code: 'NOT_A_VIDEO' | 'UNSUPPORTED_CODEC' | 'NO_VIDEO_STREAM' | 'DECODE_FAILED',
): Declined {
  return {
    reason,
    error: new SpriteError(code, `WebCodecs cannot take this file: ${reason}.`, { details: { engine: 'webcodecs' } }),
    final: false,
  };
}

/** A verdict from the container alone, the same for every decoder: the job fails at once with it. */
function ruledOut(reason: string, error: SpriteError): Declined {
  return { reason, error, final: true };
}

/**
 * WebCodecs as a {@link FrameDecoder}. It declines, with the reason, what it cannot serve exactly: a container
 * mediabunny does not read, a codec the browser cannot decode, a file cut short when ffmpeg.wasm follows (it recovers
 * more of those).
 */
export const webcodecsDecoder: FrameDecoder = {
  name: 'webcodecs',
  label: 'WebCodecs',
  async open(job, options) {
    options.watch.stage('probe');
    const input = await job.ranges();
    const source =
      input instanceof Blob
        ? new BlobSource(input)
        : // Bounded ranges, fetched as mediabunny asks: the index, then the packets of the frames a job needs.
          new CustomSource({
            getSize: () => input.size,
            read: (start, end) => readRange(input, start, end, options.watch),
            maxCacheSize: URL_CACHE_BYTES,
            prefetchProfile: 'network',
          });
    const demuxed = new Input({ source, formats: FORMATS });
    try {
      const result = await inspect(demuxed, input, options);
      if ('error' in result) {
        demuxed.dispose();
        return result;
      }
      return new WebCodecsSource(result, options);
    } catch (e) {
      demuxed.dispose();
      if (e instanceof UnsupportedInputFormatError)
        return declined(
          'its container is not one WebCodecs is fed from here (MP4, MOV, WebM, Matroska, MPEG-TS)',
          'NOT_A_VIDEO',
        );
      if (e instanceof SpriteError) throw e;
      return declined(`the container could not be read (${e instanceof Error ? e.message : String(e)})`, 'NOT_A_VIDEO');
    }
  },
  // Nothing is kept between jobs: each job's decoder is closed with it.
  terminate() {},
};

/** `input` is the file mediabunny reads through `demuxed`, for what mediabunny does not expose (trackClock). */
async function inspect(demuxed: Input, input: EngineInput, options: OpenOptions): Promise<OpenedTrack | Declined> {
  const format = await demuxed.getFormat();
  const isobmff = format instanceof IsobmffInputFormat;
  const track = await demuxed.getPrimaryVideoTrack();
  if (!track) {
    if (!COMPLETE_TRACK_LISTS.has(format))
      return declined('the file has no video track it can read', 'NO_VIDEO_STREAM');
    const kinds = [...new Set((await demuxed.getTracks()).map((t) => t.type))];
    return ruledOut(
      'the container lists no video track',
      new SpriteError(
        'NO_VIDEO_STREAM',
        `The file has no video stream${kinds.length ? ` (only ${kinds.join(', ')})` : ''}: there is nothing to take frames from.`,
        {
          details: { streams: kinds, from: 'container' },
        },
      ),
    );
  }
  const codec = await track.getCodec();
  const given = await track.getDecoderConfig();
  if (!codec || !given) {
    const id = format === MATROSKA || format === WEBM ? await track.getInternalCodecId() : null;
    if (typeof id === 'string' && !MATROSKA_VIDEO_FAMILIES.some((family) => id.startsWith(family))) {
      return ruledOut(
        `its video codec ID ${id} is none the Matroska registry defines`,
        new SpriteError('UNSUPPORTED_CODEC', `The video's codec (${id}) is not one any decoder here knows.`, {
          details: { codec: id, from: 'container' },
        }),
      );
    }
    return declined('its video codec is not one WebCodecs decodes', 'UNSUPPORTED_CODEC');
  }
  // An MP4 or MOV index says where every frame's bytes are (and reading it reads no frame data): when not even the
  // first frame's are in the file, no decoder can show anything. Checked before the browser's decoder is asked, so
  // that it is said at once in a browser that cannot decode the codec too. (Other containers are walked packet by
  // packet, later; ffmpeg may resync past damage that stops that walk.)
  // An MP4 or MOV's sample table is read here, in typed arrays, where mediabunny would build objects for every sample
  // (see mp4-sample-table.ts); mediabunny's sink serves the files that reader leaves to it.
  const samples = isobmff ? await Mp4SampleTable.read(input, track.id, options.watch) : null;
  if (isobmff) {
    const sink = samples ?? new EncodedPacketSink(track);
    const first = await sink.getFirstPacket({ metadataOnly: true });
    const head: PacketIndex | null = first && {
      pts: Float64Array.of(first.timestamp),
      key: Uint8Array.of(first.type === 'key' ? 1 : 0),
      duration: Float64Array.of(first.duration),
    };
    if (head && (await firstUnreadable(sink, head)) === 0) {
      // How many frames the index promises, for the message's details: listed in full, as the job ends here anyway.
      const planned = samples?.samples ?? (await listPackets(new EncodedPacketSink(track))).pts.length;
      return ruledOut(
        'the data of its first frame is not in the file',
        new SpriteError(
          'DECODE_FAILED',
          'No video frame could be read from the file: its index lists frames whose data is not there (the file was cut short before its first frame).',
          { details: { planned, from: 'container' } },
        ),
      );
    }
  }
  // Only now: what the container rules out is said at once even where WebCodecs is missing.
  if (typeof VideoDecoder === 'undefined')
    return declined(
      'this browser has no WebCodecs VideoDecoder here (it needs a secure context: https or localhost)',
      'UNSUPPORTED_CODEC',
    );
  const config = decoderConfig(given);
  const support = await VideoDecoder.isConfigSupported(config).catch(() => ({ supported: false }));
  if (!support.supported) return declined(`this browser has no decoder for ${config.codec}`, 'UNSUPPORTED_CODEC');

  // An MP4 or MOV needs no table of every frame: a key-mode job takes the sync samples, a job with targets the
  // frames on screen at them. MPEG-TS, Matroska and WebM have no such table: a job with targets reads their two ends
  // and looks its targets up, where the frames lie on one regular grid. Where neither can be had (fragments, a cut
  // file, irregular times, frames wanted everywhere), every packet is listed.
  const clock =
    !isobmff && !options.keyOnly && options.targets ? await trackClock(track, format, input, options.watch) : null;
  // Matroska without cues: looked up by a search on bytes, which may find on the way that it cannot serve.
  const lookup = (): PacketLookup => samples ?? clock?.clusters ?? new EncodedPacketSink(track);
  const index = isobmff
    ? options.keyOnly || options.targets
      ? await keyFrameIndex(samples ?? new EncodedPacketSink(track))
      : null
    : clock
      ? await unlessUnreadable(gridIndex(lookup(), clock))
      : null;
  const probed =
    (index && options.keyOnly ? keyFramesProbed(lookup, index) : null) ??
    (index && options.targets ? await unlessUnreadable(targetFramesProbed(lookup, index, options.targets)) : null) ??
    (await allFramesProbed(track, isobmff, samples));
  if ('error' in probed) return probed;
  const declaredEnd = samples ? samples.declaredEndSec : await track.getDurationFromMetadata().catch(() => null);
  const claimedMs = claimedDuration(declaredEnd, probed.endSec, probed.table);
  const cut = claimedMs !== null && claimedMs > probed.table.durationMs + Math.max(probed.table.frameIntervalMs, 1);
  // A cut Matroska file loses its whole last cluster here, where ffmpeg.wasm still shows its frames.
  if (cut && options.othersFollow)
    return declined(
      'the file ends before its header says it should; ffmpeg.wasm recovers more of such files',
      'DECODE_FAILED',
    );

  const codedWidth = await track.getCodedWidth();
  const codedHeight = await track.getCodedHeight();
  const description = given.description ? toBytes(given.description) : undefined;
  const framing = codec === 'avc' || codec === 'hevc' ? nalFraming(codec, description) : null;
  const sps = codec === 'avc' && framing ? await avcSps(track, description, framing) : null;
  const facts = sourceInfo(
    {
      codedWidth,
      codedHeight,
      sar: chooseSar(codedWidth, codedHeight, await track.getPixelAspectRatio(), sps?.sar ?? null),
      rotation: await track.getRotation(),
      codec: CODEC_NAMES[codec] ?? codec,
      hdr: hdrTransferOf(config.colorSpace?.transfer),
      interlaced: sps?.interlaced,
    },
    probed.table,
  );
  return {
    input: demuxed,
    track,
    config,
    framing:
      (codec === 'avc' || codec === 'hevc') && framing
        ? { codec, framing, topTemporalId: codec === 'hevc' ? hevcTopTemporalId(description) : 0 }
        : null,
    lookup: probed.lookup,
    table: probed.table,
    order: probed.order,
    packetOf: probed.packetOf,
    readable: probed.readable,
    facts,
    truncatedFromMs: cut ? claimedMs : null,
    frameTable: probed.frameTable,
    reason: options.chosenBecause ?? `the browser decodes ${facts.codec} natively (WebCodecs)`,
  };
}

/** The decoder configuration for our drawing: no display aspect (we stretch by the SAR ourselves), colour complete. */
function decoderConfig(given: VideoDecoderConfig): VideoDecoderConfig {
  const { displayAspectWidth: _w, displayAspectHeight: _h, ...config } = given;
  const colour = config.colorSpace ?? {};
  return {
    ...config,
    // An untagged stream is BT.601 limited range to ffmpeg's scaler; Chromium would otherwise assume BT.709.
    colorSpace: {
      matrix: colour.matrix ?? 'smpte170m',
      primaries: colour.primaries ?? 'smpte170m',
      transfer: colour.transfer ?? 'smpte170m',
      fullRange: colour.fullRange ?? false,
    },
  };
}

function toBytes(source: AllowSharedBufferSource): Uint8Array {
  return source instanceof Uint8Array
    ? source
    : ArrayBuffer.isView(source)
      ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength)
      : new Uint8Array(source);
}

/** What the H.264 stream's SPS declares: from avcC, or from the first key packet (MPEG-TS carries it in-band). */
async function avcSps(
  track: InputVideoTrack,
  avcC: Uint8Array | undefined,
  framing: NalFraming,
): Promise<SpsFacts | null> {
  const sps = avcC
    ? findSps({ avcC })
    : await new EncodedPacketSink(track).getFirstKeyPacket().then(
        (p) => (p ? findSps({ unit: p.data, framing }) : null),
        () => null,
      );
  return sps ? spsFacts(sps) : null;
}

/** The frame table and the packets a job's frames are found among, as read at open. */
interface Probed extends Pick<OpenedTrack, 'lookup' | 'table' | 'order' | 'packetOf' | 'readable' | 'frameTable'> {
  /** Where the last frame ends by its own duration, s on the container's timeline. */
  endSec: number;
}

/** A key-mode job's table: the key frames are its packets, each its own run. */
function keyFramesProbed(lookup: () => PacketLookup, index: KeyFrameIndex): Probed {
  const { keys } = index;
  return {
    lookup,
    table: keyFrameTable(keys.pts, index.frameCount, index.lastSec),
    order: packetOrder(keys),
    packetOf: Int32Array.from(keys.pts, (_, i) => i),
    readable: keys.pts.length,
    frameTable: 'sync-samples',
    endSec: index.endSec,
  };
}

/**
 * A target-driven job's table: the frames on screen at its targets, each run from its own key frame. Null when
 * listing every packet serves better: frames wanted everywhere, or so many targets that lookups would cost more than
 * the list (each target takes about two lookups, each about the cost of a listed packet).
 */
async function targetFramesProbed(
  lookup: () => PacketLookup,
  index: KeyFrameIndex | GridIndex,
  targetsOf: (facts: SelectionFacts) => readonly number[] | 'every',
): Promise<Probed | null> {
  const facts = keyFrameTable(index.keys.pts, index.frameCount, index.lastSec);
  const targets = targetsOf(facts);
  if (targets === 'every' || targets.length * TARGET_LOOKUP_COST > index.frameCount) return null;
  // Read at its ends only: a frame looked up off the grid is a jump or a gap there, which the frame count missed.
  const grid = 'intervalSec' in index ? index : null;
  const found = await framesAtTargets(lookup(), facts.startSec, targets, grid);
  if (!found) return null;
  const { frames, keyOf } = found;
  const pts = new Map<number, number>();
  for (const f of frames) pts.set(f.seq, f.pts);
  for (const k of keyOf.values()) pts.set(k.seq, k.pts);
  return {
    lookup,
    // `frames` are in presentation order already, as packetOf lists them.
    table: targetFramesTable(facts.startSec, frames, index.frameCount, index.lastSec),
    order: { pts: (i) => pts.get(i)!, keyBefore: (i) => keyOf.get(i)?.seq ?? i, ...(grid && { sequence: true }) },
    packetOf: Float64Array.from(frames, (f) => f.seq),
    // keyFrameIndex found the last sample's data in the file; gridIndex read the last packet itself.
    readable: Number.POSITIVE_INFINITY,
    frameTable: 'targets',
    endSec: index.endSec,
  };
}

/**
 * Every packet's time and key flag, and the frame table of those whose data is in the file. In MP4 and MOV, frames
 * before an edit list's start have negative times: they are decoded (later frames refer to them) but never shown, so
 * they are not frames of the video. MP4 and MOV list every sample in their index; other containers are walked packet
 * by packet (headers only).
 */
async function allFramesProbed(
  track: InputVideoTrack,
  isobmff: boolean,
  samples: Mp4SampleTable | null,
): Promise<Probed | Declined> {
  const lookup = (): PacketLookup => samples ?? new EncodedPacketSink(track);
  // From an MP4's sample table at once; else mediabunny's walk, one packet at a time.
  const packets = samples?.packetIndex() ?? (await listPackets(new EncodedPacketSink(track)));
  if (packets.pts.length === 0) return declined('the video track has no frames', 'DECODE_FAILED');
  const readable = await firstUnreadable(lookup(), packets);
  const indexed = packetFrames(packets, readable, isobmff);
  if (!indexed) return declined('no frame of the video track can be read', 'DECODE_FAILED');
  let endSec = -Infinity;
  for (let i = 0; i < packets.pts.length; i++) endSec = Math.max(endSec, packets.pts[i]! + packets.duration[i]!);
  return {
    lookup,
    table: indexed.table,
    order: packetOrder(packets),
    packetOf: indexed.source,
    readable,
    frameTable: isobmff ? 'index' : 'packets',
    endSec,
  };
}

/**
 * Where the video track ends by its header (`declaredEnd`, s) or by where its last frame ends (`endSec`), whichever
 * is later, ms from the first frame; null when neither says. (The audio may run longer: only the video counts, SPEC
 * §3.)
 */
function claimedDuration(declaredEnd: number | null, endSec: number, table: FrameTable): number | null {
  const claimed = Math.max(endSec, declaredEnd ?? -Infinity);
  return Number.isFinite(claimed) ? (claimed - table.startSec) * 1000 : null;
}
