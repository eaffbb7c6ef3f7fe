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

// Phones: the main navigation collapses behind a "Menu" button (hidden by CSS on wide screens).
document.documentElement.classList.add("js");
(() => {
  const bar = document.querySelector(".topbar");
  const nav = bar && bar.querySelector("nav");
  if (!nav) {
    return;
  }
  const toggle = document.createElement("button");
  toggle.type = "button";
  toggle.className = "menu-toggle";
  toggle.textContent = "Menu";
  toggle.setAttribute("aria-controls", nav.id);
  toggle.setAttribute("aria-expanded", "false");
  toggle.addEventListener("click", () => {
    const open = bar.classList.toggle("menu-open");
    toggle.setAttribute("aria-expanded", String(open));
  });
  bar.querySelector(".brand").after(toggle);
})();

// Phones: a table whose columns do not fit becomes stacked cards, each cell labelled by its
// column's header (read here, so no template needs to repeat them).
(() => {
  const phone = window.matchMedia("(max-width: 720px)");
  const tables = Array.from(document.querySelectorAll("main table")).filter((table) =>
    table.querySelector("thead th"),
  );
  tables.forEach((table) => {
    const labels = [];
    table.querySelectorAll("thead th").forEach((th) => {
      const span = th.colSpan || 1;
      for (let i = 0; i < span; i += 1) {
        labels.push(th.textContent.trim());
      }
    });
    table.querySelectorAll("tbody tr").forEach((row) => {
      let column = 0;
      Array.from(row.cells).forEach((cell) => {
        if (!cell.hasAttribute("data-label")) {
          cell.setAttribute("data-label", labels[column] || "");
        }
        column += cell.colSpan || 1;
      });
    });
  });
  const fit = () => {
    tables.forEach((table) => {
      table.classList.remove("stacked");
      if (phone.matches && table.scrollWidth > table.parentElement.clientWidth + 1) {
        table.classList.add("stacked");
      }
    });
  };
  fit();
  phone.addEventListener("change", fit);
})();

// The search box: "/" anywhere but in a field focuses it (GitHub's and YouTube's key).
(() => {
  const box = document.getElementById("search-box");
  if (!box) {
    return;
  }
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing =
      target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });
})();

// Disclosure menus (<details data-menu>): Escape closes one and returns to its summary, a
// click elsewhere closes it. Without this script they still open and close by themselves.
(() => {
  const menus = Array.from(document.querySelectorAll("details[data-menu]"));
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") {
      return;
    }
    menus.forEach((menu) => {
      if (menu.open && menu.contains(document.activeElement)) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  });
  document.addEventListener("click", (event) => {
    menus.forEach((menu) => {
      if (menu.open && !menu.contains(event.target)) {
        menu.open = false;
      }
    });
  });
})();
