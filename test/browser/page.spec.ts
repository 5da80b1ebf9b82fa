// The upload page, driven as a person would: sample run, own file, parameters ↔ process string, cancel, errors,
// ZIP download, and the seek-bar thumbnail. A screenshot of the finished page is kept under test-results/.

import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { unzipSync } from 'fflate';

const fixture = (name: string) => join(import.meta.dirname, '..', 'fixtures', name);
const status = (page: Page) => page.locator('#status');

async function done(page: Page): Promise<void> {
  await expect(status(page)).toHaveText(/^Done in/, { timeout: 90_000 });
}

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => console.log('pageerror:', e.message));
  await page.goto('/');
});

test('one click on the sample shows sheets, downloads and a scrub bar', async ({ page }) => {
  await expect(page.getByText('Nothing is uploaded')).toBeVisible();
  await page.getByRole('button', { name: 'Try the sample video' }).click();
  await done(page);
  await expect(status(page)).toContainText('10 frames on 1 sheet');
  // The sample is H.264 in MP4: the browser decodes it itself, and the page says so.
  await expect(status(page)).toContainText('Decoded by the browser (WebCodecs)');
  const sheet = page.getByRole('img', { name: /Sprite sheet 1: 10 frames/ });
  await expect(sheet).toBeVisible();
  expect(await sheet.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(2 * 2 + 5 * 160 + 4 * 2);
  // Each tile's time is on the grid (hover title).
  await expect(page.locator('svg.grid rect')).toHaveCount(10);
  await expect(page.locator('svg.grid rect title').nth(1)).toHaveText('0:00.500');
  await expect(page.getByRole('link', { name: 'sprite.vtt' })).toBeVisible();
  await expect(page.locator('video.player')).toBeVisible();
  await page.screenshot({ path: 'test-results/page-finished.png', fullPage: true });
});

test('the page keeps its engine warm: a second run loads no decoder again', async ({ page }) => {
  const cores: string[] = [];
  page.on('request', (r) => {
    if (/ffmpeg-core[^/]*\.wasm/.test(r.url())) cores.push(r.url());
  });
  // An AVI: only ffmpeg.wasm reads it, so the first run loads its cores.
  await page.locator('#file').setInputFiles(fixture('mpeg4_avi_400x300_bicycle.avi'));
  await done(page);
  const loaded = cores.length;
  expect(loaded).toBeGreaterThan(0);
  await page.getByLabel('Interval (ms)').fill('200');
  await page.getByRole('button', { name: 'Make sprites' }).click();
  await done(page);
  await expect(status(page)).toContainText('4 frames');
  expect(cores).toHaveLength(loaded);
});

test('a file chosen through the file input', async ({ page }) => {
  await page.locator('#file').setInputFiles(fixture('vp9-opus_webm_320x180_bbb.webm'));
  await done(page);
  await expect(page.locator('figure.sheet')).toHaveCount(1);
});

test('tiles show on their sheet as they are decoded; the encoded sheet then takes its place, nothing moving', async ({
  page,
}) => {
  // What is added under the results, in order, and the height of each sheet's frame at that moment.
  await page.evaluate(() => {
    const added: { what: string; sheet: string; height: number }[] = [];
    new MutationObserver((records) => {
      for (const record of records) {
        for (const node of record.addedNodes) {
          if (!(node instanceof HTMLCanvasElement || node instanceof HTMLImageElement)) continue;
          const figure = node.closest('figure')!;
          const frame = figure.querySelector('.sheet-frame')!;
          added.push({ what: node.localName, sheet: figure.dataset.sheet!, height: frame.clientHeight });
        }
      }
    }).observe(document.getElementById('sheets')!, { childList: true, subtree: true });
    Object.assign(window, { added });
  });
  await page.getByLabel('Columns').fill('2');
  await page.getByLabel('Rows').fill('2');
  await page.locator('#file').setInputFiles(fixture('vp9-opus_webm_320x180_bbb.webm'));
  await done(page);
  const added = await page.evaluate(
    () => (window as unknown as { added: { what: string; sheet: string; height: number }[] }).added,
  );
  const sheets = await page.locator('figure.sheet').count();
  expect(sheets).toBeGreaterThan(1);
  for (let i = 0; i < sheets; i++) {
    const mine = added.filter((a) => a.sheet === String(i));
    // The canvas the tiles are drawn on first, then the encoded image, at the same height.
    expect(mine.map((a) => a.what)).toEqual(['canvas', 'img']);
    expect(mine[1]!.height).toBe(mine[0]!.height);
    expect(mine[0]!.height).toBeGreaterThan(0);
  }
  // Once each image has loaded, its canvas is gone: only the encoded sheets remain, each with its grid.
  await expect(page.locator('figure.sheet canvas')).toHaveCount(0);
  await expect(page.locator('figure.sheet img')).toHaveCount(sheets);
  await expect(page.getByRole('img', { name: /Sprite sheet 1: 4 frames/ })).toBeVisible();
});

test('a parameter change shows in the process string, and a pasted string fills the form', async ({ page }) => {
  const processBox = page.getByLabel(/Process string/);
  await page.getByLabel('Columns').fill('7');
  await expect(processBox).toHaveValue(/,tw_7(,|$)/);
  await page.getByLabel('Mode').selectOption('key');
  await expect(processBox).toHaveValue(/m_key/);
  await expect(page.getByLabel('Interval (ms)')).toBeDisabled();
  await expect(page.getByLabel('Change threshold (%)')).toBeDisabled();
  await page.getByLabel('Mode').selectOption('dhash');
  await expect(page.getByLabel('Change threshold (%)')).toBeEnabled();

  await processBox.fill('video/sprite,f_png,m_avg,psw_10,psh_10,scaletype_fit,tw_10,th_10,pad_4,margin_5');
  await expect(page.getByLabel('Mode')).toHaveValue('avg');
  await expect(page.getByLabel('Format')).toHaveValue('png');
  await expect(page.getByLabel('Cell width (%)')).toHaveValue('10');
  await expect(page.getByLabel('Scale')).toHaveValue('fit');
  await expect(page.getByLabel('Quality')).toBeDisabled(); // png has no quality
  await expect(page.getByLabel(/percent of the video/)).toBeChecked();

  // The library's own message appears next to the field at fault, and in the string box for a bad string.
  await page.getByLabel('Columns').fill('101');
  await expect(page.locator('#opt-tw-error')).toContainText('tw must be an integer from 1 to 100');
  await expect(page.getByLabel('Columns')).toHaveAttribute('aria-invalid', 'true');
  await processBox.fill('video/sprite,f_jpg,sww_3');
  await expect(page.locator('#process-error')).toContainText('sww');
});

test('cancel a running job, then run another to the end', async ({ page }) => {
  // Hold the decoder's download back, so the job is certainly still running when Cancel is pressed.
  let release: () => void = () => {};
  const held = new Promise<void>((r) => (release = r));
  await page.route('**/ffmpeg-core*.wasm', async (route) => {
    await held;
    // The cancelled job's worker is gone by then, and its request with it.
    await route.continue().catch(() => {});
  });
  await page.locator('#file').setInputFiles(fixture('theora_ogv_214x160_calais-1906-film.ogv'));
  await expect(status(page)).toContainText('Loading the decoder');
  await expect(page.getByRole('button', { name: 'Cancel' })).toBeEnabled();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(status(page)).toHaveText('Cancelled.');
  await expect(page.locator('figure.sheet')).toHaveCount(0);
  release();
  await page.unroute('**/ffmpeg-core*.wasm');
  await page.getByLabel('Interval (ms)').fill('5000');
  await page.getByRole('button', { name: 'Make sprites' }).click();
  await done(page);
  await expect(status(page)).toContainText('4 frames');
});

test('a file that is not a video gets a plain message next to the file picker', async ({ page }) => {
  await page
    .locator('#file')
    .setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('just some text, not a video\n') });
  await expect(page.locator('#file-error')).toContainText('This is not a video we can read');
  await page.locator('#file').setInputFiles(fixture('opus_webm_audio-only_chime.webm'));
  await expect(page.locator('#file-error')).toContainText('sound but no picture');
});

