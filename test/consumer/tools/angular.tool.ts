// Angular 21 as `ng new --minimal` (zoneless, no SSR) makes it (its build and serve targets; the generators' defaults
// left out), with the @angular/build application builder: `ng serve`, and `ng build` served statically; plus the
// README's Angular step in angular.json (see ANGULAR_STEP).

import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '../static-server.js';
import { copyPage, freePort, npmInstall, PAGE_BODY, run, serve, write, type ConsumerTool } from './tool.js';

// What `ng new` of @angular/cli 21.2.30 writes as ^/~ ranges, pinned (Angular 21 runs on Node ^20.19).
const FRAMEWORK = '21.2.26';
const CLI = '21.2.30';
const DEPENDENCIES = {
  '@angular/common': FRAMEWORK,
  '@angular/compiler': FRAMEWORK,
  '@angular/core': FRAMEWORK,
  '@angular/forms': FRAMEWORK,
  '@angular/platform-browser': FRAMEWORK,
  '@angular/router': FRAMEWORK,
  rxjs: '7.8.2',
  tslib: '2.9.1',
};
// ng new also adds prettier, which no build step uses.
const DEV_DEPENDENCIES = {
  '@angular/build': CLI,
  '@angular/cli': CLI,
  '@angular/compiler-cli': FRAMEWORK,
  typescript: '5.9.3',
};

/**
 * The README's Angular step, one edit of angular.json. The application builder bundles a package's code but leaves
 * its `new Worker(new URL('./x.js', import.meta.url))` and `new URL('./x.wasm', import.meta.url)` as they are and
 * emits no file for them (it rewrites Worker URLs only in the app's own TypeScript), so the package's files are copied
 * next to the bundle, where those URLs point: `import.meta.url` is a chunk at the root of the output. `ng serve` would
 * still load the package from Vite's pre-bundle cache (`.angular/cache/…/vite/deps/`), where the URLs point at
 * nothing, hence the package is also excluded from pre-bundling and bundled into the app's code as in `ng build`.
 */
const ANGULAR_STEP = {
  asset: { glob: '**/*', input: 'node_modules/video-sprite/dist', output: '/' },
  serve: { prebundle: { exclude: ['video-sprite'] } },
};

const ANGULAR_JSON = {
  $schema: './node_modules/@angular/cli/lib/config/schema.json',
  version: 1,
  cli: { packageManager: 'npm' },
  newProjectRoot: 'projects',
  projects: {
    app: {
      projectType: 'application',
      root: '',
      sourceRoot: 'src',
      prefix: 'app',
      architect: {
        build: {
          builder: '@angular/build:application',
          options: {
            browser: 'src/main.ts',
            tsConfig: 'tsconfig.app.json',
            assets: [{ glob: '**/*', input: 'public' }, ANGULAR_STEP.asset],
            styles: ['src/styles.css'],
          },
          configurations: {
            production: {
              budgets: [
                { type: 'initial', maximumWarning: '500kB', maximumError: '1MB' },
                { type: 'anyComponentStyle', maximumWarning: '4kB', maximumError: '8kB' },
              ],
              outputHashing: 'all',
            },
            development: { optimization: false, extractLicenses: false, sourceMap: true },
          },
          defaultConfiguration: 'production',
        },
        serve: {
          builder: '@angular/build:dev-server',
          options: ANGULAR_STEP.serve,
          configurations: {
            production: { buildTarget: 'app:build:production' },
            development: { buildTarget: 'app:build:development' },
          },
          defaultConfiguration: 'development',
        },
      },
    },
  },
};

const TSCONFIG = {
  compileOnSave: false,
  compilerOptions: {
    strict: true,
    noImplicitOverride: true,
    noPropertyAccessFromIndexSignature: true,
    noImplicitReturns: true,
    noFallthroughCasesInSwitch: true,
    skipLibCheck: true,
    isolatedModules: true,
    experimentalDecorators: true,
    importHelpers: true,
    target: 'ES2022',
    module: 'preserve',
  },
  angularCompilerOptions: {
    enableI18nLegacyMessageIdFormat: false,
    strictInjectionParameters: true,
    strictInputAccessModifiers: true,
    strictTemplates: true,
  },
  files: [],
  references: [{ path: './tsconfig.app.json' }],
};

