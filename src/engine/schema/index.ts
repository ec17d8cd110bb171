/**
 * The scenario schema: the one definition of every parameter of the engine, with
 * its unit, default, allowed range and source. Types (z.infer), validation, the
 * editor schema (scenarios/schema.json) and the parameter reference
 * (parameters.ts) all come from here. Defaults describe a breast cancer in a
 * woman (MODEL.md, "Default parameters").
 *
 * Each section lives in the file named after the phase or module that reads it,
 * with the rules between its fields. A scenario has one scale, named by `scale`
 * (absent means patient): a patient scenario holds the patient sections, a tissue
 * scenario the tissue section, and both the fields below and `batch`. A section
 * of the other scale is refused by the schema itself, naming where it belongs.
 */
import { z } from 'zod';
import { angiogenesis } from './angiogenesis.ts';
import { batch } from './batch.ts';
import { body } from './body.ts';
import { circulation } from './circulation.ts';
import { clinical } from './clinical.ts';
import { colonisation } from './colonisation.ts';
import { misplaced, NODES, seed } from './common.ts';
import { extravasation } from './extravasation.ts';
import { growth } from './growth.ts';
import { inoculation } from './inoculation.ts';
import { invasion } from './invasion.ts';
import { lymph } from './lymph.ts';
import { primary } from './primary.ts';
import { representation } from './representation.ts';
import { sites } from './sites.ts';
import { time } from './time.ts';
import { tissue } from './tissue.ts';

export {
  DRIVERS,
  type DriverName,
  isSeed,
  MAX_SEED,
  METASTATIC_SITES,
  NODES,
  ORGANS,
  type ParamMeta,
  parseSeed,
  SITES,
  type SiteName,
  seedProblem,
} from './common.ts';
export type { TissueParameters } from './tissue.ts';

/** What every scenario has, whatever its scale. */
const identity = {
  $schema: z.string().optional().meta({ description: 'editor schema reference; ignored' }),
  name: z.string().default('unnamed').meta({ description: 'scenario name' }),
  description: z.string().default('').meta({ description: 'what the scenario shows' }),
  extends: z
    .string()
    .optional()
    .meta({ description: 'built-in scenario name or relative file this one changes' }),
  seed: seed(1, {
    unit: 'integer',
    source: 'scenario choice',
    description: 'seed of the named random streams',
  }),
};

const SCALE =
  "'patient' (the default): counted cells in a whole body over years; 'tissue': single cells on lattices over days (the tissue section)";

/** The sections of a patient scenario, in the order of a step. */
const patientSections = {
  time,
  body,
  primary,
  growth,
  angiogenesis,
  invasion,
  circulation,
  lymph,
  sites,
  extravasation,
  colonisation,
  inoculation,
  clinical,
  representation,
};
type PatientSection = keyof typeof patientSections;

export const patientScenarioSchema = z
  .strictObject({
    ...identity,
    scale: z.literal('patient').default('patient').meta({ description: SCALE }),
    tissue: misplaced('is read only at the tissue scale (add scale: tissue)'),
    ...patientSections,
    batch,
  })
  .superRefine((s, ctx) => {
    if (!s.primary.enabled && !s.inoculation.enabled)
      ctx.addIssue({
        code: 'custom',
        path: ['primary', 'enabled'],
        message: 'a run needs a primary or an inoculation (got neither, expected one enabled)',
      });
    // Below the avascular capacity a switched node metastasis would have less room than an avascular one.
    for (const node of NODES) {
      const max = s.sites[node].maxCells;
      if (max > 0 && max < s.angiogenesis.avascularCapacityCells)
        ctx.addIssue({
          code: 'custom',
          path: ['sites', node, 'maxCells'],
          message: `must be 0 (no limit) or at least angiogenesis.avascularCapacityCells (got ${max}, expected 0 or >= ${s.angiogenesis.avascularCapacityCells})`,
        });
    }
  })
  .meta({ title: 'patient scenario' });

const notAtTissueScale = misplaced(
  'is a patient-scale section; a tissue scenario (scale: tissue) is set in its tissue section',
);

export const tissueScenarioSchema = z
  .strictObject({
    ...identity,
    scale: z.literal('tissue').meta({ description: SCALE }),
    ...(Object.fromEntries(Object.keys(patientSections).map((k) => [k, notAtTissueScale])) as Record<
      PatientSection,
      typeof notAtTissueScale
    >),
    tissue,
    batch,
  })
  .meta({ title: 'tissue scenario' });

/** Any scenario file: the scale's schema is chosen by `scale`, a patient scenario when it is absent. */
export const scenarioSchema = z.discriminatedUnion('scale', [patientScenarioSchema, tissueScenarioSchema]);

/** A validated patient-scale scenario: what the patient engine (src/engine) runs. */
export type Scenario = Omit<z.output<typeof patientScenarioSchema>, 'tissue'>;
/** A validated tissue-scale scenario: what the tissue engine (src/engine/tissue) runs. */
export type TissueScenario = Omit<z.output<typeof tissueScenarioSchema>, PatientSection>;
/** A validated scenario of either scale; `scale` tells which. */
export type AnyScenario = Scenario | TissueScenario;
export type Scale = AnyScenario['scale'];
export type ScenarioOf<S extends Scale> = Extract<AnyScenario, { scale: S }>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