test('a sheet too large is explained next to the parameters', async ({ page }) => {
  await page.getByLabel('Cell width (px)').fill('4000');
  await page.getByLabel('Columns').fill('10');
  await expect(page.locator('#opt-tw-error')).toContainText('16384 px limit');
  await expect(page.getByRole('button', { name: 'Make sprites' })).toBeEnabled();
});

test('the ZIP holds every sheet, the VTT, the manifest and the storyboard', async ({ page }) => {
  await page
    .getByLabel(/Process string/)
    .fill('video/sprite,f_png,sw_64,sh_36,inter_1000,tw_2,th_2|sys/saveas,b_Yg,o_dGh1bWJzLXtpbmRleH0ue2F1dG9leHR9');
  await page.getByRole('button', { name: 'Try the sample video' }).click();
  await done(page);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: /as ZIP/ }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('thumbs.zip');
  const entries = unzipSync(new Uint8Array(readFileSync(await download.path())));
  expect(Object.keys(entries).sort()).toEqual([
    'thumbs-0.png',
    'thumbs-1.png',
    'thumbs.json',
    'thumbs.storyboard.json',
    'thumbs.vtt',
  ]);
  expect([...entries['thumbs-0.png']!.slice(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
  const vtt = new TextDecoder().decode(entries['thumbs.vtt']);
  expect(vtt).toContain('thumbs-1.png#xywh=');
  const manifest = JSON.parse(new TextDecoder().decode(entries['thumbs.json'])) as { tiles: unknown[] };
  expect(manifest.tiles).toHaveLength(5);
});

test('evenly spaced tiles without padding: the ZIP and the downloads add the HLS playlist and the DASH track', async ({
  page,
}) => {
  await page.getByLabel(/Process string/).fill('video/sprite,f_jpg,sw_64,sh_36,inter_1000,tw_2,th_2,pad_0,margin_0');
  await page.getByRole('button', { name: 'Try the sample video' }).click();
  await done(page);
  await expect(page.locator('#downloads a')).toContainText(['sprite.m3u8', 'sprite.dash.xml']);
  await expect(page.locator('#downloads .hint')).toHaveCount(0);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: /as ZIP/ }).click(),
  ]);
  const entries = unzipSync(new Uint8Array(readFileSync(await download.path())));
  const playlist = new TextDecoder().decode(entries['sprite.m3u8']);
  expect(playlist).toContain('#EXT-X-TILES:RESOLUTION=64x36,LAYOUT=2x2,DURATION=1.000\n#EXTINF:4.000,\nsprite-0.jpg');
  const dash = new TextDecoder().decode(entries['sprite.dash.xml']);
  expect(dash).toContain('media="sprite-$Number$.jpg" timescale="1000" duration="4000"');
});

