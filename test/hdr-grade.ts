// How the HDR tests make their pictures: an SDR fixture graded into PQ or HLG by the ffmpeg CLI, the same way in
// every test that compares our tone-mapping with the CLI's.

import type { HdrTransfer } from '../src/core/tone-map.js';

/** ffmpeg's name of each HDR transfer (`-color_trc`, zscale's `t`). */
export const CLI_TRANSFER: Readonly<Record<HdrTransfer, string>> = { pq: 'smpte2084', hlg: 'arib-std-b67' };

/**
 * The ffmpeg filter that grades BT.709 SDR into `transfer` (BT.2020, 10-bit, limited range), SDR white at
 * 203 cd/m² (BT.2408).
 */
export function hdrGrade(transfer: HdrTransfer): string {
  const t = CLI_TRANSFER[transfer];
  return `zscale=tin=bt709:min=bt709:pin=bt709:rin=tv:t=${t}:p=bt2020:m=bt2020nc:r=tv:npl=203,format=yuv420p10le`;
}
