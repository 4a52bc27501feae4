import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface JavaRuntime {
  readonly bin: string;
  readonly major: number;
}

async function versionOf(bin: string): Promise<JavaRuntime | undefined> {
  try {
    const { stderr, stdout } = await run(bin, ['-version']);
    const match = /version "(\d+)(?:\.(\d+))?/.exec(stderr + stdout);
    if (match === null) return undefined;
    const first = Number(match[1]);
    // Java 8 and older report "1.8"; everything Apicurio needs reports its major first.
    return { bin, major: first === 1 ? Number(match[2] ?? 0) : first };
  } catch (error) {
    // A candidate that is missing or broken is just not a candidate; say so for whoever debugs it.
    if (process.env['CDC_STREAMS_DEBUG'] !== undefined) console.warn(`java candidate ${bin}: ${String(error)}`);
    return undefined;
  }
}

/**
 * The newest Java runtime among $JAVA_HOME, `java` on the PATH and /usr/lib/jvm/*: Apicurio 3.3 needs
 * Java 21+, while the machine's default `java` may be 17 (which the Kafka launcher uses).
 */
export async function findNewestJava(): Promise<JavaRuntime | undefined> {
  const candidates = ['java'];
  const javaHome = process.env['JAVA_HOME'];
  if (javaHome !== undefined && javaHome !== '') candidates.push(join(javaHome, 'bin', 'java'));
  const jvmDir = '/usr/lib/jvm';
  const entries = await readdir(jvmDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  for (const entry of entries) candidates.push(join(jvmDir, entry, 'bin', 'java'));
  const found = (await Promise.all(candidates.map(versionOf))).filter((java): java is JavaRuntime => java !== undefined);
  return found.sort((a, b) => b.major - a.major)[0];
}
