/**
 * A database service's own server settings — a `my.cnf` its Dockerfile copies or a mount puts into
 * `/etc/mysql/…`, `mysqld --flag=value` / `postgres -c name=value` in its command — carried to Amazon
 * RDS as DB parameter group parameters where RDS lets them be set, and reported where it does not.
 * Pure: the caller reads the files.
 */
import type { DatabaseEngine } from '../types';
import { RDS_MANAGED_PARAMETERS, RDS_PARAMETERS } from '../keys';

/** Where the official MySQL / MariaDB images read server option files. */
export const MYSQL_OPTION_PATHS: readonly string[] = [
  '/etc/mysql/conf.d', '/etc/mysql/mysql.conf.d', '/etc/mysql/mariadb.conf.d', '/etc/mysql/my.cnf', '/etc/my.cnf', '/etc/my.cnf.d',
];

/** Option file sections the server reads (`[client]`, `[mysql]` are the command-line client's). */
const SERVER_SECTIONS = /^(mysqld|server|mariadb|mariadbd|mysqld-\d[\d.]*|mariadb-\d[\d.]*|mysqld_safe)$/i;

/** One server setting, with where it was written. */
export interface DatabaseSetting {
  readonly name: string;
  readonly value: string;
  /** `mysql/my.cnf:3`, `command`. */
  readonly where: string;
  readonly line?: number;
}

/** `[mysqld]` settings of a MySQL option file (`key = value`, bare `key` = ON; dashes read as underscores). */
export function parseMysqlOptionFile(text: string, where: string): DatabaseSetting[] {
  const out: DatabaseSetting[] = [];
  let server = false;
  text.replace(/\r\n?/g, '\n').split('\n').forEach((raw, i) => {
    const line = raw.replace(/(^|\s)[#;].*$/, '').trim();
    if (line === '') return;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      server = SERVER_SECTIONS.test(section[1].trim());
      return;
    }
    if (!server || line.startsWith('!')) return;
    const m = /^([A-Za-z0-9_.-]+)\s*(?:=\s*(.*))?$/.exec(line);
    if (!m) return;
    const name = m[1].replace(/-/g, '_').toLowerCase();
    const value = (m[2] ?? 'ON').trim().replace(/^(["'])(.*)\1$/, '$2');
    out.push({ name: name.startsWith('loose_') ? name.slice('loose_'.length) : name, value, where: `${where}:${i + 1}`, line: i + 1 });
  });
  return out;
}

/** Server settings given on the command line: `mysqld --name=value`, `postgres -c name=value`. */
export function commandSettings(engine: DatabaseEngine, command: readonly string[]): DatabaseSetting[] {
  const out: DatabaseSetting[] = [];
  for (let i = 0; i < command.length; i++) {
    const a = command[i];
    if (engine === 'postgres') {
      const pair = a === '-c' ? command[++i] : a.startsWith('-c') && a.length > 2 ? a.slice(2) : a.startsWith('--') && a.includes('=') ? a.slice(2) : undefined;
      const m = pair !== undefined ? /^([A-Za-z0-9_.]+)=(.*)$/.exec(pair) : null;
      if (m) out.push({ name: m[1].replace(/-/g, '_').toLowerCase(), value: m[2], where: 'command' });
    } else {
      const m = /^--([A-Za-z0-9_-]+)(?:=(.*))?$/.exec(a);
      if (m) out.push({ name: m[1].replace(/-/g, '_').toLowerCase(), value: m[2] ?? 'ON', where: 'command' });
    }
  }
  return out;
}

/** `postgresql.conf` settings (`name = value`, `#` comments). */
export function parsePostgresConf(text: string, where: string): DatabaseSetting[] {
  const out: DatabaseSetting[] = [];
  text.replace(/\r\n?/g, '\n').split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    const m = /^([A-Za-z0-9_.]+)\s*=?\s*(.+)$/.exec(line);
    if (m) out.push({ name: m[1].toLowerCase(), value: m[2].trim().replace(/^'(.*)'$/, '$1'), where: `${where}:${i + 1}`, line: i + 1 });
  });
  return out;
}

export interface ParameterPlan {
  /** What the DB parameter group sets, by name, sorted. */
  readonly parameters: Readonly<Record<string, string>>;
  /** Settings RDS decides itself (data directory, port, TLS files…): dropped. */
  readonly managed: readonly DatabaseSetting[];
  /** Settings beanstack does not know RDS to accept: dropped, the user decides. */
  readonly unknown: readonly DatabaseSetting[];
}

/** Sorts settings into the parameter group, RDS-managed ones and unknown ones; a later setting wins. */
export function planParameters(engine: DatabaseEngine, settings: readonly DatabaseSetting[]): ParameterPlan {
  const family = engine === 'postgres' ? 'postgres' : 'mysql';
  const allowed = RDS_PARAMETERS[family];
  const managed = RDS_MANAGED_PARAMETERS[family];
  const parameters: Record<string, string> = {};
  const dropped: DatabaseSetting[] = [];
  const unknown: DatabaseSetting[] = [];
  for (const s of settings) {
    if (allowed.includes(s.name)) parameters[s.name] = s.value;
    else if (managed.includes(s.name)) dropped.push(s);
    else unknown.push(s);
  }
  const sorted: Record<string, string> = {};
  for (const k of Object.keys(parameters).sort()) sorted[k] = parameters[k];
  return { parameters: sorted, managed: dropped, unknown };
}
