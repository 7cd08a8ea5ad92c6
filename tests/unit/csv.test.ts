// CSV export: RFC 4180 quoting, and formulas defused without touching numbers.
import { describe, expect, test } from 'vitest';
import { csvCell, toCsv } from '../../src/ui/export/csv.ts';

describe('csv', () => {
  test('quotes what needs quoting, doubles quotes, ends rows with CRLF', () => {
    expect(
      toCsv([
        ['name', 'value'],
        ['a,b', 'say "hi"'],
        ['two\nlines', 3],
      ]),
    ).toBe('name,value\r\n"a,b","say ""hi"""\r\n"two\nlines",3\r\n');
  });

  test('defuses formulas, keeps numbers', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('+1+1 cmd')).toBe("'+1+1 cmd");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('-0.25')).toBe('-0.25');
    expect(csvCell('-1.5e-3')).toBe('-1.5e-3');
    expect(csvCell('+12%')).toBe('+12%');
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(null)).toBe('');
  });
});
