// The upload page: picks a video (or the bundled sample), runs the library's public API, shows and offers the results.

import { generateSprites, SpriteError, type SpriteResult } from '../index.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const processInput = $<HTMLInputElement>('process');
const processError = $<HTMLSpanElement>('process-error');
const progress = $<HTMLProgressElement>('progress');
const status = $<HTMLSpanElement>('status');
const sheets = $<HTMLElement>('sheets');
const downloads = $<HTMLElement>('downloads');
const cancel = $<HTMLButtonElement>('cancel');
let controller: AbortController | null = null;
const urls: string[] = [];

function link(name: string, blob: Blob): HTMLAnchorElement {
  const a = document.createElement('a');
  const url = URL.createObjectURL(blob);
  urls.push(url);
  a.href = url;
  a.download = name;
  a.textContent = name;
  return a;
}

function showDownloads(result: SpriteResult): void {
  const base = result.vttName.replace(/\.vtt$/, '');
  const items = [
    ...result.sheets.map((s) => link(s.name, s.blob)),
    link(result.vttName, new Blob([result.vtt], { type: 'text/vtt' })),
    link(`${base}.json`, new Blob([JSON.stringify(result.manifest, null, 2)], { type: 'application/json' })),
    link(`${base}-storyboard.json`, new Blob([JSON.stringify(result.storyboard, null, 2)], { type: 'application/json' })),
  ];
  downloads.replaceChildren('Download: ', ...items.flatMap((a, i) => (i ? [' · ', a] : [a])));
}

async function run(input: Blob | string): Promise<void> {
  controller?.abort();
  for (const url of urls.splice(0)) URL.revokeObjectURL(url);
  sheets.replaceChildren();
  downloads.replaceChildren();
  processError.textContent = '';
  controller = new AbortController();
  cancel.disabled = false;
  status.textContent = 'Starting…';
  try {
    const result = await generateSprites(input, processInput.value, {
      coreBaseUrl: new URL(`${import.meta.env.BASE_URL}ffmpeg/`, location.origin),
      signal: controller.signal,
      onProgress: (p) => {
        progress.value = p.fraction;
        status.textContent = `${p.phase} ${Math.round(p.fraction * 100)}%`;
      },
      onSheet: (sheet) => {
        const img = document.createElement('img');
        const url = URL.createObjectURL(sheet.blob);
        urls.push(url);
        img.src = url;
        img.alt = `Sprite sheet ${sheet.index + 1} (${sheet.tiles.length} frames)`;
        sheets.append(img);
      },
    });
    status.textContent = `Done: ${result.tiles.length} frames on ${result.sheets.length} sheet(s)${result.missed ? `, ${result.missed} could not be decoded` : ''}.`;
    showDownloads(result);
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') status.textContent = 'Cancelled.';
    else if (e instanceof SpriteError && (e.code === 'INVALID_OPTION' || e.code === 'INVALID_PROCESS_STRING')) {
      processError.textContent = e.message;
      status.textContent = 'Fix the parameters and try again.';
    } else status.textContent = e instanceof Error ? e.message : String(e);
  } finally {
    cancel.disabled = true;
  }
}

$<HTMLButtonElement>('sample').addEventListener('click', () => void run(new URL('sample/big-buck-bunny-320x180.mp4', document.baseURI).href));
$<HTMLInputElement>('file').addEventListener('change', (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (file) void run(file);
});
cancel.addEventListener('click', () => controller?.abort());
