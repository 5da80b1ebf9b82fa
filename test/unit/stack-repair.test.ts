import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { repairStackLeak, type CoreModule } from '../../src/engine/ffmpeg/stack-repair.js';
import { patchCoreGlue } from '../../tools/ffmpeg-core-glue.mjs';

/** A core whose exec leaks `leak` bytes of stack per call, as ffmpeg's exit() does, and may throw. */
function fakeCore(leak: number) {
  let sp = 65536;
  const core: CoreModule & { sp: () => number } = {
    stackSave: () => sp,
    stackRestore: (to: unknown) => void (sp = to as number),
    exec: (...args) => {
      sp -= leak;
      if (args[0] === 'throw') throw new Error('boom');
      return 0;
    },
    ffprobe: () => {
      sp -= leak;
      return 0;
    },
    sp: () => sp,
  };
  return core;
}

const realGlue = () => readFileSync(fileURLToPath(import.meta.resolve('@ffmpeg/core')), 'utf8');

describe('repairStackLeak', () => {
  it('puts the stack pointer back after every exec and ffprobe, also when the call throws', () => {
    const core = fakeCore(768);
    repairStackLeak(core);
    for (let i = 0; i < 1000; i++) core.exec('-i', 'x');
    core.ffprobe('-i', 'x');
    expect(() => core.exec('throw')).toThrow('boom');
    expect(core.sp()).toBe(65536);
  });

  it('refuses a core without them, rather than let it die after a few dozen execs', () => {
    const { exec, ffprobe } = fakeCore(768);
    expect(() => repairStackLeak({ exec, ffprobe })).toThrow(/stackSave\/stackRestore/);
  });
});

describe('patchCoreGlue (build time)', () => {
  it('exposes stackSave/stackRestore on the real @ffmpeg/core glue and leaves no import.meta', () => {
    const out = patchCoreGlue(realGlue());
    expect(out).toContain('Module["stackSave"]=stackSave;Module["stackRestore"]=stackRestore;run();');
    expect(out).not.toContain('import.meta');
  });

  it('fails the build when an anchor is missing or the core changed', () => {
    expect(() => patchCoreGlue('var x = 1;')).toThrow(/stack repair.*matched 0 times/);
  });
});
