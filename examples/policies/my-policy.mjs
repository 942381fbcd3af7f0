// An example user policy for Spillway: offload in proportion to the source backlog.
// Load it with `--policy examples/policies/my-policy.mjs` (or loadPolicyFactory in code).
// A policy module default-exports a PolicyFactory (see src/policy/contract.ts); it must be deterministic:
// no Date.now(), no Math.random(), state only in the object `create` returns.

/** @type {import('../../src/policy/contract.js').PolicyFactory} */
const proportionalBacklog = {
  name: 'proportional-backlog',
  description: 'offload a share proportional to source pendingRecords, full at fullAt records',
  params: [
    { name: 'fullAt', description: 'backlog (records) at which everything is offloaded', default: 100000, min: 1 },
    { name: 'batchRecords', description: 'records per batch', default: 200, min: 1, max: 100000 },
  ],
  create(params, context) {
    const fullAt = Number(params.fullAt ?? 100000);
    const batchRecords = Number(params.batchRecords ?? 200);
    const sources = context.vertices.filter((v) => v.isSource).map((v) => v.id);
    return {
      name: 'proportional-backlog',
      decide(snapshot) {
        let pending = 0;
        for (const v of snapshot.vertices) {
          if (sources.includes(v.id)) pending += v.metrics.pendingRecords?.sum ?? NaN;
        }
        // Unknown backlog: offload nothing.
        const share = Number.isFinite(pending) ? Math.min(1, Math.max(0, pending / fullAt)) : 0;
        const points = {};
        for (const p of context.offloadPoints) {
          points[p.id] = { share, batchRecords, maxWaitMs: 50, maxInFlight: 16 };
        }
        return { points, note: `pending=${pending} share=${share}` };
      },
    };
  },
};

export default proportionalBacklog;
