// A fresh app's use of the package, exactly as its README shows: no configuration, no copied files.

import {
  createSpriteGenerator,
  generateSprites,
  SpriteError,
  type SpriteProgress,
  type SpriteResult,
} from 'video-sprite';
import { parseProcess } from 'video-sprite/core';

const sample = `${import.meta.env.BASE_URL}sample.mp4`;

function summary(result: SpriteResult) {
  return {
    sheets: result.sheets.map((s) => ({ name: s.name, type: s.blob.type, width: s.width })),
    times: result.tiles.map((t) => t.time),
    vtt: result.vtt,
  };
}

async function runJob() {
  const phases: SpriteProgress['phase'][] = [];
  const options = parseProcess('video/sprite,f_jpg,inter_1000,sw_64,sh_36,tw_3,th_2').options;
  const result = await generateSprites(sample, options, { onProgress: (p) => phases.push(p.phase) });
  const urls = result.objectUrls();
  urls.revoke();
  return { ...summary(result), phases: [...new Set(phases)], trackUsesBlobUrls: urls.vtt.includes('blob:') };
}

async function runWarm() {
  const generator = createSpriteGenerator();
  try {
    const first = await generator.generate(sample, { f: 'png', m: 'key', sw: 32, sh: 32 });
    const second = await generator.generate(sample, { f: 'webp', inter: 2500, sw: 32, sh: 32 });
    return [summary(first), summary(second)];
  } finally {
    generator.dispose();
  }
}

async function runBad() {
  try {
    await generateSprites(sample, { f: 'jpg', tw: 0 });
    return 'resolved';
  } catch (e) {
    return e instanceof SpriteError ? `${e.code} ${e.param}` : String(e);
  }
}

Object.assign(window, { consumer: { runJob, runWarm, runBad } });
