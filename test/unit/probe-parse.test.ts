import { describe, expect, it } from 'vitest';
import { SpriteError } from '../../src/core/errors.js';
import {
  commandError,
  missingDecoder,
  parsePacketCsv,
  parseShowinfo,
  parseStreamInfo,
  ShowinfoReader,
} from '../../src/engine/ffmpeg/probe-parse.js';

function probeJson(stream: Record<string, unknown>, extra: Record<string, unknown>[] = []): string {
  return JSON.stringify({
    streams: [
      ...extra,
      {
        index: extra.length,
        codec_type: 'video',
        codec_name: 'h264',
        width: 1920,
        height: 1080,
        avg_frame_rate: '24/1',
        r_frame_rate: '24/1',
        ...stream,
      },
    ],
    format: { format_name: 'mov,mp4', start_time: '0.000000' },
  });
}

describe('parseStreamInfo', () => {
  it('reads size, SAR and the video stream index behind an audio stream', () => {
    const s = parseStreamInfo(probeJson({ sample_aspect_ratio: '2:1' }, [{ index: 0, codec_type: 'audio' }]));
    expect(s).toMatchObject({
      index: 1,
      codedWidth: 1920,
      codedHeight: 1080,
      sar: [2, 1],
      rotation: 0,
      codec: 'h264',
      hasBFrames: 0,
    });
    expect(parseStreamInfo(probeJson({ has_b_frames: 2 })).hasBFrames).toBe(2);
    expect(parseStreamInfo(probeJson({ id: '0x4' })).containerId).toBe(4);
    expect(parseStreamInfo(probeJson({})).containerId).toBeNull();
  });

  it.each([
    [-90, 90],
    [90, 270],
    [180, 180],
    [-180, 180],
    [0, 0],
  ])(
    'turns a display matrix angle of %i° (counter-clockwise) into a clockwise rotation of %i°',
    (matrix, clockwise) => {
      expect(parseStreamInfo(probeJson({ side_data_list: [{ rotation: matrix }] })).rotation).toBe(clockwise);
    },
  );

  it('ignores the nonsense angle of an all-zero display matrix', () => {
    expect(parseStreamInfo(probeJson({ side_data_list: [{ rotation: -9223372036854775808 }] })).rotation).toBe(0);
  });

  it('reads a legacy rotate tag as clockwise', () => {
    expect(parseStreamInfo(probeJson({ tags: { rotate: '90' } })).rotation).toBe(90);
  });

  it('treats an unknown SAR (0:1) as square pixels', () => {
    expect(parseStreamInfo(probeJson({ sample_aspect_ratio: '0:1' })).sar).toEqual([1, 1]);
  });

  it('reports NO_VIDEO_STREAM for audio only, naming what is there', () => {
    const json = JSON.stringify({
      streams: [{ index: 0, codec_type: 'audio' }],
      format: { format_name: 'matroska,webm' },
    });
    const e = (() => {
      try {
        parseStreamInfo(json);
      } catch (err) {
        return err;
      }
    })() as SpriteError;
    expect(e).toBeInstanceOf(SpriteError);
    expect(e.code).toBe('NO_VIDEO_STREAM');
    expect(e.message).toContain('audio');
  });

  it('does not count cover art as video', () => {
    const json = JSON.stringify({
      streams: [
        { index: 0, codec_type: 'audio' },
        { index: 1, codec_type: 'video', width: 500, height: 500, disposition: { attached_pic: 1 } },
      ],
      format: {},
    });
    expect(() => parseStreamInfo(json)).toThrow(expect.objectContaining({ code: 'NO_VIDEO_STREAM' }));
  });

  it('reports NOT_A_VIDEO when ffprobe recognised nothing', () => {
    expect(() => parseStreamInfo('{\n\n}\n')).toThrow(expect.objectContaining({ code: 'NOT_A_VIDEO' }));
    expect(() => parseStreamInfo('')).toThrow(expect.objectContaining({ code: 'NOT_A_VIDEO' }));
  });
});

describe('parsePacketCsv', () => {
  it('skips the blank side-data lines and trailing commas of MPEG-TS output', () => {
    const rows = parsePacketCsv('57.400000,K_,\n\n57.441667,__,\n\n');
    expect(rows).toEqual([
      { pts: 57.4, key: true },
      { pts: 57.441667, key: false },
    ]);
  });

  it('keeps N/A times as null (raw streams have none)', () => {
    expect(parsePacketCsv('N/A,K_\nN/A,__\n')).toEqual([
      { pts: null, key: true },
      { pts: null, key: false },
    ]);
  });

  it('leaves out packets flagged D: before an edit list starts, they are decoded but never shown', () => {
    expect(parsePacketCsv('-0.500000,KD\n-0.460000,_D\n0.000000,__\n').map((r) => r.pts)).toEqual([0]);
  });
});

