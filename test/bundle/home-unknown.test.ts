/**
 * A `~` the loader could not expand (no HOME in the environment, as in a bare CI container): Compose
 * leaves it as written, and the converter must still see the developer's home in it — a mount left
 * out with a warning, never a relative host path in the Dockerrun (which failed its own validation).
 * Found by synthesizing the corpus app `minecraft` without HOME.
 */
import { composeToBundle } from '../../lib/bundle';
import { loadProject } from '../../lib/compose';
import { memoryReader } from '../compose/core/helpers';

const COMPOSE = [
  'services:',
  '  minecraft:',
  '    image: itzg/minecraft-server:2024.1.0',
  '    ports: ["25565:25565"]',
  '    volumes:',
  '      - "~/minecraft_data:/data"',
  '      - "~:/home-root"',
  '      - "~other/x:/other"',
  '',
].join('\n');

test.each([
  ['no HOME', {}],
  ['HOME set', { HOME: '/home/dev' }],
])('a mount of ~ with %s is left out with a warning on every target', (_, environment) => {
  const project = loadProject({ files: [], workingDirectory: '/app', environment, reader: memoryReader({ '/app/compose.yaml': COMPOSE }) }).result;
  for (const target of ['ecs', 'docker', 'single'] as const) {
    const { result, warnings } = composeToBundle(project, { target });
    const home = warnings.filter((w) => w.code === 'bundle/home-path');
    expect(home.map((w) => w.location?.line)).toEqual([6, 7]);
    expect(home[0].message).toContain('mounts ~/minecraft_data from your home directory');
    const text = JSON.stringify(result.files);
    expect(text).not.toContain('minecraft_data');
    expect(text).not.toContain('home-root');
  }
});
