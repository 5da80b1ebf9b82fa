// Every public export of the package, and every member of its exported types, must carry a doc comment; the root
// entry stays small and exports nothing @internal. The checker itself is proven on in-memory fixtures first.

import { resolve } from 'node:path';
import ts from 'typescript';
import { assert, beforeAll, describe, expect, it } from 'vitest';
import {
  checkPublicDocs,
  createPublicProgram,
  publicDocsCompilerOptions,
  type PublicDocsReport,
  type PublicEntry,
} from '../../tools/public-docs.js';

const ROOT = resolve(import.meta.dirname, '../..');

// The narrower entry first: a gap both entries expose is then reported once, under `src/core/index.ts`.
const ENTRIES: PublicEntry[] = [
  { file: 'src/core/index.ts', allowInternal: true },
  { file: 'src/index.ts', allowInternal: false },
  // The package root on a server ("node" export condition): the same surface, without workers.
  { file: 'src/server.ts', allowInternal: false },
];

/** The package root's whole public surface (README "Using the library"); `video-sprite/core` has the pure rest. */
const ROOT_EXPORTS = [
  // Making sprites.
  'generateSprites',
  'createSpriteGenerator',
  'GenerateOptions',
  'GenerateSpritesOptions',
  'SpriteGenerator',
  'SpriteGeneratorSettings',
  'SpriteInput',
  'SpriteResult',
  'SpriteObjectUrls',
  'SpriteSheet',
  'TileDrawn',
  'ExtraSize',
  'SpriteProgress',
  'SpritePhase',
  'Tile',
  'VideoSourceInfo',
  'EngineChoice',
  'EngineName',
  'EngineReport',
  'FrameTableSource',
  'WebCodecsReport',
  'FfmpegReport',
  'EngineFallback',
  'SheetEncoder',
  'FfmpegSettings',
  // Errors.
  'SpriteError',
  'SPRITE_ERROR_CODES',
  'SpriteErrorCode',
  // Options, process strings, and the rules a form needs.
  'SpriteOptions',
  'ResolvedOptions',
  'SpriteFormat',
  'SpriteMode',
  'ScaleType',
  'SkipRule',
  'OptionKey',
  'OptionRule',
  'OPTION_KEYS',
  'OPTION_RULES',
  'OPTION_DEFAULTS',
  'describeRule',
  'resolveOptions',
  'checkSheetSizeEarly',
  'parseProcess',
  'formatProcess',
  'ParsedProcess',
  'SaveAs',
  'Notify',
  // Writers of the track, manifest and storyboard.
  'writeVtt',
  'buildManifest',
  'buildStoryboard',
  'SheetUrlOptions',
  'SpriteManifest',
  'ManifestInput',
  'ManifestSheet',
  'Storyboard',
  'StoryboardTile',
  'writeHlsImagePlaylist',
  'writeDashThumbnails',
  'HlsImagePlaylist',
  'HlsImagePlaylistOptions',
  'DashThumbnailsOptions',
  'ImageTrackSource',
];

// Lib files parsed once for all fixtures: lib.dom.d.ts alone takes a few hundred ms to parse.
const libFiles = new Map<string, ts.SourceFile | undefined>();

/** A Program over in-memory files under `/virtual`; lib files still come from the installed TypeScript. */
function virtualProgram(files: Record<string, string>, entries: readonly PublicEntry[]): ts.Program {
  const options = publicDocsCompilerOptions(ROOT);
  const host = ts.createCompilerHost(options);
  const virtual = new Map(Object.entries(files).map(([name, text]) => [`/virtual/${name}`, text]));
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) => {
    const text = virtual.get(name);
    if (text !== undefined) return ts.createSourceFile(name, text, lang);
    if (!libFiles.has(name)) libFiles.set(name, getSourceFile(name, lang, ...rest));
    return libFiles.get(name);
  };
  host.fileExists = (name) => virtual.has(name) || fileExists(name);
  host.readFile = (name) => virtual.get(name) ?? readFile(name);
  // Module resolution looks for the folder before the file.
  host.directoryExists = (dir) =>
    [...virtual.keys()].some((f) => f.startsWith(`${dir}/`)) || ts.sys.directoryExists(dir);
  return ts.createProgram({ rootNames: entries.map((e) => `/virtual/${e.file}`), options, host });
}

/** Fails with every line at once, so a developer sees all the gaps in one run. */
function expectNone(lines: readonly string[], what: string): void {
  if (lines.length > 0) assert.fail(`${lines.length} ${what}:\n${lines.join('\n')}`);
}

