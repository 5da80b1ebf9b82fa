// The pure core, importable anywhere, Node included (`video-sprite/core`): options and process strings, the
// geometry and frame selection a job decides with, dHash, file names and the output writers. No DOM, no workers.

export { SPRITE_ERROR_CODES, SpriteError } from './errors.js';
export type { SpriteErrorCode, SpriteErrorData } from './errors.js';
export { checkRule, describeRule, OPTION_DEFAULTS, OPTION_KEYS, OPTION_RULES, resolveOptions } from './options.js';
export type {
  EnumRule,
  IntRule,
  OptionKey,
  OptionRule,
  ResolvedOptions,
  ScaleType,
  SheetEncoder,
  SpriteFormat,
  SpriteMode,
  SpriteOptions,
} from './options.js';
export type { SkipRule } from './frame-quality.js';
export { formatProcess, parseProcess } from './process-string.js';
export type { Notify, ParsedProcess, SaveAs } from './process-string.js';
export {
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_JOBS_PER_ENGINE,
  DEFAULT_MEMFS_LIMIT_BYTES,
  defaultDecoders,
  MAX_DECODERS,
  SETTING_RULES,
} from './settings.js';
export type { SpritePhase, SpriteProgress } from './progress.js';
export type {
  EngineFallback,
  EngineName,
  EngineReport,
  FfmpegReport,
  FrameTableSource,
  WebCodecsReport,
} from './engine-report.js';
export type { EngineChoice } from './settings.js';
export { displaySize } from './source.js';
export type { Size, VideoSourceInfo } from './source.js';
export { buildFrameTable } from './frame-table.js';
export type { FrameInfo, FrameTable, TimedFrame } from './frame-table.js';
export {
  cellBox,
  checkSheetSize,
  checkSheetSizeEarly,
  framePlacement,
  MAX_SHEET_SIDE,
  planGeometry,
  sheetLayout,
} from './geometry.js';
export type { FramePlacement, GeometryPlan, Rect, SheetLayout } from './geometry.js';
export { selectFrames } from './selection.js';
export type { Capture, SelectionFacts } from './selection.js';
export { DhashSelector, dhash64, hamming } from './dhash.js';
export type { DhashCandidate, DhashKept } from './dhash.js';
export { checkNameTemplate, DEFAULT_NAME_TEMPLATE, jobBaseName, sheetFileName } from './names.js';
export type { Tile } from './tile.js';
export { formatVttTimestamp, writeVtt } from './vtt.js';
export { buildManifest } from './manifest.js';
export type { ManifestInput, ManifestSheet, SpriteManifest } from './manifest.js';
export { buildStoryboard } from './storyboard.js';
export type { Storyboard, StoryboardTile } from './storyboard.js';
export { writeDashThumbnails, writeHlsImagePlaylist } from './image-tracks.js';
export type {
  DashThumbnailsOptions,
  HlsImagePlaylist,
  HlsImagePlaylistOptions,
  ImageTrackSource,
} from './image-tracks.js';
export type { SheetUrlOptions } from './sheet-url.js';
