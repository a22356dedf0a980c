/** The context keys of scaling and alerts (bin/app-ops.ts), read by readSettings. */
import { readSettings } from '../../bin/app';

test('numbers and lists from -c, absent keys absent', () => {
  const s = readSettings({ minInstances: '2', maxInstances: 6, scalingCpuPercent: '70', alertEmails: 'ops@example.com, dev@example.com', alertTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops' }, {});
  expect(s.operations).toEqual({ minInstances: 2, maxInstances: 6, scalingCpuPercent: 70, alertEmails: ['ops@example.com', 'dev@example.com'], alertTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops' });
  expect(readSettings({}, {}).operations).toEqual({});
});

test('a value that is not a number names the key and the fix', () => {
  expect(() => readSettings({ maxInstances: 'four' }, {})).toThrow(expect.objectContaining({ message: "context maxInstances 'four' is not a number", fix: 'pass -c maxInstances=4' }));
});
