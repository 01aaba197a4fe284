import { describe, it } from 'node:test';
import { expect } from 'expect';
import { defineErrors, DomainException } from './define-errors';
import { ProblemException } from './problem.exception';
import { declaredProblems } from './problem.registry';
import { toProblem } from './to-problem';

const widgets = defineErrors('widgets', {
  WidgetNotFound: { code: 'widget_not_found', status: 404, title: 'Widget not found' },
  WidgetLocked: {
    code: 'widget_locked',
    status: 401,
    title: 'Widget locked',
    headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
  },
});
const WidgetErrorCode = widgets.codes;
class WidgetsException extends widgets.Exception {}

describe(defineErrors.name, () => {
  it('gives the codes by name, as the enum it replaces did', () => {
    expect(WidgetErrorCode).toEqual({ WidgetNotFound: 'widget_not_found', WidgetLocked: 'widget_locked' });
    expect(Object.isFrozen(WidgetErrorCode)).toBe(true);
  });

  it('makes an exception answered with its code, status, title and type URI', () => {
    const sut = new WidgetsException(WidgetErrorCode.WidgetNotFound, 'No widget 7.');
    expect(sut).toBeInstanceOf(WidgetsException);
    expect(sut).toBeInstanceOf(DomainException);
    expect(sut).toBeInstanceOf(ProblemException);
    expect(sut.name).toBe('WidgetsException');
    expect(sut.code).toBe('widget_not_found');
    expect(sut.message).toBe('No widget 7.');
    expect(sut.status).toBe(404);
    expect(toProblem(sut, 'req-1', '/v1/widgets/7')).toEqual({
      body: {
        type: 'https://helpdeskly.dev/problems/widget-not-found',
        title: 'Widget not found',
        status: 404,
        detail: 'No widget 7.',
        instance: '/v1/widgets/7',
        code: 'widget_not_found',
        requestId: 'req-1',
      },
      headers: {},
      serverError: false,
    });
  });

  it("sends the code's own headers, with a throw site's added over them", () => {
    expect(toProblem(new WidgetsException(WidgetErrorCode.WidgetLocked), 'r').headers).toEqual({
      'www-authenticate': 'Bearer error="invalid_token"',
    });
    const sut = new WidgetsException(WidgetErrorCode.WidgetLocked, undefined, {
      headers: { 'www-authenticate': 'Bearer error="invalid_request"', 'retry-after': '3' },
    });
    expect(toProblem(sut, 'r').headers).toEqual({
      'www-authenticate': 'Bearer error="invalid_request"',
      'retry-after': '3',
    });
    expect(sut.message).toBe('Widget locked');
  });

  it('renders field errors and extensions, and keeps a cause for the log only', () => {
    const cause = new Error('redis said no');
    const sut = new WidgetsException(WidgetErrorCode.WidgetNotFound, 'Gone.', {
      errors: [{ field: 'params.id', message: 'no such widget' }],
      extensions: { widgetId: 7 },
      cause,
    });
    expect(sut.cause).toBe(cause);
    const { body } = toProblem(sut, 'r');
    expect(body).toMatchObject({ widgetId: 7, errors: [{ field: 'params.id', message: 'no such widget' }] });
    expect(JSON.stringify(body)).not.toContain('redis said no');
    expect('cause' in new WidgetsException(WidgetErrorCode.WidgetNotFound)).toBe(false);
  });

  it('lets a domain keep a constructor of its own', () => {
    class GadgetException
      extends defineErrors('gadgets', {
        Overheated: { code: 'gadget_overheated', status: 503, title: 'Gadget overheated' },
      }).Exception
    {
      constructor(readonly celsius: number) {
        super('gadget_overheated', `At ${celsius} °C.`, { headers: { 'retry-after': '60' } });
      }
    }
    const { body, headers } = toProblem(new GadgetException(90), 'r');
    expect(body).toMatchObject({ status: 503, code: 'gadget_overheated', detail: 'At 90 °C.' });
    expect(headers).toEqual({ 'retry-after': '60' });
  });

  it('records every declared code with its status and domain', () => {
    expect(declaredProblems('widget_not_found')).toEqual([
      { domain: 'widgets', code: 'widget_not_found', status: 404, title: 'Widget not found' },
    ]);
    expect(declaredProblems()).toEqual(
      expect.arrayContaining([expect.objectContaining({ domain: 'widgets', code: 'widget_locked', status: 401 })]),
    );
    expect(declaredProblems('never_declared')).toEqual([]);
  });

  it('refuses a table that declares a code twice', () => {
    expect(() =>
      defineErrors('doubles', {
        One: { code: 'double_code', status: 409, title: 'One' },
        Two: { code: 'double_code', status: 422, title: 'Two' },
      }),
    ).toThrow(/double_code twice/);
  });
});