describe('parseShowinfo', () => {
  it("reads each frame's exact time (integer pts × time base) and key flag, and ignores the other lines", () => {
    const lines = [
      '[Parsed_showinfo_2 @ 0x1195380] config in time_base: 1/24000, frame_rate: 24/1',
      '[Parsed_showinfo_2 @ 0x1195380] n:   0 pts:  10000 pts_time:0.416667 duration:   1000 duration_time:0.041667 pos:    11311 fmt:rgba sar:1/1 s:64x36 i:P iskey:1 type:I checksum:0 plane_checksum:[0] mean:[0] stdev:[0]',
      '[Parsed_showinfo_2 @ 0x1195380] n:   1 pts:  11000 pts_time:0.458333 duration:   1000 pos: 1 fmt:rgba sar:1/1 s:64x36 i:P iskey:0 type:B checksum:0',
      '[Parsed_showinfo_2 @ 0x1195380] color_range:pc color_space:gbr',
    ];
    expect(parseShowinfo(lines)).toEqual([
      { pts: 10000 / 24000, key: true },
      { pts: 11000 / 24000, key: false },
    ]);
  });

  it('tells frames of a long film apart, where pts_time has only six significant digits', () => {
    // Two frames 33 ms apart, 2 h 46 min in: pts_time prints both as 10000 s.
    const lines = [
      '[Parsed_showinfo_3 @ 0x1] config in time_base: 1/90000, frame_rate: 30/1',
      '[Parsed_showinfo_3 @ 0x1] n:   0 pts:900003000 pts_time:10000   duration:3000 fmt:rgba iskey:0 type:P',
      '[Parsed_showinfo_3 @ 0x1] n:   1 pts:900006000 pts_time:10000.1 duration:3000 fmt:rgba iskey:0 type:P',
    ];
    expect(parseShowinfo(lines).map((f) => f.pts)).toEqual([900003000 / 90000, 900006000 / 90000]);
  });

  it('falls back to pts_time when no config line gives the time base', () => {
    const line =
      '[Parsed_showinfo_2 @ 0x1] n:   0 pts:  10000 pts_time:0.416667 duration: 1000 fmt:rgba iskey:1 type:I';
    expect(parseShowinfo([line])).toEqual([{ pts: 0.416667, key: true }]);
  });
});

describe('ShowinfoReader', () => {
  it('keeps every frame of a long run, line by line, whatever else floods the log between them', () => {
    // 10 000 frames with a damaged-stretch warning after each, five times what the worker keeps of its log.
    const reader = new ShowinfoReader();
    reader.push('[Parsed_showinfo_1 @ 0x1] config in time_base: 1/25, frame_rate: 25/1');
    let said = 0;
    for (let n = 0; n < 10_000; n++) {
      if (
        reader.push(
          `[Parsed_showinfo_1 @ 0x1] n:${n} pts:${n} pts_time:${n / 25} duration:1 fmt:rgba iskey:${n % 25 ? 0 : 1} type:P`,
        )
      )
        said++;
      reader.push('[h264 @ 0x2] error while decoding MB 3 7, bytestream -5');
    }
    expect(said).toBe(10_000);
    expect(reader.frames).toHaveLength(10_000);
    expect(reader.frames[9_999]).toEqual({ pts: 9_999 / 25, key: false });
  });
});

describe('commandError', () => {
  const args = ['-i', '/input/x.avi', '-vf', 'scale=64:36,nosuchfilter', '-f', 'rawvideo', '/frames.rgba'];

  it('makes a command ffmpeg refuses an INTERNAL error naming the line, never a damaged file', () => {
    const log = [
      'Input #0, avi, from /input/x.avi:',
      "[AVFilterGraph @ 0x1] No such filter: 'nosuchfilter'",
      'Error opening output files: Invalid argument',
    ];
    const e = commandError(1, log, args)!;
    expect(e.code).toBe('INTERNAL');
    expect(e.message).toContain("No such filter: 'nosuchfilter'");
    expect(e.details).toMatchObject({ code: 1, args });
  });

  it('leaves a run that succeeded, or that failed on the file, to the usual counting', () => {
    expect(commandError(0, ["No such filter: 'x'"], args)).toBeNull();
    expect(
      commandError(
        1,
        [
          '[h264 @ 0x2] Invalid NAL unit size',
          'Error while decoding stream #0:0: Invalid data found when processing input',
        ],
        args,
      ),
    ).toBeNull();
  });
});

describe('missingDecoder', () => {
  it('names the codec ffmpeg has no decoder for (this core has none for AV1), and nothing else', () => {
    const log = ['Input #0, matroska,webm, from /input/a.mkv:', 'Decoder (codec av1) not found for input stream #0:0'];
    const missing = missingDecoder(log);
    expect(missing).toMatchObject({ code: 'UNSUPPORTED_CODEC', details: { codec: 'av1' } });
    expect(missing?.message).toContain('(av1)');
    // This core's AV1 decoder exists but needs a hardware decoder: every frame fails, and ffmpeg may still exit 0 (its
    // message spells "suppport" with three p's in ffmpeg 5.1).
    const hw = [
      "[av1 @ 0x1] Your platform doesn't suppport hardware accelerated AV1 decoding.",
      '[av1 @ 0x1] Failed to get pixel format.',
    ];
    expect(missingDecoder(hw)).toMatchObject({ code: 'UNSUPPORTED_CODEC', details: { codec: 'av1' } });
    expect(missingDecoder(['[h264 @ 0x2] Invalid NAL unit size'])).toBeNull();
  });
});
