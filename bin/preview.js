#!/usr/bin/env node
// `npm start`'s server: vite preview of the built app, with the port from --port or
// PORT (default 4173). A busy or bad port ends in one line that says how to choose
// another, where `vite preview` printed a stack trace.
import { parseArgs } from 'node:util';
import { preview } from 'vite';

const HOST = '127.0.0.1';
const DEFAULT_PORT = 4173;

function fail(message) {
  console.error(`npm start: ${message}`);
  process.exit(1);
}

let port;
try {
  const { values } = parseArgs({ options: { port: { type: 'string' } } });
  // An empty PORT counts as unset, as most servers read it.
  const text = values.port ?? (process.env.PORT || String(DEFAULT_PORT));
  port = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 1 && port <= 65535)) {
    const field = values.port === undefined ? 'PORT' : '--port';
    fail(`${field}: not a port (got "${text}", expected an integer from 1 to 65535)`);
  }
} catch (e) {
  fail(`${e.message} (the one option is --port N)`);
}

try {
  // strictPort: a link shared as http://127.0.0.1:4173/ must not silently move to another port.
  const server = await preview({ preview: { host: HOST, port, strictPort: true } });
  server.printUrls();
} catch (e) {
  if (e.code === 'EADDRINUSE' || /already in use/i.test(e.message ?? '')) {
    const next = port === 65535 ? DEFAULT_PORT + 1 : port + 1;
    fail(
      `port ${port} on ${HOST} is already in use (another server, perhaps an earlier npm start?).\n` +
        `Choose another port: PORT=${next} npm start (or, once built, npm run preview -- --port ${next}).`,
    );
  }
  fail(e.message ?? String(e));
}
