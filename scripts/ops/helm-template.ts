// A renderer of the part of Helm's template language (Go text/template plus a few Sprig
// functions) that deploy/helm/helpdeskly uses, so the test suite can render the chart without a helm
// binary: Debian bookworm packages none, and no npm package ships one. It is not Helm: anything
// outside this subset throws instead of rendering wrongly, so a template that uses more fails
// its test and the subset grows with the chart.
//
// Supported: {{ }} with -trim markers, comments, define/include/template, if/else if/else,
// range (list or map, with $k, $v :=), with, $ and $var := assignment, pipelines, parentheses,
// string/number/bool literals, and the functions in FUNCTIONS below.
import { stringify } from 'yaml';

type Value = unknown;

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipeline: string }
  | { kind: 'if'; branches: { cond: string; body: Node[] }[]; otherwise: Node[] }
  | { kind: 'range'; keyVar?: string; valueVar?: string; pipeline: string; body: Node[]; otherwise: Node[] }
  | { kind: 'with'; pipeline: string; body: Node[]; otherwise: Node[] }
  | { kind: 'template'; name: string; pipeline?: string };

interface Scope {
  readonly dot: Value;
  readonly vars: Map<string, Value>;
}

export class TemplateError extends Error {}

/** Splits a template into text and actions, applying the trim markers. */
function lex(source: string): ({ text: string } | { action: string })[] {
  const parts: ({ text: string } | { action: string })[] = [];
  const pattern = /\{\{(-\s)?([\s\S]*?)(\s-)?\}\}/g;
  let last = 0;
  let trimNext = false;
  for (let match = pattern.exec(source); match; match = pattern.exec(source)) {
    let text = source.slice(last, match.index);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (match[1]) text = text.replace(/\s+$/, '');
    if (text) parts.push({ text });
    const action = match[2].trim();
    if (!action.startsWith('/*')) parts.push({ action });
    trimNext = Boolean(match[3]);
    last = pattern.lastIndex;
  }
  let rest = source.slice(last);
  if (trimNext) rest = rest.replace(/^\s+/, '');
  if (rest) parts.push({ text: rest });
  return parts;
}

/** Builds the tree of one template file; `define` blocks go into `defines`. */
function parse(source: string, defines: Map<string, Node[]>): Node[] {
  const parts = lex(source);
  let index = 0;

  function block(): { nodes: Node[]; end: string } {
    const nodes: Node[] = [];
    while (index < parts.length) {
      const part = parts[index++];
      if ('text' in part) {
        nodes.push({ kind: 'text', text: part.text });
        continue;
      }
      const action = part.action;
      const [keyword] = action.split(/\s+/, 1);
      if (keyword === 'end' || keyword === 'else') return { nodes, end: action };
      if (keyword === 'if') nodes.push(parseIf(action.slice(2).trim()));
      else if (keyword === 'range') nodes.push(parseRange(action.slice(5).trim()));
      else if (keyword === 'with') {
        const { body, otherwise } = bodyAndElse('with');
        nodes.push({ kind: 'with', pipeline: action.slice(4).trim(), body, otherwise });
      } else if (keyword === 'define') {
        const name = stringLiteral(action.slice(6).trim());
        const { nodes: body, end } = block();
        if (end !== 'end') throw new TemplateError(`define "${name}" has an else`);
        defines.set(name, body);
      } else if (keyword === 'template') {
        const rest = action.slice(8).trim();
        const name = /^"([^"]*)"/.exec(rest)?.[1];
        if (name === undefined) throw new TemplateError(`template needs a quoted name: ${action}`);
        nodes.push({ kind: 'template', name, pipeline: rest.slice(name.length + 2).trim() || undefined });
      } else nodes.push({ kind: 'action', pipeline: action });
    }
    return { nodes, end: '' };
  }

  function bodyAndElse(what: string): { body: Node[]; otherwise: Node[] } {
    const first = block();
    if (first.end === 'end') return { body: first.nodes, otherwise: [] };
    if (first.end !== 'else') throw new TemplateError(`${what} is not closed by {{ end }}`);
    const second = block();
    if (second.end !== 'end') throw new TemplateError(`${what} ... else is not closed by {{ end }}`);
    return { body: first.nodes, otherwise: second.nodes };
  }

  function parseIf(cond: string): Node {
    const branches: { cond: string; body: Node[] }[] = [];
    let current = cond;
    for (;;) {
      const { nodes, end } = block();
      branches.push({ cond: current, body: nodes });
      if (end === 'end') return { kind: 'if', branches, otherwise: [] };
      if (end.startsWith('else if ')) {
        current = end.slice(8).trim();
        continue;
      }
      if (end !== 'else') throw new TemplateError('if is not closed by {{ end }}');
      const rest = block();
      if (rest.end !== 'end') throw new TemplateError('if ... else is not closed by {{ end }}');
      return { kind: 'if', branches, otherwise: rest.nodes };
    }
  }

  function parseRange(spec: string): Node {
    const assign = /^(\$\w+)\s*(?:,\s*(\$\w+)\s*)?:=\s*([\s\S]+)$/.exec(spec);
    const { body, otherwise } = bodyAndElse('range');
    if (!assign) return { kind: 'range', pipeline: spec, body, otherwise };
    return assign[2]
      ? { kind: 'range', keyVar: assign[1], valueVar: assign[2], pipeline: assign[3], body, otherwise }
      : { kind: 'range', valueVar: assign[1], pipeline: assign[3], body, otherwise };
  }

  const { nodes, end } = block();
  if (end) throw new TemplateError(`unexpected {{ ${end} }}`);
  return nodes;
}

