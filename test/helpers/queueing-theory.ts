/** Closed-form queueing results the simulator is checked against (rates per second, times in ms). */

/** M/M/1 sojourn: exponential with rate μ − λ. */
export function mm1Sojourn(lambda: number, mu: number): { mean: number; quantile: (p: number) => number } {
  const r = mu - lambda;
  return { mean: 1000 / r, quantile: (p) => (-Math.log(1 - p) / r) * 1000 };
}

/** M/D/1 mean sojourn by Pollaczek–Khinchine: D + ρD / (2(1 − ρ)). */
export function md1MeanSojourn(lambda: number, serviceMs: number): number {
  const rho = (lambda * serviceMs) / 1000;
  return serviceMs + (rho * serviceMs) / (2 * (1 - rho));
}

/** Erlang C: M/M/c mean sojourn. */
export function mmcMeanSojourn(lambda: number, mu: number, c: number): number {
  const a = lambda / mu;
  const rho = a / c;
  let sum = 0;
  let term = 1;
  for (let k = 0; k < c; k++) {
    if (k > 0) term *= a / k;
    sum += term;
  }
  const top = (term * a) / c / (1 - rho);
  const waitProb = top / (sum + top);
  return (waitProb / (c * mu - lambda) + 1 / mu) * 1000;
}

/**
 * Round-robin dispatch of Poisson(λ) arrivals over c exponential servers: each server is an E_c/M/1 queue.
 * σ solves σ = (λ / (λ + μ(1 − σ)))^c; the sojourn is exponential with rate μ(1 − σ).
 */
export function roundRobinSojourn(lambda: number, mu: number, c: number): { mean: number; sigma: number } {
  let sigma = 0.5;
  for (let i = 0; i < 500; i++) sigma = Math.pow(lambda / (lambda + mu * (1 - sigma)), c);
  return { mean: 1000 / (mu * (1 - sigma)), sigma };
}

/** Jackson tandem of M/M/1 stations: the sum of their mean sojourns. */
export function tandemMeanSojourn(lambda: number, mus: number[]): number {
  return mus.reduce((s, mu) => s + 1000 / (mu - lambda), 0);
}

/**
 * Two exponential stations, station 1 saturated, B waiting places between them, blocking after service:
 * a birth–death chain on 0..B+2 (jobs at station 2, plus station 1 blocked); throughput μ2(1 − π0).
 */
export function blockingThroughput(mu1: number, mu2: number, waiting: number): number {
  const k = waiting + 2;
  const r = mu1 / mu2;
  const p0 = r === 1 ? 1 / (k + 1) : (1 - r) / (1 - Math.pow(r, k + 1));
  return mu2 * (1 - p0);
}

/** Two-sided Student t quantile for 99% and 95% confidence at small degrees of freedom. */
export function tQuantile(df: number, confidence: 0.95 | 0.99): number {
  const t99 = [63.657, 9.925, 5.841, 4.604, 4.032, 3.707, 3.499, 3.355, 3.25, 3.169, 3.106, 3.055, 3.012, 2.977, 2.947, 2.921, 2.898, 2.878, 2.861, 2.845];
  const t95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086];
  const table = confidence === 0.99 ? t99 : t95;
  return table[Math.min(df, table.length) - 1];
}

/** Mean and confidence half-width of independent replications. */
export function replicationCi(values: number[], confidence: 0.95 | 0.99 = 0.99): { mean: number; half: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  return { mean, half: (tQuantile(n - 1, confidence) * sd) / Math.sqrt(n) };
}
