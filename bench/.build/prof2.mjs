// src/cli/scenarios.ts
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// src/engine/scenario.ts
import { parse as parseYaml } from "yaml";

// src/engine/schema.ts
import { z } from "zod";
var DRIVERS = ["angiogenic", "invasive", "immuneEvasion", "colonisation"];
var NODES = ["sentinelNode", "regionalNode", "distantNode"];
var ORGANS = [
  "lung",
  "liver",
  "bone",
  "brain",
  "adrenal",
  "kidney",
  "peritoneum",
  "skin",
  "other"
];
var SITES = ["primary", ...NODES, ...ORGANS];
function num(def, min, max, meta) {
  return z.number().min(min).max(max).default(def).meta(meta);
}
function int(def, min, max, meta) {
  return z.number().int().min(min).max(max).default(def).meta(meta);
}
function prob(def, meta) {
  return num(def, 0, 1, { unit: "probability", ...meta });
}
function rate(def, meta, unit = "1/day") {
  return num(def, 0, 1e3, { unit, ...meta });
}
function flag(def, description) {
  return z.boolean().default(def).meta({ unit: "boolean", source: "scenario choice", description });
}
function section(shape, description) {
  return z.strictObject(shape).prefault({}).meta({ description });
}
var drainage = z.enum(["systemic", "portal", "pulmonary"]);
var driverList = z.array(z.enum(DRIVERS));
var FLOW_SOURCE = "textbook cardiac-output shares (MODEL.md, Sites and routes)";
function organ(flowShare, trapping, soil2, immunePressure, drains) {
  return section(
    {
      flowShare: num(flowShare, 0, 1, {
        unit: "fraction of arterial output",
        source: FLOW_SOURCE,
        description: "share of arterial blood (and so of arterial CTCs) that reaches this organ"
      }),
      trapping: prob(trapping, {
        source: "Chambers, Groom & MacDonald 2002 (most CTCs stop in the first bed met)",
        description: "chance that a CTC passing through this capillary bed stops there"
      }),
      soil: prob(soil2, {
        source: "Paget 1889; calibrated per cancer type",
        description: "how well this seed grows in this soil: multiplies the extravasation probability"
      }),
      immunePressure: rate(immunePressure, {
        source: "modelling choice (docs/model.md, phase 8)",
        description: "extra death rate of non-evading cells in small colonies here"
      }),
      drainage: drainage.default(drains).meta({
        description: "where blood leaving this organ goes first: systemic veins (lungs), portal vein (liver), pulmonary veins (arterial)"
      })
    },
    "one distant organ"
  );
}
function node(trapping, soil2, immunePressure) {
  return section(
    {
      trapping: prob(trapping, {
        source: "modelling choice; sentinel-node series (MODEL.md)",
        description: "chance that a cell in lymph stops at this node station"
      }),
      soil: prob(soil2, {
        source: "modelling choice",
        description: "multiplies the extravasation (settling) probability in this node"
      }),
      immunePressure: rate(immunePressure, {
        source: "modelling choice (lymph nodes are immune organs)",
        description: "extra death rate of non-evading cells in small colonies here"
      })
    },
    "one lymph-node station"
  );
}
var scenarioSchema = z.strictObject({
  $schema: z.string().optional().meta({ description: "editor schema reference; ignored" }),
  name: z.string().default("unnamed").meta({ description: "scenario name" }),
  description: z.string().default("").meta({ description: "what the scenario shows" }),
  extends: z.string().optional().meta({ description: "built-in scenario name or relative file this one changes" }),
  seed: int(1, 0, 2 ** 31 - 1, {
    unit: "integer",
    source: "scenario choice",
    description: "seed of the named random streams"
  }),
  time: section(
    {
      dt: num(1, 1e-4, 30, {
        unit: "day",
        source: "MODEL.md (default 1 day)",
        description: "length of one engine step"
      }),
      durationDays: num(7300, 0, 36500 * 2, {
        unit: "day",
        source: "scenario choice (20 years)",
        description: "simulated time unless the patient dies first"
      }),
      observeEveryDays: num(30, 1e-4, 3650, {
        unit: "day",
        source: "scenario choice",
        description: "interval of the time series"
      })
    },
    "time steps and observation"
  ),
  body: section(
    {
      cellsPerMm3: num(1e6, 1e3, 1e7, {
        unit: "cells/mm^3",
        source: "convention; Del Monte 2009 argues 1e5",
        description: "cell density used to turn cells into volume and diameter"
      }),
      lethalBurdenCells: num(1e12, 1, 1e14, {
        unit: "cells",
        source: "Coumans, Siesling & Terstappen 2013",
        description: "total tumour burden at which the patient dies"
      }),
      earlyThresholdCells: num(1e7, 1, 1e13, {
        unit: "cells",
        source: "Hu et al. 2019 (0.01 cm^3)",
        description: "a founder that left while the primary was smaller is early"
      }),
      bloodVolumeMl: num(5e3, 1, 1e4, {
        unit: "mL",
        source: "adult blood volume",
        description: "volume over which CTCs are spread"
      }),
      sampleVolumeMl: num(7.5, 0.01, 100, {
        unit: "mL",
        source: "CellSearch sample (Cristofanilli 2004)",
        description: "volume of the CTC sample reported as CTCs per sample"
      })
    },
    "the patient"
  ),
  primary: section(
    {
      enabled: flag(true, "whether the run starts from a primary tumour (false for inoculation only)"),
      organ: z.string().default("breast").meta({ description: "organ of the primary (a label)" }),
      drainage: drainage.default("systemic").meta({
        description: "venous drainage of the primary: 'systemic' (lungs first) or 'portal' (liver first)"
      }),
      initialCells: int(1e5, 1, 1e12, {
        unit: "cells",
        source: "modelling choice: a small in-situ lesion past stochastic extinction",
        description: "cells of the primary at t = 0"
      }),
      initialDrivers: driverList.default([]).meta({ description: "drivers carried by the founding clone" })
    },
    "the primary tumour"
  ),
  growth: section(
    {
      lambda: rate(79e-5, {
        source: "set so volume doubling at 1 cm is about 160 days (serial ultrasound series; docs/model.md)",
        description: "Gompertz rate: net growth per cell is lambda * ln(K/N)"
      }),
      turnover: rate(0.5, {
        source: "Franssen et al. 2019 (22-33 h cycle of cycling cells)",
        description: "d0: baseline division and death rate per cell, on top of net growth"
      }),
      driverMutationRate: num(1e-8, 0, 1, {
        unit: "per division per driver",
        source: "modelling choice (order of driver-gene mutation rates, Bozic 2010)",
        description: "chance that one division gains one given missing driver"
      }),
      driverAdvantage: rate(2e-3, {
        source: "Bozic et al. 2010 (0.4% per division, at about 0.5 divisions per day)",
        description: "extra division rate per driver a clone carries: the selection that makes progression linear"
      }),
      passengerRate: num(0.1, 0, 100, {
        unit: "mutations per division",
        source: "modelling choice (exome rate, order 0.1 per division)",
        description: "passenger mutations added to each daughter at division"
      })
    },
    "phase 1: growth"
  ),
  angiogenesis: section(
    {
      avascularCapacityCells: num(1e6, 1, 1e13, {
        unit: "cells",
        source: "Folkman (1-2 mm); Thomlinson & Gray 1955",
        description: "K of an avascular tumour"
      }),
      switchThresholdFraction: prob(0.5, {
        source: "MODEL.md",
        description: "the switch hazard applies once N >= this fraction of the avascular K"
      }),
      switchHazard: rate(0.01, {
        source: "modelling choice (calibrated per scenario)",
        description: "daily hazard of the angiogenic switch of a primary above threshold"
      }),
      metastasisSwitchHazard: rate(2e-3, {
        source: "modelling choice; Luzzi 1998 (1 in 100 micrometastases grow)",
        description: "daily hazard of the angiogenic switch of a colony above threshold (phase 7)"
      }),
      b: rate(
        5.85,
        {
          source: "Hahnfeldt et al. 1999 (Lewis lung, mouse)",
          description: "stimulation of capacity by tumour volume (dK/dt = -l2 K + b V - d K V^2/3)"
        },
        "1/day"
      ),
      d: num(37e-5, 0, 10, {
        unit: "1/(day mm^2)",
        source: "Hahnfeldt et al. 1999 form; rescaled so the plateau (b/d)^1.5 = 2e6 mm^3 lies above the lethal burden (docs/model.md)",
        description: "inhibition of capacity by tumour volume"
      }),
      lambda2: rate(0, { source: "Hahnfeldt et al. 1999", description: "spontaneous loss of capacity" }),
      baselineVascularisation: prob(0.1, {
        source: "modelling choice (co-opted host vessels)",
        description: "vascularisation of an avascular tumour; scales blood-borne shedding"
      })
    },
    "phases 2 and 7: angiogenesis"
  ),
  invasion: section(
    {
      programme: z.enum(["early", "late", "mixed"]).default("late").meta({
        description: "early: invasive cells from the start, most in small lesions; late: only clones with the invasive driver; mixed: both"
      }),
      earlyMaxFraction: prob(0.05, {
        source: "Harper et al. 2016; Hosseini et al. 2016 (calibrated)",
        description: "invasive fraction of a very small lesion under the early programme"
      }),
      earlyHalfCells: num(1e5, 1, 1e12, {
        unit: "cells",
        source: "Hosseini et al. 2016 (density switches cells to proliferation; calibrated)",
        description: "lesion size at which the early invasive fraction has halved"
      }),
      lateInvasiveFraction: prob(0.1, {
        source: "modelling choice",
        description: "invasive fraction of clones that carry the invasive driver"
      }),
      bloodRate: rate(
        0.032,
        {
          source: "Butler & Gullino 1975: 3.2e-3 per cell per day for a fully invasive vascular tumour",
          description: "rate at which one invasive cell enters blood at full vascularisation"
        },
        "1/day per invasive cell"
      ),
      lymphRate: rate(
        0.01,
        {
          source: "modelling choice",
          description: "rate at which one invasive cell enters lymph"
        },
        "1/day per invasive cell"
      ),
      clusterFraction: prob(0.03, {
        source: "Aceto et al. 2014 (clusters a few % of CTC events)",
        description: "share of shedding events that release a cluster"
      }),
      clusterMeanSize: num(4, 2, 50, {
        unit: "cells",
        source: "Aceto et al. 2014 (2-50 cells, most small)",
        description: "mean cells in a cluster; size is 2 + Binomial(48, q)"
      })
    },
    "phase 3: invasion and intravasation"
  ),
  circulation: section(
    {
      clearanceRate: rate(10, {
        source: "Meng et al. 2004 (half-life 1-2.4 h, 7-17 per day)",
        description: "k_clear: rate at which a CTC leaves the blood, trapped or killed"
      }),
      survivalSingle: prob(5e-4, {
        source: "Franssen et al. 2019",
        description: "chance that a single CTC arrests alive"
      }),
      survivalCluster: prob(0.025, {
        source: "Franssen et al. 2019; Aceto et al. 2014 (23-50x)",
        description: "chance that a cluster arrests alive"
      }),
      nkShareOfKill: prob(0.8, {
        source: "Brodbeck et al. 2014",
        description: "share of the kill hazard due to NK cells (the rest is shear)"
      }),
      nkKillFactor: num(1, 0, 100, {
        unit: "multiplier",
        source: "scenario choice",
        description: "multiplies the NK kill hazard (immune strength)"
      }),
      immuneEvasionEffect: prob(0.5, {
        source: "modelling choice",
        description: "share of the NK kill hazard removed by the immune-evasion driver"
      })
    },
    "phase 4: circulation with immune kill"
  ),
  lymph: section(
    {
      survival: prob(0.05, {
        source: "modelling choice (lymph is gentler than blood)",
        description: "chance that a cell in lymph reaches a node alive"
      }),
      skipProbability: prob(0.025, {
        source: "clinical series (2-3% skip metastasis in breast)",
        description: "chance that lymph bypasses the sentinel node"
      })
    },
    "phase 5: lymphatic route"
  ),
  sites: section(
    {
      sentinelNode: node(0.6, 0.8, 0.01),
      regionalNode: node(0.5, 0.8, 0.01),
      distantNode: node(0.5, 0.8, 0.01),
      lung: organ(0, 0.8, 0.5, 5e-3, "pulmonary"),
      liver: organ(0.25, 0.8, 0.5, 5e-3, "systemic"),
      bone: organ(0.05, 0.8, 1, 5e-3, "systemic"),
      brain: organ(0.14, 0.3, 0.4, 5e-3, "systemic"),
      adrenal: organ(5e-3, 0.3, 0.5, 5e-3, "systemic"),
      kidney: organ(0.2, 0.3, 0.02, 5e-3, "systemic"),
      peritoneum: organ(0.02, 0.3, 0.3, 5e-3, "portal"),
      skin: organ(0.08, 0.3, 0.1, 5e-3, "systemic"),
      other: organ(0.255, 0.3, 0.02, 5e-3, "systemic")
    },
    "phases 5 and 6: where CTCs stop and how well they settle"
  ),
  extravasation: section(
    {
      probability: prob(0.8, {
        source: "Koop et al. 1995; Luzzi et al. 1998 (0.8-0.87)",
        description: "chance that an arrested cell leaves the vessel (times soil), else it dies"
      })
    },
    "phase 6: extravasation"
  ),
  colonisation: section(
    {
      colonyFraction: prob(0.025, {
        source: "Luzzi et al. 1998 (B16F1, liver)",
        description: "chance that an extravasated cell starts dividing at once"
      }),
      dormantFraction: prob(0.36, {
        source: "Luzzi et al. 1998 (B16F1, liver)",
        description: "chance that an extravasated cell becomes a dormant DTC; the rest die"
      }),
      wakeHazard: rate(5e-5, {
        source: "Pan et al. 2017 (derived; calibrated)",
        description: "daily hazard that a dormant DTC able to colonise wakes and founds a colony"
      }),
      dormantDeathHazard: rate(5e-5, {
        source: "modelling choice",
        description: "daily hazard that a dormant DTC dies"
      }),
      progressionHazard: rate(5e-4, {
        source: "Klein 2009; Schmidt-Kittler et al. 2003 (parallel progression)",
        description: "daily hazard that a dormant DTC lacking the colonisation driver gains it"
      }),
      requireColonisationDriver: flag(
        true,
        "whether founding a colony needs the colonisation driver (else the cell goes dormant)"
      ),
      immuneSaturationCells: num(1e5, 1, 1e12, {
        unit: "cells",
        source: "modelling choice",
        description: "colony size at which site immune pressure has halved"
      })
    },
    "phase 8: colonisation, dormancy and immune escape"
  ),
  inoculation: section(
    {
      enabled: flag(false, "inject cells into a vessel at the start (experimental metastasis)"),
      cells: int(0, 0, 1e9, {
        unit: "cells",
        source: "experiment design",
        description: "single cells injected at t = 0"
      }),
      vessel: z.enum(["portal", "tailVein", "arterial"]).default("tailVein").meta({
        description: "mesenteric/portal vein (liver first), tail vein (lungs first) or left ventricle (arterial)"
      }),
      survival: prob(1, {
        source: "modelling choice: a bolus reaches the first bed within seconds (Luzzi 1998)",
        description: "chance that an injected cell arrests alive in the first beds"
      }),
      drivers: driverList.default(["angiogenic", "invasive", "colonisation"]).meta({
        description: "drivers carried by the injected line"
      })
    },
    "direct inoculation without a primary"
  ),
  clinical: section(
    {
      screening: section(
        {
          enabled: flag(false, "regular screening of the primary"),
          startDay: num(0, 0, 1e5, { unit: "day", source: "programme", description: "first screen" }),
          intervalDays: num(730, 1, 1e5, {
            unit: "day",
            source: "UK programme (3 years); US (1-2 years)",
            description: "time between screens"
          }),
          thresholdMm: num(5, 0, 200, {
            unit: "mm",
            source: "mammography, about 5 mm",
            description: "smallest primary diameter screening can find"
          }),
          sensitivity: prob(0.85, {
            source: "mammography sensitivity (order 0.8-0.9)",
            description: "chance that a screen finds a primary above threshold"
          })
        },
        "screening"
      ),
      symptomaticMm: num(10, 0, 500, {
        unit: "mm",
        source: "MODEL.md (clinical detection about 10 mm, 1e9 cells)",
        description: "primary diameter at which it is found by symptoms"
      }),
      metastasisDetectionMm: num(8, 0, 500, {
        unit: "mm",
        source: "PET resolution 7-10 mm",
        description: "diameter at which a metastasis or residual is detected (recurrence)"
      }),
      surgery: section(
        {
          enabled: flag(true, "remove the primary after detection"),
          delayDays: num(30, 0, 3650, {
            unit: "day",
            source: "care pathways",
            description: "detection to surgery"
          }),
          residualFraction: prob(1e-9, {
            source: "modelling choice (clear margins leave of the order of one cell of 1e9)",
            description: "fraction of primary cells left behind"
          }),
          nodeRule: z.enum(["none", "sentinel", "sentinelThenRegional"]).default("sentinelThenRegional").meta({
            description: "none: nodes untouched; sentinel: sentinel node removed; sentinelThenRegional: also the regional nodes if the sentinel holds a micro- or macrometastasis"
          })
        },
        "surgery"
      ),
      chemotherapy: section(
        {
          enabled: flag(false, "adjuvant chemotherapy after surgery"),
          startDays: num(30, 0, 3650, {
            unit: "day",
            source: "care pathways",
            description: "surgery to first cycle"
          }),
          cycles: int(6, 0, 100, {
            unit: "cycles",
            source: "common regimens",
            description: "number of cycles"
          }),
          intervalDays: num(21, 1, 365, {
            unit: "day",
            source: "common regimens",
            description: "cycle length"
          }),
          killFraction: prob(0.5, {
            source: "log-kill hypothesis (Skipper); modelling choice",
            description: "share of cells in growing colonies killed per cycle; dormant DTCs are spared"
          })
        },
        "adjuvant chemotherapy"
      ),
      endocrine: section(
        {
          enabled: flag(false, "adjuvant endocrine therapy after surgery"),
          startDays: num(30, 0, 3650, {
            unit: "day",
            source: "care pathways",
            description: "surgery to start"
          }),
          durationDays: num(1826, 0, 36500, {
            unit: "day",
            source: "Pan et al. 2017 (5 years)",
            description: "duration of endocrine therapy"
          }),
          divisionFactor: prob(0.5, {
            source: "modelling choice",
            description: "multiplies the division rate while on therapy"
          }),
          wakeFactor: prob(0.3, {
            source: "modelling choice",
            description: "multiplies the waking hazard of dormant DTCs while on therapy"
          })
        },
        "adjuvant endocrine therapy"
      ),
      radiotherapy: section(
        {
          enabled: flag(false, "adjuvant radiotherapy after surgery"),
          startDays: num(60, 0, 3650, {
            unit: "day",
            source: "care pathways",
            description: "surgery to course"
          }),
          survivingFraction: prob(1e-3, {
            source: "modelling choice (a curative course)",
            description: "share of cells surviving in irradiated sites"
          }),
          includesRegionalNodes: flag(true, "whether the nodes are in the radiation field")
        },
        "adjuvant radiotherapy (local)"
      )
    },
    "clinical layer: detection, surgery, adjuvant therapy"
  )
}).superRefine((s2, ctx) => {
  const total = ORGANS.reduce((sum, o) => sum + s2.sites[o].flowShare, 0);
  if (Math.abs(total - 1) > 1e-6) {
    ctx.addIssue({
      code: "custom",
      path: ["sites"],
      message: `organ flowShare values must sum to 1 (got ${total.toPrecision(6)}, expected 1)`
    });
  }
  if (!s2.primary.enabled && !s2.inoculation.enabled) {
    ctx.addIssue({
      code: "custom",
      path: ["primary", "enabled"],
      message: "a run needs a primary or an inoculation (got neither, expected one enabled)"
    });
  }
  if (s2.colonisation.colonyFraction + s2.colonisation.dormantFraction > 1) {
    ctx.addIssue({
      code: "custom",
      path: ["colonisation"],
      message: "colonyFraction + dormantFraction must not exceed 1"
    });
  }
});

