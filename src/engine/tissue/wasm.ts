/**
 * A small assembler of WebAssembly text, enough for the field kernel
 * (phases/fields.ts): one function, one instruction a line, working on an
 * imported memory. The module's bytes are built here when the engine loads, so
 * the kernel needs no build step, no toolchain and no file beside it, and loads
 * the same way in Node and in a browser worker.
 *
 * Opcodes are those of the WebAssembly 2.0 specification (core and fixed-width
 * SIMD); only the instructions the kernel uses are known, and any other is an
 * error when the module is built.
 */

export type ValueType = 'i32' | 'f64' | 'v128';

const TYPE_CODE: Record<ValueType, number> = { i32: 0x7f, f64: 0x7c, v128: 0x7b };

/** An unsigned LEB128 integer, at most 32 bits (every immediate the kernel has). */
export function uleb(n: number): number[] {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff_ffff)
    throw new Error(`${n} is not an unsigned 32-bit integer`);
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** A signed LEB128 integer, at most 32 bits. */
export function sleb(n: number): number[] {
  if (!Number.isInteger(n) || n < -0x8000_0000 || n > 0x7fff_ffff)
    throw new Error(`${n} is not a signed 32-bit integer`);
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

const simd = (code: number) => [0xfd, ...uleb(code)];

/** Instructions without immediates. */
const PLAIN: Record<string, number[]> = {
  end: [0x0b],
  'i32.add': [0x6a],
  'i32.sub': [0x6b],
  'i32.mul': [0x6c],
  'i32.shl': [0x74],
  'i32.le_u': [0x4d],
  'memory.copy': [0xfc, ...uleb(10), 0x00, 0x00],
  'f64x2.splat': simd(0x14),
  'f64x2.lt': simd(0x49),
  'f64x2.gt': simd(0x4a),
  'v128.and': simd(0x4e),
  'v128.andnot': simd(0x4f),
  'i32x4.extend_low_i16x8_u': simd(0xa9),
  'f64x2.add': simd(0xf0),
  'f64x2.sub': simd(0xf1),
  'f64x2.mul': simd(0xf2),
  'f64x2.convert_low_i32x4_s': simd(0xfe),
};

/** Memory instructions: opcode and natural alignment (log2 of bytes); `offset=N` and `align=N` may follow. */
const MEMORY: Record<string, [number[], number]> = {
  'v128.load': [simd(0x00), 4],
  'v128.load8x8_u': [simd(0x02), 3],
  'v128.store': [simd(0x0b), 4],
};

const LOCAL: Record<string, number> = { 'local.get': 0x20, 'local.set': 0x21, 'local.tee': 0x22 };

/** A decimal integer from min to max: anything else would be assembled into a wrong number without a word. */
function integer(text: string | undefined, min: number, max: number, line: string): number {
  const n = text !== undefined && /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= min && n <= max))
    throw new Error(`"${line}": "${text ?? ''}" is not an integer from ${min} to ${max}`);
  return n;
}

/** A decimal number, as in the text format's floats (no hexadecimal, inf or nan: the kernel needs none). */
function float(text: string | undefined, line: string): number {
  if (text === undefined || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text))
    throw new Error(`"${line}": "${text ?? ''}" is not a decimal number`);
  return Number(text);
}

/** The memory argument: alignment (log2, at most the natural one) and offset, in either order. */
function memarg(args: string[], natural: number, line: string): number[] {
  let align = natural;
  let offset = 0;
  const seen = new Set<string>();
  for (const arg of args) {
    const [key = '', value, ...rest] = arg.split('=');
    if ((key !== 'offset' && key !== 'align') || rest.length > 0 || seen.has(key))
      throw new Error(`"${line}": "${arg}" is not offset=N or align=N (each at most once)`);
    seen.add(key);
    if (key === 'offset') offset = integer(value, 0, 0xffff_ffff, line);
    else {
      const bytes = integer(value, 1, 2 ** natural, line);
      align = Math.log2(bytes);
      if (!Number.isInteger(align)) throw new Error(`"${line}": align=${bytes} is not a power of two`);
    }
  }
  return [...uleb(align), ...uleb(offset)];
}

function instruction(line: string, local: (name: string) => number): number[] {
  const [name = '', ...args] = line.split(/\s+/);
  const count = (n: number) => {
    if (args.length !== n) throw new Error(`"${line}": ${name} takes ${n} argument${n === 1 ? '' : 's'}`);
  };
  const plain = PLAIN[name];
  if (plain) {
    count(0);
    return plain;
  }
  const memory = MEMORY[name];
  if (memory) return [...memory[0], ...memarg(args, memory[1], line)];
  const code = LOCAL[name];
  if (code !== undefined) {
    count(1);
    return [code, ...uleb(local(args[0] ?? ''))];
  }
  switch (name) {
    case 'loop':
      count(0);
      return [0x03, 0x40];
    case 'br_if':
      count(1);
      return [0x0d, ...uleb(integer(args[0], 0, 0xffff_ffff, line))];
    case 'i32.const':
      count(1);
      // The text format also takes an i32 written unsigned; its bits are the same.
      return [0x41, ...sleb(integer(args[0], -0x8000_0000, 0xffff_ffff, line) | 0)];
    case 'f64.const': {
      count(1);
      const bytes = new DataView(new ArrayBuffer(8));
      bytes.setFloat64(0, float(args[0], line), true);
      return [0x44, ...new Uint8Array(bytes.buffer)];
    }
    case 'i8x16.shuffle':
      count(16);
      return [...simd(0x0d), ...args.map((lane) => integer(lane, 0, 31, line))];
  }
  throw new Error(`the assembler does not know "${line}"`);
}

function vector(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function text(s: string): number[] {
  return vector([...s].map((ch) => [ch.charCodeAt(0)]));
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

export interface Kernel {
  /** The one exported function's name. */
  name: string;
  /** Parameters, then further locals, by name ($name in the code) and type. */
  params: Record<string, ValueType>;
  locals: Record<string, ValueType>;
  /** One instruction a line; `;;` starts a comment. */
  code: string;
}

/** A module that imports memory `env.memory` and exports one function without result. */
export function assemble(k: Kernel): Uint8Array<ArrayBuffer> {
  const names = [...Object.keys(k.params), ...Object.keys(k.locals)].map((name) => `$${name}`);
  const local = (name: string) => {
    const i = names.indexOf(name);
    if (i < 0) throw new Error(`the kernel has no local ${name}`);
    return i;
  };
  const body = k.code
    .split('\n')
    .map((line) => line.replace(/;;.*/, '').trim())
    .filter((line) => line !== '')
    .flatMap((line) => instruction(line, local));
  // Locals are declared in runs of one type.
  const runs: [number, ValueType][] = [];
  for (const type of Object.values(k.locals)) {
    const last = runs.at(-1);
    if (last && last[1] === type) last[0]++;
    else runs.push([1, type]);
  }
  const code = [...vector(runs.map(([n, type]) => [...uleb(n), TYPE_CODE[type]])), ...body, 0x0b];
  const params = Object.values(k.params).map((type) => [TYPE_CODE[type]]);
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector([[0x60, ...vector(params), ...vector([])]])),
    ...section(2, vector([[...text('env'), ...text('memory'), 0x02, 0x00, ...uleb(1)]])),
    ...section(3, vector([uleb(0)])),
    ...section(7, vector([[...text(k.name), 0x00, ...uleb(0)]])),
    ...section(10, vector([[...uleb(code.length), ...code]])),
  ]);
}
