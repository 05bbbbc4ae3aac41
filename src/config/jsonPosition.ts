/**
 * Locates the first syntax error in JSON text. V8's JSON.parse names a position for some errors
 * and only a snippet for others ("Unexpected token"), yet a config error must say where to look.
 */

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /[0-9a-fA-F]{4}/y;

/** Returns the offset of the first JSON syntax error in the text, or undefined when there is none. */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const fail = (): never => {
    throw new JsonSyntaxAt(i);
  };
  const skipSpace = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const expect = (c: string): void => {
    skipSpace();
    if (text[i] !== c) fail();
    i++;
  };
  const string = (): void => {
    i++;
    while (i < text.length) {
      const c = text[i] as string;
      if (c === '"') {
        i++;
        return;
      }
      if (c < ' ') fail();
      if (c === '\\') {
        i++;
        const e = text[i];
        if (e === 'u') {
          HEX4.lastIndex = i + 1;
          if (!HEX4.test(text)) fail();
          i += 4;
        } else if (e === undefined || !'"\\/bfnrt'.includes(e)) fail();
      }
      i++;
    }
    fail();
  };
  const items = (close: string, item: () => void): void => {
    i++;
    skipSpace();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      item();
      skipSpace();
      if (text[i] === close) {
        i++;
        return;
      }
      if (text[i] !== ',') fail();
      i++;
    }
  };
  const value = (): void => {
    skipSpace();
    const c = text[i];
    if (c === '{') {
      return items('}', () => {
        skipSpace();
        if (text[i] !== '"') fail();
        string();
        expect(':');
        value();
      });
    }
    if (c === '[') return items(']', value);
    if (c === '"') return string();
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return;
      }
    }
    NUMBER.lastIndex = i;
    if (!NUMBER.test(text)) fail();
    i = NUMBER.lastIndex;
  };

  try {
    value();
    skipSpace();
    if (i < text.length) fail();
    return undefined;
  } catch (e) {
    if (e instanceof JsonSyntaxAt) return e.offset;
    throw e;
  }
}

class JsonSyntaxAt {
  constructor(readonly offset: number) {}
}
