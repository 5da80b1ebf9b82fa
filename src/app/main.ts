// The upload page: pick a video (or the sample), set parameters, watch progress, see sheets, scrub, download.
// It uses only the library's public API, like any other app would.

import {
  checkSheetSizeEarly,
  createSpriteGenerator,
  resolveOptions,
  SpriteError,
  type SpriteOptions,
  type SpriteProgress,
  type SpriteResult,
} from '../index.js';
import { runBatch } from './batch.js';
import { showDownloads } from './downloads.js';
import { ParamsForm } from './form.js';
import { PRESETS } from './presets.js';
import { showSnippets } from './snippets.js';
import { showScrubber } from './scrubber.js';
import { suggestedGrid } from './suggested-grid.js';
import { clock } from './time-format.js';
import { addSheet, drawTile } from './sheets-view.js';

/** The element `id` of index.html, of class `kind`: a renamed id fails here, by name, not later as a null. */
function $<T extends HTMLElement>(id: string, kind: abstract new () => T): T;
function $(id: string): HTMLElement;
function $(id: string, kind: abstract new () => HTMLElement = HTMLElement): HTMLElement {
  const element = document.getElementById(id);
  if (!(element instanceof kind)) throw new Error(`index.html has no ${kind.name} #${id}`);
  return element;
}
const form = new ParamsForm($('fields'), $('process', HTMLTextAreaElement), $('process-error'));
const fileInput = $('file', HTMLInputElement);
const fileError = $('file-error');
const progress = $('progress', HTMLProgressElement);
const status = $('status');
const announce = $('announce');
const sheetsHost = $('sheets');
const cancel = $('cancel', HTMLButtonElement);
const runButton = $('run', HTMLButtonElement);
const SAMPLE = new URL(`${import.meta.env.BASE_URL}sample/big-buck-bunny-320x180.mp4`, location.origin);
/** Progress below which no time left is shown: the loading phase says little about the decoding rate. */
const ETA_AFTER_FRACTION = 0.1;
// One warm engine for the page: every run after the first skips loading the decoder.
const generator = createSpriteGenerator();

let current: { controller: AbortController; urls: string[] } | null = null;
let lastInput: Blob | URL | null = null;

const PHASES: Record<SpriteProgress['phase'], string> = {
  load: 'Loading the decoder',
  probe: 'Reading the video',
  decode: 'Taking frames',
  encode: 'Encoding sheets',
};

/** Which decoder made the frames, in words, e.g. "Decoded by the browser (WebCodecs): it decodes h264 natively." */
function engineNote(engine: SpriteResult['engine']): string {
  const who = engine.used === 'webcodecs' ? 'the browser (WebCodecs)' : 'ffmpeg.wasm';
  const handover = engine.fallback
    ? ` ffmpeg.wasm took over from ${(engine.fallback.fromMs / 1000).toFixed(2)} s (${engine.fallback.reason}).`
    : '';
  return `Decoded by ${who}: ${engine.reason.replace(/ \(WebCodecs\)$/, '')}.${handover}`;
}

/** Plain words for each error, and where it belongs on the page. */
function explain(e: unknown): { where: 'file' | 'params' | 'status'; text: string } {
  if (!(e instanceof SpriteError))
    return { where: 'status', text: `Something went wrong: ${e instanceof Error ? e.message : String(e)}` };
  switch (e.code) {
    case 'EMPTY_INPUT':
      return { where: 'file', text: 'This file is empty. Choose another one.' };
    case 'NOT_A_VIDEO':
      return { where: 'file', text: `This is not a video we can read. ${e.message}` };
    case 'NO_VIDEO_STREAM':
      return { where: 'file', text: `This file has sound but no picture. ${e.message}` };
    case 'UNSUPPORTED_CODEC':
      return {
        where: 'file',
        text: `The video inside this file uses a format the decoder does not know. ${e.message}`,
      };
    case 'DECODE_FAILED':
      return { where: 'file', text: `The video could not be decoded; the file may be damaged. ${e.message}` };
    case 'FETCH_FAILED':
      return { where: 'file', text: e.message };
    case 'INVALID_OPTION':
    case 'INVALID_PROCESS_STRING':
    case 'SHEET_TOO_LARGE':
    case 'START_PAST_END':
      return { where: 'params', text: e.message };
    default:
      return { where: 'status', text: e.message };
  }
}

