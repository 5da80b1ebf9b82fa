// The public API (the package root, in a browser): generate sprites, with or without a warm engine, plus what an app
// needs around it (api.ts). The rest of the pure core is at `video-sprite/core`. Where there is no browser (server-side
// rendering), the package's "node" condition gives server.ts instead: the same API, without workers.

export * from './api.js';
export { createSpriteGenerator, generateSprites } from './client/generator.js';
