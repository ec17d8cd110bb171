/**
 * The scenario schema: the one definition of every parameter of the engine, with
 * its unit, default, allowed range and source. Types (z.infer), validation, the
 * editor schema (scenarios/schema.json) and the parameter docs all come from here.
 * Defaults describe a breast cancer in a woman (MODEL.md, "Default parameters").
 */
import { z } from 'zod';

export const DRIVERS = ['angiogenic', 'invasive', 'immuneEvasion', 'colonisation'] as const;
export type DriverName = (typeof DRIVERS)[number];

export const NODES = ['sentinelNode', 'regionalNode', 'distantNode'] as const;
export const ORGANS = [
  'lung',
  'liver',
  'bone',
  'brain',
  'adrenal',
  'kidney',
  'peritoneum',
  'skin',
  'other',
] as const;
/** Every place a cell can be: the primary's organ, the lymph-node chain in order, distant organs. */
export const SITES = ['primary', ...NODES, ...ORGANS] as const;
/** Sites that hold disseminated cells and metastases: the node chain, then the organs. */
export const METASTATIC_SITES = [...NODES, ...ORGANS] as const;
export type SiteName = (typeof SITES)[number];

export type ParamMeta = {
  unit: string;
  source: string;
  description: string;
};

function num(def: number, min: number, max: number, meta: ParamMeta) {
  return z.number().min(min).max(max).default(def).meta(meta);
}
function int(def: number, min: number, max: number, meta: ParamMeta) {
  return z.number().int().min(min).max(max).default(def).meta(meta);
}
function prob(def: number, meta: Omit<ParamMeta, 'unit'>) {
  return num(def, 0, 1, { unit: 'probability', ...meta });
}
function rate(def: number, meta: Omit<ParamMeta, 'unit'>, unit = '1/day') {
  return num(def, 0, 1e3, { unit, ...meta });
}
function flag(def: boolean, description: string) {
  return z.boolean().default(def).meta({ unit: 'boolean', source: 'scenario choice', description });
}
function section<T extends z.ZodRawShape>(shape: T, description: string) {
  // Every field has a default, so an absent section is filled in whole.
  return z
    .strictObject(shape)
    .prefault({} as never)
    .meta({ description });
}

const drainage = z.enum(['systemic', 'portal', 'pulmonary']);
const driverList = z.array(z.enum(DRIVERS));
const sweepValue = z.union([z.number(), z.string(), z.boolean()]);

const FLOW_SOURCE = 'textbook cardiac-output shares (MODEL.md, Sites and routes)';

function organ(flowShare: number, trapping: number, soil: number, immunePressure: number, drains: string) {
  return section(
    {
      flowShare: num(flowShare, 0, 1, {
        unit: 'fraction of arterial output',
        source: FLOW_SOURCE,
        description: 'share of arterial blood (and so of arterial CTCs) that reaches this organ',
      }),
      trapping: prob(trapping, {
        source: 'Chambers, Groom & MacDonald 2002 (most CTCs stop in the first bed met)',
        description: 'chance that a CTC passing through this capillary bed stops there',
      }),
      soil: prob(soil, {
        source: 'Paget 1889; calibrated per cancer type',
        description: 'how well this seed grows in this soil: multiplies the extravasation probability',
      }),
      immunePressure: rate(immunePressure, {
        source: 'modelling choice (docs/model.md, phase 8)',
        description: 'extra death rate of non-evading cells in small colonies here',
      }),
      drainage: drainage.default(drains as z.infer<typeof drainage>).meta({
        description:
          'where blood leaving this organ goes first: systemic veins (lungs), portal vein (liver), pulmonary veins (arterial)',
      }),
    },
    'one distant organ',
  );
}

