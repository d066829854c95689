import { describe, expect, it } from 'vitest';
import { mergeRequests } from '../../src/schedule/run-queue.ts';

describe('merging a request into the queued one', () => {
  it.each([
    ['incremental + incremental', { full: false, scope: null }, { full: false, scope: null }, { full: false, scope: null }],
    ['incremental + full', { full: false, scope: null }, { full: true, scope: null }, { full: true, scope: null }],
    ['full + incremental', { full: true, scope: null }, { full: false, scope: null }, { full: true, scope: null }],
    ['same school twice', { full: true, scope: { school: 's1' } }, { full: true, scope: { school: 's1' } }, { full: true, scope: { school: 's1' } }],
    ['two schools', { full: true, scope: { school: 's1' } }, { full: true, scope: { school: 's2' } }, { full: true, scope: null }],
    ['a school and a section', { full: true, scope: { school: 's1' } }, { full: true, scope: { section: 'c1' } }, { full: true, scope: null }],
    ['scheduled + scoped full', { full: false, scope: null }, { full: true, scope: { teacher: 't@x.org' } }, { full: true, scope: null }],
  ])('%s', (_name, queued, incoming, expected) => {
    expect(mergeRequests(queued, incoming)).toEqual(expected);
  });
});
