// The import directions DESIGN.md draws: the engine reaches platforms only through the connector
// registry, a connector only through the SDK, and simulators stand for the outside world (they
// import nothing of Tandem). A new platform is then a folder in connectors/ and nothing else changes.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Tests and their helpers may cross the lines (they wire simulators to connectors). */
const isTestSupport = (file: string) => /\.test\.tsx?$|test-support|\.fixtures\.ts$|\/simulated-[\w-]+\.ts$/.test(file);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'generated') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !isTestSupport(path) ? [path] : [];
  });
}

/** Every relative module a file imports or re-exports, as a path from the repository root. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]);
  return specifiers.map((s) => relative(root, resolve(dirname(file), s)));
}

const platforms = readdirSync(join(root, 'connectors')).filter((d) => d !== 'sdk' && statSync(join(root, 'connectors', d)).isDirectory());

function violations(dir: string, allowed: (target: string, file: string) => boolean) {
  return sourceFiles(join(root, dir)).flatMap((file) =>
    importsOf(file)
      .filter((target) => !allowed(target, relative(root, file)))
      .map((target) => `${relative(root, file)} imports ${target}`),
  );
}

describe('when modules import one another', () => {
  it('finds the connector folders to check', () => {
    expect(platforms).toEqual(expect.arrayContaining(['bigcommerce', 'lightspeed', 'shopify', 'woocommerce', 'xero']));
  });

  it('keeps the app and the engine away from concrete connectors and simulators: they ask the registry', () => {
    const found = violations('app', (target) => !platforms.some((p) => target.startsWith(`connectors/${p}/`)) && !target.startsWith('simulators/'));
    expect(found).toEqual([]);
  });

  it('keeps each connector to the SDK and its own folder', () => {
    const found = platforms.flatMap((platform) =>
      violations(`connectors/${platform}`, (target) => target.startsWith(`connectors/${platform}/`) || target.startsWith('connectors/sdk/')),
    );
    expect(found).toEqual([]);
  });

  it('keeps the SDK free of platforms and of the app', () => {
    expect(violations('connectors/sdk', (target) => target.startsWith('connectors/sdk/'))).toEqual([]);
  });

  it('keeps simulators free of Tandem: they stand for the vendors', () => {
    expect(violations('simulators', (target) => target.startsWith('simulators/'))).toEqual([]);
  });
});
