#!/usr/bin/env node
// Dev tool: `node scripts/sizes.js [N] [--over LINES]` lists the N (default 5) largest files and functions (by lines) under lib/, bin/, constructs/.
'use strict';
const fs = require('fs');
const path = require('path');
const ts = require('typescript');

const ROOT = path.resolve(__dirname, '..');
const DIRS = ['lib', 'bin', 'constructs'];

function usage(message) {
  process.stderr.write(`sizes: ${message}\nfix: node scripts/sizes.js [N] [--over LINES]\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const args = { top: 5, over: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--over') {
      args.over = Number(argv[++i]);
      if (!Number.isInteger(args.over) || args.over < 1) usage(`--over needs a positive whole number of lines, got ${argv[i]}`);
    } else if (/^\d+$/.test(arg) && Number(arg) > 0) {
      args.top = Number(arg);
    } else {
      usage(`unknown argument ${arg}`);
    }
  }
  return args;
}

function sourceFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

function lineCount(text) {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

function nameText(name, sf) {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return name.getText(sf);
}

/** The name a reader would look for: `Class.method`, `Class.constructor`, `fn`, or where an anonymous function is passed. */
function functionName(node, sf) {
  const owner = ts.isClassLike(node.parent) ? `${nameText(node.parent.name, sf) ?? '(class)'}.` : '';
  if (ts.isConstructorDeclaration(node)) return `${owner}constructor`;
  if (node.name) return owner + nameText(node.name, sf);
  const parent = node.parent;
  if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && parent.name) {
    return nameText(parent.name, sf);
  }
  if (ts.isCallExpression(parent)) {
    const callee = ts.isPropertyAccessExpression(parent.expression) ? `.${parent.expression.name.text}` : parent.expression.getText(sf);
    return `(function passed to ${callee.length > 40 ? `${callee.slice(0, 40)}…` : callee}())`;
  }
  return '(anonymous function)';
}

function functionsOf(sf, file) {
  const found = [];
  const visit = (node) => {
    if (
      (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node) ||
        ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isGetAccessorDeclaration(node) ||
        ts.isSetAccessorDeclaration(node)) &&
      node.body
    ) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      found.push({ file, line: start + 1, lines: end - start + 1, name: functionName(node, sf) });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function measure() {
  const files = [];
  const functions = [];
  for (const dir of DIRS) {
    for (const full of sourceFiles(path.join(ROOT, dir))) {
      const file = path.relative(ROOT, full).split(path.sep).join('/');
      const text = fs.readFileSync(full, 'utf8');
      files.push({ file, lines: lineCount(text) });
      functions.push(...functionsOf(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true), file));
    }
  }
  const bySize = (a, b) => b.lines - a.lines || (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line);
  return { files: files.sort(bySize), functions: functions.sort(bySize) };
}

function table(title, rows, describe) {
  const lines = [`${title}`, '', '| lines | where |', '|---:|---|'];
  for (const row of rows) lines.push(`| ${row.lines} | ${describe(row)} |`);
  return lines.join('\n');
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const { files, functions } = measure();
  const chosen = args.over === undefined ? functions.slice(0, args.top) : functions.filter((f) => f.lines > args.over);
  const functionTitle = args.over === undefined
    ? `${args.top} largest functions (of ${functions.length})`
    : `functions over ${args.over} lines: ${chosen.length} (of ${functions.length})`;
  process.stdout.write([
    table(`${args.top} largest files (of ${files.length}, under ${DIRS.join('/, ')}/)`, files.slice(0, args.top), (f) => f.file),
    table(functionTitle, chosen, (f) => `${f.file}:${f.line} \`${f.name}\``),
  ].join('\n\n') + '\n');
}

main();
