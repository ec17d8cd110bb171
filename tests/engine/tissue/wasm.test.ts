/**
 * The assembler of the field kernel (src/engine/tissue/wasm.ts): its integers
 * encode as the WebAssembly specification says, at the edges of their ranges,
 * and input it cannot assemble correctly is refused rather than turned into
 * other bytes (a wrong offset or a zero where a number was meant would compile
 * and run, giving wrong fields).
 */
import { describe, expect, it } from 'vitest';
import { assemble, type Kernel, sleb, uleb } from '../../../src/engine/tissue/wasm.ts';

/** Reads an unsigned LEB128 integer at bytes[at]: its value and the index after it. */
function readUleb(bytes: number[], at: number): [number, number] {
  let n = 0;
  for (let shift = 0; ; shift += 7) {
    const byte = bytes[at++] as number;
    n += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [n, at];
  }
}

/** The instructions of a one-function module's body (after its locals, before its final end). */
function body(code: string, locals: Kernel['locals'] = {}): number[] {
  const bytes = [...assemble({ name: 'f', params: {}, locals, code })];
  let at = 8;
  for (;;) {
    const id = bytes[at] as number;
    const [size, start] = readUleb(bytes, at + 1);
    if (id !== 10) {
      at = start + size;
      continue;
    }
    let [, p] = readUleb(bytes, start); // one function
    const [length, first] = readUleb(bytes, p);
    let runs: number;
    [runs, p] = readUleb(bytes, first);
    for (let r = 0; r < runs; r++) p = readUleb(bytes, p)[1] + 1;
    return bytes.slice(p, first + length - 1);
  }
}

describe('the kernel assembler', () => {
  it('encodes unsigned LEB128 up to 2^32 - 1', () => {
    expect(uleb(0)).toEqual([0x00]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(uleb(2 ** 31)).toEqual([0x80, 0x80, 0x80, 0x80, 0x08]);
    expect(uleb(2 ** 32 - 1)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
  });

  it('refuses an unsigned LEB128 outside 0 to 2^32 - 1 or not an integer', () => {
    expect(() => uleb(2 ** 32)).toThrow(/not an unsigned 32-bit integer/);
    expect(() => uleb(-1)).toThrow(/not an unsigned 32-bit integer/);
    expect(() => uleb(1.5)).toThrow(/not an unsigned 32-bit integer/);
    expect(() => uleb(Number.NaN)).toThrow(/not an unsigned 32-bit integer/);
  });

  it('encodes signed LEB128 from -2^31 to 2^31 - 1', () => {
    expect(sleb(0)).toEqual([0x00]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(-64)).toEqual([0x40]);
    expect(sleb(-65)).toEqual([0xbf, 0x7f]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb(2 ** 31 - 1)).toEqual([0xff, 0xff, 0xff, 0xff, 0x07]);
    expect(sleb(-(2 ** 31))).toEqual([0x80, 0x80, 0x80, 0x80, 0x78]);
  });

  it('refuses a signed LEB128 outside 32 bits or not an integer', () => {
    expect(() => sleb(2 ** 31)).toThrow(/not a signed 32-bit integer/);
    expect(() => sleb(-(2 ** 31) - 1)).toThrow(/not a signed 32-bit integer/);
    expect(() => sleb(0.5)).toThrow(/not a signed 32-bit integer/);
  });

  it('reads offset= and align= in either order, and refuses other memory arguments', () => {
    const load = (args: string) =>
      body(`i32.const 0\nv128.load ${args}\nlocal.set $v`, { v: 'v128' }).slice(2, -2);
    expect(load('')).toEqual([0xfd, 0x00, 0x04, 0x00]);
    expect(load('offset=32')).toEqual([0xfd, 0x00, 0x04, 0x20]);
    expect(load('align=4 offset=32')).toEqual([0xfd, 0x00, 0x02, 0x20]);
    expect(load('offset=200 align=8')).toEqual([0xfd, 0x00, 0x03, 0xc8, 0x01]);
    expect(() => load('align=32')).toThrow(/not an integer from 1 to 16/);
    expect(() => load('align=3')).toThrow(/not a power of two/);
    expect(() => load('offset=-8')).toThrow(/not an integer/);
    expect(() => load('offset=8 offset=16')).toThrow(/at most once/);
    expect(() => load('32')).toThrow(/not offset=N or align=N/);
  });

  it('refuses immediates that are not numbers, or out of range', () => {
    expect(() => body('i32.const abc')).toThrow(/"abc" is not an integer/);
    expect(() => body('i32.const')).toThrow(/takes 1 argument/);
    expect(() => body('i32.const 1.5')).toThrow(/is not an integer/);
    expect(() => body('i32.const 4294967296')).toThrow(/is not an integer/);
    expect(() => body('f64.const one')).toThrow(/"one" is not a decimal number/);
    expect(() => body('f64.const')).toThrow(/takes 1 argument/);
    expect(() => body('loop\nbr_if x\nend')).toThrow(/"x" is not an integer/);
    expect(() => body('i8x16.shuffle 0 1 2')).toThrow(/takes 16 arguments/);
    expect(() => body(`i8x16.shuffle ${Array(16).fill(32).join(' ')}`)).toThrow(/from 0 to 31/);
    expect(() => body('i32.add 1')).toThrow(/takes 0 arguments/);
    expect(() => body('local.get $nowhere')).toThrow(/no local \$nowhere/);
    expect(() => body('i64.add')).toThrow(/does not know/);
  });

  it('writes i32 constants signed, an unsigned form by its bits', () => {
    expect(body('i32.const -65\nlocal.set $i', { i: 'i32' })).toEqual([0x41, 0xbf, 0x7f, 0x21, 0x00]);
    expect(body('i32.const 4294967295\nlocal.set $i', { i: 'i32' })).toEqual([0x41, 0x7f, 0x21, 0x00]);
  });

  it('writes f64 constants little-endian whatever the host byte order', () => {
    expect(body('f64.const 1\nlocal.set $x', { x: 'f64' })).toEqual([
      0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f, 0x21, 0x00,
    ]);
    expect(body('f64.const -2.5e-3\nlocal.set $x', { x: 'f64' }).slice(1, 9)).toEqual([
      ...new Uint8Array(new Float64Array([-2.5e-3]).buffer),
    ]);
  });

  it('assembles modules that compile and compute', () => {
    const bytes = assemble({
      name: 'f',
      params: { at: 'i32' },
      locals: { v: 'v128' },
      code: `
        local.get $at
        f64.const 0.25
        f64x2.splat
        local.get $at
        v128.load align=8 offset=16
        f64x2.add
        v128.store offset=32
      `,
    });
    const memory = new WebAssembly.Memory({ initial: 1 });
    const f = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports.f as (
      at: number,
    ) => void;
    const doubles = new Float64Array(memory.buffer, 0, 8);
    doubles.set([0, 0, 1, 2]);
    f(0);
    expect([...doubles.subarray(4, 6)]).toEqual([1.25, 2.25]);
  });
});
