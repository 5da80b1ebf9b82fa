// Several videos at once: they run one after the other on the page's warm engine with the same settings, each in a
// group of its own (name, progress, sheets filling tile by tile, downloads), and one ZIP holds them all, a folder a
// video. Cancel stops the running one and the rest.

import type { SpriteGenerator, SpriteResult } from '../index.js';
import { fileLinks, filesOf, saveZip, type ResultFile } from './downloads.js';
import { addSheet, drawTile } from './sheets-view.js';

/** What a batch needs from the page. */
export interface BatchPage {
  generator: SpriteGenerator;
  /** The process string the settings say, read once: every video gets the same. */
  processString: string;
  /** Where the groups go (emptied first). */
  host: HTMLElement;
  /** Says how the batch goes, for everyone (the page's status line and live region). */
  say: (text: string) => void;
  /** Turns an error into the sentence the page would show for it. */
  explain: (e: unknown) => string;
  signal: AbortSignal;
}

/** One video's group: its heading, its own status and progress, its sheets and its downloads. */
function group(host: HTMLElement, file: File, index: number) {
  const section = document.createElement('section');
  section.className = 'group';
  section.setAttribute('aria-labelledby', `group-${index}-name`);
  const heading = document.createElement('h3');
  heading.id = `group-${index}-name`;
  heading.textContent = file.name;
  const progress = document.createElement('progress');
  progress.max = 1;
  progress.value = 0;
  progress.setAttribute('aria-labelledby', `group-${index}-status`);
  const status = document.createElement('p');
  status.id = `group-${index}-status`;
  status.className = 'status';
  status.textContent = 'Waiting.';
  const sheets = document.createElement('div');
  sheets.className = 'sheets';
  section.append(heading, progress, status, sheets);
  host.append(section);
  return { section, progress, status, sheets };
}

/** The folder a video's files go in, in the batch's ZIP: its name without the extension, made unique. */
function folderName(file: File, taken: Set<string>): string {
  const base = file.name.replace(/\.[^.]+$/, '') || 'video';
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base} (${n})`;
  taken.add(name);
  return name;
}

/**
 * Runs `files` one after the other; resolves when all have run, failed or been cancelled. Returns the object URLs it
 * made, for the page to revoke on the next run.
 */
export async function runBatch(files: readonly File[], page: BatchPage): Promise<string[]> {
  const urls: string[] = [];
  const zipButton = document.createElement('button');
  zipButton.type = 'button';
  zipButton.id = 'batch-zip';
  zipButton.disabled = true;
  zipButton.textContent = 'Download all as one ZIP';
  page.host.replaceChildren(zipButton);
  page.host.hidden = false;
  const groups = files.map((file, i) => group(page.host, file, i));
  const zipped: ResultFile[] = [];
  const folders = new Set<string>();
  let done = 0;
  for (const [i, file] of files.entries()) {
    const g = groups[i]!;
    if (page.signal.aborted) {
      g.status.textContent = 'Cancelled.';
      continue;
    }
    page.say(`Video ${i + 1} of ${files.length}: ${file.name}`);
    g.status.textContent = 'Starting…';
    try {
      const result: SpriteResult = await page.generator.generate(file, page.processString, {
        signal: page.signal,
        onProgress: (p) => {
          g.progress.value = p.fraction;
          g.status.textContent = `${Math.round(p.fraction * 100)}%`;
        },
        onTile: (drawn) => drawTile(g.sheets, drawn),
        onSheet: (sheet) => {
          const url = URL.createObjectURL(sheet.blob);
          urls.push(url);
          addSheet(g.sheets, sheet, url);
        },
      });
      const folder = folderName(file, folders);
      const made = filesOf(result);
      zipped.push(...made.map((f) => ({ name: `${folder}/${f.name}`, blob: f.blob })));
      const links = fileLinks(made, urls);
      links.className = 'group-files';
      g.section.append(links);
      g.progress.value = 1;
      g.status.textContent = `Done: ${result.tiles.length} frames on ${result.sheets.length} sheet(s).`;
      done++;
    } catch (e) {
      g.status.textContent =
        e instanceof DOMException && e.name === 'AbortError' ? 'Cancelled.' : `Stopped: ${page.explain(e)}`;
    }
  }
  if (zipped.length > 0) {
    zipButton.disabled = false;
    zipButton.textContent = `Download all (${zipped.length} files of ${done} video${done === 1 ? '' : 's'}) as one ZIP`;
    zipButton.addEventListener('click', () => void saveZip(zipped, 'sprites.zip'));
  }
  page.say(
    page.signal.aborted
      ? `Cancelled after ${done} of ${files.length} videos.`
      : `Done: ${done} of ${files.length} videos made sprites.`,
  );
  return urls;
}