function reset(): void {
  for (const url of current?.urls ?? []) URL.revokeObjectURL(url);
  sheetsHost.replaceChildren();
  for (const id of ['downloads', 'snippets', 'scrub', 'sheet-tools', 'batch']) $(id).hidden = true;
  $('batch').replaceChildren();
  fileError.textContent = '';
  progress.value = 0;
}

/**
 * Runs one job on `input`. `prepare`, when given, runs first, within the job (its status shows, Cancel stops it): the
 * length read that sets a chosen video's interval.
 */
async function run(input: Blob | URL, prepare?: (signal: AbortSignal) => Promise<void>): Promise<void> {
  if (form.validate()) {
    status.textContent = 'Fix the settings marked in red, then try again.';
    return;
  }
  current?.controller.abort();
  reset();
  const job = { controller: new AbortController(), urls: [] as string[] };
  current = job;
  const sheetUrls = new Map<string, string>();
  const started = performance.now();
  let lastPhase = '';
  cancel.disabled = false;
  runButton.disabled = true;
  status.textContent = 'Starting…';
  // Run from the settings, below the result on a phone: bring the result into view (keyboard focus stays). Where its
  // top already shows (a click on the sample, a wide screen), nothing moves.
  const top = $('results').getBoundingClientRect().top;
  if (top < 0 || top > window.innerHeight * 0.75) $('results').scrollIntoView({ behavior: 'smooth', block: 'start' });
  try {
    lastInput = input;
    if (prepare) {
      status.textContent = 'Reading the video…';
      await prepare(job.controller.signal);
    }
    const result: SpriteResult = await generator.generate(input, form.processString(), {
      signal: job.controller.signal,
      onProgress: (p) => {
        // A job that was replaced by a newer one must not write over the newer one's status.
        if (current !== job) return;
        progress.value = p.fraction;
        const elapsed = (performance.now() - started) / 1000;
        // Only once a tenth is done does the rate say anything about the rest.
        const left =
          p.fraction > ETA_AFTER_FRACTION && p.fraction < 1
            ? ` — about ${Math.max(1, Math.round((elapsed / p.fraction) * (1 - p.fraction)))} s left`
            : '';
        status.textContent = `${PHASES[p.phase]}: ${Math.round(p.fraction * 100)}%${left}`;
        if (p.phase !== lastPhase) {
          lastPhase = p.phase;
          announce.textContent = `${PHASES[p.phase]}…`;
        }
      },
      // Each tile is drawn as soon as it is decoded: the first pictures show long before the first sheet is full.
      onTile: (drawn) => {
        if (current !== job) {
          drawn.image.close();
          return;
        }
        drawTile(sheetsHost, drawn);
        $('sheet-tools').hidden = false;
      },
      onSheet: (sheet) => {
        if (current !== job) return;
        const url = URL.createObjectURL(sheet.blob);
        job.urls.push(url);
        sheetUrls.set(sheet.name, url);
        addSheet(sheetsHost, sheet, url);
        $('sheet-tools').hidden = false;
      },
    });
    if (current !== job) return;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    job.urls.push(...showDownloads($('downloads'), result));
    const preset = PRESETS.find((p) => p.id === presetMenu.value);
    showSnippets(
      $('snippets'),
      result,
      input instanceof File ? input.name : videoName(input),
      preset?.snippet ?? 'track',
    );
    $('scrub').hidden = false;
    // "Done" only once everything is in place: the scrub bar waits for the player to know the video's size.
    await showScrubber($('scrub'), input, result.vtt, result.source.durationMs, sheetUrls);
    const missed = result.missed ? ` ${result.missed} frame(s) could not be decoded (the file seems cut short).` : '';
    status.textContent = `Done in ${seconds} s: ${result.tiles.length} frames on ${result.sheets.length} sheet(s).${missed} ${engineNote(result.engine)}`;
    announce.textContent = status.textContent;
  } catch (e) {
    if (current !== job) return;
    if (e instanceof DOMException && e.name === 'AbortError') {
      status.textContent = 'Cancelled.';
    } else {
      const { where, text } = explain(e);
      if (where === 'file') fileError.textContent = text;
      else if (where === 'params' && e instanceof SpriteError) form.showError(e);
      status.textContent = where === 'status' ? text : 'Stopped: see the message above.';
    }
    announce.textContent = status.textContent;
  } finally {
    if (current === job) {
      cancel.disabled = true;
      runButton.disabled = false;
    }
  }
}

