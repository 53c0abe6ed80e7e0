"use client";

import { FitAddon } from "@xterm/addon-fit";
import { SearchAddon, type ISearchOptions } from "@xterm/addon-search";
import { WebLinksAddon } from "@xterm/addon-web-links";
import { Terminal } from "@xterm/xterm";
import { useCallback, useEffect, useId, useRef, useState } from "react";
import { CLOSE, FLOW, type ClientMessage, type NodeStatus, type ServerMessage } from "@/lib/protocol";
import { takeAhead, terminalSocketUrl } from "./terminal/ahead";
import { canReadClipboard, copyText, readText } from "./terminal/clipboard";
import ContextMenu, { type MenuEntry } from "./terminal/ContextMenu";
import { EscapeThenTab, shortcutOf } from "./terminal/keys";
import { clampFont, FONT_MAX, FONT_MIN, loadFontSize, loadTheme, saveFontSize, saveTheme, TERMINAL_FONT } from "./terminal/prefs";
import { NODE_REQUEST_OSC, parseNodeRequest, type NodeRequest } from "./terminal/osc";
import SearchBar, { type SearchResults } from "./terminal/SearchBar";
import { sameSize, toWireSize, type Size } from "./terminal/size";
import { MIN_CONTRAST, SEARCH_COLOURS, SURROUND, THEMES, type ThemeName } from "./terminal/themes";
import Toolbar from "./terminal/Toolbar";

declare global {
  interface Window {
    /** The live terminal, so end-to-end tests can read its buffer. */
    __playgroundTerm?: Terminal;
    /** Set when xterm has run once out of sight (warmUp), so the bench clicks as a reader would. */
    __playgroundWarm?: boolean;
  }
}

type ConnState = "connecting" | "connected" | "reconnecting" | "closed";
type Banner = { kind: "status" | "error"; text: string };

interface Props {
  sessionId: string;
  node: string;
  /**
   * Watch-only: the terminal shows everything live but never sends input or
   * resizes (the server enforces this too; the client simply does not try).
   */
  readOnly?: boolean;
  /** Added to the socket's URL: who this tab is, for the list of participants. */
  socketQuery?: string;
  /** Filled with a function that types into this terminal (the editor's Build and Up use it). */
  inputRef?: React.MutableRefObject<((data: string) => void) | null>;
  /** The server says the session or node no longer exists. */
  onGone?: () => void;
  /** The node's state as reported over the socket (faster than polling). */
  onStatus?: (state: NodeStatus) => void;
  /** The shell's screen is drawn, the first time on each socket. */
  onShown?: () => void;
  /** Something in the node asked the page to open a file (`edit FILE`) or show a build error on a line. */
  onNodeRequest?: (request: NodeRequest) => void;
  /** The font size in use, once and on every change (the page keeps room for 80 columns of it). */
  onFontSize?: (px: number) => void;
}

/** What the socket effect offers to the rest of the component. */
interface Live {
  term: Terminal;
  search: SearchAddon;
  /** Show the terminal at the right size now, and tell the server if this client's wish changed. */
  layout: () => void;
  /** Tell the server this client's desired size, even if it was sent before. */
  announceSize: () => void;
  /** Send keys or pasted text to the shell (not in watch-only mode). */
  input: (data: string) => void;
}

const EXIT_LINE = "\r\n\x1b[2m[shell ended — press Enter to start a new one]\x1b[0m\r\n";
/** RIS (full reset). Sent in-band so output still queued from a previous socket cannot land after the snapshot. */
const FULL_RESET = "\x1bc";
/** Input messages are limited to 64 KiB by the server; large pastes are split. */
const INPUT_CHUNK = 32 * 1024;
/** A pane being dragged to a new size sends its wish once it settles. */
const RESIZE_DEBOUNCE_MS = 150;
/** How long keys typed after Ctrl+Shift+V wait for the clipboard's text. */
const PASTE_HOLD_MS = 1000;

