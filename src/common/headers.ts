/** Kafka record headers as cdc-streams passes them around: a value is bytes or a UTF-8 string. */
export type Headers = { [key: string]: Buffer | string | undefined };