test('with the default padding, the downloads say why there is no HLS or DASH track and what to set', async ({
  page,
}) => {
  await page.getByLabel(/Process string/).fill('video/sprite,f_jpg,sw_64,sh_36,inter_1000,tw_2,th_2');
  await page.getByRole('button', { name: 'Try the sample video' }).click();
  await done(page);
  await expect(page.locator('#downloads a', { hasText: /m3u8|dash/ })).toHaveCount(0);
  await expect(page.locator('#downloads .hint')).toHaveText([
    /HLS image playlist.*Set pad to 0/,
    /DASH thumbnail track.*Set pad to 0/,
  ]);
});

test('each preset sets every field at once, the process string follows, and an edit makes the fields custom', async ({
  page,
}) => {
  const menu = page.getByLabel('Made for');
  const process = page.getByLabel(/Process string/);
  const field = (label: string | RegExp) => page.getByLabel(label, { exact: typeof label === 'string' });
  await expect(menu).toHaveValue('');
  // What each preset is for, as a person would check it: its grid, interval, size and gaps.
  const expected: [label: string, fields: [string | RegExp, string][], inString: string[]][] = [
    [
      'Seek-bar thumbnails (WebVTT)',
      [
        ['Interval (ms)', '2000'],
        ['Cell width (px)', '160'],
        ['Columns', '10'],
        ['Padding (px)', '0'],
        ['Scale', 'fit'],
      ],
      ['inter_2000', 'sw_160', 'sh_90', 'tw_10', 'th_10', 'pad_0', 'margin_0', 'scaletype_fit', 'q_80'],
    ],
    ['Mux-style storyboard', [['Cell width (px)', '256']], ['sw_256', 'sh_144', 'inter_2000', 'pad_0']],
    [
      'Roku / HLS image playlist',
      [
        ['Interval (ms)', '10000'],
        ['Columns', '5'],
        ['Rows', '5'],
      ],
      ['inter_10000', 'sw_320', 'tw_5', 'th_5', 'pad_0', 'margin_0', 'f_jpg'],
    ],
    ['DASH thumbnails', [['Columns', '10']], ['inter_10000', 'tw_10', 'th_10', 'pad_0']],
    [
      'Contact sheet to look at',
      [
        ['Mode', 'avg'],
        ['Number of frames', '24'],
        ['Padding (px)', '4'],
        ['Margin (px)', '8'],
      ],
      ['m_avg', 'num_24', 'tw_6', 'th_4', 'pad_4', 'margin_8'],
    ],
    [
      "The cloud API's defaults",
      [
        ['Interval (ms)', ''],
        ['Columns', ''],
        ['Padding (px)', ''],
      ],
      ['f_jpg'],
    ],
  ];
  for (const [label, fields, inString] of expected) {
    await menu.selectOption({ label });
    for (const [name, value] of fields) await expect(field(name), `${label}: ${String(name)}`).toHaveValue(value);
    const text = await process.inputValue();
    for (const part of inString) expect(text, label).toContain(part);
  }
  // The cloud API's defaults leave every number to its default: the string names none of them.
  expect(await process.inputValue()).not.toMatch(/inter_|tw_|pad_|sw_/);
  // Interval only counts in inter and dhash: the contact sheet's avg leaves it off.
  await menu.selectOption({ label: 'Contact sheet to look at' });
  await expect(field('Interval (ms)')).toBeDisabled();
  await field('Columns').fill('8');
  await expect(menu).toHaveValue('');
  await expect(process).toHaveValue(/tw_8/);
  // skip is ours: at its default the string leaves it out, so that it still passes the original cloud API.
  expect(await process.inputValue()).not.toContain('skip_');
  // It is folded under "More settings", with the other settings most jobs leave as they are.
  await expect(field('Avoid frames')).toBeHidden();
  await page.getByText('More settings').click();
  await field('Avoid frames').selectOption('all');
  await expect(process).toHaveValue(/,skip_all$/);
});

