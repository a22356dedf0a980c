/**
 * The prop rules of `Database` as a table (aws-rds's `validateDatabaseInstanceProps` is the model),
 * and the one home of RDS's naming rules: `ComposeApplication` asks the same functions whether the
 * compose file's user and database names can be kept.
 */
import { checkRules, PropsRule } from './props';

/** Master user names RDS refuses, per engine. */
export const RESERVED_USERNAMES: Readonly<Record<'mysql' | 'mariadb' | 'postgres', readonly string[]>> = {
  mysql: ['rdsadmin', 'root'],
  mariadb: ['rdsadmin', 'root'],
  postgres: ['rdsadmin', 'rdsrepladmin', 'rds_superuser'],
};

/** Whether RDS accepts `username` as the master user of `engine`: a letter, then up to 15 letters, digits or underscores, not reserved. */
export function isValidMasterUsername(engine: keyof typeof RESERVED_USERNAMES, username: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_]{0,15}$/.test(username) && !RESERVED_USERNAMES[engine].includes(username.toLowerCase());
}

/** Whether RDS accepts `name` as the initial database name: a letter, then up to 62 letters, digits or underscores. */
export function isValidDatabaseName(name: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(name);
}

/** The props the rules read, with their defaults applied. */
export interface ResolvedDatabaseProps {
  readonly engine: keyof typeof RESERVED_USERNAMES;
  readonly databaseName: string;
  readonly username: string;
  readonly port: number;
  readonly allocatedStorageGiB: number;
  readonly maxAllocatedStorageGiB: number;
  readonly backupRetentionDays: number;
  readonly parameters: Readonly<Record<string, unknown>>;
}

/** The rules, in the order they are checked. */
export function databaseRules(p: ResolvedDatabaseProps): PropsRule[] {
  const badParameter = Object.keys(p.parameters).find((name) => !/^[A-Za-z0-9_.]+$/.test(name) || typeof p.parameters[name] !== 'string' || p.parameters[name] === '');
  const badValue = badParameter !== undefined && (typeof p.parameters[badParameter] !== 'string' || p.parameters[badParameter] === '');
  return [
    {
      condition: !isValidDatabaseName(p.databaseName),
      message: `\`databaseName\` '${p.databaseName}' is not a valid database name; use a letter followed by up to 62 letters, digits or underscores`,
    },
    {
      condition: !isValidMasterUsername(p.engine, p.username),
      message: `\`username\` '${p.username}' cannot be the master user of ${p.engine}; use a letter followed by up to 15 letters, digits or underscores, not one of ${RESERVED_USERNAMES[p.engine].join(', ')}`,
    },
    {
      condition: !Number.isInteger(p.port) || p.port < 1150 || p.port > 65535,
      message: `\`port\` (${p.port}) is outside the range RDS accepts; use a port from 1150 to 65535`,
    },
    {
      condition: !Number.isInteger(p.allocatedStorageGiB) || p.allocatedStorageGiB < 20,
      message: `\`allocatedStorageGiB\` (${p.allocatedStorageGiB}) must be an integer of at least 20 (the gp3 minimum)`,
    },
    {
      condition: p.maxAllocatedStorageGiB < p.allocatedStorageGiB,
      message: `\`maxAllocatedStorageGiB\` (${p.maxAllocatedStorageGiB}) must not be below \`allocatedStorageGiB\` (${p.allocatedStorageGiB})`,
    },
    {
      condition: !Number.isInteger(p.backupRetentionDays) || p.backupRetentionDays < 1 || p.backupRetentionDays > 35,
      message: `\`backupRetentionDays\` (${p.backupRetentionDays}) must be from 1 to 35; automated backups cannot be turned off`,
    },
    {
      condition: badParameter !== undefined,
      message: `\`parameters\` entry '${badParameter}': ${badValue ? 'the value must be a non-empty string' : 'a parameter name has only letters, digits, _ and .'}; write e.g. { max_connections: '200' }`,
    },
  ];
}

/** Throws the `propsError` of the first rule that the props break. */
export function validateDatabaseProps(p: ResolvedDatabaseProps): void {
  checkRules(databaseRules(p));
}
