// Progressive enhancement of the initializr's form: the rules applied as you
// click, the preview and the link kept in step with the answers. Without this
// file the form still works: "Show the project" and the downloads submit it.
"use strict";

(function () {
  const form = document.getElementById("answers");
  if (!form) return;
  const boxes = Array.from(form.querySelectorAll("input[type=checkbox]"));
  const byName = new Map(boxes.map((box) => [box.name, box]));
  const needs = new Map(boxes.map((box) => [box.name, JSON.parse(box.dataset.needs)]));
  const why = new Map(boxes.map((box) => [box.name, JSON.parse(box.dataset.why)]));

  function note(name, text) {
    const element = document.getElementById(name + "-note");
    if (element) element.textContent = text;
  }

  // Turning an option on turns on what it needs; turning one off turns off
  // what needs it. Each option changed says why, next to it.
  function applyRules(changed) {
    for (const box of boxes) note(box.name, "");
    const todo = [changed];
    while (todo.length) {
      const current = todo.pop();
      const box = byName.get(current);
      if (box.checked) {
        for (const needed of needs.get(current)) {
          const other = byName.get(needed);
          if (other && !other.checked) {
            other.checked = true;
            note(needed, `Turned on: ${current} needs ${needed} (${why.get(current)[needed]}).`);
            todo.push(needed);
          }
        }
      } else {
        for (const [other, wanted] of needs) {
          const otherBox = byName.get(other);
          if (wanted.includes(current) && otherBox.checked) {
            otherBox.checked = false;
            note(other, `Turned off: ${other} needs ${current} (${why.get(other)[current]}).`);
            todo.push(other);
          }
        }
      }
    }
  }

  // The answers that differ from their defaults, in the form's order: the link.
  function query() {
    const params = new URLSearchParams();
    for (const field of form.querySelectorAll("[data-default]")) {
      const value = field.type === "checkbox" ? (field.checked ? "yes" : "no") : field.value;
      if (value !== field.dataset.default) params.append(field.name, value);
    }
    return params.toString();
  }

  // The page's own address, also when the form came back from a refused download.
  function address() {
    const search = query();
    return form.getAttribute("action") + (search ? "?" + search : "");
  }

  let pending = null;
  async function refresh() {
    const url = address();
    history.replaceState(null, "", url);
    const preview = document.getElementById("preview");
    preview.setAttribute("aria-busy", "true");
    if (pending) pending.abort();
    pending = new AbortController();
    try {
      const response = await fetch(url, {
        headers: { Accept: "text/html" },
        signal: pending.signal,
      });
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      for (const element of page.querySelectorAll("[data-live]")) {
        const mine = document.getElementById(element.id);
        if (mine) mine.replaceWith(document.adoptNode(element));
      }
      for (const field of form.querySelectorAll("[name][id]")) {
        const theirs = page.getElementById(field.id);
        if (!theirs) continue;
        if (theirs.hasAttribute("aria-invalid")) field.setAttribute("aria-invalid", "true");
        else field.removeAttribute("aria-invalid");
        if (field.placeholder !== theirs.placeholder) field.placeholder = theirs.placeholder;
      }
    } catch (error) {
      if (error.name !== "AbortError") throw error;
    } finally {
      const current = document.getElementById("preview");
      if (current) current.removeAttribute("aria-busy");
    }
  }

  // A click or a finished text field bakes a new preview; typing only keeps
  // the address in step (a bake per keystroke would cost the server dearly).
  form.addEventListener("change", (event) => {
    if (event.target.type === "checkbox") applyRules(event.target.name);
    refresh();
  });
  form.addEventListener("input", (event) => {
    if (event.target.type === "text") history.replaceState(null, "", address());
  });
})();