test('the result offers the snippet for the preset’s player, with the file names filled in, ready to copy', async ({
  page,
}) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByLabel('Made for').selectOption({ label: 'Roku / HLS image playlist' });
  await page.getByRole('button', { name: 'Try the sample video' }).click();
  await done(page);
  const player = page.getByLabel('Player');
  const code = page.locator('#snippet-code');
  await expect(player).toHaveValue('hls');
  // The 5 s sample at one tile every 10 s: one 320 × 180 tile.
  await expect(code).toHaveText(
    /^#EXT-X-IMAGE-STREAM-INF:BANDWIDTH=\d+,RESOLUTION=320x180,CODECS="jpeg",URI="sprite.m3u8"$/,
  );
  await page.getByRole('button', { name: 'Copy' }).click();
  await expect(page.locator('#snippets [role=status]')).toHaveText('Copied.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await code.textContent());
  await player.selectOption('dash');
  await expect(code).toContainText('<AdaptationSet');
  // One sheet: its own name is the whole template.
  await expect(code).toContainText('<SegmentTemplate media="sprite-0.jpg"');
  await player.selectOption('track');
  await expect(code).toHaveText(
    '<video controls src="big-buck-bunny-320x180.mp4">\n  <track kind="metadata" label="thumbnails" src="sprite.vtt" default />\n</video>',
  );
  await player.selectOption('vidstack');
  // One sheet: Vidstack takes the Mux-style storyboard.
  await expect(code).toContainText('thumbnails="sprite.storyboard.json"');
  await player.selectOption('plyr');
  await expect(code).toContainText('previewThumbnails: { enabled: true, src: "sprite.vtt" }');
});

