// Stand-in for @azure/functions-core, the module the Azure Functions host gives the @azure/functions library. Only
// what the library calls when an app registers functions: it records each registration for azure_adapter.mjs.
// Installed by the local endpoint as node_modules/@azure/functions-core/index.js beside the bundled app.
'use strict';
const noop = { dispose() {} };
module.exports = {
  setProgrammingModel() {},
  getProgrammingModel() { return undefined; },
  registerFunction(metadata, callback) {
    globalThis.__spillwayAzureFunctions.push({ metadata, callback });
    return noop;
  },
  registerHook() { return noop; },
  log(level, category, message) { console.log(`[${level}] ${message}`); },
};
