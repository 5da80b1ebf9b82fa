import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { repairStackLeak, stackExportNames, type CoreModule } from '../../src/engine/ffmpeg/stack-repair.js';

/** A core whose exec leaks `leak` bytes of stack per call, as ffmpeg's exit() does, and may throw. */
function fakeCore(leak: number) {
  let sp = 65536;
  const core: CoreModule & { sp: () => number } = {
    asm: { Da: () => sp, Ea: (to: unknown) => void (sp = to as number) },
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
const GLUE = 'var stackSave=function(){return(stackSave=Module["asm"]["Da"]).apply(null,arguments)};var stackRestore=function(){return(stackRestore=Module["asm"]["Ea"]).apply(null,arguments)};';

describe('repairStackLeak', () => {
  it('finds the minified stackSave/stackRestore names in the real @ffmpeg/core glue', () => {
    const glue = readFileSync(fileURLToPath(import.meta.resolve('@ffmpeg/core')), 'utf8');
    const names = stackExportNames(glue);
    expect(names).not.toBeNull();
    expect(names!.save).not.toBe(names!.restore);
  });

  it('puts the stack pointer back after every exec and ffprobe, also when the call throws', () => {
    const core = fakeCore(768);
    repairStackLeak(core, GLUE);
    for (let i = 0; i < 1000; i++) core.exec('-i', 'x');
    core.ffprobe('-i', 'x');
    expect(() => core.exec('throw')).toThrow('boom');
    expect(core.sp()).toBe(65536);
  });

  it('refuses a core whose glue does not name them, rather than let it die after a few dozen execs', () => {
    expect(() => repairStackLeak(fakeCore(768), 'function createFFmpegCore(){}')).toThrow(/stackSave\/stackRestore/);
    const noExports = { ...fakeCore(768), asm: {} };
    expect(() => repairStackLeak(noExports, GLUE)).toThrow(/@ffmpeg\/core 0\.12/);
  });
});