test('a snippet the result cannot have says why, and what to set', async ({ page }) => {
  // The page's own defaults have padding, which the HLS and DASH tracks cannot describe.
  await page.getByRole('button', { name: 'Try the sample video' }).click();
  await done(page);
  await expect(page.getByLabel('Player')).toHaveValue('track');
  await page.getByLabel('Player').selectOption('hls');
  await expect(page.locator('#snippet-code')).toBeHidden();
  await expect(page.locator('#snippets p.hint')).toHaveText(/HLS image playlist.*Set pad to 0/);
  await expect(page.getByRole('button', { name: 'Copy' })).toBeDisabled();
});

test('hovering the seek bar shows the thumbnail of the tile on screen at that time', async ({ page }) => {
  await page.getByRole('button', { name: 'Try the sample video' }).click();
  await done(page);
  const range = page.locator('#scrub-range');
  const duration = Number(await range.getAttribute('max'));
  for (const fraction of [0.05, 0.37, 0.81]) {
    const box = (await range.boundingBox())!;
    await range.hover({ position: { x: box.width * fraction, y: box.height / 2 } });
    const thumb = page.locator('.preview .thumb');
    await expect(thumb).toBeVisible();
    // Tiles every 500 ms, 160 × 90, five per row with 2 px padding and margin.
    const k = Math.floor((fraction * duration * 1000) / 500);
    const x = 2 + (k % 5) * 162;
    const y = 2 + Math.floor(k / 5) * 92;
    await expect(thumb).toHaveAttribute('data-xywh', `${x},${y},160,90`);
    await expect(thumb).toHaveCSS('background-position', `-${x}px -${y}px`);
    expect(await thumb.evaluate((el) => getComputedStyle(el).backgroundImage)).toContain('blob:');
  }
  // Keyboard: focus and arrow keys move the preview too.
  await range.focus();
  await page.keyboard.press('End');
  await expect(page.locator('.preview .thumb')).toHaveAttribute('data-xywh', `${2 + 4 * 162},94,160,90`);
});

for (const [device, size] of [
  ['a laptop, 1440 × 900', { width: 1440, height: 900 }],
  ['a phone, 390 × 844', { width: 390, height: 844 }],
] as const) {
  test(`one click on the sample: the sheet and the player in the first screenful, no scrolling (${device})`, async ({
    page,
  }) => {
    await page.setViewportSize(size);
    await page.getByRole('button', { name: 'Try the sample video' }).click();
    await done(page);
    await page.screenshot({ path: `test-results/page-first-screen-${size.width}.png` });
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    for (const shown of [page.locator('video.player'), page.getByRole('img', { name: /Sprite sheet 1/ })]) {
      const box = (await shown.boundingBox())!;
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.y + box.height, String(shown)).toBeLessThanOrEqual(size.height);
      expect(box.x + box.width).toBeLessThanOrEqual(size.width);
    }
    const settings = (await page.locator('.pane-params').boundingBox())!;
    const result = (await page.locator('#results').boundingBox())!;
    if (size.width > 1000) {
      // Two panes: the settings beside the result, not below it.
      expect(settings.x + settings.width).toBeLessThanOrEqual(result.x);
      expect(settings.y).toBeLessThan(size.height);
    } else {
      // One column: the result first, the settings below it.
      expect(settings.y).toBeGreaterThanOrEqual(result.y + result.height);
    }
  });
}

