// Types of ffmpeg-core-glue.mjs, for vite.config.ts and test/unit/stack-repair.test.ts.

import type { Plugin } from 'vite';

/** The glue with the edits applied; throws naming any edit whose anchor is missing or not unique. */
export function patchCoreGlue(code: string): string;
/** A rolldown/Vite plugin applying {@link patchCoreGlue} to @ffmpeg/core's ESM glue. */
export function ffmpegCoreGlue(): Plugin;
