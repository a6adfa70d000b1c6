// "Print this statement": shown only when scripts run; without them, the browser's own Print works the same.
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
