// The top functions by self time of a V8 CPU profile (node --cpu-prof), aggregated by function
// name and url:line, so that one function sampled under many call paths counts once.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './options';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface HotFunction {
  readonly name: string;
  readonly location: string;
  readonly selfMs: number;
  readonly selfPercent: number;
}

/** The newest profile written into `dir` by process `pid`. */
export function profileOf(dir: string, pid: number): string | undefined {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile') && f.includes(`.${pid}.`));
  return files.map((f) => join(dir, f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
}

const shortUrl = (url: string) => {
  if (!url) return '(native)';
  const path = url.replace(/^file:\/\//, '');
  const inModules = path.lastIndexOf('/node_modules/');
  if (inModules >= 0) return path.slice(inModules + 1);
  return path.startsWith('/') ? relative(REPO_ROOT, path) : path;
};

export function hotFunctions(file: string, top = 15): HotFunction[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<string, { name: string; location: string; us: number }>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    const frame = nodes.get(id)?.callFrame;
    if (!frame) return;
    total += delta;
    const name = frame.functionName || '(anonymous)';
    const location = frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : '(native)';
    const key = `${name}\n${location}`;
    const entry = selfUs.get(key) ?? { name, location, us: 0 };
    entry.us += delta;
    selfUs.set(key, entry);
  });
  return [...selfUs.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map((e) => ({
      name: e.name,
      location: e.location,
      selfMs: e.us / 1000,
      selfPercent: total > 0 ? (100 * e.us) / total : 0,
    }));
}