function stringLiteral(token: string): string {
  const match = /^"((?:[^"\\]|\\.)*)"$/.exec(token);
  if (!match) throw new TemplateError(`expected a quoted string, got ${token}`);
  return JSON.parse(`"${match[1]}"`) as string;
}

/** Go's truth: false, 0, nil and empty strings, lists and maps are false. */
export function truthy(value: Value): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

function text(value: Value): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object')
    throw new TemplateError(`cannot print a ${Array.isArray(value) ? 'list' : 'map'}; pipe it through toYaml`);
  return String(value);
}

function indentLines(spaces: number, value: string): string {
  const pad = ' '.repeat(spaces);
  return pad + value.replace(/\n/g, `\n${pad}`);
}

export class ChartRenderer {
  private readonly defines = new Map<string, Node[]>();

  private readonly functions: Record<string, (...args: Value[]) => Value> = {
    include: (name, dot) => this.renderNodes(this.defined(String(name)), { dot, vars: new Map([['$', dot]]) }),
    toYaml: (value) =>
      value === undefined || value === null ? '' : stringify(value, { lineWidth: 0 }).replace(/\n$/, ''),
    nindent: (spaces, value) => `\n${indentLines(Number(spaces), text(value))}`,
    indent: (spaces, value) => indentLines(Number(spaces), text(value)),
    quote: (...values) => values.map((value) => JSON.stringify(text(value))).join(' '),
    default: (fallback, value) => (truthy(value) ? value : fallback),
    required: (message, value) => {
      if (!truthy(value)) throw new TemplateError(String(message));
      return value;
    },
    printf: (format, ...args) => {
      let i = 0;
      return String(format).replace(/%[sdv]/g, () => text(args[i++]));
    },
    trunc: (length, value) => text(value).slice(0, Number(length)),
    trimSuffix: (suffix, value) =>
      text(value).endsWith(String(suffix)) ? text(value).slice(0, -String(suffix).length) : text(value),
    toString: (value: Value) => text(value),
    eq: (a, b) => a === b,
    ne: (a, b) => a !== b,
    not: (value) => !truthy(value),
    and: (...values) => values.reduce((acc, value) => (truthy(acc) ? value : acc)),
    or: (...values) => values.find((value) => truthy(value)) ?? values.at(-1),
  };

  private readonly files = new Map<string, Node[]>();

  /** Parses every file; `_*.tpl` files only define named templates. */
  constructor(files: Record<string, string>) {
    for (const [name, source] of Object.entries(files)) this.files.set(name, parse(source, this.defines));
  }

