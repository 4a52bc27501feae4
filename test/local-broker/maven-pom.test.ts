import { describe, expect, it } from 'vitest';
import { renderKafkaPom } from '../../src/local-broker/maven-pom.js';

describe('renderKafkaPom', () => {
  it('depends on kafka_2.13 3.9.1 and the slf4j-reload4j binding the broker logs through', () => {
    const pom = renderKafkaPom();
    expect(pom).toMatch(/<artifactId>kafka_2\.13<\/artifactId>\s*<version>3\.9\.1<\/version>/);
    expect(pom).toMatch(/<artifactId>slf4j-reload4j<\/artifactId>\s*<version>1\.7\.36<\/version>/);
  });
});
