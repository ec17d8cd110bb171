/**
 * The words a class reads on the page: the one place where sites get their display
 * names, where counts get their units and plurals, and where the engine's event
 * details (identifiers such as `itc` or `lymph`) become phrases. The files and the
 * command line keep the identifiers; the page shows these.
 */
import type { SiteName } from '../engine/schema.ts';

/** Each site's name in a sentence ("in the sentinel lymph node") and on a chart axis or the body map. */
export const SITE_NAMES: Record<SiteName, { the: string; short: string }> = {
  primary: { the: 'the primary tumour', short: 'primary' },
  sentinelNode: { the: 'the sentinel lymph node', short: 'sentinel node' },
  regionalNode: { the: 'the regional lymph nodes', short: 'regional nodes' },
  distantNode: { the: 'the distant lymph nodes', short: 'distant nodes' },
  lung: { the: 'the lungs', short: 'lung' },
  liver: { the: 'the liver', short: 'liver' },
  bone: { the: 'the bones', short: 'bone' },
  brain: { the: 'the brain', short: 'brain' },
  adrenal: { the: 'the adrenal glands', short: 'adrenal' },
  kidney: { the: 'the kidneys', short: 'kidney' },
  peritoneum: { the: 'the peritoneum', short: 'peritoneum' },
  skin: { the: 'the skin', short: 'skin' },
  other: { the: 'another organ', short: 'other organs' },
};

/** A site's name in a sentence; an unknown identifier is shown as it is rather than hidden. */
export const siteThe = (site: string): string => SITE_NAMES[site as SiteName]?.the ?? site;
/** A site's short name for axes and the body map. */
export const siteShort = (site: string): string => SITE_NAMES[site as SiteName]?.short ?? site;

const LARGE: [number, string][] = [
  [1e12, 'trillion'],
  [1e9, 'billion'],
  [1e6, 'million'],
];

/**
 * A number as a class reads it: whole numbers with thousands separators up to a
 * million, then "1.2 million", "3.4 billion"; fractions below 100 with two
 * significant digits; never an exponent.
 */
export function readable(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  for (const [size, word] of LARGE) {
    if (abs >= size) {
      const x = n / size;
      return `${x.toLocaleString('en', { maximumFractionDigits: x < 10 ? 1 : 0 })} ${word}`;
    }
  }
  // A mean or a rate below 100 keeps two significant digits: 0.0015 CTCs per sample is not 0.
  if (abs < 100 && !Number.isInteger(n)) return n.toLocaleString('en', { maximumSignificantDigits: 2 });
  return Math.round(n).toLocaleString('en');
}

/** A count with its unit in the right number: "1 cell", "0 cells", "2.5 million cells". */
export function count(n: number, one: string, many: string): string {
  return `${readable(n)} ${n === 1 ? one : many}`;
}

export const cells = (n: number): string => count(n, 'cell', 'cells');

/** The engine's event details as phrases. */
const ROUTE: Record<string, string> = { blood: 'the blood', lymph: 'the lymph' };
const NODE_STATUS: Record<string, string> = {
  negative: 'no tumour cells',
  itc: 'isolated tumour cells',
  micro: 'a micrometastasis',
  macro: 'a macrometastasis',
};
const DETECTION: Record<string, string> = { symptoms: 'symptoms', screening: 'screening' };
const RECURRENCE: Record<string, string> = {
  local: 'local recurrence',
  regional: 'regional recurrence',
  distant: 'distant recurrence',
};

const YEAR = 365.25;

/** One event of the run as a sentence for the feed. */
export function eventSentence(type: string, site: string, value: number, detail: string): string {
  switch (type) {
    case 'first_dissemination':
      return `The first cell left the primary tumour, into ${ROUTE[detail] ?? detail}, when it had ${cells(value)}.`;
    case 'angiogenic_switch':
      return site === 'primary'
        ? 'Angiogenic switch in the primary tumour: new blood vessels let it grow.'
        : `Angiogenic switch in ${siteThe(site)}: new blood vessels let the metastasis grow.`;
    case 'detection':
      return `The primary tumour was found by ${DETECTION[detail] ?? detail} at ${value.toFixed(1)} mm across.`;
    case 'metastasis_at_diagnosis':
      return 'A metastasis was already visible at diagnosis.';
    case 'surgery':
      return `Surgery removed the primary tumour (${count(value, 'cell', 'cells')} left behind).`;
    case 'node_status':
      return `Lymph nodes examined: ${NODE_STATUS[detail] ?? detail} in ${siteThe(site)}.`;
    case 'chemotherapy_cycle':
      return `Chemotherapy cycle ${value}.`;
    case 'endocrine_start':
      return detail === 'resistant'
        ? 'Endocrine therapy started; the disease does not respond to it.'
        : 'Endocrine therapy started.';
    case 'endocrine_escape':
      return 'The disease became resistant to endocrine therapy.';
    case 'endocrine_end':
      return 'Endocrine therapy ended.';
    case 'metastatic_line':
      return `Line ${value} of therapy for the spread disease started.`;
    case 'metastatic_progression':
      return `The disease escaped line ${value} of therapy.`;
    case 'radiotherapy':
      return 'Radiotherapy to the breast and lymph nodes.';
    case 'first_colony':
      return `A disseminated cell started a colony in ${siteThe(site)}.`;
    case 'first_micro':
      return `The first micrometastasis, in ${siteThe(site)}.`;
    case 'first_macro':
      return `The first macrometastasis, in ${siteThe(site)}.`;
    case 'recurrence':
      return `The cancer came back: ${RECURRENCE[detail] ?? detail} in ${siteThe(site)}.`;
    case 'salvage':
      return `The recurrence in ${siteThe(site)} was removed by surgery.`;
    case 'death':
      if (detail === 'organ failure')
        return `The metastases in ${siteThe(site)} grew to the size at which the organ fails.`;
      return site
        ? `The tumour burden reached the lethal level, the largest share of it in ${siteThe(site)}.`
        : 'The tumour burden reached the lethal level.';
    default:
      return type.replaceAll('_', ' ');
  }
}

/** "Year 5.9: …" */
export const feedLine = (day: number, sentence: string): string =>
  `Year ${(day / YEAR).toFixed(1)}: ${sentence}`;

/**
 * A tissue patch's name as the page shows it: the engine names them `primary`,
 * `secondary1`, `secondary2`, … (files and events keep these).
 */
export function patchShort(name: string): string {
  const k = /^secondary(\d+)$/.exec(name)?.[1];
  return k ? `secondary ${k}` : name;
}

/** A tissue patch in a sentence: "the primary patch", "secondary patch 2". */
export function patchThe(name: string): string {
  const k = /^secondary(\d+)$/.exec(name)?.[1];
  return k ? `secondary patch ${k}` : `the ${name} patch`;
}

/**
 * The tissue funnel's stages (summary.json's funnel keys) as a class reads them:
 * what the cells counted there did.
 */
export const TISSUE_STAGES: Record<string, string> = {
  intravasated: 'entered the blood',
  enteredAsSingle: 'entered alone',
  enteredInCluster: 'entered in a cluster',
  disaggregated: 'broke away from a cluster',
  diedSingle: 'died alone',
  diedInCluster: 'died in a cluster',
  survivedSingle: 'survived alone',
  survivedInCluster: 'survived in a cluster',
  arrived: 'settled in a secondary patch',
  lostNoRoom: 'found no room there',
  leftModel: 'left the modelled tissue',
};