  /** Each non-helper file rendered with `root` as `.` and `$`. */
  render(root: Record<string, Value>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, nodes] of this.files) {
      if (/(^|\/)_[^/]*$/.test(name)) continue;
      out[name] = this.renderNodes(nodes, { dot: root, vars: new Map([['$', root]]) });
    }
    return out;
  }

  private defined(name: string): Node[] {
    const nodes = this.defines.get(name);
    if (!nodes) throw new TemplateError(`no template named "${name}"`);
    return nodes;
  }

  private renderNodes(nodes: Node[], scope: Scope): string {
    let out = '';
    for (const node of nodes) {
      switch (node.kind) {
        case 'text':
          out += node.text;
          break;
        case 'action': {
          const assign = /^(\$\w+)\s*:?=\s*([\s\S]+)$/.exec(node.pipeline);
          if (assign) scope.vars.set(assign[1], this.evaluate(assign[2], scope));
          else out += text(this.evaluate(node.pipeline, scope));
          break;
        }
        case 'if': {
          const branch = node.branches.find(({ cond }) => truthy(this.evaluate(cond, scope)));
          out += this.renderNodes(branch ? branch.body : node.otherwise, { dot: scope.dot, vars: new Map(scope.vars) });
          break;
        }
        case 'with': {
          const value = this.evaluate(node.pipeline, scope);
          out += truthy(value)
            ? this.renderNodes(node.body, { dot: value, vars: new Map(scope.vars) })
            : this.renderNodes(node.otherwise, { dot: scope.dot, vars: new Map(scope.vars) });
          break;
        }
        case 'range': {
          const value = this.evaluate(node.pipeline, scope);
          const entries: [Value, Value][] = Array.isArray(value)
            ? value.map((item, i) => [i, item])
            : value && typeof value === 'object'
              ? Object.keys(value)
                  .sort()
                  .map((key) => [key, (value as Record<string, Value>)[key]])
              : [];
          if (entries.length === 0)
            out += this.renderNodes(node.otherwise, { dot: scope.dot, vars: new Map(scope.vars) });
          for (const [key, item] of entries) {
            const vars = new Map(scope.vars);
            if (node.keyVar) vars.set(node.keyVar, key);
            if (node.valueVar) vars.set(node.valueVar, item);
            out += this.renderNodes(node.body, { dot: item, vars });
          }
          break;
        }
        case 'template':
          out += this.renderNodes(this.defined(node.name), {
            dot: node.pipeline ? this.evaluate(node.pipeline, scope) : undefined,
            vars: new Map([['$', scope.vars.get('$')]]),
          });
          break;
      }
    }
    return out;
  }

  private evaluate(pipeline: string, scope: Scope): Value {
    const tokens = tokenize(pipeline);
    let position = 0;

    const parsePipeline = (): Value => {
      let value: Value = undefined;
      let piped = false;
      for (;;) {
        value = parseCommand(piped, value);
        piped = true;
        if (tokens[position] !== '|') return value;
        position++;
      }
    };

    const parseOperand = (): Value => {
      const token = tokens[position++];
      if (token === undefined) throw new TemplateError(`unexpected end of "${pipeline}"`);
      if (token === '(') {
        const value = parsePipeline();
        if (tokens[position++] !== ')') throw new TemplateError(`missing ) in "${pipeline}"`);
        return value;
      }
      if (token.startsWith('"')) return stringLiteral(token);
      if (/^-?\d+(\.\d+)?$/.test(token)) return Number(token);
      if (token === 'true' || token === 'false') return token === 'true';
      if (token === 'nil') return undefined;
      if (token === '.') return scope.dot;
      if (token.startsWith('.')) return lookup(scope.dot, token.slice(1).split('.'));
      if (token.startsWith('$')) {
        const [name, ...path] = token.split('.');
        if (!scope.vars.has(name)) throw new TemplateError(`undefined variable ${name}`);
        return lookup(scope.vars.get(name), path);
      }
      throw new TemplateError(`"${token}" is not a value (functions take their arguments after them)`);
    };

    const parseCommand = (piped: boolean, input: Value): Value => {
      const head = tokens[position];
      if (head !== undefined && /^[A-Za-z]\w*$/.test(head) && !['true', 'false', 'nil'].includes(head)) {
        const fn = this.functions[head];
        if (!fn) throw new TemplateError(`function "${head}" is not supported by this renderer`);
        position++;
        const args: Value[] = [];
        while (position < tokens.length && tokens[position] !== '|' && tokens[position] !== ')')
          args.push(parseOperand());
        if (piped) args.push(input);
        return fn(...args);
      }
      if (piped) throw new TemplateError(`cannot pipe into a value in "${pipeline}"`);
      const value = parseOperand();
      if (position < tokens.length && tokens[position] !== '|' && tokens[position] !== ')')
        throw new TemplateError(`unexpected "${tokens[position]}" in "${pipeline}"`);
      return value;
    };

    const value = parsePipeline();
    if (position !== tokens.length) throw new TemplateError(`unexpected "${tokens[position]}" in "${pipeline}"`);
    return value;
  }
}

function tokenize(pipeline: string): string[] {
  const tokens: string[] = [];
  const pattern = /\s*("(?:[^"\\]|\\.)*"|[()|]|[^\s()|]+)/gy;
  let last = 0;
  for (let match = pattern.exec(pipeline); match; match = pattern.exec(pipeline)) {
    tokens.push(match[1]);
    last = pattern.lastIndex;
  }
  if (pipeline.slice(last).trim()) throw new TemplateError(`cannot read "${pipeline.slice(last)}" in "${pipeline}"`);
  return tokens;
}

function lookup(value: Value, path: string[]): Value {
  let current = value;
  for (const key of path) {
    if (key === '') continue;
    if (current === undefined || current === null) return undefined;
    if (typeof current !== 'object') throw new TemplateError(`cannot read .${key} of a ${typeof current}`);
    current = (current as Record<string, Value>)[key];
  }
  return current;
}
