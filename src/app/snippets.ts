// What to paste into a player for a result, with its file names filled in: the `<track>` tag, Vidstack's attribute,
// Plyr's option, the HLS master playlist's line and the DASH AdaptationSet (from the library's own writers).

import { SpriteError, writeDashThumbnails, writeHlsImagePlaylist, type SpriteResult } from '../index.js';

/** The snippets the page offers. */
export type SnippetKind = 'track' | 'vidstack' | 'plyr' | 'hls' | 'dash';

/** Each snippet's name in the player menu, in the menu's order. */
export const SNIPPET_LABELS: Readonly<Record<SnippetKind, string>> = {
  track: '<track> tag (media-chrome, Video.js 10, any player reading WebVTT thumbnails)',
  vidstack: 'Vidstack (thumbnails attribute)',
  plyr: 'Plyr (previewThumbnails option)',
  hls: 'HLS master playlist line (Roku, Shaka Player)',
  dash: 'DASH AdaptationSet (Shaka Player, dash.js, Roku)',
};

/** A snippet's text, or why the result cannot have it (the library's message, naming what to set). */
export type Snippet = { text: string } | { refused: string };

/** Quotes a file name for an HTML attribute or a JavaScript string. */
const attribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
const jsString = (value: string) => JSON.stringify(value);

/**
 * The snippet of `kind` for `result`, naming its files as the downloads name them, beside the video `videoName`.
 * The storyboard JSON goes to Vidstack where the job made one sheet: Mux's shape, which Vidstack reads, has one image.
 */
export function snippetFor(kind: SnippetKind, result: SpriteResult, videoName: string): Snippet {
  const vtt = result.vttName;
  const thumbnails = result.sheets.length === 1 ? `${result.baseName}.storyboard.json` : vtt;
  try {
    switch (kind) {
      case 'track':
        return {
          text: [
            `<video controls src="${attribute(videoName)}">`,
            `  <track kind="metadata" label="thumbnails" src="${attribute(vtt)}" default />`,
            '</video>',
          ].join('\n'),
        };
      case 'vidstack':
        return {
          text: [
            `<media-player src="${attribute(videoName)}">`,
            '  <media-provider></media-provider>',
            `  <media-video-layout thumbnails="${attribute(thumbnails)}"></media-video-layout>`,
            '</media-player>',
          ].join('\n'),
        };
      case 'plyr':
        return {
          text: `const player = new Plyr('#player', {\n  previewThumbnails: { enabled: true, src: ${jsString(vtt)} },\n});`,
        };
      case 'hls':
        return { text: writeHlsImagePlaylist(result).streamInf };
      case 'dash':
        return { text: writeDashThumbnails(result) };
    }
  } catch (e) {
    if (e instanceof SpriteError) return { refused: e.message };
    throw e;
  }
}

/**
 * Fills `host` with a player menu (starting at `initial`), the chosen snippet and a Copy button; the menu keeps
 * every player, and a snippet the result cannot have says why instead.
 */
export function showSnippets(host: HTMLElement, result: SpriteResult, videoName: string, initial: SnippetKind): void {
  const heading = document.createElement('h3');
  heading.textContent = 'Paste into your player';
  const label = document.createElement('label');
  label.htmlFor = 'snippet-kind';
  label.textContent = 'Player';
  const menu = document.createElement('select');
  menu.id = 'snippet-kind';
  for (const [kind, name] of Object.entries(SNIPPET_LABELS)) menu.append(new Option(name, kind));
  menu.value = initial;
  const code = document.createElement('code');
  code.id = 'snippet-code';
  const pre = document.createElement('pre');
  pre.append(code);
  // Focusable so that a keyboard can scroll a long snippet (the DASH set).
  pre.tabIndex = 0;
  pre.setAttribute('aria-label', 'Snippet');
  const copy = document.createElement('button');
  copy.type = 'button';
  copy.id = 'snippet-copy';
  copy.textContent = 'Copy';
  const said = document.createElement('span');
  said.className = 'hint';
  said.setAttribute('role', 'status');
  const why = document.createElement('p');
  why.className = 'hint';
  const show = () => {
    const snippet = snippetFor(menu.value as SnippetKind, result, videoName);
    const text = 'text' in snippet ? snippet.text : '';
    code.textContent = text;
    pre.hidden = !text;
    copy.disabled = !text;
    why.textContent = 'refused' in snippet ? snippet.refused : '';
    said.textContent = '';
  };
  menu.addEventListener('change', show);
  copy.addEventListener('click', () => {
    navigator.clipboard.writeText(code.textContent).then(
      () => (said.textContent = 'Copied.'),
      () => (said.textContent = 'The browser did not allow copying: select the text instead.'),
    );
  });
  const row = document.createElement('p');
  row.className = 'snippet-row';
  row.append(label, menu, copy, said);
  host.replaceChildren(heading, row, pre, why);
  host.hidden = false;
  show();
}
