// Small progressive enhancements; every page works without them.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.dataset ? form.dataset.confirm : null;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// An import's page: poll its progress, move the bar, and reload once it has finished.
(() => {
  const box = document.querySelector("[data-progress-url]");
  if (!box) {
    return;
  }
  const bar = box.querySelector("progress");
  const note = box.querySelector("[data-progress-note]");
  const poll = async () => {
    let wait = 1000;
    try {
      const response = await fetch(box.dataset.progressUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.ok) {
        const state = await response.json();
        if (state.finished) {
          window.location.reload();
          return;
        }
        if (state.total) {
          bar.max = state.total;
          bar.value = state.done;
        }
        note.textContent = state.message;
      } else {
        wait = 5000;
      }
    } catch (error) {
      wait = 5000;
    }
    window.setTimeout(poll, wait);
  };
  window.setTimeout(poll, 1000);
})();

// Upload forms: drop a file anywhere on the form's drop zone to choose it.
document.querySelectorAll("[data-dropzone-area]").forEach((area) => {
  const input = area.querySelector("input[type=file]");
  const hint = area.querySelector("[data-dropzone-hint]");
  if (!input || !window.DataTransfer) {
    return;
  }
  if (hint) {
    hint.hidden = false;
  }
  const dragging = (on) => area.classList.toggle("dragging", on);
  area.addEventListener("dragover", (event) => {
    event.preventDefault();
    dragging(true);
  });
  area.addEventListener("dragleave", () => dragging(false));
  area.addEventListener("drop", (event) => {
    event.preventDefault();
    dragging(false);
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
});
