"use client";

import type { NodeStatus, NodeView, SessionView } from "@/lib/protocol";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { LEFT_OF_TERMINAL, placePanes, terminalWidthFor, type PaneId, type PaneWish } from "@/lib/layout/panes";
import {
  ApiError,
  addNode,
  applyTemplate,
  endSession,
  extendSession,
  fetchSession,
  fetchSessionWorkshop,
  messageOf,
  removeNode,
  restartNode,
  startedSession,
  type SessionWorkshop,
} from "./api";
import Countdown from "./Countdown";
import SessionGone, { type GoneReason } from "./SessionGone";
import { Spinner } from "./StartButton";
import TabBar from "./TabBar";
import { readStored, writeStored } from "./storage";
import { DropZone, FilesMenu, UploadStatus, useUploader } from "./workspace/Files";
import NodeStopped from "./workspace/NodeStopped";
import NodeTabs from "./workspace/NodeTabs";
import PortsBar from "./workspace/PortsBar";
import { Participants, ShareButton } from "./workspace/SharePanel";
import type { EditorRequest } from "./editor/EditorPane";
import { useTerminalPane } from "./terminal/load";
import { cellWidth, loadFontSize } from "./terminal/prefs";
import type { NodeRequest } from "./terminal/osc";
import { participantQuery } from "./workspace/identity";
import { ExpiryWarning } from "./workspace/Time";

// The panel polls the node's engine: loaded only on the client, after the terminal.
const DockerPanel = dynamic(() => import("./DockerPanel"), { ssr: false });
// Monaco is large: loaded only when the editor is opened.
const EditorPane = dynamic(() => import("./editor/EditorPane"), {
  ssr: false,
  loading: () => <div className="flex h-full items-center justify-center text-sm text-slate-400">Loading the editor…</div>,
});

const LessonPane = dynamic(() => import("./lesson/LessonPane"), { ssr: false });


type Phase =
  | { kind: "loading" }
  /** `retrying`: the server or the engine is away for now, so the page asks again by itself. */
  | { kind: "error"; message: string; retrying: boolean }
  | { kind: "live"; view: SessionView; skewMs: number }
  | { kind: "gone"; reason: GoneReason };

const POLL_MS = 1000;
const IDLE_POLL_MS = 4000;
const RETRY_MS = 3000;
const BESIDES_AFTER_MS = 1500;

/** The panes beside the terminal: their names, default and smallest widths (px). */
const PANE_LABEL: Record<PaneId, string> = { lesson: "Lesson", editor: "Editor", docker: "Docker panel" };
const PANE_MIN: Record<PaneId, number> = { lesson: 320, editor: 500, docker: 360 };
const PANE_DEFAULT: Record<PaneId, (windowWidth: number) => number> = {
  lesson: () => 448,
  editor: (w) => Math.max(560, Math.round(w * 0.4)),
  docker: () => 480,
};
/** The editor with no file open is its file tree alone. */
const TREE_WIDTH = 224;
/** Folded panes' strip, one at each edge at most. */
const STRIP_WIDTH = 28;
/** The bar between a pane and the terminal, dragged to resize it. */
const HANDLE_WIDTH = 4;
/** Narrower windows show one pane at a time, with a tab bar. */
const TABS_BELOW = 900;
const WIDTHS_KEY = "playground.pane-widths";
const EDITOR_KEY = "playground-editor";
const PANEL_KEY = "playground-docker-panel";
type Tab = PaneId | "terminal";

function savedWidths(): Partial<Record<PaneId, number>> {
  try {
    const saved = JSON.parse(readStored(WIDTHS_KEY) ?? "{}") as Record<string, unknown>;
    const out: Partial<Record<PaneId, number>> = {};
    for (const id of ["lesson", "editor", "docker"] as const) {
      const w = saved[id];
      if (typeof w === "number" && Number.isFinite(w) && w > 0) out[id] = w;
    }
    return out;
  } catch {
    return {};
  }
}