const TSCONFIG_APP = {
  extends: './tsconfig.json',
  compilerOptions: { outDir: './out-tsc/app', types: [] },
  include: ['src/**/*.ts'],
  exclude: ['src/**/*.spec.ts'],
};

const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>App</title>
  <base href="/">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="icon" type="image/x-icon" href="favicon.ico">
</head>
<body>
  <app-root></app-root>
</body>
</html>
`;

const MAIN_TS = `import { bootstrapApplication } from '@angular/platform-browser';
import { appConfig } from './app/app.config';
import { App } from './app/app';

bootstrapApplication(App, appConfig)
  .catch((err) => console.error(err));
`;

const APP_CONFIG = `import { ApplicationConfig, provideBrowserGlobalErrorListeners } from '@angular/core';
import { provideRouter } from '@angular/router';

import { routes } from './app.routes';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideRouter(routes)
  ]
};
`;

// ng new's root component with the shared page as its template, attached once rendered in the browser.
const APP_TS = `import { afterNextRender, Component, ElementRef, inject } from '@angular/core';
import { attach } from './sprite-page.js';

@Component({
  selector: 'app-root',
  template: \`
${PAGE_BODY.trimEnd()}
  \`,
  styles: [],
})
export class App {
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);

  constructor() {
    afterNextRender(() => {
      const root = this.host.nativeElement;
      attach(root.querySelector<HTMLInputElement>('#video')!, root.querySelector<HTMLElement>('#out')!);
    });
  }
}
`;

const tool: ConsumerTool = {
  id: 'angular',
  name: `Angular ${FRAMEWORK} + Angular CLI ${CLI} (application builder)`,
  create(dir, tarball) {
    write(join(dir, 'angular.json'), JSON.stringify(ANGULAR_JSON, null, 2) + '\n');
    write(join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2) + '\n');
    write(join(dir, 'tsconfig.app.json'), JSON.stringify(TSCONFIG_APP, null, 2) + '\n');
    write(join(dir, 'src', 'index.html'), INDEX_HTML);
    write(join(dir, 'src', 'main.ts'), MAIN_TS);
    write(
      join(dir, 'src', 'styles.css'),
      '/* You can add global styles to this file, and also import other style files */\n',
    );
    write(join(dir, 'src', 'app', 'app.config.ts'), APP_CONFIG);
    write(
      join(dir, 'src', 'app', 'app.routes.ts'),
      "import { Routes } from '@angular/router';\n\nexport const routes: Routes = [];\n",
    );
    write(join(dir, 'src', 'app', 'app.ts'), APP_TS);
    copyPage(join(dir, 'src', 'app'));
    npmInstall(dir, tarball, {
      scripts: {
        ng: 'ng',
        start: 'ng serve',
        build: 'ng build',
        watch: 'ng build --watch --configuration development',
      },
      dependencies: DEPENDENCIES,
      devDependencies: DEV_DEPENDENCIES,
    });
    // ng new's favicon, from the schematic that writes it (index.html links it: a missing one would be a 404).
    mkdirSync(join(dir, 'public'), { recursive: true });
    copyFileSync(
      join(
        dir,
        'node_modules',
        '@schematics',
        'angular',
        'application',
        'files',
        'common-files',
        'public',
        'favicon.ico.template',
      ),
      join(dir, 'public', 'favicon.ico'),
    );
  },
  modes: [
    {
      name: 'dev',
      async start(dir) {
        const port = await freePort();
        // CI=true turns the CLI cache off, and pre-bundling with it: serve as on a developer's machine, where both are on.
        return serve('npx', ['ng', 'serve', '--port', String(port)], dir, `http://localhost:${port}/`, {
          env: { CI: '' },
        });
      },
    },
    {
      name: 'build',
      async start(dir) {
        run('npx', ['ng', 'build'], dir);
        const server = await serveStatic(join(dir, 'dist', 'app', 'browser'), '/');
        return { url: server.url, stop: () => server.close() };
      },
      output: (dir) => ({ client: [join(dir, 'dist', 'app', 'browser')] }),
    },
  ],
};

export default tool;
