// Progressive enhancement only: every page works without this file.
"use strict";

// "Skriv ut" buttons are hidden in the HTML, since printing from a button needs script; the
// browser's own print command works everywhere.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
