// Contract tests check the simulators' responses against the vendors' own OpenAPI documents
// (DESIGN.md "Simulators: built from the vendors' own contracts"). The documents live outside the
// repository, in ../shared/contracts; when that folder is absent the contract suites skip and say so.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import yaml from 'js-yaml';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The vendor contracts folder, `../shared/contracts` from the repository root. */
export const contractsDir = resolve(repoRoot, '../shared/contracts');

/** True when the contracts folder (or a file inside it) exists on this machine. */
export function contractsPresent(relativePath = ''): boolean {
  return existsSync(resolve(contractsDir, relativePath));
}

/** A message for `describe.skip` naming what is missing. */
export function missingContractsMessage(relativePath: string): string {
  return `vendor contract ${resolve(contractsDir, relativePath)} is missing (expected ../shared/contracts beside the repository)`;
}

type Json = Record<string, unknown>;

export interface OpenApiSpec {
  file: string;
  doc: Json;
}

// ajv-formats is CommonJS; its default export arrives wrapped under ESM interop.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

const specCache = new Map<string, OpenApiSpec>();

export function loadSpec(relativePath: string): OpenApiSpec {
  const cached = specCache.get(relativePath);
  if (cached) return cached;
  const file = resolve(contractsDir, relativePath);
  const doc = markNullable(yaml.load(readFileSync(file, 'utf8'))) as Json;
  const spec = { file, doc };
  specCache.set(relativePath, spec);
  return spec;
}

/**
 * Some vendor files still say `x-nullable: true` (the Swagger 2 extension) where OpenAPI 3 says
 * `nullable: true`; both mean the same, so the validator reads them alike.
 */
function markNullable(node: unknown): unknown {
  if (Array.isArray(node)) node.forEach(markNullable);
  else if (node && typeof node === 'object') {
    const obj = node as Json;
    if (obj['x-nullable'] === true && obj.nullable === undefined) obj.nullable = true;
    Object.values(obj).forEach(markNullable);
  }
  return node;
}

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

function resolvePointer(doc: Json, pointer: string): unknown {
  const parts = pointer.replace(/^#\/?/, '').split('/').filter(Boolean);
  let node: unknown = doc;
  for (const raw of parts) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = (node as Json | undefined)?.[key];
  }
  return node;
}

export interface ResponseCheck {
  valid: boolean;
  errors: ErrorObject[];
  /** Readable one-line-per-error summary, for assertion messages. */
  message: string;
}

/**
 * Validates one response body against the document's schema for `method` + `path` (the spec's
 * own path template, e.g. `/catalog/products/{product_id}`) + `status`. Throws when the document
 * has no such operation or no JSON schema for that status, so a typo cannot pass silently.
 */
export class ResponseValidator {
  #ajv: Ajv;
  #compiled = new Map<string, ValidateFunction>();

  constructor(private readonly spec: OpenApiSpec) {
    // OpenAPI adds keywords (nullable, example, discriminator, x-*) that plain JSON Schema lacks:
    // strict off ignores the annotations; Ajv understands `nullable` itself.
    this.#ajv = new Ajv({ strict: false, allErrors: true, logger: false, validateSchema: false });
    addFormats(this.#ajv);
    this.#ajv.addSchema(spec.doc, 'spec');
  }

  /** JSON pointer of the response schema inside the document. */
  schemaPointer(method: string, path: string, status: number): string {
    const { doc } = this.spec;
    const operationPointer = `#/paths/${escapePointer(path)}/${method.toLowerCase()}`;
    const operation = resolvePointer(doc, operationPointer) as Json | undefined;
    if (!operation) throw new Error(`${this.spec.file} has no operation ${method.toUpperCase()} ${path}`);
    const responses = (operation.responses ?? {}) as Json;
    const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => k in responses);
    if (!key) throw new Error(`${this.spec.file} documents no ${status} response for ${method.toUpperCase()} ${path}`);
    let pointer = `${operationPointer}/responses/${key}`;
    let response = responses[key] as Json;
    while (typeof response.$ref === 'string') {
      pointer = response.$ref;
      response = resolvePointer(doc, pointer) as Json;
    }
    const content = (response.content ?? {}) as Json;
    const mediaType = Object.keys(content).find((m) => m.includes('json'));
    if (!mediaType || !(content[mediaType] as Json).schema) {
      throw new Error(`${this.spec.file} has no JSON schema for ${status} of ${method.toUpperCase()} ${path}`);
    }
    return `${pointer}/content/${escapePointer(mediaType)}/schema`;
  }

  check(method: string, path: string, status: number, body: unknown): ResponseCheck {
    const pointer = this.schemaPointer(method, path, status);
    let validate = this.#compiled.get(pointer);
    if (!validate) {
      validate = this.#ajv.compile({ $ref: `spec${pointer}` });
      this.#compiled.set(pointer, validate);
    }
    const valid = validate(body) as boolean;
    const errors = validate.errors ?? [];
    const message = errors.map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('\n');
    return { valid, errors: [...errors], message };
  }
}

const validators = new Map<string, ResponseValidator>();

/** The (cached) validator for one contract file, relative to the contracts folder. */
export function responseValidator(relativePath: string): ResponseValidator {
  let v = validators.get(relativePath);
  if (!v) {
    v = new ResponseValidator(loadSpec(relativePath));
    validators.set(relativePath, v);
  }
  return v;
}
