/** `npm start`'s server (bin/preview.js): a busy or bad port is one line saying how to choose another. */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let busy: Server;
let port: number;

beforeAll(async () => {
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  port = (busy.address() as { port: number }).port;
});

afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

/** Runs the server script; one that started serving is stopped after 20 s and reported so. */
function preview(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['bin/preview.js', ...args], {
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill(), 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm start on a port', () => {
  it('that is busy (PORT) says how to choose another, without a stack trace', async () => {
    const r = await preview([], { PORT: String(port) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`npm start: port ${port} on 127.0.0.1 is already in use`);
    expect(r.stderr).toContain(`PORT=${port + 1} npm start`);
    expect(r.stderr).toContain(`npm run preview -- --port ${port + 1}`);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).not.toMatch(/Local:/);
  });

  it('that is busy (--port) says the same', async () => {
    const r = await preview(['--port', String(port)], { PORT: '' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`npm start: port ${port} on 127.0.0.1 is already in use`);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('that is not a port names the setting and what it expects', async () => {
    const bad = await preview([], { PORT: 'http' });
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe(
      'npm start: PORT: not a port (got "http", expected an integer from 1 to 65535)',
    );
    const big = await preview(['--port', '70000']);
    expect(big.stderr.trim()).toBe(
      'npm start: --port: not a port (got "70000", expected an integer from 1 to 65535)',
    );
  });
});
