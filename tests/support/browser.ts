/** Debian's Chromium, headless, with the flags this closed network needs (no background connections). */
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { build, type PreviewServer, preview } from 'vite';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Builds the app (into `outDir`, or the configured dist/) and serves it on 127.0.0.1 at a free port. */
export async function serveApp(outDir?: string): Promise<{ server: PreviewServer; base: string }> {
  const where = outDir ? { build: { outDir, emptyOutDir: true } } : {};
  await build({ configFile: 'vite.config.ts', logLevel: 'warn', ...where });
  const server = await preview({
    configFile: 'vite.config.ts',
    ...where,
    preview: { port: 0, host: '127.0.0.1' },
    logLevel: 'warn',
  });
  const address = server.httpServer.address() as AddressInfo;
  return { server, base: `http://127.0.0.1:${address.port}/` };
}
