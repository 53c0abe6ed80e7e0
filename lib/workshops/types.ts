/**
 * Workshops: what a loaded lesson is, and the shapes the API answers with.
 * The loaders (native.ts, killercoda.ts) turn folders into `Workshop`s; the
 * API never sends scripts, only whether a step has a check.
 */

export const LEVELS = ["beginner", "intermediate", "advanced"] as const;
export type Level = (typeof LEVELS)[number];

/** Something a code block lets the learner do with one click. */
export interface Action {
  kind: "run" | "copy" | "file";
  /** The command to type, the text to copy, or the file's content. */
  text: string;
  /** Where a run or file goes; undefined: the node being shown. */
  node?: string;
  /** For `file`: the absolute path it is written to. */
  path?: string;
  /** Sends Ctrl+C before typing (Killercoda's `{{exec interrupt}}`). */
  interrupt?: boolean;
  /** False when the replay test must leave it out (e.g. an interactive shell). */
  replay: boolean;
}

export interface Step {
  title: string;
  /** Markdown; code blocks carry their action in the info string (see blocks.ts). */
  body: string;
  hints: string[];
  /** Where setup and check run. */
  node: string;
  /** Bash scripts, run as root in the node. */
  setup?: string;
  check?: string;
  /** For the replay test only: what the learner does by hand. */
  solve?: string;
  /** Killercoda's foreground script: typed into the learner's terminal when the step starts. */
  foreground?: string;
  actions: Action[];
}

/** A file put into a node when the workshop starts (Killercoda's assets). */
export interface Asset {
  node: string;
  /** Absolute path in the node. */
  path: string;
  /** Base64. */
  content: string;
  mode?: string;
}

export interface Workshop {
  slug: string;
  title: string;
  description: string;
  /** Minutes. */
  duration: number;
  level: Level;
  nodes: number;
  images: string[];
  order: number;
  format: "native" | "killercoda";
  intro?: { body: string; setup?: string; foreground?: string };
  finish?: string;
  steps: Step[];
  assets: Asset[];
}

/** A folder that could not be loaded, and why, for lesson authors. */
export interface LoadProblem {
  folder: string;
  errors: string[];
}

/** A catalog entry: the manifest, and how many steps. */
export type WorkshopSummary = Pick<Workshop, "slug" | "title" | "description" | "duration" | "level" | "nodes" | "images" | "format"> & {
  steps: number;
};

export interface StepView {
  n: number;
  title: string;
  body: string;
  hints: string[];
  node: string;
  hasCheck: boolean;
  actions: Action[];
}

export interface WorkshopView extends WorkshopSummary {
  intro?: string;
  finish?: string;
  stepList: StepView[];
}

export interface CheckResult {
  passed: boolean;
  /** What the check printed (the end of it), to explain a failure. */
  output: string;
  at: string;
}

/** A learner's progress through a workshop, as saved in the session's node1. */
export interface RunView {
  workshop: string;
  /** 1-based; 0 is the introduction. */
  step: number;
  checks: Record<string, CheckResult>;
  cohort?: string;
  name?: string;
  startedAt: string;
}

/** One attendee of a class, on the instructor's page. */
export interface AttendeeView {
  name: string;
  /** Opens the attendee's session watch-only. */
  watchId: string;
  joinedAt: string;
  active: boolean;
  /** 0: still on the introduction; undefined while it cannot be read. */
  step?: number;
  checks: Record<string, CheckResult>;
}

export interface CohortDashboard {
  code: string;
  title: string;
  workshop: { slug: string; title: string; steps: { n: number; title: string; hasCheck: boolean }[] };
  seats: number;
  createdAt: string;
  expiresAt: string;
  joinPath: string;
  attendees: AttendeeView[];
  /**
   * Free seats with a node started ahead (ready now, or still starting):
   * those joins get a prompt at once. Shared with other classes and the
   * pool, and bounded by the playground's capacity.
   */
  warm: { ready: number; starting: number };
}

export function summary(w: Workshop): WorkshopSummary {
  return {
    slug: w.slug,
    title: w.title,
    description: w.description,
    duration: w.duration,
    level: w.level,
    nodes: w.nodes,
    images: w.images,
    steps: w.steps.length,
    format: w.format,
  };
}

export function view(w: Workshop): WorkshopView {
  return {
    ...summary(w),
    intro: w.intro?.body,
    finish: w.finish,
    stepList: w.steps.map((s, i) => ({
      n: i + 1,
      title: s.title,
      body: s.body,
      hints: s.hints,
      node: s.node,
      hasCheck: !!s.check,
      actions: s.actions,
    })),
  };
}
