/**
 * The cost guard's CDK context keys (bin/shared/cost-guard-context.ts) as readSettings returns them.
 */
import { readSettings } from '../../bin/app';
import { isUserError } from '../../lib/errors';

describe('context sleep / budget', () => {
  test('a preset with a time zone, a budget with two addresses', () => {
    const s = readSettings({ sleep: 'nights-and-weekends', 'sleep.timezone': 'Europe/Berlin', 'budget.monthly': '30', 'budget.email': 'a@example.com, b@example.com' }, {});
    expect(s.sleep).toEqual({ schedule: 'nights-and-weekends', timezone: 'Europe/Berlin' });
    expect(s.budget).toEqual({ monthly: '30', email: ['a@example.com', 'b@example.com'] });
  });

  test('crons, and objects from cdk.json', () => {
    expect(readSettings({ 'sleep.wake': '0 8 * * 1-5', 'sleep.sleep': '0 20 * * 1-5' }, {}).sleep).toEqual({ wake: '0 8 * * 1-5', sleep: '0 20 * * 1-5' });
    expect(readSettings({ sleep: { schedule: 'nights' }, budget: { monthly: 20, email: ['a@example.com'] } }, {})).toMatchObject({ sleep: { schedule: 'nights' }, budget: { monthly: 20, email: ['a@example.com'] } });
  });

  test('off turns the compose file\'s off; nothing given leaves it to the compose file', () => {
    expect(readSettings({ sleep: 'off', budget: 'off' }, {})).toMatchObject({ sleep: false, budget: false });
    const s = readSettings({}, {});
    expect(s.sleep).toBeUndefined();
    expect(s.budget).toBeUndefined();
  });

  test('a list where a string belongs is a user error', () => {
    let error: unknown;
    try {
      readSettings({ 'sleep.timezone': ['UTC'] }, {});
    } catch (e) {
      error = e;
    }
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toBe('context sleep.timezone must be a string, got ["UTC"]');
  });
});
