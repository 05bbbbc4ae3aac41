import { describe, expect, it } from 'vitest';
import { jsonErrorOffset } from '../../src/config/jsonPosition.ts';

describe('jsonErrorOffset', () => {
  it.each([
    ['{}'],
    [' { "a" : [1, -2.5e3, true, false, null, "x\\"\\u00e9\\n"] , "b": {} } \n'],
    ['[]'],
    ['"s"'],
    ['0'],
  ])('finds no error in valid JSON %j', (text) => {
    expect(() => JSON.parse(text)).not.toThrow();
    expect(jsonErrorOffset(text)).toBeUndefined();
  });

  it.each([
    ['{"a": }', 6],
    ['{"a" 1}', 5],
    ['{"a": 1,}', 8],
    ['[1, 2,]', 6],
    ["{'a': 1}", 1],
    ['{"a": 01}', 7],
    ['{"a": tru}', 6],
    ['{"a": "x\\q"}', 9],
    ['{"a": "\\u12G4"}', 8],
    ['{"a": 1} x', 9],
    ['{"a": 1', 7],
    ['', 0],
    ['{"a": "line\nbreak"}', 11],
  ])('locates the error in %j at %i', (text, offset) => {
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(jsonErrorOffset(text)).toBe(offset);
  });
});