// src/engine/scenario.ts
var ScenarioError = class extends Error {
  constructor(issues) {
    super(issues.map(formatIssue).join("\n"));
    this.issues = issues;
    this.name = "ScenarioError";
  }
  issues;
};
function formatIssue(i) {
  return `${i.file}: ${i.path}: ${i.message}`;
}
function isPlainObject(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function parseScenarioText(source) {
  let data;
  try {
    data = parseYaml(source.text, { prettyErrors: true, uniqueKeys: true });
  } catch (e) {
    const message = e.message.split("\n")[0] ?? "malformed";
    throw new ScenarioError([
      { file: source.name, path: "(file)", message: `malformed YAML/JSON: ${message}` }
    ]);
  }
  if (data === null || data === void 0) data = {};
  if (!isPlainObject(data)) {
    throw new ScenarioError([
      { file: source.name, path: "(root)", message: `expected a mapping of parameters (got ${show(data)})` }
    ]);
  }
  return data;
}
function deepMerge(base, over) {
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlainObject(b) && isPlainObject(v) ? deepMerge(b, v) : v;
  }
  return out;
}
function resolveExtends(source, resolve2, seen = []) {
  const raw = parseScenarioText(source);
  const parent = raw.extends;
  delete raw.extends;
  if (parent === void 0) return raw;
  if (typeof parent !== "string") {
    throw new ScenarioError([
      {
        file: source.name,
        path: "extends",
        message: `wrong type (got ${show(parent)}, expected a scenario name or path)`
      }
    ]);
  }
  if (seen.includes(parent)) {
    throw new ScenarioError([
      {
        file: source.name,
        path: "extends",
        message: `extends itself through ${[...seen, parent].join(" -> ")}`
      }
    ]);
  }
  let base;
  try {
    if (!resolve2) throw new Error("no resolver for extends");
    base = resolve2(parent, source.name);
  } catch (e) {
    throw new ScenarioError([
      { file: source.name, path: "extends", message: `cannot load "${parent}" (${e.message})` }
    ]);
  }
  return deepMerge(resolveExtends(base, resolve2, [...seen, parent]), raw);
}
function validateScenario(raw, file) {
  const parsed = scenarioSchema.safeParse(raw, { reportInput: true });
  if (parsed.success) {
    const { $schema: _, extends: __, ...scenario } = parsed.data;
    return scenario;
  }
  throw new ScenarioError(parsed.error.issues.flatMap((issue) => describeIssue(issue, file)));
}
function loadScenario(source, resolve2) {
  return validateScenario(resolveExtends(source, resolve2), source.name);
}
function defaultScenario() {
  return validateScenario({}, "(defaults)");
}
function show(v) {
  if (typeof v === "number") return Number.isNaN(v) ? "NaN" : String(v);
  if (typeof v === "string") return JSON.stringify(v);
  if (v === void 0) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return String(v);
}
function describeIssue(issue, file) {
  const path = issue.path.map(String).join(".") || "(root)";
  const got = show(issue.input);
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => {
        const guess = suggest(key, knownKeys(issue.path.map(String)));
        const hint = guess ? ` (did you mean "${guess}"?)` : "";
        return { file, path: path === "(root)" ? key : `${path}.${key}`, message: `unknown key${hint}` };
      });
    case "invalid_type":
      return [
        {
          file,
          path,
          message: `wrong type (got ${got}, expected ${issue.expected === "int" ? "an integer" : `a ${issue.expected}`})`
        }
      ];
    case "too_small":
      return [
        {
          file,
          path,
          message: `too small (got ${got}, expected ${issue.inclusive ? ">=" : ">"} ${issue.minimum})`
        }
      ];
    case "too_big":
      return [
        {
          file,
          path,
          message: `too large (got ${got}, expected ${issue.inclusive ? "<=" : "<"} ${issue.maximum})`
        }
      ];
    case "invalid_value":
      return [
        {
          file,
          path,
          message: `not allowed (got ${got}, expected one of ${issue.values.map((v) => show(v)).join(", ")})`
        }
      ];
    default:
      return [{ file, path, message: issue.message }];
  }
}
var defaultsCache;
function knownKeys(path) {
  defaultsCache ??= defaultScenario();
  let node2 = defaultsCache;
  for (const p of path) node2 = isPlainObject(node2) ? node2[p] : void 0;
  const keys = isPlainObject(node2) ? Object.keys(node2) : [];
  return path.length === 0 ? [...keys, "extends", "$schema"] : keys;
}
function editDistance(a, b) {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(cur + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}
function suggest(key, candidates) {
  let best;
  let bestDistance = Math.max(2, Math.floor(key.length / 3));
  for (const c of candidates) {
    const d = editDistance(key.toLowerCase(), c.toLowerCase());
    if (d <= bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

// src/cli/scenarios.ts
var SCENARIO_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../scenarios");
function isPathLike(ref) {
  return ref.includes("/") || ref.includes("\\") || /\.(ya?ml|json)$/i.test(ref);
}
function readSource(ref, from) {
  if (!isPathLike(ref)) {
    const file2 = resolve(SCENARIO_DIR, `${ref}.yaml`);
    if (!existsSync(file2)) throw new Error(`no built-in scenario named "${ref}"`);
    return { name: ref, text: readFileSync(file2, "utf8") };
  }
  const file = isAbsolute(ref) || !from || !isPathLike(from) ? resolve(ref) : resolve(dirname(from), ref);
  return { name: ref, text: readFileSync(file, "utf8") };
}
var fileResolver = (ref, from) => readSource(ref, from);
function loadScenarioFile(ref) {
  return loadScenario(readSource(ref), fileResolver);
}

// src/engine/state.ts
var ROUTES = ["blood", "lymph", "inoculation"];
var ROUTE_BLOOD = 0;
var ROUTE_LYMPH = 1;
var ROUTE_INOCULATION = 2;
var TIMINGS = ["early", "late", "none"];
function driverBit(name) {
  return 1 << DRIVERS.indexOf(name);
}
var ANGIOGENIC = driverBit("angiogenic");
var INVASIVE = driverBit("invasive");
var IMMUNE_EVASION = driverBit("immuneEvasion");
var COLONISATION = driverBit("colonisation");
function driverMask(names) {
  return names.reduce((mask, n) => mask | driverBit(n), 0);
}
function driverNames(mask) {
  return DRIVERS.filter((_, i) => mask & 1 << i).join("+");
}
var PRIMARY_SITE = 0;
var DTC_COLUMNS = [
  ["site", Uint8Array],
  ["arrivalDay", Float64Array],
  ["disseminationDay", Float64Array],
  ["origin", Int32Array],
  ["primaryCells", Float64Array],
  ["drivers", Uint8Array],
  ["passengers", Float64Array],
  ["route", Uint8Array],
  ["timing", Uint8Array],
  ["generation", Uint16Array],
  ["cells", Float64Array],
  ["gained", Uint8Array]
];
function createDtcStore(capacity = 64) {
  const store = { size: 0 };
  for (const [name, Type] of DTC_COLUMNS) store[name] = new Type(capacity);
  return store;
}
function addDtc(store, arrivalDay, site, r, gained = 0) {
  if (store.size === store.site.length) {
    for (const [name, Type] of DTC_COLUMNS) {
      const grown = new Type(store.site.length * 2);
      grown.set(store[name]);
      store[name] = grown;
    }
  }
  const i = store.size++;
  store.site[i] = site;
  store.arrivalDay[i] = arrivalDay;
  store.disseminationDay[i] = r.disseminationDay;
  store.origin[i] = r.origin;
  store.primaryCells[i] = r.primaryCellsAtDissemination;
  store.drivers[i] = r.drivers;
  store.passengers[i] = r.passengers;
  store.route[i] = r.route;
  store.timing[i] = r.timing;
  store.generation[i] = r.generation;
  store.cells[i] = r.cells;
  store.gained[i] = gained;
}
function dtcRecord(store, i) {
  return {
    disseminationDay: store.disseminationDay[i],
    origin: store.origin[i],
    primaryCellsAtDissemination: store.primaryCells[i],
    drivers: store.drivers[i],
    passengers: store.passengers[i],
    route: store.route[i],
    timing: store.timing[i],
    generation: store.generation[i],
    cells: store.cells[i]
  };
}
function removeDtc(store, i) {
  const last = --store.size;
  if (i === last) return;
  for (const [name] of DTC_COLUMNS) {
    const col = store[name];
    col[i] = col[last];
  }
}
var FUNNEL_STAGES = [
  "shed",
  "killed",
  "arrested",
  "extravasationFailed",
  "extravasated",
  "diedAfterExtravasation",
  "dormant",
  "founded",
  "dormantDied",
  "dormantWoke",
  "dormantRemoved",
  "micro",
  "macro"
];
var COLONY_STAGES = ["micro", "macro"];
function funnelIndex(stage, route, timing) {
  return (FUNNEL_STAGES.indexOf(stage) * ROUTES.length + route) * TIMINGS.length + timing;
}
function tumourCells(t) {
  let n = 0;
  for (const c of t.clones) n += c.cells;
  return n;
}
function diameterMm(cells, cellsPerMm3) {
  return Math.cbrt(6 * cells / (Math.PI * cellsPerMm3));
}
function sizeClass(cells, cellsPerMm3) {
  const d = diameterMm(cells, cellsPerMm3);
  if (cells < 200 || d <= 0.2) return 0;
  return d <= 2 ? 1 : 2;
}
var SIZE_CLASSES = ["itc", "micro", "macro"];

// src/engine/anatomy.ts
var VENOUS = 0;
var PORTAL = 1;
var ARTERIAL = 2;
var ENTRY_OF_DRAINAGE = { systemic: VENOUS, portal: PORTAL, pulmonary: ARTERIAL };
var LYMPH_OUTCOMES = NODES.length + 1;
var THORACIC_DUCT = NODES.length;
var ORGAN_SITE = ORGANS.map((o) => SITES.indexOf(o));
var NODE_SITE = NODES.map((n) => SITES.indexOf(n));
var LUNG = SITES.indexOf("lung");
var LIVER = SITES.indexOf("liver");
function buildAnatomy(s2) {
  const organ2 = (site) => s2.sites[SITES[site]];
  const drainEntry = (site) => ENTRY_OF_DRAINAGE[organ2(site).drainage];
  let arrest2 = [0, 1, 2].map(() => new Float64Array(SITES.length));
  const bed = (site, from, into, weight) => {
    const t = organ2(site).trapping;
    into[site] = into[site] + weight * t;
    const next = from[drainEntry(site)];
    for (let k = 0; k < SITES.length; k++)
      into[k] = into[k] + weight * (1 - t) * next[k];
  };
  for (let iter = 0; iter < 1e5; iter++) {
    const next = [0, 1, 2].map(() => new Float64Array(SITES.length));
    bed(LUNG, arrest2, next[VENOUS], 1);
    bed(LIVER, arrest2, next[PORTAL], 1);
    for (const site of ORGAN_SITE) bed(site, arrest2, next[ARTERIAL], organ2(site).flowShare);
    let change = 0;
    for (let e = 0; e < 3; e++)
      for (let k = 0; k < SITES.length; k++)
        change = Math.max(change, Math.abs(next[e]?.[k] - arrest2[e]?.[k]));
    arrest2 = next;
    if (change < 1e-15) break;
  }
  const other = SITES.indexOf("other");
  for (const row of arrest2) {
    const total = row.reduce((a, b) => a + b, 0);
    row[other] = row[other] + Math.max(0, 1 - total);
  }
  const bloodEntry = new Int8Array(SITES.length).fill(VENOUS);
  bloodEntry[PRIMARY_SITE] = ENTRY_OF_DRAINAGE[s2.primary.drainage];
  for (const site of ORGAN_SITE) bloodEntry[site] = drainEntry(site);
  const lymphArrest = SITES.map((_, site) => {
    const out = new Float64Array(LYMPH_OUTCOMES);
    const start = new Float64Array(LYMPH_OUTCOMES);
    const station = NODE_SITE.indexOf(site);
    if (site === PRIMARY_SITE) {
      start[0] = 1 - s2.lymph.skipProbability;
      start[1] = s2.lymph.skipProbability;
    } else if (station >= 0) start[station + 1] = 1;
    else start[THORACIC_DUCT] = 1;
    let flowing = 0;
    for (let i = 0; i < NODES.length; i++) {
      flowing += start[i];
      const t = s2.sites[NODES[i]].trapping;
      out[i] = flowing * t;
      flowing *= 1 - t;
    }
    out[THORACIC_DUCT] = flowing + start[THORACIC_DUCT];
    return out;
  });
  return { bloodArrest: arrest2, bloodEntry, lymphArrest };
}

// src/engine/context.ts
var STREAM_NAMES = [
  "growth",
  "angiogenesis",
  "invasion",
  "circulation",
  "arrest",
  "extravasation",
  "colonisation",
  "clinical"
];
function countFunnel(state, stage, route, timing, n) {
  if (n === 0) return;
  const i = funnelIndex(stage, route, timing);
  state.funnel[i] = state.funnel[i] + n;
}
function logEvent(state, type, site, tumour, value, detail = "") {
  state.events.push({ day: state.day, type, site, tumour, value, detail });
}

// src/engine/samplers.ts
var MAX_BINOMIAL_N = 2 ** 53;
var MAX_POISSON_LAMBDA = 2 ** 52;
var LN_2PI = 1.8378770664093456;
var STIRLERR_SMALL = [
  0,
  0.08106146679532726,
  0.0413406959554093,
  0.02767792568499834,
  0.020790672103765093,
  0.016644691189821193,
  0.013876128823070748,
  0.01189670994589177,
  0.010411265261972096,
  0.009255462182712733,
  0.00833056343336287,
  0.007573675487951841,
  0.00694284010720953,
  0.006408994188004207,
  0.0059513701127588475,
  0.005554733551962801
];
var S0 = 1 / 12;
var S1 = 1 / 360;
var S2 = 1 / 1260;
var S3 = 1 / 1680;
var S4 = 1 / 1188;
function stirlerr(n) {
  if (n <= 15) return STIRLERR_SMALL[n];
  const nn = n * n;
  if (n > 500) return (S0 - S1 / nn) / n;
  if (n > 80) return (S0 - (S1 - S2 / nn) / nn) / n;
  if (n > 35) return (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n;
  return (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n;
}
function bd0(x, np) {
  const d = x - np;
  if (Math.abs(d) < 0.1 * (x + np)) {
    let v = d / (x + np);
    let s2 = d * v;
    if (Math.abs(s2) < Number.MIN_VALUE) return s2;
    let ej = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1e3; j++) {
      ej *= v;
      const s1 = s2 + ej / (2 * j + 1);
      if (s1 === s2) return s1;
      s2 = s1;
    }
    return s2;
  }
  const ratio = x / np;
  const logRatio = Number.isFinite(ratio) ? Math.log(ratio) : Math.log(x) - Math.log(np);
  return x * logRatio + np - x;
}
function logBinomialPmfRaw(k, n, p, q) {
  if (k === 0) return n * (p < 0.5 ? Math.log1p(-p) : Math.log(q));
  if (k === n) return n * (q < 0.5 ? Math.log1p(-q) : Math.log(p));
  const lc = stirlerr(n) - stirlerr(k) - stirlerr(n - k) - bd0(k, n * p) - bd0(n - k, n * q);
  const j = Math.min(k, n - k);
  const lf = LN_2PI + Math.log(j) + Math.log1p(-j / n);
  return lc - 0.5 * lf;
}
function checkBinomialArgs(n, p) {
  if (!(Number.isInteger(n) && n >= 0 && n <= MAX_BINOMIAL_N)) {
    throw new RangeError(`binomial: n must be an integer in [0, 2^53], got ${n}`);
  }
  if (!(p >= 0 && p <= 1)) throw new RangeError(`binomial: p must be in [0, 1], got ${p}`);
}
function binomial(u, n, p) {
  checkBinomialArgs(n, p);
  if (n === 0 || p === 0) return 0;
  if (p === 1) return n;
  if (p > 0.5) return n - binomialSmallP(u, n, 1 - p);
  return binomialSmallP(u, n, p);
}
function binomialSmallP(u, n, p) {
  return n * p < 10 ? binomialInversion(u, n, p) : binomialBtrs(u, n, p);
}
function binomialInversion(u, n, p) {
  const r = p / (1 - p);
  const f0 = Math.exp(n * Math.log1p(-p));
  for (; ; ) {
    let v = u();
    let x = 0;
    let f = f0;
    while (v >= f) {
      v -= f;
      x += 1;
      f *= (n - x + 1) * r / x;
      if (f === 0) break;
    }
    if (f !== 0) return x;
  }
}
function binomialBtrs(u, n, p) {
  const q = 1 - p;
  const spq = Math.sqrt(n * p * q);
  const b = 1.15 + 2.53 * spq;
  const a = -0.0873 + 0.0248 * b + 0.01 * p;
  const c = n * p + 0.5;
  const alpha = (2.83 + 5.1 / b) * spq;
  const vr = 0.92 - 4.2 / b;
  const m = Math.floor((n + 1) * p);
  let logFm = Number.NaN;
  for (; ; ) {
    const uc = u() - 0.5;
    const v = u();
    const us = 0.5 - Math.abs(uc);
    const k = Math.floor((2 * a / us + b) * uc + c);
    if (k < 0 || k > n) continue;
    if (us >= 0.07 && v <= vr) return k;
    if (Number.isNaN(logFm)) logFm = logBinomialPmfRaw(m, n, p, q);
    if (Math.log(v * alpha / (a / (us * us) + b)) <= logBinomialPmfRaw(k, n, p, q) - logFm) return k;
  }
}
function bernoulli(u, p) {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`bernoulli: p must be in [0, 1], got ${p}`);
  if (p === 0) return false;
  if (p === 1) return true;
  return u() < p;
}

// src/engine/clinical.ts
var SENTINEL = SITES.indexOf("sentinelNode");
var REGIONAL = SITES.indexOf("regionalNode");
var isNode = (site) => site >= SENTINEL && site < SENTINEL + NODES.length;
function primaryTumour(ctx) {
  const t = ctx.state.tumours[0];
  return t && t.founding === null && !t.residual ? t : void 0;
}
function totalBurden(ctx) {
  let n = 0;
  for (const t of ctx.state.tumours) n += tumourCells(t);
  return n;
}
function dormantCellsAt(store, site) {
  let n = 0;
  for (let i = 0; i < store.size; i++) if (store.site[i] === site) n += store.cells[i];
  return n;
}
function nodeStatus(ctx, site) {
  const { state, scenario: s2 } = ctx;
  let best = -1;
  for (const t of state.tumours)
    if (t.site === site) best = Math.max(best, sizeClass(tumourCells(t), s2.body.cellsPerMm3));
  if (best >= 0) return SIZE_CLASSES[best];
  const dormant = dormantCellsAt(state.dormantAble, site) + dormantCellsAt(state.dormantUnable, site);
  return dormant > 0 ? "itc" : "negative";
}
function cull(ctx, where, survive2, countRemoved) {
  const { state } = ctx;
  const u = ctx.streams.clinical;
  for (const t of state.tumours) {
    if (!where(t)) continue;
    for (const c of t.clones) c.cells = survive2 === 0 ? 0 : binomial(u, c.cells, survive2);
    if (countRemoved && tumourCells(t) === 0) state.coloniesRemoved++;
  }
  for (const store of [state.dormantAble, state.dormantUnable]) {
    for (let i = store.size - 1; i >= 0; i--) {
      if (!where(store.site[i]) || bernoulli(u, survive2)) continue;
      countFunnel(
        state,
        "dormantRemoved",
        store.route[i],
        store.timing[i],
        store.cells[i]
      );
      removeDtc(store, i);
    }
  }
}
var atSite = (sites) => (x) => sites.includes(typeof x === "number" ? x : x.site);
function detect(ctx, primary) {
  const { state, scenario: s2 } = ctx;
  const c = state.clinical;
  const d = diameterMm(tumourCells(primary), s2.body.cellsPerMm3);
  let mode = "";
  if (d >= s2.clinical.symptomaticMm) mode = "symptoms";
  const screen = s2.clinical.screening;
  if (screen.enabled && state.day >= c.nextScreenDay) {
    c.nextScreenDay += screen.intervalDays;
    if (!mode && d >= screen.thresholdMm && bernoulli(ctx.streams.clinical, screen.sensitivity))
      mode = "screening";
  }
  if (!mode) return;
  c.detectedDay = state.day;
  c.detectionMode = mode;
  c.primaryCellsAtDetection = tumourCells(primary);
  c.ctcPerSampleAtDetection = state.ctcInBlood * s2.body.sampleVolumeMl / s2.body.bloodVolumeMl;
  c.dormantAtDetection = state.dormantAble.size + state.dormantUnable.size;
  c.coloniesAtDetection = state.tumours.length - 1;
  logEvent(state, "detection", "primary", primary.id, d, mode);
  const visible = state.tumours.some(
    (t) => t.founding && diameterMm(tumourCells(t), s2.body.cellsPerMm3) >= s2.clinical.metastasisDetectionMm
  );
  if (visible) {
    c.metastaticAtDiagnosis = true;
    logEvent(state, "metastasis_at_diagnosis", "", -1, 0);
  }
}
function surgery(ctx, primary) {
  const { state, scenario: s2 } = ctx;
  const rule = s2.clinical.surgery.nodeRule;
  cull(ctx, (x) => x === primary, s2.clinical.surgery.residualFraction, false);
  primary.residual = true;
  state.clinical.surgeryDay = state.day;
  logEvent(state, "surgery", "primary", primary.id, tumourCells(primary), "residual cells");
  if (rule === "none") return;
  const sentinel = nodeStatus(ctx, SENTINEL);
  logEvent(state, "node_status", "sentinelNode", -1, 0, sentinel);
  const removed = [SENTINEL];
  if (rule === "sentinelThenRegional" && (sentinel === "micro" || sentinel === "macro")) {
    logEvent(state, "node_status", "regionalNode", -1, 0, nodeStatus(ctx, REGIONAL));
    removed.push(REGIONAL);
  }
  cull(ctx, atSite(removed), 0, true);
}
function adjuvant(ctx) {
  const { state, scenario: s2 } = ctx;
  const c = state.clinical;
  const since = state.day - c.surgeryDay;
  const chemo = s2.clinical.chemotherapy;
  while (chemo.enabled && c.chemoCyclesGiven < chemo.cycles && since >= chemo.startDays + c.chemoCyclesGiven * chemo.intervalDays) {
    const u = ctx.streams.clinical;
    for (const t of state.tumours)
      for (const cl of t.clones) cl.cells = binomial(u, cl.cells, 1 - chemo.killFraction);
    c.chemoCyclesGiven++;
    logEvent(state, "chemotherapy_cycle", "", -1, c.chemoCyclesGiven);
  }
  const endo = s2.clinical.endocrine;
  const onEndocrine = endo.enabled && since >= endo.startDays && since < endo.startDays + endo.durationDays;
  if (onEndocrine !== c.endocrineActive) {
    c.endocrineActive = onEndocrine;
    logEvent(state, onEndocrine ? "endocrine_start" : "endocrine_end", "", -1, 0);
  }
  ctx.therapy.divisionFactor = onEndocrine ? endo.divisionFactor : 1;
  ctx.therapy.wakeFactor = onEndocrine ? endo.wakeFactor : 1;
  const rt = s2.clinical.radiotherapy;
  if (rt.enabled && !c.radiotherapyDone && since >= rt.startDays) {
    c.radiotherapyDone = true;
    const field = rt.includesRegionalNodes ? [PRIMARY_SITE, SENTINEL, REGIONAL] : [PRIMARY_SITE];
    cull(ctx, atSite(field), rt.survivingFraction, true);
    logEvent(state, "radiotherapy", "", -1, 0);
  }
}
function recurrence(ctx) {
  const { state, scenario: s2 } = ctx;
  for (const t of state.tumours) {
    if (diameterMm(tumourCells(t), s2.body.cellsPerMm3) < s2.clinical.metastasisDetectionMm) continue;
    const type = t.site === PRIMARY_SITE ? "local" : isNode(t.site) ? "regional" : "distant";
    state.clinical.recurrenceDay = state.day;
    state.clinical.recurrenceType = type;
    logEvent(state, "recurrence", SITES[t.site], t.id, tumourCells(t), type);
    return;
  }
}
function clinical(ctx) {
  const { state, scenario: s2 } = ctx;
  const c = state.clinical;
  const primary = primaryTumour(ctx);
  if (primary && c.detectedDay < 0) detect(ctx, primary);
  if (primary && c.detectedDay >= 0 && s2.clinical.surgery.enabled && state.day >= c.detectedDay + s2.clinical.surgery.delayDays) {
    surgery(ctx, primary);
  }
  if (c.surgeryDay >= 0) {
    adjuvant(ctx);
    if (c.recurrenceDay < 0) recurrence(ctx);
  }
  const burden = totalBurden(ctx);
  if (burden >= s2.body.lethalBurdenCells) {
    c.deathDay = state.day;
    state.ended = true;
    logEvent(state, "death", "", -1, burden);
  }
}

// src/engine/hash.ts
var K = new Uint32Array([
  1116352408,
  1899447441,
  3049323471,
  3921009573,
  961987163,
  1508970993,
  2453635748,
  2870763221,
  3624381080,
  310598401,
  607225278,
  1426881987,
  1925078388,
  2162078206,
  2614888103,
  3248222580,
  3835390401,
  4022224774,
  264347078,
  604807628,
  770255983,
  1249150122,
  1555081692,
  1996064986,
  2554220882,
  2821834349,
  2952996808,
  3210313671,
  3336571891,
  3584528711,
  113926993,
  338241895,
  666307205,
  773529912,
  1294757372,
  1396182291,
  1695183700,
  1986661051,
  2177026350,
  2456956037,
  2730485921,
  2820302411,
  3259730800,
  3345764771,
  3516065817,
  3600352804,
  4094571909,
  275423344,
  430227734,
  506948616,
  659060556,
  883997877,
  958139571,
  1322822218,
  1537002063,
  1747873779,
  1955562222,
  2024104815,
  2227730452,
  2361852424,
  2428436474,
  2756734187,
  3204031479,
  3329325298
]);
function sha256Hex(text) {
  const bytes = new TextEncoder().encode(text);
  const bitLength = bytes.length * 8;
  const padded = new Uint8Array(Math.ceil((bytes.length + 9) / 64) * 64);
  padded.set(bytes);
  padded[bytes.length] = 128;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(bitLength / 2 ** 32));
  view.setUint32(padded.length - 4, bitLength >>> 0);
  const h = new Uint32Array([
    1779033703,
    3144134277,
    1013904242,
    2773480762,
    1359893119,
    2600822924,
    528734635,
    1541459225
  ]);
  const w = new Uint32Array(64);
  const rotr = (x, n) => x >>> n | x << 32 - n;
  for (let off = 0; off < padded.length; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(off + i * 4);
    for (let i = 16; i < 64; i++) {
      const a2 = w[i - 15];
      const b2 = w[i - 2];
      const s0 = rotr(a2, 7) ^ rotr(a2, 18) ^ a2 >>> 3;
      const s1 = rotr(b2, 17) ^ rotr(b2, 19) ^ b2 >>> 10;
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    let [a, b, c, d, e, f, g, hh] = h;
    for (let i = 0; i < 64; i++) {
      const t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + (e & f ^ ~e & g) + K[i] + w[i] >>> 0;
      const t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + (a & b ^ a & c ^ b & c) >>> 0;
      hh = g;
      g = f;
      f = e;
      e = d + t1 >>> 0;
      d = c;
      c = b;
      b = a;
      a = t1 + t2 >>> 0;
    }
    const add = [a, b, c, d, e, f, g, hh];
    for (let i = 0; i < 8; i++) h[i] = h[i] + add[i];
  }
  return Array.from(h, (x) => x.toString(16).padStart(8, "0")).join("");
}
function canonicalJson(value) {
  return JSON.stringify(
    value,
    (_key, v) => v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(
      Object.keys(v).sort().map((k) => [k, v[k]])
    ) : v
  );
}
function scenarioHash(scenario) {
  return `sha256:${sha256Hex(canonicalJson(scenario))}`;
}

// src/engine/observe.ts
var METASTATIC_SITES = [...NODES, ...ORGANS];
var METASTATIC_SITE_INDEX = METASTATIC_SITES.map((name) => SITES.indexOf(name));
var SERIES_COLUMNS = [
  "day",
  "primary_cells",
  "primary_diameter_mm",
  "primary_capacity_cells",
  "primary_vascular",
  "shed_blood",
  "shed_lymph",
  "ctc_in_blood",
  "ctc_per_sample",
  "total_burden",
  "colonies",
  "early_share",
  "early_share_macro",
  ...METASTATIC_SITES.flatMap((s2) => [
    `dtc_dormant_${s2}`,
    `dtc_cycling_${s2}`,
    `mets_micro_${s2}`,
    `mets_macro_${s2}`
  ])
];
function emptySeries() {
  return Object.fromEntries(SERIES_COLUMNS.map((c) => [c, []]));
}
function trackSizeClass(t, ctx) {
  if (!t.founding) return;
  const cls = sizeClass(tumourCells(t), ctx.scenario.body.cellsPerMm3);
  while (t.sizeClassReached < cls) {
    t.sizeClassReached++;
    const stage = t.sizeClassReached === 1 ? "micro" : "macro";
    countFunnel(ctx.state, stage, t.founding.route, t.founding.timing, 1);
    const seen = ctx.state.firstClassSeen;
    const bit = t.sizeClassReached;
    if (!(seen[t.site] & bit)) {
      seen[t.site] = seen[t.site] | bit;
      logEvent(ctx.state, `first_${stage}`, SITES[t.site], t.id, tumourCells(t));
    }
  }
}
function observe(ctx, primary, series) {
  const { state, scenario: s2 } = ctx;
  const rho = s2.body.cellsPerMm3;
  const p = primary ? tumourCells(primary) : 0;
  const perSite = new Float64Array(SITES.length * 4);
  let burden = 0;
  let colonies = 0;
  let early = 0;
  let macro = 0;
  let earlyMacro = 0;
  for (const t of state.tumours) {
    const n = tumourCells(t);
    burden += n;
    if (!t.founding) continue;
    colonies++;
    const isEarly = t.founding.timing === 0;
    if (isEarly) early++;
    const cls = sizeClass(n, rho);
    const k = t.site * 4 + (cls === 0 ? 1 : cls + 1);
    perSite[k] = perSite[k] + 1;
    if (cls === 2) {
      macro++;
      if (isEarly) earlyMacro++;
    }
  }
  for (const store of [state.dormantAble, state.dormantUnable])
    for (let i = 0; i < store.size; i++) {
      const k = store.site[i] * 4;
      perSite[k] = perSite[k] + store.cells[i];
    }
  const row = [
    state.day,
    p,
    diameterMm(p, rho),
    primary ? primary.capacity : 0,
    primary?.vascular ? 1 : 0,
    state.shedBloodSinceObservation,
    state.shedLymphSinceObservation,
    state.ctcInBlood,
    state.ctcInBlood * s2.body.sampleVolumeMl / s2.body.bloodVolumeMl,
    burden,
    colonies,
    colonies ? early / colonies : 0,
    macro ? earlyMacro / macro : 0
  ];
  for (const site of METASTATIC_SITE_INDEX) for (let j = 0; j < 4; j++) row.push(perSite[site * 4 + j]);
  SERIES_COLUMNS.forEach((c, i) => series[c].push(row[i]));
  state.shedBloodSinceObservation = 0;
  state.shedLymphSinceObservation = 0;
}
function metastasisTable(ctx) {
  const rho = ctx.scenario.body.cellsPerMm3;
  const rows = [];
  for (const t of ctx.state.tumours) {
    const f = t.founding;
    if (!f) continue;
    const n = tumourCells(t);
    let drivers = 0;
    let passengers = 0;
    for (const c of t.clones) {
      drivers |= c.drivers;
      passengers += c.passengers * c.cells / n;
    }
    rows.push({
      id: t.id,
      site: SITES[t.site],
      founded_day: t.foundedDay,
      dissemination_day: f.disseminationDay,
      origin: f.origin,
      route: ROUTES[f.route],
      timing: TIMINGS[f.timing],
      generation: f.generation,
      primary_cells_at_dissemination: f.primaryCellsAtDissemination,
      primary_diameter_at_dissemination_mm: diameterMm(f.primaryCellsAtDissemination, rho),
      founder_cells: f.cells,
      founder_drivers: driverNames(f.drivers),
      drivers_now: driverNames(drivers),
      cells: n,
      diameter_mm: diameterMm(n, rho),
      size_class: SIZE_CLASSES[sizeClass(n, rho)],
      vascular: t.vascular ? 1 : 0,
      shared_mutations: f.passengers,
      private_mutations: Math.max(0, passengers - f.passengers)
    });
  }
  return rows;
}
function funnelTable(funnel) {
  const rows = [];
  for (const stage of FUNNEL_STAGES)
    ROUTES.forEach((route, r) => {
      TIMINGS.forEach((timing, k) => {
        const count = funnel[funnelIndex(stage, r, k)];
        if (count > 0)
          rows.push({
            stage,
            route,
            timing,
            count,
            unit: COLONY_STAGES.includes(stage) ? "colonies" : "cells"
          });
      });
    });
  return rows;
}
function funnelTotals(funnel) {
  const out = {};
  for (const stage of FUNNEL_STAGES) {
    let n = 0;
    for (let r = 0; r < ROUTES.length; r++)
      for (let k = 0; k < TIMINGS.length; k++)
        n += funnel[funnelIndex(stage, r, k)];
    out[stage] = n;
  }
  return out;
}

// src/engine/phases/angiogenesis.ts
function vascularisation(t, ctx) {
  if (!t.vascular) return ctx.scenario.angiogenesis.baselineVascularisation;
  const n = tumourCells(t);
  return n === 0 ? 1 : Math.min(1, t.capacity / n);
}
function angiogenesis(t, ctx, switchHazard) {
  const s2 = ctx.scenario;
  const a = s2.angiogenesis;
  const dt = s2.time.dt;
  const n = tumourCells(t);
  if (n === 0) return;
  if (!t.vascular) {
    const driven = t.clones.some((c) => c.cells > 0 && (c.drivers & ANGIOGENIC) !== 0);
    const eligible = n >= a.switchThresholdFraction * a.avascularCapacityCells;
    if (driven || eligible && bernoulli(ctx.streams.angiogenesis, -Math.expm1(-switchHazard * dt))) {
      t.vascular = true;
      logEvent(
        ctx.state,
        "angiogenic_switch",
        SITES[t.site],
        t.id,
        n,
        driven ? "driver" : "hazard"
      );
    }
    return;
  }
  const rho = s2.body.cellsPerMm3;
  const v = n / rho;
  const k = t.capacity / rho;
  const r = a.lambda2 + a.d * v ** (2 / 3);
  const next = r > 0 ? a.b * v / r + (k - a.b * v / r) * Math.exp(-r * dt) : k + a.b * v * dt;
  t.capacity = Math.max(next * rho, 1);
}

// src/engine/phases/angiogenesisAtNewSite.ts
function foundColony(ctx, site, record2, gained = 0) {
  const state = ctx.state;
  const colony = {
    id: state.nextTumourId++,
    site,
    foundedDay: state.day,
    clones: [
      { drivers: record2.drivers | gained, cells: record2.cells, passengers: record2.passengers, parent: -1 }
    ],
    capacity: ctx.scenario.angiogenesis.avascularCapacityCells,
    vascular: false,
    founding: record2,
    sizeClassReached: 0,
    residual: false
  };
  state.tumours.push(colony);
  state.coloniesFounded++;
  return colony;
}
function angiogenesisAtNewSite(t, ctx) {
  angiogenesis(t, ctx, ctx.scenario.angiogenesis.metastasisSwitchHazard);
}

// src/engine/multinomial.ts
function multinomial(u, n, probs) {
  const counts = new Array(probs.length).fill(0);
  let left = n;
  let mass = 1;
  for (let i = 0; i < probs.length - 1 && left > 0; i++) {
    const p = probs[i];
    const k = p <= 0 ? 0 : p >= mass ? left : binomial(u, left, p / mass);
    counts[i] = k;
    left -= k;
    mass -= p;
  }
  counts[probs.length - 1] = left;
  return counts;
}
function categorical(u, probs) {
  let x = u();
  for (let i = 0; i < probs.length - 1; i++) {
    x -= probs[i];
    if (x < 0) return i;
  }
  return probs.length - 1;
}

// src/engine/phases/invasion.ts
var MAX_CLUSTER_EXTRA = 48;
function invasiveFraction(c, tumourSize, ctx) {
  const inv = ctx.scenario.invasion;
  const early = inv.earlyMaxFraction / (1 + tumourSize / inv.earlyHalfCells);
  const late = c.drivers & INVASIVE ? inv.lateInvasiveFraction : 0;
  if (inv.programme === "early") return early;
  if (inv.programme === "late") return late;
  return Math.min(1, early + late);
}
function timingOf(t, primaryCells, ctx) {
  if (t.founding) return t.founding.timing;
  return primaryCells < ctx.scenario.body.earlyThresholdCells ? 0 : 1;
}
function invade(t, ctx, primaryCells, out) {
  const { scenario: s2, state } = ctx;
  const u = ctx.streams.invasion;
  const inv = s2.invasion;
  const n = tumourCells(t);
  if (n === 0) return;
  const bloodRate = inv.bloodRate * vascularisation(t, ctx);
  const total = bloodRate + inv.lymphRate;
  if (total <= 0) return;
  const pShedIfInvasive = -Math.expm1(-total * s2.time.dt);
  const q = (inv.clusterMeanSize - 2) / MAX_CLUSTER_EXTRA;
  const timing = timingOf(t, primaryCells, ctx);
  const generation = t.founding ? t.founding.generation + 1 : 1;
  for (const c of t.clones) {
    const f = invasiveFraction(c, n, ctx);
    if (f === 0 || c.cells === 0) continue;
    const events = binomial(u, c.cells, f * pShedIfInvasive);
    if (events === 0) continue;
    const toBlood = binomial(u, events, bloodRate / total);
    let pending = events;
    for (const [route, e] of [
      [ROUTE_BLOOD, toBlood],
      [ROUTE_LYMPH, events - toBlood]
    ]) {
      if (e === 0) continue;
      const clusters = Math.min(binomial(u, e, inv.clusterFraction), c.cells - pending);
      const extra = Math.min(binomial(u, MAX_CLUSTER_EXTRA * clusters, q), c.cells - pending - clusters);
      pending -= e;
      const clusterCells = 2 * clusters + extra;
      const cells = e - clusters + clusterCells;
      c.cells -= cells;
      out.push({
        site: t.site,
        record: {
          disseminationDay: state.day,
          origin: t.id,
          primaryCellsAtDissemination: primaryCells,
          drivers: c.drivers,
          passengers: c.passengers,
          route,
          timing,
          generation,
          cells: 1
        },
        singles: e - clusters,
        clusters,
        clusterCells
      });
      countFunnel(state, "shed", route, timing, cells);
      if (route === ROUTE_BLOOD) state.shedBloodSinceObservation += cells;
      else state.shedLymphSinceObservation += cells;
      if (state.firstDisseminationDay < 0) {
        state.firstDisseminationDay = state.day;
        logEvent(state, "first_dissemination", SITES[t.site], t.id, primaryCells, ROUTES[route]);
      }
    }
  }
}

// src/engine/phases/circulation.ts
function bloodSurvival(base, drivers, ctx) {
  const c = ctx.scenario.circulation;
  const evasion = drivers & IMMUNE_EVASION ? 1 - c.immuneEvasionEffect : 1;
  const killMultiplier = c.nkShareOfKill * c.nkKillFactor * evasion + (1 - c.nkShareOfKill);
  const denominator = base + (1 - base) * killMultiplier;
  return denominator > 0 ? base / denominator : 1;
}
function survive(ctx, batch, survivalSingle, survivalCluster) {
  const u = ctx.streams.circulation;
  const { record: record2 } = batch;
  const singles = binomial(u, batch.singles, survivalSingle);
  const aliveClusters = binomial(u, batch.clusters, survivalCluster);
  const clusterSizes = [];
  let extraLeft = batch.clusterCells - 2 * batch.clusters;
  let slotsLeft = MAX_CLUSTER_EXTRA * batch.clusters;
  let aliveCells = singles;
  for (let i = 0; i < aliveClusters; i++) {
    let extra = 0;
    for (let k = 0; k < MAX_CLUSTER_EXTRA; k++) {
      if (bernoulli(u, extraLeft / slotsLeft)) {
        extra++;
        extraLeft--;
      }
      slotsLeft--;
    }
    clusterSizes.push(2 + extra);
    aliveCells += 2 + extra;
  }
  countFunnel(
    ctx.state,
    "killed",
    record2.route,
    record2.timing,
    batch.singles + batch.clusterCells - aliveCells
  );
  return { site: batch.site, record: record2, singles, clusterSizes };
}
function circulate(ctx, batches, out) {
  const c = ctx.scenario.circulation;
  const lymph = ctx.scenario.lymph.survival;
  for (const batch of batches) {
    if (batch.record.route === ROUTE_LYMPH) {
      out.push(survive(ctx, batch, lymph, lymph));
    } else {
      ctx.enteredBlood += batch.singles + batch.clusterCells;
      const d = batch.record.drivers;
      out.push(
        survive(
          ctx,
          batch,
          bloodSurvival(c.survivalSingle, d, ctx),
          bloodSurvival(c.survivalCluster, d, ctx)
        )
      );
    }
  }
}
function updateBloodPool(ctx) {
  const k = ctx.scenario.circulation.clearanceRate;
  const dt = ctx.scenario.time.dt;
  const u = ctx.streams.circulation;
  const stay = Math.exp(-k * dt);
  const stayIfEntered = k * dt > 0 ? -Math.expm1(-k * dt) / (k * dt) : 1;
  ctx.state.ctcInBlood = binomial(u, ctx.state.ctcInBlood, stay) + binomial(u, ctx.enteredBlood, stayIfEntered);
  ctx.enteredBlood = 0;
}

// src/engine/phases/arrest.ts
var VESSEL_ENTRY = { portal: PORTAL, tailVein: VENOUS, arterial: ARTERIAL };
function arriveInBlood(ctx, entry, s2, singles, clusters, out) {
  const u = ctx.streams.arrest;
  const probs = ctx.anatomy.bloodArrest[entry];
  const counts = multinomial(u, singles, probs);
  for (let site = 0; site < counts.length; site++) {
    const n = counts[site];
    if (n > 0) out.push({ site, record: s2.record, units: n, unitCells: 1 });
  }
  for (const size of clusters)
    out.push({ site: categorical(u, probs), record: s2.record, units: 1, unitCells: size });
}
function arrest(ctx, survivors, out) {
  const u = ctx.streams.arrest;
  const c = ctx.scenario.circulation;
  const first = out.length;
  for (const s2 of survivors) {
    const route = s2.record.route;
    if (route !== ROUTE_LYMPH) {
      const entry = route === ROUTE_INOCULATION ? VESSEL_ENTRY[ctx.scenario.inoculation.vessel] : ctx.anatomy.bloodEntry[s2.site];
      arriveInBlood(ctx, entry, s2, s2.singles, s2.clusterSizes, out);
      continue;
    }
    const probs = ctx.anatomy.lymphArrest[s2.site];
    const counts = multinomial(u, s2.singles, probs);
    for (let i = 0; i < THORACIC_DUCT; i++) {
      const n = counts[i];
      if (n > 0) out.push({ site: NODE_SITE[i], record: s2.record, units: n, unitCells: 1 });
    }
    const ductClusters = [];
    for (const size of s2.clusterSizes) {
      const outcome = categorical(u, probs);
      if (outcome < THORACIC_DUCT)
        out.push({ site: NODE_SITE[outcome], record: s2.record, units: 1, unitCells: size });
      else ductClusters.push(size);
    }
    const ductSingles = counts[THORACIC_DUCT];
    const ductCells = ductSingles + ductClusters.reduce((a, b) => a + b, 0);
    if (ductCells === 0) continue;
    ctx.enteredBlood += ductCells;
    const d = s2.record.drivers;
    const singles = binomial(u, ductSingles, bloodSurvival(c.survivalSingle, d, ctx));
    const survivalCluster = bloodSurvival(c.survivalCluster, d, ctx);
    const clusters = ductClusters.filter(() => bernoulli(u, survivalCluster));
    const alive = singles + clusters.reduce((a, b) => a + b, 0);
    countFunnel(ctx.state, "killed", route, s2.record.timing, ductCells - alive);
    arriveInBlood(ctx, VENOUS, s2, singles, clusters, out);
  }
  for (let i = first; i < out.length; i++) {
    const a = out[i];
    countFunnel(ctx.state, "arrested", a.record.route, a.record.timing, a.units * a.unitCells);
  }
}

// src/engine/phases/colonisation.ts
var fates = new Float64Array(3);
function colonise(ctx, arrivals) {
  const { scenario: s2, state } = ctx;
  const u = ctx.streams.colonisation;
  const c = s2.colonisation;
  for (const a of arrivals) {
    const able = !c.requireColonisationDriver || (a.record.drivers & COLONISATION) !== 0;
    fates[0] = able ? c.colonyFraction : 0;
    fates[1] = able ? c.dormantFraction : c.dormantFraction + c.colonyFraction;
    fates[2] = 1 - c.colonyFraction - c.dormantFraction;
    const [colonies = 0, dormant = 0, died = 0] = multinomial(u, a.units, fates);
    const record2 = { ...a.record, cells: a.unitCells };
    const { route, timing } = record2;
    countFunnel(state, "founded", route, timing, colonies * a.unitCells);
    countFunnel(state, "dormant", route, timing, dormant * a.unitCells);
    countFunnel(state, "diedAfterExtravasation", route, timing, died * a.unitCells);
    for (let i = 0; i < colonies; i++) foundColony(ctx, a.site, record2);
    const store = able ? state.dormantAble : state.dormantUnable;
    for (let i = 0; i < dormant; i++) addDtc(store, state.day, a.site, record2);
  }
}
function exits(ctx, store, leave, onExit) {
  const u = ctx.streams.colonisation;
  const dt = ctx.scenario.time.dt;
  const k = binomial(u, store.size, -Math.expm1(-leave * dt));
  for (let j = 0; j < k; j++) {
    const i = Math.floor(u() * store.size);
    onExit(i);
    removeDtc(store, i);
  }
}
function dormancy(ctx) {
  const { scenario: s2, state } = ctx;
  const u = ctx.streams.colonisation;
  const c = s2.colonisation;
  const wake = c.wakeHazard * ctx.therapy.wakeFactor;
  const die = c.dormantDeathHazard;
  const able = state.dormantAble;
  const count = (i, store, stage) => countFunnel(state, stage, store.route[i], store.timing[i], store.cells[i]);
  exits(ctx, able, wake + die, (i) => {
    if (bernoulli(u, wake / (wake + die))) {
      foundColony(ctx, able.site[i], dtcRecord(able, i), able.gained[i]);
      count(i, able, "dormantWoke");
    } else count(i, able, "dormantDied");
  });
  const unable = state.dormantUnable;
  const gain = c.progressionHazard;
  exits(ctx, unable, gain + die, (i) => {
    if (bernoulli(u, gain / (gain + die))) {
      addDtc(
        able,
        unable.arrivalDay[i],
        unable.site[i],
        dtcRecord(unable, i),
        COLONISATION
      );
    } else count(i, unable, "dormantDied");
  });
}
function immuneAttack(t, ctx) {
  const s2 = ctx.scenario;
  const name = SITES[t.site];
  const pressure = s2.sites[name]?.immunePressure ?? 0;
  if (pressure === 0) return;
  const n = tumourCells(t);
  const hazard = pressure / (1 + n / s2.colonisation.immuneSaturationCells);
  const p = -Math.expm1(-hazard * s2.time.dt);
  for (const c of t.clones) {
    if (c.drivers & IMMUNE_EVASION || c.cells === 0) continue;
    c.cells -= binomial(ctx.streams.colonisation, c.cells, p);
  }
}

// src/engine/phases/extravasation.ts
function soil(ctx, site) {
  const name = SITES[site];
  return ctx.scenario.sites[name]?.soil ?? 1;
}
function extravasate(ctx, arrivals) {
  const u = ctx.streams.extravasation;
  const p = ctx.scenario.extravasation.probability;
  const out = [];
  for (const a of arrivals) {
    const through = binomial(u, a.units, p * soil(ctx, a.site));
    const { route, timing } = a.record;
    countFunnel(ctx.state, "extravasationFailed", route, timing, (a.units - through) * a.unitCells);
    countFunnel(ctx.state, "extravasated", route, timing, through * a.unitCells);
    if (through > 0) out.push({ ...a, units: through });
  }
  return out;
}

// src/engine/phases/growth.ts
function stepProbabilities(divide, die, dt) {
  const g = divide - die;
  const growth = Math.expm1(g * dt);
  const variance = g === 0 ? (divide + die) * dt : (divide + die) / g * (1 + growth) * growth;
  const diff = Math.min(growth, 1);
  const sum = Math.min(variance + diff * diff, 1);
  return [(sum + diff) / 2, (sum - diff) / 2];
}
function gainDrivers(t, c, divisions, mu, muP, u) {
  const missing = [];
  for (let d = 0; d < DRIVERS.length; d++) if (!(c.drivers & 1 << d)) missing.push(1 << d);
  if (missing.length === 0) return;
  let mutants = Math.min(binomial(u, divisions, Math.min(1, mu * missing.length)), c.cells);
  for (let j = 0; j < missing.length && mutants > 0; j++) {
    const k = j === missing.length - 1 ? mutants : binomial(u, mutants, 1 / (missing.length - j));
    mutants -= k;
    if (k === 0) continue;
    c.cells -= k;
    addCells(findOrAddClone(t, c.drivers | missing[j], c.drivers), k, c.passengers + muP);
  }
}
function driverCount(mask) {
  let n = 0;
  for (let m = mask; m; m &= m - 1) n++;
  return n;
}
function findOrAddClone(t, drivers, parent) {
  for (const c of t.clones) if (c.drivers === drivers) return c;
  const clone = { drivers, cells: 0, passengers: 0, parent };
  t.clones.push(clone);
  return clone;
}
function addCells(c, n, passengers) {
  if (n <= 0) return;
  c.passengers = (c.passengers * c.cells + passengers * n) / (c.cells + n);
  c.cells += n;
}
function grow(t, ctx) {
  const { scenario: s2, streams, therapy } = ctx;
  const u = streams.growth;
  const dt = s2.time.dt;
  const n = tumourCells(t);
  if (n === 0) return;
  const g = s2.growth.lambda * Math.log(t.capacity / n);
  const baseDivide = s2.growth.turnover + Math.max(g, 0);
  const die = s2.growth.turnover + Math.max(-g, 0);
  const mu = s2.growth.driverMutationRate;
  const muP = s2.growth.passengerRate;
  const existing = t.clones.length;
  for (let i = 0; i < existing; i++) {
    const c = t.clones[i];
    if (c.cells === 0) continue;
    const divide = (baseDivide + s2.growth.driverAdvantage * driverCount(c.drivers)) * therapy.divisionFactor;
    const [pDivide, pDie] = stepProbabilities(divide, die, dt);
    if (pDivide + pDie <= 0) continue;
    const events = binomial(u, c.cells, pDivide + pDie);
    const divisions = binomial(u, events, pDivide / (pDivide + pDie));
    c.cells += divisions - (events - divisions);
    if (divisions > 0 && c.cells > 0) c.passengers += 2 * muP * divisions / c.cells;
    if (mu > 0 && divisions > 0) gainDrivers(t, c, divisions, mu, muP, u);
  }
  if (t.clones.some((c) => c.cells === 0)) t.clones = t.clones.filter((c) => c.cells > 0);
}

// src/engine/random.ts
import seedrandom from "seedrandom";
var GENERATOR = "seedrandom-alea@3.0.5";
function streamKey(seed, replicate, purpose) {
  return `seedsoil:${seed}:${replicate}:${purpose}`;
}
function createStream(seed, replicate, purpose) {
  return seedrandom.alea(streamKey(seed, replicate, purpose), { state: true });
}

// src/engine/version.ts
var ENGINE_VERSION = "0.1.0";

// src/engine/simulation.ts
function initialState(s2) {
  return {
    day: 0,
    stepIndex: 0,
    nextTumourId: 0,
    tumours: [],
    dormantAble: createDtcStore(),
    dormantUnable: createDtcStore(),
    ctcInBlood: 0,
    funnel: new Float64Array(FUNNEL_STAGES.length * ROUTES.length * TIMINGS.length),
    coloniesFounded: 0,
    coloniesExtinct: 0,
    coloniesRemoved: 0,
    firstDisseminationDay: -1,
    shedBloodSinceObservation: 0,
    shedLymphSinceObservation: 0,
    firstClassSeen: new Uint8Array(SITES.length),
    clinical: {
      detectedDay: -1,
      detectionMode: "",
      surgeryDay: -1,
      recurrenceDay: -1,
      recurrenceType: "",
      deathDay: -1,
      nextScreenDay: s2.clinical.screening.startDay,
      chemoCyclesGiven: 0,
      radiotherapyDone: false,
      endocrineActive: false,
      ctcPerSampleAtDetection: -1,
      dormantAtDetection: -1,
      coloniesAtDetection: -1,
      primaryCellsAtDetection: -1,
      metastaticAtDiagnosis: false
    },
    events: [],
    ended: false
  };
}
function makeContext(scenario, state, streams) {
  return {
    scenario,
    anatomy: buildAnatomy(scenario),
    state,
    streams,
    therapy: { divisionFactor: 1, wakeFactor: 1 },
    enteredBlood: 0
  };
}
function disseminate(ctx, survivors) {
  const arrivals = [];
  arrest(ctx, survivors, arrivals);
  colonise(ctx, extravasate(ctx, arrivals));
}
function createSimulation(scenario, options = {}) {
  const seed = options.seed ?? scenario.seed;
  const replicate = options.replicate ?? 0;
  const wrap = options.wrapStream ?? ((s2) => s2);
  const streams = Object.fromEntries(
    STREAM_NAMES.map((name) => [name, wrap(createStream(seed, replicate, name))])
  );
  const state = initialState(scenario);
  const ctx = makeContext(scenario, state, streams);
  if (scenario.primary.enabled) {
    state.tumours.push({
      id: state.nextTumourId++,
      site: PRIMARY_SITE,
      foundedDay: 0,
      clones: [
        {
          drivers: driverMask(scenario.primary.initialDrivers),
          cells: scenario.primary.initialCells,
          passengers: 0,
          parent: -1
        }
      ],
      capacity: scenario.angiogenesis.avascularCapacityCells,
      vascular: false,
      founding: null,
      sizeClassReached: 0,
      residual: false
    });
  }
  const inoc = scenario.inoculation;
  if (inoc.enabled && inoc.cells > 0) {
    const batch = {
      site: -1,
      record: {
        disseminationDay: 0,
        origin: -1,
        primaryCellsAtDissemination: 0,
        drivers: driverMask(inoc.drivers),
        passengers: 0,
        route: ROUTE_INOCULATION,
        timing: 2,
        generation: 1,
        cells: 1
      },
      singles: inoc.cells,
      clusters: 0,
      clusterCells: 0
    };
    countFunnel(state, "shed", ROUTE_INOCULATION, 2, inoc.cells);
    ctx.enteredBlood += inoc.cells;
    disseminate(ctx, [survive(ctx, batch, inoc.survival, inoc.survival)]);
  }
  const sim = { ctx, seed, replicate, series: emptySeries(), nextObservationDay: 0 };
  record(sim);
  return sim;
}
function record(sim) {
  const state = sim.ctx.state;
  const every = sim.ctx.scenario.time.observeEveryDays;
  if (!state.ended && state.day + 1e-6 * sim.ctx.scenario.time.dt < sim.nextObservationDay) return;
  observe(sim.ctx, primaryTumour(sim.ctx), sim.series);
  sim.nextObservationDay = (Math.round(state.day / every) + 1) * every;
}
function step(sim) {
  const { ctx } = sim;
  const { state, scenario: s2 } = ctx;
  state.stepIndex++;
  state.day = state.stepIndex * s2.time.dt;
  const primary = primaryTumour(ctx);
  const primaryCells = primary ? tumourCells(primary) : 0;
  const shed = [];
  const tumours = state.tumours.length;
  for (let i = 0; i < tumours; i++) {
    const t = state.tumours[i];
    if (!t) continue;
    grow(t, ctx);
    if (t.founding) {
      angiogenesisAtNewSite(t, ctx);
      immuneAttack(t, ctx);
    } else {
      angiogenesis(t, ctx, s2.angiogenesis.switchHazard);
    }
    invade(t, ctx, primaryCells, shed);
    trackSizeClass(t, ctx);
  }
  const survivors = [];
  circulate(ctx, shed, survivors);
  disseminate(ctx, survivors);
  dormancy(ctx);
  updateBloodPool(ctx);
  removeExtinct(ctx);
  clinical(ctx);
  removeExtinct(ctx);
  if (state.day >= s2.time.durationDays - 1e-6 * s2.time.dt) state.ended = true;
  record(sim);
}
function removeExtinct(ctx) {
  const state = ctx.state;
  if (!state.tumours.some((t) => tumourCells(t) === 0)) return;
  state.tumours = state.tumours.filter((t) => {
    if (tumourCells(t) > 0) return true;
    if (t.founding) state.coloniesExtinct++;
    return false;
  });
}
function runToEnd(sim, untilDay = Number.POSITIVE_INFINITY) {
  while (!sim.ctx.state.ended && sim.ctx.state.day < untilDay) step(sim);
  return sim;
}
function manifestOf(scenario, seed, replicate) {
  return {
    engine: "seedsoil",
    engineVersion: ENGINE_VERSION,
    scenarioName: scenario.name,
    scenarioHash: scenarioHash(scenario),
    seed,
    replicate,
    generator: GENERATOR,
    streams: [...STREAM_NAMES],
    scenario
  };
}
function result(sim) {
  const { ctx } = sim;
  const { state, scenario } = ctx;
  const metastases = metastasisTable(ctx);
  const c = state.clinical;
  const dormant = (st) => {
    let n = 0;
    for (let i = 0; i < st.size; i++) n += st.cells[i];
    return n;
  };
  const firstMacro = state.events.find((e) => e.type === "first_macro");
  const primary = state.tumours.find((t) => !t.founding);
  const summary = {
    scenario: scenario.name,
    seed: sim.seed,
    replicate: sim.replicate,
    daysSimulated: state.day,
    outcome: c.deathDay >= 0 ? "death" : "end",
    primary: {
      finalCells: primary ? tumourCells(primary) : 0,
      detectedDay: c.detectedDay,
      detectionMode: c.detectionMode,
      cellsAtDetection: c.primaryCellsAtDetection
    },
    surgeryDay: c.surgeryDay,
    metastaticAtDiagnosis: c.metastaticAtDiagnosis,
    ctcPerSampleAtDetection: c.ctcPerSampleAtDetection,
    dormantAtDetection: c.dormantAtDetection,
    coloniesAtDetection: c.coloniesAtDetection,
    recurrence: { day: c.recurrenceDay, type: c.recurrenceType },
    deathDay: c.deathDay,
    firstDisseminationDay: state.firstDisseminationDay,
    firstMacroDay: firstMacro ? firstMacro.day : -1,
    colonies: {
      founded: state.coloniesFounded,
      alive: metastases.length,
      extinct: state.coloniesExtinct,
      removed: state.coloniesRemoved,
      micro: metastases.filter((m) => m.size_class === "micro").length,
      macro: metastases.filter((m) => m.size_class === "macro").length
    },
    dormantCells: dormant(state.dormantAble) + dormant(state.dormantUnable),
    earlyShare: metastases.length ? metastases.filter((m) => m.timing === "early").length / metastases.length : 0,
    funnel: funnelTotals(state.funnel)
  };
  return {
    manifest: manifestOf(scenario, sim.seed, sim.replicate),
    summary,
    series: sim.series,
    events: state.events,
    metastases,
    funnel: funnelTable(state.funnel)
  };
}
function run(scenario, options = {}) {
  return result(runToEnd(createSimulation(scenario, options)));
}

// ../../tmp/prof2.ts
var s = loadScenarioFile("breast-her2-early");
var t0 = performance.now();
for (let i = 0; i < 100; i++) run(s, { seed: i + 1 });
console.log(((performance.now() - t0) / 100).toFixed(2), "ms/run");
