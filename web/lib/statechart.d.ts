// Types for web/lib/statechart.js (plain JS served to the browser), for the TypeScript tests.
import type { ChartNode } from '../../src/runtime/chart.ts';
export type { ChartNode, ChartTransition } from '../../src/runtime/chart.ts';
export interface EdgeLabel { x: number; y: number; w: number; h: number; lines: string[]; more: number }
export interface LayoutNode {
  path: string; key: string; type: string; depth: number; rank: number;
  x: number; y: number; w: number; h: number; initial: boolean;
  internal: string[]; selfLoops: string[]; anyIn: string[]; fanIn: { label: string; from: string[] }[];
}
export interface LayoutEdge {
  from: string; to: string; kind: 'forward' | 'back' | 'same' | 'cross';
  labels: string[]; count: number; points: [number, number][]; label: EdgeLabel;
}
export interface Layout { width: number; height: number; nodes: LayoutNode[]; edges: LayoutEdge[]; initials: { x: number; y: number; tx: number; ty: number }[] }
export function transitionLabel(t: ChartTransition): string;
export function layoutChart(chart: ChartNode): Layout;
export function packLabels(labels: { y: number; h: number }[]): void;
export function stubLines(m: { anyIn: string[]; fanIn: { label: string; from: string[] }[] }): string[];
export function activePaths(state: string): { leaves: string[]; all: Set<string> };
