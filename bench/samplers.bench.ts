/**
 * Throughput of the exact samplers, in millions of variates per second, next to the raw alea generator.
 * Run with: npx tsx bench/samplers.bench.ts
 */
import seedrandom from 'seedrandom';
import { binomial, exponential, poisson, type Uniform } from '../src/engine/samplers.ts';

interface Case {
  name: string;
  draw: (u: Uniform) => number;
}

const cases: Case[] = [
  { name: 'alea() raw uniform', draw: (u) => u() },
  { name: 'binomial n=1 p=0.3 (inversion)', draw: (u) => binomial(u, 1, 0.3) },
  { name: 'binomial n=20 p=0.5 (BTRS)', draw: (u) => binomial(u, 20, 0.5) },
  { name: 'binomial n=1000 p=0.003 (inversion)', draw: (u) => binomial(u, 1000, 0.003) },
  { name: 'binomial n=1000 p=0.3 (BTRS)', draw: (u) => binomial(u, 1000, 0.3) },
  { name: 'binomial n=1e9 p=9e-9 (inversion)', draw: (u) => binomial(u, 1e9, 9e-9) },
  { name: 'binomial n=1e12 p=1e-3 (BTRS)', draw: (u) => binomial(u, 1e12, 1e-3) },
  { name: 'binomial n=1e12 p=0.7 (symmetry, BTRS)', draw: (u) => binomial(u, 1e12, 0.7) },
  { name: 'poisson λ=0.5 (inversion)', draw: (u) => poisson(u, 0.5) },
  { name: 'poisson λ=3 (inversion)', draw: (u) => poisson(u, 3) },
  { name: 'poisson λ=9.9 (inversion)', draw: (u) => poisson(u, 9.9) },
  { name: 'poisson λ=10 (PTRS)', draw: (u) => poisson(u, 10) },
  { name: 'poisson λ=1e4 (PTRS)', draw: (u) => poisson(u, 1e4) },
  { name: 'poisson λ=1e12 (PTRS)', draw: (u) => poisson(u, 1e12) },
  { name: 'exponential rate=1', draw: (u) => exponential(u, 1) },
];

/** Millions of draws per second over roughly `seconds`, after a warm-up so the JIT has settled. */
function measure(draw: (u: Uniform) => number, seconds: number): number {
  const u = seedrandom.alea('bench');
  let sink = 0;
  for (let i = 0; i < 200_000; i++) sink += draw(u);
  let draws = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < seconds * 1000) {
    for (let i = 0; i < 100_000; i++) sink += draw(u);
    draws += 100_000;
    elapsed = performance.now() - start;
  }
  // Keep the results observable so the loop cannot be optimised away.
  if (Number.isNaN(sink)) console.log('unreachable');
  return draws / elapsed / 1000;
}

const width = Math.max(...cases.map((c) => c.name.length));
console.log(`${'case'.padEnd(width)}  M draws/s`);
for (const c of cases) {
  console.log(`${c.name.padEnd(width)}  ${measure(c.draw, 0.5).toFixed(1).padStart(9)}`);
}
