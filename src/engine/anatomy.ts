/**
 * Anatomy: where a cell that enters blood or lymph at a given place stops.
 * Routing is a Markov chain over capillary beds (hematogenous) and node stations
 * (lymphatic); its absorption probabilities are computed once per scenario, so a
 * batch of cells is spread over sites by one multinomial draw whatever its size.
 */
import { NODES, ORGANS, type Scenario, SITES } from './schema.ts';
import { PRIMARY_SITE } from './state.ts';

/** Entry points of blood: systemic veins (lungs first), portal vein (liver first), arteries. */
export const VENOUS = 0;
export const PORTAL = 1;
export const ARTERIAL = 2;
const ENTRY_OF_DRAINAGE = { systemic: VENOUS, portal: PORTAL, pulmonary: ARTERIAL } as const;

/** Lymph outcomes: the three node stations in chain order, then the thoracic duct into venous blood. */
export const LYMPH_OUTCOMES = NODES.length + 1;
export const THORACIC_DUCT = NODES.length;

export interface Anatomy {
  /** For each blood entry point, the probability of arresting at each site. */
  bloodArrest: Float64Array[];
  /** For each site, the blood entry point of cells it sheds into blood. */
  bloodEntry: Int8Array;
  /** For each site, the probability of each lymph outcome for cells it sheds into lymph. */
  lymphArrest: Float64Array[];
}

const ORGAN_SITE = ORGANS.map((o) => SITES.indexOf(o));
const NODE_SITE = NODES.map((n) => SITES.indexOf(n));
export const LUNG = SITES.indexOf('lung');
export const LIVER = SITES.indexOf('liver');

export function buildAnatomy(s: Scenario): Anatomy {
  const organ = (site: number) => s.sites[SITES[site] as (typeof ORGANS)[number]];
  const drainEntry = (site: number) => ENTRY_OF_DRAINAGE[organ(site).drainage];

  // Fixed-point iteration of A_entry = sum over beds of P(bed) (t e_bed + (1 - t) A_drain(bed)).
  let arrest = [0, 1, 2].map(() => new Float64Array(SITES.length));
  const bed = (site: number, from: Float64Array[], into: Float64Array, weight: number) => {
    const t = organ(site).trapping;
    into[site] = (into[site] as number) + weight * t;
    const next = from[drainEntry(site)] as Float64Array;
    for (let k = 0; k < SITES.length; k++)
      into[k] = (into[k] as number) + weight * (1 - t) * (next[k] as number);
  };
  for (let iter = 0; iter < 100_000; iter++) {
    const next = [0, 1, 2].map(() => new Float64Array(SITES.length));
    bed(LUNG, arrest, next[VENOUS] as Float64Array, 1);
    bed(LIVER, arrest, next[PORTAL] as Float64Array, 1);
    for (const site of ORGAN_SITE) bed(site, arrest, next[ARTERIAL] as Float64Array, organ(site).flowShare);
    let change = 0;
    for (let e = 0; e < 3; e++)
      for (let k = 0; k < SITES.length; k++)
        change = Math.max(change, Math.abs((next[e]?.[k] as number) - (arrest[e]?.[k] as number)));
    arrest = next;
    if (change < 1e-15) break;
  }
  // Mass that never stops (all trapping zero on a loop) is left in 'other' so every cell ends somewhere.
  const other = SITES.indexOf('other');
  for (const row of arrest) {
    const total = row.reduce((a, b) => a + b, 0);
    row[other] = (row[other] as number) + Math.max(0, 1 - total);
  }

  const bloodEntry = new Int8Array(SITES.length).fill(VENOUS);
  bloodEntry[PRIMARY_SITE] = ENTRY_OF_DRAINAGE[s.primary.drainage];
  for (const site of ORGAN_SITE) bloodEntry[site] = drainEntry(site);

  const lymphArrest = SITES.map((_, site) => {
    const out = new Float64Array(LYMPH_OUTCOMES);
    // Cells shed into lymph start at the sentinel (primary, skipping it with skipProbability),
    // at the next station (a node colony), or go straight to the duct (an organ colony).
    const start = new Float64Array(LYMPH_OUTCOMES);
    const station = NODE_SITE.indexOf(site);
    if (site === PRIMARY_SITE) {
      start[0] = 1 - s.lymph.skipProbability;
      start[1] = s.lymph.skipProbability;
    } else if (station >= 0) start[station + 1] = 1;
    else start[THORACIC_DUCT] = 1;
    let flowing = 0;
    for (let i = 0; i < NODES.length; i++) {
      flowing += start[i] as number;
      const t = s.sites[NODES[i] as (typeof NODES)[number]].trapping;
      out[i] = flowing * t;
      flowing *= 1 - t;
    }
    out[THORACIC_DUCT] = flowing + (start[THORACIC_DUCT] as number);
    return out;
  });

  return { bloodArrest: arrest, bloodEntry, lymphArrest };
}

export { NODE_SITE, ORGAN_SITE };
