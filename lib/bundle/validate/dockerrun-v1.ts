/** Dockerrun.aws.json v1 (one container on the Docker platform). */
import { IssueList, describe, sortIssues, type ValidationIssue } from './issues';
import { arrayOf, isObject } from '../../util/json';
import { checkImage } from './references';
import { runSchema, versionIssue } from './schema';
import { validateDockerrunV2 } from './dockerrun-v2';

// ---- Dockerrun v1 -----------------------------------------------------------------------------

/** Every problem of a Dockerrun.aws.json v1 (single container) document, sorted by position. */
export function validateDockerrunV1(doc: unknown): ValidationIssue[] {
  const list = new IssueList();
  if (!isObject(doc)) {
    list.add([], 'dockerrun/not-an-object', `a Dockerrun.aws.json must be a JSON object, not ${describe(doc)}`);
    return list.items;
  }
  const version = versionIssue(doc, 1);
  if (version) list.items.push(version);
  list.items.push(...runSchema(doc, 1));
  if (isObject(doc.Image)) checkImage(list, ['Image', 'Name'], doc.Image.Name, 'Image');
  const ports = arrayOf(doc.Ports);
  if (ports.length > 1) {
    list.add(['Ports'], 'dockerrun/extra-ports', `Ports lists ${ports.length} ports, but Elastic Beanstalk's proxy forwards only to the first (${describe(isObject(ports[0]) ? ports[0].ContainerPort : undefined)}); the others are not reachable`, 'warning');
  }
  arrayOf(doc.Volumes).forEach((v, i) => {
    if (!isObject(v)) return;
    for (const key of ['HostDirectory', 'ContainerDirectory'] as const) {
      const p = v[key];
      if (typeof p === 'string' && p !== '' && !p.startsWith('/')) {
        list.add(['Volumes', i, key], 'dockerrun/relative-path', `${key} ${describe(p)} must be an absolute path${key === 'HostDirectory' ? ' (the bundle is unpacked to /var/app/current)' : ''}`);
      }
    }
  });
  if (typeof doc.Logging === 'string' && doc.Logging !== '' && !doc.Logging.startsWith('/')) {
    list.add(['Logging'], 'dockerrun/relative-path', `Logging ${describe(doc.Logging)} must be an absolute directory inside the container, e.g. /var/log/app`);
  }
  return sortIssues(list.items);
}

/**
 * Validates a Dockerrun document of either version, chosen by `AWSEBDockerrunVersion` (v2 when it is
 * 2 or "2", v1 when it is "1" or 1; an object without a usable version is checked as v2).
 */
export function validateDockerrun(doc: unknown): ValidationIssue[] {
  const v = isObject(doc) ? doc.AWSEBDockerrunVersion : undefined;
  if (v === '1' || v === 1) return validateDockerrunV1(doc);
  if (isObject(doc) && v !== 2 && v !== '2' && v !== undefined) {
    const list = new IssueList();
    list.add(
      ['AWSEBDockerrunVersion'],
      'dockerrun/version',
      `AWSEBDockerrunVersion ${describe(v)} is not supported; use 2 (the ECS platform, containerDefinitions) or "1" (a single container)${v === 3 || v === '3' ? '; version 3 only holds registry authentication next to a docker-compose.yml' : ''}`,
    );
    return list.items;
  }
  return validateDockerrunV2(doc);
}