export default function SessionScreen({ id }: { id: string }) {
  // A session this tab just started is shown at once, from what the Start was answered.
  const TerminalPane = useTerminalPane();
  const [phase, setPhase] = useState<Phase>(() => {
    const started = startedSession(id);
    return started ? { kind: "live", ...started } : { kind: "loading" };
  });
  const [ending, setEnding] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [extending, setExtending] = useState(false);
  const [selected, setSelected] = useState<string>(() =>
    typeof location !== "undefined" && /^#node\d+$/.test(location.hash) ? location.hash.slice(1) : "node1",
  );
  /** Only the newest request may update the page; older answers can arrive late. */
  const requestSeq = useRef(0);
  /** Our own DELETE makes the server close the socket with 4410: that is "you ended it", not "it ended". */
  const endingRef = useRef(false);

  const goGone = useCallback((reason: GoneReason) => {
    requestSeq.current++;
    setPhase((prev) => (prev.kind === "gone" ? prev : { kind: "gone", reason }));
  }, []);

  const load = useCallback(async () => {
    const seq = ++requestSeq.current;
    try {
      const { view, skewMs } = await fetchSession(id);
      if (seq !== requestSeq.current) return;
      setPhase((prev) => (prev.kind === "gone" ? prev : { kind: "live", view, skewMs }));
    } catch (err) {
      if (seq !== requestSeq.current) return;
      if (err instanceof ApiError && err.status === 404) return goGone("missing");
      // While the terminal is up, a failed poll is not worth tearing it down: the next poll may work.
      const retrying = err instanceof ApiError && (err.status === 0 || err.status >= 500);
      setPhase((prev) => (prev.kind === "live" || prev.kind === "gone" ? prev : { kind: "error", message: messageOf(err), retrying }));
    }
  }, [id, goGone]);

  useEffect(() => {
    if (!startedSession(id)) void load();
  }, [id, load]);

  const view = phase.kind === "live" ? phase.view : undefined;
  const provisioning = !!view?.nodes.some((n) => n.status === "provisioning");
  const isLive = phase.kind === "live";
  // The server pushes every change (nodes, who is connected, time) on one event stream.
  const [streaming, setStreaming] = useState(false);
  useEffect(() => {
    if (!isLive || typeof EventSource === "undefined") return;
    const source = new EventSource(`/api/sessions/${id}/events`);
    source.onopen = () => setStreaming(true);
    source.onmessage = (e: MessageEvent<string>) => {
      let next: SessionView;
      try {
        next = JSON.parse(e.data) as SessionView;
      } catch {
        return;
      }
      requestSeq.current++; // a poll still under way is older than this
      setPhase((prev) => (prev.kind === "live" ? { ...prev, view: next } : prev));
    };
    source.addEventListener("gone", () => {
      source.close();
      setStreaming(false);
      goGone(endingRef.current ? "ended" : "closed");
    });
    // EventSource connects again by itself; until it does, the page polls.
    source.onerror = () => setStreaming(false);
    return () => {
      source.close();
      setStreaming(false);
    };
  }, [id, isLive, goGone]);
  // Polled only while the stream is not open; faster while a node starts.
  useEffect(() => {
    if (!isLive || streaming) return;
    const timer = setInterval(() => void load(), provisioning ? POLL_MS : IDLE_POLL_MS);
    return () => clearInterval(timer);
  }, [isLive, streaming, provisioning, load]);

  const retrying = phase.kind === "error" && phase.retrying;
  useEffect(() => {
    if (!retrying) return;
    const timer = setInterval(() => void load(), RETRY_MS);
    return () => clearInterval(timer);
  }, [retrying, load]);

  // What the page shows beside the terminal (lesson, ports, Docker panel) asks the server once
  // the terminal is drawn, or after a moment: until then the server answers the terminal first.
  const [besides, setBesides] = useState(false);
  const showBesides = useCallback(() => setBesides(true), []);
  useEffect(() => {
    if (!isLive || besides) return;
    const timer = setTimeout(showBesides, BESIDES_AFTER_MS);
    return () => clearTimeout(timer);
  }, [isLive, besides, showBesides]);

  useEffect(() => {
    if (!isLive || !besides) return;
    let cancelled = false;
    fetchSessionWorkshop(id).then(
      (w) => {
        if (cancelled || !w) return;
        setWorkshop(w);
        // On a narrow screen, the lesson is what to read first.
        setTabState((t) => (t.chosen ? t : { tab: "lesson", chosen: false }));
        // The lesson takes the room the Docker panel would: closed unless asked for.
        if (!readStored(PANEL_KEY)) setPanelOpen(false);
      },
      () => {},
    );
    return () => {
      cancelled = true;
    };
  }, [id, isLive, besides]);

  const node: NodeView | undefined = view?.nodes.find((n) => n.name === selected) ?? view?.nodes[0];
  const control = view?.access === "control";
  const uploads = useUploader(id, view?.uploadMaxBytes);
  // Read at the first render in the browser (the server renders "Loading session…", which uses neither).
  const [panelOpen, setPanelOpen] = useState(() => {
    if (typeof window === "undefined") return false;
    const saved = readStored(PANEL_KEY);
    return saved ? saved === "open" : window.innerWidth >= 1200;
  });
  const [editorOpen, setEditorOpen] = useState(() => typeof window !== "undefined" && readStored(EDITOR_KEY) === "open");
  /** The editor has a file open (until then it is only its tree). */
  const [editorWide, setEditorWide] = useState(false);
  /** Widths the person dragged, kept per browser. */
  const [dragged, setDragged] = useState<Partial<Record<PaneId, number>>>(() => (typeof window === "undefined" ? {} : savedWidths()));
  const setPaneWidth = useCallback((id: PaneId, width: number) => {
    setDragged((prev) => {
      const next = { ...prev, [id]: Math.round(width) };
      writeStored(WIDTHS_KEY, JSON.stringify(next));
      return next;
    });
  }, []);
  /** When each pane was last asked for: the latest stays when they do not all fit. */
  const [askedAt, setAskedAt] = useState<Record<PaneId, number>>({ docker: 0, editor: 1, lesson: 2 });
  const ask = useCallback((id: PaneId) => setAskedAt((prev) => ({ ...prev, [id]: Math.max(prev.lesson, prev.editor, prev.docker) + 1 })), []);
  /** A file opened in the editor is the editor asked for: a lesson that loads after it does not fold it. */
  const onEditorWide = useCallback(
    (wide: boolean) => {
      setEditorWide(wide);
      if (wide) ask("editor");
    },
    [ask],
  );
  const [windowWidth, setWindowWidth] = useState(() => (typeof window === "undefined" ? 1280 : window.innerWidth));
  useEffect(() => {
    const onResize = () => setWindowWidth(window.innerWidth);
    window.addEventListener("resize", onResize);
    return () => window.removeEventListener("resize", onResize);
  }, []);
  const [fontPx, setFontPx] = useState(() => (typeof window === "undefined" ? 14 : loadFontSize()));
  const terminalMin = useMemo(() => (typeof window === "undefined" ? 707 : terminalWidthFor(80, cellWidth(fontPx))), [fontPx]);
  /** On narrow screens: the pane on show, and whether the person chose it. */
  const [tab, setTabState] = useState<{ tab: Tab; chosen: boolean }>({ tab: "terminal", chosen: false });
  const setTab = useCallback((next: Tab) => setTabState({ tab: next, chosen: true }), []);
  const [editorRequest, setEditorRequest] = useState<EditorRequest>();
  const terminalInput = useRef<((data: string) => void) | null>(null);
  const [workshop, setWorkshop] = useState<SessionWorkshop>();
  const [lessonOpen, setLessonOpen] = useState(true);
  /** Typed once the terminal of that node is on screen (a lesson's block for another node). */
  const pendingInput = useRef<{ node: string; data: string } | null>(null);
  // Read on the client only; the terminal is never rendered on the server.
  const [query] = useState(() => (typeof window === "undefined" ? undefined : participantQuery()));
  const saveEditorOpen = (open: boolean) => {
    writeStored(EDITOR_KEY, open ? "open" : "closed");
    setEditorOpen(open);
  };
  const savePanelOpen = (open: boolean) => {
    writeStored(PANEL_KEY, open ? "open" : "closed");
    setPanelOpen(open);
  };
  const nonce = useRef(0);
  // `edit FILE` in the terminal, and errors Docker reported at a line, open the editor there.
  const onNodeRequest = useCallback((request: NodeRequest) => {
    setEditorOpen(true);
    ask("editor");
    setTabState({ tab: "editor", chosen: true });
    setEditorRequest(
      request.kind === "edit"
        ? { kind: "edit", path: request.path, nonce: ++nonce.current }
        : { ...request, nonce: ++nonce.current },
    );
  }, [ask]);

  const select = useCallback((name: string) => {
    setSelected(name);
    const url = new URL(location.href);
    url.hash = name;
    history.replaceState(null, "", url);
  }, []);

  /** A lesson's Run: types into that node's terminal, showing it first when another one is on screen. */
  const runInTerminal = useCallback(
    (target: string | undefined, text: string, interrupt: boolean) => {
      const data = `${interrupt ? "\x03" : ""}${text.replace(/\n+$/, "")}\r`;
      // On a narrow screen the learner watches it run.
      setTabState((t) => (t.tab === "terminal" ? t : { tab: "terminal", chosen: true }));
      if (!target || target === selected) terminalInput.current?.(data);
      else {
        pendingInput.current = { node: target, data };
        select(target);
      }
    },
    [selected, select],
  );
  // The new node's terminal has mounted (its input queues until its socket opens): type what waits for it.
  useEffect(() => {
    const pending = pendingInput.current;
    if (pending && pending.node === selected && terminalInput.current) {
      pendingInput.current = null;
      terminalInput.current(pending.data);
    }
  });

  // The socket learns about state changes before the next poll does.
  const onStatus = useCallback(
    (state: NodeStatus) => {
      if (node && node.status !== state) void load();
    },
    [node, load],
  );
  const onGone = useCallback(() => {
    // A removed node closes its terminal too: only a missing session means the page is over.
    fetchSession(id).then(
      () => void load(),
      () => goGone(endingRef.current ? "ended" : "closed"),
    );
  }, [id, load, goGone]);
  const onExpire = useCallback(() => goGone("expired"), [goGone]);

  async function act(label: string, action: () => Promise<unknown>) {
    setBusy(label);
    setActionError(null);
    try {
      await action();
    } catch (err) {
      setActionError(messageOf(err));
    } finally {
      setBusy(null);
      void load();
    }
  }

  async function extend() {
    setExtending(true);
    setActionError(null);
    try {
      const extended = await extendSession(id);
      setPhase((prev) => (prev.kind === "live" ? { ...prev, view: { ...prev.view, ...extended } } : prev));
    } catch (err) {
      setActionError(`Could not extend the session: ${messageOf(err)}`);
    } finally {
      setExtending(false);
    }
  }

  async function end() {
    setEnding(true);
    endingRef.current = true;
    setActionError(null);
    try {
      await endSession(id);
      goGone("ended");
    } catch (err) {
      endingRef.current = false;
      setActionError(`Could not end the session: ${messageOf(err)}`);
    } finally {
      setEnding(false);
    }
  }

  if (phase.kind === "gone") return <SessionGone reason={phase.reason} />;
  if (phase.kind === "loading") return <Loading />;
  if (phase.kind === "error") {
    return (
      <LoadError
        message={phase.message}
        retrying={phase.retrying}
        onRetry={() => {
          setPhase({ kind: "loading" });
          void load();
        }}
      />
    );
  }

  const live = phase.view;
  const ready = node?.status === "ready";
  /** The panes in the page: the editor and the Docker panel need a ready node. */
  const mounted: Record<Tab, boolean> = { lesson: !!workshop, terminal: true, editor: editorOpen && ready, docker: panelOpen && ready };
  const wishes: PaneWish[] = [
    { id: "lesson", open: !!workshop && lessonOpen, width: dragged.lesson ?? PANE_DEFAULT.lesson(windowWidth), min: PANE_MIN.lesson, askedAt: askedAt.lesson },
    editorWide
      ? { id: "editor", open: mounted.editor, width: dragged.editor ?? PANE_DEFAULT.editor(windowWidth), min: PANE_MIN.editor, askedAt: askedAt.editor }
      : { id: "editor", open: mounted.editor, width: TREE_WIDTH, min: TREE_WIDTH, askedAt: askedAt.editor },
    { id: "docker", open: mounted.docker, width: dragged.docker ?? PANE_DEFAULT.docker(windowWidth), min: PANE_MIN.docker, askedAt: askedAt.docker },
  ];
  const placement = placePanes({ width: windowWidth, terminalMin, strip: STRIP_WIDTH, tabsBelow: TABS_BELOW }, wishes);
  const tabs = placement.mode === "tabs";
  const shownWidth = (id: PaneId) => (placement.mode === "side" ? placement.shown[id] : undefined);
  /** A pane's own width: what it was given less its resize handle's. */
  const paneWidth = (id: PaneId) => {
    const w = shownWidth(id);
    return w === undefined || tabs ? undefined : id === "editor" && !editorWide ? w : w - HANDLE_WIDTH;
  };
  const onShow = (id: PaneId) => (tabs ? tab.tab === id : shownWidth(id) !== undefined);
  /** What the terminal can give a pane being dragged wider, keeping its 80 columns. */
  const spare = placement.mode === "side" ? Math.max(0, placement.terminal - terminalMin) : 0;
  const folded = placement.mode === "side" ? placement.folded : [];
  const setOpen: Record<PaneId, (open: boolean) => void> = { lesson: setLessonOpen, editor: saveEditorOpen, docker: savePanelOpen };
  const isOpen: Record<PaneId, boolean> = { lesson: lessonOpen, editor: editorOpen, docker: panelOpen };
  /** A toggle opens (and shows) a pane or closes it; a folded pane's strip shows it again. */
  const toggle = (id: PaneId) => {
    setOpen[id](!isOpen[id]);
    if (!isOpen[id]) ask(id);
  };
  const openTab = (next: Tab) => {
    if (next !== "terminal" && !isOpen[next]) setOpen[next](true);
    setTab(next);
  };
  /** Where a pane sits: beside the terminal at its width, folded out of sight, or as a tab. */
  const paneClass = (id: PaneId, side: string) =>
    tabs ? `absolute inset-0 ${tab.tab === id ? "" : "invisible"}` : shownWidth(id) === undefined ? "hidden" : `shrink-0 ${side}`;
  const canExtend = Date.parse(live.expiresAt) < Date.parse(live.maxExpiresAt) - 1000;
  return (
    <div className="flex h-dvh flex-col" data-updates={streaming ? "push" : "poll"}>
      <header className="flex items-center gap-x-2 gap-y-2 border-b border-slate-800 bg-slate-950/60 px-2 py-2 sm:flex-wrap sm:gap-x-4 sm:px-4">
        <Link href="/" prefetch={false} className="flex items-center gap-2 text-sm font-semibold text-slate-300 hover:text-slate-100">
          <span className="font-mono text-sky-400">&gt;_</span>
          <span className="hidden sm:inline">Docker Playground</span>
        </Link>
        {!control && (
          <span data-testid="watch-banner" className="rounded-md bg-sky-500/15 px-2.5 py-1 text-sm text-sky-200">
            Watching: read only
          </span>
        )}
        <div className="ml-auto flex items-center gap-1.5 sm:flex-wrap sm:gap-3">
          <Participants people={live.connected} />
          <Countdown expiresAt={live.expiresAt} skewMs={phase.skewMs} onExpire={onExpire} />
          {control && (
            <button
              type="button"
              data-testid="extend"
              onClick={extend}
              disabled={extending || !canExtend}
              title={canExtend ? "Give this session more time" : "This session has reached the longest a session may run"}
              className="rounded-md border border-slate-700 px-2 py-1.5 text-sm text-slate-200 hover:bg-slate-800 disabled:opacity-40 sm:px-3"
            >
              {extending ? "Extending…" : "Extend"}
            </button>
          )}
          {control && <ShareButton view={live} />}
          {control && (
            <button
              type="button"
              data-testid="end-session"
              onClick={end}
              disabled={ending}
              className="rounded-md border border-red-500/40 px-2 py-1.5 text-sm font-medium sm:px-3 text-red-200 transition hover:bg-red-500/15 disabled:cursor-wait disabled:opacity-60"
            >
              {ending ? "Ending…" : (<><span className="sm:hidden">End</span><span className="hidden sm:inline">End session</span></>)}
            </button>
          )}
        </div>
      </header>

      <ExpiryWarning
        expiresAt={live.expiresAt}
        skewMs={phase.skewMs}
        canExtend={canExtend}
        extending={extending}
        onExtend={control ? extend : undefined}
      />
      {actionError && (
        <p role="alert" data-testid="action-error" className="flex items-center gap-3 border-b border-red-500/30 bg-red-950/60 px-4 py-2 text-sm text-red-100">
          <span className="flex-1">{actionError}</span>
          <button type="button" onClick={() => setActionError(null)} className="text-xs text-red-200/80 hover:text-red-100">
            Dismiss
          </button>
        </p>
      )}

      <NodeTabs
        nodes={live.nodes}
        selected={node?.name ?? ""}
        onSelect={select}
        controls={
          control
            ? {
                maxNodes: live.maxNodes,
                busy,
                onAdd: () =>
                  act("Adding a node…", async () => {
                    const added = await addNode(id);
                    select(added.name);
                  }),
                onRemove: (name) => act(`Removing ${name}…`, () => removeNode(id, name)),
                onTemplate: (name) => act("Forming the swarm…", () => applyTemplate(id, name)),
              }
            : undefined
        }
      />

      {node && node.status === "ready" && (
        <div className="flex flex-wrap items-center gap-3 border-b border-slate-800/70 px-3 py-1.5">
          <PortsBar sessionId={id} node={node.name} urlTemplate={live.portUrl} waiting={!besides} />
          <div className="ml-auto flex items-center gap-1">
            {!tabs && workshop && <Toggle id="lesson" open={lessonOpen} shown={onShow("lesson")} onClick={toggle} testId="lesson-toggle" />}
            {!tabs && <Toggle id="editor" open={editorOpen} shown={onShow("editor")} onClick={toggle} testId="editor-toggle" />}
            <FilesMenu sessionId={id} node={node.name} canUpload={control} onFiles={(files) => void uploads.uploadList(node.name, files)} />
            {!tabs && <Toggle id="docker" open={panelOpen} shown={onShow("docker")} onClick={toggle} testId="docker-panel-toggle" />}
          </div>
        </div>
      )}
      {tabs && (
        <PaneTabs
          tabs={[...(workshop ? (["lesson"] as const) : []), "terminal", ...(ready ? (["editor", "docker"] as const) : [])]}
          current={tab.tab === "terminal" || (tab.tab === "lesson" ? !!workshop : ready) ? tab.tab : "terminal"}
          onSelect={openTab}
          mounted={mounted}
        />
      )}

      <div className={`min-h-0 flex-1 ${tabs ? "relative" : "flex"}`} data-testid="workspace" data-layout={placement.mode}>
      {folded.some((p) => LEFT_OF_TERMINAL.has(p)) && (
        <FoldStrip side="left" panes={folded.filter((p) => LEFT_OF_TERMINAL.has(p))} onShow={ask} />
      )}
      {workshop && (lessonOpen || tabs) && (
        <aside className={`min-w-0 bg-[#0b1120] ${paneClass("lesson", "border-r border-slate-800")}`} style={{ width: paneWidth("lesson") }} aria-label="Lesson" id="pane-lesson" data-testid="lesson-pane">
          <LessonPane sessionId={id} workshop={workshop} control={control} onRun={runInTerminal} onShowNode={select} />
        </aside>
      )}
      {!tabs && shownWidth("lesson") !== undefined && (
        <ResizeHandle label="Resize the lesson" width={shownWidth("lesson")!} min={PANE_MIN.lesson} max={shownWidth("lesson")! + spare} grow={1} onWidth={(w) => setPaneWidth("lesson", w)} />
      )}
      {editorOpen && ready && (
        <section className={`min-w-0 bg-[#0b1120] ${paneClass("editor", "border-r border-slate-800")}`} style={{ width: paneWidth("editor") }} aria-label="Editor" id="pane-editor">
          <EditorPane
            sessionId={id}
            node={node.name}
            readOnly={!control}
            request={editorRequest}
            onRun={(command) => terminalInput.current?.(`${command}\r`)}
            onWide={onEditorWide}
          />
        </section>
      )}
      {!tabs && editorWide && shownWidth("editor") !== undefined && (
        <ResizeHandle label="Resize the editor" width={shownWidth("editor")!} min={PANE_MIN.editor} max={shownWidth("editor")! + spare} grow={1} onWidth={(w) => setPaneWidth("editor", w)} />
      )}
      <main id="pane-terminal" className={`min-h-0 min-w-0 px-2 pt-2 ${tabs ? `absolute inset-0 ${tab.tab === "terminal" ? "" : "invisible"}` : "relative flex-1"}`}>
        {!node ? (
          <Centered>
            <p className="text-slate-300">
              This session has no node.{" "}
              {control ? "Add one with “+ Add node” above." : "Someone with full control can add one."}
            </p>
          </Centered>
        ) : node.status === "failed" ? (
          <Centered>
            <div data-testid="node-failed" className="max-w-lg space-y-2 rounded-lg border border-red-500/40 bg-red-950/40 px-6 py-5">
              <h2 className="font-semibold text-red-100">The machine {node.name} could not start</h2>
              <p className="text-sm text-red-200/90">{node.message ?? "No details were given."}</p>
              <p className="text-sm text-slate-400">
                {live.nodes.length > 1 ? "Remove it and add another node." : "End this session and start a new one."}
              </p>
            </div>
          </Centered>
        ) : (
          <DropZone node={node.name} enabled={control && node.status === "ready" && !uploads.busy} onDrop={(d) => void uploads.uploadDrop(node.name, d)}>
            <div className="flex h-full flex-col">
            {node.status === "stopped" && (
              <NodeStopped
                node={node}
                restarting={busy === `Restarting ${node.name}…`}
                onRestart={control ? () => act(`Restarting ${node.name}…`, () => restartNode(id, node.name)) : undefined}
              />
            )}
            <div className="min-h-0 flex-1">
            {/* xterm needs the DOM: never rendered on the server. */}
            {TerminalPane ? (
            <TerminalPane
              key={node.name}
              sessionId={id}
              node={node.name}
              readOnly={!control}
              socketQuery={query}
              inputRef={terminalInput}
              onNodeRequest={control ? onNodeRequest : undefined}
              onGone={onGone}
              onStatus={onStatus}
              onShown={showBesides}
              onFontSize={setFontPx}
            />
            ) : (
              <div className="h-full w-full" />
            )}
            </div>
            </div>
            {node.status === "provisioning" && (
              <div className="absolute inset-0 flex items-center justify-center bg-[#0b1120]/85">
                <div
                  role="status"
                  data-testid="provisioning"
                  className="flex items-center gap-3 rounded-lg border border-slate-700 bg-slate-900 px-5 py-4 text-slate-200 shadow-xl"
                >
                  <Spinner className="h-5 w-5 text-sky-400" />
                  <span>{node.message ?? "Preparing your machine…"}</span>
                </div>
              </div>
            )}
          </DropZone>
        )}
        <UploadStatus state={uploads.state} onDismiss={uploads.dismiss} onCancel={uploads.cancel} />
      </main>
      {!tabs && shownWidth("docker") !== undefined && (
        <ResizeHandle label="Resize the Docker panel" width={shownWidth("docker")!} min={PANE_MIN.docker} max={shownWidth("docker")! + spare} grow={-1} onWidth={(w) => setPaneWidth("docker", w)} />
      )}
      {panelOpen && ready && (
        <aside className={`min-w-0 bg-[#0b1120] ${paneClass("docker", "border-l border-slate-800")}`} style={{ width: paneWidth("docker") }} aria-label="Docker panel" id="pane-docker">
          {/* Its place is kept from the start, so that the terminal is not resized when it comes. */}
          {besides && <DockerPanel key={node.name} sessionId={id} node={node.name} readOnly={!control} />}
        </aside>
      )}
      {folded.includes("docker") && <FoldStrip side="right" panes={["docker"]} onShow={ask} />}
      </div>
    </div>
  );
}

