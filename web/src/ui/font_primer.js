// The fonts a run's progress and results use, looked up while the page is idle after loading
// instead of when they are first shown. Chromium finds a font (a family at a size, weight and
// numeric style, and the fallback font for a glyph such as ✓) the first time text in it is laid
// out, through a synchronous round trip to the browser process: on the 4,160-chip reel the
// verdict's first layout made 11 of them, 14-15 ms of a 20-22 ms layout, at the run's end where
// nothing else is left to do (docs/performance.md). A hidden copy of the panels, with sample
// text in every leaf and made-up chip and finding rows, is laid out once and removed in the same
// task; the fonts found stay in the renderer's cache.
'use strict';

(function (global) {
  // Letters, digits and every symbol the results show outside the text fonts' usual range.
  const SAMPLE = 'Ab0 ✓✗—·↑↓…';

  // panels: the progress and result panels (hidden, never changed here). rows: sample rows, each placed in
  // the copy of the element it is shown in (selector) so that it is styled as there. states: the
  // classes a panel's element takes on while shown ({selector, classes}: a copy of the first
  // element matching the selector beside it with each class, whose text may change font).
  function primeResultFonts(panels, { rows = [], states = [] } = {}) {
    const box = document.createElement('div');
    box.setAttribute('aria-hidden', 'true');
    box.inert = true;
    box.style.cssText = 'position:absolute;left:-10000px;top:0;width:60rem;visibility:hidden;pointer-events:none;';
    for (const panel of panels) {
      const copy = panel.cloneNode(true);
      // No copy of a form field: a radio button copied would join its original's group.
      for (const field of copy.querySelectorAll('input, select, textarea')) field.remove();
      for (const { selector, make } of rows) {
        const place = copy.matches(selector) ? copy : copy.querySelector(selector);
        if (place) place.replaceChildren(make());
      }
      for (const { selector, classes } of states) {
        const el = copy.querySelector(selector);
        if (el) el.after(...classes.map((c) => { const v = el.cloneNode(true); v.classList.add(c); return v; }));
      }
      for (const el of [copy, ...copy.querySelectorAll('*')]) {
        el.removeAttribute('id');
        el.removeAttribute('hidden');
        if (!el.children.length && !(el instanceof SVGElement)) el.textContent = SAMPLE;
      }
      box.append(copy);
    }
    document.body.append(box);
    void box.offsetHeight; // laid out now, in this task
    box.remove();
  }

  global.RC.primeResultFonts = primeResultFonts;
})(window);
