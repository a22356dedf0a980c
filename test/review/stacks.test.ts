/**
 * Every stack of the assembly: stacks added and removed, and stacks inside nested assemblies (CDK
 * stages).
 */
import * as fs from 'fs';
import * as path from 'path';
import { FULLSTACK, review, tmpDir } from './helpers';
import { renderText } from '../../lib/review';

/** An assembly holding the example stack inside a stage `Prod` (a nested cloud assembly). */
function staged(): string {
  const dir = path.join(tmpDir(), 'cdk.out');
  const nested = path.join(dir, 'assembly-Prod');
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(FULLSTACK, nested, { recursive: true });
  const m = JSON.parse(fs.readFileSync(path.join(nested, 'manifest.json'), 'utf8'));
  m.artifacts['fullstack-dev'].displayName = 'Prod/fullstack-dev';
  m.artifacts['fullstack-dev'].properties.stackName = 'Prod-fullstack-dev';
  fs.writeFileSync(path.join(nested, 'manifest.json'), JSON.stringify(m));
  fs.writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({ version: '55.0.0', artifacts: { 'assembly-Prod': { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Prod', displayName: 'Prod' } } } }),
  );
  return dir;
}

describe('stacks', () => {
  it('a stack removed from the app deletes its database (data loss) and its environment (downtime), a new one is not alarmed', () => {
    const empty = path.join(tmpDir(), 'cdk.out');
    fs.mkdirSync(empty);
    fs.writeFileSync(path.join(empty, 'manifest.json'), JSON.stringify({ version: '55.0.0', artifacts: {} }));
    fs.writeFileSync(path.join(empty, 'validation-report.json'), JSON.stringify({ version: '55.0.0', pluginReports: [] }));

    const removed = review(FULLSTACK, empty);
    expect(removed.stacks.map((s) => [s.name, s.status])).toEqual([['fullstack-dev', 'removed']]);
    expect(removed.classes).toEqual(['data-loss', 'downtime']);
    expect(removed.notes.filter((n) => n.class === 'data-loss').map((n) => n.resourceType).sort()).toEqual(['AWS::RDS::DBInstance', 'AWS::SecretsManager::Secret']);
    expect(removed.cost.head.monthly).toBe(0);

    const added = review(empty, FULLSTACK);
    expect(added.stacks.map((s) => [s.name, s.status])).toEqual([['fullstack-dev', 'added']]);
    expect(added.classes).toEqual([]);
    expect(added.stacks[0].counts.add).toBeGreaterThan(30);
    // CDK bookkeeping is not shown as a change
    const text = renderText(added);
    expect(text).not.toMatch(/AWS::CDK::Metadata|BootstrapVersion|CheckBootstrapVersion/);
  });

  it('stacks of nested assemblies (stages) are found and diffed', () => {
    const base = staged();
    const head = staged();
    const tpl = path.join(head, 'assembly-Prod', 'fullstack-dev.template.json');
    const t = JSON.parse(fs.readFileSync(tpl, 'utf8'));
    t.Resources.AppDatabasesmysqlInstance9D393F6F.Properties.DBInstanceIdentifier = 'shop';
    fs.writeFileSync(tpl, JSON.stringify(t));
    const r = review(base, head);
    expect(r.stacks.map((s) => s.name)).toEqual(['Prod/fullstack-dev']);
    expect(r.classes).toEqual(['data-loss']);
    expect(r.notes[0].stack).toBe('Prod/fullstack-dev');
  });
});
