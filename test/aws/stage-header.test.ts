/**
 * preflight, doctor and deploy name the stage they look at: the plan reads the `beanstack:stage` /
 * `beanstack:preset` stack tags of the cloud assembly's manifest, the report puts them in its header
 * line and its JSON.
 */
import * as fs from 'fs';
import * as path from 'path';
import { formatReport, reportJson } from '../../lib/aws/report';
import { readStackPlan } from '../../lib/aws/stack-plan';
import { AssemblyCopy, FULLSTACK } from '../review/helpers';

const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined);
const results = [{ id: 'account/identity', title: 'Identity', group: 'account', status: 'pass' as const, summary: 'ok' }];

describe('the stage in the preflight / doctor header', () => {
  it('the plan of the example\'s dev assembly says stage dev', () => {
    expect(readStackPlan(FULLSTACK, read).stage).toEqual({ stack: 'fullstack-dev', stage: 'dev', preset: 'dev' });
  });

  it('a stage with another preset: its tags name both', () => {
    const copy = new AssemblyCopy(FULLSTACK);
    const manifest = path.join(copy.dir, 'manifest.json');
    const m = JSON.parse(fs.readFileSync(manifest, 'utf8'));
    m.artifacts['fullstack-dev'].properties.tags = { 'beanstack:app': 'fullstack', 'beanstack:stage': 'staging', 'beanstack:preset': 'prod' };
    fs.writeFileSync(manifest, JSON.stringify(m));
    const plan = readStackPlan(copy.dir, read);
    expect(plan.stage).toEqual({ stack: 'fullstack-dev', stage: 'staging', preset: 'prod' });
    const report = { command: 'preflight', stackName: plan.stackName, stage: plan.stage, account: '123456789012', region: 'eu-west-1', results };
    expect(formatReport(report).split('\n')[0]).toBe('beanstack preflight: stage staging (prod preset), stack fullstack-dev in aws://123456789012/eu-west-1');
    expect(reportJson(report)).toMatchObject({ stage: 'staging', preset: 'prod', stack: 'fullstack-dev' });
  });

  it('a stack without the tags keeps the plain header', () => {
    const copy = new AssemblyCopy(FULLSTACK);
    const manifest = path.join(copy.dir, 'manifest.json');
    const m = JSON.parse(fs.readFileSync(manifest, 'utf8'));
    delete m.artifacts['fullstack-dev'].properties.tags;
    fs.writeFileSync(manifest, JSON.stringify(m));
    const plan = readStackPlan(copy.dir, read);
    expect(plan.stage).toBeUndefined();
    const report = { command: 'doctor', stackName: plan.stackName, stage: plan.stage, account: '123456789012', region: 'eu-west-1', results };
    expect(formatReport(report).split('\n')[0]).toBe('beanstack doctor: stack fullstack-dev in aws://123456789012/eu-west-1');
    expect(reportJson(report)).not.toHaveProperty('stage');
  });
});
