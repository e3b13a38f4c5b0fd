// Builds our front-end bundles from static/src into static/dist with esbuild (nothing loads from a CDN).
// Each page-specific bundle is its own entry, so pages load only what they use.
import * as esbuild from "esbuild";

const entries = {
  app: "static/src/js/app.js",
  room: "static/src/js/classroom/room.js",
};

await esbuild.build({
  entryPoints: entries,
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2020",
  outdir: "static/dist",
  logLevel: "warning",
});
