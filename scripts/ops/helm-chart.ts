// Renders deploy/helm/helpdeskly with the chart's values (plus overrides) through ChartRenderer, as
// `helm template` would, into parsed Kubernetes objects.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { ChartRenderer } from './helm-template';

export const CHART_DIR = join(__dirname, '../../deploy/helm/helpdeskly');

export interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly spec?: Record<string, any>;
  readonly data?: Record<string, string>;
}

type Values = Record<string, unknown>;

function merge(base: Values, overrides: Values): Values {
  const out: Values = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = out[key];
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object'
        ? merge(current as Values, value as Values)
        : value;
  }
  return out;
}

export function renderChart(overrides: Values = {}, release = 'helpdeskly'): KubernetesObject[] {
  const chart = parse(readFileSync(join(CHART_DIR, 'Chart.yaml'), 'utf8')) as {
    name: string;
    version: string;
    appVersion: string;
  };
  const values = merge(parse(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8')) as Values, overrides);
  const templatesDir = join(CHART_DIR, 'templates');
  const files = Object.fromEntries(
    readdirSync(templatesDir).map((name) => [name, readFileSync(join(templatesDir, name), 'utf8')]),
  );
  const rendered = new ChartRenderer(files).render({
    Values: values,
    Release: { Name: release, Namespace: 'default', Service: 'Helm', IsInstall: true, IsUpgrade: false },
    Chart: { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion },
  });
  const objects: KubernetesObject[] = [];
  for (const [file, text] of Object.entries(rendered)) {
    for (const document of parseAllDocuments(text)) {
      if (document.errors.length > 0)
        throw new Error(`${file} does not render to valid YAML: ${document.errors[0].message}\n${text}`);
      const object = document.toJS() as KubernetesObject | null;
      if (object) objects.push(object);
    }
  }
  return objects;
}
