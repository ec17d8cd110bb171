/**
 * The tissue scale (src/engine/tissue, docs/tissue.md): single cells on lattices
 * over days, after Franssen et al. 2019. A tissue scenario holds this section and
 * no patient section.
 */
import { z } from 'zod';
import { int, num, prob, section } from './common.ts';

const shape = {
  lattice: section(
    {
      side: int(201, 11, 1001, {
        unit: 'lattice points',
        source: 'Franssen et al. 2019 (0.2 cm square at 10 µm spacing)',
        description: 'points along each side of every patch (square patches)',
      }),
      spacingUm: num(10, 1, 100, {
        unit: 'µm',
        source: 'Franssen et al. 2019',
        description: 'distance between neighbouring lattice points',
      }),
      capacity: int(4, 1, 100, {
        unit: 'cells per point',
        source: 'Franssen et al. 2019',
        description: 'most cells one lattice point can hold',
      }),
    },
    'the lattice of every patch',
  ),
  time: section(
    {
      stepSeconds: num(40, 0.1, 3600, {
        unit: 's',
        source: 'Franssen et al. 2019 (τ = 1e-3 of the 4e4 s time unit)',
        description: 'length of one tissue step',
      }),
      steps: int(28000, 0, 1e8, {
        unit: 'steps',
        source: 'Franssen et al. 2019 (about 13 days)',
        description: 'steps to simulate',
      }),
      observeEverySteps: int(90, 1, 1e8, {
        unit: 'steps',
        source: 'scenario choice (one hour at 40 s)',
        description: 'interval of the time series',
      }),
    },
    'tissue steps and observation',
  ),
  initial: section(
    {
      cells: int(388, 0, 1e6, {
        unit: 'cells',
        source: 'Franssen et al. 2019',
        description: 'cancer cells in the primary patch at step 0',
      }),
      mesenchymalFraction: prob(0.6, {
        source: 'Franssen et al. 2019 (60% mesenchymal-like, 40% epithelial-like)',
        description: 'share of the initial cells that are mesenchymal-like',
      }),
      discPoints: int(97, 1, 1e6, {
        unit: 'lattice points',
        source: 'Franssen et al. 2019 (388 cells fill 97 points of 4)',
        description: 'the initial cells are spread over this many points nearest the centre',
      }),
    },
    'the primary patch at step 0',
  ),
  motility: section(
    {
      diffusionMesenchymal: num(1e-10, 0, 1e-6, {
        unit: 'cm^2/s',
        source: 'Franssen et al. 2019 (D_M)',
        description: 'random motility of mesenchymal-like cells',
      }),
      diffusionEpithelial: num(5e-11, 0, 1e-6, {
        unit: 'cm^2/s',
        source: 'Franssen et al. 2019 (D_E)',
        description: 'random motility of epithelial-like cells',
      }),
      haptotaxisMesenchymal: num(5e-10, 0, 1e-6, {
        unit: 'cm^2/s per unit ECM',
        source:
          'Franssen et al. 2019 (Φ_M = 5e-4 in units of 1e-6 cm^2/s; χ = 2.6e3 cm^2/(M s) times the ECM reference density)',
        description: 'drift up the ECM gradient of mesenchymal-like cells (ECM density scaled to 1)',
      }),
      haptotaxisEpithelial: num(5e-10, 0, 1e-6, {
        unit: 'cm^2/s per unit ECM',
        source: 'Franssen et al. 2019 (Φ_E = 5e-4 in units of 1e-6 cm^2/s)',
        description: 'drift up the ECM gradient of epithelial-like cells (ECM density scaled to 1)',
      }),
    },
    'cell movement: diffusion plus haptotaxis',
  ),
  proliferation: section(
    {
      doublingHoursEpithelial: num(200 / 9, 0.1, 1e4, {
        unit: 'h',
        source: 'Franssen et al. 2019 (2000 steps of 40 s; MetaSpread swaps the two types)',
        description: 'time between divisions of an epithelial-like cell',
      }),
      doublingHoursMesenchymal: num(100 / 3, 0.1, 1e4, {
        unit: 'h',
        source: 'Franssen et al. 2019 (3000 steps of 40 s)',
        description: 'time between divisions of a mesenchymal-like cell',
      }),
    },
    'cell division',
  ),
  fields: section(
    {
      mmp2Diffusion: num(1e-9, 0, 1e-4, {
        unit: 'cm^2/s',
        source: 'Franssen et al. 2019 (D_m)',
        description: 'diffusion of MMP-2',
      }),
      mmp2Production: num(4.875e-6, 0, 1, {
        unit: 'MMP-2 units/s per mesenchymal cell',
        source: 'Franssen et al. 2019 (Θ = 0.195 per time unit)',
        description: 'MMP-2 made by each mesenchymal-like cell at its point',
      }),
      mmp2Decay: num(2.5e-6, 0, 1, {
        unit: '1/s',
        source: 'Franssen et al. 2019 (Λ = 0.1 per time unit)',
        description: 'decay of MMP-2',
      }),
      ecmDegradationByMT1MMP: num(2.5e-5, 0, 1, {
        unit: '1/s per mesenchymal cell',
        source: 'Franssen et al. 2019 (Γ1 = 1 per time unit; 1e-4/s at a full point of 4)',
        description: 'ECM degraded by membrane-bound MT1-MMP of each mesenchymal-like cell at the point',
      }),
      ecmDegradationByMMP2: num(2.5e-5, 0, 1, {
        unit: '1/s per MMP-2 unit',
        source: 'Franssen et al. 2019 (Γ2 = 1 per time unit)',
        description: 'ECM degraded by diffusible MMP-2',
      }),
    },
    'MMP-2 and ECM fields',
  ),
  vessels: section(
    {
      normal: int(2, 0, 1e4, {
        unit: 'vessel points',
        source: 'Franssen et al. 2019 (MetaSpread uses 8)',
        description: 'normal vessels in the primary patch: only mesenchymal-like cells lead an entry',
      }),
      ruptured: int(8, 0, 1e4, {
        unit: 'vessel points',
        source: 'Franssen et al. 2019 (MetaSpread uses 2)',
        description: 'ruptured vessels in the primary patch: any cell can lead an entry',
      }),
      clearPoints: int(200, 0, 1e6, {
        unit: 'lattice points',
        source: 'Franssen et al. 2019 (vessels lie outside the initial tumour)',
        description: 'no primary vessel lies on this many points nearest the centre',
      }),
      borderMargin: int(2, 0, 100, {
        unit: 'lattice points',
        source: 'modelling choice',
        description: 'no primary vessel lies within this distance of the patch edge',
      }),
      secondary: int(10, 0, 1e4, {
        unit: 'vessel points',
        source: 'Franssen et al. 2019',
        description: 'vessel points in each secondary patch, where arriving cells leave the blood',
      }),
    },
    'vessels (placed from the seed at step 0)',
  ),
  vasculature: section(
    {
      hours: num(2, 0, 1e3, {
        unit: 'h',
        source: 'Franssen et al. 2019 (180 steps)',
        description: 'time every cluster spends in the vasculature',
      }),
      disaggregation: prob(0.5, {
        source: 'Franssen et al. 2019',
        description: 'chance that each cell of a cluster breaks away to travel as a single cell',
      }),
      survivalSingle: prob(5e-4, {
        source: 'Franssen et al. 2019',
        description: 'chance that a single circulating cell survives the vasculature',
      }),
      survivalCluster: prob(2.5e-2, {
        source: 'Franssen et al. 2019',
        description: 'chance that a cluster (2 or more cells) survives the vasculature',
      }),
      arrivalShares: z.array(z.number().min(0).max(1)).default([0.75, 0.25]).meta({
        unit: 'probability per secondary patch',
        source: 'Franssen et al. 2019 (E_1 = 0.75, E_2 = 0.25)',
        description: 'chance that a survivor arrives in secondary patch k; one entry per patch, summing to 1',
      }),
    },
    'the vasculature between patches',
  ),
};

