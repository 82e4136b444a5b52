// Each admin extension builds the way Shopify CLI builds it (esbuild, stdin importing the toml's
// module and handing it to shopify.extend) and stays what the admin accepts: under the 64 KB
// bundle limit (shopify.dev "Upgrading to 2025-10", file size limit), on Preact rather than React
// (the JSX settings come from extensions/tsconfig.json), with no server code pulled in, on a target
// the installed @shopify/ui-extensions types for the toml's api_version, with the CLI's uid.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const MAX_BUNDLE_BYTES = 64 * 1024;

const extensions = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(path.join(here, d.name, 'shopify.extension.toml')))
  .map((d) => {
    const toml = readFileSync(path.join(here, d.name, 'shopify.extension.toml'), 'utf8');
    const field = (name: string) => new RegExp(`^\\s*${name} = "([^"]+)"`, 'm').exec(toml)?.[1];
    return { dir: d.name, apiVersion: field('api_version')!, handle: field('handle')!, uid: field('uid')!, module: field('module')!, target: field('target')! };
  });

/** Shopify CLI's uid for a handle (cli-kit nonRandomUUID: SHA-1 of a fixed namespace and the handle). */
function cliUid(handle: string) {
  const hash = createHash('sha1').update(Buffer.from('6ba7b8109dad11d180b400c04fd430c8', 'hex')).update(handle).digest('hex');
  return hash.replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5');
}

async function bundle(e: (typeof extensions)[number]) {
  // The options of Shopify CLI's getESBuildOptions for UI extensions on api_version ≥ 2025-07.
  const result = await build({
    stdin: { contents: `import Target_0 from '${e.module}';shopify.extend('${e.target}', (...args) => Target_0(...args));`, resolveDir: path.join(here, e.dir), loader: 'tsx' },
    bundle: true,
    write: false,
    jsx: 'automatic',
    minify: true,
    legalComments: 'none',
    target: 'es6',
    loader: { '.esnext': 'ts', '.js': 'jsx' },
    resolveExtensions: ['.tsx', '.ts', '.js', '.json', '.esnext', '.mjs', '.ejs'],
    define: { 'process.env.NODE_ENV': '"production"' },
    metafile: true,
    logLevel: 'silent',
  });
  return { bytes: result.outputFiles[0]!.contents.length, inputs: Object.keys(result.metafile.inputs) };
}

describe('when Shopify CLI builds the admin extensions', () => {
  it('finds both of Tandem’s extensions', () => {
    expect(extensions.map((e) => [e.dir, e.target])).toEqual([
      ['order-routing', 'admin.order-details.block.render'],
      ['sync-to-partners', 'admin.product-details.action.render'],
    ]);
  });

  it.each(extensions)('bundles $dir under 64 KB with Preact and no server code', async (e) => {
    const { bytes, inputs } = await bundle(e);
    expect(bytes).toBeLessThan(MAX_BUNDLE_BYTES);
    expect(inputs).toContain('node_modules/preact/jsx-runtime/dist/jsxRuntime.module.js');
    expect(inputs.filter((i) => /node_modules\/react(-dom)?\//.test(i))).toEqual([]);
    expect(inputs.filter((i) => /^(app|connectors|simulators)\//.test(i))).toEqual([]);
  });

  it.each(extensions)('gives $dir a target typed by the pinned @shopify/ui-extensions for its api_version', (e) => {
    const pinned = JSON.parse(readFileSync(path.join(here, '..', 'package.json'), 'utf8')).devDependencies['@shopify/ui-extensions'] as string;
    const [year, month] = e.apiVersion.split('-');
    // The CLI asks for @shopify/ui-extensions@<api_version>: 2026-07 is 2026.7.x.
    expect(pinned).toMatch(new RegExp(`^${year}\\.${Number(month)}\\.\\d+$`));
    expect(() => require.resolve(`@shopify/ui-extensions/${e.target}`)).not.toThrow();
  });

  it.each(extensions)('gives $dir the uid Shopify CLI derives from its handle', (e) => {
    expect(e.uid).toBe(cliUid(e.handle));
  });
});