function Toggle({ id, open, shown, onClick, testId }: { id: PaneId; open: boolean; shown: boolean; onClick: (id: PaneId) => void; testId: string }) {
  const label = PANE_LABEL[id];
  const folded = open && !shown;
  return (
    <button
      type="button"
      data-testid={testId}
      aria-pressed={open}
      data-folded={folded}
      onClick={() => onClick(id)}
      title={folded ? `${label}: folded beside the terminal to keep it 80 columns wide (click to close it)` : open ? `Close the ${label.toLowerCase()}` : `Open the ${label.toLowerCase()}`}
      className={`rounded-md px-3 py-0.5 text-sm hover:bg-slate-800 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-400 ${
        open ? "text-sky-300" : "text-slate-200"
      } ${folded ? "underline decoration-dotted underline-offset-4" : ""}`}
    >
      {label}
    </button>
  );
}

/** Panes folded for room: one click shows one again (and folds what no longer fits). */
function FoldStrip({ side, panes, onShow }: { side: "left" | "right"; panes: PaneId[]; onShow: (id: PaneId) => void }) {
  return (
    <nav
      aria-label="Folded panes"
      data-testid={`fold-strip-${side}`}
      className={`flex shrink-0 flex-col items-center gap-1 border-slate-800 bg-slate-950/60 py-2 ${side === "left" ? "border-r" : "border-l"}`}
      style={{ width: STRIP_WIDTH }}
    >
      {panes.map((id) => (
        <button
          key={id}
          type="button"
          data-testid={`unfold-${id}`}
          onClick={() => onShow(id)}
          title={`Show the ${PANE_LABEL[id].toLowerCase()}`}
          className="rotate-180 rounded px-0.5 py-2 text-xs text-slate-300 [writing-mode:vertical-rl] hover:bg-slate-800 hover:text-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-400"
        >
          {PANE_LABEL[id]}
        </button>
      ))}
    </nav>
  );
}

