/**
 * The body map: the primary, the lymph-node chain and the distant organs as an
 * SVG, each showing its burden (cells, dormant cells, colonies by size class).
 * The colours and sizes are explained by the legend beside it (index.html): red the
 * primary or a macrometastasis, orange a micrometastasis, yellow disseminated cells
 * and small colonies, grey nothing; the radius grows with the burden.
 */
import { NODES, ORGANS } from '../engine/schema.ts';
import { cells as cellCount, count, siteShort, siteThe } from './words.ts';

const SVG = 'http://www.w3.org/2000/svg';
const LAYOUT: Record<string, [number, number]> = {
  primary: [60, 150],
  sentinelNode: [60, 60],
  regionalNode: [130, 45],
  distantNode: [200, 30],
  brain: [270, 30],
  lung: [160, 110],
  liver: [110, 205],
  adrenal: [270, 150],
  kidney: [240, 210],
  bone: [270, 95],
  peritoneum: [170, 255],
  skin: [30, 250],
  other: [280, 265],
};

/** A site's circle and the numbers it was last drawn with. */
interface SiteMark {
  circle: SVGCircleElement;
  title: SVGTitleElement;
  drawn: string;
}

/**
 * Builds the map in `svg` once and returns what redraws it: each site's circle
 * and its title are changed in place, and only where its numbers changed, so a
 * streamed chunk does not rebuild the picture (nor, with it, the page's layout).
 */
export function createBodyMap(svg: SVGSVGElement): (latest: Record<string, number>) => void {
  const make = <K extends keyof SVGElementTagNameMap>(
    tag: K,
    attributes: Record<string, string | number>,
  ) => {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attributes)) el.setAttribute(k, String(v));
    return el;
  };
  const link = (a: string, b: string) => {
    const [x1, y1] = LAYOUT[a] as [number, number];
    const [x2, y2] = LAYOUT[b] as [number, number];
    svg.append(make('line', { x1, y1, x2, y2, stroke: '#b8c4d6', 'stroke-width': 1.5 }));
  };
  svg.replaceChildren();
  link('primary', 'sentinelNode');
  link('sentinelNode', 'regionalNode');
  link('regionalNode', 'distantNode');
  const marks = new Map<string, SiteMark>();
  for (const site of ['primary', ...NODES, ...ORGANS]) {
    const [x, y] = LAYOUT[site] as [number, number];
    const g = make('g', { 'data-site': site });
    const circle = make('circle', { cx: x, cy: y, 'fill-opacity': 0.75 });
    const title = make('title', {});
    circle.append(title);
    const label = make('text', { x, y: y + 34, 'text-anchor': 'middle', 'font-size': 12 });
    label.textContent = siteShort(site);
    g.append(circle, label);
    svg.append(g);
    marks.set(site, { circle, title, drawn: '' });
  }

  return (latest) => {
    for (const [site, mark] of marks) {
      const cells = site === 'primary' ? (latest.primary_cells ?? 0) : 0;
      const dormant = latest[`dtc_dormant_${site}`] ?? 0;
      const itc = latest[`dtc_cycling_${site}`] ?? 0;
      const micro = latest[`mets_micro_${site}`] ?? 0;
      const macro = latest[`mets_macro_${site}`] ?? 0;
      const numbers = `${cells} ${dormant} ${itc} ${micro} ${macro}`;
      if (numbers === mark.drawn) continue;
      mark.drawn = numbers;
      const weight =
        site === 'primary'
          ? Math.log10(1 + cells)
          : Math.log10(1 + dormant) + 2 * itc ** 0.5 + 4 * micro + 8 * macro;
      mark.circle.setAttribute('r', String(Math.min(26, 6 + weight)));
      mark.circle.setAttribute(
        'fill',
        macro > 0 || site === 'primary'
          ? '#c0392b'
          : micro > 0
            ? '#e67e22'
            : itc + dormant > 0
              ? '#f1c40f'
              : '#dfe6ee',
      );
      mark.title.textContent =
        site === 'primary'
          ? `The primary tumour: ${cellCount(cells)}`
          : `In ${siteThe(site)}: ${count(dormant, 'dormant cell', 'dormant cells')}; colonies alive: ${count(itc, 'small colony', 'small colonies')} (isolated tumour cells), ${count(micro, 'micrometastasis', 'micrometastases')}, ${count(macro, 'macrometastasis', 'macrometastases')}`;
    }
  };
}