describe('the doc checker (fixtures)', () => {
  it('reports the undocumented export and the undocumented member, nothing else', () => {
    const entries = [{ file: 'src/index.ts', allowInternal: false }];
    const program = virtualProgram(
      {
        'src/index.ts': [
          '/** Documented. */',
          'export function documented(): void {}',
          'export function undocumented(): void {}',
          '/** A shape. */',
          'export interface Shape {',
          '  /** Width in px. */',
          '  width: number;',
          '  height: number;',
          '}',
        ].join('\n'),
      },
      entries,
    );
    expect(checkPublicDocs(program, '/virtual', entries).failures).toEqual([
      'src/index.ts: undocumented — no doc comment (declared at src/index.ts:3)',
      'src/index.ts: Shape.height — no doc comment (declared at src/index.ts:8)',
    ]);
  });

  it('applies the member rules: classes, enums, unions, intersections, consts, lib members, @internal', () => {
    const entries = [
      { file: 'src/sub.ts', allowInternal: true },
      { file: 'src/index.ts', allowInternal: false },
    ];
    const program = virtualProgram(
      {
        'src/sub.ts': [
          '/** Kept for tools. @internal */', // 1
          'export const secret = 1;',
          '/** Shared. */',
          'export interface Shared { x: number }', // 4: gap, reported once under src/sub.ts
        ].join('\n'),
        'src/index.ts': [
          "export * from './sub.js';", // 1
          "import type { Shared } from './sub.js';",
          '/** An error. */',
          'export class Oops extends Error {',
          '  /** Documented. */',
          '  readonly code = 1;',
          '  bare = 2;', // 7: gap
          '  private hidden = 3;',
          '  protected guarded = 4;',
          '  #secret = 5;',
          '  constructor() { super("x"); }',
          '  static make(): Oops { return new Oops(); }', // 12: gap
          '}',
          '/** Colours. */',
          'export enum Colour {',
          '  /** Red. */',
          '  Red,',
          '  Green,', // 18: gap
          '}',
          '/** Events. */',
          'export type Ev =',
          '  | {',
          '      /** Tag. */',
          '      type: "a";',
          '      n: number;', // 25: gap
          '    }',
          '  | {',
          '      /** Tag. */',
          '      type: "b";',
          '      s: string;', // 30: gap
          '    }',
          '  | string;',
          '/** Mixed. */',
          'export type Mix = Shared & {', // Shared.x is reported once, under src/sub.ts
          '  /** Y. */',
          '  y: number;',
          '  z: number;', // 37: gap
          '};',
          '/** Table. */',
          'export const TABLE = { a: 1, b: 2 };', // members of a const are not checked
          '/** Input. */',
          'export type Input = Blob | URL | string;', // lib members are not checked
        ].join('\n'),
      },
      entries,
    );
    expect(checkPublicDocs(program, '/virtual', entries).failures).toEqual([
      'src/sub.ts: Shared.x — no doc comment (declared at src/sub.ts:4)',
      'src/index.ts: Oops.bare — no doc comment (declared at src/index.ts:7)',
      'src/index.ts: Oops.make — no doc comment (declared at src/index.ts:12)',
      'src/index.ts: Colour.Green — no doc comment (declared at src/index.ts:18)',
      'src/index.ts: Ev.n — no doc comment (declared at src/index.ts:25)',
      'src/index.ts: Ev.s — no doc comment (declared at src/index.ts:30)',
      'src/index.ts: Mix.z — no doc comment (declared at src/index.ts:37)',
      // `export *` names come after the module's own.
      'src/index.ts: secret — tagged @internal but reachable from the package root (declared at src/sub.ts:2)',
    ]);
  });
  it('reports re-exports that do not resolve, which would otherwise shrink the surface silently', () => {
    const entries = [{ file: 'src/index.ts', allowInternal: false }];
    const program = virtualProgram(
      {
        'src/index.ts': ["export * from './gone.js';", "export type { Missing } from './sub.js';"].join('\n'),
        'src/sub.ts': '/** Present. */\nexport type Present = number;',
      },
      entries,
    );
    expect(checkPublicDocs(program, '/virtual', entries).failures).toEqual([
      "src/index.ts: cannot resolve re-export './gone.js' (declared at src/index.ts:1)",
      'src/index.ts: Missing — export does not resolve (declared at src/index.ts:2)',
    ]);
  });
});

describe('the public API', () => {
  let report: PublicDocsReport;
  beforeAll(() => {
    // One Program and one checker for both entries.
    report = checkPublicDocs(createPublicProgram(ROOT, ENTRIES), ROOT, ENTRIES);
  });

  it('documents every export and every member of the exported types', () => {
    expectNone(report.failures, 'public API doc gaps (add a /** … */ summary, or stop exporting the name)');
  });

  it('exports exactly the documented public surface from the package root, no internal helper', () => {
    // A change here is a change of the public, semver-bound API: make it on purpose, and update the README.
    expect([...(report.exportNames.get('src/index.ts') ?? [])].sort()).toEqual([...ROOT_EXPORTS].sort());
  });

  it('exports the same names from the server root, so that code shared by server and client compiles against both', () => {
    expect([...(report.exportNames.get('src/server.ts') ?? [])].sort()).toEqual([...ROOT_EXPORTS].sort());
  });
});
