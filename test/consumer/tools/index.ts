// Every tool of the bundler matrix: each `<id>.tool.ts` beside this file default-exports one ConsumerTool.

import { readdirSync } from 'node:fs';
import type { ConsumerTool } from './tool.js';

/** The order the tests run them in; a tool file not named here runs last. */
const ORDER = ['vite', 'static', 'sveltekit', 'webpack', 'next', 'parcel', 'rollup', 'esbuild', 'angular'];

const files = readdirSync(import.meta.dirname).filter((f) => f.endsWith('.tool.ts'));
const loaded = await Promise.all(
  files.map(async (f) => ((await import(`./${f}`)) as { default: ConsumerTool }).default),
);
const rank = (t: ConsumerTool) => (ORDER.includes(t.id) ? ORDER.indexOf(t.id) : ORDER.length);

export const TOOLS: ConsumerTool[] = loaded.sort((a, b) => rank(a) - rank(b));