/** On a narrow screen: one pane at a time. `mounted`: which panes are in the page, for the tabs' aria-controls. */
function PaneTabs({ tabs, current, onSelect, mounted }: { tabs: readonly Tab[]; current: Tab; onSelect: (tab: Tab) => void; mounted: Record<Tab, boolean> }) {
  const label = (t: Tab) => (t === "terminal" ? "Terminal" : t === "docker" ? "Docker" : PANE_LABEL[t]);
  return (
    <div className="border-b border-slate-800 bg-slate-950/60">
      <TabBar label="Panes" tabs={tabs.map((id) => ({ id, label: label(id) }))} current={current} onSelect={onSelect} testId="pane-tabs" tabPrefix="pane-tab" controls={(t) => (mounted[t] ? `pane-${t}` : undefined)} fill manual />
    </div>
  );
}

/** Drag to resize a pane (`grow` 1: it sits left of the handle, -1: right); arrow keys too. */
function ResizeHandle({ label, width, min, max, grow, onWidth }: { label: string; width: number; min: number; max: number; grow: 1 | -1; onWidth: (w: number) => void }) {
  const clamp = (w: number) => Math.max(min, Math.min(w, max));
  return (
    <div
      role="separator"
      aria-orientation="vertical"
      aria-label={label}
      aria-valuenow={width}
      aria-valuemin={min}
      aria-valuemax={max}
      tabIndex={0}
      onKeyDown={(e) => {
        if (e.key === "ArrowLeft") onWidth(clamp(width - 40 * grow));
        if (e.key === "ArrowRight") onWidth(clamp(width + 40 * grow));
      }}
      onPointerDown={(e) => {
        const startX = e.clientX;
        const startWidth = width;
        const move = (ev: PointerEvent) => onWidth(clamp(startWidth + (ev.clientX - startX) * grow));
        const up = () => {
          window.removeEventListener("pointermove", move);
          window.removeEventListener("pointerup", up);
        };
        window.addEventListener("pointermove", move);
        window.addEventListener("pointerup", up);
      }}
      className="w-1 shrink-0 cursor-col-resize bg-slate-800 hover:bg-sky-500/60 focus:bg-sky-500/60 focus:outline-none"
    />
  );
}

