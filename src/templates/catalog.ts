// Finds and loads the project's templates, and reads each one's drctl metadata (layer, regions, inputs).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { usageError } from '../errors.js';
import { parseJsonSource, type JsonSource } from './json-source.js';
import type { CfnTemplate, DrctlMetadata } from './template-types.js';

export interface LoadedTemplate {
  /** Path as given or relative to the project root, e.g. `templates/data.json`. */
  file: string;
  source: JsonSource<CfnTemplate>;
  template: CfnTemplate;
  /** Present for the project's layer templates; absent for arbitrary templates given to `validate`. */
  drctl: DrctlMetadata | undefined;
}

export const DEFAULT_TEMPLATE_DIR = 'templates';

export async function readTemplateFile(file: string): Promise<LoadedTemplate> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw usageError(
      'E_FILE_UNREADABLE',
      `${file}: cannot read (${code ?? String(err)})`,
      'Check the path; drctl validate takes template files or reads every template under templates/.',
      { file },
    );
  }
  const source = parseJsonSource<CfnTemplate>(file, text);
  const template = source.value;
  const drctl =
    template && typeof template === 'object' ? (template.Metadata?.Drctl as DrctlMetadata | undefined) : undefined;
  return { file, source, template, drctl };
}

/** Every `*.json` directly under `dir`, sorted, as paths relative to `root`. */
export async function listTemplateFiles(root: string, dir = DEFAULT_TEMPLATE_DIR): Promise<string[]> {
  const abs = path.resolve(root, dir);
  let names: string[];
  try {
    names = await readdir(abs);
  } catch {
    throw usageError(
      'E_NO_TEMPLATES',
      `${dir}/: no such directory`,
      'Run drctl from the project root, or pass template files explicitly.',
      { file: dir },
    );
  }
  return names
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => path.relative(root, path.join(abs, n)) || n);
}

/** The project's layer templates (those with drctl metadata), keyed by layer name. */
export async function loadLayerTemplates(root: string): Promise<Map<string, LoadedTemplate>> {
  const files = await listTemplateFiles(root);
  const loaded = await Promise.all(
    files.map((f) => readTemplateFile(path.join(root, f)).then((t) => ({ ...t, file: f }))),
  );
  const layers = new Map<string, LoadedTemplate>();
  for (const t of loaded) {
    if (!t.drctl) continue;
    const existing = layers.get(t.drctl.Layer);
    if (existing) {
      throw usageError(
        'E_DUPLICATE_LAYER',
        `${t.file}: layer "${t.drctl.Layer}" is also declared by ${existing.file}`,
        'Give each template a distinct Metadata.Drctl.Layer.',
        {
          file: t.file,
          field: 'Metadata.Drctl.Layer',
        },
      );
    }
    layers.set(t.drctl.Layer, t);
  }
  return layers;
}
