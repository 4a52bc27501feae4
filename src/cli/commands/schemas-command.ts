import { Command, InvalidArgumentError } from 'commander';
import { EXIT_FAILURE, type CommandContext } from '../program.js';
import {
  checkSchemaCompatibility,
  COMPATIBILITY_LEVELS,
  createSchemaRegistryClient,
  loadAvroSchemas,
  type CompatibilityLevel,
  type SubjectCompatibility,
} from '../../index.js';

function parseLevel(value: string): CompatibilityLevel {
  const level = COMPATIBILITY_LEVELS.find((known) => known === value.toUpperCase());
  if (level === undefined) throw new InvalidArgumentError(`must be one of ${COMPATIBILITY_LEVELS.join(', ')}`);
  return level;
}

function parseSubject(value: string, previous: Array<{ subject: string; typeName: string }>): Array<{ subject: string; typeName: string }> {
  const [subject, typeName] = value.split('=');
  if (subject === undefined || subject === '' || typeName === undefined || typeName === '') {
    throw new InvalidArgumentError('expected <subject>=<type>, e.g. sale.order-events-value=sale.OrderEvent');
  }
  return [...previous, { subject, typeName }];
}

/** One line per subject, then one per problem; what `schemas check` prints. */
export function formatCompatibilityReport(results: readonly SubjectCompatibility[], level: CompatibilityLevel): string {
  const lines: string[] = [];
  for (const result of results) {
    lines.push(`${result.subject} (${result.typeName}): ${result.status === 'new' ? 'not registered yet' : `${result.status} (${level})`}`);
    for (const problem of result.problems) {
      const where = problem.path === '' ? '' : `field ${problem.path} `;
      lines.push(`  ${problem.direction} vs version ${problem.version}: ${where}${problem.reason}`);
    }
    if (result.status !== 'new' && !result.registry.compatible) {
      lines.push(`  the registry also refuses it: ${result.registry.messages.join('; ') || 'no details given'}`);
    }
  }
  return lines.join('\n');
}

/** `cdc-streams schemas check`: are the local schemas compatible with what the registry holds? */
export function schemasCommand(context?: CommandContext): Command {
  const schemas = new Command('schemas').description('Avro schemas of the schemas/ folder and the schema registry');
  schemas
    .command('check')
    .description('report local schema changes that break compatibility with the registered versions')
    .option('--registry <url>', 'Confluent-compatible registry URL (default: $SCHEMA_REGISTRY_URL)')
    .option('--schemas <dir>', 'folder of .avsc files', 'schemas')
    .option('--level <level>', `compatibility level: ${COMPATIBILITY_LEVELS.join(', ')}`, parseLevel, 'BACKWARD' as CompatibilityLevel)
    .option('--subject <subject=type>', 'check this subject against this type (repeatable; default: every type under its full name)', parseSubject, [])
    .action(async (opts: { registry?: string; schemas: string; level: CompatibilityLevel; subject: Array<{ subject: string; typeName: string }> }) => {
      const url = opts.registry ?? process.env['SCHEMA_REGISTRY_URL'];
      if (url === undefined || url === '') schemas.error('no registry: pass --registry <url> or set SCHEMA_REGISTRY_URL');
      const catalog = await loadAvroSchemas(opts.schemas);
      const results = await checkSchemaCompatibility({
        client: createSchemaRegistryClient({ url: url ?? '' }),
        schemas: catalog,
        level: opts.level,
        ...(opts.subject.length > 0 ? { subjects: opts.subject } : {}),
      });
      const report = `${formatCompatibilityReport(results, opts.level)}\n`;
      if (context === undefined) process.stdout.write(report);
      else context.io.out(report);
      if (results.some((result) => result.status === 'incompatible')) {
        if (context === undefined) process.exitCode = 1;
        else context.setExitCode(EXIT_FAILURE);
      }
    });
  return schemas;
}

/** Registers `schemas check` with the CLI's output and exit-code handling. */
export function registerSchemasCommand(program: Command, context: CommandContext): void {
  program.addCommand(schemasCommand(context));
}
