// Virtualised chip table: only the rows in view (plus a margin) exist in the DOM, so a reel of
// 4,000+ chips scrolls smoothly. Keyboard: arrows, Page Up/Down, Home/End move the active row
// (aria-activedescendant), Enter or Space opens it.
'use strict';

(function (global) {
  const { h, plainStatus, statusLabel } = global.RC;
  const ROW_H = 36;
  const OVERSCAN = 8;

  // verdict: the row's slot mark from the report view, "ok", "failed" or null (no certificate).
  function slotMark(verdict) {
    if (!verdict) return h('span', { class: 'mark-none', title: 'no certificate', text: '—' });
    return verdict === 'ok'
      ? h('span', { class: 'mark-ok', text: '✓', title: 'valid' }, h('span', { class: 'visually-hidden', text: ' valid' }))
      : h('span', { class: 'mark-bad', text: '✗', title: 'problem' }, h('span', { class: 'visually-hidden', text: ' problem' }));
  }

  // One chip's row at index i (c: a row of the report view).
  function chipRow(c, i) {
    const certs = c.slots || {};
    // Every reason in the cell (two lines show; the rest is in the tooltip, the line under the
    // table and the detail panel), so a screen reader reads them all.
    const reason = (c.reasons || []).map((r) => r.message).join('; ');
    const secrets = c.secrets;
    const el = h('div', {
      class: 'grid-row', role: 'row', id: 'chip-row-' + c.chip_id, 'data-index': i, 'data-chip-id': c.chip_id,
      'aria-rowindex': i + 2, 'aria-selected': 'false',
    },
    h('span', { role: 'gridcell' }, h('span', { class: 'pill ' + c.status, text: statusLabel(c.status), title: plainStatus(c.status) })),
    h('span', { role: 'gridcell', class: 'mono', text: c.chip_id }),
    h('span', { role: 'gridcell', class: 'mono', text: c.wafer_x + ' / ' + c.wafer_y }),
    h('span', { role: 'gridcell' }, slotMark(certs.E0E0)),
    h('span', { role: 'gridcell' }, slotMark(certs.E0E1)),
    h('span', { role: 'gridcell' }, slotMark(certs.E0E2)),
    h('span', { role: 'gridcell', text: secrets === 'both' ? 'PBS+Auth' : secrets === 'partial' ? 'partial' : '—' }),
    h('span', { role: 'gridcell', class: 'reason', title: reason || null, text: reason }));
    el.style.top = i * ROW_H + 'px';
    return el;
  }

  class ChipGrid {
    // onActive(chip | null): the active row changed (the page shows its full reasons).
    constructor(grid, viewport, spacer, onOpen, onActive) {
      this.grid = grid;
      this.viewport = viewport;
      this.spacer = spacer;
      this.onOpen = onOpen;
      this.onActive = onActive || (() => {});
      this.rows = [];       // chips shown (after filter)
      this.active = -1;     // index into rows
      this.selectedId = null;
      this.rendered = new Map(); // index -> element
      this.raf = 0;
      // The viewport's scroll position and height as last seen by the browser's own events, so
      // that drawing rows never asks for them: asking forces a layout in the middle of the task
      // (on a 4,000-chip reel, the task that shows the report), which then runs again per frame.
      this.top = 0;
      this.height = 0;
      this.empty = h('div', { class: 'grid-empty', role: 'row' }, h('span', { role: 'gridcell', text: 'No chips match.' }));
      viewport.addEventListener('scroll', () => { this.top = viewport.scrollTop; this.schedule(); }, { passive: true });
      grid.addEventListener('keydown', (e) => this.onKey(e));
      grid.addEventListener('focus', () => { if (this.active < 0 && this.rows.length) this.setActive(0, false); });
      viewport.addEventListener('click', (e) => {
        const row = e.target.closest('.grid-row');
        if (!row) return;
        const i = Number(row.dataset.index);
        this.setActive(i, false);
        this.open(i);
      });
      // Read in the observer's callback, where layout is already done (no forced layout).
      if (global.ResizeObserver) new ResizeObserver(() => { this.height = viewport.clientHeight; this.schedule(); }).observe(viewport);
    }

    setRows(rows) {
      this.rows = rows;
      this.active = rows.length ? Math.min(Math.max(this.active, 0), rows.length - 1) : -1;
      this.spacer.style.height = rows.length * ROW_H + 'px';
      this.grid.setAttribute('aria-rowcount', String(rows.length + 1));
      for (const el of this.rendered.values()) el.remove();
      this.rendered.clear();
      this.empty.remove();
      if (!rows.length) this.viewport.append(this.empty);
      this.render();
      this.onActive(this.active >= 0 ? rows[this.active] : null);
    }

    schedule() {
      if (this.raf) return;
      this.raf = requestAnimationFrame(() => { this.raf = 0; this.render(); });
    }

    rowElement(i) {
      const el = chipRow(this.rows[i], i);
      if (i === this.active) el.classList.add('active');
      if (this.rows[i].chip_id === this.selectedId) {
        el.classList.add('selected');
        el.setAttribute('aria-selected', 'true');
      }
      return el;
    }

    render() {
      // Nothing shown and nothing to show (the table emptied at Verify): reading the scroll
      // position below would make the browser lay out the page in the middle of the click.
      if (!this.rows.length && !this.rendered.size) { this.grid.removeAttribute('aria-activedescendant'); return; }
      const top = this.top;
      const height = this.height || 400;
      const first = Math.max(0, Math.floor(top / ROW_H) - OVERSCAN);
      const last = Math.min(this.rows.length - 1, Math.ceil((top + height) / ROW_H) + OVERSCAN);
      for (const [i, el] of this.rendered) {
        if (i < first || i > last) { el.remove(); this.rendered.delete(i); }
      }
      const frag = document.createDocumentFragment();
      for (let i = first; i <= last; i++) {
        if (!this.rendered.has(i)) {
          const el = this.rowElement(i);
          this.rendered.set(i, el);
          frag.append(el);
        }
      }
      this.viewport.append(frag);
      if (this.active >= 0 && this.rendered.has(this.active)) {
        this.grid.setAttribute('aria-activedescendant', this.rendered.get(this.active).id);
      } else {
        this.grid.removeAttribute('aria-activedescendant');
      }
    }

    refreshRow(i) {
      const old = this.rendered.get(i);
      if (!old) return;
      const el = this.rowElement(i);
      old.replaceWith(el);
      this.rendered.set(i, el);
    }

    scrollTo(i) {
      const top = i * ROW_H;
      const vp = this.viewport;
      if (top < vp.scrollTop) vp.scrollTop = top;
      else if (top + ROW_H > vp.scrollTop + vp.clientHeight) vp.scrollTop = top + ROW_H - vp.clientHeight;
      this.top = vp.scrollTop; // as the browser clamped it (a key press: the layout is worth it)
    }

    setActive(i, scroll = true) {
      if (!this.rows.length) return;
      i = Math.max(0, Math.min(this.rows.length - 1, i));
      const prev = this.active;
      this.active = i;
      if (scroll) this.scrollTo(i);
      this.render();
      this.refreshRow(prev);
      this.refreshRow(i);
      this.render();
      if (prev !== i) this.onActive(this.rows[i]);
    }

    select(chipId) {
      this.selectedId = chipId;
      const i = this.rows.findIndex((c) => c.chip_id === chipId);
      if (i >= 0) this.setActive(i, true);
      for (const k of this.rendered.keys()) this.refreshRow(k);
      return i;
    }

    open(i) {
      const chip = this.rows[i];
      if (!chip) return;
      this.select(chip.chip_id);
      this.onOpen(chip);
    }

    onKey(e) {
      if (!this.rows.length) return;
      const page = Math.max(1, Math.floor(this.viewport.clientHeight / ROW_H) - 1);
      const keys = {
        ArrowDown: () => this.setActive(this.active + 1),
        ArrowUp: () => this.setActive(this.active - 1),
        PageDown: () => this.setActive(this.active + page),
        PageUp: () => this.setActive(this.active - page),
        Home: () => this.setActive(0),
        End: () => this.setActive(this.rows.length - 1),
        Enter: () => this.open(this.active),
        ' ': () => this.open(this.active),
      };
      const f = keys[e.key];
      if (f) { e.preventDefault(); f(); }
    }
  }

  // A made-up row in every style a row has (a failed slot, a missing one, a reason), for the
  // font primer (font_primer.js).
  ChipGrid.sampleRow = () => chipRow({ chip_id: '0', status: 'failed', wafer_x: 0, wafer_y: 0, secrets: 'both',
    slots: { E0E0: 'ok', E0E1: 'failed', E0E2: null }, reasons: [{ message: 'Ab' }] }, 0);
  global.RC.ChipGrid = ChipGrid;
})(window);
