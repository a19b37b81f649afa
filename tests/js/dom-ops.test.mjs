// Drawing what the Python view records (static/dom-ops.js) into a fake
// document: known tags and attributes only, and text only.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { DomPatcher } from '../../static/dom-ops.js';
import { FakeDocument } from './fakes.mjs';

const VIEW_TAGS = ['div', 'span', 'p', 'dl', 'dt', 'dd', 'ol', 'li', 'time', 'section', 'button'];

function patcher(t) {
  const warnings = t.mock.method(console, 'warn', () => {});
  const document = new FakeDocument();
  const root = document.createElement('section');
  document.created.length = 0;
  return { drawing: new DomPatcher(root), document, root, warnings };
}

test('recorded steps build the view: elements, text, class, hidden, attributes, removal', (t) => {
  const { drawing, root, warnings } = patcher(t);
  drawing.apply([
    ['c', 1, 'ol'], ['a', 0, 1], ['k', 1, 'entries'], ['s', 1, 'data-events', '2'],
    ['c', 2, 'li'], ['a', 1, 2], ['c', 3, 'time'], ['a', 2, 3],
    ['s', 3, 'datetime', '2026-11-28T10:00:00Z'], ['t', 3, '10:00'],
    ['c', 4, 'li'], ['a', 1, 4], ['t', 4, 'Ringing'], ['h', 4, true],
    ['c', 5, 'button'], ['a', 0, 5], ['s', 5, 'type', 'button'], ['s', 5, 'data-action', 'done'], ['t', 5, 'Done'],
    ['r', 4],
  ]);
  assert.equal(warnings.mock.callCount(), 0);
  const [list, button] = root.children;
  assert.equal(list.tagName, 'OL');
  assert.equal(list.className, 'entries');
  assert.equal(list.getAttribute('data-events'), '2');
  assert.equal(list.children.length, 1);
  assert.equal(list.children[0].children[0].getAttribute('datetime'), '2026-11-28T10:00:00Z');
  assert.equal(list.textContent, '10:00');
  assert.equal(button.getAttribute('data-action'), 'done');
  assert.equal(button.textContent, 'Done');
});

test('every tag the view uses is drawn', (t) => {
  const { drawing, document } = patcher(t);
  drawing.apply(VIEW_TAGS.map((tag, index) => ['c', index + 1, tag]));
  assert.deepEqual(document.created, VIEW_TAGS.map((tag) => tag.toUpperCase()));
});

test('any other tag is refused, and the next step still runs', (t) => {
  const { drawing, document, root, warnings } = patcher(t);
  const refused = ['script', 'img', 'iframe', 'a', 'style', 'svg', 'form', 'input', 'DIV', '', null, 7];
  drawing.apply([...refused.map((tag, index) => ['c', index + 1, tag]), ['c', 99, 'p'], ['a', 0, 99]]);
  assert.deepEqual(document.created, ['P']);
  assert.equal(root.children.length, 1);
  assert.equal(warnings.mock.callCount(), refused.length);
});

test('markup in text stays text', (t) => {
  const { drawing, document, root } = patcher(t);
  const hostile = '<img src=x onerror=alert(1)>';
  drawing.apply([['c', 1, 'span'], ['a', 0, 1], ['t', 1, hostile], ['k', 1, '"><script>']]);
  const [span] = root.children;
  assert.equal(span.textContent, hostile);
  assert.equal(span.children.length, 0);
  assert.equal(span.className, '"><script>');
  assert.deepEqual(document.created, ['SPAN']);
});

test('only the attributes the view sets, with the values it sets, are allowed', (t) => {
  const { drawing, root, warnings } = patcher(t);
  const refused = [
    ['onclick', 'alert(1)'], ['onerror', 'alert(1)'], ['href', 'javascript:alert(1)'], ['src', 'x'],
    ['style', 'color:red'], ['id', 'quick'], ['data-events', '2; x'], ['data-events', ''],
    ['data-action', 'delete'], ['type', 'submit'], ['DATETIME', 'x'],
  ];
  drawing.apply([['c', 1, 'button'], ['a', 0, 1], ...refused.map(([name, value]) => ['s', 1, name, value])]);
  assert.deepEqual([...root.children[0].attributes], []);
  assert.equal(warnings.mock.callCount(), refused.length);
  drawing.apply([['s', 1, 'data-events', '12'], ['s', 1, 'type', 'button']]);
  assert.deepEqual([...root.children[0].attributes], [['data-events', '12'], ['type', 'button']]);
});

test('unknown operations, unknown elements and a reused id are refused', (t) => {
  const { drawing, root, warnings } = patcher(t);
  drawing.apply([
    ['c', 1, 'div'], ['a', 0, 1],
    ['x', 1, 'anything'], ['innerHTML', 1, '<b>x</b>'], ['', 1], [],
    ['t', 42, 'no such element'], ['a', 0, 42], ['r', 42],
    ['c', 1, 'span'],
  ]);
  assert.equal(warnings.mock.callCount(), 8);
  assert.equal(root.children.length, 1);
  assert.equal(root.children[0].tagName, 'DIV');
  assert.equal(root.textContent, '');
});