/**
 * The video's length in ms: as the browser reads it from the file's header where it can (MP4, WebM: no decoding),
 * else from a job of one small key-frame tile on the warm engine (AVI, MPEG-TS…: the engine the real job then runs on
 * is loaded by then). Null if neither can tell; the job then says why.
 */
async function durationOf(file: File, signal: AbortSignal): Promise<number | null> {
  const fromHeader = await headerDuration(file);
  if (fromHeader !== null) return fromHeader;
  try {
    const probe = await generator.generate(file, PROBE_JOB, {
      signal,
      onProgress: (p) => {
        status.textContent = `${PHASES[p.phase]}…`;
      },
    });
    return probe.source.durationMs > 0 ? probe.source.durationMs : null;
  } catch (e) {
    // Cancelled: the job stops here. Anything else is the real job's to say, with the words the page has for it.
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    return null;
  }
}

/** The smallest job that reads a video's length: its first key frame in one 32 px tile. */
const PROBE_JOB = 'video/sprite,f_jpg,m_key,num_1,sw_32,sh_32,tw_1,th_1,pad_0,margin_0';

/** The length the browser's own player reads from the file's header, ms, or null where it cannot play the file. */
async function headerDuration(file: File): Promise<number | null> {
  const url = URL.createObjectURL(file);
  const video = document.createElement('video');
  video.preload = 'metadata';
  video.muted = true;
  try {
    return await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), DURATION_TIMEOUT_MS);
      video.addEventListener('loadedmetadata', () => {
        clearTimeout(timer);
        resolve(Number.isFinite(video.duration) && video.duration > 0 ? video.duration * 1000 : null);
      });
      video.addEventListener('error', () => {
        clearTimeout(timer);
        resolve(null);
      });
      video.src = url;
    });
  } finally {
    video.removeAttribute('src');
    video.load();
    URL.revokeObjectURL(url);
  }
}

/**
 * Runs a chosen or dropped file. Until the user sets the interval or the grid (or picks a preset), the page sets
 * them from the video's length: about a hundred tiles on one sheet, shown in the fields, which stay the user's to
 * change.
 */
async function runChosen(file: File): Promise<void> {
  gridNote.textContent = '';
  if (!autoGrid || form.options().m === 'key') return run(file);
  await run(file, async (signal) => {
    gridNote.textContent = (await gridFor(file, signal)) ?? '';
  });
}

/** Sets the interval and grid for `file` (the grid only where its sheet fits); says what it did, or null. */
async function gridFor(file: File, signal: AbortSignal): Promise<string | null> {
  const ms = await durationOf(file, signal);
  if (ms === null) return null;
  const grid = suggestedGrid(ms);
  const options = { ...form.options(), m: 'inter' as const, inter: grid.inter };
  const withGrid = { ...options, tw: grid.tw, th: grid.th };
  let sheetFits = true;
  try {
    checkSheetSizeEarly(resolveOptions(withGrid));
  } catch {
    sheetFits = false;
  }
  form.setOptions(sheetFits ? withGrid : options);
  const length = clock(ms / 1000, 0);
  return `Interval set to ${grid.inter / 1000} s for this ${length} video: about ${grid.tiles} tiles${sheetFits ? ' on one sheet' : ''}. Change it freely.`;
}

/** The name a player would load the video by: a file's own, else the last part of its URL. */
function videoName(input: Blob | URL): string {
  return input instanceof URL ? decodeURIComponent(input.pathname.split('/').pop() || 'video.mp4') : 'video.mp4';
}

/** Whether two sets of options make the same job (defaults applied); invalid ones make none. */
function sameJob(a: SpriteOptions, b: SpriteOptions): boolean {
  const resolved = (o: SpriteOptions) => {
    const r = resolveOptions(o) as unknown as Record<string, unknown>;
    return JSON.stringify(
      Object.keys(r)
        .sort()
        .map((k) => [k, r[k]]),
    );
  };
  try {
    return resolved(a) === resolved(b);
  } catch {
    return false;
  }
}

