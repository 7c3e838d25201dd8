// Errors of the engine: one shape ({code, message}, the core's vocabulary) for what the workers
// answer and for what the page itself refuses, so the UI shows both the same way.
'use strict';

(function (global) {
  const parts = global.RCEngine || (global.RCEngine = {});

  function engineError(code, message) {
    const e = new Error(message);
    e.code = code;
    return e;
  }

  // A worker's answer ({ok, ...} as the protocol allows it) -> the answer, or the core's error
  // thrown as an exception the UI can show. No answer at all is an error too, never a success.
  function check(result) {
    if (!result || !result.ok) {
      const e = (result && result.error) || { code: 'internal', message: 'No answer from the worker.' };
      throw engineError(e.code, e.message);
    }
    return result;
  }

  const cancelled = () => engineError('cancelled', 'Stopped.');

  Object.assign(parts, { engineError, check, cancelled });
})(typeof window !== 'undefined' ? window : self);
