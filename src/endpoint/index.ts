/** The local Lambda endpoint: start it with startInvokeServer(); see docs/LAMBDA.md. */
export { startInvokeServer, type InvokeServer } from './server.js';
export { DEFAULT_FUNCTION_NAME, type InvokeServerOptions, type LocalRuntime } from './options.js';
export type { InvokeServerStats } from './stats.js';
export type { FaultSettings } from './faults.js';
export type { AzureEndpointHandle, AzureEndpointOptions } from './azure/setup.js';
export type { AzureStats } from './azure/stats.js';
