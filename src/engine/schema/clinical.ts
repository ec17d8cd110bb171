/**
 * The clinical layer (clinical.ts): detection, surgery and adjuvant therapy.
 */
import { z } from 'zod';
import { flag, int, num, prob, rate, section } from './common.ts';

export const clinical = section(
  {
    screening: section(
      {
        enabled: flag(false, 'regular screening of the primary'),
        participation: prob(1, {
          source:
            'modelling choice; of the order of 0.7 for mammography in the US (women 50-74 screened within two years)',
          description:
            'chance that a patient takes part in screening at all (drawn once per patient); the others are found by symptoms',
        }),
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
      description:
        'primary diameter at which it is found by symptoms (the median patient, with symptomaticSpread)',
    }),
    symptomaticSpread: num(0, 0, 3, {
      unit: 'ln mm',
      source:
        'modelling choice: tumours found by symptoms range from under 1 cm to over 5 cm (Carter, Allen & Henson 1989 size classes); calibrated (docs/calibration.md)',
      description:
        "between-patient spread of the diameter at symptomatic detection: each patient's is symptomaticMm·exp(σZ), Z standard normal (lognormal, symptomaticMm the median); 0: the same for every patient",
    }),
    symptomaticHazard: num(0, 0, 1000, {
      unit: 'per cm^3 per day',
      source:
        'Bartoszyński et al. 1982, Math Biosci 58:145; Strandberg et al. 2023, Cancers 15:912 (the hazard of symptomatic detection proportional to tumour volume)',
      description:
        "above 0, symptomatic detection is a hazard, this much per day per cm^3 of primary, instead of a diameter: a tumour that grows fast is found larger, one that grows slowly smaller (symptomaticMm and symptomaticSpread unused); 0: found at the patient's diameter",
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
        nodeRule: z.enum(['none', 'sentinel', 'sentinelThenRegional']).default('sentinelThenRegional').meta({
          description:
            'none: nodes untouched; sentinel: sentinel node removed; sentinelThenRegional: also the regional nodes if the sentinel holds a micro- or macrometastasis',
        }),
        wakeFactor: num(1, 1, 1000, {
          unit: 'dimensionless',
          source:
            'surgery-driven escape from dormancy: the first peak of the bimodal relapse hazard, 1.5-2 years after surgery (Retsky et al. 2010, Cancers 2:305; Demicheli et al. 1996, Breast Cancer Res Treat 41:177); size calibrated (docs/calibration.md)',
          description:
            "multiplies the waking hazard of dormant DTCs for wakeDays after the primary is removed (wound healing and the loss of the primary's systemic inhibition); 1: surgery leaves dormancy alone",
        }),
        wakeDays: num(365, 0, 3650, {
          unit: 'day',
          source:
            'modelling choice: the surgery-driven relapses are those of the first 3 years (Retsky et al. 2010, Cancers 2:305), colonies growing for a while after they wake',
          description: 'how long after surgery its wakeFactor acts',
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
          source: 'log-kill hypothesis (Skipper 1964); modelling choice',
          description:
            'share killed per cycle of cells that divide during the exposure; slower cells lose less, dormant DTCs nothing',
        }),
        exposureDays: num(3, 0.01, 60, {
          unit: 'day',
          source:
            'Norton & Simon 1977 (kill proportional to growth); plasma exposure of anthracycline and cyclophosphamide regimens, a few days',
          description:
            'time per cycle during which a dividing cell is killed: a cell dividing at rate b is hit with probability 1 - exp(-b·exposure)',
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
          source:
            'modelling choice; 1 in breast-er-positive, set by the recurrence rate ratio of years 10-14 (EBCTCG 2011; docs/calibration.md)',
          description: 'multiplies the waking hazard of dormant DTCs while on therapy',
        }),
        responseProbability: prob(1, {
          source:
            'de novo endocrine resistance (Osborne & Schiff 2011, Annu Rev Med 62:233); set with deathRate by EBCTCG 2011 (docs/calibration.md)',
          description:
            "chance that a patient's disease responds; in a resistant patient the therapy changes nothing",
        }),
        deathRate: rate(0, {
          source:
            'apoptosis on oestrogen deprivation (Ellis et al. 1997, Int J Cancer 72:608); set with responseProbability by the recurrence rate ratio of years 0-4 (EBCTCG 2011, Lancet 378:771; docs/calibration.md)',
          description:
            'extra death hazard of cycling tumour cells while on therapy: micrometastases that shrink to nothing do not return when it stops',
        }),
        resistancePerDivision: num(0, 0, 1e-3, {
          unit: 'per division',
          source:
            'acquired resistance grows with the number of divisions (Goldie & Coldman 1979, Cancer Treat Rep 63:1727); set by the mortality rate ratio of years 0-4 (EBCTCG 2011; docs/calibration.md)',
          description:
            "hazard per cell division under therapy that a responding patient's disease escapes it: large disease escapes within months, micrometastases seldom",
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
    salvage: section(
      {
        enabled: flag(
          false,
          "an isolated recurrence in the breast or the axillary nodes is excised with the first operation's margins (residualFraction); one with disease elsewhere, or in the distant node station unless distantNode, is not (Halyard et al. 2012, ACR Appropriateness Criteria, Am J Clin Oncol 35(2), doi:10.1097/COC.0b013e3182439084; Huang et al. 2021, Front Oncol 11:763119)",
        ),
        distantNode: flag(
          false,
          'with salvage enabled, whether an isolated recurrence in the distant node station is salvaged too: the station stands mostly for the ipsilateral supraclavicular and internal mammary nodes, regional disease (AJCC 8th edition, N2b-N3c), treated with curative intent like an axillary recurrence (Halyard et al. 2012); the stage at diagnosis does not follow it (disease visible there at diagnosis is distant stage); off: such a recurrence is systemic disease',
        ),
      },
      'salvage surgery of a local or regional recurrence',
    ),
    metastaticTherapy: section(
      {
        enabled: flag(
          false,
          'systemic therapy of disease that has spread or come back: from a distant stage at diagnosis (at surgery) or a recurrence that salvage does not remove, line after line',
        ),
        lines: int(3, 1, 20, {
          unit: 'lines',
          source:
            'modelling choice: patients with metastatic breast cancer receive several lines in sequence (endocrine, targeted, chemotherapy)',
          description: 'lines given one after the other, each until the disease escapes it',
        }),
        divisionFactor: prob(1, {
          source: 'modelling choice, as for endocrine therapy',
          description: 'multiplies the division rate while a line acts',
        }),
        deathRate: rate(0, {
          source:
            "modelling choice: a line that shrinks or holds the disease; set by SEER 5-year survival of distant-stage patients by subtype, and for triple-negative disease with its first line's progression-free and overall survival (docs/calibration.md)",
          description: 'extra death hazard of cycling tumour cells while a line acts',
        }),
        resistancePerDivision: num(0, 0, 1e-3, {
          unit: 'per division',
          source:
            'acquired resistance grows with the number of divisions (Goldie & Coldman 1979, Cancer Treat Rep 63:1727); set with the first-line progression-free survival of each subtype (docs/calibration.md)',
          description:
            'hazard per cell division under a line that the disease escapes it: the next line then starts, or, after the last, the disease grows untreated',
        }),
        escapeRate: rate(0, {
          source:
            'adaptive, non-genetic resistance arises in drug-tolerant cells whatever the bulk (Sharma et al. 2010, Cell 141:69), and first-line progression-free survival differs little with the extent of disease; set with the first-line progression-free survival of each subtype (docs/calibration.md)',
          description:
            'hazard per day under a line that the disease escapes it, whatever its size (added to the hazard per division)',
        }),
        laterLineFactor: num(1, 1, 100, {
          unit: 'ratio',
          source:
            'later lines hold shorter: progression-free survival after a first line is a few months (e.g. 1.9 months on standard endocrine therapy after CDK4/6 inhibitors, Bidard et al. 2022, J Clin Oncol 40:3246); set with overall survival from the first line (docs/calibration.md)',
          description:
            'multiplies both escape hazards for each line after the first (line k: the factor to the power k - 1): cross-resistance',
        }),
      },
      'systemic therapy of metastatic disease',
    ),
  },
  'clinical layer: detection, surgery, adjuvant therapy',
);
