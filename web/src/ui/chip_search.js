// The chip table's status filter and search (chip ID, part of one, or a chip's UID, resolved by
// the core's lookup).
'use strict';

(function (global) {
  const { $, num } = global.RC;

  function setUpChipSearch(state, grid, engine) {
    let searchExact = null; // chip ID from the core's lookup
    let searchText = '';
    function applyFilter() {
      let rows = state.chips;
      if (state.filter !== 'all') rows = rows.filter((c) => c.status === state.filter);
      if (searchExact) rows = rows.filter((c) => c.chip_id === searchExact);
      else if (searchText) rows = rows.filter((c) => c.chip_id.includes(searchText));
      grid.setRows(rows);
      return rows;
    }
    $('status-filter').addEventListener('change', (e) => {
      if (e.target.name !== 'status') return;
      state.filter = e.target.value;
      applyFilter();
    });

    let searchSeq = 0;
    async function runSearch(openIt) {
      const raw = $('search-input').value.trim();
      const seq = ++searchSeq;
      if (!raw) { searchExact = null; searchText = ''; $('search-status').textContent = ''; applyFilter(); return; }
      let chipId = null;
      try { chipId = await engine.lookup(raw); } catch (e) { chipId = null; }
      if (seq !== searchSeq) return;
      if (chipId) {
        searchExact = chipId; searchText = '';
        const chip = state.chips.find((c) => c.chip_id === chipId);
        const digits = raw.replace(/0x/gi, '').replace(/[^0-9a-f]/gi, '');
        const viaUid = digits.length === 54;
        if (!chip) {
          $('search-status').textContent = (viaUid ? 'UID → chip ID ' + chipId + ': ' : 'Chip ' + chipId + ' ') + 'is not in this bundle.';
          applyFilter();
          return;
        }
        if (state.filter !== 'all' && chip.status !== state.filter) {
          state.filter = 'all';
          document.querySelector('#status-filter input[value="all"]').checked = true;
        }
        const words = { ok: 'OK', failed: 'failed', extra: 'extra: certificates, no secrets' }[chip.status] || chip.status;
        $('search-status').textContent = (viaUid ? 'UID → chip ID ' + chipId : 'Chip ' + chipId) + ' (' + words + ')';
        applyFilter();
        if (openIt) { grid.open(0); }
      } else {
        searchExact = null;
        searchText = raw.replace(/0x/gi, '').replace(/[\s:,-]/g, '').toUpperCase();
        const rows = applyFilter();
        const hex = /^[0-9A-F]*$/.test(searchText);
        if (hex && !openIt) {
          $('search-status').textContent = num(rows.length) + ' chip' + (rows.length === 1 ? '' : 's') + ' contain ' + searchText + '. Enter a full 20-digit chip ID or 54-digit UID to open one.';
        } else if (hex) {
          $('search-status').textContent = 'Not a chip ID or UID: ' + searchText.length + ' hex digit' + (searchText.length === 1 ? '' : 's') +
            ', but a chip ID has 20 and a 27-byte UID 54. ' + num(rows.length) + ' chip' + (rows.length === 1 ? '' : 's') + ' contain ' + searchText + '.';
        } else {
          $('search-status').textContent = 'Not a chip ID or UID: use hexadecimal digits (0–9, A–F); spaces, colons and 0x are fine.';
        }
      }
    }
    let searchTimer = 0;
    $('search-input').addEventListener('input', () => { clearTimeout(searchTimer); searchTimer = setTimeout(() => runSearch(false), 150); });
    $('search-form').addEventListener('submit', (e) => { e.preventDefault(); clearTimeout(searchTimer); runSearch(true); });


    // A new report's rows: counts per status, and failed chips first when there are any (they
    // should catch the eye).
    function showChips(rows) {
      state.chips = rows;
      const count = (s) => rows.filter((ch) => ch.status === s).length;
      $('f-all').textContent = num(rows.length);
      $('f-ok').textContent = num(count('ok'));
      $('f-failed').textContent = num(count('failed'));
      $('f-extra').textContent = num(count('extra'));
      const initial = count('failed') ? 'failed' : 'all';
      document.querySelector('#status-filter input[value="' + initial + '"]').checked = true;
      state.filter = initial;
      applyFilter();
      $('chips-panel').hidden = false;
    }

    function reset() {
      searchSeq++;
      searchExact = null; searchText = '';
      $('search-input').value = '';
      $('search-status').textContent = '';
    }
    return { showChips, reset };
  }

  global.RC.setUpChipSearch = setUpChipSearch;
})(window);