export type TissueParameters = z.output<z.ZodObject<typeof shape, z.core.$strict>>;

export const tissue = section(
  shape,
  'tissue scale (scale: tissue): cells on lattices, after Franssen et al. 2019',
  checkTissue,
);

/**
 * Cross-field rules of the tissue section. The three stability bounds are those of
 * the explicit schemes in src/engine/tissue (docs/tissue.md): each
 * keeps every probability and every field value in range at the given step.
 */
function checkTissue(t: TissueParameters, ctx: z.RefinementCtx): void {
  const issue = (path: string[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const shares = t.vasculature.arrivalShares;
  const total = shares.reduce((a, b) => a + b, 0);
  if (shares.length > 0 && Math.abs(total - 1) > 1e-9)
    issue(['vasculature', 'arrivalShares'], `must sum to 1 (got ${total.toPrecision(6)}, expected 1)`);
  if (shares.length > 8)
    issue(['vasculature', 'arrivalShares'], `at most 8 secondary patches (got ${shares.length})`);
  const points = t.lattice.side * t.lattice.side;
  if (t.initial.discPoints > points)
    issue(
      ['initial', 'discPoints'],
      `larger than the patch (got ${t.initial.discPoints}, expected <= ${points})`,
    );
  if (t.initial.cells > t.initial.discPoints * t.lattice.capacity)
    issue(
      ['initial', 'cells'],
      `more than the disc holds (got ${t.initial.cells}, expected <= discPoints × capacity = ${t.initial.discPoints * t.lattice.capacity})`,
    );
  const inner = Math.max(0, t.lattice.side - 2 * t.vessels.borderMargin) ** 2;
  const room = Math.max(0, inner - t.vessels.clearPoints);
  if (t.vessels.normal + t.vessels.ruptured > room)
    issue(
      ['vessels'],
      `normal + ruptured vessels do not fit (got ${t.vessels.normal + t.vessels.ruptured}, expected <= ${room} free points)`,
    );
  if (t.vessels.secondary > points)
    issue(
      ['vessels', 'secondary'],
      `more vessels than points (got ${t.vessels.secondary}, expected <= ${points})`,
    );
  if (shares.length > 0 && t.vessels.secondary === 0)
    issue(['vessels', 'secondary'], 'secondary patches need at least one vessel to receive cells (got 0)');
  const h2 = (t.lattice.spacingUm * 1e-4) ** 2;
  const dt = t.time.stepSeconds;
  // Times are counted in whole steps (rounded); one shorter than a step would silently become one.
  for (const [path, hours] of [
    [['proliferation', 'doublingHoursEpithelial'], t.proliferation.doublingHoursEpithelial],
    [['proliferation', 'doublingHoursMesenchymal'], t.proliferation.doublingHoursMesenchymal],
    [['vasculature', 'hours'], t.vasculature.hours],
  ] as const) {
    if (hours * 3600 < dt)
      issue([...path], `shorter than one step (got ${hours} h, expected >= ${(dt / 3600).toPrecision(3)} h)`);
  }
  const m = t.motility;
  for (const [type, d, chi] of [
    ['Mesenchymal', m.diffusionMesenchymal, m.haptotaxisMesenchymal],
    ['Epithelial', m.diffusionEpithelial, m.haptotaxisEpithelial],
  ] as const) {
    // Each of the four moves has probability at most dt/h^2 (D + chi/4) (ECM lies in [0, 1]).
    const p = (4 * dt * (d + chi / 4)) / h2;
    if (p > 1)
      issue(
        ['motility', `diffusion${type}`],
        `moves leave no room to stay at this step (4 dt (D + χ/4) / h^2 = ${p.toPrecision(3)}, expected <= 1)`,
      );
  }
  const f = t.fields;
  const mmp = (4 * dt * f.mmp2Diffusion) / h2 + dt * f.mmp2Decay;
  if (mmp > 1)
    issue(
      ['fields', 'mmp2Diffusion'],
      `the explicit MMP-2 scheme is unstable at this step (4 dt D_m / h^2 + dt Λ = ${mmp.toPrecision(3)}, expected <= 1)`,
    );
  // MMP-2 never exceeds Θ·capacity/Λ (maximum principle), so this bound keeps ECM >= 0.
  const mMax = f.mmp2Decay > 0 ? (f.mmp2Production * t.lattice.capacity) / f.mmp2Decay : 0;
  const ecm = dt * (f.ecmDegradationByMT1MMP * t.lattice.capacity + f.ecmDegradationByMMP2 * mMax);
  if (f.mmp2Decay === 0 && f.mmp2Production > 0 && f.ecmDegradationByMMP2 > 0)
    issue(['fields', 'mmp2Decay'], 'must be > 0 when MMP-2 is made and degrades ECM (got 0)');
  else if (ecm > 1)
    issue(
      ['fields', 'ecmDegradationByMT1MMP'],
      `ECM degradation exceeds the ECM present in one step (dt (Γ1 Q + Γ2 m_max) = ${ecm.toPrecision(3)}, expected <= 1)`,
    );
}
