/**
 * MySQL character set names → a decoder for STRING values' `bv` bytes. Decoding is strict: bytes that
 * are not valid in the declared charset are an error, never silently replaced.
 */
export type CharsetDecoder = (bytes: Buffer) => string;

// MySQL names → WHATWG encoding labels. MySQL's `latin1` is really cp1252, which is also what the
// WHATWG `latin1` label means. MySQL `utf16` is big-endian.
const WHATWG_LABEL_OF_MYSQL_CHARSET: Readonly<Record<string, string>> = {
  utf8: 'utf-8',
  utf8mb3: 'utf-8',
  utf8mb4: 'utf-8',
  latin1: 'windows-1252',
  cp1252: 'windows-1252',
  gbk: 'gbk',
  gb2312: 'gbk',
  gb18030: 'gb18030',
  big5: 'big5',
  sjis: 'shift_jis',
  cp932: 'shift_jis',
  ujis: 'euc-jp',
  eucjpms: 'euc-jp',
  euckr: 'euc-kr',
  latin2: 'iso-8859-2',
  greek: 'iso-8859-7',
  hebrew: 'iso-8859-8',
  latin5: 'windows-1254',
  latin7: 'iso-8859-13',
  cp1250: 'windows-1250',
  cp1251: 'windows-1251',
  cp1256: 'windows-1256',
  cp1257: 'windows-1257',
  koi8r: 'koi8-r',
  koi8u: 'koi8-u',
  utf16: 'utf-16be',
  utf16le: 'utf-16le',
};

const decoders = new Map<string, CharsetDecoder>();

/**
 * The decoder for a MySQL charset name (case-insensitive; empty means utf8), or undefined when the
 * charset is unknown. `ascii` is checked to be 7-bit.
 */
export function charsetDecoder(charset: string): CharsetDecoder | undefined {
  const name = charset === '' ? 'utf8' : charset.toLowerCase();
  const cached = decoders.get(name);
  if (cached !== undefined) return cached;
  const decoder = createDecoder(name);
  if (decoder !== undefined) decoders.set(name, decoder);
  return decoder;
}

function createDecoder(name: string): CharsetDecoder | undefined {
  if (name === 'ascii') return decodeAscii;
  const label = WHATWG_LABEL_OF_MYSQL_CHARSET[name];
  if (label === undefined) return undefined;
  const text = new TextDecoder(label, { fatal: true, ignoreBOM: true });
  return (bytes) => text.decode(bytes);
}

function decodeAscii(bytes: Buffer): string {
  if (!isAscii(bytes)) throw new TypeError('bytes above 0x7f in an ascii string');
  return bytes.toString('latin1');
}

function isAscii(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) {
    if ((bytes[i] as number) > 0x7f) return false;
  }
  return true;
}
