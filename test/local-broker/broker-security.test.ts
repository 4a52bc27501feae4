import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/common/errors.js';
import { scramFormatArgs, validateSecurity } from '../../src/local-broker/broker-security.js';

describe('validateSecurity', () => {
  it('accepts SCRAM users, mutual TLS, or both', () => {
    expect(() => validateSecurity({ scramUsers: [{ username: 'app', password: 'p-1' }] })).not.toThrow();
    expect(() => validateSecurity({ mutualTls: true })).not.toThrow();
    expect(() => validateSecurity({ scramUsers: [{ username: 'a', password: 'b' }], mutualTls: true })).not.toThrow();
  });

  it('refuses a secured broker with nothing secured', () => {
    expect(() => validateSecurity({})).toThrow(ConfigError);
    expect(() => validateSecurity({ scramUsers: [], mutualTls: false })).toThrow(/needs SCRAM users .* mutual TLS/);
  });

  it('refuses names and passwords the storage tool would misread, naming the user', () => {
    expect(() => validateSecurity({ scramUsers: [{ username: 'a,b', password: 'x' }] })).toThrow("SCRAM user name 'a,b'");
    expect(() => validateSecurity({ scramUsers: [{ username: 'app', password: 'p]w' }] })).toThrow("the password of SCRAM user 'app'");
    expect(() => validateSecurity({ scramUsers: [{ username: 'app', password: '' }] })).toThrow(ConfigError);
  });

  it('refuses the same user twice', () => {
    expect(() => validateSecurity({ scramUsers: [{ username: 'app', password: 'a' }, { username: 'app', password: 'b' }] })).toThrow(
      "SCRAM user 'app' is given twice",
    );
  });
});

describe('scramFormatArgs', () => {
  it('creates every user for SCRAM-SHA-256 and SCRAM-SHA-512', () => {
    expect(scramFormatArgs([{ username: 'app', password: 's3cret' }, { username: 'ops', password: 'x' }])).toEqual([
      '--add-scram', 'SCRAM-SHA-256=[name=app,password=s3cret]',
      '--add-scram', 'SCRAM-SHA-512=[name=app,password=s3cret]',
      '--add-scram', 'SCRAM-SHA-256=[name=ops,password=x]',
      '--add-scram', 'SCRAM-SHA-512=[name=ops,password=x]',
    ]);
  });

  it('adds nothing without users', () => {
    expect(scramFormatArgs([])).toEqual([]);
  });
});
