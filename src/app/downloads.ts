// Download links for every output, and all of them as one ZIP (written by client-zip, not by hand).

import { downloadZip } from 'client-zip';
import { SpriteError, writeDashThumbnails, writeHlsImagePlaylist, type SpriteResult } from '../index.js';

const ZIP_URL_LIFETIME_MS = 60_000;

/** One file of a result, as the downloads and the ZIP name it. */
export interface ResultFile {
  name: string;
  blob: Blob;
}

/**
 * The HLS image playlist (`sprite.m3u8`) and the DASH AdaptationSet (`sprite.dash.xml`) of a result, where its tiles
 * are what they describe; for each that is not, why (the writer's message, naming what to set).
 */
function streamingTracks(result: SpriteResult): { files: ResultFile[]; refused: string[] } {
  const files: ResultFile[] = [];
  const refused: string[] = [];
  const attempt = (write: () => ResultFile) => {
    try {
      files.push(write());
    } catch (e) {
      if (!(e instanceof SpriteError)) throw e;
      refused.push(e.message);
    }
  };
  attempt(() => {
    const hls = writeHlsImagePlaylist(result);
    return { name: hls.name, blob: new Blob([hls.playlist], { type: 'application/vnd.apple.mpegurl' }) };
  });
  attempt(() => ({
    name: `${result.baseName}.dash.xml`,
    blob: new Blob([writeDashThumbnails(result)], { type: 'application/xml' }),
  }));
  return { files, refused };
}

/**
 * The files of a result, named after the job's template (`sprite-0.jpg`, `sprite.vtt`, `sprite.json`, …), with the
 * streaming tracks where the job allows them (`tracks`, from {@link streamingTracks}).
 */
function resultFiles(result: SpriteResult, tracks: ResultFile[]): ResultFile[] {
  const base = result.baseName;
  return [
    ...result.sheets.map((s) => ({ name: s.name, blob: s.blob })),
    { name: result.vttName, blob: new Blob([result.vtt], { type: 'text/vtt' }) },
    { name: `${base}.json`, blob: new Blob([JSON.stringify(result.manifest, null, 2)], { type: 'application/json' }) },
    {
      name: `${base}.storyboard.json`,
      blob: new Blob([JSON.stringify(result.storyboard, null, 2)], { type: 'application/json' }),
    },
    ...tracks,
  ];
}

/** Every file the downloads offer for `result`, streaming tracks included where the job allows them. */
export function filesOf(result: SpriteResult): ResultFile[] {
  return resultFiles(result, streamingTracks(result).files);
}

/** Saves `files` as one ZIP named `name` (written by client-zip), through a download link. */
export async function saveZip(files: readonly ResultFile[], name: string): Promise<void> {
  const blob = await downloadZip(files.map((f) => ({ name: f.name, input: f.blob, lastModified: new Date() }))).blob();
  const a = document.createElement('a');
  const url = URL.createObjectURL(blob);
  a.href = url;
  a.download = name;
  a.click();
  // The browser reads the URL after click() returns; a minute is ample for it to start the download.
  setTimeout(() => URL.revokeObjectURL(url), ZIP_URL_LIFETIME_MS);
}

/** A list of download links, one per file; the object URLs it makes are added to `urls` (to revoke later). */
export function fileLinks(files: readonly ResultFile[], urls: string[]): HTMLUListElement {
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
  return list;
}

/** Fills `host` with a link per file and a ZIP button; returns the object URLs it made (to revoke later). */
export function showDownloads(host: HTMLElement, result: SpriteResult): string[] {
  const urls: string[] = [];
  const tracks = streamingTracks(result);
  const files = resultFiles(result, tracks.files);
  const list = fileLinks(files, urls);
  const zip = document.createElement('button');
  zip.type = 'button';
  zip.id = 'zip';
  zip.textContent = `Download all (${files.length} files) as ZIP`;
  zip.addEventListener('click', () => void saveZip(files, `${result.baseName}.zip`));
  const heading = document.createElement('h3');
  heading.textContent = 'Download';
  // Why a streaming track is missing, with what to set: the default grid has padding, which they cannot describe.
  const notes = tracks.refused.map((message) => {
    const p = document.createElement('p');
    p.className = 'hint';
    p.textContent = message;
    return p;
  });
  host.replaceChildren(heading, zip, list, ...notes);
  host.hidden = false;
  return urls;
}
