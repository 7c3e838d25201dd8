// The page's one rule about the transport key before it leaves for a worker: its length.
'use strict';

(function (global) {
  const parts = global.RCEngine;
  const { engineError } = parts;

  // The longest transport key, in bytes after trimming white space as the core does (the core's
  // kMaxTransportKeySize refuses longer ones too, in the same words). A longer "key" is a wrong
  // file or a paste gone wrong: refused before it reaches a worker, whatever its size.
  const MAX_KEY_BYTES = 256;
  function keyTooLong(bytes) {
    const space = (c) => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
    let begin = 0;
    let end = bytes.length;
    while (begin < end && space(bytes[begin])) begin++;
    while (end > begin && space(bytes[end - 1])) end--;
    if (end - begin <= MAX_KEY_BYTES) return null;
    return engineError('bad_input', 'The transport key is longer than ' + MAX_KEY_BYTES + ' bytes (' + (end - begin) +
      '): that is not the key from a reel\'s letter; check that the field holds only the key.');
  }

  Object.assign(parts, { MAX_KEY_BYTES, keyTooLong });
})(typeof window !== 'undefined' ? window : self);
