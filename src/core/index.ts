// The pure core, importable from Node (`video-sprite/core`): options, process strings, geometry, selection, outputs.

export * from './errors.js';
export * from './options.js';
export * from './source.js';
export * from './tile.js';
export * from './process-string.js';
export * from './geometry.js';
export * from './selection.js';
export * from './dhash.js';
export * from './names.js';
export * from './vtt.js';
export * from './manifest.js';
export * from './storyboard.js';
