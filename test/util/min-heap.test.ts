import * as fc from 'fast-check';
import { MinHeap } from '../../lib/util/min-heap';

describe('MinHeap', () => {
  it('pops the items in the order of its comparison, whatever the order they were pushed and popped in', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: -50, max: 50 })), { maxLength: 60 }), (ops) => {
      const heap = new MinHeap<number>((a, b) => a - b);
      const model: number[] = [];
      for (const [push, n] of ops) {
        if (push || model.length === 0) {
          heap.push(n);
          model.push(n);
        } else {
          model.sort((a, b) => a - b);
          expect(heap.pop()).toBe(model.shift());
        }
        expect(heap.size).toBe(model.length);
      }
      model.sort((a, b) => a - b);
      for (const n of model) expect(heap.pop()).toBe(n);
      expect(heap.pop()).toBeUndefined();
    }));
  });
});
