// The worker each decoder's FFmpeg runs in: @ffmpeg/ffmpeg's own worker, with the core it creates repaired
// (stack-repair.ts) and its reads of mounted files made in large blocks (workerfs-reads.ts). The engine never names
// this file: FFmpeg starts its worker from `./worker.js` beside its own module, and the builds point that at this
// file (vite.config.ts for the page, tools/build-lib.mjs for the package).

import '@ffmpeg/ffmpeg/worker';
import { repairStackLeak, type CoreModule } from './stack-repair.js';
import { readWorkerfsInBlocks, type WorkerfsCore } from './workerfs-reads.js';

type CoreFactory = (options: unknown) => Promise<CoreModule & WorkerfsCore>;

// @ffmpeg/ffmpeg's worker (imported above: it only sets its message handler) imports the core on its first message,
// after every module here has run, and stores its factory in self.createFFmpegCore before calling it: catching that
// assignment is how the core gets repaired before its first exec.
let factory: CoreFactory | undefined;
Object.defineProperty(self, 'createFFmpegCore', {
  configurable: true,
  get: () => factory,
  set(create: unknown) {
    // Anything but a function (the UMD build has no default export) stays as it is, for the worker to report.
    factory =
      typeof create === 'function'
        ? async (options) => {
            const core = await (create as CoreFactory)(options);
            repairStackLeak(core, create.toString());
            const reader = new FileReaderSync();
            readWorkerfsInBlocks(core, (blob) => reader.readAsBinaryString(blob));
            return core;
          }
        : (create as undefined);
  },
});
