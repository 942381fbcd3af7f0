/**
 * The function app's entry (package.json "main" once bundled): registers the offload function as an HTTP trigger
 * with the v4 programming model. Route /api/spillway-offload (the default route prefix), POST only, function-level
 * authorization: a caller sends the function key as `x-functions-key` or `?code=` (docs/AZURE.md).
 */
import { app } from '@azure/functions';
import { offload } from './offload.js';

export const FUNCTION_NAME = 'spillway-offload';

app.http(FUNCTION_NAME, { methods: ['POST'], authLevel: 'function', handler: offload });
