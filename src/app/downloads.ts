// Download links for every output, and all of them as one ZIP (written by client-zip, not by hand).

import { downloadZip } from 'client-zip';
import type { SpriteResult } from '../index.js';

const ZIP_URL_LIFETIME_MS = 60_000;

/** The files of a result, named after the job's template (`sprite-0.jpg`, `sprite.vtt`, `sprite.json`, …). */
export function resultFiles(result: SpriteResult): { name: string; blob: Blob }[] {
  const base = result.baseName;
  return [
    ...result.sheets.map((s) => ({ name: s.name, blob: s.blob })),
    { name: result.vttName, blob: new Blob([result.vtt], { type: 'text/vtt' }) },
    { name: `${base}.json`, blob: new Blob([JSON.stringify(result.manifest, null, 2)], { type: 'application/json' }) },
    {
      name: `${base}.storyboard.json`,
      blob: new Blob([JSON.stringify(result.storyboard, null, 2)], { type: 'application/json' }),
    },
  ];
}

/** Fills `host` with a link per file and a ZIP button; returns the object URLs it made (to revoke later). */
export function showDownloads(host: HTMLElement, result: SpriteResult): string[] {
  const urls: string[] = [];
  const files = resultFiles(result);
  const list = document.createElement('ul');
  for (const file of files) {
    const a = document.createElement('a');
    const url = URL.createObjectURL(file.blob);
    urls.push(url);
    a.href = url;
    a.download = file.name;
    a.textContent = file.name;
    const li = document.createElement('li');
    li.append(a);
    list.append(li);
  }
  const zip = document.createElement('button');
  zip.type = 'button';
  zip.id = 'zip';
  zip.textContent = `Download all (${files.length} files) as ZIP`;
  const saveZip = async () => {
    const blob = await downloadZip(
      files.map((f) => ({ name: f.name, input: f.blob, lastModified: new Date() })),
    ).blob();
    const a = document.createElement('a');
    const url = URL.createObjectURL(blob);
    a.href = url;
    a.download = `${result.baseName}.zip`;
    a.click();
    // The browser reads the URL after click() returns; a minute is ample for it to start the download.
    setTimeout(() => URL.revokeObjectURL(url), ZIP_URL_LIFETIME_MS);
  };
  zip.addEventListener('click', () => void saveZip());
  const heading = document.createElement('h3');
  heading.textContent = 'Download';
  host.replaceChildren(heading, zip, list);
  host.hidden = false;
  return urls;
}
