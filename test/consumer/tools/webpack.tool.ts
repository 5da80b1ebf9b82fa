// webpack 5 as its guides set it up (webpack-cli, HtmlWebpackPlugin, webpack-dev-server): the dev server, and the
// production build served statically under a sub-path.

import { join } from 'node:path';
import { freePort, npmInstall, serve, staticBuild, write, writeScriptApp, type ConsumerTool } from './tool.js';

// webpack-dev-server 6 needs Node 22.15: 5.2 is the newest that runs on Node 20.
const VERSIONS = {
  webpack: '5.113.0',
  'webpack-cli': '7.3.1',
  'webpack-dev-server': '5.2.7',
  'html-webpack-plugin': '5.6.8',
};

// The guides' config: an entry, an HTML page, the output folder. publicPath stays webpack's default ('auto'), so the
// build works from any sub-path.
const CONFIG = `const path = require('path');
const HtmlWebpackPlugin = require('html-webpack-plugin');

module.exports = {
  entry: './src/index.js',
  output: {
    filename: '[name].[contenthash].js',
    path: path.resolve(__dirname, 'dist'),
    clean: true,
  },
  plugins: [new HtmlWebpackPlugin({ template: './src/index.html' })],
};
`;

const tool: ConsumerTool = {
  id: 'webpack',
  name: `webpack ${VERSIONS.webpack} + webpack-dev-server ${VERSIONS['webpack-dev-server']}`,
  create(dir, tarball) {
    write(join(dir, 'webpack.config.js'), CONFIG);
    // HtmlWebpackPlugin adds the bundle's script tag itself.
    writeScriptApp(dir, {
      title: 'webpack',
      html: 'src/index.html',
      main: 'src/index.js',
      script: '',
      scriptIn: 'body',
    });
    npmInstall(dir, tarball, {
      scripts: { start: 'webpack serve --mode development', build: 'webpack --mode production' },
      devDependencies: VERSIONS,
    });
  },
  modes: [
    {
      name: 'dev',
      async start(dir) {
        const port = await freePort();
        return serve(
          'npm',
          ['run', 'start', '--', '--host', 'localhost', '--port', String(port)],
          dir,
          `http://localhost:${port}/`,
        );
      },
    },
    staticBuild('dist'),
  ],
};

export default tool;