const backoffMs = (attempt: number) => Math.min(500 * 2 ** attempt, 5000);
/** While the server cannot reach the Docker engine, the terminal tries again this often. */
const ENGINE_RETRY_MS = 2000;
const ENGINE_LOST: Banner = { kind: "status", text: "Lost the connection to the Docker engine; retrying…" };

function* chunks(data: string): Generator<string> {
  for (let i = 0; i < data.length; ) {
    let end = Math.min(i + INPUT_CHUNK, data.length);
    // Never split a surrogate pair across two messages.
    const last = data.charCodeAt(end - 1);
    if (end < data.length && last >= 0xd800 && last <= 0xdbff) end--;
    yield data.slice(i, end);
    i = end;
  }
}

/** Links printed in the terminal open in a new tab, web addresses only. */
function openLink(_ev: MouseEvent, uri: string) {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return;
  window.open(url.href, "_blank", "noopener,noreferrer");
}

/**
 * Runs xterm once, out of sight, while the landing page is read: the
 * browser compiles its code and measures the font then, not when a learner
 * waits for the first prompt.
 */
export function warmUp(): void {
  const box = document.createElement("div");
  box.setAttribute("aria-hidden", "true");
  box.style.cssText = "position:fixed;left:-10000px;top:0;width:640px;height:240px;visibility:hidden;pointer-events:none";
  document.body.appendChild(box);
  const term = new Terminal({ fontFamily: TERMINAL_FONT, fontSize: loadFontSize(), theme: THEMES[loadTheme()], allowProposedApi: true, disableStdin: true });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.loadAddon(new SearchAddon());
  term.loadAddon(new WebLinksAddon(openLink));
  term.open(box);
  fit.fit();
  term.write("\x1bc\x1b[1;32mroot@node1\x1b[0m:\x1b[1;34m~\x1b[0m# docker run hello-world\r\n", () =>
    requestAnimationFrame(() => {
      term.dispose();
      box.remove();
      window.__playgroundWarm = true;
    }),
  );
}

