/**
 * Issue 12, finding 3 (MEDIUM): Markdown/HTML injection into the review comment. A pull request that
 * sets container environment values to markup got, rendered with GitHub-flavoured Markdown, a real
 * `<img>`, a link, an @mention, a heading, a broken table, and `<!--` hid the rest of the report
 * including the diagram. Regression: the same values through the real pipeline (assembly → review →
 * markdown → micromark + GFM) add no element, and everything after them is still there.
 */
import { renderMarkdown } from '../../lib/review';
import { githubReferences, renderGfm, shape } from '../review/markdown-oracle';
import { AssemblyCopy, FULLSTACK, review } from '../review/helpers';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ATTACKS: Record<string, string> = {
  CLOSES_CODE_SPAN: 'x`` <img src=x onerror=alert(1)> ``y',
  CARRIAGE_RETURN: 'a\r# owned heading',
  LINK_AND_IMAGE: '[click me](https://evil.test) ![i](https://evil.test/i.png)',
  MENTION: 'ping @octocat and @acme/security',
  TABLE: 'a | b | c',
  AUTOLINK: 'see www.evil.test or https://evil.test/x',
  HIDES_THE_REST: 'x <!-- ',
};

function reportWith(values: Record<string, string>): string {
  const base = new AssemblyCopy(FULLSTACK);
  const head = new AssemblyCopy(FULLSTACK).editDockerrun((d) => {
    const api = d.containerDefinitions.find((c: Json) => c.name === 'api');
    for (const [name, value] of Object.entries(values)) api.environment.push({ name, value });
  });
  return renderMarkdown(review(base.dir, head.dir));
}

test('environment values with markup add nothing to the rendered comment and hide nothing', () => {
  const plain = Object.fromEntries(Object.keys(ATTACKS).map((k, i) => [k, `value${i}`]));
  const [attacked, harmless] = renderGfm([reportWith(ATTACKS), reportWith(plain)]).map(shape);
  // the same elements, attributes and comments as with harmless values: no <img>, <a>, <h1>, extra <td>…
  expect(attacked.skeleton).toEqual(harmless.skeleton);
  expect(attacked.skeleton.filter((t) => /^<(img|a)[ >]/.test(t))).toEqual([]);
  // the diagram after the values is still rendered
  expect(attacked.skeleton).toContain('<code class="language-mermaid">');
  expect(githubReferences(attacked.texts)).toEqual([]);
  // and the values are shown as they are (line endings as spaces)
  const text = attacked.texts.map((t) => t.text).join('');
  expect(text).toContain('CLOSES_CODE_SPAN=x`` <img src=x onerror=alert(1)> ``y');
  expect(text).toContain('CARRIAGE_RETURN=a # owned heading');
  expect(text).toContain('MENTION=ping @octocat and @acme/security');
});
