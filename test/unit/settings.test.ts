// The engine settings: defaults, and INVALID_OPTION naming the setting, the value and the valid range.

import { describe, expect, it } from 'vitest';
import { DEFAULT_STALL_TIMEOUT_MS, resolveEngineSettings } from '../../src/core/settings.js';

describe('resolveEngineSettings', () => {
  it('fills in every default; decoders follow the logical cores, at most 4', () => {
    expect(resolveEngineSettings({}, 2)).toEqual({
      engine: 'auto',
      idleTimeoutMs: 30_000,
      maxJobsPerEngine: 16,
      stallTimeoutMs: DEFAULT_STALL_TIMEOUT_MS,
      ffmpeg: { decoders: 2, memfsLimit: 256 * 1024 * 1024 },
    });
    expect(resolveEngineSettings({}, 16).ffmpeg.decoders).toBe(4);
    expect(resolveEngineSettings({}, undefined).ffmpeg.decoders).toBe(1);
  });

  it("settings of ffmpeg.wasm alone are checked under their group's name", () => {
    expect(resolveEngineSettings({ ffmpeg: { decoders: 8, memfsLimit: 0 } }, 2).ffmpeg).toEqual({
      decoders: 8,
      memfsLimit: 0,
    });
    expect(() => resolveEngineSettings({ ffmpeg: { decoders: 9 } }, 2)).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', param: 'ffmpeg.decoders' }),
    );
    expect(() => resolveEngineSettings({ ffmpeg: { memfsLimit: -1 } }, 2)).toThrow(
      /ffmpeg\.memfsLimit must be an integer ≥ 0 \(bytes\); got -1/,
    );
  });

  it('stallTimeoutMs: an integer ≥ 100 ms, kept as given; anything else is refused, never clamped', () => {
    expect(resolveEngineSettings({ stallTimeoutMs: 100 }, 2).stallTimeoutMs).toBe(100);
    expect(resolveEngineSettings({ stallTimeoutMs: 600_000 }, 2).stallTimeoutMs).toBe(600_000);
    for (const bad of [99, 0, -1, 1.5, Number.NaN]) {
      expect(() => resolveEngineSettings({ stallTimeoutMs: bad }, 2)).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTION', param: 'stallTimeoutMs' }),
      );
    }
    expect(() => resolveEngineSettings({ stallTimeoutMs: 50 }, 2)).toThrow(
      /stallTimeoutMs must be an integer ≥ 100 \(ms\); got 50/,
    );
  });
});