function Centered({ children }: { children: React.ReactNode }) {
  return <div className="flex h-full items-center justify-center px-6 text-center">{children}</div>;
}

function Loading() {
  return (
    <main data-testid="session-loading" className="flex min-h-dvh items-center justify-center gap-3 text-slate-400">
      <Spinner /> Loading session…
    </main>
  );
}

function LoadError({ message, retrying, onRetry }: { message: string; retrying: boolean; onRetry: () => void }) {
  return (
    <main className="flex min-h-dvh items-center justify-center px-6">
      <div
        role="alert"
        data-testid="session-error"
        className="flex max-w-lg flex-col items-center gap-4 rounded-xl border border-red-500/30 bg-red-950/30 px-8 py-8 text-center"
      >
        <h1 className="text-xl font-semibold text-red-100">The session could not be loaded</h1>
        <p className="text-red-200/90">{message}</p>
        {retrying && (
          <p data-testid="auto-retry" className="flex items-center gap-2 text-sm text-red-200/70">
            <Spinner /> Trying again every few seconds; the page comes back by itself.
          </p>
        )}
        <button
          type="button"
          data-testid="retry"
          onClick={onRetry}
          className="rounded-lg bg-slate-100 px-5 py-2 font-semibold text-slate-900 hover:bg-white"
        >
          Try again
        </button>
        <Link href="/" prefetch={false} className="text-sm text-slate-400 hover:text-slate-200">
          Back to the home page
        </Link>
      </div>
    </main>
  );
}
