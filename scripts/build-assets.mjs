// Builds our front-end bundles from static/src into static/dist with esbuild (nothing loads from a CDN).
// Each page-specific bundle is its own entry, so pages load only what they use.
import { cpSync, readFileSync } from "node:fs";

import * as esbuild from "esbuild";

const entries = {
  app: "static/src/js/app.js",
  zone: "static/src/js/zone.js",
  calendar: "static/src/js/calendar.js",
  room: "static/src/js/classroom/room.js",
  stage: "static/src/js/stage/index.js",
  library: "static/src/js/library/index.js",
  worksheets: "static/src/js/worksheets/index.js",
  dictionary: "static/src/js/dictionary/index.js",
};

await esbuild.build({
  entryPoints: entries,
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2020",
  outdir: "static/dist",
  logLevel: "warning",
  // Excalidraw ships development and production builds under these export conditions.
  conditions: ["production"],
});

// Excalidraw names a CDN (esm.sh) as the last place to fetch its fonts from, after our asset path; our
// Content-Security-Policy refuses it and nothing may load from a CDN, so that fallback becomes our own copy.
const EXCALIDRAW_CDN = /`https:\/\/esm\.sh\/\$\{.*?\}\/dist\/prod\/`/;
const excalidrawFontsAtHome = {
  name: "excalidraw-fonts-at-home",
  setup(build) {
    build.onLoad({ filter: /@excalidraw[\\/]excalidraw[\\/]dist[\\/]prod[\\/].*\.js$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      if (!EXCALIDRAW_CDN.test(source)) return undefined;
      return { contents: source.replace(EXCALIDRAW_CDN, '`${window.location.origin}/static/dist/excalidraw/`'), loader: "js" };
    });
  },
};

// The whiteboard (Excalidraw, React, Yjs) as ES modules split into chunks: what a page does not use at
// once (other languages, Mermaid, export code) is fetched only when asked for, so the room starts sooner.
await esbuild.build({
  entryPoints: { board: "static/src/js/board/index.js" },
  bundle: true,
  minify: true,
  format: "esm",
  splitting: true,
  target: "es2020",
  outdir: "static/dist/board",
  logLevel: "warning",
  conditions: ["production"],
  // The UI fonts its stylesheet names are copied next to the bundle.
  loader: { ".woff2": "file" },
  plugins: [excalidrawFontsAtHome],
});

// Excalidraw's fonts, served from our static files (the board sets window.EXCALIDRAW_ASSET_PATH here).
cpSync("node_modules/@excalidraw/excalidraw/dist/prod/fonts", "static/dist/excalidraw/fonts", { recursive: true });
