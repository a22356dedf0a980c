/**
 * The price table and the estimate's edge cases.
 */
import { estimateCost, formatDelta, PRICE_TABLE } from '../../lib/review/cost';
import type { Assembly } from '../../lib/review';

function assembly(region: string | undefined, resources: Record<string, unknown>): Assembly {
  return {
    directory: '/x',
    stacks: [{ id: 'S', displayName: 'S', ...(region ? { region } : {}), template: { Resources: resources as never }, templateFile: 'S.template.json', paths: {} }],
    fileAssets: [],
    imageAssets: [],
  };
}

const ENV = (type: string, extra: object[] = []) => ({
  Type: 'AWS::ElasticBeanstalk::Environment',
  Properties: {
    OptionSettings: [{ Namespace: 'aws:ec2:instances', OptionName: 'InstanceTypes', Value: type }, { Namespace: 'aws:elasticbeanstalk:environment', OptionName: 'EnvironmentType', Value: 'SingleInstance' }, ...extra],
  },
});

describe('price table', () => {
  it('has a date, a source and the same items in every region, all positive', () => {
    expect(PRICE_TABLE.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(PRICE_TABLE.source.length).toBeGreaterThan(40);
    const regions = Object.keys(PRICE_TABLE.regions);
    expect(regions).toEqual(expect.arrayContaining(['us-east-1', 'eu-west-1', 'eu-central-1', 'ap-southeast-1']));
    const shape = (r: string) => JSON.stringify(PRICE_TABLE.regions[r], (_k, v) => (typeof v === 'number' ? 0 : v));
    for (const r of regions) {
      expect(shape(r)).toBe(shape('us-east-1'));
      JSON.stringify(PRICE_TABLE.regions[r], (_k, v) => {
        if (typeof v === 'number') expect(v).toBeGreaterThan(0);
        return v;
      });
    }
  });
});

describe('estimateCost', () => {
  it('prices an environment per region and reports the delta', () => {
    const c = estimateCost(assembly('us-east-1', { E: ENV('t3.small') }), assembly('us-east-1', { E: ENV('t3.large') }));
    expect(c.delta).toBeCloseTo((0.0832 - 0.0208) * 730, 1);
    expect(c.regions).toEqual(['us-east-1']);
    expect(formatDelta(c.delta)).toMatch(/^\+\$45\.5\d\/month$/);
  });

  it('an unknown instance type is listed as not priced, not guessed', () => {
    const c = estimateCost(undefined, assembly('eu-west-1', { E: ENV('x9.huge') }));
    expect(c.head.unpriced).toEqual(['S/E: instance type x9.huge']);
    expect(c.head.lines.some((l) => l.item.includes('instances'))).toBe(false);
  });

  it('a region outside the table is priced as the default region, and says so', () => {
    const c = estimateCost(undefined, assembly('sa-east-1', { N: { Type: 'AWS::EC2::NatGateway', Properties: {} } }));
    expect(c.assumptions).toContain('sa-east-1 is not in the price table; S priced as us-east-1');
    expect(c.head.monthly).toBeCloseTo(0.045 * 730, 1);
  });

  it('RDS Multi-AZ doubles instance and storage; postgres uses its own prices', () => {
    const db = (multi: boolean) => ({ Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'postgres', DBInstanceClass: 'db.t4g.small', AllocatedStorage: '100', StorageType: 'gp3', MultiAZ: multi } });
    const c = estimateCost(assembly('eu-west-1', { D: db(false) }), assembly('eu-west-1', { D: db(true) }));
    expect(c.base.monthly).toBeCloseTo(0.034 * 730 + 0.127 * 100, 1);
    expect(c.head.monthly).toBeCloseTo(2 * c.base.monthly, 0);
  });
});
