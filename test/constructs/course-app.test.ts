/**
 * The course app as developed (examples/course-app: no production settings) through the CDK path:
 * the database built from its Dockerfile becomes RDS with its my.cnf in the parameter group, the
 * schema init container's image is built like the app's, and its variables are set from RDS.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ComposeApplication } from '../../constructs/compose-application';
import { optionSettings, resourcesOfType, synth, Synthesized } from './helpers';

const COURSE_APP = path.resolve(__dirname, '../../examples/course-app');

describe('ComposeApplication on examples/course-app', () => {
  let s: Synthesized;
  let a: ComposeApplication;
  beforeAll(() => {
    s = synth((stack) => {
      a = new ComposeApplication(stack, 'App', { composeFiles: [path.join(COURSE_APP, 'docker-compose.yml')], workingDirectory: COURSE_APP });
    });
  });

  test('synthesizes with zero findings', () => {
    expect(s.error).toBeUndefined();
    expect(s.violations).toEqual([]);
  });

  test('MySQL built FROM mysql:5.7 is an RDS instance whose parameter group carries the my.cnf settings RDS accepts', () => {
    expect(resourcesOfType(s, 'AWS::RDS::DBInstance')).toHaveLength(1);
    const [[, group]] = resourcesOfType(s, 'AWS::RDS::DBParameterGroup');
    expect(group.Properties.Parameters).toMatchObject({ character_set_server: 'utf8mb4', collation_server: 'utf8mb4_unicode_ci', max_connections: '200' });
    expect(group.Properties.Parameters.bind_address).toBeUndefined();
  });

  test('the schema init container runs an image built from ./mysql and reads the RDS endpoint and secret', () => {
    expect(Object.keys(a.images).sort()).toEqual(['backend', 'frontend', 'mysql-init', 'nginx']);
    const doc = JSON.parse(fs.readFileSync(path.join(a.bundleDirectory, 'Dockerrun.aws.json'), 'utf8'));
    const init = doc.containerDefinitions.find((c: { name: string }) => c.name === 'mysql-init');
    expect(init).toMatchObject({ essential: false, entryPoint: ['/bin/sh', '/beanstack/schema-init.sh'] });
    expect(fs.readFileSync(path.join(a.bundleDirectory, 'mysql', 'sqls', 'initialize.sql'), 'utf8')).toContain('CREATE TABLE IF NOT EXISTS lists');
    const options = optionSettings(s);
    for (const name of ['BEANSTACK_DB_HOST', 'BEANSTACK_DB_PORT', 'BEANSTACK_DB_USER', 'BEANSTACK_DB_NAME', 'MYSQL_HOST']) {
      expect(options[`aws:elasticbeanstalk:application:environment/${name}`]).toBeDefined();
    }
    for (const name of ['BEANSTACK_DB_PASSWORD', 'MYSQL_PASSWORD']) {
      expect(options[`aws:elasticbeanstalk:application:environmentsecrets/${name}`]).toBeDefined();
    }
  });

  test('nginx links to frontend and backend, whose names its baked default.conf uses', () => {
    const doc = JSON.parse(fs.readFileSync(path.join(a.bundleDirectory, 'Dockerrun.aws.json'), 'utf8'));
    const nginx = doc.containerDefinitions.find((c: { name: string }) => c.name === 'nginx');
    expect(nginx.links).toEqual(expect.arrayContaining(['backend', 'frontend']));
  });
});