/** How long the browser's player may take to read a file's length before the engine is asked. */
const DURATION_TIMEOUT_MS = 3000;
const gridNote = $('grid-note');
/** The interval and grid still follow each chosen video: the user has set neither, nor picked a preset. */
let autoGrid = true;

const presetMenu = $('preset', HTMLSelectElement);
const presetHint = $('preset-hint');
const CUSTOM_HINT = presetHint.textContent;
for (const preset of PRESETS) presetMenu.append(new Option(preset.label, preset.id));
presetMenu.addEventListener('change', () => {
  const preset = PRESETS.find((p) => p.id === presetMenu.value);
  presetHint.textContent = preset ? `${preset.hint}.` : CUSTOM_HINT;
  if (preset) form.setOptions(preset.options);
});
// Any other change to the parameters makes them the user's own, unless it leads back to the preset's.
$('params').addEventListener('input', (event) => {
  autoGrid = false;
  gridNote.textContent = '';
  if (event.target === presetMenu) return;
  const preset = PRESETS.find((p) => p.id === presetMenu.value);
  if (preset && !sameJob(form.options(), preset.options)) {
    presetMenu.value = '';
    presetHint.textContent = CUSTOM_HINT;
  }
});

$('sample').addEventListener('click', () => void run(SAMPLE));
/** What the file picker would offer: a video by its type, else by its extension (a folder holds anything). */
const VIDEO_NAME = /\.(mp4|m4v|mov|webm|mkv|avi|ts|m2ts|mts|mpg|mpeg|vob|ogv|ogg|h264|hevc|3gp|flv|wmv|dv)$/i;
const isVideo = (file: File) => file.type.startsWith('video/') || VIDEO_NAME.test(file.name);

/** One video runs as before; several run as a batch. */
function chosen(files: readonly File[]): void {
  if (files.length === 1) void runChosen(files[0]!);
  else if (files.length > 1) void startBatch(files);
}

/** Runs `files` one after the other with the settings as they are, each in a group of its own (batch.ts). */
async function startBatch(files: readonly File[]): Promise<void> {
  if (form.validate()) {
    status.textContent = 'Fix the settings marked in red, then try again.';
    return;
  }
  current?.controller.abort();
  reset();
  gridNote.textContent = '';
  const job = { controller: new AbortController(), urls: [] as string[] };
  current = job;
  cancel.disabled = false;
  runButton.disabled = true;
  const say = (text: string) => {
    status.textContent = text;
    announce.textContent = text;
  };
  try {
    job.urls.push(
      ...(await runBatch(files, {
        generator,
        processString: form.processString(),
        host: $('batch'),
        say,
        explain: (e) => explain(e).text,
        signal: job.controller.signal,
      })),
    );
  } finally {
    if (current === job) {
      cancel.disabled = true;
      runButton.disabled = false;
    }
  }
}

fileInput.addEventListener('change', () => chosen([...(fileInput.files ?? [])]));
const folderInput = $('folder', HTMLInputElement);
// A folder's videos in the order of their paths, as a file manager lists them.
folderInput.addEventListener('change', () =>
  chosen(
    [...(folderInput.files ?? [])]
      .filter(isVideo)
      .sort((a, b) => a.webkitRelativePath.localeCompare(b.webkitRelativePath)),
  ),
);
$('params').addEventListener('submit', (event) => {
  event.preventDefault();
  const files = [...(fileInput.files ?? [])];
  if (files.length > 1) void startBatch(files);
  else void run(files[0] ?? lastInput ?? SAMPLE);
});
cancel.addEventListener('click', () => current?.controller.abort());

const drop = $('drop');
for (const type of ['dragenter', 'dragover'] as const) {
  drop.addEventListener(type, (event) => {
    event.preventDefault();
    drop.classList.add('over');
  });
}
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (event) => {
  event.preventDefault();
  drop.classList.remove('over');
  chosen([...(event.dataTransfer?.files ?? [])]);
});

const zoom = $('zoom', HTMLButtonElement);
zoom.addEventListener('click', () => {
  const real = zoom.getAttribute('aria-pressed') !== 'true';
  zoom.setAttribute('aria-pressed', String(real));
  zoom.textContent = real ? 'Fit sheets to the page' : 'Show sheets at real size';
  sheetsHost.classList.toggle('real-size', real);
});
