// Excalidraw computes its fonts' URLs when its module is first evaluated, falling back to a CDN (which
// our Content-Security-Policy refuses) when no asset path is set yet. This module is imported before
// Excalidraw, so our own copy of the fonts (static/dist/excalidraw/fonts) is the one it names.
const config = document.getElementById("board-config");
if (config) window.EXCALIDRAW_ASSET_PATH = JSON.parse(config.textContent).assets;