test('a chosen video gets an interval for about a hundred tiles on one sheet, short or two hours long', async ({
  page,
}) => {
  // 2 hours at 1 frame a second, 64 × 36: made at test time, a few hundred KB.
  const long = join(mkdtempSync(join(tmpdir(), 'page-')), 'two-hours.mp4');
  execFileSync(
    'ffmpeg',
    ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=64x36:rate=1', '-t', '7200'].concat([
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-g',
      '300',
      '-pix_fmt',
      'yuv420p',
      long,
    ]),
  );
  const field = (label: string) => page.getByLabel(label, { exact: true });
  await page.locator('#file').setInputFiles(fixture('h264-aac_fmp4_320x180_bbb.mp4'));
  await done(page);
  // 5 s: a tile every 50 ms, 10 × 10.
  await expect(field('Interval (ms)')).toHaveValue('50');
  await expect(field('Rows')).toHaveValue('10');
  await expect(status(page)).toContainText('100 frames on 1 sheet');
  await expect(page.locator('#grid-note')).toHaveText(
    /Interval set to 0.05 s for this 0:05 video: about 100 tiles on one sheet/,
  );

  await page.locator('#file').setInputFiles(long);
  await done(page);
  await expect(field('Interval (ms)')).toHaveValue('90000');
  await expect(field('Columns')).toHaveValue('10');
  await expect(field('Rows')).toHaveValue('8');
  await expect(status(page)).toContainText('80 frames on 1 sheet');

  // MPEG-TS: the browser's player cannot read it; a one-tile job on the engine gives its length (4 s).
  await page.locator('#file').setInputFiles(fixture('h264_ts_256x110_sar110-109.ts'));
  await done(page);
  await expect(field('Interval (ms)')).toHaveValue('50');
  await expect(field('Rows')).toHaveValue('8');
  await expect(page.locator('#grid-note')).toHaveText(/for this 0:04 video: about 80 tiles on one sheet/);

  // Set by hand, the interval stays for the next video.
  await field('Interval (ms)').fill('1000');
  await page.locator('#file').setInputFiles(fixture('h264-aac_fmp4_320x180_bbb.mp4'));
  await done(page);
  await expect(field('Interval (ms)')).toHaveValue('1000');
  await expect(page.locator('#grid-note')).toHaveText('');
  await expect(status(page)).toContainText('5 frames');
});

test('three videos at once: one after the other, a result group each, one ZIP with a folder each', async ({ page }) => {
  const three = ['h264-aac_fmp4_320x180_bbb.mp4', 'vp9-opus_webm_320x180_bbb.webm', 'mpeg4_avi_400x300_bicycle.avi'];
  await page.getByLabel(/Process string/).fill('video/sprite,f_jpg,sw_64,sh_36,inter_1000,tw_3,th_2');
  await page.locator('#file').setInputFiles(three.map(fixture));
  await expect(status(page)).toHaveText('Done: 3 of 3 videos made sprites.', { timeout: 120_000 });
  const groups = page.locator('#batch section.group');
  await expect(groups).toHaveCount(3);
  await expect(groups.locator('h3')).toHaveText(three);
  // The same settings for every video: 1 s apart, 3 × 2 cells of 64 × 36; the AVI ran on ffmpeg.wasm, the rest on
  // WebCodecs, on the one warm engine.
  await expect(groups.locator('p.status')).toHaveText([
    'Done: 5 frames on 1 sheet(s).',
    'Done: 5 frames on 1 sheet(s).',
    /^Done: \d+ frames on \d+ sheet\(s\)\.$/,
  ]);
  for (const [i] of three.entries()) {
    await expect(groups.nth(i).getByRole('img', { name: /Sprite sheet 1/ })).toBeVisible();
    await expect(groups.nth(i).getByRole('link', { name: 'sprite.vtt' })).toBeVisible();
  }
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: /Download all \(\d+ files of 3 videos\) as one ZIP/ }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('sprites.zip');
  const entries = unzipSync(new Uint8Array(readFileSync(await download.path())));
  for (const folder of ['h264-aac_fmp4_320x180_bbb', 'vp9-opus_webm_320x180_bbb', 'mpeg4_avi_400x300_bicycle']) {
    for (const name of ['sprite-0.jpg', 'sprite.vtt', 'sprite.json', 'sprite.storyboard.json'])
      expect(Object.keys(entries), `${folder}/${name}`).toContain(`${folder}/${name}`);
  }
  await page.screenshot({ path: 'test-results/page-batch.png', fullPage: true });
  // Each folder's VTT points at its own sheets.
  expect(new TextDecoder().decode(entries['vp9-opus_webm_320x180_bbb/sprite.vtt'])).toContain('sprite-0.jpg#xywh=');
});

