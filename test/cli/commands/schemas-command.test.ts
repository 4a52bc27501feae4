import { describe, expect, it } from 'vitest';
import { formatCompatibilityReport, schemasCommand } from '../../../src/cli/commands/schemas-command.js';

describe('schemas command', () => {
  it('prints one line per subject and one per breaking field', () => {
    const text = formatCompatibilityReport(
      [
        {
          subject: 'sale.order-events-value',
          typeName: 'sale.OrderEvent',
          status: 'incompatible',
          problems: [{ version: 3, direction: 'backward', path: 'payment.amount', reason: 'string cannot be read as bytes' }],
          registry: { compatible: true, messages: [] },
        },
        { subject: 'sale.Payment', typeName: 'sale.Payment', status: 'new', problems: [], registry: { compatible: true, messages: [] } },
      ],
      'BACKWARD',
    );
    expect(text.split('\n')).toEqual([
      'sale.order-events-value (sale.OrderEvent): incompatible (BACKWARD)',
      '  backward vs version 3: field payment.amount string cannot be read as bytes',
      'sale.Payment (sale.Payment): not registered yet',
    ]);
  });

  it('rejects an unknown --level before contacting anything', async () => {
    const command = schemasCommand().exitOverride();
    for (const sub of command.commands) sub.exitOverride().configureOutput({ writeErr: () => undefined });
    await expect(command.parseAsync(['check', '--registry', 'http://127.0.0.1:9', '--level', 'sideways'], { from: 'user' })).rejects.toThrow(
      /must be one of BACKWARD/,
    );
  });
});
