/**
 * How a subject is named (Confluent's strategies): `topic` = TopicNameStrategy (`<topic>-value`,
 * `<topic>-key`; the default, one schema per topic), `record` = RecordNameStrategy (the record's full
 * name, shared by every topic), `topic-record` = TopicRecordNameStrategy (`<topic>-<full name>`).
 */
export type SubjectNameStrategy = 'topic' | 'record' | 'topic-record';

export function subjectName(strategy: SubjectNameStrategy, topic: string, recordName: string, isKey: boolean): string {
  switch (strategy) {
    case 'topic':
      return `${topic}-${isKey ? 'key' : 'value'}`;
    case 'record':
      return recordName;
    case 'topic-record':
      return `${topic}-${recordName}`;
  }
}