export default function TerminalPane({ sessionId, node, readOnly = false, socketQuery, inputRef, onGone, onStatus, onShown, onNodeRequest, onFontSize }: Props) {
  const rootRef = useRef<HTMLDivElement>(null);
  const containerRef = useRef<HTMLDivElement>(null);
  const callbacks = useRef({ onGone, onStatus, onShown, onNodeRequest });
  const live = useRef<Live | null>(null);
  const [conn, setConn] = useState<ConnState>("connecting");
  const [banner, setBanner] = useState<Banner | null>(null);
  /** The server lost the Docker engine: said until a shell answers again. */
  const [engineLost, setEngineLost] = useState(false);
  /** The shell has the keyboard: the status bar says how to leave it. */
  const [typing, setTyping] = useState(false);
  const hintId = useId();

  // View preferences (this component only renders in the browser).
  const [fontSize, setFontSize] = useState(loadFontSize);
  const [theme, setTheme] = useState<ThemeName>(loadTheme);
  const [fullscreen, setFullscreen] = useState(false);
  const [canFullscreen] = useState(() => !!document.fullscreenEnabled);
  const prefs = useRef({ fontSize, theme, readOnly });

  const [searchOpen, setSearchOpen] = useState(false);
  /** Bumped to put the cursor back in an already open search box. */
  const [searchFocus, setSearchFocus] = useState(0);
  const [query, setQuery] = useState("");
  const [noMatch, setNoMatch] = useState(false);
  const [results, setResults] = useState<SearchResults | null>(null);
  const [menu, setMenu] = useState<{ x: number; y: number; selection: boolean } | null>(null);
  /** The shell's size once the server has said it (null: the terminal fits the pane). */
  const [shellSize, setShellSize] = useState<Size | null>(null);

  // Callbacks change on every parent render; the socket effect must not restart because of that.
  useEffect(() => {
    callbacks.current = { onGone, onStatus, onShown, onNodeRequest };
    prefs.current = { fontSize, theme, readOnly };
  });

  const focusTerminal = useCallback(() => live.current?.term.focus(), []);

  const copySelection = useCallback(async () => {
    const term = live.current?.term;
    const text = term?.getSelection();
    if (!term || !text) return;
    if (!(await copyText(text))) setBanner({ kind: "error", text: "The browser did not allow copying. Select the text and use your browser's Copy." });
    term.focus();
  }, []);

  /** Keys typed while a paste is read from the clipboard wait for it, so that "paste, Enter" stays in order. */
  const heldKeys = useRef<string[] | null>(null);

  const pasteClipboard = useCallback(async () => {
    const term = live.current?.term;
    if (!term || prefs.current.readOnly) return;
    // The first of several pending pastes holds the keys; later ones queue behind it.
    const held: string[] | null = heldKeys.current ? null : [];
    if (held) heldKeys.current = held;
    const release = () => {
      if (!held || heldKeys.current !== held) return false;
      heldKeys.current = null;
      return true;
    };
    // A clipboard permission prompt can take long: typing is not held up for more than a moment.
    const timer = setTimeout(() => {
      if (release()) for (const data of held ?? []) live.current?.input(data);
    }, PASTE_HOLD_MS);
    const text = await readText();
    clearTimeout(timer);
    const flush = release();
    if (text === null) {
      setBanner({ kind: "error", text: "The browser did not allow reading the clipboard. Paste with Ctrl+Shift+V or your browser's Paste." });
    } else if (text && live.current?.term === term) {
      term.paste(text);
    }
    if (flush) for (const data of held ?? []) live.current?.input(data);
    term.focus();
  }, []);

  const openSearch = useCallback(() => {
    setSearchOpen(true);
    setSearchFocus((n) => n + 1);
  }, []);

  const closeSearch = useCallback(() => {
    setSearchOpen(false);
    setNoMatch(false);
    setResults(null);
    live.current?.search.clearDecorations();
    live.current?.term.focus();
  }, []);

  const find = useCallback((q: string, backwards: boolean, incremental = false) => {
    const search = live.current?.search;
    if (!search) return;
    if (!q) {
      search.clearDecorations();
      setNoMatch(false);
      setResults(null);
      return;
    }
    const colours = SEARCH_COLOURS[prefs.current.theme];
    const options: ISearchOptions = {
      incremental,
      decorations: {
        matchBackground: colours.match,
        activeMatchBackground: colours.active,
        matchOverviewRuler: colours.ruler,
        activeMatchColorOverviewRuler: colours.activeRuler,
      },
    };
    let found: boolean;
    try {
      found = backwards ? search.findPrevious(q, options) : search.findNext(q, options);
    } catch {
      found = false; // a search must never take the page down
    }
    setNoMatch(!found);
    if (!found) setResults(null);
  }, []);

  const changeFont = useCallback((delta: number) => {
    setFontSize((size) => {
      const next = clampFont(size + delta);
      saveFontSize(next);
      return next;
    });
  }, []);

  const toggleTheme = useCallback(() => {
    setTheme((t) => {
      const next = t === "dark" ? "light" : "dark";
      saveTheme(next);
      return next;
    });
  }, []);

  const toggleFullscreen = useCallback(() => {
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
    else void rootRef.current?.requestFullscreen().catch(() => {});
  }, []);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;

    const term = new Terminal({
      cursorBlink: true,
      fontFamily: TERMINAL_FONT,
      fontSize: prefs.current.fontSize,
      scrollback: 5000,
      theme: THEMES[prefs.current.theme],
      minimumContrastRatio: MIN_CONTRAST,
      disableStdin: prefs.current.readOnly,
      // The search addon's match highlighting uses decorations, still a proposed API in xterm 6.
      allowProposedApi: true,
    });
    const fit = new FitAddon();
    const search = new SearchAddon();
    term.loadAddon(fit);
    term.loadAddon(search);
    term.loadAddon(new WebLinksAddon(openLink));
    // Handled, valid or not, so that no request is ever printed.
    term.parser.registerOscHandler(NODE_REQUEST_OSC, (data) => {
      const request = parseNodeRequest(data);
      if (request) callbacks.current.onNodeRequest?.(request);
      return true;
    });
    term.open(container);
    term.textarea?.setAttribute("aria-describedby", hintId);
    fit.fit();
    window.__playgroundTerm = term;
    /**
     * The shell is there: the keyboard goes to it, unless the person has it
     * somewhere else on the page (the editor, the file tree, the lesson).
     * The terminal's own area (its toolbar, a stopped node's Restart) is its.
     */
    const takeFocus = () => {
      const active = document.activeElement;
      const area = container.closest("main") ?? container;
      if (!active || active === document.body || area.contains(active)) term.focus();
    };

    let socket: WebSocket | null = null;
    let disposed = false;
    let everOpened = false;
    let attempt = 0;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let lost = false;
    let resizeTimer: ReturnType<typeof setTimeout> | undefined;
    let settleTimer: ReturnType<typeof setTimeout> | undefined;
    let frame = 0;
    /** Bytes xterm has rendered but the server has not been told about, on the current socket. */
    let unacked = 0;
    /**
     * The shell's size as the server last announced it. Until a server says
     * (and for ever with a server that predates the size message) the terminal
     * fits its pane, as before. Kept across reconnects: the server repeats it on joining.
     */
    let serverSize: Size | null = null;
    /** This client's desired size as last sent on the current socket. */
    let sentSize: Size | null = null;

    const send = (msg: ClientMessage) => {
      if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(msg));
    };

    /** Show the terminal at the server's size, or fit the pane while there is none. */
    const applySize = () => {
      const el = term.element;
      if (serverSize) {
        // As wide as its cells, so that a larger shell scrolls inside the pane and a smaller one sits top-left.
        if (el) el.style.width = "max-content";
        if (term.cols !== serverSize.cols || term.rows !== serverSize.rows) term.resize(serverSize.cols, serverSize.rows);
      } else {
        if (el) el.style.width = "";
        fit.fit();
      }
    };

    /** The size this pane could show, measured from the pane itself (not from the terminal in it). */
    const sendDesired = (force: boolean) => {
      if (prefs.current.readOnly || socket?.readyState !== WebSocket.OPEN) return;
      const want = toWireSize(fit.proposeDimensions());
      if (!want || (!force && sameSize(want, sentSize))) return;
      sentSize = want;
      send({ type: "resize", ...want });
    };

    const layout = () => {
      applySize();
      sendDesired(false);
    };

    const onOutput = (ws: WebSocket, data: ArrayBuffer) => {
      const bytes = new Uint8Array(data);
      if (lost) {
        // A shell answers: the engine is back.
        lost = false;
        setEngineLost(false);
      }
      term.write(bytes, () => {
        // Output of a socket we already left is not the new socket's business.
        if (socket !== ws) return;
        unacked += bytes.length;
        if (unacked >= FLOW.ACK_EVERY_BYTES) {
          send({ type: "ack", bytes: unacked });
          unacked = 0;
        }
      });
    };

    const onMessage = (msg: ServerMessage) => {
      switch (msg.type) {
        case "snapshot":
          // Said after the frame that draws it: what the page does next must not delay that frame.
          term.write(FULL_RESET + msg.data, () => requestAnimationFrame(() => setTimeout(() => callbacks.current.onShown?.(), 0)));
          break;
        case "size": {
          const size = toWireSize(msg);
          if (!size) break;
          serverSize = size;
          setShellSize(size);
          applySize();
          break;
        }
        case "status":
          callbacks.current.onStatus?.(msg.state);
          // A stopped node or engine is shown by the page, with its Restart button.
          if (msg.state === "ready" || msg.state === "stopped") {
            setBanner(null);
            takeFocus();
          } else {
            setBanner({ kind: msg.state === "failed" ? "error" : "status", text: msg.message });
          }
          break;
        case "exit":
          term.write(EXIT_LINE);
          break;
        case "error":
          // The close that follows (ENGINE_UNAVAILABLE) is said by its own notice, which retries.
          if (msg.code === "engine_unavailable") break;
          setBanner({ kind: "error", text: msg.message });
          break;
      }
    };

    const connect = () => {
      retryTimer = undefined;
      setConn(everOpened ? "reconnecting" : "connecting");
      const url = terminalSocketUrl(sessionId, node, socketQuery);
      // The first time, Start may have opened it already (./terminal/ahead.ts).
      const taken = everOpened ? undefined : takeAhead(url);
      const ws = taken?.ws ?? new WebSocket(url);
      ws.binaryType = "arraybuffer";
      socket = ws;
      unacked = 0;
      sentSize = null;

      ws.onopen = () => {
        everOpened = true;
        const waiting = early;
        early = [];
        waiting.forEach(input);
        setConn("connected");
        applySize();
        sendDesired(true);
        // A resize that arrives together with the first prompt can be lost: say it again.
        clearTimeout(resizeTimer);
        resizeTimer = setTimeout(() => sendDesired(true), 100);
        takeFocus();
      };
      ws.onmessage = (ev: MessageEvent<ArrayBuffer | string>) => {
        attempt = 0;
        if (typeof ev.data !== "string") return onOutput(ws, ev.data);
        let msg: ServerMessage;
        try {
          msg = JSON.parse(ev.data) as ServerMessage;
        } catch {
          return; // A malformed control message is not worth dropping the session for.
        }
        onMessage(msg);
      };
      ws.onclose = (ev) => {
        if (socket !== ws || disposed) return;
        socket = null;
        clearTimeout(resizeTimer);
        if (ev.code === CLOSE.NOT_FOUND || ev.code === CLOSE.SESSION_ENDED) {
          setConn("closed");
          callbacks.current.onGone?.();
          return;
        }
        if (ev.code === CLOSE.NODE_FAILED) {
          setConn("closed"); // the status message before the close says why
          return;
        }
        if (ev.code === CLOSE.ENGINE_UNAVAILABLE) {
          lost = true;
          setEngineLost(true);
          setConn("reconnecting");
          retryTimer = setTimeout(connect, ENGINE_RETRY_MS);
          return;
        }
        setConn("reconnecting");
        retryTimer = setTimeout(connect, backoffMs(attempt++));
      };
      taken?.replay();
    };

    /** Input typed before the socket opened (a lesson's Run on a terminal just shown), sent once it does. */
    let early: string[] = [];
    const input = (data: string) => {
      if (prefs.current.readOnly) return;
      if (socket?.readyState !== WebSocket.OPEN) {
        if (early.join("").length < 64 * 1024) early.push(data);
        return;
      }
      for (const part of chunks(data)) send({ type: "input", data: part });
    };
    const escapeThenTab = new EscapeThenTab((data) => {
      if (heldKeys.current) heldKeys.current.push(data);
      else input(data);
    });
    const dataSub = term.onData((data) => escapeThenTab.data(data));
    const resultsSub = search.onDidChangeResults(({ resultIndex, resultCount }) =>
      setResults(resultCount > 0 ? { index: resultIndex, count: resultCount } : null),
    );

    term.attachCustomKeyEventHandler((ev) => {
      // Not handled by xterm, so the browser's own Tab moves the focus.
      if (ev.type === "keydown" && escapeThenTab.keydown(ev) === "leave") return false;
      // A watcher's terminal has no shell to complete for: Tab alone leaves it.
      if (ev.key === "Tab" && prefs.current.readOnly && !ev.ctrlKey && !ev.altKey && !ev.metaKey) return false;
      const shortcut = shortcutOf(ev);
      if (!shortcut) return true;
      // The shortcut's keyup (and anything else) must not reach the shell either.
      if (ev.type !== "keydown") return false;
      switch (shortcut) {
        case "copy":
          ev.preventDefault(); // Chromium would open the developer tools
          void copySelection();
          return false;
        case "search":
          ev.preventDefault();
          openSearch();
          return false;
        case "paste":
          if (prefs.current.readOnly) {
            ev.preventDefault();
          } else if (canReadClipboard()) {
            ev.preventDefault();
            void pasteClipboard();
          }
          // Otherwise the browser's own paste event reaches xterm's textarea.
          return false;
      }
    });

    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(applySize);
      clearTimeout(settleTimer);
      settleTimer = setTimeout(() => sendDesired(false), RESIZE_DEBOUNCE_MS);
    });
    observer.observe(container);

    live.current = { term, search, layout, announceSize: () => sendDesired(true), input };
    /** What the page types (a lesson's Run): after an Escape still held back. */
    const typed = (data: string) => {
      escapeThenTab.flush();
      input(data);
    };
    if (inputRef) inputRef.current = typed;
    connect();

    return () => {
      disposed = true;
      live.current = null;
      if (inputRef?.current === typed) inputRef.current = null;
      escapeThenTab.flush();
      setTyping(false); // a focused textarea taken away fires no blur
      clearTimeout(retryTimer);
      clearTimeout(resizeTimer);
      clearTimeout(settleTimer);
      cancelAnimationFrame(frame);
      observer.disconnect();
      const ws = socket;
      socket = null;
      if (ws) {
        ws.onopen = ws.onmessage = ws.onclose = null;
        ws.close(CLOSE.NORMAL);
      }
      dataSub.dispose();
      resultsSub.dispose();
      term.dispose();
      if (window.__playgroundTerm === term) delete window.__playgroundTerm;
    };
  }, [sessionId, node, socketQuery, inputRef, copySelection, pasteClipboard, openSearch, hintId]);

  useEffect(() => onFontSize?.(fontSize), [fontSize, onFontSize]);

  useEffect(() => {
    const l = live.current;
    if (!l || l.term.options.fontSize === fontSize) return;
    l.term.options.fontSize = fontSize;
    l.layout();
  }, [fontSize]);

  useEffect(() => {
    if (live.current) live.current.term.options.theme = THEMES[theme];
  }, [theme]);

  useEffect(() => {
    const l = live.current;
    if (!l || l.term.options.disableStdin === readOnly) return;
    l.term.options.disableStdin = readOnly;
    // Given control: this client's size counts now.
    if (!readOnly) l.announceSize();
  }, [readOnly]);

  useEffect(() => {
    const onChange = () => {
      setFullscreen(document.fullscreenElement === rootRef.current && !!rootRef.current);
      requestAnimationFrame(() => live.current?.layout());
    };
    document.addEventListener("fullscreenchange", onChange);
    return () => document.removeEventListener("fullscreenchange", onChange);
  }, []);

  const openMenu = (ev: React.MouseEvent) => {
    ev.preventDefault();
    setMenu({ x: ev.clientX, y: ev.clientY, selection: !!live.current?.term.hasSelection() });
  };

  const closeMenu = useCallback(
    (refocus: boolean) => {
      setMenu(null);
      if (refocus) focusTerminal();
    },
    [focusTerminal],
  );

  const menuEntries: MenuEntry[] = [
    { label: "Copy", hint: "Ctrl+Shift+C", disabled: !menu?.selection, testId: "menu-copy", action: () => void copySelection() },
    {
      label: "Paste",
      hint: "Ctrl+Shift+V",
      disabled: readOnly || !canReadClipboard(),
      testId: "menu-paste",
      action: () => void pasteClipboard(),
    },
    { label: "Select all", testId: "menu-select-all", action: () => live.current?.term.selectAll() },
    { label: "Search…", hint: "Ctrl+Shift+F", testId: "menu-search", action: openSearch },
    "separator",
    { label: "Clear scrollback", testId: "menu-clear", action: () => live.current?.term.clear() },
    "separator",
    { label: "Larger text", disabled: fontSize >= FONT_MAX, keepOpen: true, testId: "menu-font-inc", action: () => changeFont(1) },
    { label: "Smaller text", disabled: fontSize <= FONT_MIN, keepOpen: true, testId: "menu-font-dec", action: () => changeFont(-1) },
  ];

  const notice: Banner | null = engineLost ? ENGINE_LOST : conn === "reconnecting" ? { kind: "status", text: "Reconnecting…" } : banner;

  return (
    <div ref={rootRef} className={`flex h-full w-full flex-col ${fullscreen ? "bg-[#0b1120] p-2" : ""}`}>
      <Toolbar
        fontSize={fontSize}
        theme={theme}
        searchOpen={searchOpen}
        fullscreen={fullscreen}
        canFullscreen={canFullscreen}
        readOnly={readOnly}
        onFont={changeFont}
        onTheme={toggleTheme}
        onSearch={searchOpen ? closeSearch : openSearch}
        onFullscreen={toggleFullscreen}
      />
      <div className="relative min-h-0 flex-1">
        <div
          data-testid="terminal"
          data-theme={theme}
          ref={containerRef}
          onContextMenu={openMenu}
          onFocus={() => setTyping(true)}
          onBlur={() => setTyping(false)}
          // Around a shell smaller than the pane, a dimmer surround shows where the terminal ends.
          style={{ background: shellSize ? SURROUND[theme] : THEMES[theme].background }}
          className="h-full w-full overflow-auto"
        />
        {searchOpen && (
          <SearchBar
            key="search"
            focusKey={searchFocus}
            query={query}
            onQuery={(q) => {
              setQuery(q);
              find(q, false, true);
            }}
            onFind={(backwards) => find(query, backwards)}
            onClose={closeSearch}
            noMatch={noMatch}
            results={results}
          />
        )}
        {notice && <Notice notice={notice} onDismiss={notice === banner ? () => setBanner(null) : undefined} />}
        {menu && <ContextMenu x={menu.x} y={menu.y} entries={menuEntries} onClose={closeMenu} />}
      </div>
      <div className="flex h-5 shrink-0 items-center justify-end gap-1.5 font-mono text-[11px] text-slate-400">
        {/* Not shown on a touch screen, which has no Tab key; still read out there. */}
        <span id={hintId} data-testid="terminal-leave-hint" className={`mr-auto truncate ${typing ? "pointer-coarse:hidden" : "sr-only"}`}>
          {readOnly ? "Tab leaves the terminal" : "Esc then Tab leaves the terminal"}
        </span>
        <span
          aria-hidden
          className={`h-1.5 w-1.5 rounded-full ${conn === "connected" ? "bg-emerald-400" : conn === "closed" ? "bg-slate-500" : "animate-pulse bg-amber-400"}`}
        />
        {shellSize && (
          <span data-testid="terminal-size" title="The shell's size, shared by everyone in this session" className="mr-2 tabular-nums">
            {shellSize.cols}×{shellSize.rows}
          </span>
        )}
        <span data-testid="terminal-status">{conn}</span>
      </div>
    </div>
  );
}

function Notice({ notice, onDismiss }: { notice: Banner; onDismiss?: () => void }) {
  const error = notice.kind === "error";
  return (
    <div
      role={error ? "alert" : "status"}
      data-testid="terminal-banner"
      className={`absolute inset-x-2 top-2 flex items-center justify-between gap-3 rounded-md border px-3 py-2 text-sm shadow-lg backdrop-blur ${
        error ? "border-red-500/40 bg-red-950/85 text-red-100" : "border-sky-500/30 bg-slate-900/90 text-slate-200"
      }`}
    >
      <span className="flex items-center gap-2">
        {!error && <span aria-hidden className="h-2 w-2 animate-pulse rounded-full bg-sky-400" />}
        {notice.text}
      </span>
      {error && onDismiss && (
        <button type="button" onClick={onDismiss} aria-label="Dismiss" className="rounded px-2 hover:bg-red-900/60">
          ×
        </button>
      )}
    </div>
  );
}
