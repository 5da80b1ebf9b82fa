// The public API that needs no browser: process strings, option rules for a form, the output writers, errors and
// types. Both package roots export all of it: index.ts (in a browser) and server.ts (server-side rendering).

export type {
  ExtraSize,
  FfmpegSettings,
  GenerateOptions,
  GenerateSpritesOptions,
  SpriteGenerator,
  SpriteGeneratorSettings,
} from './client/generator.js';
export type { SpriteInput } from './client/input.js';
export type { SpriteObjectUrls, SpriteResult } from './client/result.js';
export type { SpriteSheet, TileDrawn } from './protocol/engine-api.js';

export { SPRITE_ERROR_CODES, SpriteError } from './core/errors.js';
export type { SpriteErrorCode } from './core/errors.js';
export { describeRule, OPTION_DEFAULTS, OPTION_KEYS, OPTION_RULES, resolveOptions } from './core/options.js';
export type {
  OptionKey,
  OptionRule,
  ResolvedOptions,
  ScaleType,
  SheetEncoder,
  SpriteFormat,
  SpriteMode,
  SpriteOptions,
} from './core/options.js';
export type { SkipRule } from './core/frame-quality.js';
export { formatProcess, parseProcess } from './core/process-string.js';
export type { Notify, ParsedProcess, SaveAs } from './core/process-string.js';
export { checkSheetSizeEarly } from './core/geometry.js';
export type { SpritePhase, SpriteProgress } from './core/progress.js';
export type { Tile } from './core/tile.js';
export type {
  EngineFallback,
  EngineName,
  EngineReport,
  FfmpegReport,
  FrameTableSource,
  WebCodecsReport,
} from './core/engine-report.js';
export type { EngineChoice } from './core/settings.js';
export type { VideoSourceInfo } from './core/source.js';
export { writeVtt } from './core/vtt.js';
export { buildManifest } from './core/manifest.js';
export type { ManifestInput, ManifestSheet, SpriteManifest } from './core/manifest.js';
export { buildStoryboard } from './core/storyboard.js';
export type { Storyboard, StoryboardTile } from './core/storyboard.js';
export type { SheetUrlOptions } from './core/sheet-url.js';
export { writeDashThumbnails, writeHlsImagePlaylist } from './core/image-tracks.js';
export type {
  DashThumbnailsOptions,
  HlsImagePlaylist,
  HlsImagePlaylistOptions,
  ImageTrackSource,
} from './core/image-tracks.js';
