// Plain depth-first enumeration of every interleaving: no reduction at all. The reference the
// reduced search is tested against, and the baseline of the benchmark.
import type { Transition } from '../types.ts';
import { preferred, type Scheduler, type StepInfo } from './scheduler.ts';
import { preemptionsAfter, withinBound } from './preemption.ts';

interface Node {
  /** The enabled transitions, the preferred one first. */
  order: Transition[];
  index: number;
  preemptions: number;
  lastTid: number | undefined;
}

export interface EnumerateOptions {
  preemptionBound?: number | undefined;
}

export function createEnumerate(options: EnumerateOptions = {}): Scheduler {
  const bound = options.preemptionBound;
  const nodes: Node[] = [];
  let started = false;
  let pruned = false;
  let depth = 0;
  let preemptions = 0;
  let lastTid: number | undefined;

  const at = (node: Node) => ({ enabled: node.order, preemptions: node.preemptions, lastTid: node.lastTid });
  const cost = (node: Node, t: Transition): number => preemptionsAfter(t, at(node));
  const allowed = (node: Node, t: Transition): boolean => withinBound(bound, t, at(node));

  return {
    name: 'enumerate',
    begin() {
      depth = 0;
      preemptions = 0;
      lastTid = undefined;
      if (!started) return (started = true);
      while (nodes.length > 0) {
        const node = nodes[nodes.length - 1]!;
        node.index++;
        while (node.index < node.order.length && !allowed(node, node.order[node.index]!)) {
          pruned = true;
          node.index++;
        }
        if (node.index < node.order.length) return true;
        nodes.pop();
      }
      return false;
    },
    choose(enabled) {
      if (depth < nodes.length) return nodes[depth]!.order[nodes[depth]!.index]!.id;
      const first = preferred(enabled, lastTid);
      const node: Node = { order: [first, ...enabled.filter((t) => t !== first)], index: 0, preemptions, lastTid };
      while (node.index < node.order.length && !allowed(node, node.order[node.index]!)) {
        pruned = true;
        node.index++;
      }
      if (node.index >= node.order.length) return null;
      nodes.push(node);
      return node.order[node.index]!.id;
    },
    stepped({ transition }: StepInfo) {
      const node = nodes[depth++]!;
      preemptions = cost(node, transition);
      lastTid = transition.tid;
    },
    incompleteBecause: () => (pruned ? 'preemptionBound' : undefined),
  };
}
