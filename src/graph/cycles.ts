// Finds dependency cycles so the loader can print each one as `T011 → T015 → T011`.
// Tarjan's strongly-connected components (iterative, so a 10,000-task chain cannot
// overflow the stack), then the shortest cycle through the first task of each component.

import type { TaskIndex } from './taskIndex.js';

/**
 * One cycle per strongly connected component that has one, as task indices where each
 * needs the next and the last needs the first. Components are ordered by their first
 * task in the file; each cycle starts at that task.
 */
export function findCycles(index: TaskIndex): number[][] {
  return stronglyConnectedComponents(index)
    .filter((component) => component.length > 1 || (index.needs[component[0] as number] as readonly number[]).includes(component[0] as number))
    .map((component) => shortestCycleThrough(index, Math.min(...component), new Set(component)))
    .sort((a, b) => (a[0] as number) - (b[0] as number));
}

function stronglyConnectedComponents(index: TaskIndex): number[][] {
  const n = index.ids.length;
  const order = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;

  for (let root = 0; root < n; root++) {
    if (order[root] !== -1) continue;
    const callStack: { node: number; edge: number }[] = [];
    const enter = (v: number) => {
      order[v] = low[v] = counter++;
      stack.push(v);
      onStack[v] = 1;
      callStack.push({ node: v, edge: 0 });
    };
    enter(root);
    while (callStack.length > 0) {
      const frame = callStack[callStack.length - 1] as { node: number; edge: number };
      const v = frame.node;
      const edges = index.needs[v] as readonly number[];
      if (frame.edge < edges.length) {
        const w = edges[frame.edge++] as number;
        if (order[w] === -1) enter(w);
        else if (onStack[w]) low[v] = Math.min(low[v] as number, order[w] as number);
        continue;
      }
      callStack.pop();
      const parent = callStack[callStack.length - 1];
      if (parent) low[parent.node] = Math.min(low[parent.node] as number, low[v] as number);
      if (low[v] === order[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop() as number;
          onStack[w] = 0;
          component.push(w);
        } while (w !== v);
        components.push(component);
      }
    }
  }
  return components;
}

/** Breadth-first along `needs` inside the component, back to `start`. */
function shortestCycleThrough(index: TaskIndex, start: number, component: ReadonlySet<number>): number[] {
  const cameFrom = new Map<number, number>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head] as number;
    for (const w of index.needs[v] as readonly number[]) {
      if (!component.has(w)) continue;
      if (w === start) {
        const cycle = [v];
        for (let u = v; u !== start; ) {
          u = cameFrom.get(u) as number;
          cycle.push(u);
        }
        return cycle.reverse();
      }
      if (!cameFrom.has(w)) {
        cameFrom.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start]; // unreachable for a real component; keeps the type total
}
