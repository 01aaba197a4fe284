import { describe, it } from 'node:test';
import { expect } from 'expect';
import { ChartRenderer, TemplateError } from './helm-template';

function render(template: string, values: Record<string, unknown> = {}, helpers = ''): string {
  return new ChartRenderer({ '_helpers.tpl': helpers, 'x.yaml': template }).render({
    Values: values,
    Release: { Name: 'r' },
  })['x.yaml'];
}

describe(ChartRenderer.name, () => {
  it('prints values and trims whitespace on the side of a dash', () => {
    expect(render('a: {{ .Values.a }}\nb:   {{- .Values.b }}\n{{- /* gone */}}\nc', { a: 1, b: 'x' })).toBe(
      'a: 1\nb:x\nc',
    );
  });

  it('takes the first true branch of if / else if / else, with Go truth', () => {
    const template = '{{ if .Values.a }}A{{ else if .Values.b }}B{{ else }}C{{ end }}';
    expect(render(template, { a: [1] })).toBe('A');
    expect(render(template, { a: [], b: 'yes' })).toBe('B');
    expect(render(template, { a: {}, b: '' })).toBe('C');
    expect(render('{{ if not .Values.off }}on{{ end }}', { off: false })).toBe('on');
  });

  it('ranges over maps in key order with $key, $value and over lists with .', () => {
    expect(render('{{- range $k, $v := .Values.m }}{{ $k }}={{ $v | quote }};{{ end }}', { m: { b: 2, a: 'x' } })).toBe(
      'a="x";b="2";',
    );
    expect(render('{{ range .Values.l }}[{{ . }}]{{ else }}none{{ end }}', { l: [1, 2] })).toBe('[1][2]');
    expect(render('{{ range .Values.l }}[{{ . }}]{{ else }}none{{ end }}', { l: [] })).toBe('none');
  });

  it('includes defined templates with a context and indents YAML through pipelines', () => {
    const helpers =
      '{{- define "name" -}}{{ printf "%s-%s" .Release.Name "app" | trunc 5 | trimSuffix "-" }}{{- end -}}';
    expect(render('n: {{ include "name" . }}', {}, helpers)).toBe('n: r-app');
    expect(render('x:{{ toYaml .Values.r | nindent 2 }}', { r: { limits: { cpu: '1' } } })).toBe(
      'x:\n  limits:\n    cpu: "1"',
    );
    expect(render('{{ with .Values.w }}w={{ .k }}{{ end }}', { w: { k: 'v' } })).toBe('w=v');
    expect(render('{{ .Values.t | default "fallback" }}', { t: '' })).toBe('fallback');
    expect(render('{{ $x := .Values.a }}{{ $x }}{{ $.Values.a }}', { a: 'q' })).toBe('qq');
  });

  it('throws on what it does not support, and on required values that are missing', () => {
    expect(() => render('{{ .Values.a | b64enc }}', { a: 'x' })).toThrow(TemplateError);
    expect(() => render('{{ if .Values.a }}open', { a: 1 })).toThrow(/not closed/);
    expect(() => render('{{ required "name it" .Values.a }}', {})).toThrow(/name it/);
    expect(() => render('{{ .Values.m }}', { m: { a: 1 } })).toThrow(/toYaml/);
  });
});
