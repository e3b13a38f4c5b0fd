// Runs first, in <head>, before anything is drawn: marks the page as scripted (class "js"), tells the server the browser's time zone (cookie `tz`,
// URL-encoded) and, when this page was drawn in a guessed zone (the school's, or a zone the device has
// since left) and the person has no zone of their own, reads it again at once in the browser's zone.
// Only pages fetched with GET are re-read (the server marks them), at most once per zone and tab.
document.documentElement.classList.add("js"); // CSS may now fold what a script can unfold (the phone menu)

(() => {
  let zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return; // old browsers: the school's zone is used
  }
  if (!zone) return;
  const encoded = encodeURIComponent(zone);
  const sent = (document.cookie.match(/(?:^|;\s*)tz=([^;]*)/) || [])[1];
  if (sent !== encoded) document.cookie = `tz=${encoded}; path=/; max-age=31536000; samesite=lax`;
  const page = document.documentElement.dataset;
  const guessed = page.zoneSource === "school" || page.zoneSource === "device";
  if (!guessed || page.zone === zone || !document.cookie.includes(`tz=${encoded}`)) return;
  try {
    if (sessionStorage.getItem("panda.zone-reread") === zone) return;
    sessionStorage.setItem("panda.zone-reread", zone);
  } catch (error) {
    return; // no storage: no loop guard, so no re-read
  }
  window.location.reload();
})();