function node(trapping: number, soil: number, immunePressure: number) {
  return section(
    {
      trapping: prob(trapping, {
        source: 'modelling choice; sentinel-node series (MODEL.md)',
        description: 'chance that a cell in lymph stops at this node station',
      }),
      soil: prob(soil, {
        source: 'modelling choice',
        description: 'multiplies the extravasation (settling) probability in this node',
      }),
      immunePressure: rate(immunePressure, {
        source: 'modelling choice (lymph nodes are immune organs)',
        description: 'extra death rate of non-evading cells in small colonies here',
      }),
    },
    'one lymph-node station',
  );
}

export const scenarioSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: 'editor schema reference; ignored' }),
    name: z.string().default('unnamed').meta({ description: 'scenario name' }),
    description: z.string().default('').meta({ description: 'what the scenario shows' }),
    extends: z
      .string()
      .optional()
      .meta({ description: 'built-in scenario name or relative file this one changes' }),
    seed: int(1, 0, 2 ** 31 - 1, {
      unit: 'integer',
      source: 'scenario choice',
      description: 'seed of the named random streams',
    }),
    scale: z.enum(['patient', 'tissue']).default('patient').meta({
      description:
        "'patient': counted cells in a whole body over years; 'tissue': single cells on lattices over days (the tissue section)",
    }),
    time: section(
      {
        dt: num(1, 1e-4, 30, {
          unit: 'day',
          source: 'MODEL.md (default 1 day)',
          description: 'length of one engine step',
        }),
        durationDays: num(7300, 0, 36500 * 2, {
          unit: 'day',
          source: 'scenario choice (20 years)',
          description: 'simulated time unless the patient dies first',
        }),
        observeEveryDays: num(30, 1e-4, 3650, {
          unit: 'day',
          source: 'scenario choice',
          description: 'interval of the time series',
        }),
      },
      'time steps and observation',
    ),
    body: section(
      {
        cellsPerMm3: num(1e6, 1e3, 1e7, {
          unit: 'cells/mm^3',
          source: 'convention; Del Monte 2009 argues 1e5',
          description: 'cell density used to turn cells into volume and diameter',
        }),
        lethalBurdenCells: num(1e12, 1, 1e14, {
          unit: 'cells',
          source: 'Coumans, Siesling & Terstappen 2013',
          description: 'total tumour burden at which the patient dies',
        }),
        earlyThresholdCells: num(1e7, 1, 1e13, {
          unit: 'cells',
          source: 'Hu et al. 2019 (0.01 cm^3)',
          description: 'a founder that left while the primary was smaller is early',
        }),
        bloodVolumeMl: num(5000, 1, 1e4, {
          unit: 'mL',
          source: 'adult blood volume',
          description: 'volume over which CTCs are spread',
        }),
        sampleVolumeMl: num(7.5, 0.01, 100, {
          unit: 'mL',
          source: 'CellSearch sample (Cristofanilli 2004)',
          description: 'volume of the CTC sample reported as CTCs per sample',
        }),
      },
      'the patient',
    ),
    primary: section(
      {
        enabled: flag(true, 'whether the run starts from a primary tumour (false for inoculation only)'),
        organ: z.string().default('breast').meta({ description: 'organ of the primary (a label)' }),
        drainage: drainage.default('systemic').meta({
          description: "venous drainage of the primary: 'systemic' (lungs first) or 'portal' (liver first)",
        }),
        initialCells: int(1e5, 1, 1e12, {
          unit: 'cells',
          source: 'modelling choice: a small in-situ lesion past stochastic extinction',
          description: 'cells of the primary at t = 0',
        }),
        initialDrivers: driverList.default([]).meta({ description: 'drivers carried by the founding clone' }),
        initiallyVascular: flag(
          false,
          'whether the primary has made its angiogenic switch at t = 0 (an established tumour)',
        ),
        initialCapacityCells: num(0, 0, 1e14, {
          unit: 'cells',
          source: 'scenario choice',
          description: 'capacity K of the primary at t = 0; 0 means the avascular capacity',
        }),
      },
      'the primary tumour',
    ),
    growth: section(
      {
        lambda: rate(7.9e-4, {
          source:
            'set so volume doubling at 1 cm is about 160 days (serial ultrasound series; docs/model.md)',
          description: 'Gompertz rate: net growth per cell is lambda * ln(K/N)',
        }),
        turnover: rate(0.5, {
          source: 'Franssen et al. 2019 (22-33 h cycle of cycling cells)',
          description: 'd0: baseline division and death rate per cell, on top of net growth',
        }),
        colonyLambdaFactor: num(1, 0, 1000, {
          unit: 'multiplier',
          source: 'modelling choice (calibrated per scenario; docs/calibration.md)',
          description:
            'multiplies lambda for colonies (metastases), which may grow faster or slower than the primary',
        }),
        driverMutationRate: num(1e-8, 0, 1, {
          unit: 'per division per driver',
          source: 'modelling choice (order of driver-gene mutation rates, Bozic 2010)',
          description: 'chance that one division gains one given missing driver',
        }),
        driverAdvantage: rate(0.002, {
          source: 'Bozic et al. 2010 (0.4% per division, at about 0.5 divisions per day)',
          description:
            'extra division rate per driver a clone carries: the selection that makes progression linear',
        }),
        passengerRate: num(0.1, 0, 100, {
          unit: 'mutations per division',
          source: 'modelling choice (exome rate, order 0.1 per division)',
          description: 'passenger mutations added to each daughter at division',
        }),
      },
      'phase 1: growth',
    ),
    angiogenesis: section(
      {
        avascularCapacityCells: num(1e6, 1, 1e13, {
          unit: 'cells',
          source: 'Folkman (1-2 mm); Thomlinson & Gray 1955',
          description: 'K of an avascular tumour',
        }),
        switchThresholdFraction: prob(0.5, {
          source: 'MODEL.md',
          description: 'the switch hazard applies once N >= this fraction of the avascular K',
        }),
        switchHazard: rate(0.01, {
          source: 'modelling choice (calibrated per scenario)',
          description: 'daily hazard of the angiogenic switch of a primary above threshold',
        }),
        metastasisSwitchHazard: rate(0.002, {
          source: 'modelling choice; Luzzi 1998 (1 in 100 micrometastases grow)',
          description: 'daily hazard of the angiogenic switch of a colony above threshold (phase 7)',
        }),
        b: rate(
          5.85,
          {
            source: 'Hahnfeldt et al. 1999 (Lewis lung, mouse)',
            description: 'stimulation of capacity by tumour volume (dK/dt = -l2 K + b V - d K V^2/3)',
          },
          '1/day',
        ),
        d: num(3.7e-4, 0, 10, {
          unit: '1/(day mm^2)',
          source:
            'Hahnfeldt et al. 1999 form; rescaled so the plateau (b/d)^1.5 = 2e6 mm^3 lies above the lethal burden (docs/model.md)',
          description: 'inhibition of capacity by tumour volume',
        }),
        lambda2: rate(0, { source: 'Hahnfeldt et al. 1999', description: 'spontaneous loss of capacity' }),
        baselineVascularisation: prob(0.1, {
          source: 'modelling choice (co-opted host vessels)',
          description: 'vascularisation of an avascular tumour; scales blood-borne shedding',
        }),
      },
      'phases 2 and 7: angiogenesis',
    ),
    invasion: section(
      {
        programme: z.enum(['early', 'late', 'mixed']).default('late').meta({
          description:
            'early: invasive cells from the start, most in small lesions; late: only clones with the invasive driver; mixed: both',
        }),
        earlyMaxFraction: prob(0.05, {
          source: 'Harper et al. 2016; Hosseini et al. 2016 (calibrated)',
          description: 'invasive fraction of a very small lesion under the early programme',
        }),
        earlyHalfCells: num(1e5, 1, 1e12, {
          unit: 'cells',
          source: 'Hosseini et al. 2016 (density switches cells to proliferation; calibrated)',
          description: 'lesion size at which the early invasive fraction has halved',
        }),
        earlyHillExponent: num(1, 0.1, 10, {
          unit: 'dimensionless',
          source: 'modelling choice (Hosseini et al. 2016: density switches cells to proliferation)',
          description: 'steepness h of the fall of the early invasive fraction: f0 / (1 + (N/N_half)^h)',
        }),
        lateInvasiveFraction: prob(0.1, {
          source: 'modelling choice',
          description: 'invasive fraction of clones that carry the invasive driver',
        }),
        bloodRate: rate(
          0.032,
          {
            source: 'Butler & Gullino 1975: 3.2e-3 per cell per day for a fully invasive vascular tumour',
            description: 'rate at which one invasive cell enters blood at full vascularisation',
          },
          '1/day per invasive cell',
        ),
        lymphRate: rate(
          0.01,
          {
            source: 'modelling choice',
            description: 'rate at which one invasive cell enters lymph',
          },
          '1/day per invasive cell',
        ),
        clusterFraction: prob(0.03, {
          source: 'Aceto et al. 2014 (clusters a few % of CTC events)',
          description: 'share of shedding events that release a cluster',
        }),
        clusterMeanSize: num(4, 2, 50, {
          unit: 'cells',
          source: 'Aceto et al. 2014 (2-50 cells, most small)',
          description: 'mean cells in a cluster; size is 2 + Binomial(48, q)',
        }),
      },
      'phase 3: invasion and intravasation',
    ),
    circulation: section(
      {
        clearanceRate: rate(10, {
          source: 'Meng et al. 2004 (half-life 1-2.4 h, 7-17 per day)',
          description: 'k_clear: rate at which a CTC leaves the blood, trapped or killed',
        }),
        survivalSingle: prob(5e-4, {
          source: 'Franssen et al. 2019',
          description: 'chance that a single CTC arrests alive',
        }),
        survivalCluster: prob(2.5e-2, {
          source: 'Franssen et al. 2019; Aceto et al. 2014 (23-50x)',
          description: 'chance that a cluster arrests alive',
        }),
        nkShareOfKill: prob(0.8, {
          source: 'Brodbeck et al. 2014',
          description: 'share of the kill hazard due to NK cells (the rest is shear)',
        }),
        nkKillFactor: num(1, 0, 100, {
          unit: 'multiplier',
          source: 'scenario choice',
          description: 'multiplies the NK kill hazard (immune strength)',
        }),
        immuneEvasionEffect: prob(0.5, {
          source: 'modelling choice',
          description: 'share of the NK kill hazard removed by the immune-evasion driver',
        }),
      },
      'phase 4: circulation with immune kill',
    ),
    lymph: section(
      {
        survival: prob(0.05, {
          source: 'modelling choice (lymph is gentler than blood)',
          description: 'chance that a cell in lymph reaches a node alive',
        }),
        skipProbability: prob(0.025, {
          source: 'clinical series (2-3% skip metastasis in breast)',
          description: 'chance that lymph bypasses the sentinel node',
        }),
      },
      'phase 5: lymphatic route',
    ),
    sites: section(
      {
        sentinelNode: node(0.6, 0.8, 0.01),
        regionalNode: node(0.5, 0.8, 0.01),
        distantNode: node(0.5, 0.8, 0.01),
        lung: organ(0, 0.8, 0.5, 0.005, 'pulmonary'),
        liver: organ(0.25, 0.8, 0.5, 0.005, 'systemic'),
        bone: organ(0.05, 0.8, 1, 0.005, 'systemic'),
        brain: organ(0.14, 0.3, 0.4, 0.005, 'systemic'),
        adrenal: organ(0.005, 0.3, 0.5, 0.005, 'systemic'),
        kidney: organ(0.2, 0.3, 0.02, 0.005, 'systemic'),
        peritoneum: organ(0.02, 0.3, 0.3, 0.005, 'portal'),
        skin: organ(0.08, 0.3, 0.1, 0.005, 'systemic'),
        other: organ(0.255, 0.3, 0.02, 0.005, 'systemic'),
      },
      'phases 5 and 6: where CTCs stop and how well they settle',
    ),
    extravasation: section(
      {
        probability: prob(0.8, {
          source: 'Koop et al. 1995; Luzzi et al. 1998 (0.8-0.87)',
          description: 'chance that an arrested cell leaves the vessel (times soil), else it dies',
        }),
      },
      'phase 6: extravasation',
    ),
    colonisation: section(
      {
        colonyFraction: prob(0.025, {
          source: 'Luzzi et al. 1998 (B16F1, liver)',
          description: 'chance that an extravasated cell starts dividing at once',
        }),
        dormantFraction: prob(0.36, {
          source: 'Luzzi et al. 1998 (B16F1, liver)',
          description: 'chance that an extravasated cell becomes a dormant DTC; the rest die',
        }),
        wakeHazard: rate(5e-5, {
          source: 'Pan et al. 2017 (derived; calibrated)',
          description: 'daily hazard that a dormant DTC able to colonise wakes and founds a colony',
        }),
        dormantDeathHazard: rate(5e-5, {
          source: 'modelling choice',
          description: 'daily hazard that a dormant DTC dies',
        }),
        progressionHazard: rate(5e-4, {
          source: 'Klein 2009; Schmidt-Kittler et al. 2003 (parallel progression)',
          description: 'daily hazard that a dormant DTC lacking the colonisation driver gains it',
        }),
        requireColonisationDriver: flag(
          true,
          'whether founding a colony needs the colonisation driver (else the cell goes dormant)',
        ),
        immuneSaturationCells: num(1e5, 1, 1e12, {
          unit: 'cells',
          source: 'modelling choice',
          description: 'colony size at which site immune pressure has halved',
        }),
      },
      'phase 8: colonisation, dormancy and immune escape',
    ),
    inoculation: section(
      {
        enabled: flag(false, 'inject cells into a vessel at the start (experimental metastasis)'),
        cells: int(0, 0, 1e9, {
          unit: 'cells',
          source: 'experiment design',
          description: 'single cells injected at t = 0',
        }),
        vessel: z.enum(['portal', 'tailVein', 'arterial']).default('tailVein').meta({
          description:
            'mesenteric/portal vein (liver first), tail vein (lungs first) or left ventricle (arterial)',
        }),
        survival: prob(1, {
          source: 'modelling choice: a bolus reaches the first bed within seconds (Luzzi 1998)',
          description: 'chance that an injected cell arrests alive in the first beds',
        }),
        drivers: driverList.default(['angiogenic', 'invasive', 'colonisation']).meta({
          description: 'drivers carried by the injected line',
        }),
      },
      'direct inoculation without a primary',
    ),
    clinical: section(
      {
        screening: section(
          {
            enabled: flag(false, 'regular screening of the primary'),
            startDay: num(0, 0, 1e5, { unit: 'day', source: 'programme', description: 'first screen' }),
            intervalDays: num(730, 1, 1e5, {
              unit: 'day',
              source: 'UK programme (3 years); US (1-2 years)',
              description: 'time between screens',
            }),
            thresholdMm: num(5, 0, 200, {
              unit: 'mm',
              source: 'mammography, about 5 mm',
              description: 'smallest primary diameter screening can find',
            }),
            sensitivity: prob(0.85, {
              source: 'mammography sensitivity (order 0.8-0.9)',
              description: 'chance that a screen finds a primary above threshold',
            }),
          },
          'screening',
        ),
        symptomaticMm: num(10, 0, 500, {
          unit: 'mm',
          source: 'MODEL.md (clinical detection about 10 mm, 1e9 cells)',
          description: 'primary diameter at which it is found by symptoms',
        }),
        metastasisDetectionMm: num(8, 0, 500, {
          unit: 'mm',
          source: 'PET resolution 7-10 mm',
          description: 'diameter at which a metastasis or residual is detected (recurrence)',
        }),
        surgery: section(
          {
            enabled: flag(true, 'remove the primary after detection'),
            delayDays: num(30, 0, 3650, {
              unit: 'day',
              source: 'care pathways',
              description: 'detection to surgery',
            }),
            residualFraction: prob(1e-9, {
              source: 'modelling choice (clear margins leave of the order of one cell of 1e9)',
              description: 'fraction of primary cells left behind',
            }),
            nodeRule: z
              .enum(['none', 'sentinel', 'sentinelThenRegional'])
              .default('sentinelThenRegional')
              .meta({
                description:
                  'none: nodes untouched; sentinel: sentinel node removed; sentinelThenRegional: also the regional nodes if the sentinel holds a micro- or macrometastasis',
              }),
          },
          'surgery',
        ),
        chemotherapy: section(
          {
            enabled: flag(false, 'adjuvant chemotherapy after surgery'),
            startDays: num(30, 0, 3650, {
              unit: 'day',
              source: 'care pathways',
              description: 'surgery to first cycle',
            }),
            cycles: int(6, 0, 100, {
              unit: 'cycles',
              source: 'common regimens',
              description: 'number of cycles',
            }),
            intervalDays: num(21, 1, 365, {
              unit: 'day',
              source: 'common regimens',
              description: 'cycle length',
            }),
            killFraction: prob(0.5, {
              source: 'log-kill hypothesis (Skipper); modelling choice',
              description: 'share of cells in growing colonies killed per cycle; dormant DTCs are spared',
            }),
          },
          'adjuvant chemotherapy',
        ),
        endocrine: section(
          {
            enabled: flag(false, 'adjuvant endocrine therapy after surgery'),
            startDays: num(30, 0, 3650, {
              unit: 'day',
              source: 'care pathways',
              description: 'surgery to start',
            }),
            durationDays: num(1826, 0, 36500, {
              unit: 'day',
              source: 'Pan et al. 2017 (5 years)',
              description: 'duration of endocrine therapy',
            }),
            divisionFactor: prob(0.5, {
              source: 'modelling choice',
              description: 'multiplies the division rate while on therapy',
            }),
            wakeFactor: prob(0.3, {
              source: 'modelling choice',
              description: 'multiplies the waking hazard of dormant DTCs while on therapy',
            }),
          },
          'adjuvant endocrine therapy',
        ),
        radiotherapy: section(
          {
            enabled: flag(false, 'adjuvant radiotherapy after surgery'),
            startDays: num(60, 0, 3650, {
              unit: 'day',
              source: 'care pathways',
              description: 'surgery to course',
            }),
            survivingFraction: prob(1e-3, {
              source: 'modelling choice (a curative course)',
              description: 'share of cells surviving in irradiated sites',
            }),
            includesRegionalNodes: flag(true, 'whether the nodes are in the radiation field'),
          },
          'adjuvant radiotherapy (local)',
        ),
      },
      'clinical layer: detection, surgery, adjuvant therapy',
    ),
    representation: section(
      {
        mode: z.enum(['cohorts', 'individual']).default('cohorts').meta({
          unit: 'choice',
          source: 'docs/model.md, Representation',
          description:
            "'cohorts': dormant cells and small avascular colonies are counted rows, so a run's cost is bounded by sites, driver sets and size bins; 'individual': one record per dormant cell and per colony (the reference to check cohorts against)",
        }),
        seedingBucketsPerDoubling: int(2, 1, 64, {
          unit: 'buckets per doubling of the primary',
          source:
            'docs/model.md, Representation (2: a bucket spans 41% of primary volume, 12% of its diameter, 80 days at a 160-day doubling)',
          description:
            'cells and colonies seeded from the primary while it had about the same size (a bucket of its cell count, on a log scale) share a cohort row; their founding records are the row means',
        }),
        exactColonyCells: int(32, 1, 64, {
          unit: 'cells',
          source: 'docs/model.md, Representation',
          description:
            'cohort colonies up to this size are tracked at their exact cell count with the exact one-step law; larger ones in size bins',
        }),
        binsPerDoubling: int(8, 1, 64, {
          unit: 'bins',
          source: 'docs/model.md, Representation',
          description: 'size bins per doubling of colony size above exactColonyCells',
        }),
        maxRecords: int(2e6, 100, 1e9, {
          unit: 'records',
          source: 'docs/model.md, Representation (about 200 bytes a record: 2e6 records is 400 MB)',
          description:
            'a replicate holding more tumour records, dormant rows and colony rows than this stops with an error instead of exhausting memory',
        }),
      },
      'how disseminated disease is stored: counted cohorts or one record each',
    ),
    tissue: section(
      {
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
              description:
                'ECM degraded by membrane-bound MT1-MMP of each mesenchymal-like cell at the point',
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
              description:
                'chance that a survivor arrives in secondary patch k; one entry per patch, summing to 1',
            }),
          },
          'the vasculature between patches',
        ),
      },
      'tissue scale (scale: tissue): cells on lattices, after Franssen et al. 2019',
    ),
    batch: section(
      {
        replicates: int(10, 1, 1e7, {
          unit: 'replicates',
          source: 'study design',
          description: 'replicates per parameter point (seedsoil batch)',
        }),
        timeseriesEveryDays: num(0, 0, 36500, {
          unit: 'day',
          source: 'study design',
          description: 'interval of the per-replicate time series written by seedsoil batch; 0 writes none',
        }),
        grid: z
          .record(z.string(), z.array(sweepValue).min(1))
          .default({})
          .meta({ description: 'parameter path -> list of values; every combination is one point' }),
        points: z
          .array(z.record(z.string(), sweepValue))
          .default([])
          .meta({ description: 'explicit parameter points, each a map of parameter path -> value' }),
        latinHypercube: z
          .strictObject({
            samples: int(10, 1, 1e6, {
              unit: 'points',
              source: 'study design',
              description: 'number of points',
            }),
            seed: int(1, 0, 2 ** 31 - 1, {
              unit: 'integer',
              source: 'study design',
              description: 'seed of the sampling (independent of the simulation seed)',
            }),
            ranges: z
              .record(z.string(), z.tuple([z.number(), z.number()]))
              .meta({ description: 'parameter path -> [low, high]' }),
          })
          .optional()
          .meta({ description: 'Latin-hypercube sample of points over numeric parameter ranges' }),
      },
      'batch runs: replicates and parameter sweeps (use one of grid, points, latinHypercube)',
    ),
  })
  .superRefine((s, ctx) => {
    const total = ORGANS.reduce((sum, o) => sum + s.sites[o].flowShare, 0);
    if (Math.abs(total - 1) > 1e-6) {
      ctx.addIssue({
        code: 'custom',
        path: ['sites'],
        message: `organ flowShare values must sum to 1 (got ${total.toPrecision(6)}, expected 1)`,
      });
    }
    if (!s.primary.enabled && !s.inoculation.enabled) {
      ctx.addIssue({
        code: 'custom',
        path: ['primary', 'enabled'],
        message: 'a run needs a primary or an inoculation (got neither, expected one enabled)',
      });
    }
    const sweeps = [
      Object.keys(s.batch.grid).length > 0,
      s.batch.points.length > 0,
      s.batch.latinHypercube !== undefined,
    ];
    if (sweeps.filter(Boolean).length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['batch'],
        message: 'use one of grid, points and latinHypercube (got more than one)',
      });
    }
    checkTissue(s.tissue, ctx);
    if (s.colonisation.colonyFraction + s.colonisation.dormantFraction > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['colonisation'],
        message: 'colonyFraction + dormantFraction must not exceed 1',
      });
    }
  });

export type Scenario = z.infer<typeof scenarioSchema>;
export type TissueParameters = Scenario['tissue'];
export type ScenarioInput = z.input<typeof scenarioSchema>;

/**
 * Cross-field rules of the tissue section. The three stability bounds are those of
 * the explicit schemes in src/engine/tissue (docs/tissue.md): each
 * keeps every probability and every field value in range at the given step.
 */
function checkTissue(t: TissueParameters, ctx: z.RefinementCtx): void {
  const issue = (path: string[], message: string) =>
    ctx.addIssue({ code: 'custom', path: ['tissue', ...path], message });
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
