import { csvRecords } from './access-log.csv.js';

describe('csvRecords', () => {
  it('writes CRLF records with empty nulls and booleans as words', () => {
    expect(csvRecords([['a', 1, true, false, null, '']])).toBe('a,1,true,false,,\r\n');
  });

  it('quotes quotes, commas and line breaks', () => {
    expect(csvRecords([['a "b"', 'c,d', 'e\nf', 'g\rh']])).toBe('"a ""b""","c,d","e\nf","g\rh"\r\n');
  });

  it('defuses text a spreadsheet would run as a formula, but not negative numbers', () => {
    expect(csvRecords([['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\uFF1D1', -1]])).toBe(
      "'=1+1,'+1,'-1,'@SUM(A1),'\tx,'\uFF1D1,-1\r\n",
    );
  });
});
