/**
 * Deterministic rendering: the same value always gives the same bytes.
 *
 * JSON: object keys sorted (code-point order), 2-space indent, trailing newline; arrays keep their
 * order (the emitters sort them where order is free). YAML: keys sorted, every string double-quoted
 * (so YAML 1.1 readers such as docker-compose 1.29.2 never read `80:80` as a number or `no` as a
 * boolean), risky keys quoted, no line folding, trailing newline.
 */
import { Document, isPair, isScalar, visit } from 'yaml';
import { sortDeep } from '../../util/sort-deep';

/** Stable JSON: sorted keys, 2-space indent, trailing newline. */
export function renderJson(value: unknown): string {
  return `${JSON.stringify(sortDeep(value), null, 2)}\n`;
}

/** Keys a YAML 1.1 reader would not read back as the same string. */
const RISKY_KEY = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~|<<|)$|^[-+.\d:?&*!|>'"%@`#,[\]{}]|[:#]\s|\s$|^\s/;

/** Stable YAML with every string value double-quoted; `header` lines become a leading comment. */
export function renderYaml(value: unknown, header?: readonly string[]): string {
  const doc = new Document(sortDeep(value));
  visit(doc, {
    Pair(_, pair) {
      if (isPair(pair) && isScalar(pair.key) && typeof pair.key.value === 'string') {
        pair.key.type = RISKY_KEY.test(pair.key.value) ? 'QUOTE_DOUBLE' : 'PLAIN';
      }
    },
    Scalar(key, node) {
      if (key !== 'key' && typeof node.value === 'string') node.type = 'QUOTE_DOUBLE';
    },
  });
  if (header && header.length > 0) doc.commentBefore = header.map((l) => ` ${l}`).join('\n');
  return doc.toString({ indent: 2, lineWidth: 0, minContentWidth: 0, indentSeq: true });
}