test('a folder of videos runs as a batch; what is not a video in it is left out', async ({ page }) => {
  const folder = mkdtempSync(join(tmpdir(), 'page-folder-'));
  for (const name of ['h264-aac_fmp4_320x180_bbb.mp4', 'vp9-opus_webm_320x180_bbb.webm'])
    copyFileSync(fixture(name), join(folder, name));
  writeFileSync(join(folder, 'notes.txt'), 'not a video');
  await page.getByLabel(/Process string/).fill('video/sprite,f_jpg,sw_64,sh_36,inter_1000,tw_3,th_2');
  await page.locator('#folder').setInputFiles(folder);
  await expect(status(page)).toHaveText('Done: 2 of 2 videos made sprites.', { timeout: 60_000 });
  await expect(page.locator('#batch section.group h3')).toHaveText([
    'h264-aac_fmp4_320x180_bbb.mp4',
    'vp9-opus_webm_320x180_bbb.webm',
  ]);
});

test('cancel during a batch stops the running video and the rest', async ({ page }) => {
  const three = ['mpeg4_avi_400x300_bicycle.avi', 'h264-aac_fmp4_320x180_bbb.mp4', 'vp9-opus_webm_320x180_bbb.webm'];
  await page.getByLabel(/Process string/).fill('video/sprite,f_jpg,sw_64,sh_36,inter_100,tw_10,th_10');
  await page.locator('#file').setInputFiles(three.map(fixture));
  // The first (an AVI, on ffmpeg.wasm, whose core loads first) is still running.
  await expect(status(page)).toHaveText(/^Video 1 of 3/);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(status(page)).toHaveText('Cancelled after 0 of 3 videos.', { timeout: 30_000 });
  await expect(page.locator('#batch p.status')).toHaveText(['Cancelled.', 'Cancelled.', 'Cancelled.']);
  await expect(page.getByRole('button', { name: /Download all/ })).toBeDisabled();
});

test('usable on a phone-sized screen', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await page.getByRole('button', { name: 'Try the sample video' }).click();
  await done(page);
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: 'test-results/page-phone.png', fullPage: true });
});

test('a file the browser cannot play (HEVC in MPEG-TS) still gets a thumbnail timeline', async ({ page }) => {
  await page.locator('#file').setInputFiles(fixture('hevc-aac_ts_1920x1080_bbb.ts'));
  await done(page);
  // Where the browser has no HEVC decoder (Debian's Chromium), ffmpeg.wasm made the frames, and the page says why.
  const hevc = await page.evaluate(
    async () => (await VideoDecoder.isConfigSupported({ codec: 'hev1.1.6.L120.90' })).supported === true,
  );
  await expect(status(page)).toContainText(
    hevc
      ? 'Decoded by the browser (WebCodecs)'
      : 'Decoded by ffmpeg.wasm: WebCodecs cannot take this file: this browser has no decoder for hev',
  );
  await expect(page.locator('video.player')).toHaveCount(0);
  await expect(page.getByText('cannot play this file itself')).toBeVisible();
  const range = page.locator('#scrub-range');
  const box = (await range.boundingBox())!;
  await range.hover({ position: { x: box.width * 0.5, y: box.height / 2 } });
  await expect(page.locator('.preview .thumb')).toHaveAttribute('data-xywh', /^\d+,\d+,160,90$/);
});
